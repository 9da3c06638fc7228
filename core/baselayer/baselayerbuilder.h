// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "wcow/windowsentry.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::baselayer {

struct BaseLayerOptions
{
    // Turn this folder into the layer's Files/ tree; empty for an empty ("FROM scratch") base layer.
    std::optional<std::filesystem::path> fromFolder;
    // Add UtilityVM/Files/EFI/Microsoft/Boot/BCD (a minimal valid BCD store) and its parent directories.
    bool utilityVm = false;
    // Every entry's times and every hive's timestamps: one fixed instant makes the output reproducible.
    wcow::PaxTime timestamp = defaultTimestamp();

    // 2024-01-01T00:00:00Z, the documented default; overridden by --timestamp or SOURCE_DATE_EPOCH.
    static wcow::PaxTime defaultTimestamp() { return {1704067200, 0}; }
};

// Builds a Windows base layer tar (wcow-layer-format §3): the Files/Windows/System32/config directories in
// order, the five config hives as real, valid, empty regf hives (never zero-length: layers imported on top of
// those fail with 0x3f1, §3.3), optionally a UtilityVM with a BCD store, and — from a folder — every file,
// directory, symlink and hard link of that folder under Files/, parents first, siblings in byte order.
//
// The constructor plans the whole layer and validates it, so that nothing is written when the input is
// unusable: names Windows cannot create, whiteout names, names differing only in case, and existing hives that
// are not valid hives are all reported in one Error.
class BaseLayerBuilder
{
public:
    struct PlannedEntry
    {
        std::string path; // "Files/..." with forward slashes
        wcow::EntryType type = wcow::EntryType::File;
        std::filesystem::path source; // file to copy data from; empty when `content` is used
        std::vector<uint8_t> content; // generated data (hives)
        uint64_t size = 0;
        std::string linkTarget; // symlink print name (backslashes) or hard-link target path
        bool directoryLink = false; // a symlink whose target is a directory
    };

    explicit BaseLayerBuilder(BaseLayerOptions options);

    const std::vector<PlannedEntry>& entries() const { return m_entries; }
    // Hives this builder generated (as opposed to hives the folder already had).
    const std::vector<std::string>& generatedHives() const { return m_generatedHives; }

    // Writes the complete tar stream (end-of-archive marker included) into `tar`. Does not finish the sink.
    void write(io::ByteSink& tar, Progress& progress = Progress::none()) const;

private:
    void planFromFolder(const std::filesystem::path& folder);
    void addGenerated();

    BaseLayerOptions m_options;
    std::vector<PlannedEntry> m_entries;
    std::vector<std::string> m_generatedHives;
};

} // namespace layerscope::baselayer
