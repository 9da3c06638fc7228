// SPDX-License-Identifier: Apache-2.0
#include "index/treeindex.h"

#include "wcow/casefold.h"

#include <cstring>

namespace layerscope::index {

static_assert(sizeof(TreeIndex::Record) == 104, "keep the record compact: it is paid once per entry");
static_assert(sizeof(TreeIndex::Node) == 16);

std::string_view TreeIndex::name(NodeId node) const
{
    const uint32_t begin = m_nodes[node].nameOffset;
    const size_t end = node + 1 < m_nodes.size() ? m_nodes[node + 1].nameOffset : m_names.size();
    return std::string_view(m_names.data() + begin, end - begin);
}

TreeIndex::NodeRange TreeIndex::children(NodeId node) const
{
    const NodeId first = m_nodes[node].firstChild;
    const NodeId end = node + 1 < m_nodes.size() ? m_nodes[node + 1].firstChild : NodeId(m_nodes.size());
    return NodeRange(first, end);
}

std::string joinLeafFirst(const std::vector<std::string_view>& names)
{
    std::string out;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
        if (!out.empty())
            out.push_back('/');
        out.append(*it);
    }
    return out;
}

std::string TreeIndex::path(NodeId node) const
{
    if (node == root())
        return {};
    std::vector<std::string_view> parts;
    for (NodeId n = node; n != root() && n != InvalidNode; n = m_nodes[n].parent)
        parts.push_back(name(n));
    return joinLeafFirst(parts);
}

NodeId TreeIndex::find(std::string_view path) const
{
    if (m_nodes.empty())
        return InvalidNode;
    NodeId node = root();
    while (!path.empty()) {
        const size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (part.empty())
            continue;
        // Children are sorted by their (folded) name, so a binary search finds the component.
        const std::string key = m_caseInsensitive ? wcow::foldCase(part) : std::string(part);
        const auto kids = children(node);
        size_t lo = 0, hi = kids.size();
        NodeId found = InvalidNode;
        while (lo < hi) {
            const size_t mid = (lo + hi) / 2;
            const std::string_view childName = name(kids[mid]);
            const int cmp = m_caseInsensitive ? wcow::foldCase(childName).compare(key) : childName.compare(key);
            if (cmp == 0) {
                found = kids[mid];
                break;
            }
            if (cmp < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (found == InvalidNode)
            return InvalidNode;
        node = found;
    }
    return node;
}

const TreeIndex::Record* TreeIndex::record(NodeId node) const
{
    const uint32_t r = m_nodes[node].record;
    return r == UINT32_MAX ? nullptr : &m_records[r];
}

namespace {

uint32_t readLength(const std::string& blobs, uint32_t offset)
{
    uint32_t length = 0;
    std::memcpy(&length, blobs.data() + offset, sizeof length);
    return length;
}

} // namespace

std::string_view TreeIndex::linkTarget(const Record& record) const
{
    if (record.linkTarget == UINT32_MAX)
        return {};
    return std::string_view(m_blobs).substr(record.linkTarget + 4, readLength(m_blobs, record.linkTarget));
}

std::vector<std::pair<std::string, std::string>> TreeIndex::xattrs(const Record& record) const
{
    std::vector<std::pair<std::string, std::string>> out;
    if (record.xattrs == UINT32_MAX)
        return out;
    uint32_t offset = record.xattrs;
    const uint32_t count = readLength(m_blobs, offset);
    offset += 4;
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t nameLength = readLength(m_blobs, offset);
        std::string name = m_blobs.substr(offset + 4, nameLength);
        offset += 4 + nameLength;
        const uint32_t valueLength = readLength(m_blobs, offset);
        std::string value = m_blobs.substr(offset + 4, valueLength);
        offset += 4 + valueLength;
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

std::optional<wcow::PaxTime> TreeIndex::created(const Record& record) const
{
    return record.has(Record::HasCreated) ? std::optional(time(record.createdTime)) : std::nullopt;
}

std::optional<wcow::PaxTime> TreeIndex::accessed(const Record& record) const
{
    return record.has(Record::HasAccessed) ? std::optional(time(record.accessedTime)) : std::nullopt;
}

std::optional<wcow::PaxTime> TreeIndex::changed(const Record& record) const
{
    return record.has(Record::HasChanged) ? std::optional(time(record.changedTime)) : std::nullopt;
}

wcow::WindowsEntry TreeIndex::entry(const Record& record) const
{
    wcow::WindowsEntry e;
    e.path = path(record.node);
    e.type = record.type;
    e.size = record.size;
    e.mode = record.mode;
    if (record.has(Record::HasAttributes))
        e.attributes = record.attributes;
    e.sddl = std::string(sddl(record));
    e.created = created(record);
    e.modified = modified(record);
    e.accessed = accessed(record);
    e.changed = changed(record);
    e.linkTarget = std::string(linkTarget(record));
    e.xattrs = xattrs(record);
    if (record.type == wcow::EntryType::Stream) {
        const size_t colon = e.path.rfind(':');
        if (colon != std::string::npos)
            e.streamName = e.path.substr(colon + 1);
    }
    e.tarIndex = record.tarIndex;
    return e;
}

size_t TreeIndex::memoryBytes() const
{
    size_t bytes = m_nodes.memoryBytes() + m_records.memoryBytes() + m_names.memoryBytes() + m_blobs.capacity()
        + m_wideTimes.capacity() * sizeof(wcow::PaxTime) + m_shadowed.capacity() * sizeof(Record);
    for (const auto& s : m_sddls)
        bytes += s.capacity() + sizeof(s);
    return bytes;
}

} // namespace layerscope::index
