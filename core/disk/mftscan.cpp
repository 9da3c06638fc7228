// SPDX-License-Identifier: Apache-2.0
#include "disk/mftscan.h"

#include "common/error.h"
#include "common/utf16.h"
#include "disk/mftlayout.h"
#include "disk/ntfsrecord.h"
#include "disk/ntfstreesink.h"
#include "disk/ntfsvolume.h"
#include "wcow/casefold.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace layerscope::disk {

namespace {

using namespace ntfs;

// MFT records 0-15 are the metadata files ($MFT, ..., $Secure at 9, $Extend at 11) and 16-23 are reserved; the
// root directory is 5. Metadata below $Extend has numbers from 24 up but is reached only through $Extend.
constexpr uint64_t RootRecord = 5;
constexpr uint64_t SecureRecord = 9;
constexpr uint64_t FirstUserRecord = 24;
// $Secure:$SDS holds each distinct descriptor of the volume twice; Windows volumes keep a few MiB. A larger stream
// is left to the walk rather than read whole into memory.
constexpr uint64_t MaxSecurityStream = uint64_t(256) << 20;
// A non-resident reparse point or security descriptor is at most 16 KiB (MS-FSCC) or 64 KiB (a descriptor's
// size field); anything larger is damage.
constexpr uint64_t MaxAttributeValue = 64 * 1024;

// Lets the descriptor table be searched by a string_view of bytes without making a string of them.
struct TransparentHash
{
    using is_transparent = void;
    size_t operator()(std::string_view bytes) const { return std::hash<std::string_view> {}(bytes); }
};

// A piece of text or bytes kept in one of the scanner's arenas.
struct Slice
{
    uint32_t offset = 0;
    uint32_t length = 0;
};

// What one base record (with its extension records merged) holds that the tree needs.
struct FileFacts
{
    uint64_t record = 0;
    uint16_t sequence = 0;
    bool hasInformation = false;
    bool directory = false;
    bool reparse = false;
    bool hasDescriptor = false;
    bool hasSize = false;
    StandardInformation information;
    uint64_t size = 0;
    uint32_t reparseTag = 0;
    Slice linkTarget; // in m_text
    Slice descriptor; // in m_bytes
};

struct NameFacts
{
    uint64_t owner = 0; // record number of the base record
    uint64_t parent = 0; // file reference of the folder
    Slice name; // in m_text
};

struct StreamFacts
{
    uint64_t owner = 0;
    Slice name;
    uint64_t size = 0;
};

// A non-resident value read after the scan: pieces of it may sit in extension records.
struct LateValue
{
    enum class Kind : uint8_t { SecurityStream, ReparsePoint, SecurityDescriptor };
    uint64_t owner = 0;
    Kind kind = Kind::SecurityStream;
    uint64_t size = 0; // from the piece at VCN 0
    std::vector<Run> runs;
};

class MftScanner
{
public:
    MftScanner(const NtfsVolume& volume, NtfsTreeSink& sink)
        : m_volume(volume)
        , m_sink(sink)
        , m_layout(volume)
    { }

    void run()
    {
        readRecords();
        mergeExtensions();
        readLateValues();
        emit();
    }

private:
    // --- the records -----------------------------------------------------------------------------------------------

    void readRecords()
    {
        // As many facts as records in use (most of them base records with one name), so that the vectors are
        // not left half empty by their last doubling.
        const uint64_t used = m_layout.recordsInUse();
        m_facts.reserve(size_t(used));
        m_names.reserve(size_t(used + used / 16));
        m_layout.forEachRecordInUse(
            [this](uint64_t number, std::span<uint8_t> record) {
                try {
                    readRecord(number, record);
                } catch (const NtfsFormatError& e) {
                    throw NeedsWalk {describeRecordError(e, number)};
                }
            },
            [this](uint64_t done) {
                m_sink.progress().checkCancelled();
                m_sink.progress().advance(done, m_layout.recordCount());
            });
    }

    void readRecord(uint64_t number, std::span<uint8_t> record)
    {
        if (!applyUpdateSequence(record))
            throw NeedsWalk {"MFT record " + std::to_string(number)
                             + " is in use by the $MFT's bitmap but is not a file record (damaged, or marked BAAD)"};
        const RecordHeader header = readRecordHeader(record);
        if (!header.inUse())
            return;
        const bool extension = header.baseRecord != 0;
        const uint64_t owner = extension ? recordNumber(header.baseRecord) : number;
        FileFacts facts;
        facts.record = owner;
        facts.sequence = header.sequence;
        AttributeReader reader(record, header);
        Attribute a;
        while (reader.next(a)) {
            switch (a.type) {
            case AttributeStandardInformation:
                if (!extension) {
                    facts.information = readStandardInformation(a);
                    facts.hasInformation = true;
                }
                break;
            case AttributeFileName: {
                const FileName name = readFileName(a);
                if (name.nameSpace != NameSpaceDos)
                    m_names.push_back({owner, name.parent, text(name.name)});
                break;
            }
            case AttributeData: {
                if (a.lowestVcn != 0) {
                    if (owner == SecureRecord && a.nameIs(u"$SDS"))
                        lateValue(owner, LateValue::Kind::SecurityStream, a);
                    break;
                }
                const uint64_t size = a.resident ? a.value.size() : a.dataSize;
                if (!a.named()) {
                    facts.size = size;
                    facts.hasSize = true;
                } else {
                    m_streams.push_back({owner, text(a.name), size});
                    if (owner == SecureRecord && a.nameIs(u"$SDS")) {
                        if (a.resident)
                            m_securityStream.assign(a.value.begin(), a.value.end());
                        else
                            lateValue(owner, LateValue::Kind::SecurityStream, a);
                    }
                }
                break;
            }
            case AttributeIndexRoot:
                if (a.nameIs(u"$I30"))
                    facts.directory = true;
                break;
            case AttributeReparsePoint:
                facts.reparse = true;
                if (a.resident)
                    setReparsePoint(facts, a.value);
                else
                    lateValue(owner, LateValue::Kind::ReparsePoint, a);
                break;
            case AttributeSecurityDescriptor:
                facts.hasDescriptor = true;
                if (a.resident)
                    facts.descriptor = descriptor(a.value);
                else
                    lateValue(owner, LateValue::Kind::SecurityDescriptor, a);
                break;
            default:
                break;
            }
        }
        (extension ? m_extensions : m_facts).push_back(facts);
    }

    void setReparsePoint(FileFacts& facts, std::span<const uint8_t> value)
    {
        const ReparsePoint point = readReparsePoint(value);
        facts.reparseTag = point.tag;
        facts.linkTarget = text(point.printName);
    }

    void lateValue(uint64_t owner, LateValue::Kind kind, const Attribute& a)
    {
        // Pieces of one value may come in any order (an extension record can precede its base).
        const auto [it, fresh] = m_lateIndex.try_emplace(owner * 4 + uint64_t(kind), m_late.size());
        if (fresh)
            m_late.push_back(LateValue {owner, kind, 0, {}});
        LateValue& value = m_late[it->second];
        if (a.lowestVcn == 0)
            value.size = a.dataSize;
        const auto runs = decodeRuns(a.runs, a.lowestVcn);
        m_layout.checkRuns(runs, "an attribute");
        value.runs.insert(value.runs.end(), runs.begin(), runs.end());
    }

    Slice text(std::span<const uint8_t> utf16le)
    {
        const size_t begin = m_text.size();
        appendUtf8FromUtf16Le(utf16le, m_text);
        return slice(begin, m_text.size());
    }

    // A descriptor kept in a record, stored once however many records hold the same one (volumes written by
    // ntfs-3g keep one in every record).
    Slice descriptor(std::span<const uint8_t> value)
    {
        const std::string_view key(reinterpret_cast<const char*>(value.data()), value.size());
        if (const auto known = m_descriptorSlices.find(key); known != m_descriptorSlices.end())
            return known->second;
        const size_t begin = m_bytes.size();
        m_bytes.append(key);
        const Slice stored = slice(begin, m_bytes.size());
        m_descriptorSlices.emplace(std::string(key), stored);
        return stored;
    }

    static Slice slice(size_t begin, size_t end)
    {
        // Offsets are 32 bits to keep the per-record facts small: 4 GiB of names is some 100 million files.
        if (end > UINT32_MAX)
            throw NeedsWalk {"more than 4 GiB of names"};
        return {uint32_t(begin), uint32_t(end - begin)};
    }

    std::string_view view(Slice s) const { return std::string_view(m_text).substr(s.offset, s.length); }

    // --- putting the pieces together -------------------------------------------------------------------------------

    // m_facts is in record order, as the MFT was read.
    FileFacts* find(uint64_t record)
    {
        const auto it = std::lower_bound(m_facts.begin(), m_facts.end(), record,
                                         [](const FileFacts& f, uint64_t r) { return f.record < r; });
        return it != m_facts.end() && it->record == record ? &*it : nullptr;
    }

    void mergeExtensions()
    {
        for (const FileFacts& extension : m_extensions) {
            FileFacts* base = find(extension.record);
            if (!base)
                throw NeedsWalk {"an extension record names MFT record " + std::to_string(extension.record)
                                 + " as its base, which is not in use"};
            base->directory |= extension.directory;
            if (extension.hasSize) {
                base->size = extension.size;
                base->hasSize = true;
            }
            if (extension.reparse) {
                base->reparse = true;
                base->reparseTag = extension.reparseTag;
                base->linkTarget = extension.linkTarget;
            }
            if (extension.hasDescriptor) {
                base->hasDescriptor = true;
                base->descriptor = extension.descriptor;
            }
        }
        m_extensions = {};
    }

    void readLateValues()
    {
        for (LateValue& value : m_late) {
            MftLayout::sortRuns(value.runs);
            const uint64_t limit
                = value.kind == LateValue::Kind::SecurityStream ? MaxSecurityStream : MaxAttributeValue;
            if (value.size > limit)
                throw NeedsWalk {"a non-resident attribute of MFT record " + std::to_string(value.owner) + " holds "
                                 + std::to_string(value.size) + " bytes"};
            FileFacts* facts = find(value.owner);
            if (!facts)
                continue;
            std::vector<uint8_t> data(size_t(value.size));
            m_layout.read(value.runs, 0, data);
            try {
                switch (value.kind) {
                case LateValue::Kind::SecurityStream:
                    m_securityStream = std::move(data);
                    break;
                case LateValue::Kind::ReparsePoint:
                    setReparsePoint(*facts, data);
                    break;
                case LateValue::Kind::SecurityDescriptor:
                    facts->descriptor = descriptor(data);
                    break;
                }
            } catch (const NtfsFormatError& e) {
                throw NeedsWalk {describeRecordError(e, value.owner)};
            }
        }
        for (const SecurityDescriptorEntry& entry : readSecurityStream(m_securityStream))
            m_descriptors.try_emplace(entry.id, entry.descriptor);
    }

    std::string_view sddlOf(const FileFacts& facts)
    {
        if (facts.hasDescriptor) {
            const std::string*& sddl = m_sddlByOffset[facts.descriptor.offset];
            if (!sddl) {
                const auto* begin = reinterpret_cast<const uint8_t*>(m_bytes.data()) + facts.descriptor.offset;
                sddl = &m_sink.sddlOf(std::span(begin, facts.descriptor.length));
            }
            return *sddl;
        }
        const uint32_t id = facts.information.securityId;
        if (id == 0)
            return {};
        const auto cached = m_sddlById.find(id);
        if (cached != m_sddlById.end())
            return *cached->second;
        const auto descriptor = m_descriptors.find(id);
        if (descriptor == m_descriptors.end())
            return {};
        const std::string& sddl = m_sink.sddlOf(descriptor->second);
        m_sddlById.emplace(id, &sddl);
        return sddl;
    }

    // Every name, checked against the record it names as its folder, then the tree depth first from the root.
    void emit()
    {
        const uint32_t none = UINT32_MAX;
        // Folder index of every name, and the names grouped by folder (a counting sort keeps the MFT's order).
        std::vector<uint32_t> folderOf(m_names.size(), none);
        std::vector<uint32_t> ownerOf(m_names.size(), none);
        std::vector<uint32_t> firstChild(m_facts.size() + 1, 0);
        for (size_t i = 0; i < m_names.size(); ++i) {
            const NameFacts& name = m_names[i];
            const FileFacts* owner = find(name.owner);
            if (!owner || !owner->hasInformation)
                throw NeedsWalk {"MFT record " + std::to_string(name.owner) + " has a name but no "
                                 + (owner ? "$STANDARD_INFORMATION" : "base record in use")};
            if (name.owner == RootRecord)
                continue; // the root's own name, "."
            const FileFacts* folder = find(recordNumber(name.parent));
            if (!folder || !folder->directory || folder->sequence != sequenceNumber(name.parent))
                throw NeedsWalk {"the name \"" + std::string(view(name.name)) + "\" of MFT record "
                                 + std::to_string(name.owner) + " names record "
                                 + std::to_string(recordNumber(name.parent)) + " (sequence "
                                 + std::to_string(sequenceNumber(name.parent)) + ") as its folder, which "
                                 + (!folder                  ? "is not in use"
                                        : !folder->directory ? "is not a folder"
                                                             : "was reused")};
            ownerOf[i] = uint32_t(owner - m_facts.data());
            folderOf[i] = uint32_t(folder - m_facts.data());
            ++firstChild[folderOf[i] + 1];
        }
        for (size_t i = 1; i < firstChild.size(); ++i)
            firstChild[i] += firstChild[i - 1];
        std::vector<uint32_t> children(firstChild.back());
        {
            std::vector<uint32_t> fill(firstChild.begin(), firstChild.end() - 1);
            for (size_t i = 0; i < m_names.size(); ++i)
                if (folderOf[i] != none)
                    children[fill[folderOf[i]]++] = uint32_t(i);
        }
        // Streams grouped by their record, in the order the records hold them.
        std::stable_sort(m_streams.begin(), m_streams.end(),
                         [](const StreamFacts& a, const StreamFacts& b) { return a.owner < b.owner; });

        const FileFacts* root = find(RootRecord);
        if (!root || !root->directory)
            throw NeedsWalk {"the root folder's record (5) is not a folder in use"};
        const auto rootIndex = uint32_t(root - m_facts.data());
        const std::unordered_map<uint32_t, std::string> primaries = primaryNames(ownerOf, folderOf, rootIndex);
        std::vector<bool> visited(m_facts.size());
        visited[rootIndex] = true;
        std::vector<std::pair<uint32_t, std::string>> stack;
        stack.emplace_back(rootIndex, m_sink.root());
        std::string path;
        while (!stack.empty()) {
            auto [folder, folderPath] = std::move(stack.back());
            stack.pop_back();
            m_sink.progress().checkCancelled();
            for (uint32_t c = firstChild[folder]; c < firstChild[folder + 1]; ++c) {
                const uint32_t nameIndex = children[c];
                const uint32_t ownerIndex = ownerOf[nameIndex];
                const FileFacts& facts = m_facts[ownerIndex];
                if (folder == rootIndex && facts.record < FirstUserRecord)
                    continue; // NTFS's own files, which Windows hides
                const std::string_view name = view(m_names[nameIndex].name);
                std::string_view linkTo; // set for every name of a file with several but the first
                if (const auto primary = primaries.find(ownerIndex);
                    primary != primaries.end() && NtfsTreeSink::join(folderPath, name) != primary->second)
                    linkTo = primary->second;
                const NtfsTreeSink::Placed placed = addName(facts, folderPath, name, path, linkTo);
                if (placed == NtfsTreeSink::Placed::Entry || placed == NtfsTreeSink::Placed::Directory)
                    addStreams(facts, path);
                if (placed == NtfsTreeSink::Placed::Directory && !visited[ownerIndex]) {
                    visited[ownerIndex] = true;
                    stack.emplace_back(ownerIndex, path);
                }
            }
        }
    }

    // A file with several names is listed once, under the name that comes first in path order (folder by folder,
    // names compared as NTFS compares them): the one an export walking each folder in its index's order meets
    // first, and so the one a layer tar of the same files holds as the file, its other names as hard links to it.
    // Returns that path for every record with more than one name in the tree.
    std::unordered_map<uint32_t, std::string> primaryNames(const std::vector<uint32_t>& ownerOf,
                                                           const std::vector<uint32_t>& folderOf, uint32_t rootIndex)
    {
        const uint32_t none = UINT32_MAX;
        std::vector<uint32_t> nameCount(m_facts.size());
        std::vector<uint32_t> folderName(m_facts.size(), none); // a folder's name (folders have one)
        for (size_t i = 0; i < m_names.size(); ++i) {
            if (ownerOf[i] == none)
                continue;
            ++nameCount[ownerOf[i]];
            if (folderName[ownerOf[i]] == none)
                folderName[ownerOf[i]] = uint32_t(i);
        }
        // A name's path as folded components from the root, or nothing when it lies outside the listed tree.
        const auto components = [&](uint32_t name) {
            std::vector<uint32_t> chain {name};
            for (uint32_t folder = folderOf[name]; folder != rootIndex; folder = folderOf[chain.back()]) {
                if (folderName[folder] == none || chain.size() > 4096)
                    return std::vector<uint32_t> {};
                chain.push_back(folderName[folder]);
            }
            if (m_facts[ownerOf[chain.back()]].record < FirstUserRecord)
                return std::vector<uint32_t> {};
            std::reverse(chain.begin(), chain.end());
            return chain;
        };
        const auto before = [&](const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
            for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
                const std::string_view x = view(m_names[a[i]].name), y = view(m_names[b[i]].name);
                if (x == y)
                    continue;
                const std::string fx = wcow::foldCase(x), fy = wcow::foldCase(y);
                return fx != fy ? fx < fy : x < y;
            }
            return a.size() < b.size();
        };
        std::unordered_map<uint32_t, std::vector<uint32_t>> best;
        for (size_t i = 0; i < m_names.size(); ++i) {
            const uint32_t owner = ownerOf[i];
            if (owner == none || nameCount[owner] < 2 || m_facts[owner].directory)
                continue;
            std::vector<uint32_t> path = components(uint32_t(i));
            if (path.empty())
                continue;
            const auto [it, fresh] = best.try_emplace(owner, path);
            if (!fresh && before(path, it->second))
                it->second = std::move(path);
        }
        std::unordered_map<uint32_t, std::string> primaries;
        for (const auto& [owner, path] : best) {
            std::string text = m_sink.root();
            for (const uint32_t name : path)
                text = NtfsTreeSink::join(text, view(m_names[name].name));
            primaries.emplace(owner, std::move(text));
        }
        return primaries;
    }

    NtfsTreeSink::Placed addName(const FileFacts& facts, const std::string& folder, std::string_view name,
                                 std::string& path, std::string_view linkTo)
    {
        try {
            NtfsNameFacts out;
            out.record = facts.record;
            out.directory = facts.directory;
            out.attributes = facts.information.attributes;
            out.created = facts.information.created;
            out.modified = facts.information.modified;
            out.accessed = facts.information.accessed;
            out.changed = facts.information.changed;
            out.size = facts.size;
            out.reparse = facts.reparse;
            out.reparseTag = facts.reparseTag;
            out.linkTarget = view(facts.linkTarget);
            out.sddl = sddlOf(facts);
            const auto digest = [&] { return hash(facts.record, {}, NtfsTreeSink::join(folder, name), facts.size); };
            return m_sink.addName(out, folder, name, digest, path, linkTo);
        } catch (const EntryFailure& failure) {
            m_sink.addUnreadable(folder, name, facts.record, failure.message);
            return NtfsTreeSink::Placed::Skipped; // nothing below it, no streams
        }
    }

    void addStreams(const FileFacts& facts, const std::string& owner)
    {
        auto it = std::lower_bound(m_streams.begin(), m_streams.end(), facts.record,
                                   [](const StreamFacts& s, uint64_t r) { return s.owner < r; });
        for (; it != m_streams.end() && it->owner == facts.record; ++it) {
            const std::string name(view(it->name));
            try {
                m_sink.addStream(owner, facts.information.modified, name, it->size,
                                 [&] { return hash(facts.record, name, owner + ":" + name, it->size); });
            } catch (const EntryFailure& failure) {
                m_sink.problem(owner, "alternate data stream " + name + ": " + failure.message);
            }
        }
    }

    // File data is libfsntfs's to read (compressed, sparse and encrypted data, attribute lists): only digests need
    // it, and then every byte of the file is read anyway.
    Sha256Digest hash(uint64_t record, const std::string& stream, const std::string& path, uint64_t size)
    {
        try {
            const auto source = m_volume.openRecord(record, stream, path);
            return m_sink.hashData(path, size, [&](void* buffer, size_t n) { return source->read(buffer, n); });
        } catch (const Error& e) {
            throw EntryFailure {e.message()};
        }
    }

    const NtfsVolume& m_volume;
    NtfsTreeSink& m_sink;
    MftLayout m_layout;
    std::vector<FileFacts> m_facts; // base records in use, by record number
    std::vector<FileFacts> m_extensions; // what extension records add to their base, merged after the scan
    std::vector<NameFacts> m_names;
    std::vector<StreamFacts> m_streams;
    std::vector<LateValue> m_late;
    std::unordered_map<uint64_t, size_t> m_lateIndex; // record * 4 + kind -> its value in m_late
    std::string m_text; // names, stream names and link targets, UTF-8, back to back
    std::string m_bytes; // the distinct security descriptors stored in records, back to back
    std::unordered_map<std::string, Slice, TransparentHash, std::equal_to<>> m_descriptorSlices;
    std::unordered_map<uint32_t, const std::string*> m_sddlByOffset; // in m_bytes
    std::vector<uint8_t> m_securityStream; // $Secure:$SDS
    std::unordered_map<uint32_t, std::span<const uint8_t>> m_descriptors; // security id -> descriptor in the stream
    std::unordered_map<uint32_t, const std::string*> m_sddlById;
};

} // namespace

std::string scanMft(const NtfsVolume& volume, NtfsTreeSink& sink)
{
    try {
        MftScanner(volume, sink).run();
        return {};
    } catch (const NeedsWalk& walk) {
        return walk.reason;
    }
}

} // namespace layerscope::disk
