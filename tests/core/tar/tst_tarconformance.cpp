// SPDX-License-Identifier: Apache-2.0
// Conformance with Go's archive/tar, the reader hcsshim, containerd and moby import Windows layers with
// (wcow-layer-format §1.1): every archive of Go's own test data (Debian's golang-1.19-src) and of CPython's tarfile
// tests (libpython3.11-testsuite) is read by golister (golister/main.go, built by the tarconformance.golister setup
// test with Debian's golang-go) and by TarReader, and the two descriptions must agree field by field. The few
// intended differences are in kAllowed below, each with its reason; an allowance that no longer matches anything
// fails the suite too, so the list stays honest.

#include "testsupport.h"

#include "common/error.h"
#include "common/sha256.h"
#include "io/decompressingsource.h"
#include "io/filesource.h"
#include "tar/tarreader.h"
#include "wcow/paxtime.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

using namespace layerscope;

namespace {

struct Allowance
{
    const char* file; // file name in its corpus
    const char* field; // the differing field ("end" for how reading ends)
    const char* reason;
};

// Intended differences from Go's reader. Keep each one explained.
const Allowance kAllowed[] = {
    // None: every file of both corpora reads the same. Add {file, field, reason} entries here only for a difference
    // that is intended, and say why.
    {nullptr, nullptr, nullptr},
};

QString hex(std::string_view bytes)
{
    return QString::fromLatin1(QByteArray(bytes.data(), qsizetype(bytes.size())).toHex());
}

// "seconds.nanoseconds" as golister prints a time.
QString timeText(const wcow::PaxTime& time)
{
    return QString::number(time.seconds) + "." + QString::number(time.nanoseconds).rightJustified(9, '0');
}

struct Description
{
    std::vector<QJsonObject> entries;
    QString end; // "eof" or "error"
    QString error; // the message, for the failure report only
    std::map<QString, QString> globals; // key hex -> value hex, later records overriding earlier ones
};

// What Go's map of PAX records holds for a record list: the last value of each key, with the format 0.0 sparse
// pairs (GNU.sparse.offset, GNU.sparse.numbytes) joined into GNU.sparse.map as Go's parsePAX does.
QJsonArray goPaxRecords(const std::vector<tar::PaxRecord>& records)
{
    std::map<std::string, std::string> map;
    std::string sparse;
    for (const tar::PaxRecord& record : records) {
        if (record.key == "GNU.sparse.offset" || record.key == "GNU.sparse.numbytes")
            sparse += (sparse.empty() ? "" : ",") + record.value;
        else
            map[record.key] = record.value;
    }
    if (!sparse.empty())
        map["GNU.sparse.map"] = sparse;
    QJsonArray out;
    for (const auto& [key, value] : map)
        out.append(QJsonArray {hex(key), hex(value)});
    return out;
}

// golister's content digest: SHA-256 over 64 KiB windows of the content, an all-zero window as the byte 'z', then
// the decimal length. Exact, and the 60 GB holes of Go's sparse test files cost a zero check instead of hashing.
QString contentDigest(tar::TarReader& reader)
{
    constexpr size_t Window = 64 * 1024;
    static const std::vector<uint8_t> zeros(Window, 0);
    std::vector<uint8_t> window;
    window.reserve(Window);
    Sha256 hash;
    uint64_t total = 0;
    auto add = [&](std::span<const uint8_t> bytes) {
        // memcmp rather than a loop: the holes are 60 GB, and an instrumented loop took a minute a file under ASan.
        if (std::memcmp(bytes.data(), zeros.data(), bytes.size()) == 0)
            hash.update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("z"), 1));
        else
            hash.update(bytes);
        total += bytes.size();
    };
    for (auto chunk = reader.readDataChunk(Window - window.size()); !chunk.empty();
         chunk = reader.readDataChunk(Window - window.size())) {
        if (window.empty() && chunk.size() == Window) {
            add(chunk); // a whole window as it came: no copy
            continue;
        }
        window.insert(window.end(), chunk.begin(), chunk.end());
        if (window.size() == Window) {
            add(window);
            window.clear();
        }
    }
    if (!window.empty())
        add(window);
    const std::string length = std::to_string(total);
    hash.update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(length.data()), length.size()));
    return QString::fromStdString(toHex(hash.finish()));
}

QString paxTimeOr(const tar::TarHeader& header, const char* key, std::optional<int64_t> field)
{
    if (const std::string* value = header.paxValue(key); value && !value->empty())
        if (auto time = wcow::parsePaxTime(*value))
            return timeText(*time);
    return field ? timeText({*field, 0}) : QString();
}

Description describeOurs(const std::filesystem::path& path)
{
    Description out;
    io::FileSource source(path);
    tar::TarReader reader(source);
    tar::TarHeader header;
    try {
        while (reader.next(header)) {
            QJsonObject entry;
            entry["name"] = hex(header.path);
            entry["type"] = int(uint8_t(header.type));
            entry["size"] = qint64(header.size);
            entry["link"] = hex(header.linkPath);
            entry["mode"] = qint64(header.mode);
            entry["uid"] = qint64(header.uid);
            entry["gid"] = qint64(header.gid);
            entry["uname"] = hex(header.uname);
            entry["gname"] = hex(header.gname);
            entry["devmajor"] = qint64(header.devMajor);
            entry["devminor"] = qint64(header.devMinor);
            entry["mtime"] = paxTimeOr(header, "mtime", header.mtime);
            entry["atime"] = paxTimeOr(header, "atime", header.atime);
            entry["ctime"] = paxTimeOr(header, "ctime", header.ctime);
            entry["pax"] = goPaxRecords(header.pax);
            bool dataError = false;
            try {
                entry["content"] = contentDigest(reader);
            } catch (const Error&) {
                entry["content"] = QString();
                dataError = true;
            }
            entry["dataError"] = dataError;
            out.entries.push_back(entry);
            if (dataError) {
                out.end = "error";
                break;
            }
        }
        if (out.end.isEmpty())
            out.end = "eof";
    } catch (const Error& error) {
        out.end = "error";
        out.error = QString::fromStdString(error.what());
    }
    for (const tar::PaxRecord& record : reader.globalRecords())
        out.globals[hex(record.key)] = hex(record.value);
    return out;
}

Description describeWithGo(const QString& golister, const std::filesystem::path& path)
{
    Description out;
    const auto run = testsupport::runProcess(golister, {QString::fromStdString(path.string())});
    if (run.exitCode != 0) {
        out.end = "golister failed: " + QString::fromUtf8(run.err);
        return out;
    }
    for (const QByteArray& line : run.out.split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (object.contains("end")) {
            out.end = object["end"].toString();
            out.error = object["error"].toString();
        } else if (object["type"].toInt() == 'g') {
            // Go hands out a global header as an entry of its own; TarReader keeps its records in globalRecords()
            // and lists no entry for it (see its class comment). Its records are compared below instead.
            for (const QJsonValue& pair : object["pax"].toArray())
                out.globals[pair.toArray()[0].toString()] = pair.toArray()[1].toString();
        } else {
            out.entries.push_back(object);
        }
    }
    return out;
}

// Human-readable differences, each "field: what".
std::vector<std::pair<QString, QString>> differences(const Description& go, const Description& ours)
{
    std::vector<std::pair<QString, QString>> out;
    const size_t common = std::min(go.entries.size(), ours.entries.size());
    for (size_t i = 0; i < common; ++i) {
        const QJsonObject& a = go.entries[i];
        const QJsonObject& b = ours.entries[i];
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (it.value() == b.value(it.key()))
                continue;
            auto text = [](const QJsonValue& v) {
                return v.isString() ? v.toString()
                                    : QString::fromUtf8(QJsonDocument(QJsonArray {v}).toJson(QJsonDocument::Compact));
            };
            out.emplace_back(it.key(),
                             QString("entry %1 \"%2\" %3: Go %4, LayerScope %5")
                                 .arg(i)
                                 .arg(QString::fromUtf8(QByteArray::fromHex(a["name"].toString().toLatin1())))
                                 .arg(it.key(), text(it.value()), text(b.value(it.key()))));
        }
    }
    if (go.entries.size() != ours.entries.size())
        out.emplace_back("entries",
                         QString("Go lists %1 entries, LayerScope %2").arg(go.entries.size()).arg(ours.entries.size()));
    if (go.end != ours.end)
        out.emplace_back(
            "end",
            QString("Go ends with %1 (%2), LayerScope with %3 (%4)").arg(go.end, go.error, ours.end, ours.error));
    if (go.globals != ours.globals)
        out.emplace_back("globals", "the global records differ");
    return out;
}

} // namespace

class TestTarConformance : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_golister = QStringLiteral(LAYERSCOPE_GOLISTER);
    std::set<std::pair<std::string, std::string>> m_usedAllowances;

    static QString goTestData()
    {
        // Debian's golang-go puts GOROOT at /usr/lib/go-1.19, whose src/ is golang-1.19-src.
        const auto run = testsupport::runProcess(QStringLiteral(LAYERSCOPE_GO), {"env", "GOROOT"});
        return QString::fromUtf8(run.out).trimmed() + "/src/archive/tar/testdata";
    }

private slots:
    void initTestCase()
    {
        if (m_golister.isEmpty())
            QSKIP("no Go toolchain (golang-go) was found when configuring; the conformance suite needs it");
        QVERIFY2(QFileInfo::exists(m_golister), "golister was not built (the tarconformance.golister test builds it)");
        QVERIFY(m_dir.isValid());
        // golister and go are host programs. A cross-built Windows test under wine starts them, but cannot wait for
        // them or read their output (and `go env GOROOT` would give a path without a drive letter).
        QProcess probe;
        probe.start(m_golister, {});
        if (!probe.waitForStarted(30000) || !probe.waitForFinished(60000)) {
            const QString error = probe.errorString();
            probe.kill();
            probe.waitForFinished(5000);
            QSKIP(qPrintable("golister, built for the host by Debian's Go, cannot be run here: " + error));
        }
    }

    void readsLikeGoArchiveTar_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("corpus");
        const QDir go(goTestData());
        const QStringList goFiles = go.entryList(QDir::Files, QDir::Name);
        QVERIFY2(
            goFiles.size() >= 40,
            qPrintable("Go's archive/tar test data not found in " + go.path() + " (Debian package golang-1.19-src)"));
        for (const QString& name : goFiles)
            QTest::newRow(qPrintable("go/" + name)) << go.filePath(name) << "go";
        const QDir python(QStringLiteral("/usr/lib/python3.11/test"));
        const QStringList pythonFiles = {"testtar.tar", "testtar.tar.xz", "recursion.tar"};
        for (const QString& name : pythonFiles) {
            QVERIFY2(python.exists(name),
                     qPrintable("CPython's tarfile test data not found: " + python.filePath(name)
                                + " (Debian package libpython3.11-testsuite)"));
            QTest::newRow(qPrintable("cpython/" + name)) << python.filePath(name) << "cpython";
        }
    }
    void readsLikeGoArchiveTar()
    {
        QFETCH(QString, path);
        // Compressed archives (pax-bad-hdr-large.tar.bz2, testtar.tar.xz) are decompressed once, so that both readers
        // see the same tar.
        std::filesystem::path plain = path.toStdString();
        {
            auto stream = io::openDecompressedFile(plain);
            if (stream->compression() != io::Compression::None) {
                std::vector<uint8_t> bytes;
                uint8_t buffer[65536];
                for (size_t n; (n = stream->read(buffer, sizeof buffer)) > 0;)
                    bytes.insert(bytes.end(), buffer, buffer + n);
                plain = m_dir.filePath(QFileInfo(path).completeBaseName()).toStdString();
                testsupport::writeAll(plain, bytes);
            }
        }
        const Description go = describeWithGo(m_golister, plain);
        QVERIFY2(!go.end.startsWith("golister failed"), qPrintable(go.end));
        const Description ours = describeOurs(plain);

        const std::string file = QFileInfo(path).fileName().toStdString();
        QStringList unexplained;
        for (const auto& [field, text] : differences(go, ours)) {
            bool allowed = false;
            for (const Allowance& allowance : kAllowed)
                if (allowance.file && file == allowance.file && field.toStdString() == allowance.field) {
                    allowed = true;
                    m_usedAllowances.emplace(allowance.file, allowance.field);
                }
            if (!allowed)
                unexplained << text;
        }
        QVERIFY2(unexplained.isEmpty(), qPrintable(unexplained.join("\n")));
    }

    // The comparison itself can fail: a changed name, a missing entry or another ending each show.
    void comparisonSeesDifferences()
    {
        const std::filesystem::path path = (goTestData() + "/pax-multi-hdrs.tar").toStdString();
        const Description go = describeWithGo(m_golister, path);
        Description ours = describeOurs(path);
        QVERIFY(differences(go, ours).empty());
        QCOMPARE(QByteArray::fromHex(ours.entries.at(0)["name"].toString().toLatin1()), QByteArray("bar"));
        ours.entries[0]["name"] = hex("PAX2/PAX2/long-path-name");
        QCOMPARE(differences(go, ours).size(), size_t(1));
        ours.entries.clear();
        ours.end = "error";
        QCOMPARE(differences(go, ours).size(), size_t(2));
    }

    void everyAllowanceIsStillNeeded()
    {
        for (const Allowance& allowance : kAllowed)
            QVERIFY2(!allowance.file || m_usedAllowances.contains({allowance.file, allowance.field}),
                     qPrintable(QString("allowance %1/%2 matches no difference any more: remove it")
                                    .arg(allowance.file, allowance.field)));
    }
};

QTEST_GUILESS_MAIN(TestTarConformance)
#include "tst_tarconformance.moc"
