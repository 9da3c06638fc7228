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
// - files: a VHDX or VHD virtual disk -> disk (diskinfo.h); a plain tar whose first members are image-archive names
// (oci-layout, index.json, manifest.json,
//   repositories, blobs/…, <64 hex>/…) is indexed and classified by its members (manifest.json -> docker-archive,
//   oci-layout + index.json -> oci-archive); any other tar or compressed stream is a layer. A compressed image
//   archive is refused with advice, because blobs are read in place and that needs an uncompressed tar.
// Throws layerscope::Error when the path does not exist or cannot be read, and for a file that is none of these
// (0 bytes, random data, another format, compressed data that is not a tar inside): "not a tar archive, OCI
// layout, docker archive, VHDX/VHD disk or Windows layer folder; starts with 3f a2 …", naming the file and byte 0.
Detection detectSource(const std::filesystem::path& path, Progress& progress = Progress::none());

// The cheap part of detectSource(): true when `path` is a file that is not an image archive or a disk (so, a layer
// blob to scan). Reads only the first members; never indexes an archive. Throws the same "not a tar archive, ..."
// error as detectSource() for files that are nothing LayerScope reads.
bool isLayerBlob(const std::filesystem::path& path);

} // namespace layerscope::image
