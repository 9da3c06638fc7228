// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "disk/ntfsrecord.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace layerscope::disk {

class NtfsVolume;

// Why the MFT scan hands a volume to the directory walk (disk/mftscan.h).
struct NeedsWalk
{
    std::string reason;
};

// "MFT record N at byte B: what" for a structure of a record that does not fit.
std::string describeRecordError(const ntfs::NtfsFormatError& error, uint64_t record);

// Where a volume's $MFT lies and which of its records are in use: the boot sector names it, its record 0 gives its
// data runs (continued in the extension records its attribute list names, when the MFT is fragmented enough) and
// its bitmap. Also reads any stream of the volume by its data runs. Throws NeedsWalk for what it cannot map.
class MftLayout
{
public:
    explicit MftLayout(const NtfsVolume& volume);

    const ntfs::BootSector& boot() const { return m_boot; }
    uint32_t recordSize() const { return m_boot.recordSize; }
    // Records up to the last one in use; those past it are never read.
    uint64_t recordCount() const { return m_recordCount; }
    uint64_t recordsInUse() const;
    bool inUse(uint64_t record) const
    {
        return record / 8 < m_bitmap.size() && (m_bitmap[size_t(record / 8)] >> (record % 8)) & 1;
    }

    // Calls `visit(number, bytes)` for every record in use, in order, reading the MFT in large pieces (big enough
    // that system calls and libvhdi's block lookups vanish, small enough to stay in cache while the records are
    // decoded); `piece(done)` after each piece, with the records passed so far.
    void forEachRecordInUse(const std::function<void(uint64_t, std::span<uint8_t>)>& visit,
                            const std::function<void(uint64_t)>& piece = {}) const;
    // Fills `out` with the bytes at `offset` of the stream the runs (sorted, sortRuns) map; a sparse run reads as
    // zeros.
    void read(const std::vector<ntfs::Run>& runs, uint64_t offset, std::span<uint8_t> out) const;
    // Throws NeedsWalk, naming `what`, for a run outside the volume.
    void checkRuns(const std::vector<ntfs::Run>& runs, const char* what) const;
    static void sortRuns(std::vector<ntfs::Run>& runs);

private:
    std::vector<uint64_t> readMftRecord(std::vector<uint8_t>& record, uint64_t number, bool base);
    std::vector<uint64_t> dataExtensions(std::span<const uint8_t> list) const;

    const NtfsVolume& m_volume;
    ntfs::BootSector m_boot;
    uint64_t m_clusters = 0;
    std::vector<ntfs::Run> m_runs;
    uint64_t m_size = 0;
    uint64_t m_recordCount = 0;
    std::vector<uint8_t> m_bitmap;
};

} // namespace layerscope::disk
