// SPDX-License-Identifier: Apache-2.0
#include "columnwidths.h"

#include <QEvent>
#include <QHeaderView>
#include <QSettings>
#include <QTimer>
#include <QTreeView>
#include <QVariantList>

#include <algorithm>
#include <climits>
#include <vector>

namespace layerscope::ui {

namespace {

const QString kGroup = QStringLiteral("columns");
// The widest any one column may get when fitted, as a share of the view.
constexpr double kMaxShare = 0.55;
// The first column (names) keeps at least this share when it wants it.
constexpr double kFirstShare = 0.3;

ColumnWidths* managerOf(const QTreeView* view)
{
    return view->findChild<ColumnWidths*>(QString(), Qt::FindDirectChildrenOnly);
}

// Lowers the widest of `widths` (only those `movable`) to a common limit, none below its `least`, until they add up
// to `available` or every movable one is at its least.
void shrink(std::vector<int>& widths, const std::vector<int>& least, const std::vector<bool>& movable, int available)
{
    const auto sumAt = [&](int limit) {
        int sum = 0;
        for (size_t i = 0; i < widths.size(); ++i)
            sum += movable[i] ? std::max(std::min(widths[i], limit), least[i]) : widths[i];
        return sum;
    };
    if (sumAt(INT_MAX) <= available)
        return;
    int lo = 0;
    int hi = *std::max_element(widths.begin(), widths.end());
    while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (sumAt(mid) <= available)
            lo = mid;
        else
            hi = mid - 1;
    }
    for (size_t i = 0; i < widths.size(); ++i)
        if (movable[i])
            widths[i] = std::max(std::min(widths[i], lo), least[i]);
}

} // namespace

ColumnWidths::ColumnWidths(QTreeView* view, const QString& key, const QList<int>& elastic)
    : QObject(view)
    , m_view(view)
    , m_viewport(view->viewport())
    , m_key(key)
    , m_elastic(elastic)
    , m_refit(new QTimer(this))
{
    m_refit->setSingleShot(true);
    m_refit->setInterval(0);
    connect(m_refit, &QTimer::timeout, this, [this] { fit(m_view); });
}

void ColumnWidths::manage(QTreeView* view, const QString& key, const QList<int>& elastic)
{
    auto* manager = new ColumnWidths(view, key, elastic);
    manager->restore();
    // Only a drag by the user makes the widths theirs: fit() and Qt's own layout resize sections too, so resizes
    // count while a mouse button is down on the header, and are saved when it is released.
    view->header()->viewport()->installEventFilter(manager);
    view->viewport()->installEventFilter(manager);
    connect(view->header(), &QHeaderView::sectionResized, manager, [manager](int, int, int) {
        if (manager->m_dragging && !manager->m_fitting)
            manager->m_dragged = true;
    });
    connect(view, &QTreeView::expanded, manager, &ColumnWidths::scheduleFit);
}

void ColumnWidths::scheduleFit()
{
    if (!m_userSet)
        m_refit->start();
}

bool ColumnWidths::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_viewport) {
        if (event->type() == QEvent::Resize)
            scheduleFit();
        return QObject::eventFilter(watched, event);
    }
    if (event->type() == QEvent::MouseButtonPress) {
        m_dragging = true;
        m_dragged = false;
    } else if (event->type() == QEvent::MouseButtonRelease) {
        m_dragging = false;
        if (m_dragged) {
            m_userSet = true;
            save();
        }
    }
    return QObject::eventFilter(watched, event);
}

bool ColumnWidths::userSet(const QTreeView* view)
{
    const ColumnWidths* manager = managerOf(view);
    return manager && manager->m_userSet;
}

void ColumnWidths::resetAll()
{
    QSettings().remove(kGroup);
}

void ColumnWidths::save()
{
    QVariantList widths;
    for (int c = 0; c < m_view->header()->count(); ++c)
        widths << m_view->header()->sectionSize(c);
    QSettings().setValue(kGroup + QLatin1Char('/') + m_key, widths);
}

void ColumnWidths::restore()
{
    const QVariantList widths = QSettings().value(kGroup + QLatin1Char('/') + m_key).toList();
    if (widths.isEmpty())
        return;
    m_fitting = true;
    for (int c = 0; c < widths.size() && c < m_view->header()->count(); ++c)
        if (widths[c].toInt() > 0)
            m_view->header()->resizeSection(c, widths[c].toInt());
    m_fitting = false;
    m_userSet = true;
}

void ColumnWidths::fit(QTreeView* view)
{
    ColumnWidths* manager = managerOf(view);
    if (manager && manager->m_userSet)
        return;
    QHeaderView* header = view->header();
    // Before the view is laid out its viewport has no real width yet; the resize that follows refits it.
    // A pixel or two to spare: QHeaderView rounds, and a header one pixel too long brings a scroll bar.
    const int available = std::max(view->viewport()->width() - 2, 200);
    const int cap = std::max(int(available * kMaxShare), 40);
    std::vector<int> columns;
    std::vector<int> wanted;
    std::vector<int> least; // a column is never narrower than its header text
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c))
            continue;
        const int headerWidth = std::max(header->sectionSizeHint(c), header->minimumSectionSize());
        // QTreeView makes sizeHintForColumn() protected; QAbstractItemView has it public (and virtual).
        const int content = static_cast<QAbstractItemView*>(view)->sizeHintForColumn(c) + 8;
        columns.push_back(c);
        wanted.push_back(std::clamp(content, headerWidth, std::max(cap, headerWidth)));
        least.push_back(headerWidth);
    }
    if (columns.empty())
        return;
    // The elastic columns give way first, one after the other in the order given; then all of them, the first
    // (the names) keeping its share.
    if (manager)
        for (const int c : manager->m_elastic) {
            std::vector<bool> movable(columns.size(), false);
            for (size_t i = 0; i < columns.size(); ++i)
                movable[i] = columns[i] == c;
            shrink(wanted, least, movable, available);
        }
    least[0] = std::max(least[0], std::min(wanted[0], int(available * kFirstShare)));
    shrink(wanted, least, std::vector<bool>(wanted.size(), true), available);
    if (manager)
        manager->m_fitting = true;
    // The last column too when it stretches: it never gets narrower than the size it had before stretching.
    for (size_t i = 0; i < columns.size(); ++i)
        header->resizeSection(columns[i], wanted[i]);
    if (manager)
        manager->m_fitting = false;
}

} // namespace layerscope::ui
