// SPDX-License-Identifier: Apache-2.0
#include "index/filestat.h"

#include "common/error.h"
#include "io/platformfile.h"
#include "io/win32path.h"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <winioctl.h>

#include <cstring>
#include <string_view>
#include <vector>

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

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, DWORD error = GetLastError())
{
    throw Error({io::pathToUtf8(path), {}, {}, {}},
                std::string(what) + " (Windows error " + std::to_string(error) + ")");
}

class HandleCloser
{
public:
    explicit HandleCloser(HANDLE handle)
        : m_handle(handle)
    { }
    ~HandleCloser() { CloseHandle(m_handle); }
    HandleCloser(const HandleCloser&) = delete;
    HandleCloser& operator=(const HandleCloser&) = delete;

private:
    HANDLE m_handle;
};

// The reparse data buffer is declared only in the driver kit's headers (ntifs.h), so its two layouts that matter
// are read by offset: tag (4 bytes), data length (2), reserved (2), then the four name offsets/lengths in bytes
// (2 each) and, for symbolic links only, 4 bytes of flags before the names.
constexpr size_t ReparseHeaderSize = 8;
constexpr size_t MaxReparseData = 16 * 1024; // MAXIMUM_REPARSE_DATA_BUFFER_SIZE
constexpr DWORD NameSurrogateBit = 0x20000000; // what IsReparseTagNameSurrogate() tests

uint16_t readU16(const uint8_t* p)
{
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The reparse tag of an open reparse point and, for a symbolic link or junction, its target as stored: the print
// name (what backuptar writes, wcow-layer-format §1.6), or the substitute name without its "\??\" prefix when a
// tool left the print name empty.
DWORD readReparsePoint(HANDLE handle, const std::filesystem::path& path, std::string& target)
{
    std::vector<uint8_t> buffer(MaxReparseData);
    DWORD got = 0;
    if (!DeviceIoControl(handle, FSCTL_GET_REPARSE_POINT, nullptr, 0, buffer.data(), DWORD(buffer.size()), &got,
                         nullptr))
        fail(path, "cannot read reparse point");
    if (got < ReparseHeaderSize)
        throw Error({io::pathToUtf8(path), {}, {}, {}}, "reparse point shorter than its header");
    DWORD tag;
    std::memcpy(&tag, buffer.data(), sizeof tag);
    size_t names;
    if (tag == IO_REPARSE_TAG_SYMLINK)
        names = ReparseHeaderSize + 12;
    else if (tag == IO_REPARSE_TAG_MOUNT_POINT)
        names = ReparseHeaderSize + 8;
    else
        return tag;
    if (got < names)
        throw Error({io::pathToUtf8(path), {}, {}, {}}, "reparse point shorter than its link header");
    const uint8_t* header = buffer.data() + ReparseHeaderSize;
    const auto nameAt = [&](size_t offset, size_t length) -> std::optional<std::wstring> {
        if (names + offset + length > got || length % 2 != 0)
            return std::nullopt;
        std::wstring name(length / 2, L'\0');
        std::memcpy(name.data(), buffer.data() + names + offset, length);
        return name;
    };
    const auto substitute = nameAt(readU16(header), readU16(header + 2));
    const auto print = nameAt(readU16(header + 4), readU16(header + 6));
    if (!substitute || !print)
        throw Error({io::pathToUtf8(path), {}, {}, {}}, "reparse point names lie outside its data");
    std::wstring text = *print;
    if (text.empty()) {
        text = *substitute;
        if (text.rfind(L"\\??\\", 0) == 0)
            text.erase(0, 4);
    }
    target = io::pathToUtf8(std::filesystem::path(text));
    return tag;
}

} // namespace

FileStat statNoFollow(const std::filesystem::path& path)
{
    // FILE_FLAG_OPEN_REPARSE_POINT opens a symlink or junction itself instead of its target;
    // FILE_FLAG_BACKUP_SEMANTICS is required to open directories.
    HANDLE handle = CreateFileW(io::win32ApiPath(path).c_str(), FILE_READ_ATTRIBUTES,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        fail(path, "cannot open");
    const HandleCloser closer(handle);
    BY_HANDLE_FILE_INFORMATION info {};
    FILE_BASIC_INFO basic {};
    if (!GetFileInformationByHandle(handle, &info)
        || !GetFileInformationByHandleEx(handle, FileBasicInfo, &basic, sizeof basic))
        fail(path, "cannot examine");

    FileStat out;
    const DWORD attributes = info.dwFileAttributes;
    const bool directory = attributes & FILE_ATTRIBUTE_DIRECTORY;
    out.type = directory ? wcow::EntryType::Directory : wcow::EntryType::File;
    // The mode a backuptar export would write: type bits only, 0120000 OR-ed in for links, so a directory link
    // carries 0160000 whether it is a symbolic link or a junction (wcow-layer-format §1.4).
    out.mode = directory ? 040000u : 0100000u;
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT) {
        // The attribute alone does not say what the entry is: the tag does. Symbolic links and junctions (mount
        // points) are what layers carry. Other name surrogates point somewhere else in ways a layer cannot
        // express, so they are recorded as such and never followed. Any other tag (WOF-compressed system files,
        // deduplicated or cloud files) leaves an ordinary file or folder whose data the usual calls read.
        const DWORD tag = readReparsePoint(handle, path, out.linkTarget);
        if (tag == IO_REPARSE_TAG_SYMLINK || tag == IO_REPARSE_TAG_MOUNT_POINT) {
            out.type = tag == IO_REPARSE_TAG_SYMLINK ? wcow::EntryType::Symlink : wcow::EntryType::Junction;
            out.mode |= 0120000u;
        } else if (tag & NameSurrogateBit) {
            out.type = wcow::EntryType::Other;
        }
    }
    out.size
        = out.type == wcow::EntryType::File ? (static_cast<uint64_t>(info.nFileSizeHigh) << 32 | info.nFileSizeLow) : 0;
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

std::vector<std::filesystem::path> listFolder(const std::filesystem::path& folder)
{
    // The "\\?\" form that win32ApiPath gives long paths takes no '/' separators: the pattern is joined with '\'.
    std::wstring pattern = io::win32ApiPath(folder);
    if (!pattern.empty() && pattern.back() != L'\\' && pattern.back() != L'/')
        pattern += L'\\';
    pattern += L'*';
    WIN32_FIND_DATAW data {};
    // FindExInfoBasic skips the 8.3 names nobody here needs; LARGE_FETCH asks for bigger batches.
    HANDLE find = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data, FindExSearchNameMatch, nullptr,
                                   FIND_FIRST_EX_LARGE_FETCH);
    if (find == INVALID_HANDLE_VALUE)
        fail(folder, "cannot list folder");
    std::vector<std::filesystem::path> names;
    DWORD error = ERROR_SUCCESS;
    do {
        const std::wstring_view name = data.cFileName;
        if (name != L"." && name != L"..")
            names.emplace_back(name);
        if (!FindNextFileW(find, &data))
            error = GetLastError();
    } while (error == ERROR_SUCCESS);
    FindClose(find);
    if (error != ERROR_NO_MORE_FILES)
        fail(folder, "cannot list folder", error);
    return names;
}

} // namespace layerscope::index
