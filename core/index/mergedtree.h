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

} // namespace layerscope::index
