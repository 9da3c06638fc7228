// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field offsets and sizes of a 512-byte tar header block, shared by TarReader and TarWriter
// (POSIX.1-2001 ustar; old GNU uses the same fields up to the magic and puts other data where ustar has `prefix`).

#include <cstddef>

namespace layerscope::tar::ustar {

inline constexpr size_t BlockSize = 512;

struct Field
{
    size_t offset;
    size_t size;
};

inline constexpr Field Name {0, 100};
inline constexpr Field Mode {100, 8};
inline constexpr Field Uid {108, 8};
inline constexpr Field Gid {116, 8};
inline constexpr Field Size {124, 12};
inline constexpr Field Mtime {136, 12};
inline constexpr Field Checksum {148, 8};
inline constexpr Field Typeflag {156, 1};
inline constexpr Field LinkName {157, 100};
inline constexpr Field Magic {257, 6};
inline constexpr Field Version {263, 2};
inline constexpr Field Uname {265, 32};
inline constexpr Field Gname {297, 32};
inline constexpr Field DevMajor {329, 8};
inline constexpr Field DevMinor {337, 8};
inline constexpr Field Prefix {345, 155};
// star (Schily tar) shortens the prefix to 131 bytes and marks its headers with "tar\0" at the end of the block.
inline constexpr Field StarPrefix {345, 131};
inline constexpr Field StarTrailer {508, 4};
// Old GNU sparse headers: "is extended" flag, then the real size; extension blocks flag at 504.
inline constexpr size_t GnuIsExtended = 482;
inline constexpr size_t GnuSparseExtensionIsExtended = 504;

// "ustar\0" + "00" (POSIX) and "ustar " + " \0" (old GNU) in the magic+version fields.
inline constexpr char PosixMagic[] = "ustar\0"
                                     "00";
inline constexpr char GnuMagic[] = "ustar  \0";
inline constexpr size_t MagicAndVersionSize = 8;

} // namespace layerscope::tar::ustar
