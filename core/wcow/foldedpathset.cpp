// SPDX-License-Identifier: Apache-2.0
#include "foldedpathset.h"

#include "casefold.h"

#include "common/error.h"

#include <algorithm>

namespace layerscope::wcow {

namespace {

uint64_t mix(uint64_t h)
{
    // MurmurHash3's finaliser: spreads FNV's weak high bits over the whole word, since the table masks low bits.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t childHash(uint32_t parent, std::string_view name)
{
    return mix(foldedHash(name) ^ (uint64_t(parent) * 0x9e3779b97f4a7c15ull));
}

// Calls f(component) for each '/'-separated component, empty ones included, so that "a//b" stays distinct from
// "a/b" as it is for a map keyed by the whole folded path.
template<typename F> void forEachComponent(std::string_view path, F&& f)
{
    size_t start = 0;
    for (;;) {
        const size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            f(path.substr(start));
            return;
        }
        f(path.substr(start, slash - start));
        start = slash + 1;
    }
}

} // namespace

uint64_t FoldedPathSet::hashOf(uint32_t node) const
{
    const Node& n = m_nodes[node];
    return childHash(n.parent, name(n));
}

uint32_t FoldedPathSet::findChild(uint32_t parent, std::string_view part, uint64_t hash) const
{
    if (m_slots.empty())
        return None;
    const size_t mask = m_slots.size() - 1;
    for (size_t i = size_t(hash) & mask;; i = (i + 1) & mask) {
        const uint32_t id = m_slots[i];
        if (id == None)
            return None;
        const Node& n = m_nodes[id];
        if (n.parent == parent && equalsIgnoringCase(name(n), part))
            return id;
    }
}

void FoldedPathSet::index(uint32_t node, uint64_t hash)
{
    // Keep the load under 5/8: short probe sequences.
    if ((m_used + 1) * 8 > m_slots.size() * 5) {
        std::vector<uint32_t> grown(std::max<size_t>(64, m_slots.size() * 2), None);
        const size_t mask = grown.size() - 1;
        for (uint32_t old : m_slots) {
            if (old == None)
                continue;
            size_t i = size_t(hashOf(old)) & mask;
            while (grown[i] != None)
                i = (i + 1) & mask;
            grown[i] = old;
        }
        m_slots = std::move(grown);
    }
    const size_t mask = m_slots.size() - 1;
    size_t i = size_t(hash) & mask;
    while (m_slots[i] != None)
        i = (i + 1) & mask;
    m_slots[i] = node;
    ++m_used;
}

uint32_t FoldedPathSet::find(std::string_view path) const
{
    uint32_t node = 0;
    forEachComponent(path, [&](std::string_view part) {
        if (node != None)
            node = findChild(node, part, childHash(node, part));
    });
    return node == None ? None : m_nodes[node].id;
}

std::pair<uint32_t, bool> FoldedPathSet::insert(std::string_view path)
{
    uint32_t node = 0;
    bool sameSpelling = true;
    forEachComponent(path, [&](std::string_view part) {
        const uint64_t hash = childHash(node, part);
        const uint32_t found = findChild(node, part, hash);
        if (found != None) {
            sameSpelling = sameSpelling && name(m_nodes[found]) == part;
            node = found;
            return;
        }
        if (m_names.size() + part.size() > UINT32_MAX || m_nodes.size() >= None)
            throw Error("layout check: more than 4 GiB of names");
        const auto child = uint32_t(m_nodes.size());
        m_nodes.push_back(Node {node, uint32_t(m_names.size()), uint32_t(part.size()), None});
        m_names.append(part);
        index(child, hash);
        node = child;
    });
    Node& n = m_nodes[node];
    if (n.id != None)
        return {n.id, false};
    n.id = uint32_t(m_idNodes.size());
    m_idNodes.push_back(node);
    if (!sameSpelling)
        m_spellings.emplace(n.id, std::string(path));
    return {n.id, true};
}

std::string FoldedPathSet::spelling(uint32_t id) const
{
    if (auto it = m_spellings.find(id); it != m_spellings.end())
        return it->second;
    std::vector<std::string_view> parts;
    for (uint32_t n = m_idNodes[id]; n != 0; n = m_nodes[n].parent)
        parts.push_back(name(m_nodes[n]));
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (it != parts.rbegin())
            out.push_back('/');
        out.append(*it);
    }
    return out;
}

size_t FoldedPathSet::memoryBytes() const
{
    size_t bytes = m_nodes.capacity() * sizeof(Node) + m_slots.capacity() * sizeof(uint32_t) + m_names.capacity()
        + m_idNodes.capacity() * sizeof(uint32_t);
    for (const auto& [id, text] : m_spellings)
        bytes += sizeof(id) + sizeof(text) + text.capacity() + 2 * sizeof(void*);
    return bytes;
}

} // namespace layerscope::wcow
