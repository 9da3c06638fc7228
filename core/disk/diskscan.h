// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/layerscan.h"

#include <filesystem>
#include <string>

namespace layerscope::disk {

// Reads the NTFS file system inside a VHDX or VHD file into the tree index every other source produces: the MFT read
// front to back (disk/mftscan.h), or, for a volume that scan finds damaged, a walk of the directory indexes through
// libfsntfs (disk/ntfswalk.h), with a warning (LayerScan::warnings) saying why. Either way: names as stored (case
// kept, "a" beside "A" in a case-sensitive folder), sizes, attributes, security descriptors as SDDL, the four times
// at 100 ns precision, hard links (the name first in path order is the file — the walk takes the first it meets —
// and the other names are hard-link entries naming it), alternate data streams as "name:stream" entries and reparse
// points by tag (symlink, junction, WCI placeholder and tombstone; see docs/disks.md). NTFS's own metadata files
// ($MFT, $Extend, ...) are left out, as Windows hides them, and so are names no path can hold (empty, "." or "..",
// with a '/'), each a problem of its folder. LayerScan::counts and totalBytes are filled.
// File data is read (through libfsntfs) only when ScanOptions::hashFiles asks for digests (diff, tree, space), and
// then for files and streams but not reparse points; without it only the MFT and $Secure are read.
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
// How scanVolume reads: the MFT scan with the walk as its fallback (what users get), or either alone (tests compare
// them; MftScan throws layerscope::Error saying why when the scan cannot list the volume).
enum class NtfsReader { Automatic, MftScan, DirectoryWalk };
// The same on a volume already open (disk/ntfsvolume.h); LayerScan::storedSize stays 0.
index::LayerScan scanVolume(const NtfsVolume& volume, const index::ScanOptions& options, const std::string& root,
                            NtfsReader reader = NtfsReader::Automatic);

} // namespace layerscope::disk
