// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace layerscope::squash {

// One entry of the squashed layer and where its header (and data) come from.
struct SquashItem
{
    enum class Content : uint8_t {
        Copied, // header and data of the source entry, under `path`
        MergedConfigHive, // base squash: the config hive with the range's deltas applied (header from the source)
        CombinedDelta, // delta squash: Hives/*_Delta combined from several layers (header from the latest one)
    };

    std::string path; // in the squashed layer, normalised as the index holds it
    uint32_t sourceLayer = 0; // absolute layer index in the image
    uint32_t sourceTarIndex = 0;
    wcow::EntryType type = wcow::EntryType::Other;
    std::string linkTarget; // hard links: the path to link to (after a takeover it is not the source's)
    Content content = Content::Copied;
    index::NodeId node = index::InvalidNode; // in SquashPlan::target
    size_t hive = 0; // for hive contents: which of the five (systemHiveNames order)
};

// Where one of the five system hives comes from in a squash: the entries (layer, tar index), earliest first, whose
// registry the squashed layer must carry. For a base squash the first is the base's config hive.
struct HiveSources
{
    struct Source
    {
        uint32_t layer = 0;
        uint32_t tarIndex = 0;
    };
    std::vector<Source> sources;
};

// What replacing layers first..last by one layer takes, worked out from the layers' trees alone (no data read):
//  - `target`: the merged view of layers 0..last (of first..last when a layer below is absent), whose records say
//    which layer and tar entry set each path;
//  - `items`: every path of the target that the layers below `first` do not already show the same way — new
//    entries, rewritten ones, and hard links that took over a replaced file (index::mergeLayers), each with the
//    entry to copy it from;
//  - `whiteouts`: the deletions that still hide something below `first`, found by walking the merged view of the
//    layers below and the target together (a re-created folder gets whiteouts for the lower children it lost, not
//    one for itself). When a layer below is absent (a foreign base), what lies there is unknown: every deletion of
//    the range that no later layer undoes is kept, nested ones folded into the outermost;
//  - `hives`: the config hive and deltas to merge. A base squash (first == 0) has no Hives/ folder: the config
//    hives carry the deltas applied. A delta squash combines Hives/*_Delta of two or more layers into one.
struct SquashPlan
{
    size_t first = 0;
    size_t last = 0;
    bool base = false; // first == 0: a windows-base layer
    bool lowerKnown = true; // every layer below `first` was read
    index::TreeIndex target;
    std::vector<SquashItem> items;
    std::vector<std::string> whiteouts; // paths of deleted entries (the layer names them ".wh.<name>")
    std::array<HiveSources, 5> hives;
};

// "DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM": the order of SquashPlan::hives.
std::span<const char* const> systemHiveNames();

// `layers` are the trees of layers 0..last (nullptr for an absent layer; layers first..last must be present).
SquashPlan planSquash(std::span<const index::TreeIndex* const> layers, size_t first,
                      Progress& progress = Progress::none());

} // namespace layerscope::squash
