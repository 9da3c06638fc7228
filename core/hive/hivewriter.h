// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hiveformat.h"
#include "hivekey.h"

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope::hive {

struct HiveWriteOptions
{
    // 2024-01-01T00:00:00Z: one fixed FILETIME for the base block, the first bin and every key (§12), so that the
    // same tree always gives the same bytes and tools show a plausible date rather than 1601.
    static constexpr uint64_t kDefaultLastWritten = fileTimeFromUnix(1704067200);

    uint64_t lastWritten = kDefaultLastWritten;
    // 5 (recommended, §2.1: lh lists and big data) or 3 (lf lists, every value in one cell).
    uint32_t minorVersion = 5;
    // Base block file name field (§2, informational); UTF-8, only the last 31 characters are kept like Windows.
    std::string fileName;
};

// Serialises a key tree to a regf hive, deterministically and exactly as regf-hive-format.md describes:
// cells allocated depth-first in a fixed order (root nk, its sk, then per key: class name, values, child nk cells,
// subkey list, then each child), one shared security cell, 4096-byte bins (larger only for a cell that needs it),
// each bin tail covered by a free cell, every unused byte zero.
class HiveWriter
{
public:
    // Above this many children a key gets an ri index over several leaves (§7). 500 keeps every leaf inside one
    // 4096-byte bin (4 + 500 × 8 bytes), and is in the "few hundred" range Windows itself splits at.
    static constexpr size_t kMaxLeafEntries = 500;
    // Largest value a 1.3 hive can hold (no big-data cells there, §2.1).
    static constexpr size_t kMaxSingleCellValue = 1024 * 1024;

    // Throws layerscope::Error (naming the key path) for trees Windows would reject: empty key names, names
    // containing '\\' or longer than 255 UTF-16 units, duplicate sibling or value names, nesting deeper than
    // 512 levels, invalid UTF-8, or a minor version other than 3 or 5.
    static std::vector<uint8_t> write(const HiveKey& root, const HiveWriteOptions& options = {});
};

} // namespace layerscope::hive
