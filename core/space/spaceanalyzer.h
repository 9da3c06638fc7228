// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"
#include "space/hotspotrules.h"
#include "space/spacereport.h"

#include <span>

namespace layerscope::image {
class ImageSource;
}

namespace layerscope::space {

struct SpaceOptions
{
    size_t top = 10; // wasted paths, duplicate groups and paths per hot spot kept in the report
    // analyzeImageSpace: hash every file so that duplicate content can be found. Hashing is most of what `space`
    // costs beyond reading the layers; without it SpaceReport::duplicatesMeasured is false.
    bool hashFiles = true;
};

// Where the bytes of a layer chain go, computed from the trees a single read of the chain built (the per-layer
// indexes with file hashes, and their merged view): no layer is read again.
//
// The efficiency score follows dive (wagoodman/dive, dive/filetree/efficiency.go), so that users can compare the
// numbers: every leaf of every layer's own tree (a file, stream, link, or a folder with no children in that layer)
// counts its tar size under its path; a whiteout counts, under the path it deletes, the sizes of everything below
// that path in the layers beneath when that was a folder, and 0 when it was a file. Per path, wasted = sum of its
// sizes - its smallest size (so a deleted file wastes its whole size, its whiteout counting 0); the score is
// 1 - sum(wasted) / sum(sizes over all paths), and 1 for an image with no bytes. Two dive quirks follow from this
// and are kept: a deleted folder's contents waste nothing (each child path occurs once), and a folder listed again
// by a later layer is no leaf there when it has children. The list of wasted paths is dive's "inefficient" list
// (paths occurring in more than one layer) without the entries that waste 0 bytes.
//
// LayerScope's own figure is exact instead: the file and stream bytes of every layer's tar (entries repeated within
// one tar included) minus what the merged view shows (index::mergeLayers' rules, hard links included), per layer.
class SpaceAnalyzer
{
public:
    // `layers`: one per chain position, nullptr for an absent (foreign) layer; `facts` the same length; `merged` the
    // merged view of `layers`. Polls `progress` for cancellation.
    static SpaceReport analyze(std::span<const index::TreeIndex* const> layers, std::span<const LayerFacts> facts,
                               const index::TreeIndex& merged, const HotSpotRules& rules,
                               const SpaceOptions& options = {}, Progress& progress = Progress::none());

    // Base: a windows-base layer, or the first layer. Servicing: a layer above it that Microsoft ships (foreign) or
    // whose history says so ("Install update ...", as Microsoft's images record their cumulative update layer, or
    // "Apply image ..."). Application: everything else.
    static LayerRole roleOf(const LayerFacts& facts, size_t index);
};

// What `layerscope-cli space` runs: reads every present layer once (image::analyzeImage, strict, with file hashes),
// merges them and analyses. Throws layerscope::Error for unreadable or inconsistent sources.
SpaceReport analyzeImageSpace(image::ImageSource& source, const HotSpotRules& rules, const SpaceOptions& options = {},
                              Progress& progress = Progress::none());

} // namespace layerscope::space
