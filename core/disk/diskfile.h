// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "io/bytesource.h"

#include <filesystem>
#include <memory>
#include <string>

namespace layerscope::disk {

// The data of a file on the NTFS volume of a VHDX or VHD, or of one of its alternate data streams, by the path the
// disk's tree gives it (scanDisk with no root: "Windows/win.ini"): what previews, hashes and export read. Opens the
// disk; the source keeps it open while it lives. Throws layerscope::Error naming the disk and the path when the
// disk cannot be opened or holds no such file or stream.
std::unique_ptr<io::ByteSource> openDiskFile(const std::filesystem::path& disk, const std::string& path,
                                             const std::string& stream = {});

} // namespace layerscope::disk
