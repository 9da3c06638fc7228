// SPDX-License-Identifier: Apache-2.0
#include "diffpane.h"

#include "changeview.h"
#include "columnwidths.h"
#include "common/error.h"
#include "diffloader.h"
#include "diffmodel.h"
#include "filedialogs.h"
#include "icons.h"
#include "io/atomicfile.h"
#include "report/diffreport.h"
#include "sortproxymodel.h"
#include "taskrunner.h"
#include "theme.h"
#include "treefilter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <filesystem>
#include <sstream>

namespace layerscope::ui {

using diff::Change;
using diff::ChangeKind;

namespace {

const QString kDiffTask = QStringLiteral("diff");
// Expanding every folder of a huge result would build a row for each; beyond this only the top levels open.
constexpr int kExpandAllLimit = 5000;

QString sideName(const QString& spec)
{
    const QString name = QFileInfo(spec).fileName();
    return name.isEmpty() ? spec : name;
}

} // namespace

DiffPane::DiffPane(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_a(new QLineEdit(this))
    , m_b(new QLineEdit(this))
    , m_subtree(new QLineEdit(this))
    , m_compare(new QPushButton(Icons::get(Icons::Compare), tr("&Compare"), this))
    , m_save(new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Save &Report…"), this))
    , m_summary(new QLabel(this))
    , m_added(new QCheckBox(tr("Added"), this))
    , m_removed(new QCheckBox(tr("Removed"), this))
    , m_changed(new QCheckBox(tr("Changed"), this))
    , m_expected(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_shown(new QLabel(this))
    , m_searchDelay(new QTimer(this))
    , m_view(new QTreeView(this))
    , m_sides(new ChangeView(this))
    , m_model(new DiffModel(this))
    , m_proxy(new SortProxyModel(this))
{
    setAcceptDrops(true);
    auto* sides = new QGridLayout;
    const auto addSide = [&](int row, const QString& label, QLineEdit* edit) {
        edit->setPlaceholderText(tr("layer, image, image@N, layer folder or folder — or drop it here"));
        edit->setClearButtonEnabled(true);
        auto* browse = new QToolButton(this);
        browse->setText(tr("…"));
        browse->setToolTip(tr("Choose a file or folder"));
        connect(browse, &QToolButton::clicked, this, [this, edit] { chooseSide(edit); });
        connect(edit, &QLineEdit::returnPressed, this, &DiffPane::runComparison);
        auto* text = new QLabel(label, this);
        text->setBuddy(edit);
        sides->addWidget(text, row, 0);
        sides->addWidget(edit, row, 1);
        sides->addWidget(browse, row, 2);
    };
    // Mnemonics unique beside the menus, the mode tabs and the scratch panel, which are shown with this tab.
    addSide(0, tr("&A (original):"), m_a);
    addSide(1, tr("B (re-e&xport):"), m_b);
    auto* subtreeLabel = new QLabel(tr("Pa&th:"), this);
    subtreeLabel->setBuddy(m_subtree);
    m_subtree->setPlaceholderText(tr("everything — or one file or folder of both, e.g. Files/Windows/System32"));
    m_subtree->setClearButtonEnabled(true);
    connect(m_subtree, &QLineEdit::returnPressed, this, &DiffPane::runComparison);
    sides->addWidget(subtreeLabel, 2, 0);
    sides->addWidget(m_subtree, 2, 1);
    sides->addWidget(m_compare, 0, 3);
    sides->addWidget(m_save, 1, 3);
    m_a->setObjectName(QStringLiteral("diffA"));
    m_b->setObjectName(QStringLiteral("diffB"));
    m_subtree->setObjectName(QStringLiteral("diffPath"));
    m_compare->setObjectName(QStringLiteral("diffCompare"));
    m_save->setObjectName(QStringLiteral("diffSaveReport"));
    m_save->setEnabled(false);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    for (QCheckBox* box : {m_added, m_removed, m_changed}) {
        box->setChecked(true);
        connect(box, &QCheckBox::toggled, this, &DiffPane::applyFilter);
        filters->addWidget(box);
    }
    m_expected->addItems({tr("Expected and unexpected"), tr("Unexpected only"), tr("Expected only")});
    m_expected->setCurrentIndex(0);
    connect(m_expected, &QComboBox::currentIndexChanged, this, &DiffPane::applyFilter);
    filters->addWidget(m_expected);
    filters->addStretch();
    m_shown->setObjectName(QStringLiteral("diffShown"));
    filters->addWidget(m_shown);
    auto* searchLabel = new QLabel(tr("&Search:"), this);
    searchLabel->setBuddy(m_search);
    filters->addWidget(searchLabel);
    filters->addWidget(m_search, 1);
    m_search->setObjectName(QStringLiteral("diffSearch"));
    m_search->setPlaceholderText(tr("text in the path, or a glob like *.dll or System32/**"));
    m_search->setToolTip(TreeFilter::help());
    m_search->setClearButtonEnabled(true);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &DiffPane::applyFilter);
    connect(m_searchDelay, &QTimer::timeout, this, &DiffPane::applyFilter);

    m_summary->setObjectName(QStringLiteral("diffSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(tr("Pick two trees to compare: A and B above, File ▸ Compare…, or drop two files here."));

    m_proxy->setSourceModel(m_model);
    m_view->setObjectName(QStringLiteral("diffView"));
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the comparison's own order (by path) until a header is clicked
    m_view->header()->resizeSection(DiffModel::Name, fontMetrics().averageCharWidth() * 40);
    ColumnWidths::manage(m_view, QStringLiteral("diff"), {DiffModel::Fields, DiffModel::Rule});
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &DiffPane::showChange);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("diffSplitter"));
    splitter->addWidget(m_view);
    splitter->addWidget(m_sides);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(sides);
    layout->addWidget(m_summary);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    connect(m_compare, &QPushButton::clicked, this, &DiffPane::runComparison);
    connect(m_save, &QPushButton::clicked, this, &DiffPane::chooseAndSaveReport);
    connect(m_runner, &TaskRunner::taskCancelled, this, [this](const QString& kind) {
        if (kind != kDiffTask)
            return;
        m_running.clear();
        clearResults(tr("<b>Cancelled</b> — no comparison is shown. Compare again to see the differences."));
    });
}

QCheckBox* DiffPane::kindFilter(int kind) const
{
    switch (ChangeKind(kind)) {
    case ChangeKind::Added:
        return m_added;
    case ChangeKind::Removed:
        return m_removed;
    case ChangeKind::Changed:
        return m_changed;
    }
    return nullptr;
}

void DiffPane::setSideA(const QString& spec)
{
    m_a->setText(spec);
}

void DiffPane::setSideB(const QString& spec)
{
    m_b->setText(spec);
}

void DiffPane::setSubtree(const QString& path)
{
    m_subtree->setText(path);
}

void DiffPane::compare(const QString& a, const QString& b, const QString& subtree)
{
    m_a->setText(a);
    m_b->setText(b);
    m_subtree->setText(subtree);
    runComparison();
}

void DiffPane::chooseSide(QLineEdit* edit)
{
    const QString path = FileDialogs::openFile(this, tr("Choose a Tree to Compare"), FileDialogs::Purpose::Compare);
    if (!path.isEmpty())
        edit->setText(path);
}

bool DiffPane::hasResult() const
{
    return m_model->diff() != nullptr;
}

QString DiffPane::title() const
{
    if (!m_running.isEmpty())
        return m_running;
    const auto& diff = m_model->diff();
    if (!diff)
        return {};
    return QStringLiteral("%1 ↔ %2").arg(sideName(diff->specA), sideName(diff->specB));
}

void DiffPane::clearResults(const QString& summary)
{
    m_sides->clear();
    m_model->setDiff(nullptr);
    m_save->setEnabled(false);
    m_shown->clear();
    m_summary->setText(summary);
    emit stateChanged();
}

void DiffPane::runComparison()
{
    const QString a = m_a->text().trimmed();
    const QString b = m_b->text().trimmed();
    const QString subtree = m_subtree->text().trimmed();
    if (a.isEmpty() || b.isEmpty()) {
        m_summary->setText(tr("Both A and B are needed."));
        return;
    }
    // The previous comparison is not the one asked for now: it leaves the screen (and Save Report) at once.
    m_running = QStringLiteral("%1 ↔ %2").arg(sideName(a), sideName(b));
    clearResults(
        subtree.isEmpty()
            ? tr("Comparing %1 with %2…").arg(a.toHtmlEscaped(), b.toHtmlEscaped())
            : tr("Comparing %3 in %1 with %2…").arg(a.toHtmlEscaped(), b.toHtmlEscaped(), subtree.toHtmlEscaped()));
    m_runner->run(
        kDiffTask, tr("Comparing %1 with %2").arg(sideName(a), sideName(b)), this,
        [a, b, subtree](Progress& progress) { return DiffLoader::compare(a, b, subtree, progress); },
        [this](std::shared_ptr<const LoadedDiff> diff) {
            m_running.clear();
            setDiff(std::move(diff));
            emit compared();
        },
        [this, a, b](const QString& message) {
            m_running.clear();
            clearResults(tr("<span style='color:%1'>Could not compare: %2</span>")
                             .arg(Theme::color(Theme::Error).name(), message.toHtmlEscaped()));
            emit failed(tr("Could not compare %1 with %2").arg(sideName(a), sideName(b)), message);
        });
}

void DiffPane::showSummary()
{
    const auto& loaded = m_model->diff();
    if (!loaded)
        return;
    const auto& result = *loaded->result;
    const auto& s = result.summary();
    const QLocale locale;
    const auto coloured = [](Theme::Role role, const QString& text) {
        return QStringLiteral("<b style='color:%1'>%2</b>").arg(Theme::color(role).name(), text);
    };
    QString verdict;
    if (result.identical())
        verdict = coloured(Theme::Success, tr("identical"));
    else if (result.hasUnexpected())
        verdict = coloured(Theme::Error, tr("unexpected differences"));
    else
        verdict = coloured(Theme::Success, tr("only expected differences"));
    QString text = tr("%1 — identical %2 · added %3 · removed %4 · changed %5 · expected %6 · unexpected %7")
                       .arg(verdict, locale.toString(qulonglong(s.identical)), locale.toString(qulonglong(s.added)),
                            locale.toString(qulonglong(s.removed)), locale.toString(qulonglong(s.changed)),
                            locale.toString(qulonglong(s.expected)), locale.toString(qulonglong(s.unexpected)));
    if (result.orderDiffers())
        text += result.orderRule()
            ? tr(" · entry order differs (expected: %1)").arg(QString::fromStdString(result.orderRule()->name()))
            : tr(" · <b>entry order differs</b>");
    if (!result.subtree().empty())
        text += tr(" · only <b>%1</b>").arg(QString::fromStdString(result.subtree()).toHtmlEscaped());
    text
        += QStringLiteral("<br><small>A: %1 %2<br>B: %3 %4</small>")
               .arg(QString::fromStdString(result.a().label).toHtmlEscaped(), QString::fromStdString(result.a().digest),
                    QString::fromStdString(result.b().label).toHtmlEscaped(),
                    QString::fromStdString(result.b().digest));
    m_summary->setText(text);
}

void DiffPane::setDiff(std::shared_ptr<const LoadedDiff> diff)
{
    m_sides->clear();
    m_model->setDiff(std::move(diff));
    showSummary();
    applyFilter();
    m_save->setEnabled(true);
    ColumnWidths::fit(m_view);
    emit stateChanged();
}

void DiffPane::setSearchText(const QString& text)
{
    m_search->setText(text);
    applyFilter();
}

void DiffPane::applyFilter()
{
    m_searchDelay->stop();
    DiffModel::Filter filter;
    filter.added = m_added->isChecked();
    filter.removed = m_removed->isChecked();
    filter.changed = m_changed->isChecked();
    filter.expected = m_expected->currentIndex() != 1;
    filter.unexpected = m_expected->currentIndex() != 2;
    filter.text = m_search->text().trimmed();
    m_sides->clear();
    m_model->setFilter(filter);
    // What is left after narrowing is what the user asked to see: open it all (within reason).
    if (filter.narrows() && m_model->changeRowCount() <= kExpandAllLimit)
        m_view->expandAll();
    else
        m_view->expandToDepth(2);
    const auto& loaded = m_model->diff();
    if (loaded && filter.narrows())
        m_shown->setText(tr("%1 of %2 shown")
                             .arg(QLocale().toString(m_model->changeRowCount()),
                                  QLocale().toString(qulonglong(loaded->result->changes().size()))));
    else
        m_shown->clear();
}

void DiffPane::showChange(const QModelIndex& index)
{
    const QModelIndex source = index.model() == m_proxy ? m_proxy->mapToSource(index) : index;
    const Change* change = m_model->changeAt(source);
    if (!change) {
        m_sides->clear();
        return;
    }
    m_sides->showChange(*m_model->diff()->result, change);
}

bool DiffPane::selectFirstUnexpected()
{
    // In the order shown (the view may be sorted).
    std::vector<QModelIndex> pending {QModelIndex()};
    while (!pending.empty()) {
        const QModelIndex parent = pending.back();
        pending.pop_back();
        for (int row = m_proxy->rowCount(parent) - 1; row >= 0; --row)
            pending.push_back(m_proxy->index(row, 0, parent));
        const Change* change = parent.isValid() ? m_model->changeAt(m_proxy->mapToSource(parent)) : nullptr;
        if (change && !change->expected) {
            m_view->scrollTo(parent);
            m_view->setCurrentIndex(parent);
            return true;
        }
    }
    return false;
}

void DiffPane::chooseAndSaveReport()
{
    if (!hasResult())
        return;
    QString selected;
    bool overwrite = false;
    const QString path = FileDialogs::saveFile(
        this, tr("Save Diff Report"), FileDialogs::Purpose::Report, QStringLiteral("diff-report.md"),
        tr("Markdown (*.md);;HTML (*.html);;JSON (*.json)"), &selected, &overwrite);
    if (path.isEmpty())
        return;
    ReportFormat format = ReportFormat::Markdown;
    if (path.endsWith(QStringLiteral(".html")) || path.endsWith(QStringLiteral(".htm"))
        || (selected.startsWith(QStringLiteral("HTML")) && !path.endsWith(QStringLiteral(".md"))))
        format = ReportFormat::Html;
    else if (path.endsWith(QStringLiteral(".json"))
             || (selected.startsWith(QStringLiteral("JSON")) && !path.endsWith(QStringLiteral(".md"))))
        format = ReportFormat::Json;
    saveReport(path, format, overwrite);
}

void DiffPane::saveReport(const QString& path, ReportFormat format, bool overwrite)
{
    const auto diff = m_model->diff();
    if (!diff)
        return;
    const std::filesystem::path output(path.toStdWString());
    m_runner->run(
        QStringLiteral("report"), tr("Writing %1").arg(QFileInfo(path).fileName()), this,
        [diff, output, path, format, overwrite](Progress&) {
            std::ostringstream out;
            switch (format) {
            case ReportFormat::Markdown:
                report::writeDiffMarkdown(*diff->result, out);
                break;
            case ReportFormat::Html:
                report::writeDiffHtml(*diff->result, out);
                break;
            case ReportFormat::Json:
                report::writeDiffJson(*diff->result, out);
                break;
            }
            if (!overwrite && std::filesystem::exists(output))
                throw Error(Error::Where {path.toStdString(), {}, {}, {}}, "already exists and was not replaced");
            // Written under a temporary name and renamed into place: a failed write never leaves half a report.
            io::AtomicFile file(output, {.overwrite = overwrite});
            const std::string bytes = out.str();
            file.write(bytes.data(), bytes.size());
            file.commit();
            return path;
        },
        [this](const QString& saved) { emit reportSaved(saved); });
}

void DiffPane::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void DiffPane::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const auto& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    if (paths.size() >= 2) {
        compare(paths[0], paths[1]);
    } else if (m_a->text().isEmpty()) {
        m_a->setText(paths[0]);
    } else {
        m_b->setText(paths[0]);
        runComparison();
    }
}

void DiffPane::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The verdict's colours are picked for the palette: pick them again for a new theme.
    if (event->type() == QEvent::PaletteChange)
        showSummary();
}

} // namespace layerscope::ui
