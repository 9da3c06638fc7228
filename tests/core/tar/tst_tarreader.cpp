// SPDX-License-Identifier: Apache-2.0
#include "tartestsupport.h"

#include "index/filestat.h"
#include "tar/ustarlayout.h"

#include <QTemporaryDir>

#include <fstream>

using namespace layerscope;
using namespace layerscope::tar;
using namespace tartest;

namespace {

// Two regular files: "a.txt" (10000 bytes, header at 0, data 512..10512) and "b.txt" (5 bytes, header at 10752).
Bytes twoFiles(bool withEnd = true)
{
    Bytes bytes = block("a.txt", '0', 10000);
    appendPadded(bytes, std::string(10000, 'a'));
    append(bytes, block("b.txt", '0', 5));
    appendPadded(bytes, "bbbbb");
    if (withEnd)
        appendEnd(bytes);
    return bytes;
}

std::string readLink(const std::filesystem::path& path)
{
    return layerscope::index::statNoFollow(path).linkTarget; // MinGW's std::filesystem cannot read links
}

} // namespace

class TestTarReader : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_python; // archives written by Python's tarfile, with JSON dumps
    QString m_tools; // archives written by GNU tar and bsdtar from m_source
    std::filesystem::path m_source;
    QString m_pythonProblem; // why Python's archives could not be made here, if they could not
    QString m_toolsProblem; // the same for the GNU tar and bsdtar archives

    QString pythonArchive(const QString& name) const { return m_python + "/" + name; }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_python = m_dir.filePath("python");
        m_pythonProblem = startProblem(LAYERSCOPE_PYTHON);
        if (m_pythonProblem.isEmpty()) {
            const ProcessResult made = run(LAYERSCOPE_PYTHON, {fixtureScript(), "make", m_python});
            QVERIFY2(made.exitCode == 0, made.err.constData());
        }

        m_source = m_dir.filePath("source").toStdString();
        m_tools = m_dir.filePath("tools");
        std::filesystem::create_directories(m_source);
        m_toolsProblem = toolArchivesProblem(m_source);
        if (m_toolsProblem.isEmpty())
            makeToolArchives(m_source, m_tools);
    }

    // (a) Python's tarfile wrote these; its own reading of them is the reference.
    void readsPythonArchivesLikeTarfile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("PAX with Windows records") << "pax";
        // pax_global.tar is not here: tarfile applies global records to the entries that follow (POSIX), Go's reader
        // and ours do not (appliesNoGlobalRecordsAsGoDoes); tst_tarconformance compares such archives with Go.
        QTest::newRow("GNU long names and base-256") << "gnu";
        QTest::newRow("ustar with prefix") << "ustar";
    }
    void readsPythonArchivesLikeTarfile()
    {
        REQUIRE_TOOL(m_pythonProblem);
        QFETCH(QString, name);
        const Archive ours = readBytes(testsupport::readAll(pythonArchive(name + ".tar").toStdString()));
        QVERIFY(!ours.entries.empty());
        QCOMPARE(ours.warnings.size(), size_t(0));
        compareWithTarfile(ours, loadJson(pythonArchive(name + ".json")));
    }

    void keepsPaxRecordsVerbatimAndInOrder()
    {
        REQUIRE_TOOL(m_pythonProblem);
        const Archive ours = readBytes(testsupport::readAll(pythonArchive("pax.tar").toStdString()));
        auto find = [&](const std::string& path) -> const TarHeader* {
            for (const Entry& entry : ours.entries)
                if (entry.header.path == path)
                    return &entry.header;
            return nullptr;
        };
        const TarHeader* hello = find("Files/hello.txt");
        QVERIFY(hello);
        const std::vector<PaxRecord> expected = {
            {"MSWINDOWS.fileattr", "32"},
            {"MSWINDOWS.rawsd", "AQAAgBQAAAAkAAAAAAAAAAAAAAABAgAAAAAABSAAAAAgAgAAAQIAAAAAAAUgAAAAIAIAAA=="},
            {"LIBARCHIVE.creationtime", "1700000000.1234567"},
            {"atime", "1700000001.5"},
            {"ctime", "1700000002"},
        };
        QVERIFY(hello->pax == expected);

        const TarHeader* junction = find("Files/junction");
        QVERIFY(junction);
        QCOMPARE(junction->type, typeflag::Symlink);
        QCOMPARE(q(junction->linkPath), QString("C:\\Windows\\System32"));
        QVERIFY(junction->paxValue("MSWINDOWS.mountpoint"));
        QCOMPARE(q(*junction->paxValue("MSWINDOWS.fileattr")), QString("1040"));

        const TarHeader* xattr = find("Files/xattr.txt");
        QVERIFY(xattr);
        QCOMPARE(q(*xattr->paxValue("comment")), QString("two\nlines=and an equals sign"));

        const TarHeader* old = find("Files/old.txt");
        QVERIFY(old);
        QCOMPARE(old->mtime, int64_t(-1000));
    }

    // (b) GNU tar and bsdtar in each of their formats, from the same files.
    void readsTarToolArchives_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("hasLongLink");
        QTest::addColumn<qint64>("uid"); // -1: not checked
        QTest::addColumn<qint64>("mtime"); // INT64_MIN: not checked
        const qint64 any = std::numeric_limits<qint64>::min();
        QTest::newRow("GNU tar ustar (prefix field)") << "gnutar-ustar.tar" << false << qint64(0) << qint64(1700000000);
        QTest::newRow("GNU tar gnu (L/K, base-256)") << "gnutar-gnu.tar" << true << qint64(3000000) << qint64(-1000);
        QTest::newRow("GNU tar oldgnu") << "gnutar-oldgnu.tar" << true << qint64(3000000) << qint64(-1000);
        QTest::newRow("GNU tar posix (PAX)") << "gnutar-posix.tar" << true << qint64(3000000) << qint64(-1000);
        QTest::newRow("bsdtar ustar") << "bsdtar-ustar.tar" << false << qint64(-1) << any;
        QTest::newRow("bsdtar pax") << "bsdtar-pax.tar" << true << qint64(3000000) << any;
        QTest::newRow("bsdtar gnutar") << "bsdtar-gnutar.tar" << true << qint64(3000000) << any;
    }
    void readsTarToolArchives()
    {
        REQUIRE_TOOL(m_toolsProblem);
        QFETCH(QString, name);
        QFETCH(bool, hasLongLink);
        QFETCH(qint64, uid);
        QFETCH(qint64, mtime);
        const Archive ours = readBytes(testsupport::readAll((m_tools + "/" + name).toStdString()));
        QCOMPARE(ours.warnings.size(), size_t(0));

        std::vector<std::string> expected
            = {"a.txt", std::string(60, 'd'), std::string(60, 'd') + "/" + std::string(80, 'f'), "short"};
        if (hasLongLink)
            expected.push_back("long");
        QCOMPARE(ours.entries.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const TarHeader& header = ours.entries[i].header;
            QCOMPARE(q(stripTrailingSlashes(header.path)), q(expected[i]));
            QCOMPARE(header.index, uint64_t(i));
            if (uid >= 0)
                QCOMPARE(header.uid, uint64_t(uid));
            if (mtime != std::numeric_limits<qint64>::min())
                QCOMPARE(header.mtime, int64_t(mtime));
            const std::filesystem::path onDisk = m_source / expected[i];
            if (header.type == typeflag::Symlink) {
                QCOMPARE(q(header.linkPath), q(readLink(onDisk)));
            } else if (header.type == typeflag::Regular) {
                QVERIFY(ours.entries[i].data == testsupport::readAll(onDisk));
            } else {
                QCOMPARE(header.type, typeflag::Directory);
            }
        }
    }

    void readsIdenticallyWhateverTheReadPattern_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("maxPiece"); // 0: a MemorySource, which lends its memory instead of copying
        QTest::addColumn<int>("bufferSize");
        QTest::newRow("copy, memory, 1 MiB buffer") << int(ReadMode::Copy) << 0 << (1 << 20);
        QTest::newRow("copy, small pieces, small buffer") << int(ReadMode::Copy) << 700 << 2048;
        QTest::newRow("chunks, small pieces, small buffer") << int(ReadMode::Chunks) << 700 << 2048;
        QTest::newRow("chunks, 1-byte pieces") << int(ReadMode::Chunks) << 1 << 4096;
        QTest::newRow("skipping data, small pieces") << int(ReadMode::SkipData) << 300 << 2048;
        // MemorySource lends its bytes (ByteSource::borrow): headers then straddle borrowed windows.
        QTest::newRow("borrowed, chunks, small buffer") << int(ReadMode::Chunks) << 0 << 2048;
        QTest::newRow("borrowed, copy, odd buffer") << int(ReadMode::Copy) << 0 << 1536;
        QTest::newRow("borrowed, skipping data, small buffer") << int(ReadMode::SkipData) << 0 << 1024;
    }
    void readsIdenticallyWhateverTheReadPattern()
    {
        REQUIRE_TOOL(m_pythonProblem);
        QFETCH(int, mode);
        QFETCH(int, maxPiece);
        QFETCH(int, bufferSize);
        const Bytes bytes = testsupport::readAll(pythonArchive("pax.tar").toStdString());
        const Archive reference = readBytes(bytes);
        Archive archive;
        if (maxPiece == 0) {
            io::MemorySource source(bytes, "test.tar");
            archive = readAll(source, ReadMode(mode), size_t(bufferSize));
        } else {
            ChoppySource source(bytes, size_t(maxPiece));
            archive = readAll(source, ReadMode(mode), size_t(bufferSize));
        }
        QCOMPARE(archive.entries.size(), reference.entries.size());
        for (size_t i = 0; i < archive.entries.size(); ++i) {
            const TarHeader& a = archive.entries[i].header;
            const TarHeader& b = reference.entries[i].header;
            QCOMPARE(q(a.path), q(b.path));
            QVERIFY(a.pax == b.pax);
            QCOMPARE(a.headerOffset, b.headerOffset);
            QCOMPARE(a.dataOffset, b.dataOffset);
            if (ReadMode(mode) != ReadMode::SkipData)
                QVERIFY(archive.entries[i].data == reference.entries[i].data);
        }
        QCOMPARE(archive.endOffset, uint64_t(bytes.size()));
    }

    void recordsWhereEachEntrySits()
    {
        REQUIRE_TOOL(m_pythonProblem);
        const Bytes bytes = testsupport::readAll(pythonArchive("pax.tar").toStdString());
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.front().header.headerOffset, uint64_t(0)); // its `x` header
        uint64_t previousEnd = 0;
        for (size_t i = 0; i < archive.entries.size(); ++i) {
            const TarHeader& header = archive.entries[i].header;
            QCOMPARE(header.index, uint64_t(i));
            QVERIFY(header.headerOffset >= previousEnd);
            QVERIFY(header.dataOffset >= header.headerOffset + 512);
            QCOMPARE(header.dataOffset % 512, uint64_t(0));
            const Bytes& data = archive.entries[i].data;
            QVERIFY(std::equal(data.begin(), data.end(), bytes.begin() + std::ptrdiff_t(header.dataOffset)));
            previousEnd = header.dataOffset + (data.size() + 511) / 512 * 512;
        }
        QCOMPARE(archive.endOffset, uint64_t(bytes.size()));
    }

    void appliesNoGlobalRecordsAsGoDoesAndEmptyValuesRevert()
    {
        const std::string global = paxRecord("uname", "globaluser") + paxRecord("comment", "c");
        Bytes bytes = block("GlobalHead.0.0", 'g', global.size());
        appendPadded(bytes, global);
        Bytes first = block("a", '0', 0);
        putField(first, 0, 265, std::string("fielduser") + '\0');
        fixChecksum(first, 0);
        append(bytes, first);
        // An empty value keeps the header field (Go's mergePAX; POSIX pax: it deletes the record in effect).
        const std::string own = paxRecord("uname", "own") + paxRecord("uname", "") + paxRecord("mtime", "-1.5");
        append(bytes, block("PaxHeaders.0/b", 'x', own.size()));
        appendPadded(bytes, own);
        append(bytes, first);
        appendEnd(bytes);

        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(2));
        // Go's archive/tar hands the `g` header out as an entry of its own and applies its records to nothing.
        QCOMPARE(q(archive.entries[0].header.uname), QString("fielduser"));
        QCOMPARE(q(archive.entries[1].header.uname), QString("fielduser"));
        QCOMPARE(archive.entries[1].header.mtime, int64_t(-2)); // -1.5 s: whole seconds round down
        QCOMPARE(archive.entries[0].header.headerOffset, uint64_t(1024)); // after the global header
        QCOMPARE(archive.entries[0].header.pax.size(), size_t(0));
        QCOMPARE(archive.entries[1].header.pax.size(), size_t(3));
        const std::vector<PaxRecord> globals = {{"uname", "globaluser"}, {"comment", "c"}};
        QVERIFY(archive.globals == globals);
        QCOMPARE(archive.warnings.size(), size_t(1));
        QVERIFY2(q(archive.warnings[0])
                     .contains("test.tar: entry 0 at byte 0: global extended header with 2 records: "
                               "Go's archive/tar"),
                 archive.warnings[0].c_str());
    }

    // Go's ParseInt: leading zeros and a sign are fine (pax-pos-size-file.tar in Go's test data).
    void readsPaxNumbersAsGoDoes()
    {
        const std::string records = paxRecord("size", std::string(40, '0') + "5") + paxRecord("uid", "+0042")
            + paxRecord("gid", "0000000000000000000000000000007") + paxRecord("mtime", "+0001700000000.25");
        Bytes bytes = block("PaxHeaders.0/f", 'x', records.size());
        appendPadded(bytes, records);
        append(bytes, block("f", '0', 3));
        appendPadded(bytes, "abcde");
        appendEnd(bytes);
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(1));
        QCOMPARE(archive.entries[0].header.size, uint64_t(5));
        QVERIFY(archive.entries[0].data == Bytes({'a', 'b', 'c', 'd', 'e'}));
        QCOMPARE(archive.entries[0].header.uid, uint64_t(42));
        QCOMPARE(archive.entries[0].header.gid, uint64_t(7));
        QCOMPARE(archive.entries[0].header.mtime, int64_t(1700000000));
    }

    // pax-multi-hdrs.tar: Go keeps only the last `x` header's records.
    void onlyTheLastExtendedHeaderApplies()
    {
        const std::string earlier = paxRecord("path", "earlier/name") + paxRecord("MSWINDOWS.fileattr", "32");
        const std::string later = paxRecord("linkpath", "target");
        Bytes bytes = block("PaxHeaders.0/a", 'x', earlier.size());
        appendPadded(bytes, earlier);
        append(bytes, block("PaxHeaders.0/b", 'x', later.size()));
        appendPadded(bytes, later);
        append(bytes, block("bar", '2', 0));
        appendEnd(bytes);
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(1));
        QCOMPARE(q(archive.entries[0].header.path), QString("bar"));
        QCOMPARE(q(archive.entries[0].header.linkPath), QString("target"));
        QVERIFY(archive.entries[0].header.pax == std::vector<PaxRecord>({{"linkpath", "target"}}));
        QCOMPARE(archive.entries[0].header.headerOffset, uint64_t(0));
        QCOMPARE(archive.warnings.size(), size_t(1));
        QVERIFY2(q(archive.warnings[0])
                         .contains("test.tar: entry 0 at byte 1024: another extended header for the same "
                                   "entry: only the last one applies")
                     && q(archive.warnings[0]).contains("ignores the earlier one at byte 0"),
                 archive.warnings[0].c_str());
    }

    void gnuLongNameBeatsPaxPath()
    {
        const std::string longName = std::string(150, 'n');
        Bytes bytes = block("././@LongLink", 'L', longName.size() + 1);
        appendPadded(bytes, longName + '\0');
        const std::string records = paxRecord("path", "from/pax");
        append(bytes, block("PaxHeaders.0/f", 'x', records.size()));
        appendPadded(bytes, records);
        append(bytes, block("short", '0', 0));
        appendEnd(bytes);
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(1));
        QCOMPARE(q(archive.entries[0].header.path), q(longName));
    }

    // v7 and old archives: typeflag NUL is a regular file, or a directory when the name ends in '/'.
    void typeflagNulWithATrailingSlashIsADirectory()
    {
        Bytes bytes = block("misc/dirtype-old-v7/", '\0', 0);
        std::memset(bytes.data() + 257, 0, 8); // no magic: a v7 header
        fixChecksum(bytes, 0);
        Bytes file = block("misc/regtype-old-v7", '\0', 2);
        std::memset(file.data() + 257, 0, 8);
        fixChecksum(file, 0);
        append(bytes, file);
        appendPadded(bytes, "hi");
        appendEnd(bytes);
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(2));
        QCOMPARE(archive.entries[0].header.type, typeflag::Directory);
        QCOMPARE(archive.entries[1].header.type, typeflag::Regular);
        QVERIFY(archive.entries[1].data == Bytes({'h', 'i'}));
    }

    // invalid-go17.tar: Go before 1.8 wrote a ustar prefix into old GNU headers, where access and change times
    // belong; Go reads it back when those fields are not numbers.
    void restoresThePrefixGoBefore18WroteIntoGnuHeaders()
    {
        Bytes bytes = block("foo", '0', 0);
        putField(bytes, 0, 257, std::string(ustar::GnuMagic, 8));
        putField(bytes, 0, 345, std::string(100, 'a'));
        fixChecksum(bytes, 0);
        Bytes valid = block("bar", '0', 0);
        putField(valid, 0, 257, std::string(ustar::GnuMagic, 8));
        putField(valid, 0, 345, octal(1600000000, 12) + octal(1600000001, 12));
        fixChecksum(valid, 0);
        append(bytes, valid);
        appendEnd(bytes);
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(2));
        QCOMPARE(q(archive.entries[0].header.path), QString(100, 'a') + "/foo");
        QVERIFY(!archive.entries[0].header.atime);
        QCOMPARE(q(archive.entries[1].header.path), QString("bar"));
        QCOMPARE(archive.entries[1].header.atime.value_or(0), int64_t(1600000000));
        QCOMPARE(archive.entries[1].header.ctime.value_or(0), int64_t(1600000001));
    }

    // Sparse files as GNU tar writes them in each format, against the file itself: real name, real size, expanded
    // content.
    void readsGnuSparseFormats_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<char>("type");
        QTest::newRow("old GNU 'S'") << QStringList {"--format=gnu"} << typeflag::GnuSparse;
        QTest::newRow("PAX 0.0") << QStringList {"--format=posix", "--sparse-version=0.0"} << typeflag::Regular;
        QTest::newRow("PAX 0.1") << QStringList {"--format=posix", "--sparse-version=0.1"} << typeflag::Regular;
        QTest::newRow("PAX 1.0") << QStringList {"--format=posix", "--sparse-version=1.0"} << typeflag::Regular;
    }
    void readsGnuSparseFormats()
    {
        REQUIRE_TOOL(startProblem("tar"));
        QFETCH(QStringList, options);
        QFETCH(char, type);
        // Runs at 0, 1 MiB + 100 and near the end; more than four, so old GNU needs an extension block.
        const std::filesystem::path folder = m_dir.filePath("sparse").toStdString();
        std::filesystem::create_directories(folder);
        const std::filesystem::path path = folder / "holes.bin";
        Bytes expected(uint64_t(12) << 20, 0);
        for (size_t run = 0; run < 7; ++run)
            for (size_t i = 0; i < 5000; ++i)
                expected[run * (1 << 20) + 100 + i] = uint8_t(run * 31 + i);
        expected.back() = 'z';
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            for (size_t run = 0; run < 7; ++run) {
                out.seekp(std::streamoff(run * (1 << 20) + 100));
                out.write(reinterpret_cast<const char*>(expected.data() + run * (1 << 20) + 100), 5000);
            }
            out.seekp(std::streamoff(expected.size() - 1));
            out.put('z');
        }
        const QString archivePath = m_dir.filePath("sparse.tar");
        const ProcessResult made
            = run("tar", options + QStringList {"--sparse", "-cf", archivePath, "-C", q(folder.string()), "holes.bin"});
        QVERIFY2(made.exitCode == 0, made.err.constData());

        for (const ReadMode mode : {ReadMode::Chunks, ReadMode::Copy}) {
            const Archive archive = readBytes(testsupport::readAll(archivePath.toStdString()), mode);
            QCOMPARE(archive.entries.size(), size_t(1));
            const TarHeader& header = archive.entries[0].header;
            QCOMPARE(q(header.path), QString("holes.bin"));
            QCOMPARE(header.type, type);
            QVERIFY(header.sparse);
            QCOMPARE(header.size, uint64_t(expected.size()));
            QVERIFY(header.storedSize < header.size / 2);
            QVERIFY(archive.entries[0].data == expected);
        }
    }

    // A 60 GiB sparse file of one short run: read in bounded pieces, never its size in memory.
    void streamsAHugeSparseFile()
    {
        const uint64_t logical = uint64_t(60) << 30;
        const std::string records = paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0")
            + paxRecord("GNU.sparse.name", "huge.img") + paxRecord("GNU.sparse.realsize", std::to_string(logical));
        Bytes bytes = block("PaxHeaders.0/GNUSparseFile.0/huge.img", 'x', records.size());
        appendPadded(bytes, records);
        const std::string map = "1\n" + std::to_string(logical / 2) + "\n4\n";
        append(bytes, block("GNUSparseFile.0/huge.img", '0', 512 + 4));
        appendPadded(bytes, map);
        appendPadded(bytes, "DATA");
        appendEnd(bytes);

        io::MemorySource source(bytes, "huge.tar");
        TarReader reader(source);
        TarHeader header;
        QVERIFY(reader.next(header));
        QCOMPARE(q(header.path), QString("huge.img"));
        QCOMPARE(header.size, logical);
        QCOMPARE(reader.dataRemaining(), logical);
        uint64_t position = 0;
        size_t largest = 0;
        std::string found;
        for (auto chunk = reader.readDataChunk(); !chunk.empty(); chunk = reader.readDataChunk()) {
            largest = std::max(largest, chunk.size());
            if (position <= logical / 2 && logical / 2 < position + chunk.size())
                found.assign(reinterpret_cast<const char*>(chunk.data()), chunk.size());
            position += chunk.size();
        }
        QCOMPARE(position, logical);
        QVERIFY(largest <= 64 * 1024);
        QCOMPARE(q(found), QString("DATA"));
        QVERIFY(!reader.next(header));
    }

    void readsGoSparseLayoutsDirectly()
    {
        // PAX 0.1 with a map that leaves the end as a hole: "abc" at 2, "de" at 10, 16 bytes in all.
        const std::string records = paxRecord("GNU.sparse.numblocks", "2") + paxRecord("GNU.sparse.map", "2,3,10,2")
            + paxRecord("GNU.sparse.size", "16") + paxRecord("GNU.sparse.name", "real/name");
        Bytes bytes = block("PaxHeaders.0/f", 'x', records.size());
        appendPadded(bytes, records);
        append(bytes, block("GNUSparseFile.1/name", '0', 5));
        appendPadded(bytes, "abcde");
        appendEnd(bytes);
        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(1));
        QCOMPARE(q(archive.entries[0].header.path), QString("real/name"));
        const std::string expected("\0\0abc\0\0\0\0\0de\0\0\0\0", 16);
        QCOMPARE(q(std::string(archive.entries[0].data.begin(), archive.entries[0].data.end())), q(expected));
        QVERIFY(archive.entries[0].header.sparseMap
                == std::vector<SparseFragment>({SparseFragment {2, 3}, SparseFragment {10, 2}}));
    }

    void readsBase256NumbersAndSignedChecksums()
    {
        Bytes bytes = block("caf\xe9", '0', 3);
        // uid 3000000 and mtime -1000 in GNU base-256; size 3 as base-256 too.
        std::string uid(8, '\0');
        uid[0] = char(0x80);
        uid[5] = char(0x2d);
        uid[6] = char(0xc6);
        uid[7] = char(0xc0);
        putField(bytes, 0, 108, uid);
        std::string mtime(12, char(0xff));
        mtime[10] = char(0xfc);
        mtime[11] = char(0x18);
        putField(bytes, 0, 136, mtime);
        std::string size(12, '\0');
        size[0] = char(0x80);
        size[11] = 3;
        putField(bytes, 0, 124, size);
        // Historic writers summed signed chars.
        std::memset(bytes.data() + 148, ' ', 8);
        int sum = 0;
        for (const uint8_t byte : bytes)
            sum += int8_t(byte);
        putField(bytes, 0, 148, octal(uint64_t(sum), 7) + " ");
        appendPadded(bytes, "xyz");
        appendEnd(bytes);

        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(1));
        QCOMPARE(archive.entries[0].header.uid, uint64_t(3000000));
        QCOMPARE(archive.entries[0].header.mtime, int64_t(-1000));
        QCOMPARE(archive.entries[0].header.size, uint64_t(3));
        QVERIFY(archive.entries[0].header.path == "caf\xe9");
    }

    // (c) Broken archives: each error names the file, the entry and the offending header's offset.
    void rejectsMalformedArchives_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("message");
        QTest::addColumn<qulonglong>("offset");
        QTest::addColumn<qulonglong>("entry");
        auto row = [](const char* name, const Bytes& bytes, const QString& message, uint64_t offset, uint64_t entry) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()))
                                << message << qulonglong(offset) << qulonglong(entry);
        };

        Bytes badChecksum = twoFiles();
        badChecksum[10752] = 'c';
        row("bad checksum", badChecksum, "header checksum mismatch (stored ", 10752, 1);

        Bytes truncatedData = twoFiles();
        truncatedData.resize(512 + 4000);
        row("truncated in data", truncatedData,
            "entry 0 \"a.txt\" at byte 0: archive is truncated: the entry needs 10000 bytes of data but the stream "
            "ends at byte 4512",
            0, 0);

        Bytes truncatedHeader = twoFiles();
        truncatedHeader.resize(10752 + 100);
        row("truncated in a header", truncatedHeader, "the stream ends at byte 10852 inside a header block", 10752, 1);

        Bytes hugePax = twoFiles(false);
        append(hugePax, block("PaxHeaders.0/c", 'x', (1 << 20) + 1));
        row("PAX header over 1 MiB", hugePax, "PAX extended header of 1048577 bytes exceeds the 1 MiB limit", 11776, 2);

        row("PAX path over 32 KiB", archiveWithPaxPayload(paxRecord("path", std::string(40000, 'p'))),
            "PAX path of 40000 bytes exceeds the 32 KiB limit", 0, 0);
        row("PAX linkpath over 32 KiB", archiveWithPaxPayload(paxRecord("linkpath", std::string(32769, 'p'))),
            "PAX linkpath of 32769 bytes exceeds the 32 KiB limit", 0, 0);

        Bytes longName = block("././@LongLink", 'L', 40001);
        appendPadded(longName, std::string(40000, 'n') + '\0');
        append(longName, block("f", '0', 0));
        appendEnd(longName);
        row("GNU long name over 32 KiB", longName, "GNU long name of 40001 bytes exceeds the 32 KiB limit", 0, 0);

        Bytes negative = block("f", '0', 0);
        putField(negative, 0, 124, std::string(11, char(0xff)) + char(0xfb));
        fixChecksum(negative, 0);
        appendEnd(negative);
        row("negative size", negative, "negative size -5", 0, 0);

        Bytes badOctal = block("f", '0', 0);
        putField(badOctal, 0, 124, std::string("0000000001x") + '\0');
        fixChecksum(badOctal, 0);
        appendEnd(badOctal);
        row("size with a non-octal digit", badOctal, "invalid number in the size field \"0000000001x\\x00\"", 0, 0);

        Bytes absurd = block("f", '0', 0);
        putField(absurd, 0, 124, std::string("\x80\0\0\0\x20\0\0\0\0\0\0\0", 12));
        fixChecksum(absurd, 0);
        appendEnd(absurd);
        row("size above 2^60", absurd, "size 2305843009213693952 is absurd (more than 2^60 bytes)", 0, 0);

        row("PAX size above 2^60", archiveWithPaxPayload(paxRecord("size", "2305843009213693952")),
            "PAX size 2305843009213693952 is absurd", 0, 0);
        row("PAX size above 2^63", archiveWithPaxPayload(paxRecord("size", "9999999999999999999")),
            "PAX size \"9999999999999999999\" is not a decimal number of at most 63 bits", 0, 0);
        row("PAX record length past the end", archiveWithPaxPayload("30 path=abc\n"),
            "malformed PAX record at byte 0 of the extended header: record length 30 runs past the end", 0, 0);
        row("PAX record length too short", archiveWithPaxPayload("5 path=abc\n"),
            "record length 5 does not end at a newline", 0, 0);
        row("PAX record without '='", archiveWithPaxPayload("11 pathabc\n"), "record has no '='", 0, 0);
        row("PAX record length not a number", archiveWithPaxPayload("x1 path=a\n"),
            "the record length is not a decimal number", 0, 0);
        row("PAX record length without a space", archiveWithPaxPayload("10:path=a\n"),
            "expected a space after the record length", 0, 0);
        row("PAX record with an empty key", archiveWithPaxPayload("7 =abc\n"), "record has an empty key", 0, 0);
        row("second PAX record broken", archiveWithPaxPayload(paxRecord("a", "b") + "9 c=d\n"),
            "malformed PAX record at byte 6 of the extended header", 0, 0);
        row("PAX size not decimal", archiveWithPaxPayload(paxRecord("size", "12a")),
            "size \"12a\" is not a decimal number", 0, 0);
        row("PAX mtime not a time", archiveWithPaxPayload(paxRecord("mtime", "yesterday")),
            "mtime \"yesterday\" is not a PAX time", 0, 0);

        Bytes notTar(2048, 0);
        for (size_t i = 0; i < 512; ++i)
            notTar[i] = uint8_t("not a tar file "[i % 15]);
        row("not a tar header", notTar, "is not an octal number (not a tar header?)", 0, 0);

        // What Go's archive/tar rejects, and so every Windows importer.
        row("NUL in a PAX path", archiveWithPaxPayload(paxRecord("path", std::string("a\0b", 3))),
            "path \"a\\x00b\" contains a NUL byte", 0, 0);
        row("NUL in a PAX key", archiveWithPaxPayload(paxRecord(std::string("SCHILY.xattr.a\0b", 16), "v")),
            "contains a NUL byte", 0, 0);
        row("NUL padding after the PAX records", archiveWithPaxPayload(paxRecord("a", "b") + std::string(10, '\0')),
            "NUL bytes where a record should start", 0, 0);
        row("PAX record length below 5", archiveWithPaxPayload("4 a=\n"), "is shorter than any record", 0, 0);
        row("PAX uid not a number", archiveWithPaxPayload(paxRecord("uid", "1e3")), "uid \"1e3\" is not a decimal", 0,
            0);
        row("PAX atime not a time", archiveWithPaxPayload(paxRecord("atime", "1.5e3")),
            "atime \"1.5e3\" is not a PAX "
            "time",
            0, 0);
        row("GNU sparse 0.0 pairs out of order",
            archiveWithPaxPayload(paxRecord("GNU.sparse.numbytes", "1") + paxRecord("GNU.sparse.offset", "0")),
            "GNU.sparse.offset and GNU.sparse.numbytes must alternate", 0, 0);
        row("GNU sparse run past the size",
            archiveWithPaxPayload(paxRecord("GNU.sparse.numblocks", "1") + paxRecord("GNU.sparse.map", "0,10")
                                  + paxRecord("GNU.sparse.size", "4")),
            "lies past the file's size 4", 1024, 0);
        row("GNU sparse count and map disagree",
            archiveWithPaxPayload(paxRecord("GNU.sparse.numblocks", "2") + paxRecord("GNU.sparse.map", "0,1")),
            "GNU.sparse.numblocks says 2 runs", 0, 0);
        row("sparse data shorter than its map",
            archiveWithPaxPayload(paxRecord("GNU.sparse.numblocks", "1") + paxRecord("GNU.sparse.map", "0,3")
                                  + paxRecord("GNU.sparse.size", "3")),
            "sparse file stores fewer bytes than its sparse map needs", 0, 0);
        row("sparse data longer than its map",
            archiveWithPaxPayload(paxRecord("GNU.sparse.numblocks", "1") + paxRecord("GNU.sparse.map", "0,0")
                                  + paxRecord("GNU.sparse.size", "3")),
            "sparse file stores 1 more bytes than its sparse map refers to", 0, 0);

        // End of archive and truncation: where Go's reader fails (the rest end with a warning, below).
        Bytes lone = twoFiles(false);
        lone.resize(lone.size() + 512, 0);
        lone.resize(lone.size() + 512, 'G');
        row("zero block then a non-zero block", lone, "a zero block is followed by a non-zero block at byte 12288",
            11776, 2);
        Bytes halfMarker = twoFiles(false);
        halfMarker.resize(halfMarker.size() + 512 + 100, 0);
        row("zero block then part of a block", halfMarker,
            "the stream ends at byte 12388 inside the second block of the end-of-archive marker", 11776, 2);
        const std::string records = paxRecord("path", "c.txt");
        Bytes cutPayload = twoFiles(false);
        append(cutPayload, block("PaxHeaders.0/c", 'x', records.size()));
        cutPayload.resize(cutPayload.size() + 5);
        row("stream ends inside an extension header's records", cutPayload,
            "the PAX extended header needs 14 bytes but the stream ends at byte 12293", 11776, 2);
    }
    void rejectsMalformedArchives()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, message);
        QFETCH(qulonglong, offset);
        QFETCH(qulonglong, entry);
        const Bytes bytes(archive.begin(), archive.end());
        try {
            readBytes(bytes);
            QFAIL("no error");
        } catch (const Error& error) {
            QVERIFY2(QString::fromStdString(error.what()).contains(message), error.what());
            QCOMPARE(q(error.where().file), QString("test.tar"));
            QCOMPARE(error.where().offset.value_or(~0ull), uint64_t(offset));
            QCOMPARE(error.where().entryIndex.value_or(~0ull), uint64_t(entry));
        }
    }

    // Oddities that lose nothing: every entry is read, a warning says what was odd.
    void warnsButReadsEverything_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("warning"); // empty: no warning expected
        auto row = [](const char* name, const Bytes& bytes, const QString& warning) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()))
                                << warning;
        };
        row("proper end", twoFiles(), "");
        Bytes padded = twoFiles();
        padded.resize(padded.size() + 8192, 0);
        row("zero padding to the record size", padded, "");

        Bytes garbage = twoFiles();
        const std::string junk = "GARBAGE";
        garbage.insert(garbage.end(), junk.begin(), junk.end());
        garbage.resize(garbage.size() + 1000, 0);
        row("garbage after the end marker", garbage,
            "test.tar: at byte 12800: ignored non-zero bytes after the end-of-archive marker (the stream ends at byte "
            "13807)");

        Bytes single = twoFiles(false);
        single.resize(single.size() + 512, 0);
        row("single zero block", single, "test.tar: at byte 11776: the archive ends after a single zero block");

        row("no end marker", twoFiles(false), "test.tar: at byte 11776: the archive has no end-of-archive marker");

        Bytes cutPadding = twoFiles(false);
        cutPadding.resize(10752 + 512 + 5);
        row("stream ends inside the last padding", cutPadding,
            "test.tar: entry 1 \"b.txt\" at byte 11269: the stream ends inside the padding");

        // Go's reader ends quietly after an extension header with no entry; the header belongs to nothing.
        const std::string records = paxRecord("path", "c.txt");
        Bytes dangling = twoFiles(false);
        append(dangling, block("PaxHeaders.0/c", 'x', records.size()));
        appendPadded(dangling, records);
        row("stream ends after an extension header", dangling,
            "test.tar: entry 2 \"c.txt\" at byte 12800: the archive has no end-of-archive marker (two zero blocks); "
            "the extension header before it belongs to no entry");
        Bytes danglingCut = twoFiles(false);
        append(danglingCut, block("PaxHeaders.0/c", 'x', records.size()));
        danglingCut.insert(danglingCut.end(), records.begin(), records.end());
        row("stream ends inside an extension header's padding", danglingCut, "belongs to no entry");
        Bytes danglingEnd = dangling;
        appendEnd(danglingEnd);
        row("end marker after an extension header", danglingEnd,
            "the end-of-archive marker follows an extension header");
    }
    void warnsButReadsEverything()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, warning);
        const Archive read = readBytes(Bytes(archive.begin(), archive.end()));
        QCOMPARE(read.entries.size(), size_t(2));
        QCOMPARE(q(read.entries[1].header.path), QString("b.txt"));
        QVERIFY(read.entries[1].data == Bytes(5, 'b'));
        QCOMPARE(read.endOffset, uint64_t(archive.size()));
        if (warning.isEmpty()) {
            QCOMPARE(read.warnings.size(), size_t(0));
        } else {
            QVERIFY(!read.warnings.empty());
            QVERIFY2(q(read.warnings.front()).contains(warning), read.warnings.front().c_str());
        }
    }

    void keepsReturningFalseAtTheEnd()
    {
        io::MemorySource source(twoFiles(), "test.tar");
        TarReader reader(source);
        TarHeader header;
        QVERIFY(reader.next(header));
        QVERIFY(reader.next(header));
        QVERIFY(!reader.next(header));
        QVERIFY(!reader.next(header));
        QVERIFY(reader.atEnd());
        QCOMPARE(reader.readDataChunk().size(), size_t(0));
    }

    // wcow-layer-format §3.2: imgutil's base layer, plain USTAR from Go.
    void readsImgutilBaseLayer()
    {
        const auto path = testsupport::shared("realdata/layers/imgutil-baselayer.tar");
        SKIP_UNLESS_SHARED(path);
        const Archive archive = readBytes(testsupport::readAll(path));
        const std::string config = "Files/Windows/System32/config/";
        const std::vector<std::pair<std::string, char>> expected = {
            {"UtilityVM", '5'},
            {"UtilityVM/Files", '5'},
            {"UtilityVM/Files/EFI", '5'},
            {"UtilityVM/Files/EFI/Microsoft", '5'},
            {"UtilityVM/Files/EFI/Microsoft/Boot", '5'},
            {"UtilityVM/Files/EFI/Microsoft/Boot/BCD", '0'},
            {"Files", '5'},
            {"Files/Windows", '5'},
            {"Files/Windows/System32", '5'},
            {"Files/Windows/System32/config", '5'},
            {config + "DEFAULT", '0'},
            {config + "SAM", '0'},
            {config + "SECURITY", '0'},
            {config + "SOFTWARE", '0'},
            {config + "SYSTEM", '0'},
        };
        QCOMPARE(archive.entries.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const TarHeader& header = archive.entries[i].header;
            QCOMPARE(q(stripTrailingSlashes(header.path)), q(expected[i].first));
            QCOMPARE(header.type, expected[i].second);
            QVERIFY(header.pax.empty());
            QCOMPARE(header.mtime, int64_t(0));
            QCOMPARE(header.uid, uint64_t(0));
            if (i >= 10)
                QCOMPARE(header.size, uint64_t(0)); // the five hives are empty (§3.3)
        }
        QCOMPARE(archive.entries[5].header.size, uint64_t(12288));
        QCOMPARE(archive.entries[5].data.size(), size_t(12288));
    }
};

QTEST_GUILESS_MAIN(TestTarReader)
#include "tst_tarreader.moc"
