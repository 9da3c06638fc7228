// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wcow/windowsentry.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace layerscope::index {

// What scanFolder needs to know about one directory entry, from the one platform call that tells it without
// following symbolic links: lstat() on POSIX (filestat_posix.cpp), GetFileInformationByHandle() on Windows
// (filestat_win32.cpp). CMake compiles exactly one of them.
struct FileStat
{
    wcow::EntryType type = wcow::EntryType::Other;
    uint64_t size = 0;
    uint32_t mode = 0; // POSIX st_mode; on Windows only the type bits a layer tar would carry
    std::optional<uint32_t> attributes; // FILE_ATTRIBUTE_* (Windows only)
    std::optional<wcow::PaxTime> created; // Windows only: POSIX stat has no birth time
    wcow::PaxTime modified;
    std::optional<wcow::PaxTime> accessed;
    std::optional<wcow::PaxTime> changed;
    // Identity for hard-link detection: (st_dev, st_ino) or (volume serial, file index).
    uint64_t volume = 0;
    uint64_t fileId = 0;
    uint64_t linkCount = 1;
};

// Throws layerscope::Error naming the path when it cannot be examined.
FileStat statNoFollow(const std::filesystem::path& path);

} // namespace layerscope::index
