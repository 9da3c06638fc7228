// SPDX-License-Identifier: Apache-2.0
#pragma once

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
// - a flat list of matching nodes with their full paths, which TreeFilter computes on a task thread when the
//   filter box is used; a recursive filter proxy would visit every one of a million nodes on the GUI thread.
class LayerTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Size, Type, Attributes, Owner, Modified, Layer, ColumnCount };

    explicit LayerTreeModel(QObject* parent = nullptr);
    ~LayerTreeModel() override;

    // Shows a tree (one reset). `merged` enables the Layer column's meaning: the layer that last set the entry.
    void setTree(std::shared_ptr<const index::TreeIndex> tree, bool merged);
    // Switches to the flat list of these nodes (in the given order), or back to the tree with nullptr.
    void setFlatRows(std::shared_ptr<const std::vector<index::NodeId>> rows);

    const std::shared_ptr<const index::TreeIndex>& tree() const { return m_tree; }
    bool isMerged() const { return m_merged; }
    bool isFlat() const { return m_flat != nullptr; }

    index::NodeId nodeAt(const QModelIndex& index) const;
    // The row of a node in the current shape (column 0), or an invalid index when it is not shown.
    QModelIndex indexOfNode(index::NodeId node, int column = 0) const;
    // The owner of a record's security descriptor as a friendly name ("BUILTIN\\Administrators"); parsed once per
    // distinct descriptor (a layer shares a handful of them among all its files).
    QString ownerName(const index::TreeIndex::Record& record) const;

    // The proxy's comparison for `column`, on raw values without building QVariants.
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const;

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
    QVariant decoration(index::NodeId node) const;
    QString toolTip(index::NodeId node) const;

    std::shared_ptr<const index::TreeIndex> m_tree;
    std::shared_ptr<const std::vector<index::NodeId>> m_flat;
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
};

} // namespace layerscope::ui
