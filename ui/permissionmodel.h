// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wcow/permissionentry.h"

#include <QAbstractTableModel>

#include <vector>

namespace layerscope::ui {

// The permission entries of one security descriptor (core's wcow::PermissionEntry rows) as the table of Windows'
// Advanced Security Settings: type, principal, access, inherited, applies to. Nothing is decided here; the model
// only shows the rows core made.
class PermissionModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Type, Principal, Access, Inherited, AppliesTo, ColumnCount };

    explicit PermissionModel(QObject* parent = nullptr);

    void setEntries(std::vector<wcow::PermissionEntry> entries);
    const std::vector<wcow::PermissionEntry>& entries() const { return m_entries; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<wcow::PermissionEntry> m_entries;
};

} // namespace layerscope::ui
