// SPDX-License-Identifier: Apache-2.0
#include "duplicatemodel.h"

#include "formatting.h"
#include "itemroles.h"

#include "common/sha256.h"

namespace layerscope::ui {

DuplicateModel::DuplicateModel(QObject* parent)
    : QAbstractItemModel(parent)
{ }

void DuplicateModel::setReport(std::shared_ptr<const space::SpaceReport> report)
{
    beginResetModel();
    m_report = std::move(report);
    endResetModel();
}

QModelIndex DuplicateModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex DuplicateModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int DuplicateModel::rowCount(const QModelIndex& parent) const
{
    if (!m_report)
        return 0;
    if (!parent.isValid())
        return int(m_report->duplicates.size());
    if (parent.internalId() == 0 && parent.column() == 0)
        return int(m_report->duplicates[size_t(parent.row())].paths.size());
    return 0;
}

int DuplicateModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant DuplicateModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_report)
        return {};
    const bool isGroup = index.internalId() == 0;
    const space::DuplicateGroup& g = m_report->duplicates[size_t(isGroup ? index.row() : int(index.internalId() - 1))];
    if (!isGroup) {
        const QString path = Formatting::fromUtf8(g.paths[size_t(index.row())]);
        if ((role == Qt::DisplayRole || role == PathRole || role == SortRole) && index.column() == Name)
            return path;
        if (role == PathRole)
            return path;
        if (role == Qt::DisplayRole && index.column() == Size)
            return Formatting::size(g.size);
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name:
            return tr("%n files alike", nullptr, int(g.paths.size()));
        case Size:
            return Formatting::size(g.size);
        case Savable:
            return Formatting::size(g.savableBytes());
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Name:
            return int(g.paths.size());
        case Size:
            return qulonglong(g.size);
        case Savable:
            return qulonglong(g.savableBytes());
        }
    }
    if (role == PathRole)
        return Formatting::fromUtf8(g.paths.front());
    if (role == Qt::ToolTipRole)
        return tr("sha256 %1; hard links would save %2")
            .arg(QString::fromStdString(toHex(g.sha256)), Formatting::exactSize(g.savableBytes()));
    if (role == Qt::TextAlignmentRole && index.column() != Name)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DuplicateModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Files");
    case Size:
        return tr("Size each");
    case Savable:
        return tr("Hard links save");
    }
    return {};
}

} // namespace layerscope::ui
