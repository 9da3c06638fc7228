// SPDX-License-Identifier: Apache-2.0
#include "hivekeymodel.h"

#include "formatting.h"
#include "itemroles.h"
#include "wcow/paxtime.h"

#include <QApplication>
#include <QStyle>

namespace layerscope::ui {

using Key = hive::HiveReader::Key;

HiveKeyModel::HiveKeyModel(QObject* parent)
    : QAbstractItemModel(parent)
{ }

void HiveKeyModel::setHive(std::shared_ptr<const hive::HiveReader> hive)
{
    beginResetModel();
    m_hive = std::move(hive);
    m_places.clear();
    if (m_hive && m_hive->root())
        indexKeys(*m_hive->root());
    endResetModel();
}

void HiveKeyModel::indexKeys(const Key& root)
{
    // Iterative: a hive may nest up to 512 levels and the GUI thread's stack is not the place to find out.
    std::vector<const Key*> pending {&root};
    m_places.insert(&root, Place {nullptr, 0});
    while (!pending.empty()) {
        const Key* key = pending.back();
        pending.pop_back();
        for (size_t i = 0; i < key->subkeys.size(); ++i) {
            m_places.insert(&key->subkeys[i], Place {key, int(i)});
            pending.push_back(&key->subkeys[i]);
        }
    }
}

const Key* HiveKeyModel::keyAt(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<const Key*>(index.internalPointer()) : nullptr;
}

QModelIndex HiveKeyModel::indexOfKey(const Key* key) const
{
    const auto it = m_places.find(key);
    if (!key || it == m_places.end())
        return {};
    return createIndex(it->row, 0, const_cast<Key*>(key));
}

QModelIndex HiveKeyModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!m_hive || !m_hive->root() || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) // the root key is the one top-level row
        return row == 0 ? createIndex(0, column, const_cast<Key*>(m_hive->root())) : QModelIndex();
    if (parent.column() != 0)
        return {};
    const Key* key = keyAt(parent);
    if (size_t(row) >= key->subkeys.size())
        return {};
    return createIndex(row, column, const_cast<Key*>(&key->subkeys[size_t(row)]));
}

QModelIndex HiveKeyModel::parent(const QModelIndex& child) const
{
    const Key* key = keyAt(child);
    if (!key)
        return {};
    const Place place = m_places.value(key);
    return place.parent ? indexOfKey(place.parent) : QModelIndex();
}

int HiveKeyModel::rowCount(const QModelIndex& parent) const
{
    if (!m_hive || !m_hive->root())
        return 0;
    if (!parent.isValid())
        return 1;
    if (parent.column() != 0)
        return 0;
    return int(keyAt(parent)->subkeys.size());
}

int HiveKeyModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() && parent.column() != 0 ? 0 : ColumnCount;
}

QVariant HiveKeyModel::data(const QModelIndex& index, int role) const
{
    const Key* key = keyAt(index);
    if (!key)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return QString::fromStdString(key->name);
        case Subkeys:
            return qulonglong(key->subkeys.size());
        case Values:
            return qulonglong(key->values.size());
        case LastWritten:
            return key->lastWritten ? Formatting::time(wcow::fromFiletime(key->lastWritten)) : QString();
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == Name ? QApplication::style()->standardIcon(QStyle::SP_DirIcon) : QVariant();
    case Qt::ToolTipRole:
        if (!key->className.empty())
            return tr("class: %1").arg(QString::fromStdString(key->className));
        return {};
    case SortRole:
        switch (index.column()) {
        case Subkeys:
            return qulonglong(key->subkeys.size());
        case Values:
            return qulonglong(key->values.size());
        case LastWritten:
            return qulonglong(key->lastWritten);
        }
        return index.row();
    }
    return {};
}

QVariant HiveKeyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Key");
    case Subkeys:
        return tr("Subkeys");
    case Values:
        return tr("Values");
    case LastWritten:
        return tr("Last written (UTC)");
    }
    return {};
}

} // namespace layerscope::ui
