// SPDX-License-Identifier: Apache-2.0
#include "treepane.h"

#include "columnwidths.h"
#include "itemroles.h"
#include "layertreemodel.h"
#include "sortproxymodel.h"
#include "taskrunner.h"
#include "treefilter.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSignalBlocker>
#include <QStyle>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace layerscope::ui {

using index::NodeId;

TreePane::TreePane(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_caption(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_matches(new QLabel(this))
    , m_view(new QTreeView(this))
    , m_model(new LayerTreeModel(this))
    , m_proxy(new SortProxyModel(this))
    , m_filterDelay(new QTimer(this))
{
    auto* filterLabel = new QLabel(tr("Fil&ter:"), this);
    filterLabel->setBuddy(m_filter);
    auto* top = new QHBoxLayout;
    top->addWidget(m_caption);
    top->addStretch();
    top->addWidget(m_matches);
    top->addWidget(filterLabel);
    top->addWidget(m_filter, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_view);

    m_caption->setContentsMargins(4, 0, 4, 0);
    m_filter->setObjectName(QStringLiteral("treeFilter"));
    m_filter->setPlaceholderText(TreeFilter::placeholder());
    m_filter->setToolTip(TreeFilter::help());
    m_matches->setObjectName(QStringLiteral("treeMatches"));
    m_filter->setClearButtonEnabled(true);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(250);
    connect(m_filter, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filter, &QLineEdit::returnPressed, this, &TreePane::applyFilter);
    connect(m_filterDelay, &QTimer::timeout, this, &TreePane::applyFilter);

    m_proxy->setSourceModel(m_model);
    m_view->setObjectName(QStringLiteral("treeView"));
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true); // lets the view skip measuring rows: essential for big folders
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(LayerTreeModel::Name, Qt::AscendingOrder);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    // WinSxS names share long prefixes and differ at the end: cut them in the middle.
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->header()->resizeSection(LayerTreeModel::Name, fontMetrics().averageCharWidth() * 40);
    m_view->setColumnHidden(LayerTreeModel::Folder, true);
    ColumnWidths::manage(m_view, QStringLiteral("tree"), {LayerTreeModel::Owner, LayerTreeModel::Folder});
    connect(m_view, &QTreeView::customContextMenuRequested, this, &TreePane::showContextMenu);
    connect(m_view, &QTreeView::activated, this, &TreePane::showDetailsRequested);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        if (current.isValid())
            emit currentEntryChanged(m_model->tree(), NodeId(current.data(NodeRole).toUInt()));
    });

    m_copyPath = new QAction(tr("&Copy Path"), this);
    m_copyPath->setShortcut(QKeySequence::Copy);
    m_copyPath->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyPath->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    connect(m_copyPath, &QAction::triggered, this, &TreePane::copyPath);
    m_view->addAction(m_copyPath);

    m_showDetails = new QAction(tr("Show &Details"), this);
    m_showDetails->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Return));
    m_showDetails->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_showDetails, &QAction::triggered, this, &TreePane::showDetailsRequested);
    m_view->addAction(m_showDetails);

    m_export = new QAction(tr("&Export File…"), this);
    m_export->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    connect(m_export, &QAction::triggered, this, [this] { emit exportRequested(currentPath()); });

    m_compareWith = new QAction(tr("Compare &With…"), this);
    m_compareWith->setToolTip(tr("Compare this file or folder with the same path in another layer, image or folder"));
    connect(m_compareWith, &QAction::triggered, this, [this] { emit compareWithRequested(currentPath()); });

    auto* focusFilter = new QAction(tr("Filter the Tree"), this);
    focusFilter->setShortcut(QKeySequence::Find);
    focusFilter->setShortcutContext(Qt::WindowShortcut);
    connect(focusFilter, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(focusFilter);

    clear();
}

void TreePane::clear()
{
    setTree(nullptr, false, tr("No layer selected"));
}

void TreePane::setTree(std::shared_ptr<const index::TreeIndex> tree, bool merged, const QString& caption,
                       std::shared_ptr<const index::FolderSizes> sizes)
{
    m_runner->discard(QStringLiteral("filter"));
    m_caption->setText(caption);
    m_model->setTree(std::move(tree), merged, std::move(sizes));
    m_view->setColumnHidden(LayerTreeModel::Layer, !merged);
    m_view->setColumnHidden(LayerTreeModel::Folder, true);
    m_matches->clear();
    if (!m_filter->text().trimmed().isEmpty())
        applyFilter();
    else
        ColumnWidths::fit(m_view);
}

void TreePane::resetFilter()
{
    m_filterDelay->stop();
    const QSignalBlocker blocker(m_filter);
    m_filter->clear();
    m_runner->discard(QStringLiteral("filter"));
    m_matches->clear();
    if (m_model->isFlat())
        showFlat(nullptr);
}

void TreePane::showFlat(std::shared_ptr<const std::vector<NodeId>> rows, NodeId base)
{
    const bool flat = rows != nullptr;
    m_model->setFlatRows(std::move(rows), base);
    m_view->setColumnHidden(LayerTreeModel::Folder, !flat);
    m_view->setRootIsDecorated(!flat);
    ColumnWidths::fit(m_view);
}

void TreePane::setFilterText(const QString& text)
{
    m_filter->setText(text);
    m_filterDelay->stop();
    applyFilter();
}

void TreePane::applyFilter()
{
    m_filterDelay->stop();
    const auto tree = m_model->tree();
    const TreeFilter filter(m_filter->text());
    if (!tree || filter.isEmpty()) {
        m_runner->discard(QStringLiteral("filter"));
        m_matches->clear();
        if (m_model->isFlat())
            showFlat(nullptr);
        return;
    }
    m_runner->run(
        QStringLiteral("filter"), tr("Filtering %1").arg(m_filter->text()), this,
        [tree, filter](Progress& progress) {
            std::vector<NodeId> rows = filter.matches(*tree, progress);
            // The Folder column starts at the folder every match shares (its parent is left out), so that it shows
            // the part of the path that tells matches apart: "WinSxS/amd64_…" rather than "Files/Windows/WinSxS/…".
            const NodeId common = TreeFilter::commonFolder(*tree, rows);
            const NodeId base = common == tree->root() ? common : tree->parent(common);
            return std::make_pair(std::move(rows), base);
        },
        [this, tree](std::pair<std::vector<NodeId>, NodeId> found) {
            auto& [rows, base] = found;
            if (tree != m_model->tree())
                return; // the layer changed while filtering
            m_matches->setText(rows.size() == 1 ? tr("1 match")
                                                : tr("%1 matches").arg(QLocale().toString(qulonglong(rows.size()))));
            showFlat(std::make_shared<const std::vector<NodeId>>(std::move(rows)), base);
        });
}

bool TreePane::selectPath(const QString& path)
{
    const auto& tree = m_model->tree();
    if (!tree)
        return false;
    const NodeId node = tree->find(path.toStdString());
    const QModelIndex source = m_model->indexOfNode(node);
    if (!source.isValid())
        return false;
    const QModelIndex proxyIndex = m_proxy->mapFromSource(source);
    m_view->scrollTo(proxyIndex);
    m_view->setCurrentIndex(proxyIndex);
    return true;
}

NodeId TreePane::currentNode() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? NodeId(current.data(NodeRole).toUInt()) : index::InvalidNode;
}

QString TreePane::currentPath() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(PathRole).toString() : QString();
}

void TreePane::copyPath()
{
    QStringList paths;
    const auto rows = m_view->selectionModel()->selectedRows();
    for (const auto& row : rows)
        paths << row.data(PathRole).toString();
    if (paths.isEmpty() && !currentPath().isEmpty())
        paths << currentPath();
    if (!paths.isEmpty())
        QApplication::clipboard()->setText(paths.join(QLatin1Char('\n')));
}

void TreePane::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    QMenu menu(this);
    menu.addAction(m_copyPath);
    menu.addAction(m_showDetails);
    menu.addSeparator();
    menu.addAction(m_export);
    // Only files and alternate data streams have data to write out.
    const auto& tree = m_model->tree();
    const auto* record = tree ? tree->record(NodeId(index.data(NodeRole).toUInt())) : nullptr;
    m_export->setEnabled(record && (record->type == wcow::EntryType::File || record->type == wcow::EntryType::Stream));
    menu.addAction(m_compareWith);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace layerscope::ui
