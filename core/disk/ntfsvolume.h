// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "disk/libyal.h"
#include "disk/libyalerror.h"
#include "disk/readeriohandle.h"
#include "disk/virtualdisk.h"
#include "disk/volumelocator.h"
#include "io/bytesource.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace layerscope::disk {

class MftNames;

// libfsntfs's error as one line (and freed), for every reader of the volume.
inline std::string fsntfsMessage(libfsntfs_error_t*& error)
{
    return libyalMessage(error, libfsntfs_error_sprint, libfsntfs_error_free, "libfsntfs");
}

// The NTFS volume inside a VHDX or VHD, open for reading: the disk through libvhdi, the volume found on it (whole
// disk, MBR or GPT), libfsntfs over it through our libbfio handle. scanDisk walks it; open() reads a file's data,
// for the layer a sandbox's changes become. Internal to core/disk (it exposes libfsntfs's handle type).
class NtfsVolume
{
public:
    // Throws layerscope::Error naming the file for a damaged disk, a missing parent, no NTFS volume, or a volume
    // libfsntfs cannot open (with the byte offset of the volume).
    explicit NtfsVolume(const std::filesystem::path& path);
    ~NtfsVolume();
    NtfsVolume(const NtfsVolume&) = delete;
    NtfsVolume& operator=(const NtfsVolume&) = delete;

    libfsntfs_volume_t* handle() const { return m_volume; }
    const std::string& file() const { return m_file; }
    const VolumeRange& range() const { return m_range; }

    // The data of the file at `path` in the volume ('/'-separated, no leading slash), or of its alternate data
    // stream `stream`, read as the source is read. Throws layerscope::Error naming the disk and the path when there
    // is no such file or stream; the source throws when a read fails.
    std::unique_ptr<io::ByteSource> open(const std::string& path, const std::string& stream = {}) const;
    // The same by MFT record number (the MFT scan knows records, not paths); `path` names the source.
    std::unique_ptr<io::ByteSource> openRecord(uint64_t record, const std::string& stream,
                                               const std::string& path) const;

    // Reads up to `length` bytes at `offset` inside the volume; short only at its end. Throws layerscope::Error
    // naming the disk and the offset when the disk cannot be read.
    size_t readAt(uint64_t offset, void* buffer, size_t length) const;

private:
    std::unique_ptr<io::ByteSource> openEntry(libfsntfs_file_entry_t* entry, const std::string& stream,
                                              const std::string& path) const;

    std::string m_file;
    VirtualDisk m_disk;
    VolumeRange m_range;
    ReaderIoHandle m_io;
    libfsntfs_volume_t* m_volume = nullptr;
    // Read on the first path libfsntfs cannot look up (disk/mftlookup.h), then kept.
    mutable std::mutex m_mftNamesMutex;
    mutable std::unique_ptr<MftNames> m_mftNames;
};

} // namespace layerscope::disk
