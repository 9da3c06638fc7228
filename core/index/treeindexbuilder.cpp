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
    NodeId firstChild = InvalidNode; // during finish(): first index into TreeIndex::m_children
    NodeId nextSibling = InvalidNode; // during finish(): the child count
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
// as is a Record's padding, so a scanned entry takes 50-90 bytes instead of 144 until finish(). The field mask
// sits at a fixed offset, so the packed length can be read from the front of a record, and the last byte repeats
// it, so finish() can also walk the stream backwards.
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
constexpr size_t PackedMaskOffset = 4 + 8 + 8 + 12 + 4 + 2 + 1 + 1;
constexpr size_t MaxPackedRecord = PackedMaskOffset + 1 + 3 * 12 + 32 + 4 * 4 + 1;
static_assert(MaxPackedRecord <= sizeof(TreeIndex::Record)); // finish() relies on this to unpack in place

size_t packedLength(const char* record)
{
    const auto mask = uint8_t(record[PackedMaskOffset]);
    return PackedMaskOffset + 1 + 12 * std::popcount(unsigned(mask & 7)) + ((mask & PackedHash) ? 32 : 0)
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

void putTime(char*& out, const wcow::PaxTime& t)
{
    put(out, t.seconds);
    put(out, t.nanoseconds);
}

void getTime(const char*& in, wcow::PaxTime& t)
{
    get(in, t.seconds);
    get(in, t.nanoseconds);
}

size_t packRecord(const TreeIndex::Record& r, char* buffer)
{
    const wcow::PaxTime none {};
    uint8_t mask = 0;
    mask |= r.created != none ? PackedCreated : 0;
    mask |= r.accessed != none ? PackedAccessed : 0;
    mask |= r.changed != none ? PackedChanged : 0;
    mask |= r.sha256 != Sha256Digest {} ? PackedHash : 0;
    mask |= r.attributes != 0 ? PackedAttributes : 0;
    mask |= r.sddl != 0 ? PackedSddl : 0;
    mask |= r.linkTarget != UINT32_MAX ? PackedLinkTarget : 0;
    mask |= r.xattrs != UINT32_MAX ? PackedXattrs : 0;
    char* out = buffer;
    put(out, r.node);
    put(out, r.size);
    put(out, r.tarIndex);
    putTime(out, r.modified);
    put(out, r.mode);
    put(out, r.layer);
    put(out, r.type);
    put(out, r.flags);
    put(out, mask);
    if (mask & PackedCreated)
        putTime(out, r.created);
    if (mask & PackedAccessed)
        putTime(out, r.accessed);
    if (mask & PackedChanged)
        putTime(out, r.changed);
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
    getTime(in, r.modified);
    get(in, r.mode);
    get(in, r.layer);
    get(in, r.type);
    get(in, r.flags);
    get(in, mask);
    if (mask & PackedCreated)
        getTime(in, r.created);
    if (mask & PackedAccessed)
        getTime(in, r.accessed);
    if (mask & PackedChanged)
        getTime(in, r.changed);
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
    // Records packed as they arrive (see packRecord): 50-90 bytes instead of 144 while the tar is being read;
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
    Arena blobs;
    size_t liveNodes = 1;
    size_t deadNodes = 0;
    size_t peak = 0;
    std::vector<NodeId> stack; // scratch for kill()

    Impl() { nodes.push_back(BuildNode {}); }

    std::string_view name(const BuildNode& n) const { return std::string_view(names.data() + n.name, n.length()); }

    size_t memoryBytes() const
    {
        size_t bytes = nodes.memoryBytes() + records.memoryBytes() + names.memoryBytes()
            + table.capacity() * sizeof(NodeId) + blobs.bytes.capacity() + stack.capacity() * sizeof(NodeId);
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
        }
        return node;
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
    return true;
}

void TreeIndexBuilder::removeChildren(std::string_view path)
{
    const NodeId node = m_impl->lookup(path);
    if (node == InvalidNode)
        return;
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

size_t TreeIndexBuilder::memoryBytes() const
{
    return m_impl->memoryBytes();
}

size_t TreeIndexBuilder::peakMemoryBytes() const
{
    return std::max(m_impl->peak, m_impl->memoryBytes());
}

// Hands the builder's buffers over to the index: removed nodes and replaced records are squeezed out in place,
// nodes are rewritten in place as TreeIndex nodes, and only the sorted child lists are new. The peak stays near
// the size of the finished index. Node ids keep their creation order (parents before children), minus removed
// nodes.
TreeIndex TreeIndexBuilder::finish()
{
    Impl& b = *m_impl;
    TreeIndex index;
    index.m_caseInsensitive = b.caseInsensitive;
    const size_t total = b.nodes.size();
    std::vector<NodeId>().swap(b.table);
    b.tableUsed = 0;
    std::vector<NodeId>().swap(b.stack);
    b.sddlIds = {};

    // Removed nodes leave gaps: map old ids to dense ones (identity when nothing was removed, as in a scan), and
    // drop their names (names are in node order, so each moves down).
    std::vector<NodeId> dense;
    if (b.deadNodes > 0) {
        dense.resize(total, InvalidNode);
        NodeId next = 0;
        uint32_t written = 0;
        for (size_t id = 0; id < total; ++id) {
            BuildNode& n = b.nodes[id];
            if (n.dead())
                continue;
            dense[id] = next++;
            std::memmove(b.names.data() + written, b.names.data() + n.name, n.length());
            n.name = written;
            written += n.length();
        }
        b.names.truncate(written);
    }
    b.names.shrinkToFit();
    const auto map = [&](NodeId id) { return dense.empty() || id == InvalidNode ? id : dense[id]; };

    // Child lists, sorted by (folded) name; equal folded names (case variants) keep their creation order. Node
    // ids grow from parent to child, so by the time a node is reached its own sibling link has been read and
    // can hold its child count.
    index.m_children.reserve(b.liveNodes - 1);
    struct Key
    {
        uint32_t offset;
        uint32_t length;
        NodeId id;
    };
    std::vector<Key> keys;
    std::string folded;
    const std::string_view names(b.names.data(), b.names.size());
    for (size_t id = 0; id < total; ++id) {
        BuildNode& n = b.nodes[id];
        if (n.dead())
            continue;
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
            const std::string_view name = names.substr(child.name, child.length());
            const auto offset = uint32_t(folded.size());
            if (std::all_of(name.begin(), name.end(), [](char ch) { return uint8_t(ch) < 0x80; }))
                for (char ch : name)
                    folded.push_back(asciiUpper(uint8_t(ch)));
            else
                folded += wcow::foldCase(name);
            keys.push_back({offset, uint32_t(folded.size() - offset), c});
        }
        const std::string_view base = b.caseInsensitive ? std::string_view(folded) : names;
        const auto view = [&](const Key& k) { return base.substr(k.offset, k.length); };
        if (keys.size() > 1)
            std::sort(keys.begin(), keys.end(), [&](const Key& x, const Key& y) {
                const int cmp = view(x).compare(view(y));
                return cmp < 0 || (cmp == 0 && x.id < y.id);
            });
        n.firstChild = uint32_t(index.m_children.size());
        n.nextSibling = uint32_t(keys.size());
        for (const Key& k : keys)
            index.m_children.push_back(map(k.id));
    }
    b.notePeak(index.m_children.capacity() * sizeof(NodeId) + keys.capacity() * sizeof(Key) + folded.capacity()
               + dense.capacity() * sizeof(NodeId));
    std::vector<Key>().swap(keys);
    std::string().swap(folded);

    // Nodes, rewritten in place: slot map(id) <= id, and node id is read before anything is written there.
    static_assert(sizeof(BuildNode) == sizeof(TreeIndex::Node) && alignof(BuildNode) == alignof(TreeIndex::Node));
    for (size_t id = 0; id < total; ++id) {
        const BuildNode n = b.nodes[id];
        if (n.dead())
            continue;
        TreeIndex::Node out;
        out.parent = map(n.parent);
        out.nameOffset = n.name;
        out.nameLength = n.length();
        out.firstChild = n.firstChild;
        out.childCount = n.nextSibling;
        out.record = n.record; // the record's sequence number until the records are unpacked below
        std::memcpy(static_cast<void*>(&b.nodes[map(NodeId(id))]), &out, sizeof out);
    }
    b.nodes.truncate(b.liveNodes);
    b.nodes.shrinkToFit();
    index.m_nodes = std::move(b.nodes).reinterpretAs<TreeIndex::Node>(b.liveNodes);

    // Records, in two passes over the packed stream. Forwards: drop replaced and removed records (a record is
    // current when its node is alive and still holds its sequence number), moving the rest down. Backwards: unpack
    // record k into slot k. A packed record is shorter than a Record, so record k's packed bytes start before
    // slot k and unpacking never overwrites a record not yet read.
    char* stream = b.records.data();
    size_t read = 0;
    size_t written = 0;
    uint32_t kept = 0;
    for (uint32_t seq = 0; seq < b.recordCount; ++seq) {
        const size_t length = packedLength(stream + read);
        NodeId node = InvalidNode;
        std::memcpy(&node, stream + read, sizeof node);
        node = map(node);
        if (node != InvalidNode && index.m_nodes[node].record == seq) {
            index.m_nodes[node].record = kept++;
            std::memcpy(stream + read, &node, sizeof node);
            std::memmove(stream + written, stream + read, length);
            written += length;
        }
        read += length;
    }
    std::vector<NodeId>().swap(dense);
    b.records.truncate(written);
    b.records.reserve(size_t(kept) * sizeof(TreeIndex::Record));
    stream = b.records.data();
    for (size_t k = kept, end = written; k-- > 0;) {
        end -= uint8_t(stream[end - 1]);
        const TreeIndex::Record r = unpackRecord(stream + end);
        std::memcpy(stream + k * sizeof r, &r, sizeof r);
    }
    index.m_records = std::move(b.records).reinterpretAs<TreeIndex::Record>(kept);
    index.m_records.shrinkToFit();
    index.m_names = std::move(b.names);
    index.m_sddls = std::move(b.sddls);
    index.m_blobs = std::move(b.blobs.bytes);
    if (index.m_blobs.capacity() > index.m_blobs.size() + index.m_blobs.size() / 4 + 4096)
        index.m_blobs.shrink_to_fit();
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
