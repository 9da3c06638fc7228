// SPDX-License-Identifier: Apache-2.0
#include "index/filestat.h"

#include "common/error.h"
#include "io/platformfile.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace layerscope::index {

namespace {

wcow::PaxTime toPaxTime(const struct timespec& ts)
{
    return {static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
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
    return out;
}

} // namespace layerscope::index
