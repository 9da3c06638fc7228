// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace layerscope::disk {

class NtfsTreeSink;
class NtfsVolume;

// Lists a volume by walking its directory indexes from the root with libfsntfs, opening each entry's file record
// as the index names it. Slower than the MFT scan (disk/mftscan.h) but able to name what the scan cannot: a file
// record that cannot be read keeps the name its folder's index gives it, marked unreadable. Used when the scan
// finds the volume damaged.
void walkDirectories(const NtfsVolume& volume, NtfsTreeSink& sink);

} // namespace layerscope::disk
