// SPDX-License-Identifier: Apache-2.0
#include "index/foldersizes.h"

namespace layerscope::index {

using wcow::EntryType;

FolderSizes FolderSizes::compute(const TreeIndex& tree, Progress& progress)
{
    FolderSizes sizes;
    const size_t n = tree.nodeCount();
    sizes.m_bytes.assign(n, 0);
    sizes.m_files.assign(n, 0);
    // Post-order with an explicit stack (a path can be thousands of components deep): a node's total is final
    // when its last child has been added, and then goes into its parent.
    struct Frame
    {
        NodeId node;
        size_t next;
    };
    std::vector<Frame> stack {{tree.root(), 0}};
    uint64_t visited = 0;
    while (!stack.empty()) {
        Frame& top = stack.back();
        const auto children = tree.children(top.node);
        if (top.next < children.size()) {
            const NodeId child = children[top.next++];
            if (const auto* record = tree.record(child)) {
                if (record->type == EntryType::File || record->type == EntryType::Stream)
                    sizes.m_bytes[child] = record->size;
                if (record->type == EntryType::File || record->type == EntryType::Hardlink)
                    sizes.m_files[child] = 1;
            }
            stack.push_back({child, 0});
            if ((++visited & 4095) == 0)
                progress.checkCancelled();
            continue;
        }
        const NodeId done = top.node;
        stack.pop_back();
        if (!stack.empty()) {
            const NodeId parent = stack.back().node;
            sizes.m_bytes[parent] += sizes.m_bytes[done];
            sizes.m_files[parent] += sizes.m_files[done];
        }
    }
    return sizes;
}

} // namespace layerscope::index
