// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "diff/diffresult.h"
#include "diff/diffrules.h"
#include "diff/diffside.h"

namespace layerscope::diff {

// Compares two trees by path and classifies every difference with rules.
//
// Both trees are already indexed (each in one streaming pass, hashes included), so the comparison walks the two
// sorted child lists of each directory in merge order: no unpacking, no per-entry copies. Names match
// case-insensitively when either side is a Windows tree (NTFS, wcow-layer-format §1.2). Extra memory is a few
// bytes per entry (for the order check) plus one compact Change per difference.
//
// Hard links are compared as what they are on NTFS, one file with several names: a name's data and metadata
// come from the record holding the file (so a swapped link direction leaves content, size and times alone), and
// the set of names sharing a file is its own field (hardlinkGroup).
class TreeDiff
{
public:
    // Progress counts nodes visited (of both trees); cancellation is polled between entries.
    static DiffResult compare(const DiffSide& a, const DiffSide& b, const DiffRules& rules,
                              Progress& progress = Progress::none());
    // Compares only `subtree` ("Files/Windows/System32", a file or a folder) and what is below it, matched by the
    // same path in both trees. Throws layerscope::Error when neither tree has that path.
    static DiffResult compare(const DiffSide& a, const DiffSide& b, const DiffRules& rules, std::string_view subtree,
                              Progress& progress = Progress::none());
};

} // namespace layerscope::diff
