// SPDX-License-Identifier: Apache-2.0
#include "compression.h"

#include <algorithm>
#include <array>

namespace layerscope::io {

const char* compressionName(Compression compression)
{
    switch (compression) {
    case Compression::None:
        return "none";
    case Compression::Gzip:
        return "gzip";
    case Compression::Zstd:
        return "zstd";
    case Compression::Xz:
        return "xz";
    case Compression::Bzip2:
        return "bzip2";
    }
    return "unknown";
}

namespace {

template<size_t N> bool startsWith(std::span<const uint8_t> head, const std::array<uint8_t, N>& magic)
{
    return head.size() >= N && std::equal(magic.begin(), magic.end(), head.begin());
}

} // namespace

Compression detectCompression(std::span<const uint8_t> head)
{
    // RFC 1952 §2.3.1: ID1 ID2. The method byte is checked by the decoder, which can then say what is wrong
    // instead of silently treating a damaged gzip file as plain data.
    if (startsWith(head, std::array<uint8_t, 2> {0x1f, 0x8b}))
        return Compression::Gzip;
    // RFC 8878 §3.1.1: frame magic 0xFD2FB528, little-endian.
    if (startsWith(head, std::array<uint8_t, 4> {0x28, 0xb5, 0x2f, 0xfd}))
        return Compression::Zstd;
    // xz file format §2.1.1.1: header magic bytes.
    if (startsWith(head, std::array<uint8_t, 6> {0xfd, '7', 'z', 'X', 'Z', 0x00}))
        return Compression::Xz;
    // bzip2: "BZh" and the block size digit '1'..'9'.
    if (startsWith(head, std::array<uint8_t, 3> {'B', 'Z', 'h'}) && head.size() >= 4 && head[3] >= '1'
        && head[3] <= '9')
        return Compression::Bzip2;
    return Compression::None;
}

} // namespace layerscope::io
