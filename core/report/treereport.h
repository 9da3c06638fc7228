// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/treeindex.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace layerscope::report {

// What `tree` lists: the entries of one layer (in tar order) or of a merged view (in path order), optionally only
// those at or below a path.
struct TreeListing
{
    std::string source; // what the user named
    std::string kind; // image::sourceKindName
    std::optional<size_t> layer; // the layer shown; nullopt for the merged view
    std::string path; // the prefix asked for; empty for everything
    const index::TreeIndex* tree = nullptr;
    std::vector<const index::TreeIndex::Record*> records;
};

// The records below `top` (the node itself included): in tar order for a layer, in path order (children sorted,
// parents first) for a merged view, which has no tar order of its own.
std::vector<const index::TreeIndex::Record*> listRecords(const index::TreeIndex& tree, index::NodeId top,
                                                         bool tarOrder);

// `tree --json`: {source, kind, view ("layer" | "merged"), layer (number or null), path (or null), entries}, the
// entries in the inspect --entries shape plus, in a merged view, the "layer" that last set each one.
nlohmann::json treeToJson(const TreeListing& listing);
// The same document streamed (the same bytes as treeToJson(...).dump(2) and a newline), never built whole.
void writeTreeJson(const TreeListing& listing, std::ostream& out);
// `tree`: one `tar tv`-like line per entry (with "L<n>" in a merged view), streamed.
void writeTreeText(const TreeListing& listing, std::ostream& out);

} // namespace layerscope::report
