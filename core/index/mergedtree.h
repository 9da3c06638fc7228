// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <span>

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

} // namespace layerscope::index
