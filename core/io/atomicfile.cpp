// SPDX-License-Identifier: Apache-2.0
#include "atomicfile.h"

#include "common/error.h"

#include <cstring>
#include <random>
#include <system_error>

namespace layerscope::io {

namespace {

constexpr size_t BufferSize = size_t(1) << 20;

bool nameIsTaken(const std::filesystem::path& path)
{
    // symlink_status: a dangling symlink at the destination still counts as "exists".
    std::error_code error;
    return std::filesystem::symlink_status(path, error).type() != std::filesystem::file_type::not_found && !error;
}

} // namespace

// Hand-rolled rather than mkstemp(): the name must sit next to the destination on every platform, and
// mkstemp's 0600 mode would carry over into the published file.
std::filesystem::path hiddenSibling(const std::filesystem::path& path, std::string_view tag)
{
    thread_local std::mt19937_64 generator {std::random_device {}()};
    static constexpr char Digits[] = "0123456789abcdef";
    std::string suffix(12, '0');
    uint64_t value = generator();
    for (char& c : suffix) {
        c = Digits[value & 15];
        value >>= 4;
    }
    // Appended as path pieces, not through std::string, so names outside the Windows code page survive.
    std::filesystem::path name = ".";
    name += path.filename();
    name += std::string(tag) + suffix;
    return path.parent_path() / name;
}

AtomicFile::AtomicFile(std::filesystem::path destination, AtomicFileOptions options)
    : m_destination(std::move(destination))
    , m_options(options)
{
    if (!m_options.overwrite && nameIsTaken(m_destination))
        failExists();
    // A random name collides only with a leftover from a crash, or a concurrent writer; try a few.
    for (int attempt = 0; attempt < 16 && !m_file.isOpen(); ++attempt) {
        m_temporary = hiddenSibling(m_destination, ".tmp-");
        try {
            if (auto file = PlatformFile::createNew(m_temporary))
                m_file = std::move(*file);
        } catch (const Error& error) {
            // Name what the user asked for (a missing folder, no permission), not our temporary name.
            throw Error(Error::Where {pathToUtf8(m_destination), {}, {}, {}}, error.message());
        }
    }
    if (!m_file.isOpen())
        throw Error(Error::Where {pathToUtf8(m_destination), {}, {}, {}}, "cannot find a free temporary file name");
}

AtomicFile::~AtomicFile()
{
    if (!m_committed)
        discard();
}

void AtomicFile::failExists() const
{
    throw Error(Error::Where {pathToUtf8(m_destination), {}, {}, {}}, "already exists (use --force to overwrite)");
}

void AtomicFile::write(const void* data, size_t size)
{
    if (!m_file.isOpen())
        throw Error(Error::Where {pathToUtf8(m_destination), {}, {}, {}}, "write after the file was closed");
    m_bytesWritten += size;
    if (m_buffered + size <= BufferSize) {
        if (!m_buffer)
            m_buffer = std::make_unique_for_overwrite<uint8_t[]>(BufferSize);
        std::memcpy(m_buffer.get() + m_buffered, data, size);
        m_buffered += size;
        return;
    }
    // Too big for the buffer: write what is buffered, then the new bytes directly, without copying them.
    flushBuffer();
    if (size >= BufferSize) {
        m_file.write(data, size);
        return;
    }
    if (!m_buffer)
        m_buffer = std::make_unique_for_overwrite<uint8_t[]>(BufferSize);
    std::memcpy(m_buffer.get(), data, size);
    m_buffered = size;
}

void AtomicFile::flushBuffer()
{
    if (m_buffered > 0) {
        m_file.write(m_buffer.get(), m_buffered);
        m_buffered = 0;
    }
}

void AtomicFile::finish()
{
    if (m_file.isOpen())
        flushBuffer();
}

void AtomicFile::commit()
{
    if (m_committed)
        return;
    if (!m_file.isOpen())
        throw Error(Error::Where {pathToUtf8(m_destination), {}, {}, {}}, "cannot commit a discarded file");
    flushBuffer();
    // Sync before the rename: otherwise a crash could publish the name with no data behind it.
    m_file.sync();
    m_file.close();
    if (!PlatformFile::moveInto(m_temporary, m_destination, m_options.overwrite))
        failExists(); // the destructor removes the temporary file
    m_committed = true;
    PlatformFile::syncDirectory(m_destination.parent_path());
}

void AtomicFile::discard() noexcept
{
    if (m_committed || m_temporary.empty())
        return;
    m_buffered = 0;
    try {
        m_file.close();
    } catch (...) {
        // The data is being thrown away; a failing close changes nothing.
    }
    PlatformFile::removeQuietly(m_temporary);
    m_temporary.clear();
}

} // namespace layerscope::io
