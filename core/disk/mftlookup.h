// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::disk {

class NtfsVolume;

// The names of every record in use of a volume's MFT, by folder, to find the record a path names without the
// folders' indexes. For the paths libfsntfs's own lookup cannot find: libfsntfs 20200921 misreads the indexes of
// volumes with 512-byte or 64 KiB clusters and misses most of their files (docs/disks.md). Read once, kept by the
// volume for every later lookup (a sandbox's commit opens every file it changed).
class MftNames
{
public:
    // Reads the MFT; empty when it cannot be mapped (a damaged record names nothing).
    explicit MftNames(const NtfsVolume& volume);

    // The record a path names ('/'-separated from the root, compared as NTFS compares names, an exact spelling
    // preferred); nothing when it is not there.
    std::optional<uint64_t> find(const std::string& path) const;

private:
    struct Name
    {
        uint64_t folder = 0; // record number
        uint64_t record = 0; // of the base record
        std::string text;
    };
    std::vector<Name> m_names; // by folder
};

} // namespace layerscope::disk
