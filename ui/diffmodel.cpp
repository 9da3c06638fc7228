// SPDX-License-Identifier: Apache-2.0
#include "diffmodel.h"

#include "itemroles.h"
#include "theme.h"
#include "treefilter.h"

#include <QApplication>
#include <QColor>
#include <QFont>
#include <QHash>
#include <QPalette>
#include <QStyle>

namespace layerscope::ui {

using diff::Change;
using diff::ChangeKind;

bool DiffModel::Filter::accepts(const Change& change) const
{
    const bool kindOk = (change.kind == ChangeKind::Added && added) || (change.kind == ChangeKind::Removed && removed)
        || (change.kind == ChangeKind::Changed && changed);
    return kindOk && (change.expected ? expected : unexpected);
}

DiffModel::DiffModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    m_nodes.emplace_back();
}

void DiffModel::setDiff(std::shared_ptr<const LoadedDiff> diff)
{
    beginResetModel();
    m_diff = std::move(diff);
    rebuild();
    endResetModel();
}

void DiffModel::setFilter(const Filter& filter)
{
    beginResetModel();
    m_filter = filter;
    rebuild();
    endResetModel();
}

void DiffModel::rebuild()
{
    m_nodes.assign(1, Node {});
    m_changeRows = 0;
    if (!m_diff || !m_diff->result)
        return;
    const auto& result = *m_diff->result;
    const auto& changes = result.changes();
    const TreeFilter search(m_filter.text);
    QHash<QString, uint32_t> folders; // path -> node, for the folders met so far
    for (size_t i = 0; i < changes.size(); ++i) {
        if (!m_filter.accepts(changes[i]))
            continue;
        const std::string utf8 = result.path(changes[i]);
        if (!search.isEmpty() && !search.matchesPath(utf8, isDirectoryChange(changes[i])))
            continue;
        const QString path = QString::fromStdString(utf8);
        const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        uint32_t parent = 0;
        QString prefix;
        for (qsizetype p = 0; p + 1 < parts.size(); ++p) {
            prefix += (p ? QStringLiteral("/") : QString()) + parts[p];
            auto it = folders.find(prefix.toCaseFolded());
            if (it == folders.end()) {
                Node folder;
                folder.parent = parent;
                folder.name = parts[p];
                folder.row = uint32_t(m_nodes[parent].children.size());
                const auto id = uint32_t(m_nodes.size());
                m_nodes[parent].children.push_back(id);
                m_nodes.push_back(std::move(folder));
                it = folders.insert(prefix.toCaseFolded(), id);
            }
            parent = *it;
        }
        // A changed folder may already be a grouping node (its children came first only if order differs); reuse.
        const auto existing = folders.constFind(path.toCaseFolded());
        if (existing != folders.constEnd() && m_nodes[*existing].change < 0) {
            m_nodes[*existing].change = int64_t(i);
        } else {
            Node node;
            node.parent = parent;
            node.name = parts.isEmpty() ? path : parts.last();
            node.change = int64_t(i);
            node.row = uint32_t(m_nodes[parent].children.size());
            const auto id = uint32_t(m_nodes.size());
            m_nodes[parent].children.push_back(id);
            m_nodes.push_back(std::move(node));
            folders.insert(path.toCaseFolded(), id);
        }
        ++m_changeRows;
    }
}

bool DiffModel::isDirectoryChange(const Change& change) const
{
    const auto& result = *m_diff->result;
    for (const auto side : {diff::DiffResult::Side::A, diff::DiffResult::Side::B})
        if (const auto* record = result.record(change, side))
            return record->type == wcow::EntryType::Directory || record->type == wcow::EntryType::Junction;
    return false;
}

const DiffModel::Node& DiffModel::nodeOf(const QModelIndex& index) const
{
    return m_nodes[index.isValid() ? size_t(index.internalId()) : 0];
}

const Change* DiffModel::changeAt(const QModelIndex& index) const
{
    if (!index.isValid() || !m_diff)
        return nullptr;
    const Node& node = nodeOf(index);
    return node.change < 0 ? nullptr : &m_diff->result->changes()[size_t(node.change)];
}

QModelIndex DiffModel::indexOfPath(const QString& path) const
{
    uint32_t current = 0;
    for (const auto& part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        uint32_t found = 0;
        for (const auto child : m_nodes[current].children)
            if (m_nodes[child].name.compare(part, Qt::CaseInsensitive) == 0)
                found = child;
        if (!found)
            return {};
        current = found;
    }
    return current ? createIndex(int(m_nodes[current].row), 0, quintptr(current)) : QModelIndex();
}

QModelIndex DiffModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    const Node& node = nodeOf(parent);
    if (size_t(row) >= node.children.size())
        return {};
    return createIndex(row, column, quintptr(node.children[size_t(row)]));
}

QModelIndex DiffModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const uint32_t parent = nodeOf(child).parent;
    if (parent == 0)
        return {};
    return createIndex(int(m_nodes[parent].row), 0, quintptr(parent));
}

int DiffModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent).children.size());
}

int DiffModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() && parent.column() != 0 ? 0 : ColumnCount;
}

QVariant DiffModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node& node = nodeOf(index);
    const Change* change = changeAt(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return node.name;
        case Kind:
            return change ? QString::fromLatin1(diff::changeKindName(change->kind)) : QString();
        case Fields: {
            if (!change)
                return {};
            QStringList names;
            for (const auto field : change->fields.list())
                names << QString::fromLatin1(diff::fieldName(field));
            return names.join(QStringLiteral(", "));
        }
        case Rule:
            if (!change)
                return {};
            if (!change->expected)
                return tr("unexpected");
            return change->rule == Change::NoRule
                ? tr("expected")
                : QString::fromStdString(m_diff->result->rules()[change->rule].name());
        }
        return {};
    case Qt::ForegroundRole:
        if (!change || change->expected)
            return Theme::color(Theme::Dimmed);
        switch (change->kind) {
        case ChangeKind::Added:
            return Theme::color(Theme::Added);
        case ChangeKind::Removed:
            return Theme::color(Theme::Removed);
        case ChangeKind::Changed:
            return Theme::color(Theme::Changed);
        }
        return {};
    case Qt::FontRole:
        if (change && !change->expected && index.column() == Name) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == Name && !node.children.empty())
            return QApplication::style()->standardIcon(QStyle::SP_DirIcon);
        return {};
    case Qt::ToolTipRole:
        if (change && change->expected && change->rule != Change::NoRule)
            return QString::fromStdString(m_diff->result->rules()[change->rule].description());
        return {};
    case KindRole:
        return change ? int(change->kind) : -1;
    case ExpectedRole:
        return change ? change->expected : false;
    case PathRole:
        return change ? QString::fromStdString(m_diff->result->path(*change)) : QString();
    case FolderRole:
        return !node.children.empty() || (change && isDirectoryChange(*change));
    case SortRole:
        switch (index.column()) {
        case Name:
            return node.name;
        case Kind:
            return change ? int(change->kind) : -1;
        case Rule:
            return change ? (change->expected ? data(index, Qt::DisplayRole) : QVariant(QString())) : QVariant();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    return {};
}

QVariant DiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Path");
    case Kind:
        return tr("Change");
    case Fields:
        return tr("Fields");
    case Rule:
        return tr("Expected by");
    }
    return {};
}

} // namespace layerscope::ui
