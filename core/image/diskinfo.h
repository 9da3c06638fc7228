// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/vhdxinfo.h"

#include <filesystem>

namespace layerscope::image {

// Virtual disks LayerScope recognises by content: VHDX (MS-VHDX) and its predecessor VHD ("Virtual Hard Disk Image
// Format Specification"). Windows layer folders hold VHDX scratch templates (wcow-layer-format §2.1), and users
// point LayerScope at bare disks too; for now it shows what the disk says about itself (issue 12 adds browsing the
// file system inside through libvhdi on top of this).
enum class DiskFormat { None, Vhdx, Vhd };

// "VHDX" or "VHD" at the start of a VHDX file; a VHD footer ("conectix") in the last 512 (or, written by old Virtual
// PC, 511) bytes or, in dynamic disks, its copy at offset 0. Reads at most a few blocks; never throws for a file
// that is simply something else (None), only when the file cannot be read.
DiskFormat detectDiskFormat(const std::filesystem::path& path);

// The summary of a VHDX (readVhdxInfo) or VHD (footer and, for dynamic and differencing disks, the dynamic disk
// header with its block size and parent locators). VHD checksums are verified. Throws layerscope::Error naming the
// file and the byte offset of the structure that is wrong, or "not a VHDX or VHD disk".
VhdxInfo readDiskInfo(const std::filesystem::path& path);

// One line for people: "VHDX dynamic disk, 20 GiB virtual (21474836480 bytes), 32 MiB blocks, parent
// ..\blank-base.vhdx".
std::string diskSummary(const VhdxInfo& disk);

} // namespace layerscope::image
