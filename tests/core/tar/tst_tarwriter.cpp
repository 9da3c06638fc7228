// SPDX-License-Identifier: Apache-2.0
#include "tartestsupport.h"

#include "io/bytesink.h"
#include "tar/tarwriter.h"

#include <QTemporaryDir>

#include <set>

using namespace layerscope;
using namespace layerscope::tar;
using namespace tartest;

namespace {

const std::string RawSd = "AQAAgBQAAAAkAAAAAAAAAAAAAAABAgAAAAAABSAAAAAgAgAAAQIAAAAAAAUgAAAAIAIAAA==";

TarHeader fileHeader(const std::string& path, uint64_t size, std::vector<PaxRecord> pax = {})
{
    TarHeader header;
    header.path = path;
    header.type = typeflag::Regular;
    header.mode = 0100000;
    header.size = size;
    header.mtime = 1700000000;
    header.pax = std::move(pax);
    return header;
}

Bytes pattern(size_t size, int seed)
{
    Bytes bytes(size);
    for (size_t i = 0; i < size; ++i)
        bytes[i] = uint8_t((i * 7 + size_t(seed)) % 251);
    return bytes;
}

// Entries in the shape hcsshim's export writes (wcow-layer-format §1.4/§1.5), plus the fields that need PAX.
std::vector<Entry> windowsLayer()
{
    std::vector<Entry> entries;
    auto windows = [](const char* attributes) {
        return std::vector<PaxRecord> {{"LIBARCHIVE.creationtime", "1700000000.1234567"},
                                       {"MSWINDOWS.fileattr", attributes},
                                       {"MSWINDOWS.rawsd", RawSd},
                                       {"atime", "1700000001.5"},
                                       {"ctime", "1700000002"}};
    };
    TarHeader dir = fileHeader("Files", 0, windows("16"));
    dir.type = typeflag::Directory;
    dir.mode = 040000;
    entries.push_back({dir, {}});
    entries.push_back({fileHeader("Files/hello.txt", 12, windows("32")),
                       Bytes {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'}});
    entries.push_back(
        {fileHeader("Files/big.bin", 3 * 1024 * 1024 + 5, windows("32")), pattern(3 * 1024 * 1024 + 5, 1)});
    entries.push_back({fileHeader("Files/\xc3\x9c"
                                  "n\xc3\xaf"
                                  "c\xc3\xb6"
                                  "d\xc3\xa9.txt",
                                  3, windows("32")),
                       Bytes {'u', 'n', 'i'}});
    std::string deep = "Files";
    for (int i = 0; i < 20; ++i)
        deep += "/directory-" + std::to_string(i);
    entries.push_back({fileHeader(deep + "/file.txt", 4, windows("32")), Bytes {'d', 'e', 'e', 'p'}});
    TarHeader link = fileHeader("Files/hardlink.txt", 0, windows("32"));
    link.type = typeflag::HardLink;
    link.linkPath = "Files/hello.txt";
    link.mode = 0644;
    entries.push_back({link, {}});
    TarHeader junction = fileHeader("Files/junction", 0, windows("1040"));
    junction.pax.push_back({"MSWINDOWS.mountpoint", "1"});
    junction.type = typeflag::Symlink;
    junction.linkPath = "C:\\Windows\\System32";
    junction.mode = 0160000;
    entries.push_back({junction, {}});
    TarHeader old = fileHeader("Files/old.txt", 2, {{"MSWINDOWS.xattr.user.test", "AAECAw=="}});
    old.mtime = -1000;
    entries.push_back({old, Bytes {'o', 'l'}});
    TarHeader owner = fileHeader("Files/owner.txt", 1);
    owner.uid = 3000000;
    owner.gid = 3000001; // GNU tar refuses ids beyond 32 bits
    owner.uname = std::string(40, 'u');
    owner.gname = "group";
    entries.push_back({owner, Bytes {'o'}});
    entries.push_back({fileHeader("Files/empty.txt", 0), {}});
    return entries;
}

Bytes write(const std::vector<Entry>& entries, const std::vector<PaxRecord>& globals = {})
{
    io::MemorySink sink;
    TarWriter writer(sink);
    if (!globals.empty())
        writer.addGlobal(globals);
    for (const Entry& entry : entries) {
        writer.add(entry.header);
        // Uneven pieces, to exercise the size accounting.
        size_t done = 0;
        for (size_t piece = 1; done < entry.data.size(); piece = piece * 3 + 1) {
            const size_t n = std::min(piece, entry.data.size() - done);
            writer.writeData(entry.data.data() + done, n);
            done += n;
        }
    }
    writer.finish();
    return sink.take();
}

bool isStandardKey(const std::string& key)
{
    static const std::set<std::string> keys = {"path", "linkpath", "size", "uid", "gid", "uname", "gname", "mtime"};
    return keys.count(key) > 0;
}

// The writer keeps header.pax verbatim and may append standard records the fields need (TarWriter's contract).
void compareEntries(const std::vector<Entry>& written, const std::vector<Entry>& read)
{
    QCOMPARE(read.size(), written.size());
    for (size_t i = 0; i < written.size(); ++i) {
        const TarHeader& a = written[i].header;
        const TarHeader& b = read[i].header;
        QCOMPARE(q(b.path), q(a.path));
        QCOMPARE(q(b.linkPath), q(a.linkPath));
        QCOMPARE(b.type, a.type);
        QCOMPARE(b.mode, a.mode);
        QCOMPARE(b.uid, a.uid);
        QCOMPARE(b.gid, a.gid);
        QCOMPARE(q(b.uname), q(a.uname));
        QCOMPARE(q(b.gname), q(a.gname));
        QCOMPARE(b.size, a.size);
        QCOMPARE(b.mtime, a.mtime);
        QCOMPARE(b.devMajor, a.devMajor);
        QCOMPARE(b.devMinor, a.devMinor);
        QVERIFY2(b.pax.size() >= a.pax.size(), a.path.c_str());
        QVERIFY2(std::equal(a.pax.begin(), a.pax.end(), b.pax.begin()), a.path.c_str());
        for (size_t r = a.pax.size(); r < b.pax.size(); ++r)
            QVERIFY2(isStandardKey(b.pax[r].key), b.pax[r].key.c_str());
        QVERIFY2(read[i].data == written[i].data, a.path.c_str());
    }
}

class CountingSink final : public io::ByteSink
{
public:
    void write(const void*, size_t size) override { bytes += size; }
    void finish() override { ++finishCalls; }
    uint64_t bytes = 0;
    int finishCalls = 0;
};

} // namespace

class TestTarWriter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_pythonProblem; // why Python's archives could not be made here, if they could not
    QString m_toolsProblem; // the same for the GNU tar and bsdtar archives

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pythonProblem = startProblem(LAYERSCOPE_PYTHON);
        if (m_pythonProblem.isEmpty()) {
            const ProcessResult made = run(LAYERSCOPE_PYTHON, {fixtureScript(), "make", m_dir.filePath("python")});
            QVERIFY2(made.exitCode == 0, made.err.constData());
        }
        const std::filesystem::path source = m_dir.filePath("source").toStdString();
        std::filesystem::create_directories(source);
        m_toolsProblem = toolArchivesProblem(source);
        if (m_toolsProblem.isEmpty())
            makeToolArchives(source, m_dir.filePath("tools"));
    }

    // wcow-layer-format §1.2: "<dir>/PaxHeaders.0/<base>", mode 0, mtime 0, then the ustar header.
    void writesGoStylePaxHeaderBeforeTheEntry()
    {
        const std::vector<PaxRecord> records = {{"MSWINDOWS.fileattr", "32"}, {"MSWINDOWS.rawsd", RawSd}};
        const Bytes bytes = write({{fileHeader("Files/dir/hello.txt", 2, records), Bytes {'h', 'i'}}});
        QCOMPARE(bytes.size(), size_t(512 * 6));
        auto text = [&](size_t offset, size_t size) {
            return QByteArray(reinterpret_cast<const char*>(bytes.data() + offset), qsizetype(size));
        };
        QCOMPARE(text(0, 33), QByteArray("Files/dir/PaxHeaders.0/hello.txt\0", 33));
        QCOMPARE(char(bytes[156]), typeflag::PaxExtended);
        QCOMPARE(text(100, 8), QByteArray("0000000\0", 8)); // mode 0
        QCOMPARE(text(136, 12), QByteArray("00000000000\0", 12)); // mtime 0
        QCOMPARE(text(257, 8),
                 QByteArray("ustar\0"
                            "00",
                            8));
        const std::string payload = paxRecord("MSWINDOWS.fileattr", "32") + paxRecord("MSWINDOWS.rawsd", RawSd);
        QCOMPARE(text(512, payload.size()), QByteArray::fromStdString(payload));
        QCOMPARE(text(1024, 20), QByteArray("Files/dir/hello.txt\0", 20));
        QCOMPARE(char(bytes[1024 + 156]), typeflag::Regular);
        QCOMPARE(text(1536, 2), QByteArray("hi"));

        const Archive archive = readBytes(bytes);
        QCOMPARE(archive.entries.size(), size_t(1));
        QVERIFY(archive.entries[0].header.pax == records);
        QCOMPARE(archive.warnings.size(), size_t(0));
    }

    void addsStandardRecordsOnlyWhenAFieldDoesNotFit_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QStringList>("addedKeys");
        QTest::newRow("short path") << "none" << QStringList {};
        QTest::newRow("long path that splits into prefix and name") << "split" << QStringList {};
        QTest::newRow("path too long to split") << "longpath" << QStringList {"path"};
        QTest::newRow("non-ASCII path") << "unicode" << QStringList {"path"};
        QTest::newRow("long link path") << "linkpath" << QStringList {"linkpath"};
        QTest::newRow("size of 9 GiB") << "size" << QStringList {"size"};
        QTest::newRow("uid and gid above 2097151") << "ids" << QStringList {"uid", "gid"};
        QTest::newRow("long user name") << "uname" << QStringList {"uname"};
        QTest::newRow("negative mtime") << "mtime" << QStringList {"mtime"};
    }
    void addsStandardRecordsOnlyWhenAFieldDoesNotFit()
    {
        QFETCH(QString, field);
        QFETCH(QStringList, addedKeys);
        TarHeader header = fileHeader("Files/a.txt", 0, {{"MSWINDOWS.fileattr", "32"}});
        if (field == "split")
            header.path = "Files/" + std::string(120, 'p') + "/" + std::string(90, 'n');
        else if (field == "longpath")
            header.path = "Files/" + std::string(200, 'p');
        else if (field == "unicode")
            header.path = "Files/\xe3\x83\x95.txt";
        else if (field == "linkpath")
            header.type = typeflag::Symlink, header.linkPath = std::string(101, 'l');
        else if (field == "size")
            header.size = uint64_t(9) << 30;
        else if (field == "ids")
            header.uid = 2097152, header.gid = 123456789;
        else if (field == "uname")
            header.uname = std::string(33, 'u');
        else if (field == "mtime")
            header.mtime = -1;

        io::MemorySink sink;
        TarWriter writer(sink);
        writer.add(header);
        io::MemorySource source(sink.take(), "test.tar");
        TarReader reader(source);
        TarHeader read;
        QVERIFY(reader.next(read));
        QCOMPARE(q(read.path), q(header.path));
        QCOMPARE(q(read.linkPath), q(header.linkPath));
        QCOMPARE(read.size, header.size);
        QCOMPARE(read.uid, header.uid);
        QCOMPARE(read.gid, header.gid);
        QCOMPARE(q(read.uname), q(header.uname));
        QCOMPARE(read.mtime, header.mtime);
        QStringList keys;
        for (const PaxRecord& record : read.pax)
            keys << q(record.key);
        QCOMPARE(keys, QStringList {"MSWINDOWS.fileattr"} + addedKeys);
    }

    void formatsSelfInclusiveRecordLengths()
    {
        // Lengths that cross 10, 100 and 1000 are where a naive length computation is off by one.
        for (size_t valueSize = 0; valueSize < 1100; ++valueSize) {
            const std::vector<PaxRecord> records = {{"k", std::string(valueSize, 'v')}};
            const Archive archive = readBytes(write({{fileHeader("f", 0, records), {}}}));
            QVERIFY2(archive.entries.size() == 1 && archive.entries[0].header.pax == records,
                     qPrintable(QString::number(valueSize)));
        }
        const Bytes bytes = write({{fileHeader("f", 0, {{"k", "vvvv"}}), {}}});
        QCOMPARE(QByteArray(reinterpret_cast<const char*>(bytes.data()) + 512, 9), QByteArray("9 k=vvvv\n"));
    }

    void isDeterministic()
    {
        const std::vector<PaxRecord> globals = {{"comment", "layer"}};
        const Bytes first = write(windowsLayer(), globals);
        const Bytes second = write(windowsLayer(), globals);
        QVERIFY(first == second);
        const Archive archive = readBytes(first);
        compareEntries(windowsLayer(), archive.entries);
        QVERIFY(archive.globals == globals);
        // The one warning: Go's reader, and so ours, applies the global record to no entry.
        QCOMPARE(archive.warnings.size(), size_t(1));
        QVERIFY(archive.warnings[0].find("global extended header") != std::string::npos);
    }

    // For everything the reader reads, writing it back and reading again gives the same fields, records and data.
    void roundTripsEverythingRead_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("problem"); // why the archive could not be made, if it could not
        for (const QString name : {"pax", "pax_global", "gnu", "ustar"})
            QTest::newRow(qPrintable("python " + name)) << m_dir.filePath("python/" + name + ".tar") << m_pythonProblem;
        for (const QString& name : toolArchiveNames())
            QTest::newRow(qPrintable(name)) << m_dir.filePath("tools/" + name) << m_toolsProblem;
        const auto imgutil = testsupport::shared("realdata/layers/imgutil-baselayer.tar");
        if (std::filesystem::exists(imgutil))
            QTest::newRow("imgutil base layer") << QString::fromStdString(imgutil.string()) << QString();
    }
    void roundTripsEverythingRead()
    {
        QFETCH(QString, path);
        QFETCH(QString, problem);
        REQUIRE_TOOL(problem);
        const Archive original = readBytes(testsupport::readAll(path.toStdString()));
        QVERIFY(!original.entries.empty());
        const Bytes rewritten = write(original.entries, original.globals);
        const Archive again = readBytes(rewritten);
        compareEntries(original.entries, again.entries);
        QVERIFY(again.globals == original.globals);
        for (const std::string& warning : again.warnings) // a global header's note, nothing else
            QVERIFY2(warning.find("global extended header") != std::string::npos, warning.c_str());
        // And once more: from then on the bytes are a fixed point.
        QVERIFY(write(again.entries, again.globals) == rewritten);
    }

    void pythonTarfileReadsWhatWeWrite()
    {
        REQUIRE_TOOL(m_pythonProblem);
        const std::vector<PaxRecord> globals = {{"comment", "written by TarWriter"}};
        const QString tarPath = m_dir.filePath("written.tar");
        testsupport::writeAll(tarPath.toStdString(), write(windowsLayer(), globals));
        const QString jsonPath = m_dir.filePath("written.json");
        const ProcessResult dumped = run(LAYERSCOPE_PYTHON, {fixtureScript(), "dump", tarPath, jsonPath});
        QVERIFY2(dumped.exitCode == 0, dumped.err.constData());
        const Archive ours = readBytes(testsupport::readAll(tarPath.toStdString()));
        compareWithTarfile(ours, loadJson(jsonPath));
        if (QTest::currentTestFailed())
            return;
        compareEntries(windowsLayer(), ours.entries); // so tarfile saw exactly what we meant to write
    }

    void referenceToolsListWhatWeWrite_data()
    {
        QTest::addColumn<QString>("program");
        QTest::newRow("bsdtar") << "bsdtar";
        QTest::newRow("GNU tar") << "tar";
    }
    void referenceToolsListWhatWeWrite()
    {
        QFETCH(QString, program);
        REQUIRE_TOOL(startProblem(program));
        const QString tarPath = m_dir.filePath("listed.tar");
        testsupport::writeAll(tarPath.toStdString(), write(windowsLayer()));
        // GNU tar rightly notes that it ignores the Windows records; that is expected, not an error.
        QStringList options = {"-tvf", tarPath};
        if (program == "tar")
            options.prepend("--warning=no-unknown-keyword");
        const ProcessResult listed = run(program, options);
        QVERIFY2(listed.exitCode == 0, listed.err.constData());
        QVERIFY2(listed.err.isEmpty(), listed.err.constData());
        const QString listing = QString::fromUtf8(listed.out);
        for (const Entry& entry : windowsLayer()) {
            if (isAscii(entry.header.path))
                QVERIFY2(listing.contains(q(entry.header.path)), entry.header.path.c_str());
        }
        QCOMPARE(listing.count('\n'), qsizetype(windowsLayer().size()));
    }

    void linksAndDirectoriesTakeNoData()
    {
        TarHeader link = fileHeader("l", 100);
        link.type = typeflag::HardLink;
        link.linkPath = "f";
        const Archive archive = readBytes(write({{link, {}}, {fileHeader("g", 1), Bytes {'g'}}}));
        QCOMPARE(archive.entries.size(), size_t(2));
        QCOMPARE(archive.entries[0].header.size, uint64_t(100));
        QVERIFY(archive.entries[0].data.empty());
        QVERIFY(archive.entries[1].data == Bytes {'g'});
    }

    void rejectsMisuse_data()
    {
        QTest::addColumn<QString>("misuse");
        QTest::addColumn<QString>("message");
        QTest::newRow("too much data") << "over"
                                       << "exceeds the entry's data size 10";
        QTest::newRow("too little data before the next entry") << "under"
                                                               << "only 5 of the entry's 10 data bytes";
        QTest::newRow("too little data before finish") << "finish"
                                                       << "only 5 of the entry's 10 data bytes";
        QTest::newRow("entry after finish") << "after"
                                            << "after finish()";
        QTest::newRow("extension typeflag") << "type"
                                            << "is an extension header, not an entry";
        QTest::newRow("empty path") << "empty"
                                    << "an entry needs a path";
        QTest::newRow("NUL in path") << "nul"
                                     << "cannot contain NUL bytes";
        QTest::newRow("'=' in a PAX key") << "key"
                                          << "is empty or contains '='";
        QTest::newRow("PAX records over 1 MiB") << "huge"
                                                << "exceed the 1 MiB limit";
    }
    void rejectsMisuse()
    {
        QFETCH(QString, misuse);
        QFETCH(QString, message);
        io::MemorySink sink;
        TarWriter writer(sink);
        const Bytes data(11, 'x');
        try {
            if (misuse == "over" || misuse == "under" || misuse == "finish") {
                writer.add(fileHeader("a", 10));
                writer.writeData(data.data(), misuse == "over" ? 11 : 5);
                if (misuse == "under")
                    writer.add(fileHeader("b", 0));
                writer.finish();
            } else if (misuse == "after") {
                writer.finish();
                writer.add(fileHeader("a", 0));
            } else if (misuse == "type") {
                TarHeader header = fileHeader("a", 0);
                header.type = typeflag::PaxExtended;
                writer.add(header);
            } else if (misuse == "empty") {
                writer.add(fileHeader("", 0));
            } else if (misuse == "nul") {
                writer.add(fileHeader(std::string("a\0b", 3), 0));
            } else if (misuse == "key") {
                writer.add(fileHeader("a", 0, {{"a=b", "c"}}));
            } else if (misuse == "huge") {
                writer.add(fileHeader("a", 0, {{"big", std::string(1 << 20, 'x')}}));
            }
            QFAIL("no error");
        } catch (const Error& error) {
            QVERIFY2(QString::fromStdString(error.what()).contains(message), error.what());
        }
    }

    void leavesTheSinkOpen()
    {
        CountingSink sink;
        TarWriter writer(sink);
        writer.add(fileHeader("a", 3));
        writer.writeData("abc", 3);
        writer.finish();
        QCOMPARE(sink.finishCalls, 0);
        QCOMPARE(sink.bytes, uint64_t(512 * 4));
        QCOMPARE(writer.offset(), uint64_t(512 * 4));
    }

private:
    static bool isAscii(const std::string& text)
    {
        return std::all_of(text.begin(), text.end(), [](char c) { return uint8_t(c) < 0x80; });
    }
};

QTEST_GUILESS_MAIN(TestTarWriter)
#include "tst_tarwriter.moc"
