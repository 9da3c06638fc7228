// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "space/spacereport.h"

#include <QAbstractItemModel>

#include <memory>

namespace layerscope::ui {

// Groups of files with equal content in the merged view (SpaceReport::duplicates), each group a row with its files
// as children.
class DuplicateModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Size, Savable, ColumnCount };

    explicit DuplicateModel(QObject* parent = nullptr);
    void setReport(std::shared_ptr<const space::SpaceReport> report);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    // internalId: 0 for a group row, group + 1 for a file row of that group.
    std::shared_ptr<const space::SpaceReport> m_report;
};

} // namespace layerscope::ui
