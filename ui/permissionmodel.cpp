// SPDX-License-Identifier: Apache-2.0
#include "permissionmodel.h"

#include "formatting.h"
#include "itemroles.h"
#include "theme.h"

namespace layerscope::ui {

using wcow::PermissionEntry;

PermissionModel::PermissionModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void PermissionModel::setEntries(std::vector<PermissionEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

int PermissionModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int PermissionModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PermissionModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const PermissionEntry& e = m_entries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Type:
            return Formatting::fromUtf8(e.type);
        case Principal:
            return Formatting::fromUtf8(e.principal);
        case Access:
            return Formatting::fromUtf8(e.access);
        case Inherited:
            return e.inherited ? tr("Yes") : tr("No");
        case AppliesTo:
            return Formatting::fromUtf8(e.appliesTo);
        }
        return {};
    case Qt::ToolTipRole: {
        QStringList lines;
        if (!e.sid.empty())
            lines << tr("%1 (%2)").arg(Formatting::fromUtf8(e.principal), Formatting::fromUtf8(e.sid));
        if (!e.rights.empty()) {
            lines << tr("Access mask 0x%1:").arg(e.mask, 0, 16);
            for (const auto& right : e.rights)
                lines << QStringLiteral("  • %1").arg(Formatting::fromUtf8(right));
        }
        lines << tr("SDDL: %1").arg(Formatting::fromUtf8(e.sddl));
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::ForegroundRole:
        // Deny entries are what a reader must not overlook; inherited ones matter less than explicit ones.
        if (e.kind == PermissionEntry::Kind::Deny)
            return Theme::color(Theme::Error);
        if (e.inherited)
            return Theme::color(Theme::Dimmed);
        return {};
    case SortRole:
        return index.row();
    }
    return {};
}

QVariant PermissionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Type:
        return tr("Type");
    case Principal:
        return tr("Principal");
    case Access:
        return tr("Access");
    case Inherited:
        return tr("Inherited");
    case AppliesTo:
        return tr("Applies to");
    }
    return {};
}

} // namespace layerscope::ui
