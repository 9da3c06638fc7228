// SPDX-License-Identifier: Apache-2.0
#include "index/filestat.h"

#include "common/error.h"
#include "io/platformfile.h"

#include <windows.h>

namespace layerscope::index {

namespace {

// FILETIME counts 100 ns intervals since 1601-01-01; PaxTime counts from the Unix epoch.
constexpr int64_t FiletimeUnixEpoch = 116444736000000000LL;

wcow::PaxTime toPaxTime(const FILETIME& ft)
{
    const int64_t ticks = (static_cast<int64_t>(ft.dwHighDateTime) << 32 | ft.dwLowDateTime) - FiletimeUnixEpoch;
    int64_t seconds = ticks / 10000000;
    int64_t rest = ticks % 10000000;
    if (rest < 0) {
        rest += 10000000;
        --seconds;
    }
    return {seconds, static_cast<uint32_t>(rest * 100)};
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* what)
{
    throw Error({io::pathToUtf8(path), {}, {}, {}},
                std::string(what) + " (Windows error " + std::to_string(GetLastError()) + ")");
}

} // namespace

FileStat statNoFollow(const std::filesystem::path& path)
{
    // FILE_FLAG_OPEN_REPARSE_POINT opens a symlink or junction itself instead of its target;
    // FILE_FLAG_BACKUP_SEMANTICS is required to open directories.
    HANDLE handle
        = CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                      nullptr, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        fail(path, "cannot open");
    BY_HANDLE_FILE_INFORMATION info {};
    FILE_BASIC_INFO basic {};
    const bool ok = GetFileInformationByHandle(handle, &info)
        && GetFileInformationByHandleEx(handle, FileBasicInfo, &basic, sizeof basic);
    CloseHandle(handle);
    if (!ok)
        fail(path, "cannot examine");

    FileStat out;
    const DWORD attributes = info.dwFileAttributes;
    const bool directory = attributes & FILE_ATTRIBUTE_DIRECTORY;
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
        out.type = directory ? wcow::EntryType::Junction : wcow::EntryType::Symlink;
    else
        out.type = directory ? wcow::EntryType::Directory : wcow::EntryType::File;
    out.size
        = out.type == wcow::EntryType::File ? (static_cast<uint64_t>(info.nFileSizeHigh) << 32 | info.nFileSizeLow) : 0;
    // The mode a backuptar export would write: type bits only (wcow-layer-format §1.4).
    out.mode = directory ? 040000u : 0100000u;
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
        out.mode |= 0120000u;
    out.attributes = attributes;
    out.created = toPaxTime(info.ftCreationTime);
    out.modified = toPaxTime(info.ftLastWriteTime);
    out.accessed = toPaxTime(info.ftLastAccessTime);
    FILETIME change;
    change.dwLowDateTime = static_cast<DWORD>(basic.ChangeTime.QuadPart & 0xFFFFFFFF);
    change.dwHighDateTime = static_cast<DWORD>(basic.ChangeTime.QuadPart >> 32);
    out.changed = toPaxTime(change);
    out.volume = info.dwVolumeSerialNumber;
    out.fileId = static_cast<uint64_t>(info.nFileIndexHigh) << 32 | info.nFileIndexLow;
    out.linkCount = info.nNumberOfLinks;
    return out;
}

} // namespace layerscope::index
