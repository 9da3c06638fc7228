// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace layerscope::disk {

class NtfsVolume;

// The MFT record a path of the volume names ('/'-separated from the root, compared as NTFS compares names, an
// exact spelling preferred), found by reading the names of every record in use rather than the folders' indexes.
// For the paths libfsntfs's own lookup cannot find: libfsntfs 20200921 misreads the indexes of volumes with
// 512-byte or 64 KiB clusters and misses most of their files (docs/disks.md). Nothing when the path is not there or
// the MFT cannot be read.
std::optional<uint64_t> findMftRecord(const NtfsVolume& volume, const std::string& path);

} // namespace layerscope::disk
