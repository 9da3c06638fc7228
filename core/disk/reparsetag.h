// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace layerscope::disk {

// Reparse tags LayerScope tells apart (MS-FSCC §2.1.2.1 lists the values).
enum class ReparseKind { Symlink, Junction, WciPlaceholder, WciTombstone, Other };

inline constexpr uint32_t ReparseTagSymlink = 0xA000000C; // IO_REPARSE_TAG_SYMLINK
inline constexpr uint32_t ReparseTagMountPoint = 0xA0000003; // IO_REPARSE_TAG_MOUNT_POINT: junctions
inline constexpr uint32_t ReparseTagWci = 0x80000018; // IO_REPARSE_TAG_WCI: a container's placeholder
// IO_REPARSE_TAG_WCI_1: the same with the directory bit set; a placeholder for a folder (inferred, docs/disks.md)
inline constexpr uint32_t ReparseTagWciDirectory = 0x90001018;
inline constexpr uint32_t ReparseTagWciTombstone = 0xA000001F; // IO_REPARSE_TAG_WCI_TOMBSTONE: a deletion

ReparseKind classifyReparseTag(uint32_t tag);

// "symlink (0xa000000c)", "wci-placeholder (0x80000018)", "0x8000001b" for others: the value of the
// "ntfs.reparse" attribute disk entries carry.
std::string reparseDescription(uint32_t tag);

} // namespace layerscope::disk
