// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::wcow {

// FILE_ATTRIBUTE_* bits as carried by MSWINDOWS.fileattr (wcow-layer-format §1.5); values from winnt.h.
namespace fileattr {
inline constexpr uint32_t ReadOnly = 0x1;
inline constexpr uint32_t Hidden = 0x2;
inline constexpr uint32_t System = 0x4;
inline constexpr uint32_t Directory = 0x10;
inline constexpr uint32_t Archive = 0x20;
inline constexpr uint32_t Device = 0x40;
inline constexpr uint32_t Normal = 0x80;
inline constexpr uint32_t Temporary = 0x100;
inline constexpr uint32_t SparseFile = 0x200;
inline constexpr uint32_t ReparsePoint = 0x400;
inline constexpr uint32_t Compressed = 0x800;
inline constexpr uint32_t Offline = 0x1000;
inline constexpr uint32_t NotContentIndexed = 0x2000;
inline constexpr uint32_t Encrypted = 0x4000;
inline constexpr uint32_t IntegrityStream = 0x8000;
inline constexpr uint32_t Virtual = 0x10000;
inline constexpr uint32_t NoScrubData = 0x20000;
// 0x40000 is both FILE_ATTRIBUTE_EA (documented "for internal use only", reported by a few kernel query classes)
// and FILE_ATTRIBUTE_RECALL_ON_OPEN (what FILE_BASIC_INFO returns for cloud placeholders). backuptar reads the
// attributes through FILE_BASIC_INFO, so we always name the bit RECALL_ON_OPEN.
inline constexpr uint32_t RecallOnOpen = 0x40000;
inline constexpr uint32_t Pinned = 0x80000;
inline constexpr uint32_t Unpinned = 0x100000;
inline constexpr uint32_t RecallOnDataAccess = 0x400000;
inline constexpr uint32_t StrictlySequential = 0x20000000;
} // namespace fileattr

// Names without the FILE_ATTRIBUTE_ prefix, lowest bit first ("READONLY", "ARCHIVE", ...); bits Windows does not
// define are given as "0x..." (lower-case hex of that single bit).
std::vector<std::string> attributeNames(uint32_t attributes);

// A compact letter string in a fixed order, one letter per set bit, for list views:
//   R READONLY  H HIDDEN  S SYSTEM  D DIRECTORY  A ARCHIVE  (the "RHSDA" core, as attrib/Explorer show them)
//   N NORMAL  T TEMPORARY  Z SPARSE_FILE  L REPARSE_POINT  C COMPRESSED  O OFFLINE  I NOT_CONTENT_INDEXED
//   E ENCRYPTED  V INTEGRITY_STREAM  X NO_SCRUB_DATA  Q RECALL_ON_OPEN  P PINNED  U UNPINNED
//   M RECALL_ON_DATA_ACCESS  B STRICTLY_SEQUENTIAL  ? any other bit (DEVICE, VIRTUAL, undefined bits)
// attrib.exe's letters are used where it has one (R H S A O I V X P U); Explorer's for L C E M; the rest are ours.
std::string attributeLetters(uint32_t attributes);

// Parses the decimal MSWINDOWS.fileattr value the way go-winio does (strconv.ParseUint(s, 10, 32)): ASCII digits
// only, no sign or whitespace, must fit 32 bits. Throws layerscope::Error with a message saying what is wrong.
uint32_t parseFileAttributes(std::string_view text);

} // namespace layerscope::wcow
