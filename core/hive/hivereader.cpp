// SPDX-License-Identifier: Apache-2.0
#include "hivereader.h"

#include "common/error.h"
#include "hiveformat.h"
#include "hivevalue.h"
#include "io/platformfile.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <unordered_set>

namespace layerscope::hive {

namespace {

struct Cell
{
    uint32_t offset; // relative, of the size field
    uint32_t size; // bytes including the size field
    bool allocated;
};

// Names may hold control characters (a Windows-written sample has "zero\0key"); keep text output on one line.
std::string printable(const std::string& s)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (char c : s) {
        if (uint8_t(c) >= 0x20)
            out.push_back(c);
        else if (c == 0)
            out += "\\0";
        else
            out += std::string("\\x") + digits[uint8_t(c) >> 4] + digits[c & 15];
    }
    return out;
}

std::string quote(const std::string& s)
{
    return "\"" + printable(s) + "\"";
}

std::string signatureText(std::span<const uint8_t> payload)
{
    if (payload.size() < 2)
        return "(none)";
    auto isText = [](uint8_t c) { return c >= 0x20 && c < 0x7F; };
    if (isText(payload[0]) && isText(payload[1]))
        return quote(std::string(reinterpret_cast<const char*>(payload.data()), 2));
    return hexBytes(payload.first(2));
}

// Cells followed once each (key nodes, lists, values, data): a bit per 8-byte cell slot, since allocated cells
// start on 8-byte boundaries (regf-hive-format §5). Hashing every offset instead cost a fifth of the time of
// reading a large hive. Offsets that are not such a boundary (a corrupt pointer) are kept in a small set.
class SeenCells
{
public:
    void reserve(uint64_t bytes) { m_bits.assign(size_t(bytes / 8 + 1), false); }
    // True when `rel` was not seen before (and is now).
    bool insert(uint32_t rel)
    {
        if (rel % 8 == 0 && rel / 8 < m_bits.size()) {
            if (m_bits[rel / 8])
                return false;
            m_bits[rel / 8] = true;
            return true;
        }
        return m_other.insert(rel).second;
    }

private:
    std::vector<bool> m_bits;
    std::unordered_set<uint32_t> m_other;
};

} // namespace

// The parse state lives only while the constructor runs; the reader keeps the tree and the problems.
class HiveReader::Parser
{
public:
    Parser(HiveReader& reader, std::span<const uint8_t> bytes)
        : m_r(reader)
        , m_b(bytes)
        , m_dataBudget(bytes.size())
    { }

    void run();

private:
    struct ListEntry
    {
        uint32_t key;
        std::optional<uint32_t> hash; // lh only
        uint64_t fileOffset; // of the entry, for messages
    };

    void error(uint64_t offset, std::string message)
    {
        m_r.m_problems.push_back({Severity::Error, std::move(message), offset});
    }
    void warning(uint64_t offset, std::string message)
    {
        m_r.m_problems.push_back({Severity::Warning, std::move(message), offset});
    }
    static uint64_t fileOffset(uint32_t rel) { return uint64_t(rel) + kBaseBlockSize; }

    bool parseHeader();
    void walkBins();
    // The payload of the allocated cell whose size field is at `rel`, or nothing (with an error) when `rel` is not
    // the start of an allocated cell in a bin we validated. Only such spans are ever read.
    std::optional<std::span<const uint8_t>> payload(uint32_t rel, const std::string& what, uint64_t referrer);
    std::optional<std::span<const uint8_t>> peek(uint32_t rel) const;

    bool parseKey(uint32_t rel, uint32_t parentRel, const std::string& parentPath, unsigned depth, Key& key,
                  std::u16string& rawName);
    void parseValues(uint32_t count, uint32_t listRel, const std::string& path, uint64_t nkOffset, Key& key,
                     uint32_t& maxName, uint32_t& maxData);
    bool parseValue(uint32_t rel, const std::string& path, uint64_t referrer, Value& value, std::u16string& rawName);
    void readData(uint32_t sizeField, uint32_t dataRel, const std::string& what, uint64_t vkOffset, Value& value);
    void collectList(uint32_t rel, const std::string& path, uint64_t referrer, bool underIndexRoot,
                     std::vector<ListEntry>& out);
    void checkSecurity();

    HiveReader& m_r;
    std::span<const uint8_t> m_b;
    std::vector<Cell> m_cells; // sorted by offset
    SeenCells m_seenKeys, m_seenLists, m_seenValues, m_seenData;
    std::map<uint32_t, uint32_t> m_securityRefs; // sk cell → keys that point at it
    uint64_t m_dataBudget; // value bytes may not exceed the file size: catches shared data cells
    bool m_bigData = true;
};

bool HiveReader::Parser::parseHeader()
{
    Header& h = m_r.m_header;
    if (m_b.size() < kBaseBlockSize) {
        error(0, "file is " + std::to_string(m_b.size()) + " bytes, too short for the 4096-byte base block");
        return false;
    }
    const uint8_t* b = m_b.data();
    if (std::memcmp(b, "regf", 4) != 0) {
        error(0, "not a registry hive: the signature is not \"regf\"");
        return false;
    }
    h.primarySequence = readU32(b + 4);
    h.secondarySequence = readU32(b + 8);
    h.lastWritten = readU64(b + 12);
    h.majorVersion = readU32(b + 20);
    h.minorVersion = readU32(b + 24);
    h.fileType = readU32(b + 28);
    h.fileFormat = readU32(b + 32);
    h.rootOffset = readU32(b + 36);
    h.binsSize = readU32(b + 40);
    h.clusteringFactor = readU32(b + 44);
    std::u16string name = utf16FromLe(m_b.subspan(48, 64));
    if (const size_t nul = name.find(u'\0'); nul != std::u16string::npos)
        name.resize(nul);
    h.fileName = utf16ToUtf8(name);
    h.checksum = readU32(b + 508);
    m_bigData = h.minorVersion >= 4; // §8 rule 4

    if (m_b.size() < kMinHiveSize)
        error(0, "file is " + std::to_string(m_b.size()) + " bytes, smaller than the 8192-byte minimum hive");
    if (h.primarySequence != h.secondarySequence)
        warning(4,
                "dirty hive: sequence numbers differ (" + std::to_string(h.primarySequence) + " / "
                    + std::to_string(h.secondarySequence) + "); Windows would replay .LOG files (§2)");
    if (h.majorVersion != 1)
        error(20, "major version " + std::to_string(h.majorVersion) + " (only 1 exists)");
    if (h.minorVersion < 3 || h.minorVersion > 6)
        warning(24, "minor version " + std::to_string(h.minorVersion) + " is outside the 3…6 Windows knows (§2.1)");
    if (h.fileType != 0)
        error(28, "file type " + std::to_string(h.fileType) + " is a transaction log, not a primary hive");
    if (h.fileFormat != 1)
        warning(32, "file format " + std::to_string(h.fileFormat) + " (Windows requires 1, direct memory load)");
    if (h.clusteringFactor != 1)
        warning(44, "clustering factor " + std::to_string(h.clusteringFactor) + " (Windows requires 1)");
    // §3: accept the plain XOR (hivex, libregf) and Windows' form that maps 0 → 1 and −1 → −2.
    const uint32_t sum = baseBlockChecksum(m_b.first(kBaseBlockSize));
    if (h.checksum != sum && h.checksum != windowsChecksum(sum))
        error(508, "base block checksum mismatch: stored " + hexOffset(h.checksum) + ", computed " + hexOffset(sum));
    if (h.binsSize % kBinAlignment != 0 || h.binsSize == 0)
        error(40, "hive bins data size " + hexOffset(h.binsSize) + " is not a non-zero multiple of 4096");
    if (uint64_t(h.binsSize) > m_b.size() - kBaseBlockSize)
        error(40,
              "hive bins data size " + hexOffset(h.binsSize) + " exceeds the "
                  + std::to_string(m_b.size() - kBaseBlockSize) + " bytes after the base block (file truncated?)");
    return true;
}

void HiveReader::Parser::walkBins()
{
    const Header& h = m_r.m_header;
    // §16: walk bins by their size fields up to the declared end; tolerate slack after the last bin.
    const uint64_t end = kBaseBlockSize + std::min<uint64_t>(h.binsSize, m_b.size() - kBaseBlockSize);
    uint64_t pos = kBaseBlockSize;
    while (pos < end) {
        if (end - pos < kBinHeaderSize) {
            error(pos, "hive bins data ends inside a bin header");
            return;
        }
        const uint8_t* bin = m_b.data() + pos;
        if (std::memcmp(bin, "hbin", 4) != 0) {
            error(pos, "expected a hive bin (\"hbin\") here");
            return;
        }
        const uint32_t self = readU32(bin + 4);
        if (self != pos - kBaseBlockSize)
            error(pos + 4,
                  "hive bin self-offset is " + hexOffset(self) + " but the bin is at relative offset "
                      + hexOffset(pos - kBaseBlockSize));
        const uint32_t size = readU32(bin + 8);
        if (size == 0 || size % kBinAlignment != 0) {
            error(pos + 8, "hive bin size " + hexOffset(size) + " is not a non-zero multiple of 4096");
            return;
        }
        if (pos + size > end) {
            error(pos + 8,
                  "hive bin of " + std::to_string(size) + " bytes runs past the end of the hive bins data at "
                      + hexOffset(end) + " (file truncated?)");
            return;
        }
        // §5: cells tile the bin exactly from offset 32 to its end.
        uint64_t cell = pos + kBinHeaderSize;
        const uint64_t binEnd = pos + size;
        while (cell < binEnd) {
            if (binEnd - cell < 4) {
                error(cell, "cell size field would cross the end of its bin");
                break;
            }
            const int32_t raw = int32_t(readU32(m_b.data() + cell));
            const uint64_t abs = raw < 0 ? uint64_t(-int64_t(raw)) : uint64_t(raw);
            if (abs == 0) {
                error(cell, "cell of size 0: the bin tail is not covered by a free cell (§5)");
                break;
            }
            if (abs % 8 != 0)
                error(cell, "cell size " + std::to_string(abs) + " is not a multiple of 8 (§5)");
            if (abs % 4 != 0 || abs < 8)
                break; // cannot find the next cell reliably
            if (cell + abs > binEnd) {
                error(cell,
                      "cell of " + std::to_string(abs) + " bytes crosses the end of its bin at " + hexOffset(binEnd));
                break;
            }
            m_cells.push_back({uint32_t(cell - kBaseBlockSize), uint32_t(abs), raw < 0});
            cell += abs;
        }
        pos = binEnd;
    }
}

std::optional<std::span<const uint8_t>> HiveReader::Parser::peek(uint32_t rel) const
{
    auto it = std::lower_bound(m_cells.begin(), m_cells.end(), rel,
                               [](const Cell& c, uint32_t off) { return c.offset < off; });
    if (it == m_cells.end() || it->offset != rel || !it->allocated)
        return std::nullopt;
    return m_b.subspan(fileOffset(rel) + 4, it->size - 4);
}

std::optional<std::span<const uint8_t>> HiveReader::Parser::payload(uint32_t rel, const std::string& what,
                                                                    uint64_t referrer)
{
    if (rel == kNil) {
        error(referrer, what + " offset is NIL where a cell is required");
        return std::nullopt;
    }
    auto it = std::lower_bound(m_cells.begin(), m_cells.end(), rel,
                               [](const Cell& c, uint32_t off) { return c.offset < off; });
    if (it == m_cells.end() || it->offset != rel) {
        const uint64_t binsEnd = m_cells.empty() ? 0 : m_cells.back().offset + m_cells.back().size;
        if (rel >= binsEnd)
            error(referrer,
                  what + " offset " + hexOffset(rel) + " is outside the hive bins (end " + hexOffset(binsEnd) + ")");
        else
            error(referrer, what + " offset " + hexOffset(rel) + " does not point to the start of a cell");
        return std::nullopt;
    }
    if (!it->allocated) {
        error(referrer, what + " offset " + hexOffset(rel) + " points to a free cell");
        return std::nullopt;
    }
    return m_b.subspan(fileOffset(rel) + 4, it->size - 4);
}

void HiveReader::Parser::run()
{
    m_r.m_fileSize = m_b.size();
    if (m_b.size() > kMaxHiveSize) {
        error(0,
              "hive of " + std::to_string(m_b.size()) + " bytes exceeds the " + std::to_string(kMaxHiveSize >> 20)
                  + " MiB limit");
        return;
    }
    if (!parseHeader())
        return;
    for (SeenCells* seen : {&m_seenKeys, &m_seenLists, &m_seenValues, &m_seenData})
        seen->reserve(m_b.size());
    walkBins();
    const uint32_t rootRel = m_r.m_header.rootOffset;
    auto p = payload(rootRel, "root key", 36);
    if (!p)
        return;
    if (p->size() < 2 || std::memcmp(p->data(), "nk", 2) != 0) {
        error(36,
              "root cell at " + hexOffset(fileOffset(rootRel)) + " is not a key node (signature " + signatureText(*p)
                  + ", expected \"nk\")");
        return;
    }
    Key root;
    std::u16string rawName;
    if (parseKey(rootRel, kNil, {}, 0, root, rawName)) {
        if (!(root.flags & kKeyHiveEntry))
            warning(fileOffset(rootRel) + 6, "root key lacks the hive-entry flag 0x4 (§6)");
        m_r.m_root = std::move(root);
    }
    checkSecurity();
}

bool HiveReader::Parser::parseKey(uint32_t rel, uint32_t parentRel, const std::string& parentPath, unsigned depth,
                                  Key& key, std::u16string& rawName)
{
    const uint64_t at = fileOffset(rel);
    if (depth > kMaxKeyDepth) {
        error(at,
              "keys nest deeper than " + std::to_string(kMaxKeyDepth) + " levels below " + quote(parentPath)
                  + "; not followed");
        return false;
    }
    if (!m_seenKeys.insert(rel)) {
        error(at,
              "key node reached a second time (a cycle or a shared subtree) from " + quote(parentPath)
                  + "; not followed");
        return false;
    }
    auto p = payload(rel, "key node", at);
    if (!p)
        return false;
    const uint8_t* nk = p->data();
    if (p->size() < kKeyNodeFixedSize || std::memcmp(nk, "nk", 2) != 0) {
        error(at, "expected a key node (\"nk\", at least 80 bytes) under " + quote(parentPath));
        return false;
    }
    key.offset = at;
    key.flags = readU16(nk + 2);
    key.lastWritten = readU64(nk + 4);
    key.layerBits = nk[13];
    key.security = readU32(nk + 44);
    const uint32_t parent = readU32(nk + 16);
    const uint32_t subkeyCount = readU32(nk + 20);
    const uint32_t subkeyList = readU32(nk + 28);
    const uint32_t valueCount = readU32(nk + 36);
    const uint32_t valueList = readU32(nk + 40);
    const uint32_t security = readU32(nk + 44);
    const uint32_t classRel = readU32(nk + 48);
    const uint32_t maxSubkeyName = readU32(nk + 52) & 0xFFFF; // §6: upper bits are flags
    const uint32_t maxValueName = readU32(nk + 60);
    const uint32_t maxValueData = readU32(nk + 64);
    size_t nameLength = readU16(nk + 72);
    const uint16_t classLength = readU16(nk + 74);
    if (kKeyNodeFixedSize + nameLength > p->size()) {
        error(at + 4 + 72, "key name length " + std::to_string(nameLength) + " runs past the end of its cell");
        nameLength = p->size() - kKeyNodeFixedSize;
    }
    rawName = decodeStoredName(p->subspan(kKeyNodeFixedSize, nameLength), key.flags & kKeyCompressedName);
    key.name = utf16ToUtf8(rawName);
    const std::string path = parentPath.empty() && parentRel == kNil ? key.name : parentPath + "\\" + key.name;
    if (rawName.empty())
        warning(at, "key " + quote(path) + " has an empty name (Windows rejects zero-length key names)");
    if (parentRel != kNil && parent != parentRel)
        warning(at + 4 + 16,
                "parent field of " + quote(path) + " is " + hexOffset(parent) + ", not its parent key at "
                    + hexOffset(parentRel));

    if (classLength > 0 && classRel != kNil) {
        if (auto c = payload(classRel, "class name of " + quote(path), at + 4 + 48)) {
            if (classLength > c->size())
                error(at + 4 + 74,
                      "class name length " + std::to_string(classLength) + " of " + quote(path) + " exceeds its cell");
            key.className = utf16ToUtf8(utf16FromLe(c->first(std::min<size_t>(classLength, c->size()))));
        }
    }

    if (security == kNil) {
        warning(at + 4 + 44, "key " + quote(path) + " has no security cell (Windows will not load it, §10)");
    } else if (auto s = payload(security, "security cell of " + quote(path), at + 4 + 44)) {
        if (s->size() < 20 || std::memcmp(s->data(), "sk", 2) != 0)
            error(at + 4 + 44, "security offset of " + quote(path) + " does not point to an \"sk\" cell");
        else if (++m_securityRefs[security] == 1) {
            const uint32_t length = readU32(s->data() + 16);
            if (20 + uint64_t(length) <= s->size())
                m_r.m_descriptors.emplace(security, std::vector<uint8_t>(s->begin() + 20, s->begin() + 20 + length));
        }
    }

    uint32_t actualMaxValueName = 0, actualMaxValueData = 0;
    if (valueCount > 0)
        parseValues(valueCount, valueList, path, at, key, actualMaxValueName, actualMaxValueData);
    if (actualMaxValueName > maxValueName)
        warning(at + 4 + 60,
                "max value name length of " + quote(path) + " is " + std::to_string(maxValueName)
                    + " but a value name takes " + std::to_string(actualMaxValueName) + " bytes");
    if (actualMaxValueData > maxValueData)
        warning(at + 4 + 64,
                "max value data size of " + quote(path) + " is " + std::to_string(maxValueData) + " but a value holds "
                    + std::to_string(actualMaxValueData) + " bytes");

    if (subkeyCount == 0)
        return true; // §6: the list offset is meaningless without a count
    std::vector<ListEntry> entries;
    if (subkeyList == kNil)
        error(at + 4 + 28,
              "key " + quote(path) + " counts " + std::to_string(subkeyCount) + " subkeys but has no list");
    else
        collectList(subkeyList, path, at + 4 + 28, false, entries);
    if (entries.size() != subkeyCount)
        error(at + 4 + 20,
              "subkey count of " + quote(path) + " is " + std::to_string(subkeyCount) + " but its subkey list holds "
                  + std::to_string(entries.size()) + " entries");
    std::u16string previous;
    uint32_t actualMaxName = 0;
    for (const ListEntry& e : entries) {
        Key child;
        std::u16string childName;
        if (!parseKey(e.key, rel, path, depth + 1, child, childName))
            continue;
        const std::string childPath = path + "\\" + child.name;
        actualMaxName = std::max<uint32_t>(actualMaxName, uint32_t(childName.size() * 2));
        // §7: Windows binary-searches these lists, so order and hashes matter even though Linux tools ignore them.
        if (!key.subkeys.empty()) {
            const int order = compareNames(previous, childName);
            if (order == 0)
                warning(e.fileOffset, "duplicate subkey name " + quote(childPath) + " (names are case-insensitive)");
            else if (order > 0)
                warning(e.fileOffset,
                        "subkeys of " + quote(path) + " are not sorted: " + quote(child.name) + " follows "
                            + quote(key.subkeys.back().name) + " (§7)");
        }
        if (e.hash && *e.hash != lhHash(childName))
            warning(e.fileOffset + 4,
                    "lh hash of " + quote(childPath) + " is " + hexOffset(*e.hash) + ", expected "
                        + hexOffset(lhHash(childName)) + " (§7)");
        previous = std::move(childName);
        key.subkeys.push_back(std::move(child));
    }
    if (actualMaxName > maxSubkeyName)
        warning(at + 4 + 52,
                "max subkey name length of " + quote(path) + " is " + std::to_string(maxSubkeyName)
                    + " but a subkey name takes " + std::to_string(actualMaxName) + " bytes");
    return true;
}

void HiveReader::Parser::collectList(uint32_t rel, const std::string& path, uint64_t referrer, bool underIndexRoot,
                                     std::vector<ListEntry>& out)
{
    if (!m_seenLists.insert(rel)) {
        error(referrer,
              "subkey list at " + hexOffset(fileOffset(rel)) + " of " + quote(path)
                  + " is used a second time (a cycle or a shared list); not followed");
        return;
    }
    auto p = payload(rel, "subkey list of " + quote(path), referrer);
    if (!p)
        return;
    const uint64_t at = fileOffset(rel);
    if (p->size() < 4) {
        error(at, "subkey list cell of " + quote(path) + " is too small for a header");
        return;
    }
    const std::string sig(reinterpret_cast<const char*>(p->data()), 2);
    size_t count = readU16(p->data() + 2);
    const size_t entrySize = (sig == "lf" || sig == "lh") ? 8 : 4;
    if (underIndexRoot && sig == "ri") {
        error(at, "index root (ri) of " + quote(path) + " points to another ri (not allowed, §7)");
        return;
    }
    if (sig != "lf" && sig != "lh" && sig != "li" && sig != "ri") {
        error(at, "subkey list of " + quote(path) + " has an unknown signature (expected lf, lh, li or ri)");
        return;
    }
    if (4 + count * entrySize > p->size()) {
        error(at + 2,
              "subkey list of " + quote(path) + " counts " + std::to_string(count) + " entries but its cell holds "
                  + std::to_string((p->size() - 4) / entrySize));
        count = (p->size() - 4) / entrySize;
    }
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* e = p->data() + 4 + i * entrySize;
        const uint32_t target = readU32(e);
        const uint64_t entryAt = at + 4 + 4 + i * entrySize;
        if (sig == "ri") {
            // §7: an ri points only to leaves, never to another ri.
            auto child = peek(target);
            if (child && child->size() >= 2 && std::memcmp(child->data(), "ri", 2) == 0) {
                error(entryAt,
                      "index root (ri) of " + quote(path) + " points to another ri at " + hexOffset(fileOffset(target))
                          + " (not allowed, §7)");
                continue;
            }
            collectList(target, path, entryAt, true, out);
        } else {
            out.push_back({target, sig == "lh" ? std::optional<uint32_t>(readU32(e + 4)) : std::nullopt, entryAt});
        }
    }
}

void HiveReader::Parser::parseValues(uint32_t count, uint32_t listRel, const std::string& path, uint64_t nkOffset,
                                     Key& key, uint32_t& maxName, uint32_t& maxData)
{
    if (!m_seenLists.insert(listRel) && listRel != kNil) {
        error(nkOffset + 4 + 40, "value list of " + quote(path) + " is shared with another key; not followed");
        return;
    }
    auto p = payload(listRel, "value list of " + quote(path), nkOffset + 4 + 40);
    if (!p)
        return;
    size_t n = count;
    if (size_t(n) * 4 > p->size()) {
        error(nkOffset + 4 + 36,
              "value count of " + quote(path) + " is " + std::to_string(count) + " but its value list cell holds "
                  + std::to_string(p->size() / 4));
        n = p->size() / 4;
    }
    std::vector<std::u16string> names;
    for (size_t i = 0; i < n; ++i) {
        Value v;
        std::u16string rawName;
        const uint64_t entryAt = fileOffset(listRel) + 4 + 4 * i;
        if (!parseValue(readU32(p->data() + 4 * i), path, entryAt, v, rawName))
            continue;
        maxName = std::max<uint32_t>(maxName, uint32_t(rawName.size() * 2));
        maxData = std::max<uint32_t>(maxData, uint32_t(v.data.size()));
        names.push_back(upcase(rawName));
        key.values.push_back(std::move(v));
    }
    std::sort(names.begin(), names.end());
    if (std::adjacent_find(names.begin(), names.end()) != names.end())
        warning(nkOffset, "key " + quote(path) + " has two values with the same name (names are case-insensitive)");
}

bool HiveReader::Parser::parseValue(uint32_t rel, const std::string& path, uint64_t referrer, Value& value,
                                    std::u16string& rawName)
{
    if (rel != kNil && !m_seenValues.insert(rel)) {
        error(referrer, "value cell at " + hexOffset(fileOffset(rel)) + " is listed twice; not followed");
        return false;
    }
    auto p = payload(rel, "value of " + quote(path), referrer);
    if (!p)
        return false;
    const uint64_t at = fileOffset(rel);
    const uint8_t* vk = p->data();
    if (p->size() < kValueFixedSize || std::memcmp(vk, "vk", 2) != 0) {
        error(at, "expected a value (\"vk\") in the value list of " + quote(path));
        return false;
    }
    size_t nameLength = readU16(vk + 2);
    const uint32_t sizeField = readU32(vk + 4);
    const uint32_t dataRel = readU32(vk + 8);
    value.type = readU32(vk + 12);
    const uint16_t flags = readU16(vk + 16);
    value.offset = at;
    value.flags = flags;
    if (kValueFixedSize + nameLength > p->size()) {
        error(at + 4 + 2, "value name length " + std::to_string(nameLength) + " runs past the end of its cell");
        nameLength = p->size() - kValueFixedSize;
    }
    rawName = decodeStoredName(p->subspan(kValueFixedSize, nameLength), flags & kValueCompressedName);
    value.name = utf16ToUtf8(rawName);
    const std::string what = "value " + quote(value.name.empty() ? "@" : value.name) + " of " + quote(path);

    if (sizeField & 0x80000000u) {
        // §8 rule 1: inline data, at most four bytes in the data field itself.
        size_t n = sizeField & 0x7FFFFFFFu;
        if (n > 4) {
            error(at + 4 + 4, what + " claims " + std::to_string(n) + " bytes of inline data (at most 4 fit)");
            n = 4;
        }
        value.data.assign(vk + 8, vk + 8 + n);
    } else if (sizeField == 0) {
        if (dataRel != kNil && dataRel != 0)
            warning(at + 4 + 8, what + " has size 0 but points to a data cell (Windows treats this as corrupt, §8)");
    } else {
        readData(sizeField, dataRel, what, at, value);
    }
    if (value.type == RegDword && value.data.size() != 4)
        warning(at, what + " is REG_DWORD but holds " + std::to_string(value.data.size()) + " bytes");
    if (value.type == RegQword && value.data.size() != 8)
        warning(at, what + " is REG_QWORD but holds " + std::to_string(value.data.size()) + " bytes");
    return true;
}

void HiveReader::Parser::readData(uint32_t size, uint32_t dataRel, const std::string& what, uint64_t vkOffset,
                                  Value& value)
{
    const uint64_t ref = vkOffset + 4 + 8;
    if (size > m_dataBudget) {
        error(vkOffset + 4 + 4,
              what + " claims " + std::to_string(size)
                  + " bytes, more than the file can still hold (data cells shared or sizes forged)");
        return;
    }
    if (dataRel != kNil && !m_seenData.insert(dataRel)) {
        error(ref, what + " shares its data cell at " + hexOffset(fileOffset(dataRel)) + " with another value");
        return;
    }
    auto p = payload(dataRel, "data of " + what, ref);
    if (!p)
        return;
    if (m_bigData && size > kMaxCellDataSize && p->size() >= 8 && std::memcmp(p->data(), "db", 2) == 0) {
        // §9: db → segment list → segments; read min(remaining, 16344) from each, never "cell size − 8".
        const uint64_t dbAt = fileOffset(dataRel);
        size_t count = readU16(p->data() + 2);
        const uint32_t listRel = readU32(p->data() + 4);
        const size_t needed = (size + kBigDataSegmentSize - 1) / kBigDataSegmentSize;
        if (count < needed) {
            error(dbAt + 4 + 2,
                  what + " needs " + std::to_string(needed) + " big-data segments for " + std::to_string(size)
                      + " bytes but has " + std::to_string(count));
            return;
        }
        if (!m_seenData.insert(listRel)) {
            error(dbAt + 4 + 4, what + " shares its big-data segment list with another value");
            return;
        }
        auto list = payload(listRel, "big-data segment list of " + what, dbAt + 4 + 4);
        if (!list)
            return;
        if (count * 4 > list->size()) {
            error(fileOffset(listRel),
                  "big-data segment list of " + what + " is too small for " + std::to_string(count) + " segments");
            return;
        }
        std::vector<uint8_t> data;
        data.reserve(size);
        for (size_t k = 0; k < needed; ++k) {
            const uint32_t segRel = readU32(list->data() + 4 * k);
            const uint64_t entryAt = fileOffset(listRel) + 4 + 4 * k;
            if (!m_seenData.insert(segRel)) {
                error(entryAt, what + " uses the segment at " + hexOffset(fileOffset(segRel)) + " twice");
                return;
            }
            auto seg = payload(segRel, "big-data segment " + std::to_string(k) + " of " + what, entryAt);
            if (!seg)
                return;
            const size_t take = std::min<size_t>(size - data.size(), kBigDataSegmentSize);
            if (seg->size() < take) {
                error(fileOffset(segRel),
                      "big-data segment " + std::to_string(k) + " of " + what + " holds " + std::to_string(seg->size())
                          + " bytes, " + std::to_string(take) + " needed");
                return;
            }
            if (k + 1 == needed && seg->size() < take + 4)
                warning(fileOffset(segRel),
                        "last big-data segment of " + what
                            + " has fewer than 4 spare bytes; hivex and libregf read it short (§9)");
            data.insert(data.end(), seg->begin(), seg->begin() + take);
        }
        m_dataBudget -= size;
        value.data = std::move(data);
        return;
    }
    if (size > p->size()) {
        error(ref,
              what + " claims " + std::to_string(size) + " bytes but its data cell holds " + std::to_string(p->size()));
        return;
    }
    m_dataBudget -= size;
    value.data.assign(p->begin(), p->begin() + size);
}

void HiveReader::Parser::checkSecurity()
{
    if (!m_r.m_root || m_securityRefs.empty())
        return;
    const uint32_t start = readU32(m_b.data() + kBaseBlockSize + m_r.m_header.rootOffset + 4 + 44);
    if (!m_securityRefs.count(start))
        return; // the root has no usable sk; already reported
    // §10: Windows walks the circular sk list from the root's cell, checking flink/blink and each descriptor.
    std::set<uint32_t> ring;
    uint32_t current = start;
    for (size_t steps = 0;; ++steps) {
        if (steps > m_cells.size()) {
            warning(fileOffset(start), "security cell list never returns to the root's security cell");
            break;
        }
        auto p = peek(current);
        if (!p || p->size() < 20 || std::memcmp(p->data(), "sk", 2) != 0) {
            warning(fileOffset(current),
                    "security cell list leads to " + hexOffset(fileOffset(current))
                        + ", which is not an allocated sk cell");
            break;
        }
        ring.insert(current);
        const uint64_t at = fileOffset(current);
        const uint32_t descriptorLength = readU32(p->data() + 16);
        if (20 + uint64_t(descriptorLength) > p->size())
            error(at + 4 + 16,
                  "security descriptor length " + std::to_string(descriptorLength) + " runs past its cell");
        else if (descriptorLength < 20 || p->data()[20] != 1 || !(readU16(p->data() + 22) & 0x8000))
            warning(at + 4 + 20, "security cell does not hold a self-relative revision-1 descriptor");
        const uint32_t next = readU32(p->data() + 4);
        auto n = peek(next);
        if (n && n->size() >= 20 && std::memcmp(n->data(), "sk", 2) == 0 && readU32(n->data() + 8) != current)
            warning(fileOffset(next) + 4 + 8,
                    "security cell list is inconsistent: the blink of " + hexOffset(fileOffset(next))
                        + " does not point back to " + hexOffset(at));
        if (next == start || ring.count(next)) {
            if (next != start)
                warning(at + 4 + 4, "security cell list loops without returning to the root's security cell");
            break;
        }
        current = next;
    }
    for (const auto& [sk, refs] : m_securityRefs) {
        if (!ring.count(sk))
            warning(fileOffset(sk),
                    "security cell at " + hexOffset(fileOffset(sk))
                        + " is used by a key but is not in the list starting at the root's");
    }
    for (uint32_t sk : ring) {
        auto p = peek(sk);
        const uint32_t stored = readU32(p->data() + 12);
        const auto it = m_securityRefs.find(sk);
        const uint32_t counted = it == m_securityRefs.end() ? 0 : it->second;
        if (stored != counted)
            warning(fileOffset(sk) + 4 + 12,
                    "security cell at " + hexOffset(fileOffset(sk)) + " has reference count " + std::to_string(stored)
                        + " but " + std::to_string(counted) + " keys use it");
    }
}

HiveReader::HiveReader(std::span<const uint8_t> bytes)
{
    Parser(*this, bytes).run();
}

HiveReader HiveReader::fromFile(const std::filesystem::path& path)
{
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(Error::Where {io::pathToUtf8(path), {}, {}, {}}, "cannot read hive: " + ec.message());
    if (size > kMaxHiveSize)
        throw Error(Error::Where {io::pathToUtf8(path), {}, {}, {}},
                    "hive of " + std::to_string(size) + " bytes exceeds the " + std::to_string(kMaxHiveSize >> 20)
                        + " MiB limit");
    std::ifstream in(path, std::ios::binary);
    // Not a zero-filled vector: every byte is overwritten by the read, and clearing 50 MB first is measurable.
    const std::unique_ptr<uint8_t[]> bytes(new uint8_t[size_t(size)]);
    if (!in || !in.read(reinterpret_cast<char*>(bytes.get()), std::streamsize(size)))
        throw Error(Error::Where {io::pathToUtf8(path), {}, {}, {}}, "cannot read hive");
    return HiveReader(std::span<const uint8_t>(bytes.get(), size_t(size)));
}

std::string HiveReader::version() const
{
    return std::to_string(m_header.majorVersion) + "." + std::to_string(m_header.minorVersion);
}

const HiveReader::Key* HiveReader::find(std::string_view path) const
{
    const Key* key = root();
    while (key && !path.empty()) {
        const size_t sep = path.find('\\');
        key = key->child(path.substr(0, sep));
        path = sep == std::string_view::npos ? std::string_view() : path.substr(sep + 1);
    }
    return key;
}

const HiveReader::Key* HiveReader::Key::child(std::string_view name) const
{
    try {
        const std::u16string wanted = utf8ToUtf16(name);
        for (const Key& k : subkeys)
            if (compareNames(utf8ToUtf16(k.name), wanted) == 0)
                return &k;
    } catch (const Error&) {
        // a name that is not UTF-8 matches nothing: every decoded name is valid UTF-8
    }
    return nullptr;
}

const HiveReader::Value* HiveReader::Key::value(std::string_view name) const
{
    try {
        const std::u16string wanted = utf8ToUtf16(name);
        for (const Value& v : values)
            if (compareNames(utf8ToUtf16(v.name), wanted) == 0)
                return &v;
    } catch (const Error&) { }
    return nullptr;
}

std::span<const uint8_t> HiveReader::securityDescriptor(const Key& key) const
{
    const auto it = m_descriptors.find(key.security);
    return it == m_descriptors.end() ? std::span<const uint8_t>() : std::span<const uint8_t>(it->second);
}

bool HiveReader::valid() const
{
    return errorCount() == 0;
}

size_t HiveReader::errorCount() const
{
    return size_t(std::count_if(m_problems.begin(), m_problems.end(),
                                [](const Problem& p) { return p.severity == Severity::Error; }));
}

size_t HiveReader::warningCount() const
{
    return m_problems.size() - errorCount();
}

std::string severityName(HiveReader::Severity severity)
{
    return severity == HiveReader::Severity::Error ? "error" : "warning";
}

namespace {

template<typename F> void forEachKey(const HiveReader::Key& key, const std::string& path, F&& f)
{
    f(key, path);
    for (const HiveReader::Key& sub : key.subkeys)
        forEachKey(sub, path + "\\" + sub.name, f);
}

} // namespace

nlohmann::json HiveReader::toJson() const
{
    nlohmann::json j;
    j["valid"] = valid();
    j["version"] = version();
    j["rootName"] = rootName();
    j["sequence"] = {m_header.primarySequence, m_header.secondarySequence};
    j["lastWritten"] = formatFileTime(m_header.lastWritten);
    j["fileName"] = m_header.fileName;
    j["problems"] = nlohmann::json::array();
    for (const Problem& p : m_problems)
        j["problems"].push_back({{"severity", severityName(p.severity)}, {"message", p.message}, {"offset", p.offset}});
    j["keys"] = nlohmann::json::array();
    if (m_root) {
        forEachKey(*m_root, m_root->name, [&](const Key& key, const std::string& path) {
            nlohmann::json values = nlohmann::json::array();
            for (const Value& v : key.values)
                values.push_back(
                    {{"name", v.name}, {"type", valueTypeName(v.type)}, {"data", valueDataToJson(v.type, v.data)}});
            nlohmann::json k = {{"path", path}, {"values", std::move(values)}};
            if (!key.className.empty())
                k["className"] = key.className;
            j["keys"].push_back(std::move(k));
        });
    }
    return j;
}

std::string HiveReader::toText() const
{
    std::string out = "regf " + version() + ", root " + quote(rootName()) + ", sequence "
        + std::to_string(m_header.primarySequence) + "/" + std::to_string(m_header.secondarySequence)
        + ", last written " + formatFileTime(m_header.lastWritten) + ", " + std::to_string(m_header.binsSize)
        + " bytes of bins";
    if (!m_header.fileName.empty())
        out += ", file name " + quote(m_header.fileName);
    out += "\n" + std::string(valid() ? "valid" : "INVALID") + ": " + std::to_string(errorCount()) + " errors, "
        + std::to_string(warningCount()) + " warnings\n";
    for (const Problem& p : m_problems)
        out += severityName(p.severity) + " at " + hexOffset(p.offset) + ": " + p.message + "\n";
    if (m_root) {
        forEachKey(*m_root, m_root->name, [&](const Key& key, const std::string& path) {
            out += "\n[" + printable(path) + "]";
            if (!key.className.empty())
                out += " class " + quote(key.className);
            out += "\n";
            for (const Value& v : key.values)
                out += (v.name.empty() ? std::string("@") : quote(v.name)) + " = " + valueTypeName(v.type) + " "
                    + renderValueData(v.type, v.data) + "\n";
        });
    }
    return out;
}

} // namespace layerscope::hive
