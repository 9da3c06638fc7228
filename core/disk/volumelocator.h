// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace layerscope::disk {

class VirtualDisk;

// Where on a disk its NTFS volume lies.
struct VolumeRange
{
    uint64_t offset = 0;
    uint64_t size = 0;
    std::string where; // "whole disk", "MBR partition 1", "GPT partition 2"
};

// Finds the NTFS volume of a disk: the whole disk when it starts with an NTFS boot sector (Windows' container
// scratch disks and cimfs's blank VHDXs are formatted without a partition table), else the first MBR or GPT
// partition whose first sector is an NTFS boot sector. Throws layerscope::Error naming the disk and saying what it
// found instead ("no NTFS volume: MBR with 2 partitions, none NTFS") when there is none.
VolumeRange findNtfsVolume(const VirtualDisk& disk);

} // namespace layerscope::disk
