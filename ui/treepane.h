// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/foldersizes.h"
#include "index/treeindex.h"

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QTimer;
class QTreeView;

namespace layerscope::ui {

class LayerTreeModel;
class SortProxyModel;
class TaskRunner;

// The tree of one layer or of the merged view, with a filter box (TreeFilter; its results as a flat list with name
// and folder columns) and the entry context menu.
class TreePane : public QWidget
{
    Q_OBJECT
public:
    explicit TreePane(TaskRunner* runner, QWidget* parent = nullptr);

    // Shows a tree; a filter in the box is applied to it. `sizes` holds its folder totals (optional).
    void setTree(std::shared_ptr<const index::TreeIndex> tree, bool merged, const QString& caption,
                 std::shared_ptr<const index::FolderSizes> sizes = {});
    void clear();
    // Empties the filter box without filtering (a new document starts unfiltered).
    void resetFilter();

    LayerTreeModel* model() const { return m_model; }
    SortProxyModel* proxy() const { return m_proxy; }
    QTreeView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }
    QLabel* matchesLabel() const { return m_matches; }

    // Applies a filter now (no typing delay); the result arrives through the task runner.
    void setFilterText(const QString& text);
    // Selects and reveals an entry by path; false when absent.
    bool selectPath(const QString& path);
    index::NodeId currentNode() const;
    QString currentPath() const;

signals:
    void currentEntryChanged(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node);
    void showDetailsRequested();
    void exportRequested(const QString& path);
    // "Compare With…" on an entry: compare that file or folder (`path`) with the same path in another tree.
    void compareWithRequested(const QString& path);

private:
    void applyFilter();
    void showFlat(std::shared_ptr<const std::vector<index::NodeId>> rows, index::NodeId base = index::InvalidNode);
    void showContextMenu(const QPoint& pos);
    void copyPath();

    TaskRunner* m_runner;
    QLabel* m_caption;
    QLineEdit* m_filter;
    QLabel* m_matches;
    QTreeView* m_view;
    LayerTreeModel* m_model;
    SortProxyModel* m_proxy;
    QTimer* m_filterDelay;
    QAction* m_copyPath;
    QAction* m_showDetails;
    QAction* m_export;
    QAction* m_compareWith;
};

} // namespace layerscope::ui
