// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "io/bytesource.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::image {

// Where the files of an image source live: a folder (OCI layout, extracted docker archive) or the members of an
// uncompressed tar (OCI archive, docker save archive). Paths are relative, '/'-separated and already checked by
// checkedPath(), so nothing outside the source can be named.
class BlobStore
{
public:
    virtual ~BlobStore() = default;

    // True when a regular file (or tar member holding one) exists at `path`.
    virtual bool exists(const std::string& path) const = 0;
    virtual std::optional<uint64_t> size(const std::string& path) const = 0;
    // Opens the file for reading; throws layerscope::Error when it is absent.
    virtual std::unique_ptr<io::ByteSource> open(const std::string& path) const = 0;
    // How to name the file in messages: "layout/blobs/sha256/ab…" or "image.tar@blobs/sha256/ab…".
    virtual std::string displayName(const std::string& path) const = 0;
    // The source itself, for messages.
    virtual const std::string& name() const = 0;

    // Reads a small file (manifest, config, index) whole; files above `limit` bytes are refused with an Error, so a
    // hostile source cannot make us allocate without bound.
    std::vector<uint8_t> readAll(const std::string& path, uint64_t limit = DefaultJsonLimit) const;

    // "blobs/sha256/<hex>" for a digest already validated by parseDigest().
    static std::string blobPath(const std::string& digest);

    // Normalises a path named inside the source (by manifest.json, ...): '\' becomes '/', "./" and empty components
    // go. Throws layerscope::Error naming `file` and `jsonPath` when the path is absolute or climbs out with "..",
    // wcow-layer-format §4: nothing outside the layout may be read.
    static std::string checkedPath(const std::string& path, const std::string& file, const std::string& jsonPath);

    static constexpr uint64_t DefaultJsonLimit = uint64_t(16) << 20;
};

} // namespace layerscope::image
