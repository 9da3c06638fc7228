// SPDX-License-Identifier: Apache-2.0
#include "disk/ntfsrecord.h"

#include "common/littleendian.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace layerscope::disk::ntfs {

namespace {

// The update sequence protects every 512 bytes of a record, whatever the sector size.
constexpr uint32_t UpdateStride = 512;
constexpr uint32_t AttributeEnd = 0xFFFFFFFF;
constexpr size_t RecordHeaderSize = 0x30; // through the record number of NTFS 3.1
constexpr size_t ResidentHeaderSize = 0x18;
constexpr size_t NonResidentHeaderSize = 0x40;
constexpr size_t StandardInformationShort = 0x30; // NTFS 1.x: times and attributes
constexpr size_t StandardInformationLong = 0x48; // NTFS 3.x adds owner, security id, quota and USN
constexpr size_t FileNameHeaderSize = 0x42;
constexpr size_t SdsHeaderSize = 20; // hash, security id, offset, length
constexpr uint64_t SdsBlock = 0x40000; // 256 KiB, each followed by its copy

[[noreturn]] void fail(std::string message, uint64_t offset)
{
    throw NtfsFormatError {std::move(message), offset};
}

std::string hex(uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%x", value);
    return text;
}

} // namespace

BootSector parseBootSector(std::span<const uint8_t> sector)
{
    if (sector.size() < 512 || std::memcmp(sector.data() + 3, "NTFS    ", 8) != 0)
        fail("not an NTFS boot sector", 3);
    BootSector boot;
    boot.bytesPerSector = le16(sector.data() + 0x0B);
    if (boot.bytesPerSector < 256 || boot.bytesPerSector > 4096 || (boot.bytesPerSector & (boot.bytesPerSector - 1)))
        fail("bytes per sector " + std::to_string(boot.bytesPerSector) + " is not a power of two from 256 to 4096",
             0x0B);
    // Values above 0x80 are negative powers of two: volumes with clusters beyond 64 KiB write them so.
    const uint8_t perCluster = sector[0x0D];
    const uint64_t sectorsPerCluster = perCluster <= 0x80 ? perCluster : uint64_t(1) << std::min(256 - perCluster, 31);
    if (sectorsPerCluster == 0 || (sectorsPerCluster & (sectorsPerCluster - 1))
        || sectorsPerCluster * boot.bytesPerSector > (uint64_t(1) << 21))
        fail("sectors per cluster " + std::to_string(perCluster) + " is not valid", 0x0D);
    boot.clusterSize = uint32_t(sectorsPerCluster * boot.bytesPerSector);
    boot.totalSectors = le64(sector.data() + 0x28);
    boot.mftCluster = le64(sector.data() + 0x30);
    // Clusters per record, or, when negative, the record size as a power of two.
    const auto perRecord = int8_t(sector[0x40]);
    const uint64_t recordSize = perRecord > 0 ? uint64_t(perRecord) * boot.clusterSize
        : perRecord < 0 && perRecord >= -31   ? uint64_t(1) << -perRecord
                                              : 0;
    if (recordSize < UpdateStride || recordSize > 65536 || (recordSize & (recordSize - 1)))
        fail("file record size " + std::to_string(recordSize) + " is not a power of two from 512 to 64 KiB", 0x40);
    boot.recordSize = uint32_t(recordSize);
    return boot;
}

bool applyUpdateSequence(std::span<uint8_t> record)
{
    if (record.size() < RecordHeaderSize || std::memcmp(record.data(), "FILE", 4) != 0)
        return false;
    const uint16_t arrayOffset = le16(record.data() + 4);
    const uint16_t count = le16(record.data() + 6);
    if (count != record.size() / UpdateStride + 1 || arrayOffset < 8 || size_t(arrayOffset) + 2 * count > record.size()
        || record.size() % UpdateStride)
        fail("update sequence (" + std::to_string(count) + " entries at " + std::to_string(arrayOffset)
                 + ") does not fit the record",
             4);
    const uint8_t* array = record.data() + arrayOffset;
    for (uint16_t i = 1; i < count; ++i) {
        uint8_t* tail = record.data() + size_t(i) * UpdateStride - 2;
        if (tail[0] != array[0] || tail[1] != array[1])
            fail("torn write: sector " + std::to_string(i - 1) + " does not end with the update sequence number",
                 size_t(i) * UpdateStride - 2);
        tail[0] = array[2 * i];
        tail[1] = array[2 * i + 1];
    }
    return true;
}

RecordHeader readRecordHeader(std::span<const uint8_t> record)
{
    RecordHeader header;
    header.sequence = le16(record.data() + 0x10);
    header.firstAttribute = le16(record.data() + 0x14);
    header.flags = le16(record.data() + 0x16);
    header.usedSize = le32(record.data() + 0x18);
    header.baseRecord = le64(record.data() + 0x20);
    if (header.usedSize > record.size() || header.firstAttribute < 0x18 || header.firstAttribute > header.usedSize)
        fail("used size " + std::to_string(header.usedSize) + " or first attribute "
                 + std::to_string(header.firstAttribute) + " lies outside the record",
             0x14);
    return header;
}

bool Attribute::nameIs(std::u16string_view text) const
{
    if (name.size() != 2 * text.size())
        return false;
    for (size_t i = 0; i < text.size(); ++i)
        if (le16(name.data() + 2 * i) != text[i])
            return false;
    return true;
}

AttributeReader::AttributeReader(std::span<const uint8_t> record, const RecordHeader& header)
    : m_record(record.first(header.usedSize))
    , m_offset(header.firstAttribute)
{ }

bool AttributeReader::next(Attribute& out)
{
    if (size_t(m_offset) + 4 > m_record.size())
        return false;
    const uint8_t* p = m_record.data() + m_offset;
    const uint32_t type = le32(p);
    if (type == AttributeEnd)
        return false;
    if (size_t(m_offset) + ResidentHeaderSize > m_record.size())
        fail("attribute " + hex(type) + " runs past the record's used size", m_offset);
    const uint32_t length = le32(p + 4);
    if (length < ResidentHeaderSize || length % 8 || length > m_record.size() - m_offset)
        fail("attribute " + hex(type) + " has a length of " + std::to_string(length), m_offset);
    const std::span<const uint8_t> bytes(p, length);
    out = Attribute {};
    out.type = type;
    out.offset = m_offset;
    out.resident = p[8] == 0;
    out.flags = le16(p + 0x0C);
    const size_t nameLength = size_t(p[9]) * 2;
    const uint16_t nameOffset = le16(p + 0x0A);
    if (nameLength && size_t(nameOffset) + nameLength > length)
        fail("attribute " + hex(type) + "'s name lies outside it", m_offset);
    out.name = bytes.subspan(nameOffset, nameLength);
    if (out.resident) {
        const uint32_t valueLength = le32(p + 0x10);
        const uint16_t valueOffset = le16(p + 0x14);
        if (valueOffset > length || valueLength > length - valueOffset)
            fail("attribute " + hex(type) + "'s value lies outside it", m_offset);
        out.value = bytes.subspan(valueOffset, valueLength);
    } else {
        if (length < NonResidentHeaderSize)
            fail("non-resident attribute " + hex(type) + " is shorter than its header", m_offset);
        out.lowestVcn = le64(p + 0x10);
        const uint16_t runsOffset = le16(p + 0x20);
        out.dataSize = le64(p + 0x30);
        out.initializedSize = le64(p + 0x38);
        if (runsOffset > length)
            fail("attribute " + hex(type) + "'s data runs lie outside it", m_offset);
        out.runs = bytes.subspan(runsOffset);
    }
    m_offset += length;
    return true;
}

namespace {

// The value of an attribute NTFS always keeps resident, at least `minimum` bytes of it.
std::span<const uint8_t> residentValue(const Attribute& attribute, size_t minimum, const char* what)
{
    if (!attribute.resident || attribute.value.size() < minimum)
        fail(std::string(what) + " is " + std::to_string(attribute.value.size()) + " bytes", attribute.offset);
    return attribute.value;
}

} // namespace

StandardInformation readStandardInformation(const Attribute& attribute)
{
    const auto v = residentValue(attribute, StandardInformationShort, "$STANDARD_INFORMATION");
    StandardInformation info;
    info.created = le64(v.data());
    info.modified = le64(v.data() + 0x08);
    info.changed = le64(v.data() + 0x10);
    info.accessed = le64(v.data() + 0x18);
    info.attributes = le32(v.data() + 0x20);
    if (v.size() >= StandardInformationLong)
        info.securityId = le32(v.data() + 0x34);
    return info;
}

FileName readFileName(const Attribute& attribute)
{
    const auto v = residentValue(attribute, FileNameHeaderSize, "$FILE_NAME");
    FileName name;
    name.parent = le64(v.data());
    name.nameSpace = v[0x41];
    const size_t length = size_t(v[0x40]) * 2;
    if (FileNameHeaderSize + length > v.size())
        fail("$FILE_NAME's name runs past its value", attribute.offset);
    name.name = v.subspan(FileNameHeaderSize, length);
    return name;
}

ReparsePoint readReparsePoint(std::span<const uint8_t> value)
{
    if (value.size() < 8)
        fail("$REPARSE_POINT is " + std::to_string(value.size()) + " bytes", 0);
    ReparsePoint point;
    point.tag = le32(value.data());
    // Symbolic links and junctions (mount points) name their target twice: the substitute name the system follows
    // and the print name shown to users (MS-FSCC §2.1.2.4, §2.1.2.5); symlinks have 4 bytes of flags more.
    size_t pathBuffer = 0;
    if (point.tag == 0xA000000C)
        pathBuffer = 20;
    else if (point.tag == 0xA0000003)
        pathBuffer = 16;
    else
        return point;
    if (value.size() < pathBuffer)
        fail("reparse data of tag " + hex(point.tag) + " is " + std::to_string(value.size()) + " bytes", 0);
    const size_t printOffset = le16(value.data() + 12);
    const size_t printLength = le16(value.data() + 14);
    if (pathBuffer + printOffset + printLength > value.size())
        fail("reparse point's print name lies outside its data", 12);
    point.printName = value.subspan(pathBuffer + printOffset, printLength & ~size_t(1));
    return point;
}

std::vector<Run> decodeRuns(std::span<const uint8_t> pairs, uint64_t firstVcn)
{
    std::vector<Run> runs;
    uint64_t vcn = firstVcn;
    int64_t lcn = 0;
    size_t i = 0;
    while (i < pairs.size() && pairs[i] != 0) {
        // Each pair: a header byte giving the byte counts of the length (low nibble) and of the signed cluster
        // offset from the previous run (high nibble; none for a sparse run), then the two values, little-endian.
        const size_t lengthBytes = pairs[i] & 0x0F;
        const size_t offsetBytes = pairs[i] >> 4;
        if (lengthBytes == 0 || lengthBytes > 8 || offsetBytes > 8 || i + 1 + lengthBytes + offsetBytes > pairs.size())
            fail("data run header " + hex(pairs[i]) + " does not fit", i);
        uint64_t length = 0;
        for (size_t b = 0; b < lengthBytes; ++b)
            length |= uint64_t(pairs[i + 1 + b]) << (8 * b);
        if (length == 0 || length > (uint64_t(1) << 48) || vcn + length < vcn)
            fail("data run of " + std::to_string(length) + " clusters", i);
        Run run {vcn, length, 0, offsetBytes == 0};
        if (!run.sparse) {
            uint64_t delta = 0;
            for (size_t b = 0; b < offsetBytes; ++b)
                delta |= uint64_t(pairs[i + 1 + lengthBytes + b]) << (8 * b);
            if (offsetBytes < 8 && (delta >> (8 * offsetBytes - 1)) & 1)
                delta |= ~uint64_t(0) << (8 * offsetBytes); // sign-extend
            const int64_t step = int64_t(delta);
            if ((step > 0 && lcn > INT64_MAX - step) || (step < 0 && lcn + step < 0))
                fail("data run starts before cluster 0", i);
            lcn += step;
            run.lcn = uint64_t(lcn);
        }
        runs.push_back(run);
        vcn += length;
        i += 1 + lengthBytes + offsetBytes;
    }
    return runs;
}

std::vector<SecurityDescriptorEntry> readSecurityStream(std::span<const uint8_t> stream)
{
    std::vector<SecurityDescriptorEntry> entries;
    for (uint64_t block = 0; block < stream.size(); block += 2 * SdsBlock) {
        const uint64_t end = std::min<uint64_t>(block + SdsBlock, stream.size());
        for (uint64_t at = block; at + SdsHeaderSize <= end;) {
            const uint8_t* p = stream.data() + at;
            const uint32_t id = le32(p + 4);
            const uint64_t offset = le64(p + 8);
            const uint32_t length = le32(p + 16);
            // Zeros (the block's unused end) or an entry that does not say where it is end the block.
            if (offset != at || length <= SdsHeaderSize || length > end - at)
                break;
            entries.push_back({id, stream.subspan(at + SdsHeaderSize, length - SdsHeaderSize)});
            at += (uint64_t(length) + 15) & ~uint64_t(15);
        }
    }
    return entries;
}

} // namespace layerscope::disk::ntfs
