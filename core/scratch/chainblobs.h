// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "image/blobstore.h"
#include "image/image.h"
#include "io/bytesource.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace layerscope::scratch {

// The stored bytes of an opened image source: layer blobs and the small JSON files (config, manifest.json),
// read in place from the OCI layout folder, the archive's members or the single layer file. ImageSource reads
// layers only to scan them; the scratch module needs their raw entries (to materialise) and their exact bytes
// (to copy into a new image), so it opens the same store itself.
class ChainBlobs
{
public:
    // Throws layerscope::Error for sources whose layers are not blobs (on-disk layer folders, plain folders).
    ChainBlobs(const std::filesystem::path& source, const image::Image& image, Progress& progress = Progress::none());
    ~ChainBlobs();

    // The stored (possibly compressed) bytes of layer `i`. Throws when the layer is absent (a foreign layer).
    std::unique_ptr<io::ByteSource> openLayer(size_t i) const;
    std::string layerName(size_t i) const;

    // Null for a single layer blob.
    const image::BlobStore* store() const { return m_store.get(); }

private:
    std::filesystem::path m_source;
    const image::Image& m_image;
    std::unique_ptr<image::BlobStore> m_store;
};

} // namespace layerscope::scratch
