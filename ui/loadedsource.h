// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/imagesource.h"
#include "index/foldersizes.h"
#include "index/layerscan.h"
#include "index/treeindex.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace layerscope::ui {

// One layer of an open source as the chain pane shows it. The tree is shared read-only with the models and with
// tasks running on other threads (a TreeIndex never changes after it is built).
struct LoadedLayer
{
    int position = 0; // 0 = base
    std::string digest; // "sha256:..." of the stored blob; empty for a layer folder
    std::string folderId; // a layer folder's name (Docker's layer id); empty for blobs
    std::string diffId;
    std::string mediaType;
    std::string createdBy; // the image history line, when there is one
    std::string compression;
    uint64_t storedSize = 0;
    uint64_t uncompressedSize = 0;
    std::string layout; // "windows-base", "windows-delta", "linux", ... as core names it
    bool foreign = false;
    bool present = true; // foreign layers may be listed without their blob
    index::EntryCounts counts;
    std::vector<wcow::Problem> problems;
    std::vector<std::string> warnings;
    std::vector<std::string> urls; // of foreign layers
    // A layer folder's virtual disks (sandbox.vhdx, blank*.vhdx), full paths; only where disks can be read inside.
    std::vector<QString> disks;
    std::shared_ptr<const index::TreeIndex> tree; // null when the blob is absent
    std::shared_ptr<const index::FolderSizes> sizes; // folder totals of `tree`
};

// Everything opening a path produced: the chain, the image facts above it and the merged view.
struct LoadedSource
{
    QString path;
    std::string kind; // "layer", "oci-layout", "docker-archive", ...
    std::string os;
    std::string osVersion;
    std::string architecture;
    std::vector<std::string> repoTags;
    std::vector<std::string> notes; // what core wants the user to know (platform picked, ...)
    std::vector<std::string> findings; // identity mismatches and layout problems, "error: ..." / "warning: ..."
    std::vector<LoadedLayer> layers;
    std::shared_ptr<const index::TreeIndex> merged;
    std::shared_ptr<const index::FolderSizes> mergedSizes;
    // The source as core opened it: entry data (previews, hives, export) is read through it (EntryReader).
    std::shared_ptr<const image::ImageSource> image;

    bool isEmpty() const { return layers.empty(); }
};

} // namespace layerscope::ui
