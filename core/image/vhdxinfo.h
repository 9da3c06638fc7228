// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/vhdxlog.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::image {

// What a VHDX file says about itself, from its header section and metadata region (MS-VHDX §2.2, §2.6). Windows
// layer folders hold scratch templates (blank-base.vhdx, blank.vhdx differencing on it) and per-container
// sandbox.vhdx files (wcow-layer-format §2.1, §2.3). readDiskInfo() (diskinfo.h) fills the same summary from VHD
// files.
struct VhdxInfo
{
    enum class DiskType { Fixed, Dynamic, Differencing };

    std::string format = "VHDX"; // or "VHD"
    std::string path; // as given, for messages
    uint64_t fileSize = 0;
    uint64_t virtualSize = 0;
    uint32_t blockSize = 0;
    uint32_t logicalSectorSize = 0;
    uint32_t physicalSectorSize = 0;
    DiskType type = DiskType::Dynamic;
    std::string creator; // the file type identifier's creator string (diagnostic only)
    // Differencing disks: the parent locator's key/value pairs in file order (parent_linkage, relative_path,
    // volume_path, absolute_win32_path, ...) and the path we would try first (relative_path, else the others).
    std::vector<std::pair<std::string, std::string>> parentLocator;
    std::string parentPath;
    // Set when the current header names a log (a non-zero LogGuid, §2.2.2.1): the disk was not closed cleanly and
    // its last writes are in the log, not yet in place. Everything above was read with the log's active sequence
    // replayed in memory (VhdxReplay), as Windows reads the disk once it has replayed the log.
    struct ReplayedLog
    {
        VhdxLogRegion region;
        size_t entries = 0; // of the active sequence
        size_t writes = 0; // 4 KiB sectors written and ranges zeroed, after later writes replaced earlier ones
        uint64_t headSequence = 0;
    };
    std::optional<ReplayedLog> log;
};

// "fixed", "dynamic", "differencing".
const char* diskTypeName(VhdxInfo::DiskType type);

// Reads the header section and metadata region of a VHDX file: the file type identifier ("vhdxfile"), the current
// of the two headers (checksum and sequence number), the region table, and the file parameters, virtual disk
// size, sector sizes and parent locator items. Throws layerscope::Error naming the file and the byte offset of the
// structure that is wrong.
VhdxInfo readVhdxInfo(const std::filesystem::path& path);

} // namespace layerscope::image
