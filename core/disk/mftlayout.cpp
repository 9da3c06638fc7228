// SPDX-License-Identifier: Apache-2.0
#include "disk/mftlayout.h"

#include "common/littleendian.h"
#include "disk/ntfsvolume.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace layerscope::disk {

using namespace ntfs;

std::string describeRecordError(const NtfsFormatError& error, uint64_t record)
{
    return "MFT record " + std::to_string(record) + " at byte " + std::to_string(error.offset) + ": " + error.message;
}

MftLayout::MftLayout(const NtfsVolume& volume)
    : m_volume(volume)
{
    std::vector<uint8_t> sector(512);
    if (m_volume.readAt(0, sector.data(), sector.size()) != sector.size())
        throw NeedsWalk {"the volume is shorter than its boot sector"};
    try {
        m_boot = parseBootSector(sector);
    } catch (const NtfsFormatError& e) {
        throw NeedsWalk {"boot sector: " + e.message};
    }
    m_clusters = m_volume.range().size / m_boot.clusterSize;

    std::vector<uint8_t> record(m_boot.recordSize);
    read({Run {0, UINT64_MAX / m_boot.clusterSize, m_boot.mftCluster, false}}, 0, record);
    for (const uint64_t extension : readMftRecord(record, 0, true)) {
        sortRuns(m_runs);
        read(m_runs, extension * m_boot.recordSize, record);
        readMftRecord(record, extension, false);
    }
    sortRuns(m_runs);
    uint64_t next = 0;
    for (const Run& run : m_runs) {
        if (run.vcn != next || run.sparse)
            throw NeedsWalk {"the $MFT's data runs leave a gap or a sparse run at cluster " + std::to_string(next)};
        next += run.length;
    }
    if (next * m_boot.clusterSize < m_size)
        throw NeedsWalk {"the $MFT's data runs end before its size"};
    if (m_bitmap.empty())
        throw NeedsWalk {"the $MFT has no bitmap"};
    m_recordCount = std::min<uint64_t>(m_size / m_boot.recordSize, uint64_t(m_bitmap.size()) * 8);
    while (m_recordCount > 0 && !inUse(m_recordCount - 1))
        --m_recordCount;
}

void MftLayout::forEachRecordInUse(const std::function<void(uint64_t, std::span<uint8_t>)>& visit,
                                   const std::function<void(uint64_t)>& piece) const
{
    constexpr size_t PieceBytes = 1 << 20;
    const uint64_t size = m_boot.recordSize;
    const uint64_t perPiece = std::max<uint64_t>(1, PieceBytes / size);
    std::vector<uint8_t> bytes(size_t(std::min(perPiece, std::max<uint64_t>(m_recordCount, 1)) * size));
    for (uint64_t first = 0; first < m_recordCount; first += perPiece) {
        const uint64_t count = std::min(perPiece, m_recordCount - first);
        read(m_runs, first * size, std::span(bytes).first(size_t(count * size)));
        for (uint64_t i = 0; i < count; ++i)
            if (inUse(first + i))
                visit(first + i, std::span(bytes).subspan(size_t(i * size), size_t(size)));
        if (piece)
            piece(first + count);
    }
}

uint64_t MftLayout::recordsInUse() const
{
    uint64_t used = 0;
    for (size_t i = 0; i < m_bitmap.size() && i * 8 < m_recordCount; ++i)
        used += uint64_t(std::popcount(m_bitmap[i]));
    return used;
}

// Reads the $MFT's own record (0) or one of its extensions; returns the extension records that hold more of its
// data runs.
std::vector<uint64_t> MftLayout::readMftRecord(std::vector<uint8_t>& record, uint64_t number, bool base)
{
    std::vector<uint64_t> extensions;
    try {
        if (!applyUpdateSequence(record))
            throw NeedsWalk {"MFT record " + std::to_string(number) + " of the $MFT is not a file record"};
        const RecordHeader header = readRecordHeader(record);
        AttributeReader reader(record, header);
        Attribute attribute;
        while (reader.next(attribute)) {
            if (attribute.type == AttributeData && !attribute.named()) {
                if (attribute.resident)
                    throw NeedsWalk {"the $MFT's data is resident"};
                if (attribute.lowestVcn == 0)
                    m_size = attribute.dataSize;
                const auto runs = decodeRuns(attribute.runs, attribute.lowestVcn);
                checkRuns(runs, "$MFT");
                m_runs.insert(m_runs.end(), runs.begin(), runs.end());
            } else if (base && attribute.type == AttributeBitmap && !attribute.named()) {
                if (attribute.resident) {
                    m_bitmap.assign(attribute.value.begin(), attribute.value.end());
                } else {
                    auto runs = decodeRuns(attribute.runs, 0);
                    checkRuns(runs, "$MFT's bitmap");
                    // A record is 1 KiB or more, so its bitmap is at most 1/8192 of the volume.
                    if (attribute.dataSize > m_volume.range().size / 8192 + 8)
                        throw NeedsWalk {"the $MFT's bitmap is larger than the volume allows"};
                    m_bitmap.resize(size_t(attribute.dataSize));
                    sortRuns(runs);
                    read(runs, 0, m_bitmap);
                }
            } else if (base && attribute.type == AttributeList) {
                if (!attribute.resident)
                    throw NeedsWalk {"the $MFT's attribute list is not resident"};
                extensions = dataExtensions(attribute.value);
            }
        }
    } catch (const NtfsFormatError& e) {
        throw NeedsWalk {describeRecordError(e, number)};
    }
    return extensions;
}

// The records an attribute list names for pieces of the unnamed $DATA past its first (MS-FSCC does not cover
// attribute lists; the layout is libfsntfs's and ntfs-3g's documentation).
std::vector<uint64_t> MftLayout::dataExtensions(std::span<const uint8_t> list) const
{
    std::vector<uint64_t> records;
    for (size_t at = 0; at + 0x1A <= list.size();) {
        const uint8_t* p = list.data() + at;
        const uint16_t length = le16(p + 4);
        if (length < 0x1A || at + length > list.size())
            throw NeedsWalk {"the $MFT's attribute list is damaged at byte " + std::to_string(at)};
        const uint64_t record = recordNumber(le64(p + 0x10));
        if (le32(p) == AttributeData && p[6] == 0 && le64(p + 8) != 0 && record != 0
            && std::find(records.begin(), records.end(), record) == records.end())
            records.push_back(record);
        at += length;
    }
    if (records.size() > 64)
        throw NeedsWalk {"the $MFT's data runs are spread over more than 64 records"};
    return records;
}

void MftLayout::checkRuns(const std::vector<Run>& runs, const char* what) const
{
    for (const Run& run : runs)
        if (!run.sparse && (run.lcn > m_clusters || run.length > m_clusters - run.lcn))
            throw NeedsWalk {std::string(what) + "'s data run at cluster " + std::to_string(run.lcn)
                             + " lies outside the volume"};
}

void MftLayout::sortRuns(std::vector<Run>& runs)
{
    std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.vcn < b.vcn; });
}

void MftLayout::read(const std::vector<Run>& runs, uint64_t offset, std::span<uint8_t> out) const
{
    const uint64_t cluster = m_boot.clusterSize;
    auto run = std::upper_bound(runs.begin(), runs.end(), offset / cluster,
                                [](uint64_t vcn, const Run& r) { return vcn < r.vcn; });
    for (size_t done = 0; done < out.size();) {
        if (run == runs.begin())
            throw NeedsWalk {"a read at byte " + std::to_string(offset) + " lies before the data runs"};
        const Run& r = *std::prev(run);
        const uint64_t at = offset + done;
        const uint64_t runEnd = (r.vcn + r.length) * cluster;
        if (at >= runEnd)
            throw NeedsWalk {"a read at byte " + std::to_string(at) + " lies past the data runs"};
        const size_t n = size_t(std::min<uint64_t>(out.size() - done, runEnd - at));
        if (r.sparse) {
            std::memset(out.data() + done, 0, n);
        } else {
            const uint64_t volumeOffset = r.lcn * cluster + (at - r.vcn * cluster);
            if (m_volume.readAt(volumeOffset, out.data() + done, n) != n)
                throw NeedsWalk {"the volume ends inside a data run, at byte " + std::to_string(volumeOffset)};
        }
        done += n;
        if (done < out.size())
            ++run;
    }
}

} // namespace layerscope::disk
