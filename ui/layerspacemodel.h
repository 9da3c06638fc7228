// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "space/spacereport.h"

#include <QAbstractTableModel>

#include <memory>

namespace layerscope::ui {

// The Space pane's per-layer table: one row per layer of the report, base first.
class LayerSpaceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Position, Role, Stored, Data, Added, Modified, Removed, Hidden, CreatedBy, ColumnCount };

    explicit LayerSpaceModel(QObject* parent = nullptr);
    void setReport(std::shared_ptr<const space::SpaceReport> report);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const space::SpaceReport> m_report;
};

} // namespace layerscope::ui
