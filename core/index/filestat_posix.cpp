// SPDX-License-Identifier: Apache-2.0
#include "index/filestat.h"

#include "common/error.h"
#include "io/platformfile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace layerscope::index {

namespace {

wcow::PaxTime toPaxTime(const struct timespec& ts)
{
    return {static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

// The link's own text. st_size is its length on most file systems, but not all (procfs says 0), so the buffer
// grows until readlink() leaves room to spare.
std::string readLinkTarget(const std::filesystem::path& path, const struct stat& st)
{
    std::string target(std::max<size_t>(static_cast<size_t>(st.st_size), 255) + 1, '\0');
    for (;;) {
        const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
        if (n < 0)
            throw Error({io::pathToUtf8(path), {}, {}, {}}, std::string("cannot read link: ") + std::strerror(errno));
        if (static_cast<size_t>(n) < target.size()) {
            target.resize(static_cast<size_t>(n));
            return target;
        }
        target.resize(target.size() * 2);
    }
}

} // namespace

FileStat statNoFollow(const std::filesystem::path& path)
{
    struct stat st
    { };
    if (::lstat(path.c_str(), &st) != 0)
        throw Error({io::pathToUtf8(path), {}, {}, {}}, std::string("cannot examine: ") + std::strerror(errno));
    FileStat out;
    if (S_ISREG(st.st_mode))
        out.type = wcow::EntryType::File;
    else if (S_ISDIR(st.st_mode))
        out.type = wcow::EntryType::Directory;
    else if (S_ISLNK(st.st_mode))
        out.type = wcow::EntryType::Symlink;
    out.size = out.type == wcow::EntryType::File ? static_cast<uint64_t>(st.st_size) : 0;
    out.mode = static_cast<uint32_t>(st.st_mode);
#if defined(__APPLE__)
    out.modified = toPaxTime(st.st_mtimespec);
    out.accessed = toPaxTime(st.st_atimespec);
    out.changed = toPaxTime(st.st_ctimespec);
#else
    out.modified = toPaxTime(st.st_mtim);
    out.accessed = toPaxTime(st.st_atim);
    // POSIX ctime is the inode change time, the closest match to NTFS ChangeTime (wcow-layer-format §1.4).
    out.changed = toPaxTime(st.st_ctim);
#endif
    out.volume = static_cast<uint64_t>(st.st_dev);
    out.fileId = static_cast<uint64_t>(st.st_ino);
    out.linkCount = static_cast<uint64_t>(st.st_nlink);
    if (out.type == wcow::EntryType::Symlink)
        out.linkTarget = readLinkTarget(path, st);
    return out;
}

std::vector<std::filesystem::path> listFolder(const std::filesystem::path& folder)
{
    DIR* dir = ::opendir(folder.c_str());
    if (!dir)
        throw Error({io::pathToUtf8(folder), {}, {}, {}}, std::string("cannot list folder: ") + std::strerror(errno));
    std::vector<std::filesystem::path> names;
    for (;;) {
        // readdir() tells the end from an error only through errno.
        errno = 0;
        const dirent* entry = ::readdir(dir);
        if (!entry)
            break;
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..")
            names.emplace_back(name);
    }
    const int error = errno;
    ::closedir(dir);
    if (error != 0)
        throw Error({io::pathToUtf8(folder), {}, {}, {}}, std::string("cannot list folder: ") + std::strerror(error));
    return names;
}

} // namespace layerscope::index
