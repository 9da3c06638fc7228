// SPDX-License-Identifier: Apache-2.0
#include "hivewriter.h"

#include "common/error.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace layerscope::hive {

namespace {

// A name as it is stored (§6/§8): Latin-1 bytes when every unit fits ("compressed"), else UTF-16LE.
struct StoredName
{
    std::u16string units;
    bool compressed = true;
    std::vector<uint8_t> bytes;
};

StoredName storeName(const std::string& utf8)
{
    StoredName n;
    n.units = utf8ToUtf16(utf8);
    n.compressed = fitsLatin1(n.units);
    for (char16_t c : n.units) {
        n.bytes.push_back(uint8_t(c));
        if (!n.compressed)
            n.bytes.push_back(uint8_t(c >> 8));
    }
    return n;
}

void appendSid(std::vector<uint8_t>& out, std::initializer_list<uint32_t> subAuthorities)
{
    // SID: revision 1, count, 6-byte big-endian authority 5 (NT), little-endian sub-authorities (§10).
    out.insert(out.end(), {1, uint8_t(subAuthorities.size()), 0, 0, 0, 0, 0, 5});
    for (uint32_t s : subAuthorities) {
        uint8_t b[4];
        writeU32(b, s);
        out.insert(out.end(), b, b + 4);
    }
}

void appendAce(std::vector<uint8_t>& out, uint32_t mask, std::initializer_list<uint32_t> sid)
{
    const uint8_t size = uint8_t(8 + 8 + 4 * sid.size());
    out.insert(out.end(), {0 /* allow */, 0x02 /* container-inherit */, size, 0});
    uint8_t b[4];
    writeU32(b, mask);
    out.insert(out.end(), b, b + 4);
    appendSid(out, sid);
}

// The recommended 124-byte self-relative descriptor of regf-hive-format §10: SYSTEM and Administrators full
// control, Users read, owner Administrators, group SYSTEM — no machine-specific SIDs.
std::vector<uint8_t> recommendedSecurityDescriptor()
{
    std::vector<uint8_t> sd = {1, 0, 0x04, 0x80}; // revision 1, control 0x8004 (self-relative, DACL present)
    uint8_t b[4];
    for (uint32_t field : {96u /* owner */, 112u /* group */, 0u /* SACL */, 20u /* DACL */}) {
        writeU32(b, field);
        sd.insert(sd.end(), b, b + 4);
    }
    sd.insert(sd.end(), {2, 0, 76, 0, 3, 0, 0, 0}); // ACL revision 2, size 76, 3 ACEs
    appendAce(sd, 0x000F003F, {18}); // SYSTEM, KEY_ALL_ACCESS
    appendAce(sd, 0x000F003F, {32, 544}); // Administrators, KEY_ALL_ACCESS
    appendAce(sd, 0x00020019, {32, 545}); // Users, KEY_READ
    appendSid(sd, {32, 544}); // owner
    appendSid(sd, {18}); // group
    return sd;
}

constexpr size_t align8(size_t n)
{
    return (n + 7) & ~size_t(7);
}

class Builder
{
public:
    explicit Builder(const HiveWriteOptions& options)
        : m_options(options)
        , m_latest(options.minorVersion >= 5)
    {
        openBin(kBinAlignment);
    }

    std::vector<uint8_t> build(const HiveKey& root);

private:
    struct Child
    {
        const HiveKey* key;
        StoredName name;
        uint32_t cell = kNil;
    };

    uint32_t allocate(size_t payloadSize) { return allocateCell(align8(payloadSize + 4)); } // §5
    uint32_t allocateCell(size_t cellSize);
    void openBin(size_t size);
    void closeBin();
    uint8_t* payload(uint32_t cell) { return m_bins.data() + cell + 4; }

    void writeKey(const HiveKey& key, const StoredName& name, uint32_t cell, uint32_t parentCell,
                  const std::string& path, unsigned depth);
    uint32_t writeValue(const HiveValue& value, const std::string& path);
    uint32_t writeData(const std::vector<uint8_t>& data, const std::string& path);
    uint32_t writeSubkeyList(const std::vector<Child>& children);
    uint32_t writeLeaf(const std::vector<Child>& children, size_t first, size_t count);

    HiveWriteOptions m_options;
    bool m_latest; // 1.5: lh lists and big data; 1.3: lf lists, one cell per value (§2.1)
    std::vector<uint8_t> m_bins;
    size_t m_binStart = 0;
    size_t m_cursor = 0;
    uint32_t m_securityCell = kNil;
    uint32_t m_keyCount = 0;
};

void Builder::openBin(size_t size)
{
    m_binStart = m_bins.size();
    m_bins.resize(m_binStart + size, 0);
    uint8_t* h = m_bins.data() + m_binStart;
    std::memcpy(h, "hbin", 4);
    writeU32(h + 4, uint32_t(m_binStart)); // §4: its own relative offset
    writeU32(h + 8, uint32_t(size));
    if (m_binStart == 0)
        writeU64(h + 20, m_options.lastWritten); // §4: first bin carries the base block's timestamp
    m_cursor = m_binStart + kBinHeaderSize;
}

void Builder::closeBin()
{
    // §5: one free cell (positive size) covers the rest of the bin; its payload is already zero.
    const size_t rest = m_bins.size() - m_cursor;
    if (rest > 0)
        writeU32(m_bins.data() + m_cursor, uint32_t(rest));
    m_cursor = m_bins.size();
}

uint32_t Builder::allocateCell(size_t cellSize)
{
    if (cellSize > 0x7FFFFFF0)
        throw Error("hive cell of " + std::to_string(cellSize) + " bytes is too large");
    if (m_cursor + cellSize > m_bins.size()) {
        closeBin();
        // §4: a bin larger than 4096 only when one cell needs it.
        openBin((kBinHeaderSize + cellSize + kBinAlignment - 1) / kBinAlignment * kBinAlignment);
    }
    const uint32_t cell = uint32_t(m_cursor);
    writeU32(m_bins.data() + cell, uint32_t(-int32_t(cellSize))); // §5: negative = allocated
    m_cursor += cellSize;
    return cell;
}

std::vector<uint8_t> Builder::build(const HiveKey& root)
{
    if (m_options.minorVersion != 3 && m_options.minorVersion != 5)
        throw Error("regf minor version " + std::to_string(m_options.minorVersion)
                    + " is not supported for writing (use 3 or 5, regf-hive-format §2.1)");
    const StoredName rootName = storeName(root.name);
    if (rootName.units.empty())
        throw Error("the root key needs a name (Windows rejects zero-length key names, regf-hive-format §6)");
    if (rootName.units.size() > kMaxKeyNameUnits || rootName.units.find(u'\\') != std::u16string::npos)
        throw Error(Error::Where {{}, {}, root.name, {}},
                    "root key name is longer than 255 UTF-16 units or contains a backslash");

    // §11: root nk first (relative offset 0x20), then the one security cell every key shares.
    const uint32_t rootCell = allocate(kKeyNodeFixedSize + rootName.bytes.size());
    const std::vector<uint8_t> sd = recommendedSecurityDescriptor();
    m_securityCell = allocate(20 + sd.size());
    writeKey(root, rootName, rootCell, kNil, root.name, 0);

    uint8_t* sk = payload(m_securityCell);
    std::memcpy(sk, "sk", 2);
    writeU32(sk + 4, m_securityCell); // §10: flink = blink = itself when there is only one
    writeU32(sk + 8, m_securityCell);
    writeU32(sk + 12, m_keyCount); // exact reference count
    writeU32(sk + 16, uint32_t(sd.size()));
    std::memcpy(sk + 20, sd.data(), sd.size());
    closeBin();

    std::vector<uint8_t> out(kBaseBlockSize, 0);
    uint8_t* b = out.data();
    std::memcpy(b, "regf", 4);
    writeU32(b + 4, 1); // §2: sequence numbers equal → clean hive
    writeU32(b + 8, 1);
    writeU32(b + 20, 1);
    writeU32(b + 24, m_options.minorVersion);
    writeU32(b + 28, 0); // primary file
    writeU32(b + 32, 1); // direct memory load
    writeU32(b + 36, rootCell);
    writeU32(b + 40, uint32_t(m_bins.size()));
    writeU32(b + 44, 1); // clustering factor
    std::u16string fileName = utf8ToUtf16(m_options.fileName);
    if (fileName.size() > 31)
        fileName.erase(0, fileName.size() - 31); // §2: Windows keeps the last 31 characters
    for (size_t i = 0; i < fileName.size(); ++i)
        writeU16(b + 48 + 2 * i, fileName[i]);
    // §3: a plain XOR of 0 or −1 would be stored differently by Windows and by hivex/libregf, so move the
    // timestamp by one tick until both rules agree.
    uint64_t stamp = m_options.lastWritten;
    uint32_t sum;
    for (;;) {
        writeU64(b + 12, stamp);
        sum = baseBlockChecksum(out);
        if (sum != 0 && sum != 0xFFFFFFFF)
            break;
        ++stamp;
    }
    writeU32(b + 508, sum);
    out.insert(out.end(), m_bins.begin(), m_bins.end());
    return out;
}

void Builder::writeKey(const HiveKey& key, const StoredName& name, uint32_t cell, uint32_t parentCell,
                       const std::string& path, unsigned depth)
{
    auto fail = [&](const std::string& message) { return Error(Error::Where {{}, {}, path, {}}, message); };
    if (depth > kMaxKeyDepth)
        throw fail("keys nest deeper than " + std::to_string(kMaxKeyDepth) + " levels (Windows' limit)");
    ++m_keyCount;

    uint32_t classCell = kNil;
    std::u16string className = utf8ToUtf16(key.className);
    if (className.size() > 0x7FFF)
        throw fail("class name longer than 32767 UTF-16 units");
    if (!className.empty()) {
        classCell = allocate(className.size() * 2);
        uint8_t* p = payload(classCell);
        for (size_t i = 0; i < className.size(); ++i)
            writeU16(p + 2 * i, className[i]);
    }

    // Values in insertion order (§12); names unique case-insensitively like Windows' lookups.
    std::vector<std::u16string> valueNames;
    uint32_t maxValueName = 0, maxValueData = 0;
    for (const HiveValue& v : key.values) {
        valueNames.push_back(upcase(utf8ToUtf16(v.name)));
        if (valueNames.back().size() > kMaxValueNameUnits)
            throw fail("value name \"" + v.name.substr(0, 40) + "…\" is longer than 16383 UTF-16 units");
        maxValueName = std::max<uint32_t>(maxValueName, uint32_t(valueNames.back().size() * 2));
        maxValueData = std::max<uint32_t>(maxValueData, uint32_t(std::min<size_t>(v.data.size(), 0xFFFFFFFF)));
    }
    std::sort(valueNames.begin(), valueNames.end());
    if (auto dup = std::adjacent_find(valueNames.begin(), valueNames.end()); dup != valueNames.end())
        throw fail("two values named \"" + utf16ToUtf8(*dup) + "\" (names are case-insensitive)");

    uint32_t valueList = kNil;
    if (!key.values.empty()) {
        valueList = allocate(4 * key.values.size());
        for (size_t i = 0; i < key.values.size(); ++i) {
            const uint32_t vk = writeValue(key.values[i], path);
            writeU32(payload(valueList) + 4 * i, vk);
        }
    }

    // Children sorted by upper-cased UTF-16 name (§7), nk cells allocated before the list that points at them.
    std::vector<Child> children;
    children.reserve(key.subkeys.size());
    uint32_t maxChildName = 0, maxChildClass = 0;
    for (const HiveKey& sub : key.subkeys) {
        Child c {&sub, storeName(sub.name)};
        const std::string childPath = path + "\\" + sub.name;
        if (c.name.units.empty())
            throw Error(Error::Where {{}, {}, childPath, {}},
                        "empty key name (Windows rejects zero-length key names, regf-hive-format §6)");
        if (c.name.units.size() > kMaxKeyNameUnits)
            throw Error(Error::Where {{}, {}, childPath, {}}, "key name longer than 255 UTF-16 units");
        if (c.name.units.find(u'\\') != std::u16string::npos)
            throw Error(Error::Where {{}, {}, childPath, {}}, "key name contains a backslash");
        maxChildName = std::max<uint32_t>(maxChildName, uint32_t(c.name.units.size() * 2));
        maxChildClass = std::max<uint32_t>(maxChildClass, uint32_t(utf8ToUtf16(sub.className).size() * 2));
        children.push_back(std::move(c));
    }
    std::stable_sort(children.begin(), children.end(),
                     [](const Child& a, const Child& b) { return compareNames(a.name.units, b.name.units) < 0; });
    for (size_t i = 1; i < children.size(); ++i)
        if (compareNames(children[i - 1].name.units, children[i].name.units) == 0)
            throw fail("two subkeys named \"" + children[i].key->name + "\" (names are case-insensitive)");
    for (Child& c : children)
        c.cell = allocate(kKeyNodeFixedSize + c.name.bytes.size());
    const uint32_t subkeyList = children.empty() ? kNil : writeSubkeyList(children);

    uint8_t* nk = payload(cell); // §6
    std::memcpy(nk, "nk", 2);
    uint16_t flags = name.compressed ? kKeyCompressedName : 0;
    if (parentCell == kNil)
        flags |= kKeyHiveEntry | kKeyNoDelete; // root: 0x2C
    writeU16(nk + 2, flags);
    writeU64(nk + 4, m_options.lastWritten);
    nk[13] = key.layerBits;
    writeU32(nk + 16, parentCell);
    writeU32(nk + 20, uint32_t(children.size()));
    writeU32(nk + 28, subkeyList);
    writeU32(nk + 32, kNil);
    writeU32(nk + 36, uint32_t(key.values.size()));
    writeU32(nk + 40, valueList);
    writeU32(nk + 44, m_securityCell);
    writeU32(nk + 48, classCell);
    writeU32(nk + 52, maxChildName);
    writeU32(nk + 56, maxChildClass);
    writeU32(nk + 60, maxValueName);
    writeU32(nk + 64, maxValueData);
    writeU16(nk + 72, uint16_t(name.bytes.size()));
    writeU16(nk + 74, uint16_t(className.size() * 2));
    std::memcpy(nk + 76, name.bytes.data(), name.bytes.size());

    for (const Child& c : children)
        writeKey(*c.key, c.name, c.cell, cell, path + "\\" + c.key->name, depth + 1);
}

uint32_t Builder::writeValue(const HiveValue& value, const std::string& path)
{
    const StoredName name = storeName(value.name);
    const uint32_t vk = allocate(kValueFixedSize + name.bytes.size());
    const size_t n = value.data.size();
    uint32_t sizeField;
    uint8_t dataField[4] = {0, 0, 0, 0};
    if (value.tombstone) {
        // registry-delta-hives §3.2: no data, and the data offset is NIL.
        sizeField = 0;
        writeU32(dataField, kNil);
    } else if (n <= 4) {
        // §8 rule 1/2: up to four bytes live in the data field itself, low to high, rest zero.
        sizeField = uint32_t(n) | 0x80000000u;
        if (n)
            std::memcpy(dataField, value.data.data(), n);
    } else {
        sizeField = uint32_t(n);
        writeU32(dataField, writeData(value.data, path + " value \"" + value.name + "\""));
    }
    uint8_t* p = payload(vk);
    std::memcpy(p, "vk", 2);
    writeU16(p + 2, uint16_t(name.bytes.size()));
    writeU32(p + 4, sizeField);
    std::memcpy(p + 8, dataField, 4);
    writeU32(p + 12, value.type);
    writeU16(p + 16,
             uint16_t(((name.compressed && !name.bytes.empty()) ? kValueCompressedName : 0)
                      | (value.tombstone ? kValueTombstone : 0)));
    if (!name.bytes.empty())
        std::memcpy(p + 20, name.bytes.data(), name.bytes.size());
    return vk;
}

uint32_t Builder::writeData(const std::vector<uint8_t>& data, const std::string& what)
{
    const size_t n = data.size();
    if (n <= kMaxCellDataSize || !m_latest) {
        if (n > HiveWriter::kMaxSingleCellValue && !m_latest)
            throw Error(Error::Where {{}, {}, what, {}},
                        std::to_string(n) + " bytes of data do not fit a 1.3 hive (one cell per value, at most "
                            + std::to_string(HiveWriter::kMaxSingleCellValue) + ")");
        const uint32_t cell = allocate(n); // §8 rule 3: exactly 16344 still uses one cell
        std::memcpy(payload(cell), data.data(), n);
        return cell;
    }
    // §9: db cell → segment list → segments of 16344 bytes, the last with ≥ 4 spare bytes.
    const size_t count = (n + kBigDataSegmentSize - 1) / kBigDataSegmentSize;
    if (count > 0xFFFF)
        throw Error(Error::Where {{}, {}, what, {}},
                    std::to_string(n) + " bytes of data exceed 65535 big-data segments");
    const uint32_t db = allocate(8);
    const uint32_t list = allocate(4 * count);
    for (size_t k = 0; k < count; ++k) {
        const size_t start = k * kBigDataSegmentSize;
        const size_t len = std::min(kBigDataSegmentSize, n - start);
        // hivex and libregf read "cell size − 8" bytes of a segment, so the last one gets 8 bytes of overhead.
        const uint32_t seg = (k + 1 == count) ? allocateCell(align8(len + 8)) : allocate(len);
        std::memcpy(payload(seg), data.data() + start, len);
        writeU32(payload(list) + 4 * k, seg);
    }
    uint8_t* p = payload(db);
    std::memcpy(p, "db", 2);
    writeU16(p + 2, uint16_t(count));
    writeU32(p + 4, list);
    return db;
}

uint32_t Builder::writeSubkeyList(const std::vector<Child>& children)
{
    const size_t n = children.size();
    if (n <= HiveWriter::kMaxLeafEntries)
        return writeLeaf(children, 0, n);
    // §7: an ri over evenly sized leaves; global order is preserved because leaves take consecutive runs.
    const size_t leaves = (n + HiveWriter::kMaxLeafEntries - 1) / HiveWriter::kMaxLeafEntries;
    const uint32_t ri = allocate(4 + 4 * leaves);
    size_t first = 0;
    for (size_t i = 0; i < leaves; ++i) {
        const size_t count = n / leaves + (i < n % leaves ? 1 : 0);
        const uint32_t leaf = writeLeaf(children, first, count);
        writeU32(payload(ri) + 4 + 4 * i, leaf);
        first += count;
    }
    uint8_t* p = payload(ri);
    std::memcpy(p, "ri", 2);
    writeU16(p + 2, uint16_t(leaves));
    return ri;
}

uint32_t Builder::writeLeaf(const std::vector<Child>& children, size_t first, size_t count)
{
    const uint32_t leaf = allocate(4 + 8 * count);
    uint8_t* p = payload(leaf);
    std::memcpy(p, m_latest ? "lh" : "lf", 2); // §7: lh for 1.5, lf for 1.3
    writeU16(p + 2, uint16_t(count));
    for (size_t i = 0; i < count; ++i) {
        const Child& c = children[first + i];
        writeU32(p + 4 + 8 * i, c.cell);
        writeU32(p + 8 + 8 * i, m_latest ? lhHash(c.name.units) : lfHint(c.name.units));
    }
    return leaf;
}

} // namespace

std::vector<uint8_t> HiveWriter::write(const HiveKey& root, const HiveWriteOptions& options)
{
    return Builder(options).build(root);
}

} // namespace layerscope::hive
