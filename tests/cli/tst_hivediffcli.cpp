// SPDX-License-Identifier: Apache-2.0
// layerscope-cli hive diff (issue 13) run as a user would: hive files and hives inside layers, text and JSON,
// exit codes as for diff (0 equal, 1 different, 2 unreadable or bad usage).
#include "cli/clirun.h"
#include "testsupport.h"

#include "hive/hivewriter.h"
#include "hive/systemhives.h"

#include <QStandardPaths>

#include <QTemporaryDir>
#include <algorithm>
#include <filesystem>
#include <set>

using nlohmann::json;
using testsupport::cli;
using namespace layerscope::hive;

namespace {

QString fixture(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

QString python()
{
    const QString python = QStandardPaths::findExecutable("python3", {"/usr/bin"});
    if (python.isEmpty() || testsupport::runProcess(python, {"-c", "import hivex"}).exitCode != 0)
        return {};
    return python;
}

} // namespace

class TestHiveDiffCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString out(const QString& name) const { return m_dir.filePath(name); }

    // Writes `bytes` to `name`, then hivex applies `edits` (tests/fixtures/hiveedit.py) into `editedName`.
    bool makePair(const std::vector<uint8_t>& bytes, const QString& name, const QString& editedName,
                  const QString& edits)
    {
        testsupport::writeAll(out(name).toStdString(), bytes);
        const auto run = testsupport::runProcess(
            python(),
            {QStringLiteral(LAYERSCOPE_SOURCE_DIR "/tests/fixtures/hiveedit.py"), out(name), out(editedName), edits});
        return run.exitCode == 0;
    }

private slots:
    void editsAreListedAndExitOne()
    {
        if (python().isEmpty())
            QSKIP("python3-hivex not installed (Debian package python3-hivex)");
        HiveKey root("ROOT");
        root.path("Software\\App").set(HiveValue::dword("Count", 1)).set(HiveValue::string("Name", "app"));
        root.child("Gone");
        QVERIFY(makePair(HiveWriter::write(root), "a.hive", "b.hive",
                         R"([{"op":"set-value","path":"Software\\App","name":"Count","type":4,"hex":"02000000"},
                             {"op":"delete-key","path":"Gone"},
                             {"op":"add-key","path":"Software\\New"}])"));
        const auto run = cli({"hive", "diff", "--json", out("a.hive"), out("b.hive")});
        QCOMPARE(run.exitCode, 1);
        const json j = run.parsed();
        QCOMPARE(j["verdict"].get<std::string>(), std::string("different"));
        QCOMPARE(j["changes"].size(), size_t(3));
        QCOMPARE(j["changes"][0]["kind"].get<std::string>(), std::string("key-removed"));
        QCOMPARE(j["changes"][0]["path"].get<std::string>(), std::string("Gone"));
        QCOMPARE(j["changes"][1]["kind"].get<std::string>(), std::string("value-changed"));
        QCOMPARE(j["changes"][1]["a"]["data"].get<int>(), 1);
        QCOMPARE(j["changes"][1]["b"]["data"].get<int>(), 2);
        QCOMPARE(j["changes"][2]["kind"].get<std::string>(), std::string("key-added"));
        QCOMPARE(j["changes"][2]["path"].get<std::string>(), std::string("Software\\New"));

        const auto text = cli({"hive", "diff", out("a.hive"), out("b.hive")});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.find("- key   [Gone]") != std::string::npos, text.out.c_str());
        QVERIFY2(
            text.out.find("~ value [Software\\App] \"Count\": REG_DWORD 0x00000001 (1) -> REG_DWORD 0x00000002 (2)")
                != std::string::npos,
            text.out.c_str());
        QVERIFY2(text.out.find("+ key   [Software\\New]") != std::string::npos, text.out.c_str());
    }

    void resavedHiveIsEqualAndExitZero()
    {
        if (python().isEmpty())
            QSKIP("python3-hivex not installed (Debian package python3-hivex)");
        QVERIFY(makePair(emptySystemHive("SOFTWARE"), "s.hive", "s2.hive", "[]"));
        const auto run = cli({"hive", "diff", "--json", out("s.hive"), out("s2.hive")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.parsed()["verdict"].get<std::string>(), std::string("equal-except-timestamps"));
        QCOMPARE(run.parsed()["header"][0]["field"].get<std::string>(), std::string("sequence"));
        const auto same = cli({"hive", "diff", out("s.hive"), out("s.hive")});
        QCOMPARE(same.exitCode, 0);
        QVERIFY2(same.out.starts_with("hive diff: identical"), same.out.c_str());
    }

    void hivesInsideLayers()
    {
        // Two empty base layers with a utility VM made at different times: every hive is rewritten but equal.
        const QString bcd = "UtilityVM/Files/EFI/Microsoft/Boot/BCD";
        QCOMPARE(
            cli({"make-base", "--utility-vm", "--timestamp", "2024-01-01T00:00:00Z", "-o", out("l1.tar")}).exitCode, 0);
        QCOMPARE(
            cli({"make-base", "--utility-vm", "--timestamp", "2025-06-01T00:00:00Z", "-o", out("l2.tar")}).exitCode, 0);
        auto run = cli({"hive", "diff", "--json", "--entry", bcd, out("l1.tar"), out("l2.tar")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.parsed()["bcd"].get<bool>());
        QCOMPARE(run.parsed()["verdict"].get<std::string>(), std::string("equal-except-timestamps"));
        QVERIFY(run.parsed()["summary"]["timestampOnly"].get<int>() > 0);
        QVERIFY(run.parsed()["timestampOnly"].empty()); // listed only with --timestamps
        run = cli({"hive", "diff", "--json", "--timestamps", "--entry", bcd, out("l1.tar"), out("l2.tar")});
        QCOMPARE(run.parsed()["timestampOnly"].size(), run.parsed()["summary"]["timestampOnly"].get<size_t>());

        // Each side its own entry: the fixture's empty SYSTEM hive against the empty BCD store of the
        // compressed copy: no keys or values differ, but the root is named differently (a real difference).
        run = cli({"hive", "diff", "--entry-a", "Files/Windows/System32/config/SYSTEM", "--entry-b", bcd,
                   fixture("base.tar"), fixture("base.tar.gz")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.find("header rootName: ROOT -> NewStoreRoot") != std::string::npos, run.out.c_str());
        // Our BCD store inside a layer against the same store written to a plain file.
        testsupport::writeAll(out("bcd.hive").toStdString(), minimalBcdStore());
        run = cli({"hive", "diff", "--entry-a", bcd, out("l1.tar"), out("bcd.hive")});
        QCOMPARE(run.exitCode, 0);
    }

    void badInputExitsTwo()
    {
        testsupport::writeAll(out("junk").toStdString(), std::vector<uint8_t>(8192, 'x'));
        testsupport::writeAll(out("ok.hive").toStdString(), emptySystemHive());
        auto run = cli({"hive", "diff", out("junk"), out("ok.hive")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.find("junk") != std::string::npos && run.err.find("regf") != std::string::npos,
                 run.err.c_str());
        QCOMPARE(cli({"hive", "diff", out("absent"), out("ok.hive")}).exitCode, 2);
        QCOMPARE(cli({"hive", "diff", out("ok.hive")}).exitCode, 2);
        QCOMPARE(cli({"hive", "diff", "--entry", "Files/nothing", fixture("base.tar"), fixture("base.tar")}).exitCode,
                 2);
        const auto help = cli({"hive", "diff", "--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.find("layerscope-cli hive diff") != std::string::npos, help.out.c_str());
    }

    void mergedHiveOfALayerChain()
    {
        // A layer folder chain: the base's SYSTEM hive and a delta that changes one value and deletes one key.
        const std::filesystem::path base = out("chain/base").toStdString(), top = out("chain/top").toStdString();
        std::filesystem::create_directories(base / "Files/Windows/System32/config");
        std::filesystem::create_directories(top / "Files");
        std::filesystem::create_directories(top / "Hives");
        HiveKey root("ROOT");
        root.path("Setup").set(HiveValue::string("Stage", "base"));
        root.path("Obsolete\\Below");
        testsupport::writeAll(base / "Files/Windows/System32/config/SYSTEM", HiveWriter::write(root));
        HiveKey delta("ROOT");
        delta.path("Setup").set(HiveValue::string("Stage", "delta"));
        delta.child("Obsolete").layerBits = 1; // tombstone (registry-delta-hives §3.1)
        testsupport::writeAll(top / "Hives/System_Delta", HiveWriter::write(delta));
        const std::string chain = json::array({base.string()}).dump();
        testsupport::writeAll(top / "layerchain.json", std::vector<uint8_t>(chain.begin(), chain.end()));
        const QString topArg = QString::fromStdString(top.string());

        const auto run = cli({"hive", "merged", "--json", "-o", out("merged.hive"), topArg, "system"});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json report = run.parsed();
        QCOMPARE(report["derived"], json(true));
        QCOMPARE(report["mergedFrom"],
                 json({"layer 0: Files/Windows/System32/config/SYSTEM", "layer 1: Hives/System_Delta"}));
        std::set<std::string> paths;
        for (const json& key : report["keys"])
            paths.insert(key["path"].get<std::string>());
        QCOMPARE(paths, (std::set<std::string> {"ROOT", "ROOT\\Setup"}));
        // The written hive is the same view, and an ordinary hive: hive diff against the base shows the edits.
        const auto diff = cli({"hive", "diff", "--json",
                               QString::fromStdString((base / "Files/Windows/System32/config/SYSTEM").string()),
                               out("merged.hive")});
        QCOMPARE(diff.exitCode, 1);
        // Nothing is overwritten without --force; a name that is no system hive is one line and exit 2.
        const auto again = cli({"hive", "merged", "-o", out("merged.hive"), topArg, "SYSTEM"});
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.find("already exists") != std::string::npos, again.err.c_str());
        QCOMPARE(cli({"hive", "merged", "-o", out("merged.hive"), "--force", topArg, "SYSTEM"}).exitCode, 0);
        const auto bad = cli({"hive", "merged", topArg, "NTUSER"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.find("no system hive named") != std::string::npos, bad.err.c_str());
        QCOMPARE(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestHiveDiffCli)
#include "tst_hivediffcli.moc"
