// SPDX-License-Identifier: Apache-2.0
#include "diffpane.h"

#include "common/error.h"
#include "diffloader.h"
#include "diffmodel.h"
#include "icons.h"
#include "report/diffreport.h"
#include "taskrunner.h"

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
#include <QSaveFile>
#include <QSplitter>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <sstream>

namespace layerscope::ui {

using diff::Change;
using diff::ChangeKind;

DiffPane::DiffPane(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_a(new QLineEdit(this))
    , m_b(new QLineEdit(this))
    , m_compare(new QPushButton(Icons::get(Icons::Compare), tr("&Compare"), this))
    , m_save(new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Save &Report…"), this))
    , m_summary(new QLabel(this))
    , m_added(new QCheckBox(tr("Added"), this))
    , m_removed(new QCheckBox(tr("Removed"), this))
    , m_changed(new QCheckBox(tr("Changed"), this))
    , m_expected(new QComboBox(this))
    , m_view(new QTreeView(this))
    , m_sides(new QTreeWidget(this))
    , m_model(new DiffModel(this))
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
        sides->addWidget(new QLabel(label, this), row, 0);
        sides->addWidget(edit, row, 1);
        sides->addWidget(browse, row, 2);
    };
    addSide(0, tr("A (original):"), m_a);
    addSide(1, tr("B (re-export):"), m_b);
    sides->addWidget(m_compare, 0, 3);
    sides->addWidget(m_save, 1, 3);
    m_a->setObjectName(QStringLiteral("diffA"));
    m_b->setObjectName(QStringLiteral("diffB"));
    m_compare->setObjectName(QStringLiteral("diffCompare"));
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

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(tr("Pick two trees to compare: A and B above, File ▸ Compare…, or drop two files here."));

    m_view->setObjectName(QStringLiteral("diffView"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->header()->resizeSection(DiffModel::Name, fontMetrics().averageCharWidth() * 40);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &DiffPane::showChange);

    m_sides->setObjectName(QStringLiteral("diffSides"));
    m_sides->setColumnCount(3);
    m_sides->setHeaderLabels({tr("Field"), tr("A"), tr("B")});
    m_sides->setRootIsDecorated(false);
    m_sides->setUniformRowHeights(true);
    m_sides->setAlternatingRowColors(true);
    m_sides->setWordWrap(true);

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

void DiffPane::compare(const QString& a, const QString& b)
{
    m_a->setText(a);
    m_b->setText(b);
    runComparison();
}

void DiffPane::chooseSide(QLineEdit* edit)
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a Tree to Compare"), edit->text());
    if (!path.isEmpty())
        edit->setText(path);
}

void DiffPane::runComparison()
{
    const QString a = m_a->text().trimmed();
    const QString b = m_b->text().trimmed();
    if (a.isEmpty() || b.isEmpty()) {
        m_summary->setText(tr("Both A and B are needed."));
        return;
    }
    m_summary->setText(tr("Comparing…"));
    m_runner->run(
        QStringLiteral("diff"), tr("Comparing %1 with %2").arg(QFileInfo(a).fileName(), QFileInfo(b).fileName()), this,
        [a, b](Progress& progress) { return DiffLoader::compare(a, b, progress); },
        [this](std::shared_ptr<const LoadedDiff> diff) {
            setDiff(std::move(diff));
            emit compared();
        },
        [this, a, b](const QString& message) {
            m_summary->setText(
                tr("<span style='color:#c0392b'>Could not compare: %1</span>").arg(message.toHtmlEscaped()));
            emit failed(tr("Could not compare %1 with %2").arg(QFileInfo(a).fileName(), QFileInfo(b).fileName()),
                        message);
        });
}

void DiffPane::setDiff(std::shared_ptr<const LoadedDiff> diff)
{
    const auto& result = *diff->result;
    const auto& s = result.summary();
    const QLocale locale;
    QString verdict;
    if (result.identical())
        verdict = tr("<b style='color:#1e8449'>identical</b>");
    else if (result.hasUnexpected())
        verdict = tr("<b style='color:#c0392b'>unexpected differences</b>");
    else
        verdict = tr("<b style='color:#1e8449'>only expected differences</b>");
    QString text = tr("%1 — identical %2 · added %3 · removed %4 · changed %5 · expected %6 · unexpected %7")
                       .arg(verdict, locale.toString(qulonglong(s.identical)), locale.toString(qulonglong(s.added)),
                            locale.toString(qulonglong(s.removed)), locale.toString(qulonglong(s.changed)),
                            locale.toString(qulonglong(s.expected)), locale.toString(qulonglong(s.unexpected)));
    if (result.orderDiffers())
        text += result.orderRule()
            ? tr(" · entry order differs (expected: %1)").arg(QString::fromStdString(result.orderRule()->name()))
            : tr(" · <b>entry order differs</b>");
    text
        += QStringLiteral("<br><small>A: %1 %2<br>B: %3 %4</small>")
               .arg(QString::fromStdString(result.a().label).toHtmlEscaped(), QString::fromStdString(result.a().digest),
                    QString::fromStdString(result.b().label).toHtmlEscaped(),
                    QString::fromStdString(result.b().digest));
    m_summary->setText(text);
    m_sides->clear();
    m_model->setDiff(std::move(diff));
    m_view->expandToDepth(2);
    m_save->setEnabled(true);
}

void DiffPane::applyFilter()
{
    DiffModel::Filter filter;
    filter.added = m_added->isChecked();
    filter.removed = m_removed->isChecked();
    filter.changed = m_changed->isChecked();
    filter.expected = m_expected->currentIndex() != 1;
    filter.unexpected = m_expected->currentIndex() != 2;
    m_sides->clear();
    m_model->setFilter(filter);
    m_view->expandToDepth(2);
}

void DiffPane::showChange(const QModelIndex& index)
{
    m_sides->clear();
    const Change* change = m_model->changeAt(index);
    if (!change)
        return;
    const auto& result = *m_model->diff()->result;
    const QFont bold = [this] {
        QFont f = font();
        f.setBold(true);
        return f;
    }();
    auto* header = new QTreeWidgetItem(m_sides, {tr("Path"), QString::fromStdString(result.path(*change))});
    header->setFirstColumnSpanned(false);
    new QTreeWidgetItem(m_sides, {tr("Change"), QString::fromLatin1(diff::changeKindName(change->kind))});
    if (change->expected && change->rule != Change::NoRule) {
        const auto& rule = result.rules()[change->rule];
        new QTreeWidgetItem(
            m_sides,
            {tr("Expected by"), QString::fromStdString(rule.name()), QString::fromStdString(rule.description())});
    }
    for (int f = 0; f < int(diff::Field::Count); ++f) {
        const auto field = diff::Field(f);
        if (!result.comparedFields().contains(field))
            continue;
        auto* item
            = new QTreeWidgetItem(m_sides,
                                  {QString::fromLatin1(diff::fieldName(field)),
                                   QString::fromStdString(result.value(*change, field, diff::DiffResult::Side::A)),
                                   QString::fromStdString(result.value(*change, field, diff::DiffResult::Side::B))});
        item->setToolTip(1, item->text(1));
        item->setToolTip(2, item->text(2));
        if (change->fields.contains(field)) {
            for (int c = 0; c < 3; ++c)
                item->setFont(c, bold);
            const bool explained = change->explained.contains(field);
            item->setForeground(
                0, explained ? palette().color(QPalette::Disabled, QPalette::Text) : QColor(0xc0, 0x39, 0x2b));
        }
    }
    m_sides->resizeColumnToContents(0);
}

bool DiffPane::selectFirstUnexpected()
{
    std::vector<QModelIndex> pending {QModelIndex()};
    while (!pending.empty()) {
        const QModelIndex parent = pending.back();
        pending.pop_back();
        for (int row = m_model->rowCount(parent) - 1; row >= 0; --row)
            pending.push_back(m_model->index(row, 0, parent));
        const Change* change = m_model->changeAt(parent);
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
    if (!m_model->diff())
        return;
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Diff Report"), QStringLiteral("diff-report.md"),
                                                      tr("Markdown (*.md);;HTML (*.html);;JSON (*.json)"), &selected);
    if (path.isEmpty())
        return;
    ReportFormat format = ReportFormat::Markdown;
    if (selected.startsWith(QStringLiteral("HTML")) || path.endsWith(QStringLiteral(".html")))
        format = ReportFormat::Html;
    else if (selected.startsWith(QStringLiteral("JSON")) || path.endsWith(QStringLiteral(".json")))
        format = ReportFormat::Json;
    saveReport(path, format);
}

void DiffPane::saveReport(const QString& path, ReportFormat format)
{
    const auto diff = m_model->diff();
    if (!diff)
        return;
    m_runner->run(
        QStringLiteral("report"), tr("Writing %1").arg(QFileInfo(path).fileName()), this,
        [diff, path, format](Progress&) {
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
            // QSaveFile writes a temporary file and renames it into place on commit, so a failed write never
            // leaves half a report under the chosen name.
            QSaveFile file(path);
            const std::string bytes = out.str();
            if (!file.open(QIODevice::WriteOnly)
                || file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit())
                throw Error(Error::Where {path.toStdString(), {}, {}, {}}, file.errorString().toStdString());
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

} // namespace layerscope::ui
