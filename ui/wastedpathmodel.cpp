// SPDX-License-Identifier: Apache-2.0
#include "wastedpathmodel.h"

#include "formatting.h"
#include "itemroles.h"

#include <QStringList>

namespace layerscope::ui {

WastedPathModel::WastedPathModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void WastedPathModel::setReport(std::shared_ptr<const space::SpaceReport> report)
{
    beginResetModel();
    m_report = std::move(report);
    endResetModel();
}

int WastedPathModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_report ? 0 : int(m_report->wastedPaths.size());
}

int WastedPathModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WastedPathModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_report)
        return {};
    const space::WastedPath& w = m_report->wastedPaths[size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Wasted:
            return Formatting::size(w.wastedBytes);
        case Copies:
            return int(w.occurrences);
        case Cumulative:
            return Formatting::size(w.cumulativeBytes);
        case Layers: {
            QStringList layers;
            for (size_t l : w.layers)
                layers << QString::number(l);
            return layers.join(QStringLiteral(", "));
        }
        case Path:
            return Formatting::fromUtf8(w.path);
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Wasted:
            return qulonglong(w.wastedBytes);
        case Copies:
            return int(w.occurrences);
        case Cumulative:
            return qulonglong(w.cumulativeBytes);
        case Layers:
            return w.layers.empty() ? 0 : int(w.layers.front());
        case Path:
            return Formatting::fromUtf8(w.path);
        }
    }
    if (role == PathRole)
        return Formatting::fromUtf8(w.path);
    if (role == Qt::TextAlignmentRole && index.column() != Path && index.column() != Layers)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Wasted)
        return tr("%1: every copy but the smallest (dive's measure)").arg(Formatting::exactSize(w.wastedBytes));
    return {};
}

QVariant WastedPathModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Wasted:
        return tr("Wasted");
    case Copies:
        return tr("Copies");
    case Cumulative:
        return tr("All copies");
    case Layers:
        return tr("Layers");
    case Path:
        return tr("Path");
    }
    return {};
}

} // namespace layerscope::ui
