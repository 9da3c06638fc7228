// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"
#include "io/bytesource.h"
#include "io/compression.h"
#include "wcow/layerlayout.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace layerscope::index {

struct EntryCounts
{
    uint64_t entries = 0;
    uint64_t files = 0;
    uint64_t directories = 0;
    uint64_t symlinks = 0;
    uint64_t junctions = 0;
    uint64_t hardlinks = 0;
    uint64_t whiteouts = 0;
    uint64_t streams = 0;

    void count(wcow::EntryType type);
};

// Everything one streaming pass over a layer blob learns: identity (digest of the stored bytes, diff_id of the
// uncompressed tar), shape (counts, layout class, rule violations) and the tree itself.
struct LayerScan
{
    std::string source; // file name, or "<archive>@<member>" for blobs inside other files
    io::Compression compression = io::Compression::None;
    std::string digest; // "sha256:<hex>" of the bytes as stored
    std::string diffId; // "sha256:<hex>" of the uncompressed tar
    uint64_t storedSize = 0;
    uint64_t uncompressedSize = 0;
    uint64_t totalBytes = 0; // sum of regular file and stream data sizes
    wcow::Layout layout = wcow::Layout::Linux;
    EntryCounts counts;
    std::vector<wcow::Problem> problems;
    // stream-level oddities (trailing garbage, missing end marker); for a disk, that its volume had to be walked
    std::vector<std::string> warnings;
    TreeIndex index; // empty unless ScanOptions::buildIndex
};

struct ScanOptions
{
    bool hashFiles = true; // sha256 of every regular file and stream
    // Build LayerScan::index. Off when only the summary is wanted (inspect without entries, chain, verify): the
    // tree is most of a scan's memory, ~100-150 bytes per entry.
    bool buildIndex = true;
    Progress* progress = nullptr;
};

// Reads a layer blob (tar, tar.gz, tar.zst, ... detected by content) in one pass: decompression runs on a
// second thread, while this thread parses, hashes and indexes. Throws layerscope::Error for unreadable or
// malformed streams (naming file, entry and byte offset); layout rule violations are reported in `problems`.
LayerScan scanLayerFile(const std::filesystem::path& path, const ScanOptions& options = {});
LayerScan scanLayer(std::unique_ptr<io::ByteSource> stored, const ScanOptions& options = {});

} // namespace layerscope::index
