// SPDX-License-Identifier: Apache-2.0
#include "hivevaluemodel.h"

#include "hive/hivevalue.h"
#include "itemroles.h"

#include <QFont>
#include <QFontDatabase>

namespace layerscope::ui {

HiveValueModel::HiveValueModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void HiveValueModel::setKey(std::shared_ptr<const hive::HiveReader> hive, const hive::HiveReader::Key* key)
{
    beginResetModel();
    m_hive = std::move(hive);
    m_key = m_hive ? key : nullptr;
    endResetModel();
}

int HiveValueModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_key ? 0 : int(m_key->values.size());
}

int HiveValueModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HiveValueModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_key)
        return {};
    const auto& value = m_key->values[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return value.name.empty() ? tr("(Default)") : QString::fromStdString(value.name);
        case Type:
            return QString::fromStdString(hive::valueTypeName(value.type));
        case Data:
            return QString::fromStdString(hive::renderValueData(value.type, value.data));
        case Size:
            return qulonglong(value.data.size());
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Data)
            return QString::fromStdString(hive::renderValueData(value.type, value.data, 4096));
        return {};
    case Qt::FontRole:
        if (index.column() == Data)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    case SortRole:
        switch (index.column()) {
        case Type:
            return value.type;
        case Size:
            return qulonglong(value.data.size());
        }
        return data(index, Qt::DisplayRole);
    }
    return {};
}

QVariant HiveValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Type:
        return tr("Type");
    case Data:
        return tr("Data");
    case Size:
        return tr("Size");
    }
    return {};
}

} // namespace layerscope::ui
