// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/foldersizes.h"
#include "index/treeindex.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QIcon>

#include <memory>
#include <vector>

namespace layerscope::ui {

// A view of one layer's TreeIndex (or of the merged view) that copies nothing: a row's internal id is its NodeId,
// names and records are read from the index when a view asks. Two shapes:
// - the tree, as the index holds it (children already sorted by name, so "sort by name" is the natural order);
// - a flat list of matching nodes, each with its name and its folder, which TreeFilter computes on a task thread
//   when the filter box is used; a recursive filter proxy would visit every one of a million nodes on the GUI thread.
// Folders show the size of everything below them (index::FolderSizes, computed by core when the source was
// loaded); sorting keeps folders before files in either direction, as file managers do.
class LayerTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    // Folder (the parent's path) is only filled in the flat list, where rows from many folders mix.
    enum Column { Name, Folder, Size, Type, Attributes, Owner, Modified, Layer, ColumnCount };

    explicit LayerTreeModel(QObject* parent = nullptr);
    ~LayerTreeModel() override;

    // Shows a tree (one reset). `merged` enables the Layer column's meaning: the layer that last set the entry.
    // `sizes` (optional) holds the folder totals of this tree.
    void setTree(std::shared_ptr<const index::TreeIndex> tree, bool merged,
                 std::shared_ptr<const index::FolderSizes> sizes = {});
    // Switches to the flat list of these nodes (in the given order), or back to the tree with nullptr. `base`, a
    // folder holding every row (TreeFilter::commonFolder), is left out of the Folder column, which then shows where
    // each row is below it: the part of the path that differs.
    void setFlatRows(std::shared_ptr<const std::vector<index::NodeId>> rows, index::NodeId base = index::InvalidNode);
    index::NodeId flatBase() const { return m_flatBase; }

    const std::shared_ptr<const index::TreeIndex>& tree() const { return m_tree; }
    const std::shared_ptr<const index::FolderSizes>& folderSizes() const { return m_sizes; }
    bool isMerged() const { return m_merged; }
    bool isFlat() const { return m_flat != nullptr; }

    index::NodeId nodeAt(const QModelIndex& index) const;
    // The row of a node in the current shape (column 0), or an invalid index when it is not shown.
    QModelIndex indexOfNode(index::NodeId node, int column = 0) const;
    // The owner of a record's security descriptor as a friendly name ("BUILTIN\\Administrators"); parsed once per
    // distinct descriptor (a layer shares a handful of them among all its files).
    QString ownerName(const index::TreeIndex::Record& record) const;

    // Folders (directories, junctions and implied directories) sort before everything else.
    bool isFolder(index::NodeId node) const;
    // The proxy's comparison for `column`, on raw values without building QVariants; folders come first in
    // either `order`.
    bool lessThan(const QModelIndex& left, const QModelIndex& right, Qt::SortOrder order) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    QVariant sortValue(index::NodeId node, int column, int row) const;
    // Bytes shown in the Size column: a file's size, a folder's total (0 when there is none to show).
    uint64_t shownSize(index::NodeId node) const;
    QVariant decoration(index::NodeId node) const;
    QString toolTip(index::NodeId node) const;

    std::shared_ptr<const index::TreeIndex> m_tree;
    std::shared_ptr<const std::vector<index::NodeId>> m_flat;
    index::NodeId m_flatBase = index::InvalidNode;
    std::shared_ptr<const index::FolderSizes> m_sizes;
    // Row of each node among its parent's children; parent() needs it and the index only links child -> parent.
    // 4 bytes per node, the one thing this adapter adds to the index.
    std::vector<uint32_t> m_rowInParent;
    bool m_merged = false;
    mutable QHash<uint32_t, QString> m_owners;

    QIcon m_dirIcon;
    QIcon m_fileIcon;
    QIcon m_linkIcon;
    QIcon m_junctionIcon;
    QIcon m_whiteoutIcon;
    QIcon m_hardlinkIcon;
    QIcon m_streamIcon;
    QIcon m_unreadableIcon;
};

} // namespace layerscope::ui
