// SPDX-License-Identifier: Apache-2.0
#include "hotspotmodel.h"

#include "formatting.h"
#include "itemroles.h"

#include <QStringList>

namespace layerscope::ui {

HotSpotModel::HotSpotModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void HotSpotModel::setReport(std::shared_ptr<const space::SpaceReport> report)
{
    beginResetModel();
    m_report = std::move(report);
    endResetModel();
}

int HotSpotModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_report ? 0 : int(m_report->hotSpots.size());
}

int HotSpotModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HotSpotModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_report)
        return {};
    const space::HotSpot& h = m_report->hotSpots[size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Rule:
            return Formatting::fromUtf8(h.rule);
        case Files:
            return qulonglong(h.files);
        case Visible:
            return Formatting::size(h.bytes);
        case Shipped:
            return Formatting::size(h.shippedBytes);
        case Reason:
            return Formatting::fromUtf8(h.reason);
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Rule:
            return Formatting::fromUtf8(h.rule);
        case Files:
            return qulonglong(h.files);
        case Visible:
            return qulonglong(h.bytes);
        case Shipped:
            return qulonglong(h.shippedBytes);
        case Reason:
            return Formatting::fromUtf8(h.reason);
        }
    }
    // The largest file the rule matches, for "Show in Tree".
    if (role == PathRole)
        return h.topPaths.empty() ? QVariant() : QVariant(Formatting::fromUtf8(h.topPaths.front()));
    if (role == Qt::ToolTipRole && !h.topPaths.empty()) {
        QStringList paths;
        for (const auto& p : h.topPaths)
            paths << Formatting::fromUtf8(p);
        return tr("Largest files:\n%1").arg(paths.join(QLatin1Char('\n')));
    }
    if (role == Qt::TextAlignmentRole
        && (index.column() == Files || index.column() == Visible || index.column() == Shipped))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant HotSpotModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Rule:
        return tr("Rule");
    case Files:
        return tr("Files");
    case Visible:
        return tr("Visible");
    case Shipped:
        return tr("Shipped");
    case Reason:
        return tr("Why it is waste");
    }
    return {};
}

} // namespace layerscope::ui
