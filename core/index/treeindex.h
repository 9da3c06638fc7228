// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/sha256.h"
#include "wcow/windowsentry.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace layerscope::index {

using NodeId = uint32_t;
inline constexpr NodeId InvalidNode = UINT32_MAX;

// A node's path from its names, given leaf first (as walking up the parents finds them): "a/b/c".
std::string joinLeafFirst(const std::vector<std::string_view>& names);

// The compact, immutable tree of one layer (or of a merged chain). Built once by TreeIndexBuilder, then shared
// read-only by the CLI, the diff engine and the UI models, which address nodes by NodeId (a model's internal id).
//
// Memory, per tar entry: one 104-byte Record, one 16-byte Node per path component and the component's bytes;
// link targets and extended attributes live in a byte arena and security descriptors are interned, since a layer
// typically uses a handful of distinct descriptors for 100k files. About 140 bytes per entry for a Windows layer
// (tests/bench/million.sh measures it). Nodes are numbered breadth first with children sorted, so a node's
// children are consecutive ids and a node's name ends where the next node's begins: neither a child list nor a
// name length is stored. Nodes, records and names are the very buffers TreeIndexBuilder filled (see Array), so
// finishing an index copies none of the records.
class TreeIndex
{
public:
    // A PAX time in 8 bytes instead of 16 (wcow-layer-format §1.5): seconds since 1601-01-01 (FILETIME's epoch) in
    // the upper 34 bits and nanoseconds in the lower 30, which covers 1601 to 2145 at full precision. Any other
    // time (the ustar maximum is in 2242; PAX allows any int64) is kept exactly in the index's side table, marked
    // by a nanosecond field above 999,999,999; read times through TreeIndex::modified() and friends.
    struct PackedTime
    {
        static constexpr int64_t Origin = -11644473600; // 1601-01-01T00:00:00Z in Unix seconds
        static constexpr unsigned NanosecondBits = 30;
        static constexpr uint64_t NanosecondMask = (uint64_t(1) << NanosecondBits) - 1;
        static constexpr uint64_t WideMark = NanosecondMask; // nanoseconds field of a side-table entry

        uint64_t bits = uint64_t(-Origin) << NanosecondBits; // the Unix epoch, PaxTime's default

        // Packs `time` when it is in range.
        static std::optional<PackedTime> pack(const wcow::PaxTime& time)
        {
            if (time.nanoseconds >= 1000000000u || time.seconds < Origin)
                return std::nullopt;
            // In unsigned arithmetic: seconds - Origin overflows int64 near INT64_MAX.
            const uint64_t sinceOrigin = uint64_t(time.seconds) - uint64_t(Origin);
            if (sinceOrigin >= (uint64_t(1) << (64 - NanosecondBits)))
                return std::nullopt;
            return PackedTime {(sinceOrigin << NanosecondBits) | time.nanoseconds};
        }
        static PackedTime wide(uint32_t slot) { return PackedTime {(uint64_t(slot) << NanosecondBits) | WideMark}; }
        bool isWide() const { return (bits & NanosecondMask) == WideMark; }
        uint32_t wideSlot() const { return uint32_t(bits >> NanosecondBits); }
        wcow::PaxTime unpack() const
        {
            return wcow::PaxTime {int64_t(bits >> NanosecondBits) + Origin, uint32_t(bits & NanosecondMask)};
        }
        bool operator==(const PackedTime&) const = default;
    };

    struct Record
    {
        uint64_t size = 0;
        // Read these through TreeIndex::modified(), created(), accessed() and changed().
        PackedTime modifiedTime;
        PackedTime createdTime;
        PackedTime accessedTime;
        PackedTime changedTime;
        Sha256Digest sha256 {};
        uint32_t tarIndex = 0; // position in the layer tar (TreeIndexBuilder refuses more than 2^32 entries)
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
        uint32_t nameOffset = 0; // the name ends at the next node's nameOffset (or the end of the names)
        uint32_t firstChild = 1; // children are firstChild up to the next node's firstChild (or nodeCount())
        uint32_t record = UINT32_MAX; // UINT32_MAX for directories that only exist as parents of other entries
    };

    // A node's children: consecutive ids, sorted by name.
    using NodeRange = std::ranges::iota_view<NodeId, NodeId>;

    TreeIndex() { m_nodes.push_back(Node {}); }

    NodeId root() const { return 0; }
    size_t nodeCount() const { return m_nodes.size(); }
    size_t recordCount() const { return m_records.size(); }
    bool caseInsensitive() const { return m_caseInsensitive; }

    std::string_view name(NodeId node) const;
    NodeId parent(NodeId node) const { return m_nodes[node].parent; }
    // Children sorted by name (byte order of the folded name for Windows trees, plain byte order otherwise).
    NodeRange children(NodeId node) const;
    std::string path(NodeId node) const;
    // Looks a path up ("Files/Windows", case-insensitively for Windows trees); InvalidNode when absent.
    NodeId find(std::string_view path) const;

    // The entry stored at this node, or nullptr for an implicit directory.
    const Record* record(NodeId node) const;
    // Records in the order the tar held them.
    std::span<const Record> records() const { return {m_records.data(), m_records.size()}; }
    // Single-layer trees (built with keepCaseVariants): records of entries that a later entry with the same name
    // replaced, in tar order. Not part of records() or of any node; listings show them so that every tar header
    // appears (Record::node is the node the later entry holds).
    std::span<const Record> shadowedRecords() const { return {m_shadowed.data(), m_shadowed.size()}; }

    std::string_view sddl(const Record& record) const { return m_sddls[record.sddl]; }
    std::string_view linkTarget(const Record& record) const;
    std::vector<std::pair<std::string, std::string>> xattrs(const Record& record) const;
    wcow::PaxTime modified(const Record& record) const { return time(record.modifiedTime); }
    std::optional<wcow::PaxTime> created(const Record& record) const;
    std::optional<wcow::PaxTime> accessed(const Record& record) const;
    std::optional<wcow::PaxTime> changed(const Record& record) const;
    wcow::PaxTime time(PackedTime time) const { return time.isWide() ? m_wideTimes[time.wideSlot()] : time.unpack(); }

    // Expands a record into the full entry (for reports and the details pane).
    wcow::WindowsEntry entry(const Record& record) const;

    size_t memoryBytes() const;

private:
    friend class TreeIndexBuilder;

    // A growable array of trivially copyable elements on malloc/realloc. A std::vector grows by allocating a new
    // buffer and copying, so growing (or handing over) 104-byte records briefly needs twice their size; realloc
    // moves large blocks with mremap on Linux (no copy, and the unused tail is address space only). It grows by
    // 1/8 so that spare capacity stays small where realloc does copy. TreeIndexBuilder fills these and finish()
    // moves them into the index, converting nodes in place.
    template<typename T> class Array
    {
        static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

    public:
        Array() = default;
        Array(const Array& other) { assign(other); }
        Array(Array&& other) noexcept { swap(other); }
        Array& operator=(const Array& other)
        {
            if (this != &other)
                assign(other);
            return *this;
        }
        Array& operator=(Array&& other) noexcept
        {
            Array(std::move(other)).swap(*this);
            return *this;
        }
        ~Array() { std::free(m_data); }

        T* data() { return m_data; }
        const T* data() const { return m_data; }
        size_t size() const { return m_size; }
        size_t capacity() const { return m_capacity; }
        bool empty() const { return m_size == 0; }
        T& operator[](size_t i) { return m_data[i]; }
        const T& operator[](size_t i) const { return m_data[i]; }
        const T* begin() const { return m_data; }
        const T* end() const { return m_data + m_size; }

        void push_back(const T& value)
        {
            if (m_size == m_capacity)
                reallocate(std::max<size_t>({m_size + 1, m_capacity + m_capacity / 8, 64 / sizeof(T) + 1}));
            new (m_data + m_size) T(value);
            ++m_size;
        }
        // Appends n elements copied from data (which must not point into this array).
        void append(const T* data, size_t n)
        {
            if (m_size + n > m_capacity)
                reallocate(std::max<size_t>({m_size + n, m_capacity + m_capacity / 8, 64 / sizeof(T) + 1}));
            if (n > 0)
                std::memcpy(static_cast<void*>(m_data + m_size), data, n * sizeof(T));
            m_size += n;
        }
        void truncate(size_t n) { m_size = std::min(m_size, n); }
        void shrinkToFit()
        {
            if (m_capacity > m_size)
                reallocate(m_size);
        }
        size_t memoryBytes() const { return m_capacity * sizeof(T); }

        // Hands the buffer to an array of another element type, whose elements the caller has written in place
        // (TreeIndexBuilder turns its nodes and its packed records into TreeIndex nodes and records this way).
        // The buffer comes from malloc, so it is aligned for any element type.
        template<typename U> Array<U> reinterpretAs(size_t size) &&
        {
            static_assert(alignof(U) <= alignof(std::max_align_t));
            Array<U> out;
            out.m_capacity = m_capacity * sizeof(T) / sizeof(U);
            out.m_size = std::min(size, out.m_capacity);
            out.m_data = reinterpret_cast<U*>(std::exchange(m_data, nullptr));
            m_size = m_capacity = 0;
            return out;
        }
        // Grows the capacity to at least n elements.
        void reserve(size_t n)
        {
            if (n > m_capacity)
                reallocate(n);
        }

    private:
        template<typename> friend class Array;

        void swap(Array& other) noexcept
        {
            std::swap(m_data, other.m_data);
            std::swap(m_size, other.m_size);
            std::swap(m_capacity, other.m_capacity);
        }
        void assign(const Array& other)
        {
            m_size = 0;
            if (other.m_size > m_capacity)
                reallocate(other.m_size);
            if (other.m_size > 0)
                std::memcpy(static_cast<void*>(m_data), other.m_data, other.m_size * sizeof(T));
            m_size = other.m_size;
        }
        void reallocate(size_t capacity)
        {
            if (capacity == 0) {
                std::free(m_data);
                m_data = nullptr;
                m_capacity = 0;
                return;
            }
            void* grown = std::realloc(static_cast<void*>(m_data), capacity * sizeof(T));
            if (!grown)
                throw std::bad_alloc();
            m_data = static_cast<T*>(grown);
            m_capacity = capacity;
        }

        T* m_data = nullptr;
        size_t m_size = 0;
        size_t m_capacity = 0;
    };

    Array<Node> m_nodes; // node 0 is the root; breadth first, children sorted
    Array<Record> m_records;
    std::vector<Record> m_shadowed; // few: duplicates are rare
    Array<char> m_names; // in node order
    std::vector<wcow::PaxTime> m_wideTimes; // times PackedTime cannot hold
    std::string m_blobs; // link targets and serialised xattrs
    std::vector<std::string> m_sddls {std::string()};
    bool m_caseInsensitive = false;
};

} // namespace layerscope::index
