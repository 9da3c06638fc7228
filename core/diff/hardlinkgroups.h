// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/treeindex.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace layerscope::diff {

// The hard-link groups of one tree: every set of names that share one file, derived from the hard-link records
// (wcow-layer-format §1.6: the first name walked is the file, later names are typeflag-1 entries pointing at it;
// a target may also live in a lower layer, §1.3, and then stands in the group by its path alone).
// Memory is proportional to the number of hard links, not of entries.
class HardlinkGroups
{
public:
    struct Member
    {
        std::string key; // the path as compared: folded when names match case-insensitively
        std::string path; // as spelled in the tree
        bool operator<(const Member& o) const { return key < o.key; }
    };

    // `fold`: compare names case-insensitively (wcow::foldCase).
    HardlinkGroups(const index::TreeIndex& tree, bool fold);

    bool empty() const { return m_groups.empty(); }
    // The members (sorted by key) of the group holding this path key, or nullptr when it is in none.
    const std::vector<Member>* groupOf(std::string_view key) const;
    // Whether two groups hold the same names.
    static bool sameNames(const std::vector<Member>* a, const std::vector<Member>* b);

    // The record a name's data and metadata live in: a hard-link record resolves to the file it points at (through
    // chains of links, within this tree); anything else, or a link whose target is elsewhere, is itself.
    static const index::TreeIndex::Record& effective(const index::TreeIndex& tree,
                                                     const index::TreeIndex::Record& record);

private:
    std::string key(std::string_view path) const;

    bool m_fold = false;
    std::vector<std::vector<Member>> m_groups;
    std::unordered_map<std::string, uint32_t> m_groupOfKey;
};

} // namespace layerscope::diff
