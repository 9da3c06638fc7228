// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/foldersizes.h"
#include "index/treeindex.h"

#include <QWidget>

#include <memory>
#include <vector>

namespace layerscope::ui {

// A squarified treemap (Bruls, Huizing, van Wijk 2000) of a merged tree: every file a rectangle whose area is its
// size, nested in its folders, coloured by the layer that contributed it (Record::layer). Rectangles smaller than a
// few pixels are not subdivided further, so a million-entry tree costs what the screen can show. Clicking a
// rectangle names its path; double-clicking asks to show it in the tree.
class TreemapView : public QWidget
{
    Q_OBJECT
public:
    explicit TreemapView(QWidget* parent = nullptr);

    void setTree(std::shared_ptr<const index::TreeIndex> tree, std::shared_ptr<const index::FolderSizes> sizes,
                 int layerCount);
    // The path under a point of the widget ("" when none).
    QString pathAt(const QPoint& point) const;
    // How many rectangles the last layout drew (tests).
    size_t cellCount() const { return m_cells.size(); }

    QSize sizeHint() const override { return {480, 360}; }

signals:
    void entryClicked(const QString& path);
    void showInTreeRequested(const QString& path);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    struct Cell
    {
        QRectF rect;
        index::NodeId node;
        int layer; // -1 for a folder too small to subdivide
    };
    void relayout();
    void layoutNode(index::NodeId node, const QRectF& rect, int depth);
    void squarify(std::vector<std::pair<uint64_t, index::NodeId>>& items, QRectF rect, int depth);
    uint64_t bytesOf(index::NodeId node) const;

    std::shared_ptr<const index::TreeIndex> m_tree;
    std::shared_ptr<const index::FolderSizes> m_sizes;
    int m_layerCount = 0;
    std::vector<Cell> m_cells;
    index::NodeId m_selected = index::InvalidNode;
};

} // namespace layerscope::ui
