// SPDX-License-Identifier: Apache-2.0
#include "hive/hiveformat.h"
#include "hive/hivereader.h"
#include "hive/hivewriter.h"
#include "hive/systemhives.h"

#include "common/error.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <functional>
#include <map>
#include <random>

using namespace layerscope::hive;
using Severity = HiveReader::Severity;

namespace {

std::vector<uint8_t> pattern(size_t n, unsigned seed)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = uint8_t((i * 131 + seed * 17 + (i >> 8)) % 251);
    return v;
}

// Everything regf-hive-format §15 lists as tested content, in one tree.
HiveKey contentTree()
{
    HiveKey root("ROOT");
    HiveKey& app = root.path("Software\\LayerScope");
    app.set(HiveValue::string("", "default value"))
        .set(HiveValue::string("String", "hello"))
        .set(HiveValue::expandString("Expand", "%SystemRoot%\\system32"))
        .set(HiveValue::dword("Dword", 0x12345678))
        .set(HiveValue::qword("Qword", 0x0123456789ABCDEFull))
        .set(HiveValue::binary("Binary3", {1, 2, 3}))
        .set(HiveValue::binary("Binary6", {1, 2, 3, 4, 5, 6}))
        .set(HiveValue::string("EmptyString", ""))
        .set(HiveValue::multiString("Multi", {"one", "two", "drei"}))
        .set(HiveValue::binary("Nothing", {}, RegNone))
        .set(HiveValue::binary("Custom", pattern(7, 1), 0x12345))
        .set(HiveValue::binary("Exact16344", pattern(16344, 2)))
        .set(HiveValue::binary("Big32789", pattern(32789, 3)))
        .set(HiveValue::binary("Big40000", pattern(40000, 4)));
    root.child("abcd_äöüß").set(HiveValue::dword("abcd_äöüß", 7));
    root.child("weird™").set(HiveValue::string("symbols $£₤₧€", "™€"));
    root.child("zeta");
    root.child("_under"); // §7: '_' (0x5F) sorts after 'Z' (0x5A) once upper-cased
    HiveKey& many = root.child("Many");
    for (int i = 599; i >= 0; --i) // reverse insertion order: the writer must sort
        many.child(QStringLiteral("Key%1").arg(i, 3, 10, QLatin1Char('0')).toStdString());
    HiveKey& classy = root.child("Classy");
    classy.className = "LayerScopeClass";
    return root;
}

struct Generated
{
    std::vector<uint8_t> bytes;
    HiveKey tree;
    std::string rootName;
    QStringList xmlNeedles; // must appear in hivexml's output
    QStringList exportNeedles; // must appear in regfexport's output
};

const std::map<QString, Generated>& generatedHives()
{
    static const std::map<QString, Generated> hives = [] {
        std::map<QString, Generated> m;
        m["empty system hive"] = {emptySystemHive(), HiveKey("ROOT"), "ROOT", {"<node name=\"ROOT\" root=\"1\">"}, {}};
        HiveWriteOptions v13;
        v13.minorVersion = 3;
        m["empty system hive 1.3"] = {emptySystemHive("SYSTEM", v13), HiveKey("ROOT"), "ROOT", {"name=\"ROOT\""}, {}};
        m["BCD store"] = {minimalBcdStore(),
                          minimalBcdTree(),
                          "NewStoreRoot",
                          {"key=\"KeyName\" value=\"BCD00000000\"", "key=\"Element\" value=\"LayerScope\"",
                           "key=\"Type\" value=\"270532611\"", "key=\"FirmwareModified\" value=\"1\"",
                           "name=\"{9dea862c-5cdd-4e70-acc1-f32b344d4795}\""},
                          {"Data: BCD00000000", "Data: LayerScope", "Data: {4c617965-7253-636f-7065-4f534c6f6164}"}};
        const QStringList contentXml
            = {"key=\"String\" value=\"hello\"",     "<node name=\"weird™\">", "<node name=\"abcd_äöüß\">",
               "key=\"symbols $£₤₧€\" value=\"™€\"", "<node name=\"Key599\">", "<node name=\"_under\">",
               "key=\"Dword\" value=\"305419896\"",  "key=\"Big40000\""};
        const QStringList contentExport = {"Data: hello",      "ROOT\\Many\\Key000", "ROOT\\weird™",
                                           "Data size: 40000", "Data size: 32789",   "Data size: 16344"};
        m["content 1.5"] = {HiveWriter::write(contentTree()), contentTree(), "ROOT", contentXml, contentExport};
        m["content 1.3"] = {HiveWriter::write(contentTree(), v13), contentTree(), "ROOT", contentXml, contentExport};
        HiveKey wide("Wurzel™");
        wide.child("Kind").set(HiveValue::dword("", 1));
        m["UTF-16 root name"] = {HiveWriter::write(wide), wide, "Wurzel™", {"<node name=\"Wurzel™\" root=\"1\">"}, {}};
        return m;
    }();
    return hives;
}

struct ToolRun
{
    int exitCode = -1;
    QString output;
};

ToolRun runTool(const QString& program, const QStringList& args)
{
    const testsupport::ProcessRun run = testsupport::runProcess(program, args);
    ToolRun r;
    r.exitCode = run.exitCode;
    r.output = run.exitCode < 0 ? QStringLiteral("%1 did not start, crashed or timed out").arg(program)
                                : QString::fromUtf8(run.out) + QString::fromUtf8(run.err);
    return r;
}

QString problemsOf(const HiveReader& r)
{
    QString out;
    for (const auto& p : r.problems())
        out += QString::fromStdString(severityName(p.severity) + " at " + hexOffset(p.offset) + ": " + p.message)
            + "\n";
    return out;
}

bool hasProblem(const HiveReader& r, Severity severity, const std::string& needle)
{
    for (const auto& p : r.problems())
        if (p.severity == severity && p.message.find(needle) != std::string::npos)
            return true;
    return false;
}

void fixChecksum(std::vector<uint8_t>& b)
{
    writeU32(b.data() + 508, baseBlockChecksum(b));
}
uint32_t u32(const std::vector<uint8_t>& b, uint64_t off)
{
    return readU32(b.data() + off);
}
void put32(std::vector<uint8_t>& b, uint64_t off, uint32_t v)
{
    writeU32(b.data() + off, v);
}

// The reader's tree must hold exactly what was written (names, order-independent; values byte-exact, in order).
void compareTree(const HiveKey& expected, const HiveReader::Key& actual, const QString& path)
{
    QCOMPARE(QString::fromStdString(actual.name), QString::fromStdString(expected.name));
    QCOMPARE(QString::fromStdString(actual.className), QString::fromStdString(expected.className));
    QCOMPARE(actual.values.size(), expected.values.size());
    for (size_t i = 0; i < expected.values.size(); ++i) {
        QCOMPARE(QString::fromStdString(actual.values[i].name), QString::fromStdString(expected.values[i].name));
        QCOMPARE(actual.values[i].type, expected.values[i].type);
        QVERIFY2(actual.values[i].data == expected.values[i].data,
                 qPrintable(path + " value " + QString::fromStdString(expected.values[i].name)));
    }
    QCOMPARE(actual.subkeys.size(), expected.subkeys.size());
    for (const HiveKey& sub : expected.subkeys) {
        const HiveReader::Key* a = actual.child(sub.name);
        QVERIFY2(a, qPrintable(path + "\\" + QString::fromStdString(sub.name) + " missing"));
        compareTree(sub, *a, path + "\\" + QString::fromStdString(sub.name));
        if (QTest::currentTestFailed())
            return;
    }
}

// Walk the cells of the bin at file offset `bin` and return the file offset of its last cell.
uint64_t lastCellOfBin(const std::vector<uint8_t>& b, uint64_t bin)
{
    const uint64_t end = bin + u32(b, bin + 8);
    uint64_t cell = bin + 32, last = cell;
    while (cell < end) {
        last = cell;
        const int32_t size = int32_t(u32(b, cell));
        cell += uint64_t(size < 0 ? -int64_t(size) : size);
    }
    return last;
}

std::vector<uint8_t> toVector(const QByteArray& a)
{
    return {a.begin(), a.end()};
}
QByteArray toBytes(const std::vector<uint8_t>& v)
{
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size()));
}

} // namespace

class TestHive : public QObject
{
    Q_OBJECT

private slots:
    // --- writer: layout ------------------------------------------------------------------------------------------

    void emptySystemHiveMatchesTheByteMap()
    {
        // regf-hive-format §11.
        const std::vector<uint8_t> b = emptySystemHive();
        QCOMPARE(b.size(), size_t(8192));
        QCOMPARE(std::memcmp(b.data(), "regf", 4), 0);
        QCOMPARE(u32(b, 4), 1u);
        QCOMPARE(u32(b, 8), 1u);
        QCOMPARE(readU64(b.data() + 12), HiveWriteOptions::kDefaultLastWritten);
        QCOMPARE(u32(b, 20), 1u);
        QCOMPARE(u32(b, 24), 5u);
        QCOMPARE(u32(b, 28), 0u);
        QCOMPARE(u32(b, 32), 1u);
        QCOMPARE(u32(b, 36), 0x20u);
        QCOMPARE(u32(b, 40), 0x1000u);
        QCOMPARE(u32(b, 44), 1u);
        QCOMPARE(u32(b, 508), baseBlockChecksum(b));
        for (size_t i = 48; i < 508; ++i)
            QCOMPARE(b[i], uint8_t(0));
        for (size_t i = 512; i < 4096; ++i)
            QCOMPARE(b[i], uint8_t(0));
        // hbin
        QCOMPARE(std::memcmp(b.data() + 0x1000, "hbin", 4), 0);
        QCOMPARE(u32(b, 0x1004), 0u);
        QCOMPARE(u32(b, 0x1008), 0x1000u);
        QCOMPARE(readU64(b.data() + 0x1014), HiveWriteOptions::kDefaultLastWritten);
        // root nk
        QCOMPARE(int32_t(u32(b, 0x1020)), -88);
        QCOMPARE(std::memcmp(b.data() + 0x1024, "nk", 2), 0);
        QCOMPARE(readU16(b.data() + 0x1026), uint16_t(0x2C));
        QCOMPARE(u32(b, 0x1024 + 16), kNil); // parent
        QCOMPARE(u32(b, 0x1024 + 20), 0u);
        QCOMPARE(u32(b, 0x1024 + 28), kNil);
        QCOMPARE(u32(b, 0x1024 + 32), kNil);
        QCOMPARE(u32(b, 0x1024 + 40), kNil);
        QCOMPARE(u32(b, 0x1024 + 44), 0x78u); // security
        QCOMPARE(u32(b, 0x1024 + 48), kNil); // class
        QCOMPARE(readU16(b.data() + 0x1024 + 72), uint16_t(4));
        QCOMPARE(std::memcmp(b.data() + 0x1024 + 76, "ROOT", 4), 0);
        // sk
        QCOMPARE(int32_t(u32(b, 0x1078)), -152);
        QCOMPARE(std::memcmp(b.data() + 0x107C, "sk", 2), 0);
        QCOMPARE(u32(b, 0x107C + 4), 0x78u);
        QCOMPARE(u32(b, 0x107C + 8), 0x78u);
        QCOMPARE(u32(b, 0x107C + 12), 1u);
        QCOMPARE(u32(b, 0x107C + 16), 124u);
        QCOMPARE(b[0x107C + 20], uint8_t(1));
        QCOMPARE(readU16(b.data() + 0x107C + 22), uint16_t(0x8004));
        // free tail
        QCOMPARE(u32(b, 0x1110), 0xEF0u);
        for (size_t i = 0x1114; i < 0x2000; ++i)
            QCOMPARE(b[i], uint8_t(0));
    }

    void securityDescriptorIsTheRecommendedOne()
    {
        // regf-hive-format §10, byte for byte.
        const std::vector<uint8_t> b = emptySystemHive();
        const uint8_t* sd = b.data() + 0x107C + 20;
        const uint8_t expected[124] = {
            1,    0, 0x04, 0x80, 96,   0, 0,    0, 112, 0, 0, 0, 0,    0, 0, 0, 20, 0, 0, 0, // header
            2,    0, 76,   0,    3,    0, 0,    0, // ACL
            0,    2, 20,   0,    0x3F, 0, 0x0F, 0, 1,   1, 0, 0, 0,    0, 0, 5, 18, 0, 0, 0, // SYSTEM
            0,    2, 24,   0,    0x3F, 0, 0x0F, 0, 1,   2, 0, 0, 0,    0, 0, 5, 32, 0, 0, 0,
            0x20, 2, 0,    0, // Administrators
            0,    2, 24,   0,    0x19, 0, 0x02, 0, 1,   2, 0, 0, 0,    0, 0, 5, 32, 0, 0, 0,
            0x21, 2, 0,    0, // Users
            1,    2, 0,    0,    0,    0, 0,    5, 32,  0, 0, 0, 0x20, 2, 0, 0, // owner
            1,    1, 0,    0,    0,    0, 0,    5, 18,  0, 0, 0, // group
        };
        QCOMPARE(std::memcmp(sd, expected, sizeof expected), 0);
    }

    void writesAreDeterministic()
    {
        QVERIFY(emptySystemHive() == emptySystemHive());
        QVERIFY(minimalBcdStore() == minimalBcdStore());
        QVERIFY(HiveWriter::write(contentTree()) == HiveWriter::write(contentTree()));
    }

    void subkeyInsertionOrderDoesNotChangeTheBytes()
    {
        HiveKey a("R"), b("R");
        for (const char* n : {"zeta", "Alpha", "_under", "beta"})
            a.child(n);
        for (const char* n : {"beta", "_under", "zeta", "Alpha"})
            b.child(n);
        QVERIFY(HiveWriter::write(a) == HiveWriter::write(b));
        HiveReader r(HiveWriter::write(a));
        QStringList names;
        for (const auto& k : r.root()->subkeys)
            names << QString::fromStdString(k.name);
        QCOMPARE(names, QStringList({"Alpha", "beta", "zeta", "_under"})); // §7 upper-cased order
    }

    void checksumAvoidsZeroAndAllOnes_data()
    {
        QTest::addColumn<uint32_t>("target");
        QTest::newRow("plain XOR 0") << 0u;
        QTest::newRow("plain XOR -1") << 0xFFFFFFFFu;
    }
    void checksumAvoidsZeroAndAllOnes()
    {
        // §3: choose the timestamp's low word so that the plain XOR would be 0 or −1; the writer must step it.
        QFETCH(uint32_t, target);
        HiveWriteOptions o;
        o.lastWritten = 0;
        std::vector<uint8_t> b = emptySystemHive({}, o);
        put32(b, 12, 0);
        const uint32_t others = baseBlockChecksum(b);
        o.lastWritten = others ^ target;
        b = emptySystemHive({}, o);
        const uint32_t stored = u32(b, 508);
        QVERIFY(stored != 0 && stored != 0xFFFFFFFF);
        QCOMPARE(stored, baseBlockChecksum(b));
        QCOMPARE(readU64(b.data() + 12), o.lastWritten + 1);
        QVERIFY(HiveReader(b).valid());
    }

    void readerAcceptsWindowsChecksumMapping()
    {
        // A header whose plain XOR is 0, stored the Windows way (1) and the hivex way (0): both are accepted.
        std::vector<uint8_t> b = emptySystemHive();
        put32(b, 508, 0);
        put32(b, 12, 0);
        put32(b, 12, baseBlockChecksum(b)); // now the plain XOR is 0
        QCOMPARE(baseBlockChecksum(b), 0u);
        put32(b, 508, 1);
        QVERIFY2(HiveReader(b).valid(), qPrintable(problemsOf(HiveReader(b))));
        put32(b, 508, 0);
        QVERIFY(HiveReader(b).valid());
        put32(b, 508, 2);
        QVERIFY(!HiveReader(b).valid());
    }

    void namesAreCompressedOnlyWhenLatin1()
    {
        const std::vector<uint8_t> b = HiveWriter::write(contentTree());
        HiveReader r(b);
        const auto* latin = r.find("abcd_äöüß");
        const auto* wide = r.find("weird™");
        QVERIFY(latin && wide);
        QCOMPARE(latin->flags, uint16_t(0x20));
        QCOMPARE(readU16(b.data() + latin->offset + 4 + 72), uint16_t(9)); // one byte per character
        QCOMPARE(wide->flags, uint16_t(0));
        QCOMPARE(readU16(b.data() + wide->offset + 4 + 72), uint16_t(12)); // UTF-16LE
        const auto* v = wide->value("symbols $£₤₧€");
        QVERIFY(v);
        QCOMPARE(readU16(b.data() + v->offset + 4 + 16), uint16_t(0)); // ₤ and ₧ do not fit Latin-1
        QCOMPARE(readU16(b.data() + latin->values[0].offset + 4 + 16), uint16_t(1));
    }

    void valueDataPlacementFollowsTheRules()
    {
        // §8/§9: inline ≤ 4 bytes, one cell up to 16344, db above; last segment with ≥ 4 spare bytes.
        const std::vector<uint8_t> b = HiveWriter::write(contentTree());
        HiveReader r(b);
        const auto* key = r.find("Software\\LayerScope");
        QVERIFY(key);
        auto vk = [&](const char* name) { return key->value(name)->offset + 4; };
        QCOMPARE(u32(b, vk("Dword") + 4), 0x80000004u);
        QCOMPARE(u32(b, vk("Dword") + 8), 0x12345678u);
        QCOMPARE(u32(b, vk("Binary3") + 4), 0x80000003u);
        QCOMPARE(u32(b, vk("Binary3") + 8), 0x00030201u);
        QCOMPARE(u32(b, vk("EmptyString") + 4), 0x80000002u);
        QCOMPARE(u32(b, vk("Nothing") + 4), 0x80000000u);
        QCOMPARE(u32(b, vk("Nothing") + 8), 0u);
        QCOMPARE(readU16(b.data() + vk("") + 2), uint16_t(0)); // default value: no name, flags 0
        QCOMPARE(readU16(b.data() + vk("") + 16), uint16_t(0));
        QCOMPARE(u32(b, vk("Binary6") + 4), 6u);
        const uint64_t exact = 4096 + u32(b, vk("Exact16344") + 8);
        QCOMPARE(-int32_t(u32(b, exact)), 16352); // one plain cell
        for (auto [name, size] : {std::pair {"Big32789", 32789u}, std::pair {"Big40000", 40000u}}) {
            QCOMPARE(u32(b, vk(name) + 4), size);
            const uint64_t db = 4096 + u32(b, vk(name) + 8);
            QCOMPARE(std::memcmp(b.data() + db + 4, "db", 2), 0);
            const uint16_t count = readU16(b.data() + db + 6);
            QCOMPARE(count, uint16_t(3));
            const uint64_t list = 4096 + u32(b, db + 8);
            for (uint16_t k = 0; k < count; ++k) {
                const uint64_t seg = 4096 + u32(b, list + 4 + 4 * k);
                const uint32_t cellSize = uint32_t(-int32_t(u32(b, seg)));
                const uint32_t len = k + 1 < count ? 16344u : size - 2 * 16344u;
                QVERIFY(cellSize - 8 >= len); // hivex/libregf read cellSize − 8
                QCOMPARE(cellSize % 8, 0u);
            }
        }
        // max fields are exact (§6)
        const uint64_t nk = key->offset + 4;
        QCOMPARE(u32(b, nk + 60), uint32_t(std::string("EmptyString").size() * 2));
        QCOMPARE(u32(b, nk + 64), 40000u);
        const uint64_t rootNk = r.root()->offset + 4;
        QCOMPARE(u32(b, rootNk + 52), 18u); // longest child name: "abcd_äöüß", 9 UTF-16 units
        QCOMPARE(u32(b, rootNk + 56), uint32_t(std::string("LayerScopeClass").size() * 2));
    }

    void version13UsesLfListsAndSingleCells()
    {
        HiveWriteOptions o;
        o.minorVersion = 3;
        const std::vector<uint8_t> b = HiveWriter::write(contentTree(), o);
        HiveReader r(b);
        QCOMPARE(r.version(), std::string("1.3"));
        QCOMPARE(std::memcmp(b.data() + 4096 + u32(b, r.root()->offset + 4 + 28) + 4, "lf", 2), 0);
        const auto* key = r.find("Software\\LayerScope");
        const uint64_t vk = key->value("Big40000")->offset + 4;
        const uint64_t data = 4096 + u32(b, vk + 8);
        QCOMPARE(-int32_t(u32(b, data)), int32_t((40000 + 4 + 7) & ~7));
    }

    void manySubkeysGetAnIndexRoot()
    {
        const std::vector<uint8_t> b = HiveWriter::write(contentTree());
        HiveReader r(b);
        const auto* many = r.find("Many");
        QVERIFY(many);
        QCOMPARE(many->subkeys.size(), size_t(600));
        const uint64_t ri = 4096 + u32(b, many->offset + 4 + 28);
        QCOMPARE(std::memcmp(b.data() + ri + 4, "ri", 2), 0);
        QCOMPARE(readU16(b.data() + ri + 6), uint16_t(2));
        for (int i = 0; i < 2; ++i) {
            const uint64_t leaf = 4096 + u32(b, ri + 8 + 4 * i);
            QCOMPARE(std::memcmp(b.data() + leaf + 4, "lh", 2), 0);
            QCOMPARE(readU16(b.data() + leaf + 6), uint16_t(300));
        }
        QCOMPARE(many->subkeys.front().name, std::string("Key000"));
        QCOMPARE(many->subkeys.back().name, std::string("Key599"));
    }

    void binsAreMinimalAndTailsFree()
    {
        // §4/§5: 4096-byte bins except where one cell needs more; every bin tail is one free cell.
        const std::vector<uint8_t> b = HiveWriter::write(contentTree());
        uint64_t pos = 4096;
        int large = 0;
        while (pos < b.size()) {
            const uint32_t size = u32(b, pos + 8);
            QCOMPARE(u32(b, pos + 4), uint32_t(pos - 4096));
            QCOMPARE(size % 4096, 0u);
            if (size > 4096) {
                // only for a cell that does not fit 4064 bytes, and then just big enough for it
                ++large;
                const uint32_t first = uint32_t(-int32_t(u32(b, pos + 32)));
                QVERIFY(first > 4064);
                QCOMPARE(size, (32 + first + 4095) / 4096 * 4096);
            }
            pos += size;
        }
        QCOMPARE(pos, uint64_t(b.size()));
        // Exact16344, two full segments of each big value, and Big40000's 7312-byte tail
        QCOMPARE(large, 6);
    }

    void writerRejectsTreesWindowsWouldNot_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("empty subkey name") << 0;
        QTest::newRow("backslash in a name") << 1;
        QTest::newRow("name longer than 255") << 2;
        QTest::newRow("siblings differing only in case") << 3;
        QTest::newRow("two values with one name") << 4;
        QTest::newRow("invalid UTF-8") << 5;
        QTest::newRow("minor version 4") << 6;
        QTest::newRow("nesting deeper than 512") << 7;
        QTest::newRow("empty root name") << 8;
    }
    void writerRejectsTreesWindowsWouldNot()
    {
        QFETCH(int, which);
        HiveKey root("ROOT");
        HiveWriteOptions o;
        switch (which) {
        case 0:
            root.subkeys.emplace_back("");
            break;
        case 1:
            root.subkeys.emplace_back("a\\b");
            break;
        case 2:
            root.child(std::string(256, 'x'));
            break;
        case 3:
            root.subkeys.emplace_back("Abc");
            root.subkeys.emplace_back("aBC");
            break;
        case 4:
            root.values = {HiveValue::dword("v", 1), HiveValue::dword("V", 2)};
            break;
        case 5:
            root.child("bad\xC3");
            break;
        case 6:
            o.minorVersion = 4;
            break;
        case 7: {
            HiveKey* k = &root;
            for (int i = 0; i < 513; ++i)
                k = &k->child("d");
            break;
        }
        case 8:
            root.name.clear();
            break;
        }
        QVERIFY_THROWS_EXCEPTION(layerscope::Error, HiveWriter::write(root, o));
    }

    void writerAcceptsExactly512Levels()
    {
        HiveKey root("ROOT");
        HiveKey* k = &root;
        for (int i = 0; i < 512; ++i)
            k = &k->child("d");
        HiveReader r(HiveWriter::write(root));
        QVERIFY2(r.valid() && r.problems().empty(), qPrintable(problemsOf(r)));
    }

    void bcdStoreHasTheImgutilShape()
    {
        // wcow-layer-format §3.4 with our root name, GUID and description.
        HiveReader r(minimalBcdStore());
        QVERIFY2(r.valid() && r.problems().empty(), qPrintable(problemsOf(r)));
        QCOMPARE(r.rootName(), std::string("NewStoreRoot"));
        const std::string loader = "Objects\\" + std::string(kBcdLoaderGuid);
        QCOMPARE(decodeRegString(r.find("Description")->value("KeyName")->data), std::string("BCD00000000"));
        QCOMPARE(r.find("Description")->value("FirmwareModified")->data, HiveValue::dword("", 1).data);
        QCOMPARE(r.find(loader + "\\Description")->value("Type")->data, HiveValue::dword("", 0x10200003).data);
        QCOMPARE(decodeRegString(r.find(loader + "\\Elements\\12000004")->value("Element")->data),
                 std::string("LayerScope"));
        const std::string bootmgr = "Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
        QCOMPARE(r.find(bootmgr + "\\Description")->value("Type")->data, HiveValue::dword("", 0x10100002).data);
        QCOMPARE(decodeRegString(r.find(bootmgr + "\\Elements\\23000003")->value("Element")->data),
                 std::string(kBcdLoaderGuid));
        QCOMPARE(kSystemHiveNames.size(), size_t(5));
    }

    // --- generated hives against our reader and the independent tools -------------------------------------------

    void generatedHivesReadBackExactly_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto& [name, hive] : generatedHives())
            QTest::newRow(qPrintable(name)) << name;
    }
    void generatedHivesReadBackExactly()
    {
        QFETCH(QString, name);
        const Generated& g = generatedHives().at(name);
        HiveReader r(g.bytes);
        QVERIFY2(r.valid(), qPrintable(problemsOf(r)));
        QVERIFY2(r.problems().empty(), qPrintable(problemsOf(r)));
        QCOMPARE(r.rootName(), g.rootName);
        QCOMPARE(r.header().primarySequence, 1u);
        QCOMPARE(r.header().secondarySequence, 1u);
        QCOMPARE(uint64_t(r.header().binsSize) + 4096, uint64_t(g.bytes.size()));
        compareTree(g.tree, *r.root(), QString::fromStdString(g.rootName));
    }

    void generatedHivesPassIndependentValidators_data() { generatedHivesReadBackExactly_data(); }
    void generatedHivesPassIndependentValidators()
    {
        QFETCH(QString, name);
        const Generated& g = generatedHives().at(name);
        const QString hivexml = QStandardPaths::findExecutable("hivexml");
        const QString regfinfo = QStandardPaths::findExecutable("regfinfo");
        const QString regfexport = QStandardPaths::findExecutable("regfexport");
        if (hivexml.isEmpty() || regfinfo.isEmpty() || regfexport.isEmpty())
            QSKIP("hivexml/regfinfo/regfexport not installed (Debian packages libhivex-bin, libregf-utils)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath("hive");
        testsupport::writeAll(file.toStdString(), g.bytes);
        const QString root = QString::fromStdString(g.rootName);

        const ToolRun xml = runTool(hivexml, {file});
        QVERIFY2(xml.exitCode == 0, qPrintable(xml.output.left(2000)));
        for (const QString& needle : g.xmlNeedles)
            QVERIFY2(xml.output.contains(needle), qPrintable("hivexml output lacks " + needle));

        const ToolRun info = runTool(regfinfo, {file});
        QVERIFY2(info.exitCode == 0, qPrintable(info.output.left(2000)));
        QVERIFY2(info.output.contains("(key:) " + root), qPrintable(info.output.left(2000)));

        const ToolRun exported = runTool(regfexport, {file});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.output.left(2000)));
        QVERIFY2(exported.output.contains("Key path: " + root), qPrintable(exported.output.left(2000)));
        for (const QString& needle : g.exportNeedles)
            QVERIFY2(exported.output.contains(needle), qPrintable("regfexport output lacks " + needle));
    }

    void hivexCanWriteIntoGeneratedHives_data() { generatedHivesReadBackExactly_data(); }
    void hivexCanWriteIntoGeneratedHives()
    {
        // regf-hive-format §10/§15: hivex's write path copies the parent's sk and fails without a valid one.
        QFETCH(QString, name);
        const QString python = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python.isEmpty() || runTool(python, {"-c", "import hivex"}).exitCode != 0)
            QSKIP("python3-hivex not installed (Debian package python3-hivex)");
        QTemporaryDir dir;
        const QString in = dir.filePath("in"), out = dir.filePath("out");
        testsupport::writeAll(in.toStdString(), generatedHives().at(name).bytes);
        const char* script = "import hivex, sys\n"
                             "h = hivex.Hivex(sys.argv[1], write=True)\n"
                             "c = h.node_add_child(h.root(), 'LayerScopeAdded')\n"
                             "h.node_set_value(c, {'key': 'v', 't': 4, 'value': b'\\x2a\\x00\\x00\\x00'})\n"
                             "h.commit(sys.argv[2])\n"
                             "h2 = hivex.Hivex(sys.argv[2])\n"
                             "print([h2.node_name(n) for n in h2.node_children(h2.root())])\n";
        const ToolRun run = runTool(python, {"-c", script, in, out});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        QVERIFY2(run.output.contains("LayerScopeAdded"), qPrintable(run.output));
        const HiveReader r = HiveReader::fromFile(out.toStdString());
        QVERIFY2(r.valid(), qPrintable(problemsOf(r)));
        QVERIFY(r.find("LayerScopeAdded"));
        QCOMPARE(r.find("LayerScopeAdded")->value("v")->data, HiveValue::dword("", 42).data);
    }

    void bigValuesReadBackByteExactThroughHivex()
    {
        // hivexml prints binary data as base64; compare the big values byte for byte (§9 spare-bytes rule).
        const QString hivexml = QStandardPaths::findExecutable("hivexml");
        if (hivexml.isEmpty())
            QSKIP("hivexml not installed (Debian package libhivex-bin)");
        QTemporaryDir dir;
        const QString file = dir.filePath("content");
        testsupport::writeAll(file.toStdString(), generatedHives().at("content 1.5").bytes);
        const ToolRun xml = runTool(hivexml, {file});
        QCOMPARE(xml.exitCode, 0);
        for (auto [name, size, seed] : {std::tuple {"Exact16344", 16344, 2}, std::tuple {"Big32789", 32789, 3},
                                        std::tuple {"Big40000", 40000, 4}}) {
            // hivexml wraps base64 at 76 columns.
            const QString marker = QStringLiteral("key=\"%1\" value=\"").arg(name);
            const qsizetype start = xml.output.indexOf(marker);
            QVERIFY2(start >= 0, name);
            const qsizetype from = start + marker.size();
            QString b64 = xml.output.mid(from, xml.output.indexOf('"', from) - from);
            b64.remove('\n');
            QVERIFY2(QByteArray::fromBase64(b64.toLatin1()) == toBytes(pattern(size_t(size), unsigned(seed))), name);
        }
    }

    // --- real hives made by other tools -----------------------------------------------------------------------

    void readsRealHives_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("rootName");
        QTest::addColumn<QString>("version");
        QTest::newRow("hostprocess-empty-v1.3") << "hostprocess-empty-v1.3"
                                                << "TempEmpty_DEFAULT"
                                                << "1.3";
        QTest::newRow("imgutil-BCD") << "imgutil-BCD"
                                     << "$$$PROTO.HIV"
                                     << "1.5";
        QTest::newRow("hivex-minimal") << "hivex-minimal"
                                       << "$$$PROTO.HIV"
                                       << "1.5";
        QTest::newRow("hivex-special") << "hivex-special"
                                       << "$$$PROTO.HIV"
                                       << "1.5";
        QTest::newRow("hivex-rlenvalue") << "hivex-rlenvalue"
                                         << "$$$PROTO.HIV"
                                         << "1.5";
    }
    void readsRealHives()
    {
        QFETCH(QString, file);
        QFETCH(QString, rootName);
        QFETCH(QString, version);
        const auto path = testsupport::shared("realdata/hives/" + file.toStdString());
        SKIP_UNLESS_SHARED(path);
        const HiveReader r = HiveReader::fromFile(path);
        QVERIFY2(r.valid(), qPrintable(problemsOf(r)));
        if (!r.problems().empty())
            qInfo().noquote() << file << "warnings:\n" << problemsOf(r);
        QCOMPARE(QString::fromStdString(r.rootName()), rootName);
        QCOMPARE(QString::fromStdString(r.version()), version);
        QVERIFY(!r.toText().empty());
        QVERIFY(r.toJson()["valid"].get<bool>());
    }

    void realHostProcessHiveHasEqualSequenceNumbers()
    {
        const auto path = testsupport::shared("realdata/hives/hostprocess-empty-v1.3");
        SKIP_UNLESS_SHARED(path);
        const HiveReader r = HiveReader::fromFile(path);
        QCOMPARE(r.header().primarySequence, 2u);
        QCOMPARE(r.header().secondarySequence, 2u);
        QVERIFY(r.root()->subkeys.empty());
        QVERIFY(r.problems().empty());
    }

    void realImgutilBcdHasTheDocumentedValues()
    {
        // wcow-layer-format §3.4.
        const auto path = testsupport::shared("realdata/hives/imgutil-BCD");
        SKIP_UNLESS_SHARED(path);
        const HiveReader r = HiveReader::fromFile(path);
        QVERIFY(r.valid());
        const std::string loader = "Objects\\{6a6c1f1b-59d4-11ea-9438-9402e6abd998}";
        QCOMPARE(r.find("Description")->value("FirmwareModified")->data, HiveValue::dword("", 1).data);
        QCOMPARE(r.find("Description")->value("KeyName")->type, uint32_t(RegSz));
        QCOMPARE(decodeRegString(r.find("Description")->value("KeyName")->data), std::string("BCD00000000"));
        QCOMPARE(r.find(loader + "\\Description")->value("Type")->data, HiveValue::dword("", 0x10200003).data);
        QCOMPARE(decodeRegString(r.find(loader + "\\Elements\\12000004")->value("Element")->data),
                 std::string("buildpacks.io"));
        const std::string bootmgr = "Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
        QCOMPARE(r.find(bootmgr + "\\Description")->value("Type")->data, HiveValue::dword("", 0x10100002).data);
        QCOMPARE(decodeRegString(r.find(bootmgr + "\\Elements\\23000003")->value("Element")->data),
                 std::string("{6a6c1f1b-59d4-11ea-9438-9402e6abd998}"));
        const nlohmann::json j = r.toJson();
        bool found = false;
        for (const auto& k : j["keys"])
            if (k["path"] == "$$$PROTO.HIV\\" + loader + "\\Description")
                found = k["values"][0]["data"] == 0x10200003 && k["values"][0]["type"] == "REG_DWORD";
        QVERIFY(found);
    }

    void realSpecialHiveNamesAndHashes()
    {
        // A Windows-written hive: our upper-casing reproduces its lh hashes (no hash warnings) and names decode.
        const auto path = testsupport::shared("realdata/hives/hivex-special");
        SKIP_UNLESS_SHARED(path);
        const HiveReader r = HiveReader::fromFile(path);
        QVERIFY(r.valid());
        for (const auto& p : r.problems())
            QVERIFY2(p.message.find("lh hash") == std::string::npos, p.message.c_str());
        QVERIFY(r.find("abcd_äöüß"));
        QVERIFY(r.find("abcd_äöüß")->value("abcd_äöüß"));
        QVERIFY(r.find("weird™"));
        QVERIFY(r.find("weird™")->value("symbols $£₤₧€"));
        QCOMPARE(r.root()->subkeys.size(), size_t(3));
        // The third key's name has an embedded NUL ("zero\0key"); it must survive decoding.
        QVERIFY(r.root()->subkeys[2].name.rfind(std::string("zero"), 0) == 0);
    }

    void realRlenValueHiveBinaryLengths()
    {
        const auto path = testsupport::shared("realdata/hives/hivex-rlenvalue");
        SKIP_UNLESS_SHARED(path);
        const HiveReader r = HiveReader::fromFile(path);
        QVERIFY(r.valid());
        const auto* key = r.find("ModerateValueParent");
        QVERIFY(key);
        const std::string digits = "0123456789ABCDEF0123456789ABCDEF0";
        for (size_t n : {3, 16, 30, 31, 32, 33}) {
            const auto* v = key->value(std::to_string(n) + "Bytes");
            QVERIFY(v);
            QCOMPARE(v->type, uint32_t(RegBinary));
            QCOMPARE(v->data.size(), n);
            QCOMPARE(std::string(v->data.begin(), v->data.end()), digits.substr(0, n));
        }
    }

    // --- defects: each reported with a clear message, never a crash --------------------------------------------

    void reportsDefects_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("expectValid");
        QTest::addColumn<QString>("needle");

        const std::vector<uint8_t> bcd = minimalBcdStore();
        const std::vector<uint8_t> content = HiveWriter::write(contentTree());
        const HiveReader good(bcd);
        const HiveReader goodContent(content);
        const uint64_t rootNk = good.root()->offset + 4;
        const uint64_t objectsNk = good.find("Objects")->offset + 4;
        const uint64_t rootList = 4096 + u32(bcd, rootNk + 28);
        const uint64_t objectsList = 4096 + u32(bcd, objectsNk + 28);
        const uint64_t keyNameVk = good.find("Description")->value("KeyName")->offset + 4;
        const uint64_t sk = 4096 + u32(bcd, rootNk + 44);
        const auto* lsKey = goodContent.find("Software\\LayerScope");

        auto row
            = [&](const char* name, std::vector<uint8_t> b, bool expectValid, const char* needle, bool fixSum = false) {
                  if (fixSum)
                      fixChecksum(b);
                  QTest::newRow(name) << toBytes(b) << expectValid << QString::fromUtf8(needle);
              };
        auto mutate = [](std::vector<uint8_t> b, const std::function<void(std::vector<uint8_t>&)>& f) {
            f(b);
            return b;
        };

        row("checksum off by one", mutate(bcd, [](auto& b) { put32(b, 508, u32(b, 508) + 1); }), false,
            "checksum mismatch");
        const uint64_t tail = lastCellOfBin(bcd, 4096);
        row("bin tail not covered by a free cell", mutate(bcd, [&](auto& b) { put32(b, tail, 0); }), false,
            "not covered by a free cell");
        row("cell size multiple of 4, not 8", mutate(bcd, [&](auto& b) { put32(b, tail, u32(b, tail) - 4); }), false,
            "not a multiple of 8");
        row("hbin self-offset wrong", mutate(bcd, [](auto& b) { put32(b, 4096 + 4, 0x1000); }), false, "self-offset");
        row("hbin size not a multiple of 4096", mutate(bcd, [](auto& b) { put32(b, 4096 + 8, 0x1800); }), false,
            "not a non-zero multiple of 4096");
        row("file truncated by one bin", mutate(content, [](auto& b) { b.resize(b.size() - 4096); }), false,
            "file truncated");
        row("bins size too large", mutate(bcd, [](auto& b) { put32(b, 40, 0x10000); }), false, "exceeds", true);
        row("file smaller than 8192 bytes", mutate(bcd, [](auto& b) { b.resize(4096 + 2048); }), false,
            "8192-byte minimum");
        row("not a hive", mutate(bcd, [](auto& b) { std::memcpy(b.data(), "abcd", 4); }), false, "not a registry hive");
        row("empty file", {}, false, "too short");
        row("major version 2", mutate(bcd, [](auto& b) { put32(b, 20, 2); }), false, "major version", true);
        row("file type 1 (log)", mutate(bcd, [](auto& b) { put32(b, 28, 1); }), false, "transaction log", true);
        row("root offset points to the sk cell", mutate(bcd, [&](auto& b) { put32(b, 36, uint32_t(sk - 4096)); }),
            false, "is not a key node", true);
        row("root offset into the middle of a cell", mutate(bcd, [](auto& b) { put32(b, 36, 0x28); }), false,
            "does not point to the start of a cell", true);
        row("root offset out of range", mutate(bcd, [](auto& b) { put32(b, 36, 0x7FFFFFF0); }), false,
            "outside the hive bins", true);
        row("subkey count differs from the list",
            mutate(bcd, [&](auto& b) { put32(b, rootNk + 20, u32(b, rootNk + 20) + 1); }), false, "subkey count");
        row("sequence numbers differ", mutate(bcd, [](auto& b) { put32(b, 8, 2); }), true, "dirty hive", true);
        row("subkey list offset out of range", mutate(bcd, [&](auto& b) { put32(b, objectsNk + 28, 0x7FFFFFF0); }),
            false, "outside the hive bins");
        row("value data offset out of range", mutate(bcd, [&](auto& b) { put32(b, keyNameVk + 8, 0x00FFFFF0); }), false,
            "outside the hive bins");
        row("value data larger than its cell", mutate(bcd, [&](auto& b) { put32(b, keyNameVk + 4, 100); }), false,
            "data cell holds");
        row("inline data longer than four bytes",
            mutate(bcd,
                   [&](auto& b) {
                       const uint64_t vk = good.find("Description")->value("FirmwareModified")->offset + 4;
                       put32(b, vk + 4, 0x80000008);
                   }),
            false, "inline data");
        row("ri list pointing to itself",
            mutate(bcd,
                   [&](auto& b) {
                       std::memcpy(b.data() + rootList + 4, "ri", 2);
                       writeU16(b.data() + rootList + 6, 1);
                       put32(b, rootList + 8, uint32_t(rootList - 4096));
                   }),
            false, "points to another ri");
        row("li entry pointing to its own list",
            mutate(bcd,
                   [&](auto& b) {
                       std::memcpy(b.data() + rootList + 4, "li", 2);
                       writeU16(b.data() + rootList + 6, 1);
                       put32(b, rootList + 8, uint32_t(rootList - 4096));
                   }),
            false, "expected a key node");
        row("child's subkey list is its parent's (cycle)",
            mutate(bcd,
                   [&](auto& b) {
                       put32(b, objectsNk + 20, 2);
                       put32(b, objectsNk + 28, uint32_t(rootList - 4096));
                   }),
            false, "used a second time");
        row("list entry pointing back to the root (cycle)",
            mutate(bcd, [&](auto& b) { put32(b, objectsList + 8, uint32_t(rootNk - 4 - 4096)); }), false,
            "reached a second time");
        row("unknown list signature", mutate(bcd, [&](auto& b) { std::memcpy(b.data() + rootList + 4, "zz", 2); }),
            false, "unknown signature");
        row("wrong lh hash", mutate(bcd, [&](auto& b) { put32(b, rootList + 12, 0x1234); }), true, "lh hash");
        row("unsorted siblings",
            mutate(bcd,
                   [&](auto& b) {
                       const uint64_t e0 = rootList + 8, e1 = rootList + 16;
                       std::vector<uint8_t> t(b.begin() + e0, b.begin() + e0 + 8);
                       std::copy(b.begin() + e1, b.begin() + e1 + 8, b.begin() + e0);
                       std::copy(t.begin(), t.end(), b.begin() + e1);
                   }),
            true, "not sorted");
        row("security reference count wrong", mutate(bcd, [&](auto& b) { put32(b, sk + 4 + 12, 1); }), true,
            "reference count");
        row("root without a security cell", mutate(bcd, [&](auto& b) { put32(b, rootNk + 44, kNil); }), true,
            "no security cell");
        row("security offset to a key node", mutate(bcd, [&](auto& b) { put32(b, objectsNk + 44, 0x20); }), false,
            "does not point to an \"sk\" cell");
        row("sk blink broken", mutate(bcd, [&](auto& b) { put32(b, sk + 4 + 8, 0x20); }), true, "blink");
        row("empty key name", mutate(bcd, [&](auto& b) { writeU16(b.data() + objectsNk + 72, 0); }), true,
            "empty name");
        row("big value missing a segment",
            mutate(content,
                   [&](auto& b) {
                       const uint64_t vk = lsKey->value("Big40000")->offset + 4;
                       writeU16(b.data() + 4096 + u32(b, vk + 8) + 6, 1);
                   }),
            false, "big-data segments");
        row("big value's last segment too short",
            mutate(content,
                   [&](auto& b) {
                       const uint64_t vk = lsKey->value("Big32789")->offset + 4;
                       put32(b, vk + 4, 32789 + 200);
                   }),
            false, "needed");
        row("value referenced twice",
            mutate(content,
                   [&](auto& b) {
                       const uint64_t list = 4096 + u32(b, lsKey->offset + 4 + 40);
                       put32(b, list + 4 + 4, u32(b, list + 4));
                   }),
            false, "listed twice");
    }
    void reportsDefects()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, expectValid);
        QFETCH(QString, needle);
        const std::vector<uint8_t> b = toVector(bytes);
        HiveReader r(b);
        QVERIFY2(r.valid() == expectValid, qPrintable(problemsOf(r)));
        const Severity severity = expectValid ? Severity::Warning : Severity::Error;
        QVERIFY2(hasProblem(r, severity, needle.toStdString()),
                 qPrintable("no \"" + needle + "\" in:\n" + problemsOf(r)));
        QVERIFY(!r.toText().empty());
        QCOMPARE(r.toJson()["valid"].get<bool>(), expectValid);
    }

    void capsNestingDepth()
    {
        // Two chains of 300 below the root; re-pointing the end of one at the other makes a 600-deep path.
        HiveKey root("ROOT");
        HiveKey* a = &root.child("A");
        for (int i = 0; i < 299; ++i)
            a = &a->child("A");
        HiveKey* bchain = &root.child("X").child("B");
        for (int i = 0; i < 299; ++i)
            bchain = &bchain->child("B");
        std::vector<uint8_t> bytes = HiveWriter::write(root);
        const HiveReader good(bytes);
        QVERIFY(good.valid());
        const HiveReader::Key* deepest = good.find("A");
        while (!deepest->subkeys.empty())
            deepest = &deepest->subkeys[0];
        const uint64_t xNk = good.find("X")->offset + 4;
        put32(bytes, deepest->offset + 4 + 20, 1);
        put32(bytes, deepest->offset + 4 + 28, u32(bytes, xNk + 28));
        HiveReader r(bytes);
        QVERIFY(!r.valid());
        QVERIFY2(hasProblem(r, Severity::Error, "deeper than 512"), qPrintable(problemsOf(r)));
    }

    void survivesRandomMutations_data()
    {
        QTest::addColumn<QString>("hive");
        QTest::addColumn<int>("rounds");
        QTest::newRow("BCD store") << "BCD store" << 2000;
        QTest::newRow("content 1.5") << "content 1.5" << 300;
        QTest::newRow("content 1.3") << "content 1.3" << 200;
    }
    void survivesRandomMutations()
    {
        // Random byte flips and planted offsets, half with the checksum repaired so parsing goes deep: the reader
        // must finish every time, render its results, and take bounded time (generous: no timing assertion on
        // speed, only against a hang).
        QFETCH(QString, hive);
        QFETCH(int, rounds);
        const std::vector<uint8_t>& good = generatedHives().at(hive).bytes;
        std::mt19937 rng(20240101);
        QElapsedTimer timer;
        timer.start();
        int invalid = 0;
        for (int round = 0; round < rounds; ++round) {
            std::vector<uint8_t> b = good;
            const int edits = 1 + int(rng() % 4);
            for (int e = 0; e < edits; ++e) {
                const size_t pos = (rng() % 5 == 0) ? rng() % 512 : 4096 + rng() % (b.size() - 4096);
                switch (rng() % 4) {
                case 0:
                    b[pos] ^= uint8_t(1u << (rng() % 8));
                    break;
                case 1:
                    b[pos] = uint8_t(rng());
                    break;
                default: {
                    static const uint32_t planted[]
                        = {0, 0xFFFFFFFF, 0x20, 0x78, 0x80000000, 0x80000005, 0x7FFFFFFF, 4, 8, 0x1000};
                    const uint32_t v = (rng() % 2) ? planted[rng() % 10] : uint32_t(rng() % b.size()) & ~7u;
                    const size_t at = std::min(pos & ~size_t(3), b.size() - 4);
                    put32(b, at, v);
                }
                }
            }
            if (rng() % 2)
                fixChecksum(b);
            HiveReader r(b);
            invalid += r.valid() ? 0 : 1;
            QVERIFY(!r.toJson().dump().empty());
            QVERIFY(!r.toText().empty());
        }
        QVERIFY2(timer.elapsed() < 120000, qPrintable(QString::number(timer.elapsed()) + " ms"));
        QVERIFY(invalid > 0);
        qInfo() << rounds << "mutations," << invalid << "reported invalid," << timer.elapsed() << "ms";
    }

    // --- dumps and helpers ----------------------------------------------------------------------------------

    void jsonDumpListsKeyPathsAndDecodedValues()
    {
        const HiveReader r(HiveWriter::write(contentTree()));
        const nlohmann::json j = r.toJson();
        QCOMPARE(j["valid"].get<bool>(), true);
        QCOMPARE(j["version"].get<std::string>(), std::string("1.5"));
        QCOMPARE(j["rootName"].get<std::string>(), std::string("ROOT"));
        QCOMPARE(j["sequence"], nlohmann::json({1, 1}));
        QVERIFY(j["problems"].empty());
        std::map<std::string, nlohmann::json> keys;
        for (const auto& k : j["keys"])
            keys[k["path"]] = k["values"];
        QVERIFY(keys.count("ROOT\\Many\\Key123"));
        QCOMPARE(keys["ROOT\\Classy"], nlohmann::json::array());
        std::map<std::string, nlohmann::json> values;
        for (const auto& v : keys["ROOT\\Software\\LayerScope"])
            values[v["name"]] = v;
        QCOMPARE(values["String"]["data"].get<std::string>(), std::string("hello"));
        QCOMPARE(values["String"]["type"].get<std::string>(), std::string("REG_SZ"));
        QCOMPARE(values[""]["data"].get<std::string>(), std::string("default value"));
        QCOMPARE(values["Dword"]["data"].get<uint32_t>(), 0x12345678u);
        QCOMPARE(values["Qword"]["data"].get<uint64_t>(), 0x0123456789ABCDEFull);
        QCOMPARE(values["Multi"]["data"], nlohmann::json({"one", "two", "drei"}));
        QCOMPARE(values["Binary3"]["data"].get<std::string>(), std::string("010203"));
        QCOMPARE(values["Custom"]["type"].get<std::string>(), std::string("REG_0x00012345"));
        QCOMPARE(values["EmptyString"]["data"].get<std::string>(), std::string());
        QCOMPARE(values["Expand"]["type"].get<std::string>(), std::string("REG_EXPAND_SZ"));
    }

    void textDumpIsReadable()
    {
        const HiveReader r(minimalBcdStore());
        const QString text = QString::fromStdString(r.toText());
        QVERIFY2(text.contains("regf 1.5, root \"NewStoreRoot\", sequence 1/1, last written 2024-01-01T00:00:00Z"),
                 qPrintable(text));
        QVERIFY(text.contains("valid: 0 errors, 0 warnings"));
        QVERIFY(text.contains("[NewStoreRoot\\Description]"));
        QVERIFY(text.contains("\"KeyName\" = REG_SZ \"BCD00000000\""));
        QVERIFY(text.contains("\"FirmwareModified\" = REG_DWORD 0x00000001 (1)"));
    }

    void renderingHelpers()
    {
        QCOMPARE(valueTypeName(RegMultiSz), std::string("REG_MULTI_SZ"));
        QCOMPARE(valueTypeName(RegQword), std::string("REG_QWORD"));
        QCOMPARE(decodeMultiString(HiveValue::multiString("", {"a", "bc"}).data),
                 std::vector<std::string>({"a", "bc"}));
        QCOMPARE(renderValueData(RegBinary, std::vector<uint8_t> {0xde, 0xad}), std::string("hex: de ad"));
        QCOMPARE(renderValueData(RegQword, HiveValue::qword("", 5).data), std::string("0x0000000000000005 (5)"));
        QCOMPARE(renderValueData(RegMultiSz, HiveValue::multiString("", {"x", "y"}).data),
                 std::string("[\"x\", \"y\"]"));
        QCOMPARE(decodeRegString(HiveValue::string("", "weird™").data), std::string("weird™"));
        QCOMPARE(formatFileTime(HiveWriteOptions::kDefaultLastWritten), std::string("2024-01-01T00:00:00Z"));
        QCOMPARE(lhHash(u"A"), uint32_t('A'));
        QCOMPARE(lhHash(u"ab"), uint32_t('A' * 37 + 'B'));
    }

    void refusesOversizedFilesBeforeReading()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("sparse").toStdString();
        {
            std::ofstream out(path, std::ios::binary);
        }
        std::filesystem::resize_file(path, HiveReader::kMaxHiveSize + 1);
        QVERIFY_THROWS_EXCEPTION(layerscope::Error, HiveReader::fromFile(path));
        QVERIFY_THROWS_EXCEPTION(layerscope::Error, HiveReader::fromFile(dir.filePath("missing").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestHive)
#include "tst_hive.moc"
