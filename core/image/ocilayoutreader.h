// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/blobstore.h"
#include "image/image.h"
#include "image/imagesource.h"

namespace layerscope::image {

// Follows an OCI image layout (OCI image-spec image-layout.md: oci-layout, index.json, blobs/<alg>/<hex>) from
// index.json through nested image indexes to one manifest and its config, filling `image` (kind, platforms,
// layers, config facts). Manifests and configs are checked against their digests and sizes. Throws
// layerscope::Error naming the file and JSON path or digest of whatever is wrong.
void readOciLayout(const BlobStore& store, const OpenOptions& options, Image& image);

// Reads a blob named by a descriptor whole (manifests, configs, indexes) and checks its size and digest.
std::vector<uint8_t> readVerifiedBlob(const BlobStore& store, const std::string& path, const std::string& digest,
                                      std::optional<uint64_t> size, const std::string& referrer);

} // namespace layerscope::image
