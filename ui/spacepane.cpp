// SPDX-License-Identifier: Apache-2.0
#include "spacepane.h"

#include "duplicatemodel.h"
#include "formatting.h"
#include "hotspotmodel.h"
#include "itemroles.h"
#include "layerbarsview.h"
#include "layerspacemodel.h"
#include "taskrunner.h"
#include "treemapview.h"
#include "wastedpathmodel.h"

#include "space/spaceanalyzer.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace layerscope::ui {

namespace {

const QString kSpaceTask = QStringLiteral("space");
constexpr size_t TopItems = 50;

QTreeView* listView(QAbstractItemModel* model, const QString& name, QWidget* parent)
{
    auto* view = new QTreeView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->header()->setStretchLastSection(true);
    return view;
}

} // namespace

SpacePane::SpacePane(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_layerModel(new LayerSpaceModel(this))
    , m_wastedModel(new WastedPathModel(this))
    , m_duplicateModel(new DuplicateModel(this))
    , m_hotSpotModel(new HotSpotModel(this))
    , m_summary(new QLabel(this))
    , m_bars(new LayerBarsView(this))
    , m_layers(new QTableView(this))
    , m_treemap(new TreemapView(this))
    , m_lists(new QTabWidget(this))
    , m_wasted(listView(m_wastedModel, QStringLiteral("wastedPaths"), this))
    , m_duplicates(listView(m_duplicateModel, QStringLiteral("duplicates"), this))
    , m_hotSpots(listView(m_hotSpotModel, QStringLiteral("hotSpots"), this))
    , m_showInTree(new QPushButton(tr("Show in &Tree"), this))
    , m_measureAgain(new QPushButton(tr("Measure A&gain"), this))
{
    setObjectName(QStringLiteral("spacePane"));
    m_summary->setObjectName(QStringLiteral("spaceSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_layers->setObjectName(QStringLiteral("layerSpace"));
    m_layers->setModel(m_layerModel);
    m_layers->verticalHeader()->hide();
    m_layers->horizontalHeader()->setStretchLastSection(true);
    m_layers->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_layers->setAlternatingRowColors(true);

    m_lists->setObjectName(QStringLiteral("spaceLists"));
    m_lists->addTab(m_wasted, tr("Wasted paths"));
    m_lists->addTab(m_duplicates, tr("Duplicates"));
    m_lists->addTab(m_hotSpots, tr("Hot spots"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_bars);
    leftLayout->addWidget(m_layers, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_showInTree);
    buttons->addStretch(1);
    buttons->addWidget(m_measureAgain);
    auto* listsBox = new QWidget(this);
    auto* listsLayout = new QVBoxLayout(listsBox);
    listsLayout->setContentsMargins(0, 0, 0, 0);
    listsLayout->addWidget(m_lists, 1);
    listsLayout->addLayout(buttons);

    auto* leftSplit = new QSplitter(Qt::Vertical, this);
    leftSplit->addWidget(left);
    leftSplit->addWidget(listsBox);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("spaceSplitter"));
    split->addWidget(leftSplit);
    split->addWidget(m_treemap);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_showInTree, &QPushButton::clicked, this, &SpacePane::showCurrentInTree);
    connect(m_measureAgain, &QPushButton::clicked, this, &SpacePane::measure);
    connect(m_treemap, &TreemapView::showInTreeRequested, this, &SpacePane::showInTreeRequested);
    for (QTreeView* view : {m_wasted, m_duplicates, m_hotSpots}) {
        connect(view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
            const QString path = index.data(PathRole).toString();
            if (!path.isEmpty())
                emit showInTreeRequested(path);
        });
        connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this, &SpacePane::updateButtons);
    }
    connect(m_lists, &QTabWidget::currentChanged, this, &SpacePane::updateButtons);
    connect(m_runner, &TaskRunner::taskCancelled, this, [this](const QString& kind) {
        if (kind == kSpaceTask) {
            m_summary->setText(tr("Measuring was cancelled. <b>Measure Again</b> starts it over."));
            updateButtons();
        }
    });
    setSource(nullptr);
}

QAbstractItemView* SpacePane::wastedView() const
{
    return m_wasted;
}

QAbstractItemView* SpacePane::duplicateView() const
{
    return m_duplicates;
}

void SpacePane::setSource(std::shared_ptr<const LoadedSource> source)
{
    m_runner->discard(kSpaceTask);
    m_source = std::move(source);
    setReport(nullptr);
    m_summary->setText(m_source ? tr("Measuring starts when this tab is shown.")
                                : tr("Open a layer or an image to see where its bytes go."));
    updateButtons();
    if (m_source && isVisible())
        measure();
}

void SpacePane::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_source && !m_report && !m_runner->isRunning(kSpaceTask))
        measure();
}

void SpacePane::measure()
{
    if (!m_source || m_runner->isRunning(kSpaceTask))
        return;
    m_summary->setText(tr("Measuring where the bytes go…"));
    std::shared_ptr<const LoadedSource> source = m_source;
    m_runner->run(
        kSpaceTask, tr("Measuring space"), this,
        [source](Progress& progress) {
            std::vector<const index::TreeIndex*> layers;
            std::vector<space::LayerFacts> facts;
            for (const LoadedLayer& l : source->layers) {
                layers.push_back(l.tree.get());
                facts.push_back({l.layout, l.createdBy, l.foreign, l.present, l.storedSize});
            }
            space::SpaceOptions options;
            options.top = TopItems;
            return std::make_shared<const space::SpaceReport>(space::SpaceAnalyzer::analyze(
                layers, facts, *source->merged, space::HotSpotRules::builtin(), options, progress));
        },
        [this](std::shared_ptr<const space::SpaceReport> report) {
            setReport(std::move(report));
            emit measured();
        });
    updateButtons();
}

void SpacePane::setReport(std::shared_ptr<const space::SpaceReport> report)
{
    m_report = std::move(report);
    m_layerModel->setReport(m_report);
    m_wastedModel->setReport(m_report);
    m_duplicateModel->setReport(m_report);
    m_hotSpotModel->setReport(m_report);
    m_bars->setReport(m_report);
    if (m_report && m_source)
        m_treemap->setTree(m_source->merged, m_source->mergedSizes, int(m_source->layers.size()));
    else
        m_treemap->setTree(nullptr, nullptr, 0);
    if (m_report) {
        const auto& r = *m_report;
        m_summary->setText(
            tr("<b>Efficiency %1 %</b> (as dive scores it: %2 wasted) · shipped %3 · <b>hidden %4</b> (shipped, "
               "not in the merged view) · duplicates %5 in %6 groups · hot spots %7")
                .arg(QString::number(r.efficiency * 100.0, 'f', 2), Formatting::size(r.diveWastedBytes),
                     Formatting::size(r.shippedBytes), Formatting::size(r.hiddenBytes),
                     Formatting::size(r.duplicateSavableBytes), QString::number(r.duplicateGroupCount),
                     Formatting::size(r.hotSpotBytes)));
        m_layers->resizeColumnsToContents();
        for (QTreeView* view : {m_wasted, m_duplicates, m_hotSpots})
            for (int c = 0; c + 1 < view->model()->columnCount(); ++c)
                view->resizeColumnToContents(c);
    }
    updateButtons();
}

void SpacePane::showCurrentInTree()
{
    auto* view = qobject_cast<QAbstractItemView*>(m_lists->currentWidget());
    if (!view)
        return;
    const QString path = view->currentIndex().data(PathRole).toString();
    if (!path.isEmpty())
        emit showInTreeRequested(path);
}

void SpacePane::updateButtons()
{
    auto* view = qobject_cast<QAbstractItemView*>(m_lists->currentWidget());
    m_showInTree->setEnabled(view && !view->currentIndex().data(PathRole).toString().isEmpty());
    m_measureAgain->setEnabled(m_source && !m_runner->isRunning(kSpaceTask));
}

} // namespace layerscope::ui
