// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/sha256.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::index {

using NodeId = uint32_t;
inline constexpr NodeId InvalidNode = UINT32_MAX;

// The compact, immutable tree of one layer (or of a merged chain). Built once by TreeIndexBuilder, then shared
// read-only by the CLI, the diff engine and the UI models, which address nodes by NodeId (a model's internal id).
//
// Memory: one Node (24 bytes) per path component plus one Record (about 120 bytes) per tar entry; names, link
// targets and extended attributes live in byte arenas and security descriptors are interned, since a layer
// typically uses a handful of distinct descriptors for 100k files.
class TreeIndex
{
public:
    struct Record
    {
        uint64_t size = 0;
        uint64_t tarIndex = 0;
        wcow::PaxTime modified;
        wcow::PaxTime created;
        wcow::PaxTime accessed;
        wcow::PaxTime changed;
        Sha256Digest sha256 {};
        uint32_t node = InvalidNode;
        uint32_t attributes = 0;
        uint32_t mode = 0;
        uint32_t sddl = 0; // index into the interned descriptor table; 0 = none
        uint32_t linkTarget = UINT32_MAX; // arena offset; length-prefixed
        uint32_t xattrs = UINT32_MAX; // arena offset of the serialised attribute list
        uint16_t layer = 0; // in a merged view: the layer that last set this path
        wcow::EntryType type = wcow::EntryType::Other;
        uint8_t flags = 0;

        enum Flag : uint8_t { HasAttributes = 1, HasCreated = 2, HasAccessed = 4, HasChanged = 8, HasHash = 16 };
        bool has(Flag f) const { return flags & f; }
    };

    struct Node
    {
        uint32_t parent = InvalidNode;
        uint32_t nameOffset = 0;
        uint32_t nameLength = 0;
        uint32_t firstChild = 0; // index into m_children
        uint32_t childCount = 0;
        uint32_t record = UINT32_MAX; // UINT32_MAX for directories that only exist as parents of other entries
    };

    TreeIndex() = default;

    NodeId root() const { return 0; }
    size_t nodeCount() const { return m_nodes.size(); }
    size_t recordCount() const { return m_records.size(); }
    bool caseInsensitive() const { return m_caseInsensitive; }

    std::string_view name(NodeId node) const;
    NodeId parent(NodeId node) const { return m_nodes[node].parent; }
    // Children sorted by name (byte order of the folded name for Windows trees, plain byte order otherwise).
    std::span<const NodeId> children(NodeId node) const;
    std::string path(NodeId node) const;
    // Looks a path up ("Files/Windows", case-insensitively for Windows trees); InvalidNode when absent.
    NodeId find(std::string_view path) const;

    // The entry stored at this node, or nullptr for an implicit directory.
    const Record* record(NodeId node) const;
    // Records in the order the tar held them.
    std::span<const Record> records() const { return m_records; }

    std::string_view sddl(const Record& record) const { return m_sddls[record.sddl]; }
    std::string_view linkTarget(const Record& record) const;
    std::vector<std::pair<std::string, std::string>> xattrs(const Record& record) const;

    // Expands a record into the full entry (for reports and the details pane).
    wcow::WindowsEntry entry(const Record& record) const;

    size_t memoryBytes() const;

private:
    friend class TreeIndexBuilder;

    std::vector<Node> m_nodes {Node {}}; // node 0 is the root
    std::vector<NodeId> m_children;
    std::vector<Record> m_records;
    std::string m_names;
    std::string m_blobs; // link targets and serialised xattrs
    std::vector<std::string> m_sddls {std::string()};
    bool m_caseInsensitive = false;
};

} // namespace layerscope::index
