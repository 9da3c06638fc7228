// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Qt>

namespace layerscope::ui {

// The custom roles every LayerScope model answers, in one place so that proxies and views agree on them.
enum ItemRole {
    // Raw values for sorting (numbers as numbers, not display strings), read by the sort proxies.
    SortRole = Qt::UserRole + 1,
    // The index::NodeId of a tree row (LayerTreeModel), as quint32.
    NodeRole,
    // The full path of the entry ("Files/Windows/win.ini").
    PathRole,
    // wcow::EntryType of a tree row, or diff change kind for diff rows, as int.
    KindRole,
    // Layer position for chain rows (-1 for the merged row, -2 for a disk row).
    LayerRole,
    // The full path of the virtual disk a chain row stands for (QString; none on layer and merged rows).
    DiskRole,
    // Whether a diff change is expected round-trip noise (bool).
    ExpectedRole,
    // Whether a row is a folder (bool): folders sort before files.
    FolderRole,
};

} // namespace layerscope::ui
