// SPDX-License-Identifier: Apache-2.0
#pragma once

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

// The tree of one layer or of the merged view, with a filter box and the entry context menu.
class TreePane : public QWidget
{
    Q_OBJECT
public:
    explicit TreePane(TaskRunner* runner, QWidget* parent = nullptr);

    void setTree(std::shared_ptr<const index::TreeIndex> tree, bool merged, const QString& caption);
    void clear();

    LayerTreeModel* model() const { return m_model; }
    SortProxyModel* proxy() const { return m_proxy; }
    QTreeView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }

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
    void compareWithRequested();

private:
    void applyFilter();
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
