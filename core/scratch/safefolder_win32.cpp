// SPDX-License-Identifier: Apache-2.0
// The Win32 counterpart of safefolder_posix.cpp. Windows has no openat(): every parent folder is opened in turn
// with FILE_FLAG_OPEN_REPARSE_POINT (so a symbolic link or junction is opened itself, never followed), checked to
// be a real directory, and kept open without FILE_SHARE_DELETE until the child exists, so that nobody can swap it
// for a link meanwhile. The child is created with create-new semantics (CREATE_NEW, CreateDirectoryW), which
// never follows an existing name. NOTE: written for MSVC; this file is not compiled on the Linux CI.
#include "scratch/safefolder.h"

#include "common/error.h"
#include "io/platformfile.h"
#include "wcow/paxtime.h"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <string>
#include <vector>

namespace layerscope::scratch {

namespace {

std::wstring widen(std::string_view utf8)
{
    if (utf8.empty())
        return {};
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), int(utf8.size()), nullptr, 0);
    if (n <= 0)
        throw Error(std::string(utf8) + ": not valid UTF-8");
    std::wstring out(size_t(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), int(utf8.size()), out.data(), n);
    return out;
}

std::string systemMessage(DWORD error)
{
    wchar_t* buffer = nullptr;
    const DWORD n
        = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           nullptr, error, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
    std::string text = "error " + std::to_string(error);
    if (n > 0 && buffer) {
        const int size = ::WideCharToMultiByte(CP_UTF8, 0, buffer, int(n), nullptr, 0, nullptr, nullptr);
        std::string utf8(size_t(size), '\0');
        ::WideCharToMultiByte(CP_UTF8, 0, buffer, int(n), utf8.data(), size, nullptr, nullptr);
        while (!utf8.empty() && (utf8.back() == '\n' || utf8.back() == '\r' || utf8.back() == '.'))
            utf8.pop_back();
        text = utf8;
    }
    if (buffer)
        ::LocalFree(buffer);
    return text;
}

[[noreturn]] void fail(const std::filesystem::path& root, std::string_view relative, const std::string& what,
                       DWORD error = ::GetLastError())
{
    std::string name = io::pathToUtf8(root);
    if (!relative.empty())
        name += "/" + std::string(relative);
    throw Error({name, {}, {}, {}}, what + ": " + systemMessage(error));
}

class Handle
{
public:
    explicit Handle(HANDLE h = INVALID_HANDLE_VALUE)
        : m_h(h)
    { }
    ~Handle()
    {
        if (m_h != INVALID_HANDLE_VALUE)
            ::CloseHandle(m_h);
    }
    Handle(Handle&& o) noexcept
        : m_h(o.m_h)
    {
        o.m_h = INVALID_HANDLE_VALUE;
    }
    Handle& operator=(Handle&& o) noexcept
    {
        if (this != &o) {
            if (m_h != INVALID_HANDLE_VALUE)
                ::CloseHandle(m_h);
            m_h = o.m_h;
            o.m_h = INVALID_HANDLE_VALUE;
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    HANDLE get() const { return m_h; }
    HANDLE release()
    {
        HANDLE h = m_h;
        m_h = INVALID_HANDLE_VALUE;
        return h;
    }

private:
    HANDLE m_h;
};

// Opens an existing entry itself (a link is opened, not its target) without letting anyone delete or rename it
// while we hold it.
Handle openNoFollow(const std::wstring& path, DWORD access)
{
    return Handle(::CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
}

DWORD attributesOf(HANDLE h)
{
    BY_HANDLE_FILE_INFORMATION info {};
    if (!::GetFileInformationByHandle(h, &info))
        return INVALID_FILE_ATTRIBUTES;
    return info.dwFileAttributes;
}

FILETIME toFileTime(const wcow::PaxTime& t)
{
    const uint64_t ft = wcow::toFiletime(t).value_or(0);
    FILETIME out;
    out.dwLowDateTime = DWORD(ft & 0xFFFFFFFFu);
    out.dwHighDateTime = DWORD(ft >> 32);
    return out;
}

class HandleSink final : public io::ByteSink
{
public:
    HandleSink(Handle h, std::string name)
        : m_h(std::move(h))
        , m_name(std::move(name))
    { }
    void write(const void* data, size_t size) override
    {
        const auto* bytes = static_cast<const uint8_t*>(data);
        while (size > 0) {
            const DWORD chunk = DWORD(std::min<size_t>(size, 1u << 30));
            DWORD written = 0;
            if (!::WriteFile(m_h.get(), bytes, chunk, &written, nullptr))
                throw Error({m_name, {}, {}, {}}, "cannot write: " + systemMessage(::GetLastError()));
            bytes += written;
            size -= written;
        }
    }
    void finish() override
    {
        HANDLE h = m_h.release();
        if (h != INVALID_HANDLE_VALUE && !::CloseHandle(h))
            throw Error({m_name, {}, {}, {}}, "cannot close: " + systemMessage(::GetLastError()));
    }

private:
    Handle m_h;
    std::string m_name;
};

} // namespace

struct SafeFolder::Impl
{
    std::wstring root; // "\\?\C:\...": no MAX_PATH limit, no name rewriting
    Handle rootHandle; // held open: the root cannot be replaced while we work in it

    std::wstring full(std::string_view relative) const
    {
        std::wstring out = root;
        if (!relative.empty()) {
            std::wstring rel = widen(relative);
            for (auto& c : rel)
                if (c == L'/')
                    c = L'\\';
            out += L'\\' + rel;
        }
        return out;
    }

    // Opens every folder from the root down to the parent of `relative`, refusing links and non-folders. The
    // handles stay open (no FILE_SHARE_DELETE) until the caller is done with the child.
    std::vector<Handle> holdParents(const std::filesystem::path& rootPath, std::string_view relative) const
    {
        std::vector<Handle> held;
        const size_t slash = relative.rfind('/');
        if (slash == std::string_view::npos)
            return held;
        const std::string_view parent = relative.substr(0, slash);
        for (size_t start = 0;;) {
            const size_t end = parent.find('/', start);
            const std::string_view upTo = parent.substr(0, end);
            Handle h = openNoFollow(full(upTo), FILE_READ_ATTRIBUTES);
            if (h.get() == INVALID_HANDLE_VALUE)
                fail(rootPath, upTo, "cannot open folder");
            const DWORD attributes = attributesOf(h.get());
            if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
                || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
                throw Error({io::pathToUtf8(rootPath) + "/" + std::string(upTo), {}, {}, {}},
                            "is a link or not a folder; refusing to write through it");
            held.push_back(std::move(h));
            if (end == std::string_view::npos)
                break;
            start = end + 1;
        }
        return held;
    }

    void removeTree(const std::filesystem::path& rootPath, std::string_view display, const std::wstring& path) const
    {
        const DWORD attributes = ::GetFileAttributesW(path.c_str());
        if (attributes == INVALID_FILE_ATTRIBUTES) {
            const DWORD error = ::GetLastError();
            if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND)
                return;
            fail(rootPath, display, "cannot examine", error);
        }
        if (attributes & FILE_ATTRIBUTE_READONLY)
            ::SetFileAttributesW(path.c_str(), attributes & ~DWORD(FILE_ATTRIBUTE_READONLY));
        if (attributes & FILE_ATTRIBUTE_DIRECTORY) {
            // A directory link (symbolic link or junction) is removed as a name: RemoveDirectoryW never touches
            // what it points at. Only real directories are descended into.
            if (!(attributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
                WIN32_FIND_DATAW data {};
                HANDLE find = ::FindFirstFileExW((path + L"\\*").c_str(), FindExInfoBasic, &data, FindExSearchNameMatch,
                                                 nullptr, 0);
                if (find != INVALID_HANDLE_VALUE) {
                    do {
                        const std::wstring name = data.cFileName;
                        if (name == L"." || name == L"..")
                            continue;
                        removeTree(rootPath, display, path + L"\\" + name);
                    } while (::FindNextFileW(find, &data));
                    ::FindClose(find);
                }
            }
            if (!::RemoveDirectoryW(path.c_str()))
                fail(rootPath, display, "cannot remove folder");
        } else if (!::DeleteFileW(path.c_str())) {
            fail(rootPath, display, "cannot remove");
        }
    }
};

SafeFolder::SafeFolder(const std::filesystem::path& root)
    : m_root(root)
    , m_impl(std::make_unique<Impl>())
{
    std::wstring absolute = std::filesystem::absolute(root).lexically_normal().wstring();
    while (absolute.size() > 3 && (absolute.back() == L'\\' || absolute.back() == L'/'))
        absolute.pop_back();
    if (absolute.rfind(L"\\\\?\\", 0) != 0)
        absolute = (absolute.rfind(L"\\\\", 0) == 0 ? L"\\\\?\\UNC\\" + absolute.substr(2) : L"\\\\?\\" + absolute);
    m_impl->root = absolute;
    m_impl->rootHandle = openNoFollow(absolute, FILE_READ_ATTRIBUTES);
    if (m_impl->rootHandle.get() == INVALID_HANDLE_VALUE)
        fail(root, {}, "cannot open folder");
    const DWORD attributes = attributesOf(m_impl->rootHandle.get());
    if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
        throw Error({io::pathToUtf8(root), {}, {}, {}}, "is a link or not a folder");
}

SafeFolder::~SafeFolder() = default;

void SafeFolder::createDirectory(std::string_view relative)
{
    const auto held = m_impl->holdParents(m_root, relative);
    if (!::CreateDirectoryW(m_impl->full(relative).c_str(), nullptr))
        fail(m_root, relative, "cannot create folder");
}

std::unique_ptr<io::ByteSink> SafeFolder::createFile(std::string_view relative)
{
    const auto held = m_impl->holdParents(m_root, relative);
    Handle h(::CreateFileW(m_impl->full(relative).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN, nullptr));
    if (h.get() == INVALID_HANDLE_VALUE)
        fail(m_root, relative, "cannot create file");
    return std::make_unique<HandleSink>(std::move(h), io::pathToUtf8(m_root) + "/" + std::string(relative));
}

void SafeFolder::createSymlink(std::string_view relative, const std::string& target, bool directory)
{
    const auto held = m_impl->holdParents(m_root, relative);
    std::wstring wideTarget = widen(target);
    for (auto& c : wideTarget)
        if (c == L'/')
            c = L'\\';
    // Junctions are made as directory symbolic links: creating a mount point needs FSCTL_SET_REPARSE_POINT with
    // an absolute NT target, which a layer's print name does not always give. Unprivileged creation needs
    // Developer Mode; without it this fails with a clear message.
    DWORD flags = SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
    if (directory)
        flags |= SYMBOLIC_LINK_FLAG_DIRECTORY;
    if (!::CreateSymbolicLinkW(m_impl->full(relative).c_str(), wideTarget.c_str(), flags))
        fail(m_root, relative, "cannot create symbolic link (needs Developer Mode or SeCreateSymbolicLinkPrivilege)");
}

void SafeFolder::createHardLink(std::string_view relative, std::string_view existing)
{
    const auto heldExisting = m_impl->holdParents(m_root, existing);
    const auto held = m_impl->holdParents(m_root, relative);
    const Handle target = openNoFollow(m_impl->full(existing), FILE_READ_ATTRIBUTES);
    if (target.get() == INVALID_HANDLE_VALUE)
        fail(m_root, existing, "hard-link target cannot be opened");
    const DWORD attributes = attributesOf(target.get());
    if (attributes == INVALID_FILE_ATTRIBUTES
        || (attributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)))
        throw Error({io::pathToUtf8(m_root) + "/" + std::string(relative), {}, {}, {}},
                    "hard-link target " + std::string(existing) + " is not a regular file");
    if (!::CreateHardLinkW(m_impl->full(relative).c_str(), m_impl->full(existing).c_str(), nullptr))
        fail(m_root, relative, "cannot create hard link");
}

void SafeFolder::remove(std::string_view relative)
{
    const auto held = m_impl->holdParents(m_root, relative);
    m_impl->removeTree(m_root, relative, m_impl->full(relative));
}

void SafeFolder::setTimes(std::string_view relative, const wcow::PaxTime& modified, const wcow::PaxTime& accessed)
{
    const auto held = m_impl->holdParents(m_root, relative);
    const Handle h = openNoFollow(m_impl->full(relative), FILE_WRITE_ATTRIBUTES);
    if (h.get() == INVALID_HANDLE_VALUE)
        fail(m_root, relative, "cannot open to set times");
    const FILETIME a = toFileTime(accessed);
    const FILETIME m = toFileTime(modified);
    if (!::SetFileTime(h.get(), nullptr, &a, &m))
        fail(m_root, relative, "cannot set times");
}

bool SafeFolder::renameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to)
{
    // Without MOVEFILE_REPLACE_EXISTING the move fails when the destination exists, atomically.
    if (::MoveFileExW(from.wstring().c_str(), to.wstring().c_str(), 0))
        return true;
    const DWORD error = ::GetLastError();
    if (error == ERROR_ALREADY_EXISTS || error == ERROR_FILE_EXISTS)
        return false;
    fail(to, {}, "cannot move into place", error);
}

} // namespace layerscope::scratch
