// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <span>
#include <string_view>

namespace layerscope::index {

// Applies layers base to top into one tree, as a Windows (or overlay) filesystem would present them:
// whiteouts delete the named path of lower layers, a file replaced by a directory (or the reverse) drops the
// lower subtree, and every record remembers the layer that last set it (Record::layer).
// Windows layers compare names case-insensitively (NTFS); Linux ones case-sensitively.
TreeIndex mergeLayers(std::span<const TreeIndex* const> layers, Progress& progress = Progress::none());

// Whether mergeLayers({&layer}) would list the same entries as the layer itself: no whiteouts (which only hide lower
// layers, so a merge drops them), no path written twice (no shadowed records), no names differing only in case in a
// Windows tree (a merge keeps one of each). The usual single-layer image then shows the layer's own index as its merged
// view instead of a second copy of it (a million entries cost ~150 MB per copy).
bool mergesToItself(const TreeIndex& layer);

// The attribute a virtual disk's reparse points carry (disk/reparsetag.h) and how a WCI placeholder's value starts.
inline constexpr std::string_view NtfsReparseXattr = "ntfs.reparse";
inline constexpr std::string_view WciPlaceholderMark = "wci-placeholder";
// The attribute that marks a disk's entry whose record could not be read (its value says why): the directory named
// it, so it keeps its place in the tree, without the fields the record would have given.
inline constexpr std::string_view UnreadableXattr = "layerscope.unreadable";

// Why `record` could not be read (UnreadableXattr's value), or nothing when it was read.
std::string unreadableReason(const TreeIndex& tree, const TreeIndex::Record& record);

// Whether `record` is a container's WCI placeholder: a stand-in, on the writable layer's disk, for the file or
// folder of a lower layer it has not changed.
bool isWciPlaceholder(const TreeIndex& tree, const TreeIndex::Record& record);

// What a container saw: `lower` (the merged view of the layers beneath its writable layer) with `sandbox` (that
// writable layer, read from its disk) applied as one more layer, the way the WCI filter presents them. Placeholders
// leave the lower entry as it is, tombstones (whiteouts) delete it, every other entry adds or replaces. Records of
// `lower` get layer 0 and those of the sandbox layer 1. What is confirmed and what inferred: docs/disks.md.
TreeIndex overlaySandbox(const TreeIndex& lower, const TreeIndex& sandbox, Progress& progress = Progress::none());

} // namespace layerscope::index
