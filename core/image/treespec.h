// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace layerscope::image {

// One side of a comparison: a tree plus what to call it.
struct ResolvedTree
{
    // What the tree was read from, which decides what a comparison can hold against it: a layer tar (entry order
    // and every field), the merged view of a chain (no single tar order), or files on disk (a plain folder or an
    // on-disk layer folder: no tar order, only what a file system holds).
    enum class Origin : uint8_t { Layer, Merged, Folder };

    std::string label; // what the user typed, or a clearer name ("image.tar@2 (sha256:…)")
    std::string digest; // layer digest (or diff_id when that is all there is); for a merged view the top chain ID;
                        // empty for folders
    bool windows = false; // names compare case-insensitively (NTFS)
    Origin origin = Origin::Layer;
    // Read from the NTFS volume of a VHDX or VHD (issue 12), its root as Files/: a container's writable layer can be
    // laid over the chain beneath it (overlayWritableDisk).
    bool disk = false;
    index::TreeIndex tree;
    // Reads the first `maxBytes` bytes of files of `tree` (this tree), one pass per layer involved; a node without
    // data (a folder, a link, an absent layer) gives an empty vector. The diff uses it to look into registry hives.
    // Keeps the source open while it exists.
    std::function<std::vector<std::vector<uint8_t>>(
        const index::TreeIndex& tree, const std::vector<index::NodeId>& nodes, uint64_t maxBytes, Progress& progress)>
        readFiles;
};

struct TreeSpecOptions
{
    std::string platform; // "os/arch[:os.version]" for multi-platform image indexes; empty = windows/amd64
    bool hashFiles = true; // sha256 of every file (the diff needs it to see content changes)
};

// Turns a command-line tree specification into a tree:
//   LAYER_BLOB              a layer tar (.tar, .tar.gz, .tar.zst, ... by content)
//   SOURCE@N                layer N (0 = base) of an image source or of a layer-folder chain
//   SOURCE@sha256:HEX       the layer whose digest or diff_id is that (a unique prefix of 12+ hex digits works)
//   SOURCE                  an image source (OCI layout folder or tar, docker archive): the merged view
//   SOURCE@merged           the same, spelled out; for a layer folder the merged view of its chain
//   DISK                    a VHDX or VHD: the NTFS volume inside, its root directory as Files/
//   LAYER_FOLDER            an on-disk Windows layer folder: its Files/, Hives/ and UtilityVM/Files/ as one tree
//   FOLDER                  any other folder: its contents under a "Files/" prefix, so they line up with layer tars
// A path that exists is taken whole even if it contains '@'. Throws layerscope::Error for unreadable sources,
// unknown layer numbers or digests.
ResolvedTree resolveTree(const std::string& spec, Progress& progress = Progress::none());
ResolvedTree resolveTree(const std::string& spec, const TreeSpecOptions& options,
                         Progress& progress = Progress::none());

// A container's sandbox.vhdx holds only what the container changed, over WCI placeholders for everything it did not:
// compared with the chain beneath it as it stands, every file of the chain would look deleted. When `upper` was read
// from a disk and `lower` was not, this replaces upper's tree by the view the container had (index::overlaySandbox:
// placeholders unchanged, tombstones deletions, real files added or replaced) and returns true; otherwise it leaves
// both as they are and returns false. The diff (CLI and app) calls it for B over A.
bool overlayWritableDisk(const ResolvedTree& lower, ResolvedTree& upper, Progress& progress = Progress::none());

} // namespace layerscope::image
