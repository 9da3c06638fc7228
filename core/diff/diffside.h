// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "image/treespec.h"
#include "index/treeindex.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace layerscope::diff {

// One side of a comparison. The tree is borrowed: it must outlive the DiffResult.
struct DiffSide
{
    // What the tree was read from decides what can be compared:
    //  Layer   a layer tar: entry order and explicit directory entries mean something, every field is carried
    //  Merged  the merged view of a chain: every field, but no single tar order
    //  Folder  a folder on disk: no tar order, and no Windows metadata a plain file system cannot hold
    //          (attributes, security descriptors, creation/access/change times, modes, EAs, streams); only the
    //          top-level folders it has are compared (a plain folder is read as Files/ only)
    enum class Kind : uint8_t { Layer, Merged, Folder };

    std::string label; // what the user asked for ("original.tar.gz", "image@2")
    std::string digest; // "sha256:..." of the layer (or chain ID of a merged view); empty for folders
    const index::TreeIndex* tree = nullptr;
    Kind kind = Kind::Layer;
    // Names compare case-insensitively (NTFS). Either side being a Windows tree, or a case-insensitive index, makes
    // the whole comparison case-insensitive.
    bool windows = false;
    // Reads files of the tree (image::ResolvedTree::readFiles): lets the diff look into registry hives. Optional;
    // without it changed hives are compared by digest only.
    std::function<std::vector<std::vector<uint8_t>>(
        const index::TreeIndex& tree, const std::vector<index::NodeId>& nodes, uint64_t maxBytes, Progress& progress)>
        readFiles;

    // The side for a resolved tree specification (the CLI's and the app's A and B); `tree` must outlive it.
    static DiffSide of(const image::ResolvedTree& tree, const std::string& spec);
};

const char* sideKindName(DiffSide::Kind kind);

} // namespace layerscope::diff
