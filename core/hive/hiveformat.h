// SPDX-License-Identifier: Apache-2.0
#pragma once

// Constants and small byte/text helpers shared by HiveWriter and HiveReader. Everything here encodes a rule of
// regf-hive-format.md; the section is cited next to each item.

#include "common/utf16.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace layerscope::hive {

inline constexpr uint32_t kNil = 0xFFFFFFFF; // regf-hive-format §1
inline constexpr size_t kBaseBlockSize = 4096; // §2
inline constexpr size_t kBinAlignment = 4096; // §4: bin sizes are multiples of 4096
inline constexpr size_t kBinHeaderSize = 32; // §4
inline constexpr size_t kMinHiveSize = kBaseBlockSize + kBinAlignment; // §1: hivex refuses anything smaller
inline constexpr size_t kMaxCellDataSize = 16344; // §8 rule 3/4: larger data goes to big-data cells in ≥ 1.4
inline constexpr size_t kBigDataSegmentSize = 16344; // §9
inline constexpr size_t kKeyNodeFixedSize = 76; // §6: nk payload before the name
inline constexpr size_t kValueFixedSize = 20; // §8: vk payload before the name
inline constexpr size_t kMaxKeyNameUnits = 255; // §6
inline constexpr size_t kMaxValueNameUnits = 16383; // Windows' documented value-name limit
inline constexpr unsigned kMaxKeyDepth = 512; // §16: Windows' nesting limit

// nk flags, regf-hive-format §6.
inline constexpr uint16_t kKeyHiveEntry = 0x0004;
inline constexpr uint16_t kKeyNoDelete = 0x0008;
inline constexpr uint16_t kKeyCompressedName = 0x0020;
// vk flags, §8.
inline constexpr uint16_t kValueCompressedName = 0x0001;
inline constexpr uint16_t kValueTombstone = 0x0002; // delta hives only (registry-delta-hives §3.2)

inline uint16_t readU16(const uint8_t* p)
{
    return uint16_t(p[0] | (p[1] << 8));
}
inline uint32_t readU32(const uint8_t* p)
{
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline uint64_t readU64(const uint8_t* p)
{
    return uint64_t(readU32(p)) | (uint64_t(readU32(p + 4)) << 32);
}
inline void writeU16(uint8_t* p, uint16_t v)
{
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
}
inline void writeU32(uint8_t* p, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = uint8_t(v >> (8 * i));
}
inline void writeU64(uint8_t* p, uint64_t v)
{
    writeU32(p, uint32_t(v));
    writeU32(p + 4, uint32_t(v >> 32));
}

// Plain XOR of the 127 words at 0..507 (regf-hive-format §3); the caller applies Windows' 0/−1 mapping if wanted.
uint32_t baseBlockChecksum(std::span<const uint8_t> baseBlock);
// Windows' stored form of a checksum (§3): 0xFFFFFFFF → 0xFFFFFFFE, 0 → 1.
uint32_t windowsChecksum(uint32_t plainXor);

// Strict UTF-8 → UTF-16; throws layerscope::Error on malformed input (names must round-trip exactly).
std::u16string utf8ToUtf16(std::string_view utf8);
// UTF-16 → UTF-8 is common/utf16.h's utf16ToUtf8 (unpaired surrogates, legal in registry names, become U+FFFD).
using layerscope::utf16ToUtf8;
// Stored names: Latin-1 bytes when compressed, otherwise UTF-16LE (an odd trailing byte is dropped).
std::u16string decodeStoredName(std::span<const uint8_t> bytes, bool compressed);
std::u16string utf16FromLe(std::span<const uint8_t> bytes);

bool fitsLatin1(std::u16string_view name);
// Simple 1:1 upper-casing of one UTF-16 unit, as Windows' name comparison does (§7: ß stays ß).
char16_t upcaseUnit(char16_t c);
std::u16string upcase(std::u16string_view name);
// <0, 0, >0 comparing upper-cased names unit by unit (§7 sort order).
int compareNames(std::u16string_view a, std::u16string_view b);
uint32_t lhHash(std::u16string_view name); // §7
uint32_t lfHint(std::u16string_view name); // §7

// FILETIME (100 ns ticks since 1601) ↔ Unix seconds, and an ISO 8601 rendering for dumps.
inline constexpr uint64_t kFileTimeUnixEpoch = 116444736000000000ull;
inline constexpr uint64_t fileTimeFromUnix(int64_t seconds)
{
    return kFileTimeUnixEpoch + uint64_t(seconds) * 10000000ull;
}
std::string formatFileTime(uint64_t fileTime);

std::string hexOffset(uint64_t offset); // "0x1020", the form problems and dumps use

} // namespace layerscope::hive
