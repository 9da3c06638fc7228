// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

// NTFS's on-disk structures that the MFT scan (disk/mftscan.h) reads itself: the boot sector, a file record with
// its update sequence, its attributes, the values of the few attributes a listing needs, data runs and the $SDS
// stream of $Secure. libfsntfs reads all of these too, but only one file entry at a time, each set up with its own
// allocations and reads; listing a volume of 100,000 files that way costs most of a second, while reading the MFT
// front to back and decoding records in place costs a small part of that. Everything here works on bytes already
// read and throws NtfsFormatError for what does not fit; libfsntfs stays the reader of file data and the fallback
// walk (docs/disks.md). Facts: MS-FSCC for attributes, reparse buffers and descriptors; libfsntfs's and ntfs-3g's
// documentation of the format for the record, attribute and run layouts.
namespace layerscope::disk::ntfs {

// A structure that does not fit where it is; `offset` is the byte offset inside the record or stream given.
struct NtfsFormatError
{
    std::string message;
    uint64_t offset = 0;
};

inline constexpr uint32_t AttributeStandardInformation = 0x10;
inline constexpr uint32_t AttributeList = 0x20;
inline constexpr uint32_t AttributeFileName = 0x30;
inline constexpr uint32_t AttributeSecurityDescriptor = 0x50;
inline constexpr uint32_t AttributeData = 0x80;
inline constexpr uint32_t AttributeIndexRoot = 0x90;
inline constexpr uint32_t AttributeBitmap = 0xB0;
inline constexpr uint32_t AttributeReparsePoint = 0xC0;

// $FILE_NAME name spaces: 2 is a DOS 8.3 alias, listed by Windows under its long name only.
inline constexpr uint8_t NameSpaceDos = 2;

// The upper 16 bits of a file reference are the record's sequence number, the lower 48 its number.
inline uint64_t recordNumber(uint64_t reference)
{
    return reference & 0xFFFFFFFFFFFFull;
}
inline uint16_t sequenceNumber(uint64_t reference)
{
    return uint16_t(reference >> 48);
}

struct BootSector
{
    uint32_t bytesPerSector = 0;
    uint32_t clusterSize = 0;
    uint64_t totalSectors = 0;
    uint64_t mftCluster = 0;
    uint32_t recordSize = 0;
};

// The first sector of the volume (at least 512 bytes).
BootSector parseBootSector(std::span<const uint8_t> sector);

struct RecordHeader
{
    uint16_t sequence = 0;
    uint16_t flags = 0;
    uint64_t baseRecord = 0; // a file reference; 0 for a base record
    uint16_t firstAttribute = 0;
    uint32_t usedSize = 0;

    bool inUse() const { return flags & 0x0001; }
};

// Checks a record's signature ("FILE") and applies its update sequence in place: the last two bytes of every
// 512-byte stride hold the sequence number while on disk, the real bytes are kept in the array the header points
// at. Returns false for a record that is not a file record (never used, or marked BAAD) and throws for one whose
// signature is right but whose header or update sequence is damaged.
bool applyUpdateSequence(std::span<uint8_t> record);

// The header of a record applyUpdateSequence accepted.
RecordHeader readRecordHeader(std::span<const uint8_t> record);

struct Attribute
{
    uint32_t type = 0;
    std::span<const uint8_t> name; // UTF-16LE
    uint16_t flags = 0; // 0x0001 compressed, 0x4000 encrypted, 0x8000 sparse
    bool resident = true;
    std::span<const uint8_t> value; // resident only
    // non-resident only:
    uint64_t lowestVcn = 0;
    uint64_t dataSize = 0;
    uint64_t initializedSize = 0;
    std::span<const uint8_t> runs; // the mapping pairs
    uint32_t offset = 0; // of the attribute header in the record, for messages

    bool named() const { return !name.empty(); }
    bool nameIs(std::u16string_view text) const;
};

// The attributes of a record in order, each checked to lie inside the record's used size.
class AttributeReader
{
public:
    AttributeReader(std::span<const uint8_t> record, const RecordHeader& header);
    // Fills `out` with the next attribute; false after the last (the end marker or the used size reached).
    bool next(Attribute& out);

private:
    std::span<const uint8_t> m_record;
    uint32_t m_offset;
};

struct StandardInformation
{
    uint64_t created = 0;
    uint64_t modified = 0;
    uint64_t changed = 0; // the MFT record's change time
    uint64_t accessed = 0;
    uint32_t attributes = 0;
    uint32_t securityId = 0; // 0 when the value is the short NTFS 1.x form, which has none
};
StandardInformation readStandardInformation(const Attribute& attribute);

struct FileName
{
    uint64_t parent = 0; // file reference of the folder
    uint8_t nameSpace = 0;
    std::span<const uint8_t> name; // UTF-16LE
};
FileName readFileName(const Attribute& attribute);

struct ReparsePoint
{
    uint32_t tag = 0;
    std::span<const uint8_t> printName; // UTF-16LE; empty for tags without one (all but symlinks and junctions)
};
// A $REPARSE_POINT value (resident, or read from its runs by the caller).
ReparsePoint readReparsePoint(std::span<const uint8_t> value);

struct Run
{
    uint64_t vcn = 0;
    uint64_t length = 0; // clusters
    uint64_t lcn = 0;
    bool sparse = false;
};
// Decodes mapping pairs into runs, the first starting at `firstVcn`. Throws for pairs that run past the bytes given
// or a cluster number below zero.
std::vector<Run> decodeRuns(std::span<const uint8_t> pairs, uint64_t firstVcn);

// Every descriptor of a $Secure:$SDS stream by security id, as spans into `stream`. The stream keeps each 256 KiB
// block twice (the copy follows it); entries are read from the first copies and checked against the offset they
// state. A damaged entry ends its block.
struct SecurityDescriptorEntry
{
    uint32_t id = 0;
    std::span<const uint8_t> descriptor;
};
std::vector<SecurityDescriptorEntry> readSecurityStream(std::span<const uint8_t> stream);

} // namespace layerscope::disk::ntfs
