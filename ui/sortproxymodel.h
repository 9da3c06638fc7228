// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSortFilterProxyModel>

namespace layerscope::ui {

// Sorts by SortRole (raw numbers, never display strings). Over a LayerTreeModel it asks the model to compare two
// rows directly, which avoids building two QVariants per comparison when a 10k-entry folder is sorted.
class SortProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit SortProxyModel(QObject* parent = nullptr);

    // This proxy only sorts, so a row has children exactly when its source row has. QSortFilterProxyModel would
    // build (and later sort) a mapping of every child's children to answer this, which for a view showing 100
    // folders of 10k files means mapping a million rows nobody looks at.
    bool hasChildren(const QModelIndex& parent = {}) const override;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

} // namespace layerscope::ui
