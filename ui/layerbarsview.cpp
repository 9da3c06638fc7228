// SPDX-License-Identifier: Apache-2.0
#include "layerbarsview.h"

#include "formatting.h"
#include "layercolors.h"

#include <QPainter>

#include <algorithm>

namespace layerscope::ui {

namespace {
constexpr int RowHeight = 22;
constexpr int LabelWidth = 120;
constexpr int ValueWidth = 170;
} // namespace

LayerBarsView::LayerBarsView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("layerBars"));
}

void LayerBarsView::setReport(std::shared_ptr<const space::SpaceReport> report)
{
    m_report = std::move(report);
    updateGeometry();
    update();
}

QSize LayerBarsView::sizeHint() const
{
    const int rows = m_report ? int(m_report->layers.size()) : 1;
    return {480, 8 + RowHeight * std::min(rows, 12) + 24};
}

QSize LayerBarsView::minimumSizeHint() const
{
    return {300, RowHeight * 2 + 24};
}

void LayerBarsView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!m_report || m_report->layers.empty())
        return;
    uint64_t largest = 1;
    for (const auto& l : m_report->layers)
        largest = std::max(largest, l.bytes);
    const int count = int(m_report->layers.size());
    const int barWidth = std::max(20, width() - LabelWidth - ValueWidth - 16);
    int y = 4;
    for (const auto& l : m_report->layers) {
        const QRect label(4, y, LabelWidth - 8, RowHeight);
        p.setPen(palette().text().color());
        p.drawText(label, Qt::AlignVCenter | Qt::AlignLeft,
                   QStringLiteral("%1  %2").arg(l.index).arg(QString::fromLatin1(space::layerRoleName(l.role))));
        const double scale = double(barWidth) / double(largest);
        const int visible = int(double(l.visibleBytes) * scale);
        const int hidden = int(double(l.hiddenBytes) * scale);
        const QRect bar(LabelWidth, y + 4, visible, RowHeight - 8);
        p.fillRect(bar, LayerColors::of(int(l.index), count));
        p.fillRect(QRect(bar.right() + 1, bar.top(), hidden, bar.height()), LayerColors::hidden());
        if (hidden > 0)
            p.fillRect(QRect(bar.right() + 1, bar.top(), hidden, bar.height()),
                       QBrush(palette().base().color(), Qt::BDiagPattern));
        p.setPen(palette().text().color());
        const QString value = l.present
            ? tr("%1, %2 hidden").arg(Formatting::size(l.bytes), Formatting::size(l.hiddenBytes))
            : tr("not in the source");
        p.drawText(QRect(width() - ValueWidth - 4, y, ValueWidth, RowHeight), Qt::AlignVCenter | Qt::AlignRight, value);
        y += RowHeight;
    }
    // Legend.
    y += 4;
    p.fillRect(QRect(LabelWidth, y + 4, 12, 12), LayerColors::of(0, count));
    p.drawText(QRect(LabelWidth + 16, y, 200, 20), Qt::AlignVCenter, tr("visible in the merged view"));
    p.fillRect(QRect(LabelWidth + 200, y + 4, 12, 12), LayerColors::hidden());
    p.drawText(QRect(LabelWidth + 216, y, 220, 20), Qt::AlignVCenter, tr("hidden by later layers"));
}

} // namespace layerscope::ui
