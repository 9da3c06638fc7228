// SPDX-License-Identifier: Apache-2.0
#include "layerspacemodel.h"

#include "formatting.h"
#include "itemroles.h"
#include "layercolors.h"

namespace layerscope::ui {

LayerSpaceModel::LayerSpaceModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void LayerSpaceModel::setReport(std::shared_ptr<const space::SpaceReport> report)
{
    beginResetModel();
    m_report = std::move(report);
    endResetModel();
}

int LayerSpaceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_report ? 0 : int(m_report->layers.size());
}

int LayerSpaceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerSpaceModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_report)
        return {};
    const space::LayerSpace& l = m_report->layers[size_t(index.row())];
    const auto countAndSize = [](uint64_t count, uint64_t bytes) {
        return count == 0 ? QStringLiteral("—") : QStringLiteral("%1 · %2").arg(count).arg(Formatting::size(bytes));
    };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Position:
            return int(l.index);
        case Role:
            return QString::fromLatin1(space::layerRoleName(l.role));
        case Stored:
            return Formatting::size(l.storedSize);
        case Data:
            return l.present ? Formatting::size(l.bytes) : tr("not in the source");
        case Added:
            return countAndSize(l.addedCount, l.addedBytes);
        case Modified:
            return countAndSize(l.modifiedCount, l.modifiedBytes);
        case Removed:
            return countAndSize(l.removedCount, l.removedBytes);
        case Hidden:
            return Formatting::size(l.hiddenBytes);
        case CreatedBy:
            return Formatting::fromUtf8(l.createdBy);
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Position:
            return int(l.index);
        case Role:
            return int(l.role);
        case Stored:
            return qulonglong(l.storedSize);
        case Data:
            return qulonglong(l.bytes);
        case Added:
            return qulonglong(l.addedBytes);
        case Modified:
            return qulonglong(l.modifiedBytes);
        case Removed:
            return qulonglong(l.removedBytes);
        case Hidden:
            return qulonglong(l.hiddenBytes);
        case CreatedBy:
            return Formatting::fromUtf8(l.createdBy);
        }
    }
    if (role == LayerRole)
        return int(l.index);
    if (role == Qt::DecorationRole && index.column() == Position)
        return LayerColors::of(int(l.index), int(m_report->layers.size()));
    if (role == Qt::TextAlignmentRole && index.column() != Role && index.column() != CreatedBy)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Data:
            return tr("%1 of file and stream data in the layer's tar").arg(Formatting::exactSize(l.bytes));
        case Hidden:
            return tr("%1 this layer ships that the merged view does not show (overwritten or deleted later)")
                .arg(Formatting::exactSize(l.hiddenBytes));
        case Removed:
            return tr("What this layer's whiteouts delete from the layers below");
        case CreatedBy:
            return Formatting::fromUtf8(l.createdBy);
        default:
            break;
        }
    }
    return {};
}

QVariant LayerSpaceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Position:
        return tr("#");
    case Role:
        return tr("Role");
    case Stored:
        return tr("Stored");
    case Data:
        return tr("Data");
    case Added:
        return tr("Added");
    case Modified:
        return tr("Changed");
    case Removed:
        return tr("Removed");
    case Hidden:
        return tr("Hidden later");
    case CreatedBy:
        return tr("Created by");
    }
    return {};
}

} // namespace layerscope::ui
