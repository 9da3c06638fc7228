// SPDX-License-Identifier: Apache-2.0
#include "image/vhdxlog.h"

#include "common/error.h"
#include "common/littleendian.h"
#include "image/crc32c.h"
#include "image/filerangesource.h"
#include "io/platformfile.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace layerscope::image {

namespace {

constexpr uint64_t Sector = 4096; // every log structure is 4 KiB (MS-VHDX §2.3)
constexpr uint32_t MaxLogLength = 64u << 20;
// No VHDX reaches this (virtual disks stop at 64 TiB); a write beyond it is a broken descriptor, and the bound keeps
// every offset sum far from overflowing.
constexpr uint64_t MaxFileOffset = uint64_t(1) << 50;

// The first 126 descriptors share the entry's first sector with its 64-byte header; 128 fill each further sector.
constexpr uint64_t descriptorSectors(uint64_t count)
{
    return (count + 2 + 127) / 128;
}

// What the scan keeps of a valid entry (§2.3.1.1).
struct EntryHead
{
    uint32_t length = 0;
    uint32_t tail = 0;
    uint64_t sequence = 0;
    uint64_t flushedFileOffset = 0;
    uint64_t lastFileOffset = 0;
};

// One descriptor of a valid entry (§2.3.1.2, §2.3.1.3): zeros over [offset, offset + length), or the 4 KiB sector
// at `offset` made of the descriptor's 8 leading bytes, the data sector's 4084 and the descriptor's 4 trailing.
struct Descriptor
{
    bool zero = false;
    uint64_t offset = 0;
    uint64_t length = 0;
    const uint8_t* leading = nullptr;
    const uint8_t* trailing = nullptr;
    const uint8_t* data = nullptr;
};

// The log region read whole: a circular buffer of 4 KiB sectors.
class Log
{
public:
    Log(std::vector<uint8_t> bytes, const std::array<uint8_t, 16>& guid)
        : m_bytes(std::move(bytes))
        , m_guid(guid)
        , m_known(m_bytes.size() / Sector)
    { }

    uint64_t length() const { return m_bytes.size(); }
    const uint8_t* sector(uint64_t position) const { return m_bytes.data() + position % m_bytes.size(); }

    // The entry at `position` if it is valid (each field, each descriptor, each data sector and the checksum);
    // checked once per position, since the search for the active sequence asks again.
    std::optional<EntryHead> entryAt(uint64_t position)
    {
        auto& known = m_known[position / Sector];
        if (!known)
            known = check(position, nullptr);
        return *known;
    }

    // The descriptors of the valid entry at `position`, in order.
    std::vector<Descriptor> descriptorsAt(uint64_t position) const
    {
        std::vector<Descriptor> out;
        check(position, &out);
        return out;
    }

private:
    std::optional<EntryHead> check(uint64_t position, std::vector<Descriptor>* descriptors) const
    {
        const uint8_t* h = sector(position);
        if (std::memcmp(h, "loge", 4) != 0)
            return std::nullopt;
        EntryHead head;
        head.length = le32(h + 8);
        head.tail = le32(h + 12);
        head.sequence = le64(h + 16);
        const uint32_t count = le32(h + 24);
        head.flushedFileOffset = le64(h + 48);
        head.lastFileOffset = le64(h + 56);
        if (head.length == 0 || head.length % Sector != 0 || head.length > length() || head.tail % Sector != 0
            || head.tail >= length() || head.sequence == 0 || std::memcmp(h + 32, m_guid.data(), 16) != 0)
            return std::nullopt;
        const uint64_t headerSectors = descriptorSectors(count);
        const uint64_t sectors = head.length / Sector;
        if (headerSectors > sectors)
            return std::nullopt;
        uint64_t dataSectors = 0;
        for (uint64_t i = 0; i < count; ++i) {
            const uint8_t* d = i < 126 ? h + 64 + 32 * i
                                       : sector(position + Sector * (1 + (i - 126) / 128)) + 32 * ((i - 126) % 128);
            Descriptor descriptor;
            descriptor.offset = le64(d + 16);
            if (le64(d + 24) != head.sequence || descriptor.offset % Sector != 0 || descriptor.offset > MaxFileOffset)
                return std::nullopt;
            if (std::memcmp(d, "zero", 4) == 0) {
                descriptor.zero = true;
                descriptor.length = le64(d + 8);
                if (descriptor.length % Sector != 0 || descriptor.length > MaxFileOffset - descriptor.offset)
                    return std::nullopt;
            } else if (std::memcmp(d, "desc", 4) == 0) {
                if (headerSectors + dataSectors >= sectors)
                    return std::nullopt; // more data descriptors than the entry has sectors for
                const uint8_t* data = sector(position + Sector * (headerSectors + dataSectors));
                ++dataSectors;
                if (std::memcmp(data, "data", 4) != 0 || le32(data + 4) != uint32_t(head.sequence >> 32)
                    || le32(data + 4092) != uint32_t(head.sequence))
                    return std::nullopt;
                descriptor.length = Sector;
                descriptor.leading = d + 8;
                descriptor.trailing = d + 4;
                descriptor.data = data + 8;
            } else {
                return std::nullopt;
            }
            if (descriptors)
                descriptors->push_back(descriptor);
        }
        // The entry is its header and descriptor sectors and one data sector per data descriptor, nothing more (as
        // qemu-img writes them; MS-VHDX lays out no padding). This also bounds the search: no entry's body can hold
        // another entry's header, so checksumming every candidate costs one pass over the log.
        if (headerSectors + dataSectors != sectors)
            return std::nullopt;
        // §2.3.1.1: CRC-32C over the whole entry with the checksum field as zero.
        std::array<uint8_t, Sector> first;
        std::memcpy(first.data(), h, Sector);
        std::memset(first.data() + 4, 0, 4);
        uint32_t crc = crc32c(first.data(), first.size());
        for (uint64_t k = 1; k < sectors; ++k)
            crc = crc32c(sector(position + k * Sector), Sector, crc);
        if (crc != le32(h + 4))
            return std::nullopt;
        return head;
    }

    std::vector<uint8_t> m_bytes;
    std::array<uint8_t, 16> m_guid;
    std::vector<std::optional<std::optional<EntryHead>>> m_known;
};

// A sequence of valid entries written one after the other (§2.3.2): their positions in the log, in order.
struct Sequence
{
    std::vector<uint64_t> positions;
    EntryHead head; // the last entry
    uint64_t end = 0; // where the entry after the head would start
};

// §2.3.3's search for the active sequence: from each candidate tail, extend a sequence while the next entry is
// valid and numbered one higher; it counts when its head's tail lies inside it, and the newest such wins.
std::optional<Sequence> findActiveSequence(Log& log)
{
    std::optional<Sequence> candidate;
    uint64_t tail = 0;
    for (;;) {
        Sequence current;
        current.end = tail;
        while (current.positions.size() < log.length() / Sector) {
            const auto entry = log.entryAt(current.end);
            if (!entry || (!current.positions.empty() && entry->sequence != current.head.sequence + 1))
                break;
            current.positions.push_back(current.end);
            current.head = *entry;
            current.end = (current.end + entry->length) % log.length();
        }
        const auto tailAt = std::find(current.positions.begin(), current.positions.end(), current.head.tail);
        const bool valid = tailAt != current.positions.end();
        if (valid) {
            current.positions.erase(current.positions.begin(), tailAt); // replay from the head's tail on
            if (!candidate || current.head.sequence > candidate->head.sequence)
                candidate = current;
        }
        const uint64_t next = valid ? current.end : (tail + Sector) % log.length();
        // Round once when the next tail is not past this one (a sequence filling the whole log ends where it began).
        if (next <= tail)
            break;
        tail = next;
    }
    return candidate;
}

} // namespace

VhdxReplay::VhdxReplay(const std::filesystem::path& path, const VhdxLogRegion& region)
    : m_name(io::pathToUtf8(path))
{
    std::error_code ec;
    m_fileSize = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error({m_name, {}, {}, {}}, "cannot read: " + ec.message());
    if (region.length > MaxLogLength)
        throw Error({m_name, {}, {}, region.headerOffset + 68},
                    "the header names a log of " + std::to_string(region.length)
                        + " bytes to replay; LayerScope replays logs of up to 64 MiB (the ones qemu-img writes are 1 "
                          "MiB)");
    if (region.length == 0 || region.length % Sector != 0 || region.offset > m_fileSize
        || region.length > m_fileSize - region.offset)
        throw Error({m_name, {}, {}, region.headerOffset + 68},
                    "the header names a log of " + std::to_string(region.length) + " bytes at byte "
                        + std::to_string(region.offset) + ", which is not whole 4 KiB sectors inside the file");
    m_file = std::make_unique<FileRangeSource>(path, 0, m_fileSize, m_name);

    std::vector<uint8_t> bytes(region.length);
    for (size_t done = 0; done < bytes.size();) {
        const size_t n = m_file->readAt(region.offset + done, bytes.data() + done, bytes.size() - done);
        if (n == 0)
            throw Error({m_name, {}, {}, region.offset + done}, "the file ends inside its log");
        done += n;
    }
    Log log(std::move(bytes), region.guid);
    const auto active = findActiveSequence(log);
    if (!active)
        throw Error({m_name, {}, {}, region.offset},
                    "the header names a log to replay (the disk was not closed cleanly), but the log holds no valid "
                    "sequence of entries: the disk is damaged, and Windows would not attach it either");
    if (m_fileSize < active->head.flushedFileOffset)
        throw Error({m_name, {}, {}, m_fileSize},
                    "the log says the file had at least " + std::to_string(active->head.flushedFileOffset)
                        + " bytes, but it has " + std::to_string(m_fileSize) + ": the file was truncated");

    // §2.3.3: every descriptor of every entry, tail to head, in order; later writes win.
    m_size = std::max(m_fileSize, active->head.lastFileOffset);
    for (const uint64_t position : active->positions) {
        for (const Descriptor& d : log.descriptorsAt(position)) {
            m_size = std::max(m_size, d.offset + d.length);
            if (d.zero) {
                if (d.length != 0)
                    apply(d.offset, d.offset + d.length, NoData);
                continue;
            }
            const size_t at = m_data.size();
            m_data.resize(at + Sector);
            std::memcpy(m_data.data() + at, d.leading, 8);
            std::memcpy(m_data.data() + at + 8, d.data, 4084);
            std::memcpy(m_data.data() + at + 4092, d.trailing, 4);
            apply(d.offset, d.offset + Sector, at);
        }
    }
    m_entries = active->positions.size();
    m_headSequence = active->head.sequence;
}

VhdxReplay::~VhdxReplay() = default;

// Every write starts and ends on a 4 KiB boundary, so a data sector is either replaced whole or left alone; only
// zeroed ranges are ever cut.
void VhdxReplay::apply(uint64_t start, uint64_t end, size_t data)
{
    auto it = m_writes.lower_bound(start);
    if (it != m_writes.begin()) {
        const auto before = std::prev(it);
        if (before->second.end > start) {
            const Write cut = before->second;
            before->second.end = start;
            if (cut.end > end)
                m_writes.emplace(end, Write {cut.end, NoData});
        }
    }
    while (it != m_writes.end() && it->first < end) {
        const Write rest = it->second;
        it = m_writes.erase(it);
        if (rest.end > end) {
            m_writes.emplace(end, Write {rest.end, NoData});
            break;
        }
    }
    m_writes.emplace(start, Write {end, data});
}

size_t VhdxReplay::readAt(uint64_t offset, void* buffer, size_t length) const
{
    if (offset >= m_size)
        return 0;
    length = size_t(std::min<uint64_t>(length, m_size - offset));
    auto* out = static_cast<uint8_t*>(buffer);
    size_t done = 0;
    while (offset + done < m_fileSize && done < length) {
        const size_t n = m_file->readAt(offset + done, out + done,
                                        size_t(std::min<uint64_t>(length - done, m_fileSize - offset - done)));
        if (n == 0)
            break; // the file shrank under us: what is missing reads as zeros, as past its end
        done += n;
    }
    std::memset(out + done, 0, length - done);

    auto it = m_writes.upper_bound(offset);
    if (it != m_writes.begin())
        --it;
    for (; it != m_writes.end() && it->first < offset + length; ++it) {
        const uint64_t from = std::max(it->first, offset);
        const uint64_t to = std::min(it->second.end, offset + length);
        if (from >= to)
            continue;
        if (it->second.data == NoData)
            std::memset(out + (from - offset), 0, size_t(to - from));
        else
            std::memcpy(out + (from - offset), m_data.data() + it->second.data + (from - it->first), size_t(to - from));
    }
    return length;
}

} // namespace layerscope::image
