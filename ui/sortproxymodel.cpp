// SPDX-License-Identifier: Apache-2.0
#include "sortproxymodel.h"

#include "itemroles.h"
#include "layertreemodel.h"

namespace layerscope::ui {

SortProxyModel::SortProxyModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setFilterRole(Qt::DisplayRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    // Windows names compare case-insensitively; so does sorting by them.
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setFilterKeyColumn(-1);
    // Sorting is the user's choice; re-sorting on every data change would only cost time (our models reset).
    setDynamicSortFilter(false);
}

bool SortProxyModel::hasChildren(const QModelIndex& parent) const
{
    if (!sourceModel())
        return false;
    const QModelIndex source = mapToSource(parent);
    if (parent.isValid() && !source.isValid())
        return false;
    return sourceModel()->hasChildren(source);
}

bool SortProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (const auto* tree = qobject_cast<const LayerTreeModel*>(sourceModel()))
        return tree->lessThan(left, right, sortOrder());
    // Folders first in either direction (the proxy reverses this comparison for a descending sort).
    const QVariant lf = left.data(FolderRole);
    const QVariant rf = right.data(FolderRole);
    if (lf.isValid() && rf.isValid() && lf.toBool() != rf.toBool())
        return sortOrder() == Qt::AscendingOrder ? lf.toBool() : rf.toBool();
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace layerscope::ui
