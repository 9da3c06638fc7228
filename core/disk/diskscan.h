// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/layerscan.h"

#include <filesystem>
#include <string>

namespace layerscope::disk {

// Reads the NTFS file system inside a VHDX or VHD file (libvhdi for the disk, libfsntfs for the volume) into the
// tree index every other source produces, in one walk of the directory indexes: names as stored (case kept), sizes,
// attributes, security descriptors as SDDL, the four times at 100 ns precision, hard links (the first name seen is
// the file, later names are hard-link entries naming it), alternate data streams as "name:stream" entries and
// reparse points by tag (symlink, junction, WCI placeholder and tombstone; see docs/disks.md). NTFS's own metadata
// files ($MFT, $Extend, ...) are left out, as Windows hides them. LayerScan::counts and totalBytes are filled.
// File data is read only when ScanOptions::hashFiles asks for digests (diff, tree, space), and then for files and
// streams but not reparse points; without it the walk reads MFT records, directory indexes and $Secure only.
//
// Throws layerscope::Error naming the file for a disk libvhdi cannot open (a damaged header), a differencing disk
// whose parent is missing (naming the parent path), a disk without an NTFS volume and a volume libfsntfs cannot
// open. A single file record that cannot be read becomes a problem naming its path; the rest of the tree is kept.
// `root` is the path the volume's root directory gets: empty for the volume as it is, "Files" to line it up with a
// layer's Files/ (what a container's C:\ is in a layer tar). WCI tombstones are listed as whiteouts named as a layer
// names them ("<dir>/.wh.<name>"), WCI placeholders keep their name and carry "ntfs.reparse" = "wci-placeholder …".
index::LayerScan scanDisk(const std::filesystem::path& path, const index::ScanOptions& options = {},
                          const std::string& root = {});

class NtfsVolume;
// The same walk on a volume already open (disk/ntfsvolume.h); LayerScan::storedSize stays 0.
index::LayerScan scanVolume(const NtfsVolume& volume, const index::ScanOptions& options, const std::string& root);

} // namespace layerscope::disk
