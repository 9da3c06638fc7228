// SPDX-License-Identifier: Apache-2.0
#include "treemapview.h"

#include "formatting.h"
#include "layercolors.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace layerscope::ui {

namespace {
constexpr double MinimumSide = 3.0; // pixels: below this a rectangle is drawn whole, not subdivided
constexpr int MaximumDepth = 64;
} // namespace

TreemapView::TreemapView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("treemap"));
    setMouseTracking(false);
    setMinimumSize(200, 150);
}

void TreemapView::setTree(std::shared_ptr<const index::TreeIndex> tree, std::shared_ptr<const index::FolderSizes> sizes,
                          int layerCount)
{
    m_tree = std::move(tree);
    m_sizes = std::move(sizes);
    m_layerCount = layerCount;
    m_selected = index::InvalidNode;
    relayout();
    update();
}

uint64_t TreemapView::bytesOf(index::NodeId node) const
{
    return m_sizes ? m_sizes->bytes(node) : 0;
}

void TreemapView::relayout()
{
    m_cells.clear();
    if (!m_tree || !m_sizes || width() < 2 || height() < 2)
        return;
    layoutNode(m_tree->root(), QRectF(rect()).adjusted(0, 0, -1, -1), 0);
}

void TreemapView::layoutNode(index::NodeId node, const QRectF& rect, int depth)
{
    const auto children = m_tree->children(node);
    const bool small = rect.width() < MinimumSide || rect.height() < MinimumSide;
    if (children.empty() || small || depth >= MaximumDepth) {
        const auto* record = m_tree->record(node);
        const bool folder = !children.empty();
        m_cells.push_back({rect, node, folder || !record ? -1 : int(record->layer)});
        return;
    }
    std::vector<std::pair<uint64_t, index::NodeId>> items;
    for (index::NodeId child : children) {
        const uint64_t bytes = bytesOf(child);
        if (bytes > 0)
            items.emplace_back(bytes, child);
    }
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    // A folder leaves a one-pixel frame around its contents once it is large enough to show it.
    const QRectF inner = depth > 0 && rect.width() > 12 && rect.height() > 12 ? rect.adjusted(1, 1, -1, -1) : rect;
    squarify(items, inner, depth + 1);
}

void TreemapView::squarify(std::vector<std::pair<uint64_t, index::NodeId>>& items, QRectF rect, int depth)
{
    double total = 0;
    for (const auto& item : items)
        total += double(item.first);
    if (total <= 0)
        return;
    const double scale = rect.width() * rect.height() / total; // pixels per byte
    size_t i = 0;
    while (i < items.size()) {
        const double side = std::min(rect.width(), rect.height());
        if (side <= 0)
            return;
        // The worst aspect ratio of a row of areas with this sum, smallest and largest along `side`.
        const auto worst = [side](double sum, double smallest, double largest) {
            const double s2 = side * side;
            return std::max(s2 * largest / (sum * sum), (sum * sum) / (s2 * smallest));
        };
        size_t end = i + 1;
        double sum = double(items[i].first) * scale;
        const double largest = sum;
        double smallest = sum;
        while (end < items.size()) {
            const double area = double(items[end].first) * scale;
            if (worst(sum + area, std::min(smallest, area), largest) > worst(sum, smallest, largest))
                break;
            sum += area;
            smallest = std::min(smallest, area);
            ++end;
        }
        // Lay the row along the shorter side, then shrink the rectangle by it.
        const double thickness = sum / side;
        double offset = 0;
        for (size_t k = i; k < end; ++k) {
            const double length = double(items[k].first) * scale / thickness;
            const QRectF cell = rect.width() >= rect.height()
                ? QRectF(rect.left(), rect.top() + offset, thickness, length)
                : QRectF(rect.left() + offset, rect.top(), length, thickness);
            offset += length;
            layoutNode(items[k].second, cell, depth);
        }
        if (rect.width() >= rect.height())
            rect.setLeft(rect.left() + thickness);
        else
            rect.setTop(rect.top() + thickness);
        i = end;
    }
}

void TreemapView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (m_cells.empty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No file data to show"));
        return;
    }
    const QColor edge = palette().base().color();
    for (const Cell& c : m_cells) {
        const QColor fill = c.layer < 0 ? LayerColors::hidden().lighter(115) : LayerColors::of(c.layer, m_layerCount);
        p.fillRect(c.rect, fill);
        if (c.rect.width() > 4 && c.rect.height() > 4) {
            p.setPen(edge);
            p.drawRect(c.rect);
        }
    }
    for (const Cell& c : m_cells)
        if (c.node == m_selected) {
            p.setPen(QPen(palette().highlight().color(), 2));
            p.drawRect(c.rect.adjusted(1, 1, -1, -1));
        }
}

void TreemapView::resizeEvent(QResizeEvent*)
{
    relayout();
}

QString TreemapView::pathAt(const QPoint& point) const
{
    for (const Cell& c : m_cells)
        if (c.rect.contains(QPointF(point)))
            return Formatting::fromUtf8(m_tree->path(c.node));
    return {};
}

void TreemapView::mousePressEvent(QMouseEvent* event)
{
    for (const Cell& c : m_cells)
        if (c.rect.contains(event->position())) {
            m_selected = c.node;
            update();
            const QString path = Formatting::fromUtf8(m_tree->path(c.node));
            QToolTip::showText(event->globalPosition().toPoint(),
                               tr("%1\n%2, layer %3")
                                   .arg(path, Formatting::size(bytesOf(c.node)),
                                        c.layer < 0 ? tr("several") : QString::number(c.layer)),
                               this);
            emit entryClicked(path);
            return;
        }
}

void TreemapView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const QString path = pathAt(event->position().toPoint());
    if (!path.isEmpty())
        emit showInTreeRequested(path);
}

} // namespace layerscope::ui
