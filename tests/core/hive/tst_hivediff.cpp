// SPDX-License-Identifier: Apache-2.0
// Registry-level hive diff (issue 13): hives edited by hivex (python3-hivex), a tool other than ours, must diff as
// exactly the edits made; a hive re-saved without edits must diff as equal except for noise.
#include "hive/bcdnames.h"
#include "hive/hivediff.h"
#include "hive/hiveformat.h"
#include "hive/hivereader.h"
#include "hive/hivewriter.h"
#include "hive/systemhives.h"

#include "common/error.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace layerscope::hive;

namespace {

std::vector<uint8_t> pattern(size_t n, unsigned seed)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = uint8_t((i * 131 + seed * 17 + (i >> 8)) % 251);
    return v;
}

// Values of every kind (regf-hive-format §8, §9), nested keys, non-Latin-1 names and a class name.
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
        .set(HiveValue::multiString("Multi", {"one", "two"}))
        .set(HiveValue::binary("Big40000", pattern(40000, 4)));
    root.child("weird™").set(HiveValue::string("symbols €", "™€"));
    root.child("zeta").child("inner").set(HiveValue::dword("x", 1));
    HiveKey& many = root.child("Many");
    for (int i = 0; i < 600; ++i) // an ri index (§7)
        many.child(QStringLiteral("Key%1").arg(i, 3, 10, QLatin1Char('0')).toStdString());
    root.child("Classy").className = "LayerScopeClass";
    return root;
}

QString python()
{
    const QString python = QStandardPaths::findExecutable("python3", {"/usr/bin"});
    if (python.isEmpty() || testsupport::runProcess(python, {"-c", "import hivex"}).exitCode != 0)
        return {};
    return python;
}

std::vector<uint8_t> sourceBytes(const QString& source)
{
    if (source == "empty")
        return emptySystemHive("SYSTEM");
    if (source == "content")
        return HiveWriter::write(contentTree());
    if (source == "bcd")
        return minimalBcdStore();
    return testsupport::readAll(testsupport::shared("realdata/hives/" + source.toStdString()));
}

// One line per change: "kind|path[|value][|fields]" — what the tests hold the diff to.
QStringList summary(const HiveDiff& d)
{
    QStringList out;
    for (const HiveDiff::Change& c : d.changes()) {
        QString line = QString::fromUtf8(hiveChangeKindName(c.kind)) + "|" + QString::fromStdString(c.path);
        if (c.isValue())
            line += "|" + QString::fromStdString(c.valueName());
        if (c.fields) {
            QStringList f;
            for (const std::string& n : hiveFieldNames(c.fields))
                f << QString::fromStdString(n);
            line += "|" + f.join(',');
        }
        out << line;
    }
    return out;
}

QString show(const QStringList& l)
{
    return l.join("\n");
}

} // namespace

class TestHiveDiff : public QObject
{
    Q_OBJECT

private:
    // Runs tests/fixtures/hiveedit.py over `source` and returns the edited bytes.
    std::vector<uint8_t> edited(const QString& py, const std::vector<uint8_t>& source, const QString& editsJson)
    {
        QTemporaryDir dir;
        const QString in = dir.filePath("in"), out = dir.filePath("out");
        testsupport::writeAll(in.toStdString(), source);
        const auto run = testsupport::runProcess(
            py, {QStringLiteral(LAYERSCOPE_SOURCE_DIR "/tests/fixtures/hiveedit.py"), in, out, editsJson});
        if (run.exitCode != 0)
            qWarning().noquote() << run.err;
        return run.exitCode == 0 ? testsupport::readAll(out.toStdString()) : std::vector<uint8_t>();
    }

private slots:
    void listsExactlyTheEditsMade_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("edits");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("empty: a new subtree is one change")
            << "empty"
            << R"([{"op":"add-key","path":"Software\\Microsoft\\Windows"},
                  {"op":"set-value","path":"Software\\Microsoft","name":"v","type":4,"hex":"01000000"}])"
            << QStringList {"key-added|Software"};
        QTest::newRow("empty: values on the root")
            << "empty"
            << R"([{"op":"set-value","path":"","name":"Setting","type":4,"hex":"2a000000"},
                  {"op":"set-value","path":"","name":"","type":1,"hex":"61000000"}])"
            << QStringList {"value-added||", "value-added||Setting"};
        QTest::newRow("content: types, data, deletions, additions")
            << "content"
            << R"([{"op":"set-value","path":"Software\\LayerScope","name":"Dword","type":1,"hex":"78000000"},
                  {"op":"set-value","path":"Software\\LayerScope","name":"Qword","type":11,"hex":"0100000000000000"},
                  {"op":"set-value","path":"Software\\LayerScope","name":"String","type":1,"hex":"680065006c006c006f000000"},
                  {"op":"delete-value","path":"Software\\LayerScope","name":"Binary3"},
                  {"op":"set-value","path":"Software\\LayerScope","name":"Multi","type":7,"hex":"6f006e0065000000000000"},
                  {"op":"delete-key","path":"zeta"},
                  {"op":"add-key","path":"Many\\Key600"},
                  {"op":"delete-key","path":"Many\\Key007"},
                  {"op":"set-value","path":"Classy","name":"new","type":3,"hex":"0102030405"}])"
            << QStringList {"value-added|Classy|new",
                            "key-removed|Many\\Key007",
                            "key-added|Many\\Key600",
                            "value-removed|Software\\LayerScope|Binary3",
                            "value-changed|Software\\LayerScope|Dword|type,data",
                            "value-changed|Software\\LayerScope|Multi|data",
                            "value-changed|Software\\LayerScope|Qword|data",
                            "key-removed|zeta"};
        QTest::newRow("content: same type, other data; a type change alone")
            << "content"
            << R"([{"op":"set-value","path":"Software\\LayerScope","name":"Expand","type":1,"hex":"2500530079007300740065006d0052006f006f00740025005c00730079007300740065006d00330032000000"},
                  {"op":"set-value","path":"weird™","name":"symbols €","type":1,"hex":"2221ac200000"}])"
            << QStringList {"value-changed|Software\\LayerScope|Expand|type"};
        QTest::newRow("bcd: description and a new element")
            << "bcd"
            << R"([{"op":"set-value","path":"Objects\\{4c617965-7253-636f-7065-4f534c6f6164}\\Elements\\12000004","name":"Element","type":1,"hex":"4e00650077000000"},
                  {"op":"add-key","path":"Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\25000004"}])"
            << QStringList {
                   "value-changed|Objects\\{4c617965-7253-636f-7065-4f534c6f6164}\\Elements\\12000004|Element|data",
                   "key-added|Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\25000004"};
        QTest::newRow("real imgutil-BCD: default object and a removed loader")
            << "imgutil-BCD"
            << R"([{"op":"delete-key","path":"Objects\\{6a6c1f1b-59d4-11ea-9438-9402e6abd998}"},
                  {"op":"delete-value","path":"Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\23000003","name":"Element"}])"
            << QStringList {
                   "key-removed|Objects\\{6a6c1f1b-59d4-11ea-9438-9402e6abd998}",
                   "value-removed|Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\23000003|Element"};
        QTest::newRow("real hivex-special: non-ASCII names")
            << "hivex-special"
            << R"([{"op":"set-value","path":"abcd_äöüß","name":"abcd_äöüß","type":1,"hex":"37000000"},
                  {"op":"add-key","path":"weird™\\neu €"}])"
            << QStringList {"value-changed|abcd_äöüß|abcd_äöüß|type,data", "key-added|weird™\\neu €"};
        QTest::newRow("real hivex-rlenvalue: binary lengths around the inline boundary")
            << "hivex-rlenvalue"
            << R"([{"op":"add-key","path":"added"}])" << QStringList {"key-added|added"};
        QTest::newRow("real hivex-minimal: a key and a value") << "hivex-minimal"
                                                               << R"([{"op":"add-key","path":"A\\B"},
                  {"op":"set-value","path":"","name":"q","type":11,"hex":"0807060504030201"}])"
                                                               << QStringList {"value-added||q", "key-added|A"};
        QTest::newRow("real hostprocess-empty-v1.3")
            << "hostprocess-empty-v1.3"
            << R"([{"op":"add-key","path":"Software"}])" << QStringList {"key-added|Software"};
    }
    void listsExactlyTheEditsMade()
    {
        QFETCH(QString, source);
        QFETCH(QString, edits);
        QFETCH(QStringList, expected);
        const QString py = python();
        if (py.isEmpty())
            QSKIP("python3-hivex not installed (Debian package python3-hivex)");
        if (source.contains('-'))
            SKIP_UNLESS_SHARED(testsupport::shared("realdata/hives/" + source.toStdString()));
        const std::vector<uint8_t> before = sourceBytes(source);
        const std::vector<uint8_t> after = edited(py, before, edits);
        QVERIFY(!after.empty());
        const HiveReader a(before), b(after);
        QVERIFY(a.valid());
        QVERIFY(b.valid());
        const HiveDiff d(a, b);
        QCOMPARE(show(summary(d)), show(expected));
        QCOMPARE(d.verdict(), expected.isEmpty() ? HiveDiff::Verdict::EqualExceptNoise : HiveDiff::Verdict::Different);
        // And the other way round: additions become removals and vice versa, nothing else.
        const HiveDiff back(b, a);
        QCOMPARE(back.changes().size(), d.changes().size());
    }

    void resavedUneditedIsEqualExceptNoise_data()
    {
        QTest::addColumn<QString>("source");
        for (const char* s : {"empty", "content", "bcd", "imgutil-BCD", "hivex-minimal", "hivex-special",
                              "hivex-rlenvalue", "hostprocess-empty-v1.3"})
            QTest::newRow(s) << s;
    }
    void resavedUneditedIsEqualExceptNoise()
    {
        QFETCH(QString, source);
        const QString py = python();
        if (py.isEmpty())
            QSKIP("python3-hivex not installed (Debian package python3-hivex)");
        if (source.contains('-'))
            SKIP_UNLESS_SHARED(testsupport::shared("realdata/hives/" + source.toStdString()));
        const std::vector<uint8_t> before = sourceBytes(source);
        const std::vector<uint8_t> after = edited(py, before, "[]");
        QVERIFY(!after.empty());
        QVERIFY(before != after); // hivex bumps the sequence numbers: the bytes differ
        const HiveReader a(before), b(after);
        const HiveDiff d(a, b);
        QVERIFY2(d.changes().empty(), qPrintable(show(summary(d))));
        QCOMPARE(d.verdict(), HiveDiff::Verdict::EqualExceptNoise);
        QVERIFY(!d.header().empty());
        for (const auto& h : d.header())
            QVERIFY2(h.noise, h.field.c_str());
        QVERIFY(QString::fromStdString(d.toText()).startsWith("hive diff: equal"));
    }

    void sameBytesAreIdentical()
    {
        const auto bytes = HiveWriter::write(contentTree());
        const HiveReader a(bytes), b(bytes);
        const HiveDiff d(a, b);
        QCOMPARE(d.verdict(), HiveDiff::Verdict::Identical);
        QVERIFY(d.header().empty() && d.timestampOnly().empty() && d.changes().empty());
    }

    void timestampsAreNoiseOnTheirOwn()
    {
        HiveWriteOptions later;
        later.lastWritten += 10'000'000ull * 3600;
        const HiveReader a(HiveWriter::write(contentTree())), b(HiveWriter::write(contentTree(), later));
        const HiveDiff d(a, b);
        QCOMPARE(d.verdict(), HiveDiff::Verdict::EqualExceptNoise);
        QVERIFY(d.changes().empty());
        QCOMPARE(d.timestampOnly().size(), size_t(600 + 8)); // every key: root, 7 below it, 600 under Many
        QCOMPARE(d.toJson(3)["timestampOnly"].size(), size_t(3));
        QCOMPARE(d.toJson()["summary"]["timestampOnly"].get<size_t>(), size_t(608));
    }

    void representationIsNotAChange()
    {
        // 1.3 uses lf lists and single data cells where 1.5 uses lh and big data (§2.1, §7, §9): same registry.
        HiveWriteOptions v13;
        v13.minorVersion = 3;
        const HiveReader a(HiveWriter::write(contentTree())), b(HiveWriter::write(contentTree(), v13));
        const HiveDiff d(a, b);
        QVERIFY2(d.changes().empty(), qPrintable(show(summary(d))));
        QCOMPARE(d.header().size(), size_t(1));
        QCOMPARE(d.header()[0].field, std::string("version"));
        QVERIFY(!d.header()[0].noise);
        QCOMPARE(d.verdict(), HiveDiff::Verdict::Different);
    }

    void namesMatchCaseInsensitively()
    {
        HiveKey ta("ROOT"), tb("ROOT");
        ta.child("Software").set(HiveValue::dword("Value", 1));
        ta.child("Straße");
        tb.child("SOFTWARE").set(HiveValue::dword("VALUE", 1));
        tb.child("STRASSE"); // ß upper-cases to itself (§7): a different name
        const HiveReader a(HiveWriter::write(ta)), b(HiveWriter::write(tb));
        const HiveDiff d(a, b);
        QCOMPARE(show(summary(d)),
                 show({"key-changed|Software|name", "value-changed|Software|Value|name", "key-added|STRASSE",
                       "key-removed|Straße"}));
    }

    void classNamesSecurityAndLayerBits()
    {
        HiveKey ta = contentTree(), tb = contentTree();
        tb.child("Classy").className = "Other";
        const HiveReader a(HiveWriter::write(ta));
        std::vector<uint8_t> bytes = HiveWriter::write(tb);
        // The root key node: mark it a tombstone (registry-delta-hives §3.1, nk byte 13) and change the first
        // ACE's mask in its security descriptor (regf-hive-format §10: DACL at 20, ACE at 28, mask at 32).
        const uint64_t root = kBaseBlockSize + readU32(bytes.data() + 36) + 4;
        bytes[root + 13] = 1;
        const uint64_t sk = kBaseBlockSize + readU32(bytes.data() + root + 44) + 4;
        writeU32(bytes.data() + sk + 20 + 32, 0x001200A9);
        const HiveReader b(bytes);
        QVERIFY(b.valid());
        const HiveDiff d(a, b);
        QStringList expected {"key-changed||security,layerBits", "key-changed|Classy|className"};
        // Every other key shares the one descriptor (§10), so each shows the security change too.
        QCOMPARE(summary(d).first(), expected.first());
        QVERIFY(summary(d).contains("key-changed|Classy|className,security"));
        QCOMPARE(summary(d).size(), 608);
        const auto& rootChange = d.changes().front();
        QVERIFY(d.sddl(*rootChange.keyA, false) != d.sddl(*rootChange.keyB, true));
        QVERIFY(QString::fromStdString(d.sddl(*rootChange.keyA, false)).startsWith("O:"));
        const auto j = d.toJson();
        QCOMPARE(j["changes"][0]["b"]["layerBits"].get<std::string>(), std::string("tombstone"));
    }

    void bcdChangesAreNamed()
    {
        const QString py = python();
        if (py.isEmpty())
            QSKIP("python3-hivex not installed (Debian package python3-hivex)");
        const auto before = minimalBcdStore();
        const auto after = edited(py, before, R"([
            {"op":"set-value","path":"Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\23000003","name":"Element","type":1,"hex":"7b00310063006100650031006500620037002d0061003000640066002d0034006400340064002d0039003800350031002d003400380036003000650033003400650066003500330035007d000000"},
            {"op":"add-key","path":"Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\25000004"}])");
        const HiveReader a(before), b(after);
        const HiveDiff d(a, b);
        QVERIFY(d.isBcd());
        QCOMPARE(d.changes().size(), size_t(2));
        QCOMPARE(d.bcdLabel(d.changes()[0]), std::string("{bootmgr} default (0x23000003)"));
        QCOMPARE(d.bcdLabel(d.changes()[1]), std::string("{bootmgr} timeout (0x25000004)"));
        const std::string text = d.toText();
        QVERIFY2(text.find("{1cae1eb7-a0df-4d4d-9851-4860e34ef535} {default}") != std::string::npos, text.c_str());
        const auto j = d.toJson();
        QCOMPARE(j["changes"][0]["bcd"].get<std::string>(), std::string("{bootmgr} default (0x23000003)"));
        QCOMPARE(j["changes"][0]["b"]["data"].get<std::string>(),
                 std::string("{1cae1eb7-a0df-4d4d-9851-4860e34ef535}"));
    }

    void bcdNames()
    {
        QCOMPARE(bcdObjectAlias("{9DEA862C-5CDD-4E70-ACC1-F32B344D4795}").value(), std::string_view("{bootmgr}"));
        QVERIFY(!bcdObjectAlias("{00000000-0000-0000-0000-000000000000}"));
        QCOMPARE(bcdElementName(0x12000004).value(), std::string_view("description"));
        QCOMPARE(bcdElementName(0x23000003, kBcdTypeBootManager).value(), std::string_view("default"));
        QCOMPARE(bcdElementName(0x23000003, kBcdTypeOsLoader).value(), std::string_view("resumeobject"));
        QCOMPARE(bcdElementKind(0x26000010), std::string("application boolean"));
        QCOMPARE(bcdPathLabel("Objects\\{4c617965-7253-636f-7065-4f534c6f6164}\\Elements\\12000004"),
                 std::string("{4c617965-7253-636f-7065-4f534c6f6164} description (0x12000004)"));
        QCOMPARE(bcdPathLabel("Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}"), std::string("{bootmgr}"));
        QCOMPARE(bcdPathLabel("Description"), std::string());
        QCOMPARE(bcdAnnotateGuids("plain"), std::string("plain"));
        const auto real = testsupport::shared("realdata/hives/imgutil-BCD");
        SKIP_UNLESS_SHARED(real);
        QVERIFY(looksLikeBcdStore(HiveReader::fromFile(real)));
        QVERIFY(!looksLikeBcdStore(HiveReader(emptySystemHive())));
    }

    void jsonCarriesSidesAndTextData()
    {
        HiveKey ta("ROOT"), tb("ROOT");
        ta.child("K").set(HiveValue::dword("n", 5)).set(HiveValue::binary("b", {0xde, 0xad}));
        tb.child("K").set(HiveValue::string("n", "five")).set(HiveValue::binary("b", {0xbe, 0xef}));
        const HiveReader a(HiveWriter::write(ta)), b(HiveWriter::write(tb));
        const auto j = HiveDiff(a, b).toJson();
        QCOMPARE(j["verdict"].get<std::string>(), std::string("different"));
        QCOMPARE(j["summary"]["valuesChanged"].get<int>(), 2);
        const auto& n = j["changes"][1];
        QCOMPARE(n["name"].get<std::string>(), std::string("n"));
        QCOMPARE(n["a"]["type"].get<std::string>(), std::string("REG_DWORD"));
        QCOMPARE(n["a"]["data"].get<int>(), 5);
        QCOMPARE(n["b"]["data"].get<std::string>(), std::string("five"));
        QCOMPARE(j["changes"][0]["b"]["data"].get<std::string>(), std::string("beef"));
        QCOMPARE(j["changes"][0]["b"]["text"].get<std::string>(), std::string("hex: be ef"));
    }

    void refusesHivesWithoutARoot()
    {
        std::vector<uint8_t> junk(8192, 0);
        const HiveReader a(junk), b(emptySystemHive());
        QVERIFY_THROWS_EXCEPTION(layerscope::Error, HiveDiff(a, b));
    }
};

QTEST_GUILESS_MAIN(TestHiveDiff)
#include "tst_hivediff.moc"
