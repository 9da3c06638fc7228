// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::tar {

struct PaxRecord
{
    std::string key;
    std::string value; // raw bytes: values such as MSWINDOWS.xattr.* are not necessarily UTF-8

    bool operator==(const PaxRecord&) const = default;
};

// Typeflags we give meaning to (POSIX ustar plus the GNU extensions we read).
namespace typeflag {
inline constexpr char Regular = '0';
inline constexpr char RegularOld = '\0';
inline constexpr char HardLink = '1';
inline constexpr char Symlink = '2';
inline constexpr char CharDevice = '3';
inline constexpr char BlockDevice = '4';
inline constexpr char Directory = '5';
inline constexpr char Fifo = '6';
inline constexpr char Contiguous = '7';
inline constexpr char PaxExtended = 'x';
inline constexpr char PaxGlobal = 'g';
inline constexpr char GnuLongName = 'L';
inline constexpr char GnuLongLink = 'K';
} // namespace typeflag

// One logical entry of a tar stream after PAX and GNU extension headers have been folded in: `path`,
// `linkPath`, `size`, `uid`, `gid`, `uname`, `gname` and `mtime` already hold the overriding values, while
// `pax` keeps every record of the entry's `x` header verbatim and in order (including the standard keys),
// because Windows layers carry their metadata there (wcow-layer-format §1.5).
struct TarHeader
{
    std::string path;
    std::string linkPath;
    char type = typeflag::Regular;
    uint32_t mode = 0;
    uint64_t uid = 0;
    uint64_t gid = 0;
    std::string uname;
    std::string gname;
    uint64_t size = 0;
    int64_t mtime = 0; // whole seconds from the ustar field (or PAX mtime truncated); full precision is in `pax`
    uint32_t devMajor = 0;
    uint32_t devMinor = 0;
    std::vector<PaxRecord> pax;

    // Where the entry sits in the uncompressed stream: the first header block that belongs to it (its PAX or GNU
    // extension header if any) and the first byte of its data. Filled by the reader, ignored by the writer.
    uint64_t headerOffset = 0;
    uint64_t dataOffset = 0;
    uint64_t index = 0; // 0-based position among logical entries

    // The value of the last record with this key, or nullptr.
    const std::string* paxValue(std::string_view key) const
    {
        for (auto it = pax.rbegin(); it != pax.rend(); ++it)
            if (it->key == key)
                return &it->value;
        return nullptr;
    }
};

} // namespace layerscope::tar
