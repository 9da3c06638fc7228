// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tar/tarheader.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <string>

namespace layerscope::wcow {

// Sets the fields of `header` that hcsshim's export derives from the entry type (wcow-layer-format §1.4), the part
// every layer writer shares: the typeflag; the mode's type bits only (0100000 data, 040000 folder, 0120000 link,
// 0160000 a link to a folder — a junction, or a symbolic link with `directoryLink` —, 0644 hard link, 0 whiteout);
// the size of files and streams; the link name of links. Returns false for types a layer cannot hold.
bool setLayerEntryType(tar::TarHeader& header, EntryType type, uint64_t size = 0, std::string linkTarget = {},
                       bool directoryLink = false);

} // namespace layerscope::wcow
