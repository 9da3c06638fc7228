// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace layerscope::image {

class FileRangeSource;

// Where the current VHDX header puts the log (MS-VHDX §2.2.2): the identifier its entries must carry, its byte
// offset and its length in the file.
struct VhdxLogRegion
{
    std::array<uint8_t, 16> guid {};
    uint64_t offset = 0;
    uint32_t length = 0;
    uint64_t headerOffset = 0; // of the header naming it, for messages
};

// A VHDX file as it reads once its log is replayed (MS-VHDX §2.3.3), without writing to it.
//
// A disk that was not closed cleanly (a container's sandbox.vhdx after a crash) has its last metadata writes - BAT
// entries, metadata items - only in its log; Windows replays the log when it next attaches the disk, and a reader
// that takes the file as it is sees the disk as it was before those writes, or torn mid-update. libvhdi ignores
// logs, and LayerScope never writes to a user's disk, so the replay is an overlay: the writes of the log's active
// sequence are indexed by file offset and laid over the file's bytes on every read. Written by hand because no
// packaged library replays VHDX logs without writing (qemu does it only in place, through `qemu-img check -r all`).
//
// Entries must be exactly their header, descriptor and data sectors (no padding), which keeps the search for the
// active sequence one pass over the log. Memory: the log is read whole once (LayerScope refuses logs beyond 64 MiB;
// qemu-img and, as far as we know, Hyper-V make 1 MiB logs), then only the active sequence's 4 KiB data sectors and one
// index entry per write stay.
class VhdxReplay
{
public:
    // Finds the active sequence of the log at `region` and indexes its writes. Throws layerscope::Error naming the
    // file and a byte offset when the log has no valid sequence (MS-VHDX: the file is corrupt), the file is shorter
    // than its head entry says it was (truncated), or the log is larger than LayerScope replays.
    VhdxReplay(const std::filesystem::path& path, const VhdxLogRegion& region);
    ~VhdxReplay();
    VhdxReplay(const VhdxReplay&) = delete;
    VhdxReplay& operator=(const VhdxReplay&) = delete;

    const std::string& name() const { return m_name; }
    // The file's size after the replay: at least its size on disk and the head entry's LastFileOffset.
    uint64_t size() const { return m_size; }
    // The active sequence: how many entries, the head's sequence number, how many 4 KiB writes and zeroed ranges.
    size_t entries() const { return m_entries; }
    uint64_t headSequence() const { return m_headSequence; }
    size_t writes() const { return m_writes.size(); }

    // Reads up to `length` bytes at `offset` of the replayed file (0 at its end): the file's bytes (zeros past its
    // end on disk) with the log's writes on top. Thread-safe; throws layerscope::Error when the file cannot be read.
    size_t readAt(uint64_t offset, void* buffer, size_t length) const;

private:
    // One write of the active sequence: [start, end) of the file becomes zeros (`data` == NoData) or the 4 KiB
    // sector at m_data[data].
    struct Write
    {
        uint64_t end = 0;
        size_t data = 0;
    };
    static constexpr size_t NoData = SIZE_MAX;
    void apply(uint64_t start, uint64_t end, size_t data);

    std::string m_name;
    std::unique_ptr<FileRangeSource> m_file;
    uint64_t m_fileSize = 0;
    uint64_t m_size = 0;
    size_t m_entries = 0;
    uint64_t m_headSequence = 0;
    std::map<uint64_t, Write> m_writes; // by start offset, never overlapping
    std::vector<uint8_t> m_data; // the data sectors, 4 KiB each
};

} // namespace layerscope::image
