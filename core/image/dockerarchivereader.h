// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/blobstore.h"
#include "image/image.h"
#include "image/imagesource.h"

namespace layerscope::image {

// Reads a `docker save` archive from its manifest.json (wcow-layer-format §4): an array of
// {Config, RepoTags, Layers, Parent?, LayerSources?}. Works for the legacy layout (<id>/layer.tar, <hex>.json,
// repositories), the OCI-style one (blobs/sha256/<hex>, with index.json and oci-layout beside) and hand-made
// archives with only Config and Layers. LayerSources (diff_id -> descriptor) give media types, digests and URLs
// (foreign layers). With several images in one archive, `options.platform` (or windows/amd64) picks one.
void readDockerArchive(const BlobStore& store, const OpenOptions& options, Image& image);

} // namespace layerscope::image
