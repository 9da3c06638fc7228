// SPDX-License-Identifier: Apache-2.0
#include "disk/volumelocator.h"

#include "common/error.h"
#include "common/littleendian.h"
#include "disk/virtualdisk.h"

#include <array>
#include <cstring>
#include <vector>

// The partition table is read by hand: libvhdi stops at the disk's bytes, and the libyal partition readers
// (libvsmbr, libvsgpt) are not packaged in Debian 12, while libblkid and libfdisk only probe file descriptors, not
// a disk that exists only through libvhdi. Only what locating a volume needs is read: the four primary MBR entries
// and the GPT entry array (UEFI 2.10 §5.2 and §5.3); extended MBR partitions are not followed.

namespace layerscope::disk {

namespace {

constexpr uint64_t SectorSize = 512; // MBR and GPT on the 512-byte-sector disks qemu-img and Windows' VHDX use

std::array<uint8_t, SectorSize> readSector(const VirtualDisk& disk, uint64_t offset)
{
    std::array<uint8_t, SectorSize> sector {};
    disk.readAt(offset, sector.data(), sector.size());
    return sector;
}

// An NTFS boot sector names its file system at byte 3 ("NTFS" and four spaces, the OEM id mkntfs and Windows write).
bool isNtfsBootSector(const std::array<uint8_t, SectorSize>& sector)
{
    return std::memcmp(sector.data() + 3, "NTFS    ", 8) == 0;
}

bool isNtfsAt(const VirtualDisk& disk, uint64_t offset)
{
    return offset < disk.size() && isNtfsBootSector(readSector(disk, offset));
}

} // namespace

VolumeRange findNtfsVolume(const VirtualDisk& disk)
{
    const auto first = readSector(disk, 0);
    if (isNtfsBootSector(first))
        return {0, disk.size(), "whole disk"};
    if (first[510] != 0x55 || first[511] != 0xAA)
        throw Error({disk.name(), {}, {}, 0},
                    "no NTFS volume: the disk starts with neither an NTFS boot sector nor a partition table");

    bool protective = false;
    int partitions = 0;
    for (int i = 0; i < 4; ++i) {
        const uint8_t* entry = first.data() + 446 + 16 * i;
        const uint8_t type = entry[4];
        if (type == 0)
            continue;
        if (type == 0xEE) {
            protective = true;
            continue;
        }
        ++partitions;
        const uint64_t start = uint64_t(le32(entry + 8)) * SectorSize;
        const uint64_t length = uint64_t(le32(entry + 12)) * SectorSize;
        if (isNtfsAt(disk, start))
            return {start, std::min(length, disk.size() - start), "MBR partition " + std::to_string(i + 1)};
    }
    if (!protective)
        throw Error({disk.name(), {}, {}, 446},
                    "no NTFS volume: MBR with " + std::to_string(partitions) + " partition(s), none NTFS");

    const auto header = readSector(disk, SectorSize);
    if (std::memcmp(header.data(), "EFI PART", 8) != 0)
        throw Error({disk.name(), {}, {}, SectorSize}, "protective MBR but no GPT header (\"EFI PART\") at sector 1");
    const uint64_t entriesLba = le64(header.data() + 72);
    const uint32_t count = le32(header.data() + 80);
    const uint32_t entrySize = le32(header.data() + 84);
    // UEFI requires 128 × 2^n bytes per entry; 128 entries is what every tool writes, 1024 far more than any uses.
    if (entrySize < 128 || entrySize > 4096 || (entrySize & (entrySize - 1)) != 0 || count > 1024)
        throw Error({disk.name(), {}, {}, SectorSize + 80},
                    "GPT header with " + std::to_string(count) + " entries of " + std::to_string(entrySize)
                        + " bytes, not a partition table this reader accepts");
    std::vector<uint8_t> entries(size_t(count) * entrySize);
    const uint64_t entriesOffset = entriesLba * SectorSize;
    if (disk.readAt(entriesOffset, entries.data(), entries.size()) != entries.size())
        throw Error({disk.name(), {}, {}, entriesOffset}, "GPT partition entries past the end of the disk");
    int used = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const uint8_t* entry = entries.data() + size_t(i) * entrySize;
        static constexpr uint8_t unused[16] = {};
        if (std::memcmp(entry, unused, 16) == 0)
            continue;
        ++used;
        const uint64_t firstLba = le64(entry + 32);
        const uint64_t lastLba = le64(entry + 40);
        if (lastLba < firstLba)
            continue;
        const uint64_t start = firstLba * SectorSize;
        if (isNtfsAt(disk, start))
            return {start, std::min((lastLba - firstLba + 1) * SectorSize, disk.size() - start),
                    "GPT partition " + std::to_string(i + 1)};
    }
    throw Error({disk.name(), {}, {}, entriesOffset},
                "no NTFS volume: GPT with " + std::to_string(used) + " partition(s), none NTFS");
}

} // namespace layerscope::disk
