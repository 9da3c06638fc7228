// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "io/bytesource.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::index {

// Which entry of a layer to read: its position in the tar (what TreeIndex records carry as tarIndex), or its
// path (the first entry with that path, compared case-insensitively as NTFS does, after normalising "./").
using EntrySelector = std::variant<uint64_t, std::string>;

// Streams the data of one entry of a layer blob (any compression) into `sink`, stopping as soon as the entry has
// been copied, or after `maxBytes` (previews need only the first bytes). Throws layerscope::Error naming the layer
// when the entry does not exist or has no data. Returns the number of bytes copied.
uint64_t copyEntryData(std::unique_ptr<io::ByteSource> stored, const EntrySelector& entry, io::ByteSink& sink,
                       Progress& progress = Progress::none(), uint64_t maxBytes = UINT64_MAX);
uint64_t copyEntryData(const std::filesystem::path& layer, const EntrySelector& entry, io::ByteSink& sink,
                       Progress& progress = Progress::none(), uint64_t maxBytes = UINT64_MAX);

// The first `maxBytes` bytes of an entry (previews, hives): reading stops there.
std::vector<uint8_t> readEntryData(const std::filesystem::path& layer, const EntrySelector& entry, uint64_t maxBytes,
                                   Progress& progress = Progress::none());

// Like readEntryData for a blob as stored, by path; nothing when the layer has no such entry (a layer without a
// delta hive, say), rather than an error.
std::optional<std::vector<uint8_t>> findEntryData(std::unique_ptr<io::ByteSource> stored, const std::string& path,
                                                  uint64_t maxBytes, Progress& progress = Progress::none());

// The first `maxBytes` bytes of several entries, named by their position in the tar, in one pass over the layer
// (reading stops after the last one wanted): the diff reads a layer's registry hives this way. An entry that is
// absent or has no data gives an empty vector; the result is in the order of `tarIndexes`.
std::vector<std::vector<uint8_t>> readEntries(std::unique_ptr<io::ByteSource> stored,
                                              const std::vector<uint64_t>& tarIndexes, uint64_t maxBytes,
                                              Progress& progress = Progress::none());

} // namespace layerscope::index
