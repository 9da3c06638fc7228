// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hive/hivereader.h"

#include <QAbstractItemModel>
#include <QHash>

#include <memory>

namespace layerscope::ui {

// The key tree of a parsed hive. Internal pointers are the reader's own Key objects; the only thing added is a
// key -> (parent, row) table, since HiveReader::Key links parents to children only.
class HiveKeyModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Subkeys, Values, LastWritten, ColumnCount };

    explicit HiveKeyModel(QObject* parent = nullptr);

    void setHive(std::shared_ptr<const hive::HiveReader> hive);
    const std::shared_ptr<const hive::HiveReader>& hive() const { return m_hive; }
    const hive::HiveReader::Key* keyAt(const QModelIndex& index) const;
    QModelIndex indexOfKey(const hive::HiveReader::Key* key) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Place
    {
        const hive::HiveReader::Key* parent = nullptr;
        int row = 0;
    };
    void indexKeys(const hive::HiveReader::Key& key);

    std::shared_ptr<const hive::HiveReader> m_hive;
    QHash<const hive::HiveReader::Key*, Place> m_places;
};

} // namespace layerscope::ui
