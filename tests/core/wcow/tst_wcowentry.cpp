// SPDX-License-Identifier: Apache-2.0
// Decoding tar headers into Windows entries (wcow-layer-format §1.4-1.6), file attributes and NTFS-style case
// folding.
#include "common/base64.h"
#include "common/error.h"
#include "testsupport.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"
#include "wcow/fileattributes.h"
#include "wcow/securitydescriptor.h"

#include <QtTest>

using namespace layerscope;
using namespace layerscope::wcow;

namespace {

using Records = std::vector<std::pair<std::string, std::string>>;

tar::TarHeader header(const std::string& path, char type = tar::typeflag::Regular, Records records = {})
{
    tar::TarHeader h;
    h.path = path;
    h.type = type;
    for (auto& [key, value] : records)
        h.pax.push_back(tar::PaxRecord {key, value});
    return h;
}

// regf-hive-format §10's descriptor, base64 as MSWINDOWS.rawsd carries it.
const std::string kHiveSdBase64
    = "AQAEgGAAAABwAAAAAAAAABQAAAACAEwAAwAAAAACFAA/AA8AAQEAAAAAAAUSAAAAAAIYAD8ADwABAgAAAAAABS"
      "AAAAAgAgAAAAIYABkAAgABAgAAAAAABSAAAAAhAgAAAQIAAAAAAAUgAAAAIAIAAAEBAAAAAAAFEgAAAA==";

bool hasProblem(const std::vector<Problem>& problems, Problem::Severity severity, const std::string& path,
                const std::string& text)
{
    for (const auto& p : problems)
        if (p.severity == severity && p.path == path && p.message.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestWcowEntry : public QObject
{
    Q_OBJECT

private slots:
    // --- file attributes -------------------------------------------------------------------------------------

    void namesEveryAttributeBit_data()
    {
        QTest::addColumn<quint32>("attributes");
        QTest::addColumn<QStringList>("names");
        QTest::newRow("none") << 0u << QStringList {};
        QTest::newRow("directory") << 16u << QStringList {"DIRECTORY"};
        QTest::newRow("archive") << 32u << QStringList {"ARCHIVE"};
        QTest::newRow("directory reparse point") << 1040u << QStringList {"DIRECTORY", "REPARSE_POINT"};
        QTest::newRow("RHS") << 7u << QStringList {"READONLY", "HIDDEN", "SYSTEM"};
        QTest::newRow("0x40000 is RECALL_ON_OPEN") << 0x40000u << QStringList {"RECALL_ON_OPEN"};
        QTest::newRow("obsolete volume-label bit") << 0x8u << QStringList {"0x8"};
        QTest::newRow("top bit") << 0x80000000u << QStringList {"0x80000000"};
        QTest::newRow("every named bit") << 0x205FFFF7u
                                         << QStringList {"READONLY",
                                                         "HIDDEN",
                                                         "SYSTEM",
                                                         "DIRECTORY",
                                                         "ARCHIVE",
                                                         "DEVICE",
                                                         "NORMAL",
                                                         "TEMPORARY",
                                                         "SPARSE_FILE",
                                                         "REPARSE_POINT",
                                                         "COMPRESSED",
                                                         "OFFLINE",
                                                         "NOT_CONTENT_INDEXED",
                                                         "ENCRYPTED",
                                                         "INTEGRITY_STREAM",
                                                         "VIRTUAL",
                                                         "NO_SCRUB_DATA",
                                                         "RECALL_ON_OPEN",
                                                         "PINNED",
                                                         "UNPINNED",
                                                         "RECALL_ON_DATA_ACCESS",
                                                         "STRICTLY_SEQUENTIAL"};
    }
    void namesEveryAttributeBit()
    {
        QFETCH(quint32, attributes);
        QFETCH(QStringList, names);
        QStringList actual;
        for (const auto& name : attributeNames(attributes))
            actual << QString::fromStdString(name);
        QCOMPARE(actual, names);
    }

    void lettersFollowTheDocumentedOrder_data()
    {
        QTest::addColumn<quint32>("attributes");
        QTest::addColumn<QString>("letters");
        QTest::newRow("none") << 0u << "";
        QTest::newRow("RHSA") << 0x27u << "RHSA";
        QTest::newRow("RHSDA") << 0x37u << "RHSDA";
        QTest::newRow("junction directory") << 1040u << "DL";
        QTest::newRow("compressed sparse archive") << 0xA20u << "AZC";
        QTest::newRow("unknown bit") << 0x8u << "?";
    }
    void lettersFollowTheDocumentedOrder()
    {
        QFETCH(quint32, attributes);
        QFETCH(QString, letters);
        QCOMPARE(QString::fromStdString(attributeLetters(attributes)), letters);
    }

    void parsesDecimalAttributes()
    {
        QCOMPARE(parseFileAttributes("16"), 16u);
        QCOMPARE(parseFileAttributes("0"), 0u);
        QCOMPARE(parseFileAttributes("0032"), 32u);
        QCOMPARE(parseFileAttributes("4294967295"), 4294967295u);
    }

    void rejectsMalformedAttributes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("overflow") << "4294967296"
                                  << "does not fit 32 bits";
        QTest::newRow("huge") << "99999999999999999999999"
                              << "does not fit 32 bits";
        QTest::newRow("negative") << "-1"
                                  << "not a decimal number";
        QTest::newRow("plus sign") << "+1"
                                   << "not a decimal number";
        QTest::newRow("hex") << "0x10"
                             << "not a decimal number";
        QTest::newRow("space") << " 16"
                               << "not a decimal number";
        QTest::newRow("exponent") << "1e3"
                                  << "not a decimal number";
    }
    void rejectsMalformedAttributes()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parseFileAttributes(text.toStdString());
            QFAIL("expected an Error");
        } catch (const Error& error) {
            QVERIFY2(QString::fromStdString(error.message()).contains(message), error.what());
        }
    }

    // --- case folding ----------------------------------------------------------------------------------------

    void foldsCaseLikeNtfs_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("ASCII") << "files/windows/System32"
                               << "FILES/WINDOWS/SYSTEM32" << true;
        QTest::newRow("Latin-1") << QString::fromUtf8("café") << QString::fromUtf8("CAFÉ") << true;
        QTest::newRow("y diaeresis leaves Latin-1") << QString::fromUtf8("ÿ") << QString::fromUtf8("Ÿ") << true;
        QTest::newRow("Latin Extended-A pairs") << QString::fromUtf8("łódź") << QString::fromUtf8("ŁÓDŹ") << true;
        QTest::newRow("Greek") << QString::fromUtf8("σοφία") << QString::fromUtf8("ΣΟΦΊΑ") << true;
        QTest::newRow("Cyrillic") << QString::fromUtf8("дом") << QString::fromUtf8("ДОМ") << true;
        QTest::newRow("full-width") << QString::fromUtf8("ａｂ") << QString::fromUtf8("ＡＢ") << true;
        QTest::newRow("sharp s has no one-character upper case") << QString::fromUtf8("ß") << "SS" << false;
        QTest::newRow("different letters") << "a"
                                           << "b" << false;
        QTest::newRow("digits untouched") << "config1"
                                          << "CONFIG1" << true;
    }
    void foldsCaseLikeNtfs()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, equal);
        QCOMPARE(equalsIgnoringCase(a.toStdString(), b.toStdString()), equal);
    }

    void keepsInvalidUtf8Distinct()
    {
        const std::string a("x\xff", 2);
        const std::string b("x\xfe", 2);
        QCOMPARE(foldCase(a), std::string("X\xff", 2));
        QVERIFY(foldCase(a) != foldCase(b));
        QCOMPARE(foldCase(std::string("\xc3", 1)), std::string("\xc3", 1)); // truncated sequence
    }

    // --- entry decoding --------------------------------------------------------------------------------------

    void normalisesPaths_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("output");
        QTest::newRow("plain") << "Files/a.txt"
                               << "Files/a.txt";
        QTest::newRow("leading dot slash") << "./Files/a.txt"
                                           << "Files/a.txt";
        QTest::newRow("leading slash") << "/Files/a.txt"
                                       << "Files/a.txt";
        QTest::newRow("repeated prefixes") << ".//./Files"
                                           << "Files";
        QTest::newRow("trailing slash") << "Files/dir/"
                                        << "Files/dir";
        QTest::newRow("several trailing slashes") << "Files//"
                                                  << "Files";
        QTest::newRow("root") << "./"
                              << "";
        QTest::newRow("dot") << "."
                             << "";
    }
    void normalisesPaths()
    {
        QFETCH(QString, input);
        QFETCH(QString, output);
        std::vector<Problem> problems;
        QCOMPARE(QString::fromStdString(decodeEntry(header(input.toStdString()), problems).path), output);
        QVERIFY(problems.empty());
    }

    void decodesTypes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("typeflag");
        QTest::addColumn<bool>("mountPoint");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("stream");
        QTest::newRow("file") << "Files/a.txt" << int('0') << false << "file"
                              << "";
        QTest::newRow("old-style file") << "Files/a.txt" << 0 << false << "file"
                                        << "";
        QTest::newRow("contiguous file") << "Files/a.txt" << int('7') << false << "file"
                                         << "";
        QTest::newRow("directory") << "Files/dir/" << int('5') << false << "directory"
                                   << "";
        QTest::newRow("symlink") << "Files/link" << int('2') << false << "symlink"
                                 << "";
        QTest::newRow("junction") << "Files/Documents and Settings" << int('2') << true << "junction"
                                  << "";
        QTest::newRow("hard link") << "Files/b.txt" << int('1') << false << "hardlink"
                                   << "";
        QTest::newRow("whiteout") << "Files/dir/.wh.gone.txt" << int('0') << false << "whiteout"
                                  << "";
        QTest::newRow("whiteout of a directory") << "Files/.wh.olddir" << int('5') << false << "whiteout"
                                                 << "";
        QTest::newRow("stream") << "Files/a.txt:Zone.Identifier" << int('0') << false << "stream"
                                << "Zone.Identifier";
        QTest::newRow("stream with $DATA") << "Files/a.txt:s1:$DATA" << int('0') << false << "stream"
                                           << "s1";
        QTest::newRow("colon in a parent is not a stream") << "Files/c:d/x" << int('0') << false << "file"
                                                           << "";
        QTest::newRow("fifo") << "Files/fifo" << int('6') << false << "other"
                              << "";
    }
    void decodesTypes()
    {
        QFETCH(QString, path);
        QFETCH(int, typeflag);
        QFETCH(bool, mountPoint);
        QFETCH(QString, type);
        QFETCH(QString, stream);
        Records records;
        if (mountPoint)
            records.emplace_back("MSWINDOWS.mountpoint", "1");
        std::vector<Problem> problems;
        const auto entry = decodeEntry(header(path.toStdString(), char(typeflag), records), problems);
        QCOMPARE(QString(entryTypeName(entry.type)), type);
        QCOMPARE(QString::fromStdString(entry.streamName), stream);
        QVERIFY(problems.empty());
    }

    void opaqueWhiteoutIsALiteralWhiteoutWithAWarning()
    {
        std::vector<Problem> problems;
        const auto entry = decodeEntry(header("Files/dir/.wh..wh..opq"), problems);
        QCOMPARE(entry.type, EntryType::Whiteout);
        QCOMPARE(whiteoutTarget(entry.path), std::string("Files/dir/.wh..opq"));
        QVERIFY(hasProblem(problems, Problem::Severity::Warning, "Files/dir/.wh..wh..opq", "no opaque directories"));
    }

    void decodesAFullBackuptarEntry()
    {
        // What go-winio's backuptar writes for a directory (wcow-layer-format §1.4/1.5).
        auto h = header("Files/Windows/System32/config", tar::typeflag::Directory,
                        {{"LIBARCHIVE.creationtime", "1700000000.1234567"},
                         {"MSWINDOWS.fileattr", "16"},
                         {"MSWINDOWS.rawsd", kHiveSdBase64},
                         {"MSWINDOWS.xattr.$KERNEL.PURGE.ESBCACHE", base64Encode(std::vector<uint8_t> {1, 0, 2})},
                         {"atime", "1700000001.5"},
                         {"ctime", "1700000002"},
                         {"mtime", "1700000003.0000001"}});
        h.mtime = 1700000003;
        h.mode = 040000;
        h.index = 42;
        std::vector<Problem> problems;
        const auto entry = decodeEntry(h, problems);
        QVERIFY(problems.empty());
        QCOMPARE(entry.type, EntryType::Directory);
        QCOMPARE(entry.attributes, std::optional<uint32_t>(16));
        QCOMPARE(entry.sddl, std::string("O:BAG:SYD:(A;CI;KA;;;SY)(A;CI;KA;;;BA)(A;CI;KR;;;BU)"));
        QCOMPARE(entry.securityDescriptor.size(), size_t(124));
        QCOMPARE(entry.created, std::optional<PaxTime>(PaxTime {1700000000, 123456700}));
        QCOMPARE(entry.modified, (PaxTime {1700000003, 100}));
        QCOMPARE(entry.accessed, std::optional<PaxTime>(PaxTime {1700000001, 500000000}));
        QCOMPARE(entry.changed, std::optional<PaxTime>(PaxTime {1700000002, 0}));
        QCOMPARE(entry.mode, 040000u);
        QCOMPARE(entry.tarIndex, uint64_t(42));
        QCOMPARE(entry.xattrs.size(), size_t(1));
        QCOMPARE(entry.xattrs[0].first, std::string("$KERNEL.PURGE.ESBCACHE"));
        QCOMPARE(entry.xattrs[0].second, std::string("\x01\x00\x02", 3));
    }

    void plainUstarEntryHasDefaults()
    {
        // imgutil's base layer entries: no PAX at all (§3.2).
        auto h = header("UtilityVM/Files/EFI/Microsoft/Boot/BCD");
        h.mtime = 0;
        h.size = 12288;
        h.mode = 0644;
        std::vector<Problem> problems;
        const auto entry = decodeEntry(h, problems);
        QVERIFY(problems.empty());
        QCOMPARE(entry.type, EntryType::File);
        QCOMPARE(entry.size, uint64_t(12288));
        QVERIFY(!entry.attributes);
        QVERIFY(!entry.created);
        QVERIFY(!entry.accessed);
        QVERIFY(!entry.changed);
        QCOMPARE(entry.modified, (PaxTime {0, 0}));
        QVERIFY(entry.securityDescriptor.empty());
        QVERIFY(entry.sddl.empty());
    }

    void ustarMtimeIsUsedWithoutPaxMtime()
    {
        auto h = header("Files/a");
        h.mtime = 1234;
        std::vector<Problem> problems;
        QCOMPARE(decodeEntry(h, problems).modified, (PaxTime {1234, 0}));
    }

    void linkTargetsAreKeptAsStored()
    {
        auto h = header("Files/Documents and Settings", tar::typeflag::Symlink, {{"MSWINDOWS.mountpoint", "1"}});
        h.linkPath = "C:\\Users";
        std::vector<Problem> problems;
        const auto entry = decodeEntry(h, problems);
        QCOMPARE(entry.type, EntryType::Junction);
        QCOMPARE(entry.linkTarget, std::string("C:\\Users"));
    }

    void legacySddlRecordIsConvertedToBinary()
    {
        std::vector<Problem> problems;
        const auto entry = decodeEntry(
            header("Files/a", tar::typeflag::Regular, {{"MSWINDOWS.sd", "O:BAG:SYD:(A;;0x1F01FF;;;SY)"}}), problems);
        QVERIFY(problems.empty());
        QCOMPARE(entry.sddl, std::string("O:BAG:SYD:(A;;FA;;;SY)"));
        QCOMPARE(entry.securityDescriptor, SecurityDescriptor::fromSddl("O:BAG:SYD:(A;;FA;;;SY)").toBinary());
    }

    void rawsdWinsOverLegacySddl()
    {
        std::vector<Problem> problems;
        const auto entry = decodeEntry(
            header("Files/a", tar::typeflag::Regular, {{"MSWINDOWS.sd", "O:SY"}, {"MSWINDOWS.rawsd", kHiveSdBase64}}),
            problems);
        QCOMPARE(entry.sddl.substr(0, 8), std::string("O:BAG:SY"));
    }

    void badRecordsBecomeProblemsNotExceptions_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("rawsd not base64") << "MSWINDOWS.rawsd"
                                          << "not*base64"
                                          << "not valid base64";
        QTest::newRow("rawsd too short") << "MSWINDOWS.rawsd"
                                         << "AQAEgA=="
                                         << "only 4 bytes";
        QTest::newRow("rawsd lying ACL") << "MSWINDOWS.rawsd"
                                         << QString::fromStdString(base64Encode(
                                                std::vector<uint8_t> {1, 0, 4,  0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                                      0, 0, 20, 0,    0, 0, 2, 0, 8, 0, 3, 0, 0, 0}))
                                         << "AceCount says 3";
        QTest::newRow("legacy sd malformed") << "MSWINDOWS.sd"
                                             << "D:(A;;FA;;;"
                                             << "does not parse";
        QTest::newRow("fileattr not decimal") << "MSWINDOWS.fileattr"
                                              << "0x10"
                                              << "not a decimal number";
        QTest::newRow("fileattr overflow") << "MSWINDOWS.fileattr"
                                           << "4294967296"
                                           << "does not fit 32 bits";
        QTest::newRow("bad creation time") << "LIBARCHIVE.creationtime"
                                           << "yesterday"
                                           << "not a PAX time";
        QTest::newRow("bad mtime") << "mtime"
                                   << "1.2.3"
                                   << "not a PAX time";
        QTest::newRow("bad xattr") << "MSWINDOWS.xattr.user.x"
                                   << "@@@@"
                                   << "extended attribute \"user.x\"";
    }
    void badRecordsBecomeProblemsNotExceptions()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, message);
        std::vector<Problem> problems;
        auto h = header("Files/broken.dll", tar::typeflag::Regular, {{key.toStdString(), value.toStdString()}});
        h.mtime = 77;
        const auto entry = decodeEntry(h, problems);
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].severity, Problem::Severity::Error);
        QCOMPARE(problems[0].path, std::string("Files/broken.dll"));
        QVERIFY2(QString::fromStdString(problems[0].message).contains(message), problems[0].message.c_str());
        QVERIFY(entry.sddl.empty());
        QCOMPARE(entry.modified, (PaxTime {77, 0})); // a bad PAX mtime falls back to the ustar field
        QVERIFY(!entry.attributes);
    }

    void malformedDescriptorKeepsItsBytes()
    {
        const std::vector<uint8_t> bytes {1, 0, 4, 0x80, 0, 0, 0, 0};
        std::vector<Problem> problems;
        const auto entry = decodeEntry(
            header("Files/a", tar::typeflag::Regular, {{"MSWINDOWS.rawsd", base64Encode(bytes)}}), problems);
        QCOMPARE(entry.securityDescriptor, bytes);
        QVERIFY(entry.sddl.empty());
        QCOMPARE(problems.size(), size_t(1));
    }

    void helpersSplitPaths()
    {
        QCOMPARE(baseName("Files/a/b.txt"), std::string_view("b.txt"));
        QCOMPARE(baseName("Files"), std::string_view("Files"));
        QCOMPARE(parentPath("Files/a/b.txt"), std::string_view("Files/a"));
        QCOMPARE(parentPath("Files"), std::string_view(""));
        QCOMPARE(whiteoutTarget("Files/a/.wh.b.txt"), std::string("Files/a/b.txt"));
        QCOMPARE(whiteoutTarget(".wh.top"), std::string("top"));
        QCOMPARE(streamOwner("Files/a.txt:s"), std::string("Files/a.txt"));
        QCOMPARE(streamOwner("Files/a.txt"), std::string("Files/a.txt"));
    }
};

QTEST_GUILESS_MAIN(TestWcowEntry)
#include "tst_wcowentry.moc"
