// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
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
inline constexpr char GnuSparse = 'S'; // old GNU sparse file
} // namespace typeflag

// One run of real data in a sparse file: `length` bytes at logical `offset`; everything between runs is a hole
// that reads as zeros.
struct SparseFragment
{
    uint64_t offset = 0;
    uint64_t length = 0;

    bool operator==(const SparseFragment&) const = default;
};

// One logical entry of a tar stream after PAX and GNU extension headers have been folded in the way Go's
// archive/tar folds them (Windows' importers read layers with it, wcow-layer-format §1.1): `path`, `linkPath`,
// `size`, `uid`, `gid`, `uname`, `gname` and `mtime` already hold the overriding values, while `pax` keeps every
// record of the entry's `x` header verbatim and in order (including the standard keys), because Windows layers
// carry their metadata there (wcow-layer-format §1.5). Sparse files (old GNU `S`, GNU PAX 0.0/0.1/1.0) have their
// real name and logical size here; the reader hands out their expanded content.
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
    // Access and change times from the GNU or star header fields (whole seconds), when the header has them; PAX
    // atime/ctime records, which take precedence, are in `pax`.
    std::optional<int64_t> atime;
    std::optional<int64_t> ctime;
    uint32_t devMajor = 0;
    uint32_t devMinor = 0;
    std::vector<PaxRecord> pax;

    // Sparse files: the data runs (the rest reads as zeros) and the bytes the archive stores for them.
    // `sparse` is false and `sparseMap` empty for every other entry, whose storedSize equals size.
    bool sparse = false;
    std::vector<SparseFragment> sparseMap;
    uint64_t storedSize = 0;

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
