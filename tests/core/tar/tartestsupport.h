// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by tst_tarreader and tst_tarwriter: reading a whole archive into memory, building raw header
// blocks by hand (for malformed variants), running the reference tools, and comparing with Python's tarfile.

#include "symlinksupport.h"
#include "testsupport.h"

#include "common/error.h"
#include "common/sha256.h"
#include "io/bytesource.h"
#include "tar/tarheader.h"
#include "tar/tarreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <cmath>
#include <cstring>
#include <map>

namespace tartest {

using Bytes = std::vector<uint8_t>;
using layerscope::tar::PaxRecord;
using layerscope::tar::TarHeader;

struct Entry
{
    TarHeader header;
    Bytes data;
};

struct Archive
{
    std::vector<Entry> entries;
    std::vector<PaxRecord> globals;
    std::vector<std::string> warnings;
    uint64_t endOffset = 0;
};

// Hands out the bytes in small, irregular pieces, the way a decompressor or a pipe might.
class ChoppySource final : public layerscope::io::ByteSource
{
public:
    ChoppySource(Bytes bytes, size_t maxPiece)
        : m_bytes(std::move(bytes))
        , m_maxPiece(maxPiece)
    { }
    size_t read(void* buffer, size_t size) override
    {
        const size_t piece = 1 + (m_counter++ * 7919) % m_maxPiece;
        const size_t n = std::min({size, piece, m_bytes.size() - m_position});
        std::memcpy(buffer, m_bytes.data() + m_position, n);
        m_position += n;
        return n;
    }
    uint64_t storedPosition() const override { return m_position; }
    uint64_t storedSize() const override { return m_bytes.size(); }
    const std::string& name() const override { return m_name; }

private:
    Bytes m_bytes;
    size_t m_maxPiece;
    size_t m_position = 0;
    size_t m_counter = 0;
    std::string m_name = "choppy.tar";
};

enum class ReadMode { Copy, Chunks, SkipData };

inline Archive readAll(layerscope::io::ByteSource& source, ReadMode mode = ReadMode::Chunks,
                       size_t bufferSize = layerscope::tar::TarReader::DefaultBufferSize)
{
    layerscope::tar::TarReader reader(source, bufferSize);
    Archive archive;
    TarHeader header;
    while (reader.next(header)) {
        Entry entry {header, {}};
        if (mode == ReadMode::Chunks) {
            for (auto chunk = reader.readDataChunk(); !chunk.empty(); chunk = reader.readDataChunk())
                entry.data.insert(entry.data.end(), chunk.begin(), chunk.end());
        } else if (mode == ReadMode::Copy) {
            // Odd request sizes, some above the direct-read threshold, some below.
            static constexpr size_t sizes[] = {1, 100, 511, 70000, 4096, 1 << 20};
            size_t i = 0;
            for (;;) {
                const size_t start = entry.data.size();
                entry.data.resize(start + sizes[i % 6]);
                const size_t got = reader.readData(entry.data.data() + start, sizes[i++ % 6]);
                entry.data.resize(start + got);
                if (got == 0)
                    break;
            }
        }
        archive.entries.push_back(std::move(entry));
    }
    archive.globals = reader.globalRecords();
    archive.warnings = reader.warnings();
    archive.endOffset = reader.offset();
    return archive;
}

inline Archive readBytes(const Bytes& bytes, ReadMode mode = ReadMode::Chunks)
{
    layerscope::io::MemorySource source(bytes, "test.tar");
    return readAll(source, mode);
}

inline std::string messageOf(const Bytes& bytes)
{
    try {
        readBytes(bytes);
    } catch (const layerscope::Error& error) {
        return error.what();
    }
    return "(no error)";
}

// --- raw blocks -------------------------------------------------------------------------------------------------

inline void putField(Bytes& bytes, size_t blockOffset, size_t fieldOffset, const std::string& raw)
{
    std::memcpy(bytes.data() + blockOffset + fieldOffset, raw.data(), raw.size());
}

inline std::string octal(uint64_t value, size_t width)
{
    std::string digits(width - 1, '0');
    for (size_t i = width - 1; i-- > 0; value >>= 3)
        digits[i] = char('0' + (value & 7));
    return digits + '\0';
}

inline void fixChecksum(Bytes& bytes, size_t blockOffset)
{
    std::memset(bytes.data() + blockOffset + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i)
        sum += bytes[blockOffset + i];
    putField(bytes, blockOffset, 148, octal(sum, 7) + " ");
}

// A POSIX ustar header block with a valid checksum.
inline Bytes block(const std::string& name, char type, uint64_t size)
{
    Bytes bytes(512, 0);
    putField(bytes, 0, 0, name.substr(0, 100));
    putField(bytes, 0, 100, octal(0644, 8));
    putField(bytes, 0, 108, octal(0, 8));
    putField(bytes, 0, 116, octal(0, 8));
    putField(bytes, 0, 124, octal(size, 12));
    putField(bytes, 0, 136, octal(1700000000, 12));
    bytes[156] = uint8_t(type);
    putField(bytes, 0, 257,
             std::string("ustar\0"
                         "00",
                         8));
    fixChecksum(bytes, 0);
    return bytes;
}

inline void append(Bytes& to, const Bytes& more)
{
    to.insert(to.end(), more.begin(), more.end());
}

inline void appendPadded(Bytes& to, const std::string& data)
{
    to.insert(to.end(), data.begin(), data.end());
    to.resize((to.size() + 511) / 512 * 512, 0);
}

inline void appendEnd(Bytes& to)
{
    to.resize(to.size() + 1024, 0);
}

// "%d %s=%s\n" with the self-inclusive length, computed the slow, obvious way.
inline std::string paxRecord(const std::string& key, const std::string& value)
{
    const std::string body = " " + key + "=" + value + "\n";
    size_t length = body.size() + 1;
    while (std::to_string(length).size() + body.size() != length)
        ++length;
    return std::to_string(length) + body;
}

// An `x` header with the given payload, then a one-byte file "f" and the end marker.
inline Bytes archiveWithPaxPayload(const std::string& payload)
{
    Bytes bytes = block("PaxHeaders.0/f", 'x', payload.size());
    appendPadded(bytes, payload);
    append(bytes, block("f", '0', 1));
    appendPadded(bytes, "x");
    appendEnd(bytes);
    return bytes;
}

// --- processes and tarfile --------------------------------------------------------------------------------------

using ProcessResult = testsupport::ProcessRun;

inline ProcessResult run(const QString& program, const QStringList& arguments, const QString& workingDir = {})
{
    // UTF-8 names must be listable whatever locale the test runs under.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("LC_ALL", "C.UTF-8");
    return testsupport::runProcess(program, arguments, environment, workingDir);
}

// Why `program` cannot be run here, or empty when it can. A Windows build has no GNU tar or bsdtar, and under wine
// the Linux programs it is pointed at (LAYERSCOPE_PYTHON) do start, but cannot be waited for: waitForFinished fails
// at once. The checks that need a tool skip there, saying which; on Linux the tools are in the package list.
inline QString startProblem(const QString& program)
{
    QProcess process;
    process.start(program, {"--version"});
    if (!process.waitForStarted(30000))
        return QStringLiteral("%1 cannot be started here: %2").arg(program, process.errorString());
    if (!process.waitForFinished(60000)) {
        const QString error = process.errorString();
        process.kill();
        process.waitForFinished(5000);
        return QStringLiteral("%1 --version started but did not finish: %2").arg(program, error);
    }
    return {};
}

// On Linux the tools are in the package list, so a missing one fails the check; a Windows build skips it.
#ifdef _WIN32
#define REQUIRE_TOOL(problem)                                                                                          \
    if (const QString problem_ = (problem); !problem_.isEmpty())                                                       \
    QSKIP(qPrintable(problem_))
#else
#define REQUIRE_TOOL(problem)                                                                                          \
    if (const QString problem_ = (problem); !problem_.isEmpty())                                                       \
    QFAIL(qPrintable(problem_))
#endif

inline QString fixtureScript()
{
    return QStringLiteral(LAYERSCOPE_SOURCE_DIR "/tests/core/tar/tarfixtures.py");
}

inline std::string unhex(const QJsonValue& value)
{
    const QByteArray bytes = QByteArray::fromHex(value.toString().toLatin1());
    return bytes.toStdString();
}

inline std::map<std::string, std::string> pythonRecords(const QJsonArray& pairs)
{
    std::map<std::string, std::string> out;
    for (const QJsonValue& pair : pairs)
        out[unhex(pair.toArray().at(0))] = unhex(pair.toArray().at(1));
    return out;
}

inline QString q(const std::string& text)
{
    return QString::fromStdString(text);
}

inline QString describe(const std::map<std::string, std::string>& records)
{
    QString out;
    for (const auto& [key, value] : records)
        out += q(key) + "=" + QString::fromUtf8(QByteArray::fromStdString(value).toPercentEncoding(" /=+:.")) + "; ";
    return out;
}

inline std::string stripTrailingSlashes(std::string path)
{
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    return path;
}

// Asserts that our reading of an archive equals what Python's tarfile read (its JSON dump). tarfile folds the
// global records into every member's pax_headers (a dict: the last record of a key wins) and strips the trailing
// slash of directory names; we compare the same view.
inline void compareWithTarfile(const Archive& ours, const QJsonObject& python)
{
    const QJsonArray members = python.value("members").toArray();
    QCOMPARE(ours.entries.size(), size_t(members.size()));
    std::map<std::string, std::string> globals;
    for (const PaxRecord& record : ours.globals)
        globals[record.key] = record.value;
    QCOMPARE(describe(globals), describe(pythonRecords(python.value("globals").toArray())));

    for (size_t i = 0; i < ours.entries.size(); ++i) {
        const TarHeader& header = ours.entries[i].header;
        const QJsonObject member = members.at(int(i)).toObject();
        const std::string path = header.type == '5' ? stripTrailingSlashes(header.path) : header.path;
        QCOMPARE(q(path), member.value("path").toString());
        QCOMPARE(QString(QChar(header.type)), member.value("type").toString());
        QCOMPARE(header.size, uint64_t(member.value("size").toDouble()));
        QCOMPARE(q(header.linkPath), member.value("linkname").toString());
        QCOMPARE(header.mtime, int64_t(std::floor(member.value("mtime").toDouble())));
        QCOMPARE(header.uid, uint64_t(member.value("uid").toDouble()));
        QCOMPARE(header.gid, uint64_t(member.value("gid").toDouble()));
        QCOMPARE(q(header.uname), member.value("uname").toString());
        QCOMPARE(q(header.gname), member.value("gname").toString());
        QCOMPARE(header.mode, uint32_t(member.value("mode").toInt()));
        QCOMPARE(q(layerscope::toHex(layerscope::Sha256::of(ours.entries[i].data))), member.value("sha256").toString());

        std::map<std::string, std::string> records = globals;
        for (const PaxRecord& record : header.pax)
            records[record.key] = record.value;
        QCOMPARE(describe(records), describe(pythonRecords(member.value("pax").toArray())));
    }
}

inline const QStringList& toolArchiveNames()
{
    static const QStringList names = {"gnutar-ustar.tar", "gnutar-gnu.tar", "gnutar-oldgnu.tar", "gnutar-posix.tar",
                                      "bsdtar-ustar.tar", "bsdtar-pax.tar", "bsdtar-gnutar.tar"};
    return names;
}

// Why makeToolArchives cannot work here (a tool cannot be started, or no links can be made in `folder`), or empty.
inline QString toolArchivesProblem(const std::filesystem::path& folder)
{
    for (const QString& program : {QStringLiteral("tar"), QStringLiteral("bsdtar")})
        if (const QString problem = startProblem(program); !problem.isEmpty())
            return problem;
    return testsupport::symlinkProblem(folder);
}

// (b) The same small tree archived by GNU tar and bsdtar in each of their formats (toolArchiveNames(), in order):
// ustar with a prefix split, GNU/old GNU with L/K headers and base-256 uid and negative mtime, PAX.
inline void makeToolArchives(const std::filesystem::path& source, const QString& outputDir)
{
    std::filesystem::create_directories(source / std::string(60, 'd'));
    testsupport::writeAll(source / "a.txt", {'a', 'l', 'p', 'h', 'a', '\n'});
    testsupport::writeAll(source / std::string(60, 'd') / std::string(80, 'f'), Bytes(3000, 'L'));
    const QString shortLink = testsupport::makeSymlink("a.txt", source / "short");
    QVERIFY2(shortLink.isEmpty(), qPrintable(shortLink));
    const QString longLink = testsupport::makeSymlink(std::string(120, 't'), source / "long");
    QVERIFY2(longLink.isEmpty(), qPrintable(longLink));

    QDir().mkpath(outputDir);
    const QString src = QString::fromStdString(source.string());
    const QStringList ustarNames = {"a.txt", QString(60, 'd'), QString(60, 'd') + "/" + QString(80, 'f'), "short"};
    const QStringList allNames = ustarNames + QStringList {"long"};
    const QStringList gnuOwner = {"--no-recursion", "--owner=big:3000000", "--group=grp:3000001", "--mtime=@-1000"};
    struct Tool
    {
        QString output;
        QString program;
        QStringList options;
        QStringList names;
    };
    const QList<Tool> tools = {
        {"gnutar-ustar.tar",
         "tar",
         {"--format=ustar", "--no-recursion", "--owner=0", "--group=0", "--mtime=@1700000000"},
         ustarNames},
        {"gnutar-gnu.tar", "tar", QStringList {"--format=gnu"} + gnuOwner, allNames},
        {"gnutar-oldgnu.tar", "tar", QStringList {"--format=oldgnu"} + gnuOwner, allNames},
        {"gnutar-posix.tar", "tar", QStringList {"--format=posix"} + gnuOwner, allNames},
        {"bsdtar-ustar.tar", "bsdtar", {"--format=ustar", "-n"}, ustarNames},
        {"bsdtar-pax.tar", "bsdtar", {"--format=pax", "-n", "--uid", "3000000"}, allNames},
        {"bsdtar-gnutar.tar", "bsdtar", {"--format=gnutar", "-n", "--uid", "3000000"}, allNames},
    };
    for (const Tool& tool : tools) {
        const ProcessResult result = run(
            tool.program, tool.options + QStringList {"-cf", outputDir + "/" + tool.output, "-C", src} + tool.names);
        QVERIFY2(result.exitCode == 0, qPrintable(tool.output + ": " + result.err));
    }
}

inline QJsonObject loadJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace tartest
