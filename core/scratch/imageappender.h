// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "baselayer/imagepackager.h"
#include "common/progress.h"
#include "wcow/windowsentry.h"

#include <filesystem>
#include <optional>
#include <string>

namespace layerscope::scratch {

struct AppendOptions
{
    baselayer::OutputFormat format = baselayer::OutputFormat::Oci; // Oci or DockerArchive
    // How many of the parent's layers stay under the new one (base first); nullopt = all of them.
    std::optional<size_t> keepLayers;
    // The parent's layers from this index up go back on top of the new one, blobs and history kept as they were
    // (squash replaces layers in the middle of a chain); nullopt = none of them.
    std::optional<size_t> upperFrom;
    std::string platform; // which manifest of a multi-platform parent; empty = windows/amd64
    std::string createdBy = "layerscope scratch commit";
    std::string comment;
    wcow::PaxTime created {1704067200, 0}; // config "created" and the new history entry
    std::string tag; // image name:tag (docker RepoTags, OCI ref.name annotation)
    std::string layerDiffId; // the new layer's diff_id when the caller knows it (saves a pass over the layer)
    // `layerBlob` is the caller's own temporary file, on the output's volume, and this is its digest as stored: an
    // OCI output takes the file by a rename instead of a copy, and so does a docker archive's staging when the file is
    // a plain tar, so the layer is never on disk twice.
    std::string movableLayerDigest;
    bool overwrite = false;
    Progress* progress = nullptr;
};

struct AppendResult
{
    std::filesystem::path output;
    baselayer::OutputFormat format = baselayer::OutputFormat::Oci;
    size_t layers = 0; // in the new image
    std::string layerDigest; // the new layer as stored in the output
    std::string diffId;
    std::string configDigest;
    std::string manifestDigest;
};

// Writes a new image: the parent image (OCI layout or archive, docker archive, or a single layer blob) with its
// first `keepLayers` layers, plus `layerBlob` on top (and then the parent's layers from `upperFrom` up, if set). The
// parent's config is kept (every field, including os.version and os.features, wcow-layer-format §4) with
// rootfs.diff_ids and history cut to the kept layers and extended by the new one; manifest, config and layer digests
// are recomputed. Layer blobs are copied as stored (OCI) or as uncompressed tars (docker archive, as `docker save`
// writes them); absent foreign layers keep their descriptor and URLs in an OCI output and are refused for a docker
// archive, which must hold every layer.
//
// Output appears atomically (staging sibling, then rename); an existing output is replaced only with overwrite.
// Throws layerscope::Error (naming the file) for unreadable parents and digest mismatches while copying.
AppendResult appendLayer(const std::filesystem::path& parentImage, const std::filesystem::path& layerBlob,
                         const std::filesystem::path& output, const AppendOptions& options);

} // namespace layerscope::scratch
