// SPDX-License-Identifier: Apache-2.0
#include "index/treeindexbuilder.h"

#include "wcow/casefold.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace layerscope::index {

namespace {

struct BuildNode
{
    NodeId parent = InvalidNode;
    std::string name;
    std::vector<NodeId> children;
    uint32_t record = UINT32_MAX;
    bool alive = true;
};

struct Arena
{
    std::string bytes;

    uint32_t put(std::string_view data)
    {
        const auto offset = uint32_t(bytes.size());
        const auto length = uint32_t(data.size());
        bytes.append(reinterpret_cast<const char*>(&length), sizeof length);
        bytes.append(data);
        return offset;
    }
};

} // namespace

struct TreeIndexBuilder::Impl
{
    bool caseInsensitive = false;
    bool keepCaseVariants = false;
    std::vector<BuildNode> nodes {BuildNode {}};
    std::vector<TreeIndex::Record> records;
    std::unordered_map<std::string, NodeId> byKey; // folded full path -> node
    std::unordered_map<std::string, uint32_t> sddlIds;
    std::vector<std::string> sddls {std::string()};
    Arena blobs;

    std::string key(std::string_view path) const { return caseInsensitive ? wcow::foldCase(path) : std::string(path); }

    NodeId nodeFor(std::string_view path)
    {
        NodeId node = 0;
        size_t start = 0;
        std::string prefixKey;
        while (start <= path.size()) {
            size_t slash = path.find('/', start);
            if (slash == std::string_view::npos)
                slash = path.size();
            const std::string_view part = path.substr(start, slash - start);
            start = slash + 1;
            if (part.empty())
                continue;
            if (!prefixKey.empty())
                prefixKey.push_back('/');
            prefixKey += caseInsensitive ? wcow::foldCase(part) : std::string(part);
            auto it = byKey.find(prefixKey);
            const bool leaf = start > path.size();
            if (it != byKey.end() && !(leaf && keepCaseVariants && nodes[it->second].name != part)) {
                node = it->second;
                continue;
            }
            const bool variant = it != byKey.end();
            const auto id = NodeId(nodes.size());
            BuildNode child;
            child.parent = node;
            child.name = std::string(part);
            nodes.push_back(std::move(child));
            nodes[node].children.push_back(id);
            if (!variant)
                byKey.emplace(prefixKey, id);
            node = id;
        }
        return node;
    }

    uint32_t internSddl(std::string_view sddl)
    {
        if (sddl.empty())
            return 0;
        auto [it, inserted] = sddlIds.try_emplace(std::string(sddl), uint32_t(sddls.size()));
        if (inserted)
            sddls.emplace_back(sddl);
        return it->second;
    }

    void attach(NodeId node, TreeIndex::Record record)
    {
        record.node = node;
        if (nodes[node].record != UINT32_MAX)
            records[nodes[node].record].node = InvalidNode; // replaced: the old record drops out at finish()
        nodes[node].record = uint32_t(records.size());
        records.push_back(record);
    }

    void kill(NodeId node)
    {
        std::vector<NodeId> stack {node};
        while (!stack.empty()) {
            const NodeId n = stack.back();
            stack.pop_back();
            BuildNode& b = nodes[n];
            b.alive = false;
            if (b.record != UINT32_MAX)
                records[b.record].node = InvalidNode;
            b.record = UINT32_MAX;
            for (NodeId c : b.children)
                stack.push_back(c);
            b.children.clear();
        }
    }
};

TreeIndexBuilder::TreeIndexBuilder(bool caseInsensitive, bool keepCaseVariants)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->caseInsensitive = caseInsensitive;
    m_impl->keepCaseVariants = keepCaseVariants;
}

TreeIndexBuilder::~TreeIndexBuilder() = default;

NodeId TreeIndexBuilder::add(const wcow::WindowsEntry& entry, const std::optional<Sha256Digest>& sha256, uint16_t layer)
{
    using Record = TreeIndex::Record;
    Record r;
    r.size = entry.size;
    r.tarIndex = entry.tarIndex;
    r.modified = entry.modified;
    if (entry.created) {
        r.created = *entry.created;
        r.flags |= Record::HasCreated;
    }
    if (entry.accessed) {
        r.accessed = *entry.accessed;
        r.flags |= Record::HasAccessed;
    }
    if (entry.changed) {
        r.changed = *entry.changed;
        r.flags |= Record::HasChanged;
    }
    if (entry.attributes) {
        r.attributes = *entry.attributes;
        r.flags |= Record::HasAttributes;
    }
    if (sha256) {
        r.sha256 = *sha256;
        r.flags |= Record::HasHash;
    }
    r.mode = entry.mode;
    r.type = entry.type;
    r.layer = layer;
    r.sddl = m_impl->internSddl(entry.sddl);
    if (!entry.linkTarget.empty())
        r.linkTarget = m_impl->blobs.put(entry.linkTarget);
    if (!entry.xattrs.empty()) {
        std::string serialised;
        const auto count = uint32_t(entry.xattrs.size());
        serialised.append(reinterpret_cast<const char*>(&count), sizeof count);
        for (const auto& [name, value] : entry.xattrs) {
            for (const std::string* s : {&name, &value}) {
                const auto length = uint32_t(s->size());
                serialised.append(reinterpret_cast<const char*>(&length), sizeof length);
                serialised.append(*s);
            }
        }
        r.xattrs = uint32_t(m_impl->blobs.bytes.size());
        m_impl->blobs.bytes.append(serialised);
    }
    const NodeId node = m_impl->nodeFor(entry.path);
    m_impl->attach(node, r);
    return node;
}

NodeId TreeIndexBuilder::addFrom(const TreeIndex& source, const TreeIndex::Record& record, std::string_view path)
{
    TreeIndex::Record r = record;
    r.sddl = m_impl->internSddl(source.sddl(record));
    r.linkTarget = record.linkTarget == UINT32_MAX ? UINT32_MAX : m_impl->blobs.put(source.linkTarget(record));
    if (record.xattrs != UINT32_MAX) {
        // Copy the serialised list verbatim: walk it once to find its length.
        const std::string& blobs = source.m_blobs;
        uint32_t offset = record.xattrs;
        uint32_t count = 0;
        std::memcpy(&count, blobs.data() + offset, 4);
        offset += 4;
        for (uint32_t i = 0; i < 2 * count; ++i) {
            uint32_t length = 0;
            std::memcpy(&length, blobs.data() + offset, 4);
            offset += 4 + length;
        }
        r.xattrs = uint32_t(m_impl->blobs.bytes.size());
        m_impl->blobs.bytes.append(blobs, record.xattrs, offset - record.xattrs);
    }
    const NodeId node = m_impl->nodeFor(path);
    m_impl->attach(node, r);
    return node;
}

bool TreeIndexBuilder::remove(std::string_view path)
{
    auto it = m_impl->byKey.find(m_impl->key(path));
    if (it == m_impl->byKey.end())
        return false;
    const NodeId node = it->second;
    auto& siblings = m_impl->nodes[m_impl->nodes[node].parent].children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), node), siblings.end());
    // Drop the subtree's lookup keys as well, so that a later add() of the same path creates fresh nodes.
    std::vector<std::pair<NodeId, std::string>> stack {{node, it->first}};
    m_impl->byKey.erase(it);
    while (!stack.empty()) {
        auto [n, key] = std::move(stack.back());
        stack.pop_back();
        for (NodeId c : m_impl->nodes[n].children) {
            std::string childKey = key + '/' + m_impl->key(m_impl->nodes[c].name);
            m_impl->byKey.erase(childKey);
            stack.emplace_back(c, std::move(childKey));
        }
    }
    m_impl->kill(node);
    return true;
}

void TreeIndexBuilder::removeChildren(std::string_view path)
{
    auto it = m_impl->byKey.find(m_impl->key(path));
    if (it == m_impl->byKey.end())
        return;
    const std::vector<NodeId> children = m_impl->nodes[it->second].children;
    const std::string prefix = std::string(path) + '/';
    for (NodeId c : children)
        remove(prefix + m_impl->nodes[c].name);
}

bool TreeIndexBuilder::isDirectory(std::string_view path) const
{
    auto it = m_impl->byKey.find(m_impl->key(path));
    if (it == m_impl->byKey.end())
        return false;
    const uint32_t r = m_impl->nodes[it->second].record;
    if (r == UINT32_MAX)
        return true;
    const auto type = m_impl->records[r].type;
    return type == wcow::EntryType::Directory || type == wcow::EntryType::Junction;
}

bool TreeIndexBuilder::contains(std::string_view path) const
{
    return m_impl->byKey.count(m_impl->key(path)) > 0;
}

TreeIndex TreeIndexBuilder::finish()
{
    Impl& b = *m_impl;
    TreeIndex index;
    index.m_caseInsensitive = b.caseInsensitive;

    // Renumber the live nodes breadth-first so that every directory's children are contiguous and sorted.
    std::vector<NodeId> newId(b.nodes.size(), InvalidNode);
    std::vector<NodeId> order {0};
    newId[0] = 0;
    index.m_nodes.reserve(b.nodes.size());
    index.m_nodes.push_back(TreeIndex::Node {});
    std::vector<std::pair<std::string, NodeId>> sorted;
    for (size_t i = 0; i < order.size(); ++i) {
        const NodeId old = order[i];
        BuildNode& bn = b.nodes[old];
        sorted.clear();
        for (NodeId c : bn.children)
            if (b.nodes[c].alive)
                sorted.emplace_back(b.caseInsensitive ? wcow::foldCase(b.nodes[c].name) : b.nodes[c].name, c);
        std::sort(sorted.begin(), sorted.end());
        TreeIndex::Node& n = index.m_nodes[newId[old]];
        n.firstChild = uint32_t(index.m_children.size());
        n.childCount = uint32_t(sorted.size());
        for (const auto& [key, c] : sorted) {
            const auto id = NodeId(index.m_nodes.size());
            newId[c] = id;
            order.push_back(c);
            TreeIndex::Node child;
            child.parent = newId[old];
            child.nameOffset = uint32_t(index.m_names.size());
            child.nameLength = uint32_t(b.nodes[c].name.size());
            index.m_names += b.nodes[c].name;
            index.m_nodes.push_back(child);
            index.m_children.push_back(id);
        }
        std::string().swap(bn.name);
        std::vector<NodeId>().swap(bn.children);
    }

    index.m_records.reserve(b.records.size());
    for (TreeIndex::Record& r : b.records) {
        if (r.node == InvalidNode || newId[r.node] == InvalidNode)
            continue;
        r.node = newId[r.node];
        index.m_nodes[r.node].record = uint32_t(index.m_records.size());
        index.m_records.push_back(r);
    }
    index.m_sddls = std::move(b.sddls);
    index.m_blobs = std::move(b.blobs.bytes);
    index.m_names.shrink_to_fit();
    *m_impl = Impl {};
    m_impl->caseInsensitive = index.m_caseInsensitive;
    return index;
}

} // namespace layerscope::index
