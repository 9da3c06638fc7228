// SPDX-License-Identifier: Apache-2.0
#include "disk/ntfsvolume.h"

#include "disk/diskfile.h"
#include "disk/mftlookup.h"

#include "common/error.h"

#include "io/platformfile.h"
#include <algorithm>

namespace layerscope::disk {

namespace fs = std::filesystem;

namespace {

// A file's data (or one alternate data stream of it) read through libfsntfs; the entry (and stream) stay open
// while the source lives.
class NtfsFileSource final : public io::ByteSource
{
public:
    NtfsFileSource(libfsntfs_file_entry_t* entry, libfsntfs_data_stream_t* stream, std::string name, uint64_t size)
        : m_entry(entry)
        , m_stream(stream)
        , m_name(std::move(name))
        , m_size(size)
    { }
    ~NtfsFileSource() override
    {
        if (m_stream)
            libfsntfs_data_stream_free(&m_stream, nullptr);
        libfsntfs_file_entry_free(&m_entry, nullptr);
    }

    size_t read(void* buffer, size_t size) override
    {
        if (m_position >= m_size || size == 0)
            return 0;
        libfsntfs_error_t* error = nullptr;
        const ssize_t n = m_stream ? libfsntfs_data_stream_read_buffer(m_stream, buffer, size, &error)
                                   : libfsntfs_file_entry_read_buffer(m_entry, buffer, size, &error);
        if (n < 0 || (n == 0 && m_position < m_size))
            throw Error({m_name, {}, {}, m_position},
                        "cannot read the file's data: " + (n < 0 ? fsntfsMessage(error) : std::string("ends early")));
        m_position += uint64_t(n);
        return size_t(n);
    }
    uint64_t storedPosition() const override { return m_position; }
    uint64_t storedSize() const override { return m_size; }
    const std::string& name() const override { return m_name; }

private:
    libfsntfs_file_entry_t* m_entry;
    libfsntfs_data_stream_t* m_stream;
    std::string m_name;
    uint64_t m_size;
    uint64_t m_position = 0;
};

// A file's source that owns the volume it reads from (openDiskFile).
class OwningSource final : public io::ByteSource
{
public:
    OwningSource(std::unique_ptr<NtfsVolume> volume, std::unique_ptr<io::ByteSource> inner)
        : m_volume(std::move(volume))
        , m_inner(std::move(inner))
    { }

    size_t read(void* buffer, size_t size) override { return m_inner->read(buffer, size); }
    uint64_t storedPosition() const override { return m_inner->storedPosition(); }
    uint64_t storedSize() const override { return m_inner->storedSize(); }
    const std::string& name() const override { return m_inner->name(); }

private:
    std::unique_ptr<NtfsVolume> m_volume;
    std::unique_ptr<io::ByteSource> m_inner; // declared last, so closed before its volume
};

} // namespace

std::unique_ptr<io::ByteSource> openDiskFile(const fs::path& disk, const std::string& path, const std::string& stream)
{
    auto volume = std::make_unique<NtfsVolume>(disk);
    auto file = volume->open(path, stream);
    return std::make_unique<OwningSource>(std::move(volume), std::move(file));
}

NtfsVolume::NtfsVolume(const fs::path& path)
    : m_file(io::pathToUtf8(path))
    , m_disk(path)
    , m_range(findNtfsVolume(m_disk))
    , m_io(m_disk.name(), m_range.size, [this](uint64_t offset, void* buffer, size_t length) {
        return m_disk.readAt(m_range.offset + offset, buffer, length);
    })
{
    libfsntfs_error_t* error = nullptr;
    if (libfsntfs_volume_initialize(&m_volume, &error) != 1)
        throw Error({m_file, {}, {}, {}}, fsntfsMessage(error));
    if (libfsntfs_volume_open_file_io_handle(m_volume, m_io.handle(), LIBFSNTFS_OPEN_READ, &error) != 1) {
        libfsntfs_volume_free(&m_volume, nullptr);
        const std::string readError = m_io.lastReadError();
        throw Error({m_file, {}, {}, m_range.offset},
                    "NTFS volume (" + m_range.where
                        + ") cannot be opened: " + (readError.empty() ? fsntfsMessage(error) : readError));
    }
}

NtfsVolume::~NtfsVolume()
{
    libfsntfs_volume_close(m_volume, nullptr);
    libfsntfs_volume_free(&m_volume, nullptr);
}

std::unique_ptr<io::ByteSource> NtfsVolume::open(const std::string& path, const std::string& stream) const
{
    // libfsntfs looks paths up with Windows separators, from the root.
    std::string windowsPath = "\\" + path;
    for (char& c : windowsPath)
        if (c == '/')
            c = '\\';
    libfsntfs_error_t* error = nullptr;
    libfsntfs_file_entry_t* entry = nullptr;
    const int found = libfsntfs_volume_get_file_entry_by_utf8_path(
        m_volume, reinterpret_cast<const uint8_t*>(windowsPath.data()), windowsPath.size(), &entry, &error);
    if (found != 1) {
        // libfsntfs looks paths up through the folders' indexes, which it misreads on some volumes (mftlookup.h):
        // not found, or an error.
        std::unique_lock lock(m_mftNamesMutex);
        if (!m_mftNames)
            m_mftNames = std::make_unique<MftNames>(*this);
        lock.unlock();
        if (const auto record = m_mftNames->find(path)) {
            libfsntfs_error_free(&error);
            return openRecord(*record, stream, path);
        }
    }
    if (found != 1)
        throw Error({m_file, {}, path, {}},
                    found == 0 ? std::string("no such file on the volume") : "unreadable: " + fsntfsMessage(error));
    return openEntry(entry, stream, path);
}

std::unique_ptr<io::ByteSource> NtfsVolume::openRecord(uint64_t record, const std::string& stream,
                                                       const std::string& path) const
{
    libfsntfs_error_t* error = nullptr;
    libfsntfs_file_entry_t* entry = nullptr;
    if (libfsntfs_volume_get_file_entry_by_index(m_volume, record, &entry, &error) != 1)
        throw Error({m_file, {}, path, {}}, "MFT record " + std::to_string(record) + ": " + fsntfsMessage(error));
    return openEntry(entry, stream, path);
}

std::unique_ptr<io::ByteSource> NtfsVolume::openEntry(libfsntfs_file_entry_t* entry, const std::string& stream,
                                                      const std::string& path) const
{
    libfsntfs_error_t* error = nullptr;
    size64_t size = 0;
    libfsntfs_data_stream_t* data = nullptr;
    int ok = 0;
    if (stream.empty()) {
        ok = libfsntfs_file_entry_get_size(entry, &size, &error);
    } else {
        ok = libfsntfs_file_entry_get_alternate_data_stream_by_utf8_name(
            entry, reinterpret_cast<const uint8_t*>(stream.data()), stream.size(), &data, &error);
        if (ok == 1)
            ok = libfsntfs_data_stream_get_size(data, &size, &error);
    }
    if (ok != 1) {
        const std::string message = ok == 0 ? "no such alternate data stream" : fsntfsMessage(error);
        if (data)
            libfsntfs_data_stream_free(&data, nullptr);
        libfsntfs_file_entry_free(&entry, nullptr);
        throw Error({m_file, {}, path + (stream.empty() ? "" : ":" + stream), {}}, message);
    }
    const std::string name = m_file + ": " + path + (stream.empty() ? "" : ":" + stream);
    return std::make_unique<NtfsFileSource>(entry, data, name, size);
}

size_t NtfsVolume::readAt(uint64_t offset, void* buffer, size_t length) const
{
    if (offset >= m_range.size)
        return 0;
    return m_disk.readAt(m_range.offset + offset, buffer, size_t(std::min<uint64_t>(length, m_range.size - offset)));
}

} // namespace layerscope::disk
