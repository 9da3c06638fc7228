// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/treeindex.h"

#include <memory>
#include <optional>
#include <string>

namespace layerscope::index {

// Builds a TreeIndex from entries arriving in tar order. Windows trees compare names case-insensitively (NTFS):
// the first spelling seen is kept for display. Also used to build merged views, which need remove() for
// whiteouts and replaced paths.
//
// Memory: the builder holds little beyond what the finished index will (the records packed, one 24-byte node per
// path component, names in one arena, a hash table of 4-byte slots). finish() unpacks the records in place and
// renumbers the nodes breadth first (the one moment old and new node tables coexist), so building a layer peaks
// only a little above the index it makes.
class TreeIndexBuilder
{
public:
    // keepCaseVariants: in a case-insensitive tree, an entry whose name differs from an earlier one only in case
    // gets a node of its own instead of replacing it, and an entry replaced by a later one with the very same name
    // is kept in TreeIndex::shadowedRecords(). A single layer's listing then shows every tar entry (the layout
    // checker reports the clash); merged views leave it off, since there the later name wins.
    explicit TreeIndexBuilder(bool caseInsensitive, bool keepCaseVariants = false);
    ~TreeIndexBuilder();

    // Adds or replaces the entry at entry.path; missing parents become implicit directories. Whiteout entries
    // are stored as given (they are part of a layer); merging applies them through remove().
    NodeId add(const wcow::WindowsEntry& entry, const std::optional<Sha256Digest>& sha256, uint16_t layer = 0);
    // Copies a record of another index (used by merging, which keeps the lower layer's record as is).
    NodeId addFrom(const TreeIndex& source, const TreeIndex::Record& record, std::string_view path);
    // Removes a path and everything below it; returns whether anything was there.
    bool remove(std::string_view path);
    // Removes everything below a directory but keeps the directory (overlay opaque directories).
    void removeChildren(std::string_view path);
    bool contains(std::string_view path) const;
    // The node at a path (its first spelling, in a case-insensitive tree), or InvalidNode.
    NodeId find(std::string_view path) const;
    // The path of a node add() returned, as its components were first spelled; valid until finish().
    std::string path(NodeId node) const;
    // Whether the path holds a directory or junction record (or is an implicit parent directory).
    bool isDirectory(std::string_view path) const;

    TreeIndex finish();

    // Heap bytes the builder holds now, counted by capacity (an estimate: allocator overhead is not included).
    size_t memoryBytes() const;
    // The most the builder held at once so far, including transient moments inside add() (a hash-table resize)
    // and, during finish(), the index under construction.
    size_t peakMemoryBytes() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace layerscope::index
