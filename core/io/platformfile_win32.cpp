// SPDX-License-Identifier: Apache-2.0
// Win32 side of PlatformFile: wide-character APIs throughout so that any path works, and no CRT file layer
// (its text-mode and 32-bit size quirks are exactly what we do not want).
#include "platformfile.h"

#include "common/error.h"
#include "io/win32path.h"

#include <algorithm>
#include <system_error>
#include <utility>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace layerscope::io {

namespace {

std::string reason(DWORD error)
{
    return std::system_category().message(int(error));
}

[[noreturn]] void fail(const std::string& name, const std::string& what, DWORD error)
{
    throw Error(Error::Where {name, {}, {}, {}}, what + ": " + reason(error));
}

HANDLE native(intptr_t handle)
{
    return reinterpret_cast<HANDLE>(handle);
}

// ReadFile/WriteFile take a DWORD count; larger requests are split.
constexpr size_t MaxChunk = size_t(1) << 30;

} // namespace

std::string pathToUtf8(const std::filesystem::path& path)
{
    const std::u8string text = path.u8string();
    return std::string(text.begin(), text.end());
}

std::wstring win32ApiPath(const std::filesystem::path& path)
{
    // CreateDirectoryW's limit (MAX_PATH less room for an 8.3 name) is the lowest of the file calls.
    constexpr size_t ShortEnough = MAX_PATH - 12;
    const std::wstring& text = path.native();
    const auto startsWith = [](const std::wstring& s, const wchar_t* prefix) { return s.rfind(prefix, 0) == 0; };
    if (startsWith(text, L"\\\\?\\") || startsWith(text, L"\\\\.\\")
        || (path.is_absolute() && text.size() < ShortEnough))
        return text;
    // A relative name is as long as what Windows makes of it with the current folder.
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (ec || absolute.native().size() < ShortEnough)
        return text;
    // lexically_normal turns '/' into '\' and folds "." and "..", which the prefix would pass on verbatim.
    const std::wstring normal = absolute.lexically_normal().native();
    if (startsWith(normal, L"\\\\"))
        return L"\\\\?\\UNC\\" + normal.substr(2);
    return L"\\\\?\\" + normal;
}

PlatformFile::~PlatformFile()
{
    if (isOpen())
        ::CloseHandle(native(m_handle));
}

PlatformFile::PlatformFile(PlatformFile&& other) noexcept
    : m_handle(std::exchange(other.m_handle, InvalidHandle))
    , m_name(std::move(other.m_name))
{ }

PlatformFile& PlatformFile::operator=(PlatformFile&& other) noexcept
{
    if (this != &other) {
        if (isOpen())
            ::CloseHandle(native(m_handle));
        m_handle = std::exchange(other.m_handle, InvalidHandle);
        m_name = std::move(other.m_name);
    }
    return *this;
}

PlatformFile PlatformFile::openForReading(const std::filesystem::path& path)
{
    const std::string name = pathToUtf8(path);
    // FILE_SHARE_DELETE too, so that reading a layer never stops another tool from replacing it.
    // FILE_FLAG_SEQUENTIAL_SCAN is the Windows counterpart of posix_fadvise(SEQUENTIAL).
    const HANDLE handle = ::CreateFileW(win32ApiPath(path).c_str(), GENERIC_READ,
                                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                        FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        fail(name, "cannot open for reading", ::GetLastError());
    return PlatformFile(reinterpret_cast<intptr_t>(handle), name);
}

std::optional<PlatformFile> PlatformFile::createNew(const std::filesystem::path& path)
{
    const std::string name = pathToUtf8(path);
    // CREATE_NEW is the O_EXCL of Win32. DELETE access lets MoveFileExW rename it while we still hold it.
    const HANDLE handle
        = ::CreateFileW(win32ApiPath(path).c_str(), GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE,
                        nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (handle == INVALID_HANDLE_VALUE) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_FILE_EXISTS || error == ERROR_ALREADY_EXISTS)
            return std::nullopt;
        fail(name, "cannot create", error);
    }
    return PlatformFile(reinterpret_cast<intptr_t>(handle), name);
}

uint64_t PlatformFile::size() const
{
    if (::GetFileType(native(m_handle)) != FILE_TYPE_DISK)
        return 0;
    LARGE_INTEGER fileSize {};
    if (!::GetFileSizeEx(native(m_handle), &fileSize))
        fail(m_name, "cannot query size", ::GetLastError());
    return uint64_t(fileSize.QuadPart);
}

size_t PlatformFile::read(void* buffer, size_t size)
{
    DWORD got = 0;
    if (!::ReadFile(native(m_handle), buffer, DWORD(std::min(size, MaxChunk)), &got, nullptr)) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_BROKEN_PIPE || error == ERROR_HANDLE_EOF) // the end of a pipe is not a failure
            return 0;
        fail(m_name, "read failed", error);
    }
    return size_t(got);
}

void PlatformFile::write(const void* data, size_t size)
{
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
        DWORD written = 0;
        if (!::WriteFile(native(m_handle), bytes, DWORD(std::min(size, MaxChunk)), &written, nullptr))
            fail(m_name, "write failed", ::GetLastError());
        bytes += written;
        size -= written;
    }
}

void PlatformFile::sync()
{
    if (!::FlushFileBuffers(native(m_handle))) {
        const DWORD error = ::GetLastError();
        if (error != ERROR_INVALID_HANDLE && error != ERROR_INVALID_FUNCTION) // consoles and pipes
            fail(m_name, "cannot flush to disk", error);
    }
}

void PlatformFile::close()
{
    if (!isOpen())
        return;
    if (!::CloseHandle(native(std::exchange(m_handle, InvalidHandle))))
        fail(m_name, "close failed", ::GetLastError());
}

bool PlatformFile::moveInto(const std::filesystem::path& from, const std::filesystem::path& to, bool overwrite)
{
    // Without MOVEFILE_REPLACE_EXISTING the move fails atomically when `to` exists; WRITE_THROUGH returns only
    // once the rename is on disk, which POSIX gets from syncDirectory().
    const DWORD flags = MOVEFILE_WRITE_THROUGH | (overwrite ? MOVEFILE_REPLACE_EXISTING : 0);
    if (::MoveFileExW(win32ApiPath(from).c_str(), win32ApiPath(to).c_str(), flags))
        return true;
    const DWORD error = ::GetLastError();
    if (!overwrite && (error == ERROR_ALREADY_EXISTS || error == ERROR_FILE_EXISTS))
        return false;
    fail(pathToUtf8(to), "cannot move into place", error);
}

void PlatformFile::removeQuietly(const std::filesystem::path& path) noexcept
{
    ::DeleteFileW(win32ApiPath(path).c_str());
}

void PlatformFile::syncDirectory(const std::filesystem::path&) noexcept
{
    // Nothing to do: MOVEFILE_WRITE_THROUGH already made the rename durable.
}

} // namespace layerscope::io
