// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "baselayer/imagepackager.h"
#include "common/progress.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::squash {

struct SquashOptions
{
    // The range first..last (0-based, base first). Defaults: first = 1 (everything above the base), last = the top.
    std::optional<size_t> first;
    std::optional<size_t> last;
    // Tar, TarGz, TarZst: the squashed layer alone. Oci, DockerArchive: the image with the range replaced.
    baselayer::OutputFormat format = baselayer::OutputFormat::Oci;
    std::string platform; // which manifest of a multi-platform source
    std::string tag;
    wcow::PaxTime created {1704067200, 0}; // config "created" and the new history entry
    bool overwrite = false;
    Progress* progress = nullptr;
};

struct SquashResult
{
    std::filesystem::path output;
    baselayer::OutputFormat format = baselayer::OutputFormat::Oci;
    size_t first = 0;
    size_t last = 0;
    size_t layersBefore = 0;
    size_t layersAfter = 0; // 1 for a layer output
    std::string layout; // "windows-base" or "windows-delta"
    uint64_t entries = 0; // in the squashed layer, whiteouts included
    uint64_t whiteouts = 0;
    uint64_t hardLinks = 0; // kept as links
    uint64_t linksMadeFiles = 0; // links whose file the range replaced or deleted, written as that file
    bool lowerKnown = true; // false: a layer below the range is absent, whiteouts are the range's own
    std::vector<std::string> mergedHives;
    // Temporary space beside the output: entries that came before their folder and hard link headers (the layer
    // itself is never staged uncompressed).
    uint64_t spilledBytes = 0;
    uint64_t spilledEntries = 0; // entries met before their folder, or between a file and its stream
    std::string layerDigest; // the squashed layer as stored
    std::string diffId;
    std::string configDigest; // image formats only
    std::string manifestDigest;
};

// Replaces layers first..last of an image (OCI layout or archive, docker archive) by one Windows layer with the
// same merged view: a windows-base layer when first is 0 (config hives with the deltas applied), else a
// windows-delta layer (SquashPlan, SquashLayerWriter). Image outputs keep every other layer as stored (an absent
// foreign base stays a reference) and rewrite config (rootfs.diff_ids, one history entry for the range) and
// manifest (scratch::appendLayer). Output appears atomically; an existing one is replaced only with overwrite.
// Throws layerscope::Error for a range outside the chain, a range holding an absent (foreign) or non-Windows
// layer, layer folders and unreadable layers.
SquashResult squashImage(const std::filesystem::path& source, const std::filesystem::path& output,
                         const SquashOptions& options);

} // namespace layerscope::squash
