// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace layerscope::wcow {

// The set of paths a layer has named so far, compared as NTFS compares them (foldCase(), component by component),
// each with a dense id for the caller's own per-path data and its first spelling for messages.
//
// Paths are stored as a tree of components, so a path costs one 16-byte node, a 4-byte hash slot (at most 5/8
// full) and the bytes of its last component: ~40 bytes for a typical Windows path instead of ~350 for a map from
// the folded path string. Components are compared case-insensitively in place (equalsIgnoringCase), so nothing
// is stored folded. A path's first spelling is rebuilt from its components; when the path was first written with
// a different spelling of a parent than the one stored (rare), that spelling is kept on the side.
class FoldedPathSet
{
public:
    static constexpr uint32_t None = UINT32_MAX;

    // The id of a path added before (under foldCase()), or None. Parents that were only part of longer paths do
    // not count: "a/b" being present says nothing of "a".
    uint32_t find(std::string_view path) const;
    // Adds a path; returns its id and whether it is new (ids count up from 0 in the order paths were added).
    std::pair<uint32_t, bool> insert(std::string_view path);
    // The path as it was first added.
    std::string spelling(uint32_t id) const;
    size_t size() const { return m_idNodes.size(); }
    // Heap bytes held (by capacity; allocator overhead not included).
    size_t memoryBytes() const;

private:
    struct Node
    {
        uint32_t parent;
        uint32_t nameOffset;
        uint32_t nameLength;
        uint32_t id; // None for a component that no added path ends at
    };

    uint32_t findChild(uint32_t parent, std::string_view name, uint64_t hash) const;
    void index(uint32_t node, uint64_t hash);
    uint64_t hashOf(uint32_t node) const;
    std::string_view name(const Node& node) const
    {
        return std::string_view(m_names).substr(node.nameOffset, node.nameLength);
    }

    std::vector<Node> m_nodes {Node {None, 0, 0, None}}; // node 0 is the root (the empty path)
    std::vector<uint32_t> m_slots; // open addressing, keyed by (parent, folded name); None = empty
    size_t m_used = 0;
    std::string m_names;
    std::vector<uint32_t> m_idNodes; // id -> node
    std::unordered_map<uint32_t, std::string> m_spellings; // id -> first spelling, when the components do not give it
};

} // namespace layerscope::wcow
