// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <cstdint>
#include <vector>

namespace layerscope::index {

// How much file data each folder of a tree holds, itself and below (what Explorer's folder properties and
// WinDirStat show), computed once in one pass over the finished index.
//
// A folder's bytes are the sizes of the files and alternate data streams below it; a file's are its own size.
// Hard links add no bytes (wcow-layer-format §1.6: later names of an NTFS file share the first name's data, which
// is counted there) but count as files, as Explorer counts names; whiteouts, links and folders add nothing.
// Memory: 12 bytes per node.
class FolderSizes
{
public:
    FolderSizes() = default;
    // Polls `progress` for cancellation every few thousand nodes.
    static FolderSizes compute(const TreeIndex& tree, Progress& progress = Progress::none());

    bool empty() const { return m_bytes.empty(); }
    // 0 for nodes this tree does not have.
    uint64_t bytes(NodeId node) const { return node < m_bytes.size() ? m_bytes[node] : 0; }
    uint32_t files(NodeId node) const { return node < m_files.size() ? m_files[node] : 0; }
    size_t memoryBytes() const { return m_bytes.capacity() * sizeof(uint64_t) + m_files.capacity() * sizeof(uint32_t); }

private:
    std::vector<uint64_t> m_bytes;
    std::vector<uint32_t> m_files;
};

} // namespace layerscope::index
