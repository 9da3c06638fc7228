// SPDX-License-Identifier: Apache-2.0
#include "index/treeindexbuilder.h"

#include "common/error.h"
#include "wcow/casefold.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <unordered_map>

namespace layerscope::index {

namespace {

// One path component while building (24 bytes). No name string and no children vector of its own: the name lives
// in the arena and the children form a singly linked list (first child, next sibling), sorted only at finish().
// There is no per-node lookup key either: the hash table below finds a child by (parent, folded name).
struct BuildNode
{
    NodeId parent = InvalidNode;
    uint32_t name = 0; // offset in the name arena
    uint32_t bits = 0; // name length (low 22 bits), hash tag (5 bits), entry type (3 bits), Dead, Indexed
    NodeId firstChild = InvalidNode; // children form a list: first child, then each child's next sibling
    NodeId nextSibling = InvalidNode;
    uint32_t record = UINT32_MAX; // sequence number of the node's current record

    // Paths are at most 32 KiB (TarReader::MaxPathLength); 4 MiB leaves room for any other source.
    static constexpr uint32_t LengthMask = (1u << 22) - 1;
    static constexpr uint32_t TagShift = 22;
    static constexpr uint32_t TagMask = 0x1F;
    static constexpr uint32_t TypeShift = 27; // of the current record, for isDirectory()
    static constexpr uint32_t Dead = 1u << 30; // removed: skipped by finish(), no longer in the hash table
    static constexpr uint32_t Indexed = 1u << 31; // in the hash table (a case variant is not: its first spelling is)

    uint32_t length() const { return bits & LengthMask; }
    uint32_t tag() const { return (bits >> TagShift) & TagMask; }
    wcow::EntryType type() const { return wcow::EntryType((bits >> TypeShift) & 7); }
    void setType(wcow::EntryType type) { bits = (bits & ~(7u << TypeShift)) | (uint32_t(type) << TypeShift); }
    bool dead() const { return bits & Dead; }
};
static_assert(sizeof(BuildNode) == 24);

constexpr uint64_t FnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t FnvPrime = 0x100000001b3ull;

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

char asciiUpper(uint8_t c)
{
    return char(c >= 'a' && c <= 'z' ? c - 32 : c);
}

// Hash of the name as foldCase() spells it for Windows trees (without allocating for ASCII names), of its bytes
// otherwise.
uint64_t nameHash(std::string_view name, bool caseInsensitive)
{
    if (caseInsensitive)
        return wcow::foldedHash(name);
    uint64_t h = FnvOffset;
    for (char c : name)
        h = (h ^ uint8_t(c)) * FnvPrime;
    return h;
}

uint64_t childHash(NodeId parent, std::string_view name, bool caseInsensitive)
{
    return mix(nameHash(name, caseInsensitive) ^ (uint64_t(parent) * 0x9e3779b97f4a7c15ull));
}

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

struct StringHash
{
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view> {}(s); }
};

// A record packed for the builder: fields at their default value (no creation time, no hash, ...) are left out,
// so a scanned entry takes 50-100 bytes instead of 104 until finish(). The field mask sits at a fixed offset, so
// the packed length can be read from the front of a record, and the last byte repeats it, so finish() can also
// walk the stream backwards.
enum PackedField : uint8_t {
    PackedCreated = 1,
    PackedAccessed = 2,
    PackedChanged = 4,
    PackedHash = 8,
    PackedAttributes = 16,
    PackedSddl = 32,
    PackedLinkTarget = 64,
    PackedXattrs = 128,
};
using PackedTime = TreeIndex::PackedTime;
constexpr size_t PackedMaskOffset = 4 + 8 + 4 + 8 + 4 + 2 + 1 + 1;
constexpr size_t MaxPackedRecord = PackedMaskOffset + 1 + 3 * 8 + 32 + 4 * 4 + 1;
static_assert(MaxPackedRecord <= 255); // the trailing length byte

size_t packedLength(const char* record)
{
    const auto mask = uint8_t(record[PackedMaskOffset]);
    return PackedMaskOffset + 1 + 8 * std::popcount(unsigned(mask & 7)) + ((mask & PackedHash) ? 32 : 0)
        + 4 * std::popcount(unsigned(mask & 0xF0)) + 1;
}

template<typename T> void put(char*& out, const T& value)
{
    std::memcpy(out, &value, sizeof value);
    out += sizeof value;
}

template<typename T> void get(const char*& in, T& value)
{
    std::memcpy(&value, in, sizeof value);
    in += sizeof value;
}

size_t packRecord(const TreeIndex::Record& r, char* buffer)
{
    const PackedTime none {};
    uint8_t mask = 0;
    mask |= r.createdTime != none ? PackedCreated : 0;
    mask |= r.accessedTime != none ? PackedAccessed : 0;
    mask |= r.changedTime != none ? PackedChanged : 0;
    mask |= r.sha256 != Sha256Digest {} ? PackedHash : 0;
    mask |= r.attributes != 0 ? PackedAttributes : 0;
    mask |= r.sddl != 0 ? PackedSddl : 0;
    mask |= r.linkTarget != UINT32_MAX ? PackedLinkTarget : 0;
    mask |= r.xattrs != UINT32_MAX ? PackedXattrs : 0;
    char* out = buffer;
    put(out, r.node);
    put(out, r.size);
    put(out, r.tarIndex);
    put(out, r.modifiedTime.bits);
    put(out, r.mode);
    put(out, r.layer);
    put(out, r.type);
    put(out, r.flags);
    put(out, mask);
    if (mask & PackedCreated)
        put(out, r.createdTime.bits);
    if (mask & PackedAccessed)
        put(out, r.accessedTime.bits);
    if (mask & PackedChanged)
        put(out, r.changedTime.bits);
    if (mask & PackedHash)
        put(out, r.sha256);
    if (mask & PackedAttributes)
        put(out, r.attributes);
    if (mask & PackedSddl)
        put(out, r.sddl);
    if (mask & PackedLinkTarget)
        put(out, r.linkTarget);
    if (mask & PackedXattrs)
        put(out, r.xattrs);
    const auto length = uint8_t(out - buffer + 1);
    put(out, length);
    return length;
}

TreeIndex::Record unpackRecord(const char* in)
{
    TreeIndex::Record r;
    uint8_t mask = 0;
    get(in, r.node);
    get(in, r.size);
    get(in, r.tarIndex);
    get(in, r.modifiedTime.bits);
    get(in, r.mode);
    get(in, r.layer);
    get(in, r.type);
    get(in, r.flags);
    get(in, mask);
    if (mask & PackedCreated)
        get(in, r.createdTime.bits);
    if (mask & PackedAccessed)
        get(in, r.accessedTime.bits);
    if (mask & PackedChanged)
        get(in, r.changedTime.bits);
    if (mask & PackedHash)
        get(in, r.sha256);
    if (mask & PackedAttributes)
        get(in, r.attributes);
    if (mask & PackedSddl)
        get(in, r.sddl);
    if (mask & PackedLinkTarget)
        get(in, r.linkTarget);
    if (mask & PackedXattrs)
        get(in, r.xattrs);
    return r;
}

} // namespace

struct TreeIndexBuilder::Impl
{
    bool caseInsensitive = false;
    bool keepCaseVariants = false;
    // The index's own buffer types: finish() compacts them in place and moves them over instead of copying.
    TreeIndex::Array<BuildNode> nodes;
    // Records packed as they arrive (see packRecord): 50-100 bytes instead of 104 while the tar is being read;
    // finish() unpacks them in place into the index's record array.
    TreeIndex::Array<char> records;
    uint32_t recordCount = 0;
    TreeIndex::Array<char> names; // node names, in node order
    // Open addressing with linear probing: each slot holds a NodeId, keyed by (parent, folded name). Replaces a
    // map from every node's full folded path (a heap string and a map node per entry, ~150 bytes) by ~10 bytes.
    std::vector<NodeId> table;
    size_t tableUsed = 0;
    // Descriptors repeat for nearly every entry: look them up without building a string, and try the last one
    // first.
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> sddlIds;
    std::vector<std::string> sddls {std::string()};
    uint32_t lastSddl = 0;
    std::string lastFolder; // the folder of the last path nodeFor() resolved, and its node (until a removal)
    NodeId lastFolderNode = InvalidNode;
    Arena blobs;
    std::vector<wcow::PaxTime> wideTimes; // times PackedTime cannot hold (TreeIndex::m_wideTimes)
    size_t liveNodes = 1;
    size_t deadNodes = 0;
    size_t peak = 0;
    std::vector<NodeId> stack; // scratch for kill()

    Impl() { nodes.push_back(BuildNode {}); }

    std::string_view name(const BuildNode& n) const { return std::string_view(names.data() + n.name, n.length()); }

    size_t memoryBytes() const
    {
        size_t bytes = nodes.memoryBytes() + records.memoryBytes() + names.memoryBytes()
            + table.capacity() * sizeof(NodeId) + blobs.bytes.capacity() + stack.capacity() * sizeof(NodeId)
            + wideTimes.capacity() * sizeof(wcow::PaxTime);
        for (const auto& s : sddls)
            bytes += sizeof(s) + s.capacity() * 2; // the table's key is a second copy
        bytes += sddlIds.bucket_count() * sizeof(void*) + sddlIds.size() * (sizeof(std::string) + 2 * sizeof(void*));
        return bytes;
    }
    void notePeak(size_t extra = 0) { peak = std::max(peak, memoryBytes() + extra); }

    // The node holding `name` under `parent` (its first spelling for a case-insensitive tree), or InvalidNode.
    NodeId findChild(NodeId parent, std::string_view part, uint64_t hash) const
    {
        if (table.empty())
            return InvalidNode;
        const size_t mask = table.size() - 1;
        const auto tag = uint32_t(hash >> 59);
        for (size_t i = size_t(hash) & mask;; i = (i + 1) & mask) {
            const NodeId id = table[i];
            if (id == InvalidNode)
                return InvalidNode;
            const BuildNode& n = nodes[id];
            if (n.parent != parent || n.tag() != tag)
                continue;
            const std::string_view stored = name(n);
            if (caseInsensitive ? wcow::equalsIgnoringCase(stored, part) : stored == part)
                return id;
        }
    }

    uint64_t hashOf(NodeId id) const
    {
        const BuildNode& n = nodes[id];
        return childHash(n.parent, name(n), caseInsensitive);
    }

    void insert(NodeId id, uint64_t hash)
    {
        // Keep the load under 5/8: short probe sequences, 6-13 bytes per node.
        if ((tableUsed + 1) * 8 > table.size() * 5) {
            std::vector<NodeId> grown(std::max<size_t>(64, table.size() * 2), InvalidNode);
            notePeak(grown.capacity() * sizeof(NodeId));
            const size_t mask = grown.size() - 1;
            for (NodeId old : table) {
                if (old == InvalidNode)
                    continue;
                size_t i = size_t(hashOf(old)) & mask;
                while (grown[i] != InvalidNode)
                    i = (i + 1) & mask;
                grown[i] = old;
            }
            table = std::move(grown);
        }
        const size_t mask = table.size() - 1;
        size_t i = size_t(hash) & mask;
        while (table[i] != InvalidNode)
            i = (i + 1) & mask;
        table[i] = id;
        ++tableUsed;
    }

    void erase(NodeId id)
    {
        const size_t mask = table.size() - 1;
        size_t i = size_t(hashOf(id)) & mask;
        while (table[i] != id)
            i = (i + 1) & mask;
        // Backward-shift deletion (no tombstones, so lookups do not slow down after many removals): move later
        // members of the cluster into the hole unless that would put them before their home slot.
        for (size_t j = (i + 1) & mask; table[j] != InvalidNode; j = (j + 1) & mask) {
            const size_t home = size_t(hashOf(table[j])) & mask;
            const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                table[i] = table[j];
                i = j;
            }
        }
        table[i] = InvalidNode;
        --tableUsed;
    }

    // Walks an existing path; InvalidNode when any component is missing, and for the root itself (callers look
    // up entries, never the root).
    NodeId lookup(std::string_view path) const
    {
        NodeId node = 0;
        bool any = false;
        size_t start = 0;
        while (start <= path.size()) {
            size_t slash = path.find('/', start);
            if (slash == std::string_view::npos)
                slash = path.size();
            const std::string_view part = path.substr(start, slash - start);
            start = slash + 1;
            if (part.empty())
                continue;
            node = findChild(node, part, childHash(node, part, caseInsensitive));
            if (node == InvalidNode)
                return InvalidNode;
            any = true;
        }
        return any ? node : InvalidNode;
    }

    NodeId nodeFor(std::string_view path)
    {
        NodeId node = 0;
        size_t start = 0;
        // Entries arrive folder by folder (tars as written, disks as walked): when this one's folder is the last
        // one's, only its own name is looked up.
        const size_t cut = path.rfind('/');
        const std::string_view folder = path.substr(0, cut == std::string_view::npos ? 0 : cut);
        NodeId folderNode = InvalidNode; // stays so unless a component ends at `cut` ("a//b" is not cached)
        if (cut != std::string_view::npos && lastFolderNode != InvalidNode && folder == lastFolder) {
            node = lastFolderNode;
            start = cut + 1;
            folderNode = node;
        }
        while (start <= path.size()) {
            size_t slash = path.find('/', start);
            if (slash == std::string_view::npos)
                slash = path.size();
            const std::string_view part = path.substr(start, slash - start);
            start = slash + 1;
            if (part.empty())
                continue;
            const uint64_t hash = childHash(node, part, caseInsensitive);
            const NodeId found = findChild(node, part, hash);
            const bool leaf = start > path.size();
            if (found != InvalidNode && !(leaf && keepCaseVariants && name(nodes[found]) != part)) {
                node = found;
                if (slash == cut)
                    folderNode = node;
                continue;
            }
            // A case variant gets a node but stays out of the table: lookups keep finding the first spelling.
            const bool variant = found != InvalidNode;
            if (part.size() > BuildNode::LengthMask)
                throw Error("tree index: path component longer than 4 MiB");
            const auto id = NodeId(nodes.size());
            BuildNode child;
            child.parent = node;
            if (names.size() + part.size() > UINT32_MAX)
                throw Error("tree index: more than 4 GiB of names");
            const size_t grown = nodes.capacity() + records.capacity() + names.capacity();
            child.name = uint32_t(names.size());
            names.append(part.data(), part.size());
            child.bits = uint32_t(part.size()) | (uint32_t(hash >> 59) << BuildNode::TagShift)
                | (variant ? 0 : BuildNode::Indexed);
            child.nextSibling = nodes[node].firstChild;
            nodes[node].firstChild = id;
            nodes.push_back(child);
            if (nodes.capacity() + records.capacity() + names.capacity() != grown)
                notePeak();
            if (!variant)
                insert(id, hash);
            ++liveNodes;
            node = id;
            if (slash == cut)
                folderNode = node;
        }
        if (folderNode != lastFolderNode || folder != lastFolder) {
            lastFolder.assign(folder);
            lastFolderNode = folderNode;
        }
        return node;
    }

    PackedTime packTime(const wcow::PaxTime& time)
    {
        if (const auto packed = PackedTime::pack(time))
            return *packed;
        if (wideTimes.size() >= UINT32_MAX)
            throw Error("tree index: too many times outside 1601-2145");
        wideTimes.push_back(time);
        return PackedTime::wide(uint32_t(wideTimes.size() - 1));
    }

    uint32_t internSddl(std::string_view sddl)
    {
        if (sddl.empty())
            return 0;
        if (sddls[lastSddl] == sddl)
            return lastSddl;
        auto it = sddlIds.find(sddl);
        if (it == sddlIds.end()) {
            it = sddlIds.emplace(std::string(sddl), uint32_t(sddls.size())).first;
            sddls.emplace_back(sddl);
        }
        lastSddl = it->second;
        return lastSddl;
    }

    void attach(NodeId node, TreeIndex::Record record)
    {
        record.node = node;
        BuildNode& n = nodes[node];
        // A replaced record stays in the stream; finish() drops it, since the node no longer points to it.
        if (recordCount == UINT32_MAX)
            throw Error("tree index: too many entries");
        n.record = recordCount++;
        n.setType(record.type);
        char packed[MaxPackedRecord];
        const size_t length = packRecord(record, packed);
        const size_t capacity = records.capacity();
        records.append(packed, length);
        if (records.capacity() != capacity)
            notePeak();
    }

    // Marks a subtree dead. Its nodes stay in their siblings' lists (unlinking would mean walking a singly linked
    // list) and are skipped by finish(); their keys leave the table so that a later add() creates fresh nodes.
    void kill(NodeId node)
    {
        stack.assign(1, node);
        while (!stack.empty()) {
            const NodeId id = stack.back();
            stack.pop_back();
            BuildNode& n = nodes[id];
            if (n.dead())
                continue;
            if (n.bits & BuildNode::Indexed)
                erase(id);
            n.bits = (n.bits | BuildNode::Dead) & ~BuildNode::Indexed;
            n.record = UINT32_MAX;
            --liveNodes;
            ++deadNodes;
            for (NodeId c = n.firstChild; c != InvalidNode; c = nodes[c].nextSibling)
                stack.push_back(c);
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
    if (entry.tarIndex > UINT32_MAX)
        throw Error("tree index: more than 2^32 tar entries");
    r.tarIndex = uint32_t(entry.tarIndex);
    r.modifiedTime = m_impl->packTime(entry.modified);
    if (entry.created) {
        r.createdTime = m_impl->packTime(*entry.created);
        r.flags |= Record::HasCreated;
    }
    if (entry.accessed) {
        r.accessedTime = m_impl->packTime(*entry.accessed);
        r.flags |= Record::HasAccessed;
    }
    if (entry.changed) {
        r.changedTime = m_impl->packTime(*entry.changed);
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
        // Serialised straight into the arena: count, then length-prefixed name and value of each attribute.
        std::string& out = m_impl->blobs.bytes;
        r.xattrs = uint32_t(out.size());
        const auto count = uint32_t(entry.xattrs.size());
        out.append(reinterpret_cast<const char*>(&count), sizeof count);
        for (const auto& [name, value] : entry.xattrs) {
            for (const std::string* s : {&name, &value}) {
                const auto length = uint32_t(s->size());
                out.append(reinterpret_cast<const char*>(&length), sizeof length);
                out.append(*s);
            }
        }
    }
    const NodeId node = m_impl->nodeFor(entry.path);
    m_impl->attach(node, r);
    return node;
}

NodeId TreeIndexBuilder::addFrom(const TreeIndex& source, const TreeIndex::Record& record, std::string_view path)
{
    TreeIndex::Record r = record;
    // Times outside PackedTime's range live in the source's side table: carry them over into ours.
    for (PackedTime* t : {&r.modifiedTime, &r.createdTime, &r.accessedTime, &r.changedTime})
        if (t->isWide())
            *t = m_impl->packTime(source.time(*t));
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
    const NodeId node = m_impl->lookup(path);
    if (node == InvalidNode)
        return false;
    m_impl->kill(node);
    m_impl->lastFolderNode = InvalidNode;
    return true;
}

void TreeIndexBuilder::removeChildren(std::string_view path)
{
    const NodeId node = m_impl->lookup(path);
    if (node == InvalidNode)
        return;
    m_impl->lastFolderNode = InvalidNode;
    // Only the children a path lookup finds, as removing each child by path always did: a case variant (which
    // only a keepCaseVariants tree has, and merges never use one) stays.
    for (NodeId c = m_impl->nodes[node].firstChild; c != InvalidNode; c = m_impl->nodes[c].nextSibling)
        if (m_impl->nodes[c].bits & BuildNode::Indexed)
            m_impl->kill(c);
}

bool TreeIndexBuilder::isDirectory(std::string_view path) const
{
    const NodeId node = m_impl->lookup(path);
    if (node == InvalidNode)
        return false;
    const BuildNode& n = m_impl->nodes[node];
    if (n.record == UINT32_MAX)
        return true;
    const auto type = n.type();
    return type == wcow::EntryType::Directory || type == wcow::EntryType::Junction;
}

bool TreeIndexBuilder::contains(std::string_view path) const
{
    return m_impl->lookup(path) != InvalidNode;
}

NodeId TreeIndexBuilder::find(std::string_view path) const
{
    return m_impl->lookup(path);
}

std::string TreeIndexBuilder::path(NodeId node) const
{
    std::vector<std::string_view> parts;
    for (NodeId n = node; n != 0 && n < m_impl->nodes.size(); n = m_impl->nodes[n].parent)
        parts.push_back(m_impl->name(m_impl->nodes[n]));
    return joinLeafFirst(parts);
}

size_t TreeIndexBuilder::memoryBytes() const
{
    return m_impl->memoryBytes();
}

size_t TreeIndexBuilder::peakMemoryBytes() const
{
    return std::max(m_impl->peak, m_impl->memoryBytes());
}

// Hands the builder's state over to the index. Records: replaced and removed ones are squeezed out of the packed
// stream in place, then the stream is unpacked in place (backwards) into the index's record array. Nodes: numbered
// afresh breadth first, children sorted, which drops removed nodes and lays names out in node order; the new
// nodes (16 bytes) and names are written while the build nodes (24 bytes) still exist, the one moment two copies
// of the node table are alive. Parents keep smaller ids than their children.
TreeIndex TreeIndexBuilder::finish()
{
    using Node = TreeIndex::Node;
    using Record = TreeIndex::Record;
    Impl& b = *m_impl;
    TreeIndex index;
    index.m_caseInsensitive = b.caseInsensitive;
    const size_t total = b.nodes.size();
    std::vector<NodeId>().swap(b.table);
    b.tableUsed = 0;
    std::vector<NodeId>().swap(b.stack);
    b.sddlIds = {};

    // Records, forwards: a record is current when its node is alive and still holds its sequence number; current
    // records move down and the node learns the record's final number.
    char* stream = b.records.data();
    size_t read = 0;
    size_t written = 0;
    uint32_t kept = 0;
    // Unpacking backwards in place needs record k's packed bytes to start at or before slot k; packed records are
    // nearly always shorter than a Record, but a crafted entry with every field set is not.
    bool inPlace = true;
    for (uint32_t seq = 0; seq < b.recordCount; ++seq) {
        const size_t length = packedLength(stream + read);
        NodeId node = InvalidNode;
        std::memcpy(&node, stream + read, sizeof node);
        BuildNode& n = b.nodes[node];
        if (!n.dead() && n.record == seq) {
            inPlace = inPlace && written <= size_t(kept) * sizeof(Record);
            n.record = kept++;
            std::memmove(stream + written, stream + read, length);
            written += length;
        } else if (!n.dead() && b.keepCaseVariants) {
            // A single layer's entry that a later one with the same name replaced: kept aside for listings (its
            // node is renumbered below).
            index.m_shadowed.push_back(unpackRecord(stream + read));
        }
        read += length;
    }
    b.records.truncate(written);

    // Nodes, breadth first. `order` is the queue (new id -> build id), `renumbered` the reverse map for records.
    std::vector<NodeId> order;
    order.reserve(b.liveNodes);
    std::vector<NodeId> renumbered(total, InvalidNode);
    TreeIndex::Array<Node> nodes;
    nodes.reserve(b.liveNodes);
    TreeIndex::Array<char> names;
    names.reserve(b.names.size());
    order.push_back(0);
    renumbered[0] = 0;
    nodes.push_back(Node {InvalidNode, 0, 1, b.nodes[0].record});
    struct Key
    {
        uint32_t offset;
        uint32_t length;
        NodeId id;
    };
    std::vector<Key> keys;
    std::string folded;
    const std::string_view builtNames(b.names.data(), b.names.size());
    for (size_t k = 0; k < order.size(); ++k) {
        const BuildNode& n = b.nodes[order[k]];
        keys.clear();
        folded.clear();
        for (NodeId c = n.firstChild; c != InvalidNode; c = b.nodes[c].nextSibling) {
            const BuildNode& child = b.nodes[c];
            if (child.dead())
                continue;
            if (!b.caseInsensitive) {
                keys.push_back({child.name, child.length(), c});
                continue;
            }
            const std::string_view name = builtNames.substr(child.name, child.length());
            const auto offset = uint32_t(folded.size());
            if (std::all_of(name.begin(), name.end(), [](char ch) { return uint8_t(ch) < 0x80; }))
                for (char ch : name)
                    folded.push_back(asciiUpper(uint8_t(ch)));
            else
                folded += wcow::foldCase(name);
            keys.push_back({offset, uint32_t(folded.size() - offset), c});
        }
        // Sorted by (folded) name; equal folded names (case variants) keep their creation order.
        const std::string_view base = b.caseInsensitive ? std::string_view(folded) : builtNames;
        const auto view = [&](const Key& key) { return base.substr(key.offset, key.length); };
        if (keys.size() > 1)
            std::sort(keys.begin(), keys.end(), [&](const Key& x, const Key& y) {
                const int cmp = view(x).compare(view(y));
                return cmp < 0 || (cmp == 0 && x.id < y.id);
            });
        nodes[k].firstChild = uint32_t(order.size());
        for (const Key& key : keys) {
            const BuildNode& child = b.nodes[key.id];
            renumbered[key.id] = NodeId(order.size());
            order.push_back(key.id);
            nodes.push_back(Node {NodeId(k), uint32_t(names.size()), 0, child.record});
            names.append(builtNames.data() + child.name, child.length());
        }
    }
    b.notePeak(nodes.memoryBytes() + names.memoryBytes() + order.capacity() * sizeof(NodeId)
               + renumbered.capacity() * sizeof(NodeId) + keys.capacity() * sizeof(Key) + folded.capacity());
    std::vector<Key>().swap(keys);
    std::string().swap(folded);
    std::vector<NodeId>().swap(order);
    b.nodes = {};
    b.names = {};
    names.shrinkToFit();
    index.m_nodes = std::move(nodes);
    index.m_names = std::move(names);

    // Records, backwards: unpack record k into slot k, with its node's new id.
    TreeIndex::Array<Record> records;
    if (inPlace) {
        b.records.reserve(size_t(kept) * sizeof(Record));
        stream = b.records.data();
        for (size_t k = kept, end = written; k-- > 0;) {
            end -= uint8_t(stream[end - 1]);
            Record r = unpackRecord(stream + end);
            r.node = renumbered[r.node];
            std::memcpy(stream + k * sizeof r, &r, sizeof r);
        }
        records = std::move(b.records).reinterpretAs<Record>(kept);
    } else {
        records.reserve(kept);
        for (size_t at = 0; at < written; at += packedLength(b.records.data() + at)) {
            Record r = unpackRecord(b.records.data() + at);
            r.node = renumbered[r.node];
            records.push_back(r);
        }
        b.records = {};
    }
    for (Record& shadowed : index.m_shadowed)
        shadowed.node = renumbered[shadowed.node];
    b.notePeak(index.memoryBytes() + records.memoryBytes() + renumbered.capacity() * sizeof(NodeId));
    std::vector<NodeId>().swap(renumbered);
    index.m_records = std::move(records);
    index.m_records.shrinkToFit();
    index.m_sddls = std::move(b.sddls);
    index.m_blobs = std::move(b.blobs.bytes);
    if (index.m_blobs.capacity() > index.m_blobs.size() + index.m_blobs.size() / 4 + 4096)
        index.m_blobs.shrink_to_fit();
    index.m_wideTimes = std::move(b.wideTimes);
    b.notePeak(index.memoryBytes());

    const size_t peak = b.peak;
    const bool keepCaseVariants = b.keepCaseVariants;
    *m_impl = Impl {};
    m_impl->caseInsensitive = index.m_caseInsensitive;
    m_impl->keepCaseVariants = keepCaseVariants;
    m_impl->peak = peak;
    return index;
}

} // namespace layerscope::index
