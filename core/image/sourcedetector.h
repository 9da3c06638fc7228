// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "image/image.h"
#include "image/tarblobstore.h"

#include <filesystem>
#include <memory>

namespace layerscope::image {

struct Detection
{
    SourceKind kind = SourceKind::Layer;
    // For oci-archive and docker-archive tars: the archive's member index, built while detecting, so the archive is
    // walked only once.
    std::unique_ptr<TarBlobStore> archive;
};

// Decides what `path` is from its content, never its name:
// - folders: oci-layout + index.json -> oci-layout; manifest.json -> docker-archive (extracted); Files/ or
//   layerchain.json -> layer-folder; anything else -> folder;
// - files: a plain tar whose first members are image-archive names (oci-layout, index.json, manifest.json,
//   repositories, blobs/…, <64 hex>/…) is indexed and classified by its members (manifest.json -> docker-archive,
//   oci-layout + index.json -> oci-archive); any other tar or compressed stream is a layer. A compressed image
//   archive is refused with advice, because blobs are read in place and that needs an uncompressed tar.
// Throws layerscope::Error when the path does not exist or cannot be read.
Detection detectSource(const std::filesystem::path& path, Progress& progress = Progress::none());

// The cheap part of detectSource(): true when `path` is a file that is not an image archive (so, a layer blob to
// scan). Reads only the first members; never indexes an archive.
bool isLayerBlob(const std::filesystem::path& path);

} // namespace layerscope::image
