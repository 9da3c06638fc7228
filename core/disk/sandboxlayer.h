// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "baselayer/imagepackager.h"
#include "common/progress.h"

#include <cstdint>
#include <filesystem>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::disk {

struct SandboxLayerCounts
{
    uint64_t entries = 0; // tar entries written
    uint64_t files = 0; // files and alternate data streams with data from the disk
    uint64_t whiteouts = 0; // tombstones
    uint64_t bytes = 0; // file data
};

// Writes what a container changed on its sandbox disk (a WCIFS writable layer, docs/disks.md) as a Windows delta
// layer tar, the way an HCS export of that sandbox reads (wcow-layer-format §1, sandbox-vhdx-and-wcifs §5):
//  - "Files" first, then the changed entries depth first, parents before children, siblings in byte order (§1.2),
//    each with the parent folders importers need — taken from the disk, placeholders included, with the reparse
//    attribute the placeholder had dropped;
//  - real files with their data read from the disk, each file's alternate data streams right after it (§1.6);
//    a folder's tombstones as `.wh.<name>` plain entries right after the folder (§1.4, §1.6); hard links last, so
//    their targets come first (§1.3); symbolic links and junctions with their print names; a "Hives" folder last;
//  - WCI placeholders (the files the container did not change) are left out;
//  - Windows metadata from the disk: attributes, the security descriptor, the four times at 100 ns.
// The volume's root is C:\, that is Files/. Registry deltas the sandbox may keep elsewhere are not looked for.
// Throws layerscope::Error for a disk that cannot be read (naming it, and the entry where one fails).
SandboxLayerCounts writeSandboxLayer(const std::filesystem::path& disk, io::ByteSink& tar, Progress& progress);

struct SandboxCommit
{
    baselayer::PackageResult layer;
    SandboxLayerCounts counts;
};

// `scratch commit sandbox.vhdx -o LAYER`: writeSandboxLayer into LAYER (.tar, .tar.gz or .tar.zst by its name,
// gzip otherwise), through a temporary name renamed into place; an existing LAYER is replaced only with `overwrite`.
SandboxCommit commitSandbox(const std::filesystem::path& disk, const std::filesystem::path& layerOut, bool overwrite,
                            Progress& progress);

} // namespace layerscope::disk
