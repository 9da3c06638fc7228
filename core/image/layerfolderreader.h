// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/image.h"

#include <filesystem>

namespace layerscope::image {

// True when `folder` looks like an imported Windows layer (wcow-layer-format §2.1): a Files/ folder or a
// layerchain.json file.
bool isLayerFolder(const std::filesystem::path& folder);

// Builds the chain of an on-disk Windows layer folder from its layerchain.json (moby: a JSON array of the parent
// layers' absolute paths, nearest first, or null for a base; §2.1). Parent paths that do not exist here (a tree
// copied off a Windows host: C:\ProgramData\docker\windowsfilter\<id>) are looked up by their last component among
// the folder's siblings, with a note. Each layer lists its *.vhdx disks (header read with readVhdxInfo) and other
// importer artifacts. Throws layerscope::Error for malformed layerchain.json and for cycles.
void readLayerFolder(const std::filesystem::path& top, Image& image);

} // namespace layerscope::image
