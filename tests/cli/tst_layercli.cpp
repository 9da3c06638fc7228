// SPDX-License-Identifier: Apache-2.0
// layerscope-cli inspect, hive and make-base run as a user would: exit codes, the JSON contracts of issues 2 and 4,
// and one-line errors that name the file and the byte offset.
#include "cli/clirun.h"
#include "testsupport.h"

#include <QTemporaryDir>

using nlohmann::json;
using testsupport::cli;
namespace fs = std::filesystem;

namespace {

QString fixture(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

const json& manifest()
{
    static const json m = [] {
        const auto bytes = testsupport::readAll(testsupport::fixture("manifest.json"));
        return json::parse(bytes.begin(), bytes.end());
    }();
    return m;
}

} // namespace

class TestLayerCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString out(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void inspectJsonFollowsTheContract()
    {
        const auto run = cli({"inspect", "--json", "--entries", fixture("base.tar.zst")});
        QCOMPARE(run.exitCode, 0);
        const json report = run.parsed();
        const json& truth = manifest().at("fixtures").at("base.tar.zst");
        for (const char* key :
             {"path", "compression", "digest", "diffId", "layout", "counts", "totalBytes", "problems", "entries"})
            QVERIFY2(report.contains(key), key);
        QCOMPARE(report.at("compression").get<std::string>(), std::string("zstd"));
        QCOMPARE(report.at("digest").get<std::string>(), "sha256:" + truth.at("sha256").get<std::string>());
        QCOMPARE(report.at("diffId"), truth.at("diffId"));
        QCOMPARE(report.at("counts"), truth.at("counts"));
        QCOMPARE(report.at("entries").size(), truth.at("entries").size());
        for (const auto& e : report.at("entries"))
            for (const char* key : {"path", "type", "size", "mode", "attributes", "attributeNames", "sddl", "created",
                                    "modified", "accessed", "changed", "linkTarget", "xattrs"})
                QVERIFY2(e.contains(key), key);
    }

    void inspectWithoutHashingOmitsFileDigests()
    {
        const auto run = cli({"inspect", "--json", "--entries", "--no-hash", fixture("base.tar.gz")});
        QCOMPARE(run.exitCode, 0);
        // Keep the parsed document alive: a range-for over a member of a temporary would iterate freed memory.
        const auto report = run.parsed();
        QVERIFY(!report.at("entries").empty());
        for (const auto& e : report.at("entries"))
            QVERIFY(!e.contains("sha256"));
    }

    void inspectReportsRuleViolationsButSucceeds()
    {
        const auto run = cli({"inspect", fixture("zero-hives.tar")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.find("0x3f1") != std::string::npos);
    }

    void inspectOfMalformedInputFailsWithOneLine_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("bad checksum") << "bad-checksum.tar";
        QTest::newRow("truncated gzip") << "truncated.tar.gz";
        QTest::newRow("oversized PAX record") << "oversized-pax.tar";
        QTest::newRow("negative size") << "negative-size.tar";
        QTest::newRow("missing file") << "no-such-layer.tar";
    }
    void inspectOfMalformedInputFailsWithOneLine()
    {
        QFETCH(QString, name);
        const auto run = cli({"inspect", fixture(name.toStdString())});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(std::count(run.err.begin(), run.err.end(), '\n'), 1);
        QVERIFY2(run.err.find(name.toStdString()) != std::string::npos, run.err.c_str());
        if (name != "no-such-layer.tar")
            QVERIFY2(run.err.find("at byte ") != std::string::npos, run.err.c_str());
    }

    void makeBaseWritesEveryFormatAndReportsDigests_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("format");
        QTest::newRow("tar") << "base.tar" << QStringList {} << "tar";
        QTest::newRow("tar.gz") << "base.tar.gz" << QStringList {} << "tar.gz";
        QTest::newRow("tgz") << "base.tgz" << QStringList {} << "tar.gz";
        QTest::newRow("tar.zst") << "base.tar.zst" << QStringList {"--utility-vm"} << "tar.zst";
        QTest::newRow("oci") << "oci-out" << QStringList {"--format", "oci", "--tag", "x:1"} << "oci";
        QTest::newRow("docker") << "d.tar" << QStringList {"--format", "docker-archive", "--tag", "x:1"}
                                << "docker-archive";
    }
    void makeBaseWritesEveryFormatAndReportsDigests()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, extra);
        QFETCH(QString, format);
        auto run = cli(QStringList {"make-base", "--json", "-o", out(name)} + extra);
        QCOMPARE(run.exitCode, 0);
        const json result = run.parsed();
        QCOMPARE(result.at("format").get<std::string>(), format.toStdString());
        QCOMPARE(result.at("output").get<std::string>(), out(name).toStdString());
        QVERIFY(result.at("digest").get<std::string>().starts_with("sha256:"));
        QVERIFY(result.at("diffId").get<std::string>().starts_with("sha256:"));
        QCOMPARE(result.contains("imageDigest"), format == "oci" || format == "docker-archive");
        // And the result verifies clean through the chain reader.
        run = cli({"verify", out(name)});
        QVERIFY2(run.exitCode == 0, (run.out + run.err).c_str());
    }

    void makeBaseRefusesToOverwriteWithoutForce()
    {
        QFile file(out("mine.tar.gz"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("precious");
        file.close();
        auto run = cli({"make-base", "-o", out("mine.tar.gz")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.find("--force") != std::string::npos);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("precious"));
        file.close();
        run = cli({"make-base", "--force", "-o", out("mine.tar.gz")});
        QCOMPARE(run.exitCode, 0);
    }

    void makeBaseHonoursSourceDateEpoch()
    {
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.insert("SOURCE_DATE_EPOCH", "1600000000");
        auto a = cli({"make-base", "--json", "-o", out("epoch-a.tar")}, environment);
        auto b = cli({"make-base", "--json", "--timestamp", "2020-09-13T12:26:40Z", "-o", out("epoch-b.tar")});
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(a.parsed().at("diffId"), b.parsed().at("diffId"));
        const auto entries = cli({"inspect", "--json", "--entries", out("epoch-a.tar")}).parsed().at("entries");
        QCOMPARE(entries.at(0).at("modified").get<std::string>(), std::string("2020-09-13T12:26:40.000000000Z"));
    }

    void makeBaseRejectsBadUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no output") << QStringList {"make-base"};
        QTest::newRow("unknown extension") << QStringList {"make-base", "-o", "layer.bin"};
        QTest::newRow("unknown format") << QStringList {"make-base", "--format", "zip", "-o", "x"};
        QTest::newRow("bad timestamp") << QStringList {"make-base", "--timestamp", "yesterday", "-o", "x.tar"};
        QTest::newRow("missing folder") << QStringList {"make-base", "--from", "/no/such/dir", "-o", "y.tar"};
    }
    void makeBaseRejectsBadUsage()
    {
        QFETCH(QStringList, args);
        QCOMPARE(cli(args).exitCode, 2);
    }

    void hiveValidatesFilesAndLayerEntries()
    {
        QVERIFY(cli({"make-base", "--utility-vm", "-o", out("uvm.tar")}).exitCode == 0);
        auto run = cli({"hive", "--json", out("uvm.tar"), "--entry", "UtilityVM/Files/EFI/Microsoft/Boot/BCD"});
        QCOMPARE(run.exitCode, 0);
        const json dump = run.parsed();
        QCOMPARE(dump.at("valid").get<bool>(), true);
        QCOMPARE(dump.at("rootName").get<std::string>(), std::string("NewStoreRoot"));
        bool loader = false;
        for (const auto& key : dump.at("keys"))
            loader |= key.at("path").get<std::string>().ends_with("Elements\\23000003");
        QVERIFY(loader);

        QFile broken(out("broken.hive"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(QByteArray(8192, 'x'));
        broken.close();
        QCOMPARE(cli({"hive", out("broken.hive")}).exitCode, 1);
        QCOMPARE(cli({"hive", out("absent.hive")}).exitCode, 2);
        QCOMPARE(cli({"hive", out("uvm.tar"), "--entry", "Files/nothing"}).exitCode, 2);
    }

    void hiveReadsRealHives()
    {
        const auto dir = testsupport::shared("realdata/hives");
        SKIP_UNLESS_SHARED(dir);
        for (const auto& file : fs::directory_iterator(dir)) {
            const auto run = cli({"hive", "--json", QString::fromStdString(file.path().string())});
            QVERIFY2(run.exitCode == 0, file.path().string().c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestLayerCli)
#include "tst_layercli.moc"
