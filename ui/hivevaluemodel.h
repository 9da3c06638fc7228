// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hive/hivereader.h"

#include <QAbstractTableModel>

#include <memory>

namespace layerscope::ui {

// The values of one key of a parsed hive, rendered by core (hive::renderValueData).
class HiveValueModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Type, Data, Size, ColumnCount };

    explicit HiveValueModel(QObject* parent = nullptr);

    // The key must belong to `hive`, which the model keeps alive.
    void setKey(std::shared_ptr<const hive::HiveReader> hive, const hive::HiveReader::Key* key);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const hive::HiveReader> m_hive;
    const hive::HiveReader::Key* m_key = nullptr;
};

} // namespace layerscope::ui
