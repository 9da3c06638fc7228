// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wcow/fileattributes.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::index {

// What scanFolder needs to know about one directory entry, from the platform calls that tell it without
// following symbolic links: lstat() and readlink() on POSIX (filestat_posix.cpp); GetFileInformationByHandle()
// and FSCTL_GET_REPARSE_POINT on Windows (filestat_win32.cpp). CMake compiles exactly one of them.
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
    // Symlink and Junction only: the target as stored, never resolved. On Windows the reparse point's print name,
    // which is what backuptar writes as the link name (wcow-layer-format §1.6).
    std::string linkTarget;
};

// Throws layerscope::Error naming the path when it cannot be examined.
FileStat statNoFollow(const std::filesystem::path& path);

// Whether `path` is a symbolic link, a junction or another link-like reparse point, without following it; false
// when it cannot be examined (it does not exist, say). std::filesystem::is_symlink cannot stand in for it: in
// MinGW builds it is false for every link on Windows.
inline bool isLink(const std::filesystem::path& path) noexcept
{
    try {
        const FileStat stat = statNoFollow(path);
        return stat.type == wcow::EntryType::Symlink || stat.type == wcow::EntryType::Junction
            || (stat.type == wcow::EntryType::Other && (stat.attributes.value_or(0) & wcow::fileattr::ReparsePoint));
    } catch (...) {
        return false;
    }
}

// The names in a folder, without "." and "..", in the order the OS gives them. Unlike
// std::filesystem::directory_iterator (MinGW's goes through the C runtime) it works beyond MAX_PATH on Windows.
// Throws layerscope::Error naming the folder when it cannot be listed.
std::vector<std::filesystem::path> listFolder(const std::filesystem::path& folder);

} // namespace layerscope::index
