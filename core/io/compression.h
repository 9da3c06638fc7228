// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace layerscope::io {

// The stream compressions image layers come in. OCI media types name gzip and zstd; xz and bzip2 turn up in
// hand-made tarballs and `docker load` accepts them, so we read them too.
enum class Compression { None, Gzip, Zstd, Xz, Bzip2 };

// "none", "gzip", "zstd", "xz", "bzip2".
const char* compressionName(Compression compression);

// How many leading bytes detectCompression() needs to tell every format apart (xz's magic is the longest).
inline constexpr size_t CompressionMagicSize = 6;

// Recognises the format from the stream's first bytes (fewer than CompressionMagicSize are fine: a stream too
// short for a magic is None).
Compression detectCompression(std::span<const uint8_t> head);

} // namespace layerscope::io
