// SPDX-License-Identifier: Apache-2.0
#include "layertreemodel.h"

#include "formatting.h"
#include "icons.h"
#include "index/mergedtree.h"
#include "itemroles.h"
#include "theme.h"
#include "wcow/fileattributes.h"
#include "wcow/securitydescriptor.h"

#include <QApplication>
#include <QColor>
#include <QFont>
#include <QPalette>
#include <QStyle>

namespace layerscope::ui {

using index::NodeId;
using wcow::EntryType;

namespace {

int compareTimes(const wcow::PaxTime& a, const wcow::PaxTime& b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

} // namespace

LayerTreeModel::LayerTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    QStyle* style = QApplication::style();
    m_dirIcon = style->standardIcon(QStyle::SP_DirIcon);
    m_fileIcon = style->standardIcon(QStyle::SP_FileIcon);
    m_linkIcon = style->standardIcon(QStyle::SP_FileLinkIcon);
    m_junctionIcon = style->standardIcon(QStyle::SP_DirLinkIcon);
    m_whiteoutIcon = Icons::get(Icons::Whiteout);
    m_hardlinkIcon = Icons::get(Icons::Hardlink);
    m_streamIcon = Icons::get(Icons::Stream);
    m_unreadableIcon = style->standardIcon(QStyle::SP_MessageBoxWarning);
}

LayerTreeModel::~LayerTreeModel() = default;

void LayerTreeModel::setTree(std::shared_ptr<const index::TreeIndex> tree, bool merged,
                             std::shared_ptr<const index::FolderSizes> sizes)
{
    beginResetModel();
    m_tree = std::move(tree);
    m_sizes = m_tree ? std::move(sizes) : nullptr;
    m_merged = merged;
    m_flat.reset();
    m_owners.clear();
    m_rowInParent.assign(m_tree ? m_tree->nodeCount() : 0, 0);
    if (m_tree) {
        for (NodeId node = 0; node < m_tree->nodeCount(); ++node) {
            const auto children = m_tree->children(node);
            for (uint32_t row = 0; row < children.size(); ++row)
                m_rowInParent[children[row]] = row;
        }
    }
    endResetModel();
}

void LayerTreeModel::setFlatRows(std::shared_ptr<const std::vector<NodeId>> rows, NodeId base)
{
    beginResetModel();
    m_flat = std::move(rows);
    m_flatBase = m_flat && m_tree && base < m_tree->nodeCount() && base != m_tree->root() ? base : index::InvalidNode;
    endResetModel();
}

NodeId LayerTreeModel::nodeAt(const QModelIndex& index) const
{
    if (!index.isValid() || !m_tree)
        return m_tree ? m_tree->root() : index::InvalidNode;
    return NodeId(index.internalId());
}

QModelIndex LayerTreeModel::indexOfNode(NodeId node, int column) const
{
    if (!m_tree || node >= m_tree->nodeCount() || node == m_tree->root())
        return {};
    if (m_flat) {
        const auto it = std::find(m_flat->begin(), m_flat->end(), node);
        return it == m_flat->end() ? QModelIndex() : createIndex(int(it - m_flat->begin()), column, quintptr(node));
    }
    return createIndex(int(m_rowInParent[node]), column, quintptr(node));
}

QModelIndex LayerTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!m_tree || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (m_flat) {
        if (parent.isValid() || row >= int(m_flat->size()))
            return {};
        return createIndex(row, column, quintptr((*m_flat)[size_t(row)]));
    }
    if (parent.isValid() && parent.column() != 0)
        return {};
    const auto children = m_tree->children(nodeAt(parent));
    if (size_t(row) >= children.size())
        return {};
    return createIndex(row, column, quintptr(children[size_t(row)]));
}

QModelIndex LayerTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || !m_tree || m_flat)
        return {};
    const NodeId parentNode = m_tree->parent(NodeId(child.internalId()));
    if (parentNode == index::InvalidNode || parentNode == m_tree->root())
        return {};
    return createIndex(int(m_rowInParent[parentNode]), 0, quintptr(parentNode));
}

int LayerTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!m_tree)
        return 0;
    if (m_flat)
        return parent.isValid() ? 0 : int(m_flat->size());
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(m_tree->children(nodeAt(parent)).size());
}

int LayerTreeModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() && parent.column() != 0 ? 0 : ColumnCount;
}

bool LayerTreeModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

Qt::ItemFlags LayerTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (m_flat || m_tree->children(nodeAt(index)).empty())
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

QString LayerTreeModel::ownerName(const index::TreeIndex::Record& record) const
{
    if (record.sddl == 0)
        return {};
    auto it = m_owners.find(record.sddl);
    if (it == m_owners.end()) {
        QString name;
        try {
            const auto descriptor = wcow::SecurityDescriptor::fromSddl(m_tree->sddl(record));
            name = QString::fromStdString(descriptor.ownerName());
        } catch (const std::exception&) {
            // The SDDL came from core's own conversion, so this means a descriptor core could not render back;
            // the details pane shows the raw text.
            name = tr("(unreadable)");
        }
        it = m_owners.insert(record.sddl, name);
    }
    return *it;
}

QVariant LayerTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !m_tree)
        return {};
    const NodeId node = NodeId(index.internalId());
    const auto* record = m_tree->record(node);
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return Formatting::fromUtf8(m_tree->name(node));
        case Folder: {
            if (!m_flat)
                return {};
            const index::NodeId parent = m_tree->parent(node);
            if (parent == index::InvalidNode || parent == m_tree->root() || parent == m_flatBase)
                return QString();
            const QString path = QString::fromStdString(m_tree->path(parent));
            if (m_flatBase == index::InvalidNode)
                return path;
            return path.mid(qsizetype(m_tree->path(m_flatBase).size()) + 1);
        }
        case Size:
            if (isFolder(node))
                return m_sizes ? Formatting::size(m_sizes->bytes(node)) : QVariant();
            if (record->type == EntryType::Whiteout || record->type == EntryType::Hardlink
                || record->type == EntryType::Symlink)
                return {};
            return Formatting::size(record->size);
        case Type:
            return record ? Formatting::entryType(record->type) : tr("directory (implied)");
        case Attributes:
            return record && record->has(index::TreeIndex::Record::HasAttributes)
                ? QString::fromStdString(wcow::attributeLetters(record->attributes))
                : QString();
        case Owner:
            return record ? ownerName(*record) : QString();
        case Modified:
            return record && record->type != EntryType::Whiteout ? Formatting::time(m_tree->modified(*record))
                                                                 : QString();
        case Layer:
            return record && m_merged ? QVariant(int(record->layer)) : QVariant();
        }
        return {};
    case Qt::DecorationRole:
        return column == Name ? decoration(node) : QVariant();
    case Qt::ToolTipRole:
        if (column == Size && isFolder(node) && m_sizes)
            return tr("%1 in %n file(s), this folder and below", nullptr, int(m_sizes->files(node)))
                .arg(Formatting::exactSize(m_sizes->bytes(node)));
        return toolTip(node);
    case Qt::TextAlignmentRole:
        if (column == Size || column == Layer)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::FontRole:
        if (record && (record->type == EntryType::Whiteout || record->type == EntryType::Hardlink)) {
            QFont font;
            font.setItalic(true);
            font.setStrikeOut(record->type == EntryType::Whiteout);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (!record)
            return Theme::color(Theme::Dimmed);
        if (record->type == EntryType::Whiteout)
            return Theme::color(Theme::Removed);
        if (record->type == EntryType::Hardlink)
            return QApplication::palette().color(QPalette::Link);
        if (!index::unreadableReason(*m_tree, *record).empty())
            return Theme::color(Theme::Warning);
        if (index::isWciPlaceholder(*m_tree, *record))
            return Theme::color(Theme::Dimmed);
        return {};
    case SortRole:
        return sortValue(node, column, index.row());
    case NodeRole:
        return quint32(node);
    case PathRole:
        return QString::fromStdString(m_tree->path(node));
    case KindRole:
        return record ? int(record->type) : int(EntryType::Directory);
    case FolderRole:
        return isFolder(node);
    }
    return {};
}

bool LayerTreeModel::isFolder(NodeId node) const
{
    const auto* record = m_tree->record(node);
    return !record || record->type == EntryType::Directory || record->type == EntryType::Junction;
}

uint64_t LayerTreeModel::shownSize(NodeId node) const
{
    if (isFolder(node))
        return m_sizes ? m_sizes->bytes(node) : 0;
    const auto* record = m_tree->record(node);
    return record->type == EntryType::File || record->type == EntryType::Stream ? record->size : 0;
}

QVariant LayerTreeModel::sortValue(NodeId node, int column, int row) const
{
    const auto* record = m_tree->record(node);
    switch (column) {
    case Name:
        // Children (and the filter's flat list, built depth-first) are already in name order.
        return m_flat ? QVariant(Formatting::fromUtf8(m_tree->name(node))) : QVariant(row);
    case Folder:
        return row;
    case Size:
        return qulonglong(shownSize(node));
    case Type:
        return record ? int(record->type) : int(EntryType::Directory);
    case Attributes:
        return record ? record->attributes : 0u;
    case Owner:
        return record ? ownerName(*record) : QString();
    case Modified:
        return record ? qlonglong(m_tree->modified(*record).seconds) : qlonglong(0);
    case Layer:
        return record ? int(record->layer) : 0;
    }
    return {};
}

bool LayerTreeModel::lessThan(const QModelIndex& left, const QModelIndex& right, Qt::SortOrder order) const
{
    const NodeId l = NodeId(left.internalId());
    const NodeId r = NodeId(right.internalId());
    // The proxy reverses the comparison for a descending sort; folders stay first either way.
    const bool lf = isFolder(l);
    if (lf != isFolder(r))
        return order == Qt::AscendingOrder ? lf : !lf;
    const auto* a = m_tree->record(l);
    const auto* b = m_tree->record(r);
    switch (left.column()) {
    case Name:
        if (m_flat) {
            const int byName = QString::compare(Formatting::fromUtf8(m_tree->name(l)),
                                                Formatting::fromUtf8(m_tree->name(r)), Qt::CaseInsensitive);
            if (byName != 0)
                return byName < 0;
        }
        return left.row() < right.row();
    case Folder:
        return left.row() < right.row();
    case Size:
        return shownSize(l) < shownSize(r);
    case Type:
        return (a ? int(a->type) : int(EntryType::Directory)) < (b ? int(b->type) : int(EntryType::Directory));
    case Attributes:
        return (a ? a->attributes : 0) < (b ? b->attributes : 0);
    case Owner:
        return QString::compare(a ? ownerName(*a) : QString(), b ? ownerName(*b) : QString(), Qt::CaseInsensitive) < 0;
    case Modified:
        return compareTimes(a ? m_tree->modified(*a) : wcow::PaxTime {}, b ? m_tree->modified(*b) : wcow::PaxTime {})
            < 0;
    case Layer:
        return (a ? a->layer : 0) < (b ? b->layer : 0);
    }
    return left.row() < right.row();
}

QVariant LayerTreeModel::decoration(NodeId node) const
{
    const auto* record = m_tree->record(node);
    if (!record)
        return m_dirIcon;
    if (!index::unreadableReason(*m_tree, *record).empty())
        return m_unreadableIcon;
    switch (record->type) {
    case EntryType::Directory:
        return m_dirIcon;
    case EntryType::Symlink:
        return m_linkIcon;
    case EntryType::Junction:
        return m_junctionIcon;
    case EntryType::Hardlink:
        return m_hardlinkIcon;
    case EntryType::Whiteout:
        return m_whiteoutIcon;
    case EntryType::Stream:
        return m_streamIcon;
    case EntryType::File:
    case EntryType::Other:
        break;
    }
    return m_fileIcon;
}

QString LayerTreeModel::toolTip(NodeId node) const
{
    const auto* record = m_tree->record(node);
    const QString path = QString::fromStdString(m_tree->path(node));
    if (!record)
        return tr("%1\nA directory implied by the entries below it (the layer has no entry of its own for it)")
            .arg(path);
    if (const std::string reason = index::unreadableReason(*m_tree, *record); !reason.empty())
        return tr("%1\nUnreadable: %2").arg(path, QString::fromStdString(reason));
    if (index::isWciPlaceholder(*m_tree, *record))
        return tr("%1\nWCI placeholder: the container left this as the layers below have it").arg(path);
    switch (record->type) {
    case EntryType::Whiteout:
        return tr("%1\nWhiteout: deletes this name from the layers below").arg(path);
    case EntryType::Hardlink:
        return tr("%1\nHard link to %2").arg(path, Formatting::fromUtf8(m_tree->linkTarget(*record)));
    case EntryType::Symlink:
    case EntryType::Junction:
        return tr("%1\n%2 to %3")
            .arg(path, Formatting::entryType(record->type), Formatting::fromUtf8(m_tree->linkTarget(*record)));
    default:
        break;
    }
    return path;
}

QVariant LayerTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == Folder && m_flat && m_flatBase != index::InvalidNode)
        return tr("Every match is in %1; the column shows where below it")
            .arg(QString::fromStdString(m_tree->path(m_flatBase)));
    if (role == Qt::ToolTipRole && section == Attributes)
        return tr("R read-only, H hidden, S system, D directory, A archive, L reparse point, I not content "
                  "indexed, … (see the details pane for full names)");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Folder:
        if (m_flat && m_flatBase != index::InvalidNode)
            return tr("Folder in %1").arg(Formatting::fromUtf8(m_tree->name(m_flatBase)));
        return tr("Folder");
    case Size:
        return tr("Size");
    case Type:
        return tr("Type");
    case Attributes:
        return tr("Attr.");
    case Owner:
        return tr("Owner");
    case Modified:
        return tr("Modified (UTC)");
    case Layer:
        return tr("Layer");
    }
    return {};
}

} // namespace layerscope::ui
