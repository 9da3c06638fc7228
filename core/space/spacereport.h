// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/sha256.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::space {

// What part of the image a layer belongs to, for the base / servicing / application split.
enum class LayerRole { Base, Servicing, Application };
// "base", "servicing", "application".
const char* layerRoleName(LayerRole role);

// What the analysis needs to know about a layer besides its tree (image::LayerRef holds it).
struct LayerFacts
{
    std::string layout; // "windows-base", "windows-delta", "linux", "" when unknown
    std::string createdBy; // the aligned history line
    bool foreign = false;
    bool present = true;
    uint64_t storedSize = 0;
};

// Counts are of entries that are not directories (files, streams, links): a Windows layer re-lists the folders
// above every file it changes, so folders would swamp the counts. Bytes are file and stream data sizes.
struct LayerSpace
{
    size_t index = 0;
    LayerRole role = LayerRole::Application;
    std::string createdBy;
    bool present = true;
    uint64_t storedSize = 0; // compressed, as shipped
    uint64_t bytes = 0; // data of every file and stream in the layer's tar, duplicates of a path included
    uint64_t entries = 0; // non-directory entries other than whiteouts
    uint64_t addedCount = 0, addedBytes = 0; // paths that no lower layer shows
    uint64_t modifiedCount = 0, modifiedBytes = 0; // paths a lower layer shows, replaced (new sizes)
    uint64_t removedCount = 0, removedBytes = 0; // what this layer's whiteouts delete from the view below
    uint64_t hiddenBytes = 0; // of `bytes`: not visible in the merged view (overwritten or deleted later)
    uint64_t visibleBytes = 0; // of `bytes`: what the merged view shows from this layer
};

// One path of dive's inefficiency list: a path that more than one layer writes (or deletes).
struct WastedPath
{
    std::string path;
    uint32_t occurrences = 0;
    uint64_t cumulativeBytes = 0;
    uint64_t wastedBytes = 0; // cumulativeBytes minus the smallest occurrence
    std::vector<size_t> layers;
};

// Files of the merged view with equal content (same size and SHA-256).
struct DuplicateGroup
{
    Sha256Digest sha256 {};
    uint64_t size = 0;
    std::vector<std::string> paths; // sorted
    uint64_t savableBytes() const { return paths.empty() ? 0 : size * (paths.size() - 1); }
};

struct HotSpot
{
    std::string rule;
    std::string reason;
    uint64_t files = 0; // in the merged view
    uint64_t bytes = 0; // in the merged view: what cleaning the folder in the last layer would not save
    uint64_t shippedBytes = 0; // in all layers' tars: what the image carries for this rule
    std::vector<std::string> topPaths; // largest visible files, at most SpaceOptions::top
};

struct RoleSplit
{
    LayerRole role = LayerRole::Application;
    uint32_t layers = 0;
    uint64_t bytes = 0; // LayerSpace::bytes summed
    uint64_t storedBytes = 0;
    uint64_t visibleBytes = 0;
};

struct SpaceReport
{
    std::vector<LayerSpace> layers; // base first
    // dive's image efficiency (see SpaceAnalyzer): 1 - diveWastedBytes / diveTotalBytes; 1 for an empty image.
    double efficiency = 1.0;
    uint64_t diveWastedBytes = 0;
    uint64_t diveTotalBytes = 0;
    // LayerScope's exact figure: file and stream bytes the layers ship that the merged view does not show.
    uint64_t shippedBytes = 0;
    uint64_t visibleBytes = 0;
    uint64_t hiddenBytes = 0;
    uint64_t visibleFiles = 0;
    std::vector<WastedPath> wastedPaths; // the top ones, most wasted first
    uint64_t wastedPathCount = 0; // all of them
    std::vector<DuplicateGroup> duplicates; // the top groups, most savable first
    uint64_t duplicateGroupCount = 0;
    uint64_t duplicateFiles = 0; // files in all groups
    uint64_t duplicateSavableBytes = 0; // what hard links would save over all groups
    bool duplicatesMeasured = true; // false when the trees carry no file hashes
    std::vector<HotSpot> hotSpots; // one per rule, in rule order
    uint64_t hotSpotBytes = 0; // visible bytes matched by any rule, each file once
    std::vector<RoleSplit> split; // base, servicing, application (always three)
};

} // namespace layerscope::space
