// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace layerscope::io {

// The path as UTF-8 text for messages; path::string() would throw on Windows for names outside the code page.
std::string pathToUtf8(const std::filesystem::path& path);

// The one place that talks to the operating system about files: POSIX in platformfile_posix.cpp, Win32 in
// platformfile_win32.cpp (CMake compiles exactly one). Everything above it is portable. Failures throw
// layerscope::Error naming the path and the OS's reason.
class PlatformFile
{
public:
    PlatformFile() = default;
    ~PlatformFile();
    PlatformFile(PlatformFile&& other) noexcept;
    PlatformFile& operator=(PlatformFile&& other) noexcept;
    PlatformFile(const PlatformFile&) = delete;
    PlatformFile& operator=(const PlatformFile&) = delete;

    // Opens an existing file for sequential reading and tells the OS so (larger read-ahead, drop-behind).
    static PlatformFile openForReading(const std::filesystem::path& path);
    // Creates a new file for writing; returns nothing when the name is already taken (so callers can pick
    // another temporary name), throws on any other failure.
    static std::optional<PlatformFile> createNew(const std::filesystem::path& path);

    bool isOpen() const { return m_handle != InvalidHandle; }
    const std::string& name() const { return m_name; }

    // Size of a regular file; 0 for pipes and devices, whose size is unknown.
    uint64_t size() const;
    // Reads up to `size` bytes; returns 0 only at the end of the file. Retries interrupted calls.
    size_t read(void* buffer, size_t size);
    // Writes all of `size` bytes or throws.
    void write(const void* data, size_t size);
    // Makes written data durable (fsync / FlushFileBuffers) before a rename publishes it.
    void sync();
    void close();

    // Renames `from` to `to` on the same volume, replacing `to` only when `overwrite` is set. Returns false
    // when `to` exists and `overwrite` is not set; where the OS allows, that check and the rename are one
    // atomic step, so a file created meanwhile by someone else is never clobbered.
    static bool moveInto(const std::filesystem::path& from, const std::filesystem::path& to, bool overwrite);
    // Best effort, for cleaning up temporary files: never throws.
    static void removeQuietly(const std::filesystem::path& path) noexcept;
    // Makes a rename in `directory` durable (POSIX needs the directory itself synced); best effort.
    static void syncDirectory(const std::filesystem::path& directory) noexcept;

private:
    // A file descriptor on POSIX, a HANDLE on Windows; -1 is invalid for both (INVALID_HANDLE_VALUE).
    using NativeHandle = intptr_t;
    static constexpr NativeHandle InvalidHandle = -1;

    PlatformFile(NativeHandle handle, std::string name)
        : m_handle(handle)
        , m_name(std::move(name))
    { }

    NativeHandle m_handle = InvalidHandle;
    std::string m_name;
};

} // namespace layerscope::io
