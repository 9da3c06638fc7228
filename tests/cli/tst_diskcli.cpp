// SPDX-License-Identifier: Apache-2.0
// `inspect` and `tree` on VHDX/VHD disks (issue 12), run as a user runs them, on tests/fixtures/ntfsdisks.py's
// disks, and on the broken ones: exit 2 with one clear line.
#include "cli/clirun.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

using nlohmann::json;
using testsupport::cli;

namespace {

QString disk(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture("ntfs/" + name).string());
}

json manifest()
{
    std::ifstream in(testsupport::fixture("ntfs/disks.json"));
    return json::parse(in);
}

} // namespace

class TestDiskCli : public QObject
{
    Q_OBJECT

private slots:
    // `diff CHAIN@merged sandbox.vhdx`: the container's changes, as a user runs it, with --strict (no rule hides any).
    void diffShowsWhatTheContainerChanged()
    {
        const QString chain = disk("sandbox-chain.tar");
        const auto run = cli({"diff", "--json", "--strict", chain + "@merged", disk("sandbox.vhdx")});
        QCOMPARE(run.exitCode, 1); // changes, none explained
        const json out = run.parsed();
        QCOMPARE(out["b"], json(disk("sandbox.vhdx").toStdString() + " over " + chain.toStdString() + "@merged"));
        std::map<std::string, std::set<std::string>> byKind;
        for (const json& c : out["changes"])
            byKind[c["kind"]].insert(c["path"].get<std::string>());
        std::map<std::string, std::set<std::string>> expected;
        const json m = manifest(); // kept: a range-for over a member of a temporary would outlive it
        for (const auto& [kind, paths] : m["sandbox"].items())
            expected[kind] = paths.get<std::set<std::string>>();
        QCOMPARE(byKind, expected);

        // The text report says what B is.
        const auto text = cli({"diff", "--strict", chain, disk("sandbox.vhdx")});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.find("over " + chain.toStdString()) != std::string::npos, text.out.c_str());
    }

    // `diff PARENT.vhdx CHILD.vhdx`: a differencing disk over its parent changes exactly the file the generator
    // rewrote with bytes of the same size, which only the hashes of the data read off both disks tell.
    void diffOfADifferencingDiskAndItsParent()
    {
        const json m = manifest();
        const auto run = cli({"diff", "--json", "--strict", disk("dynamic.vhdx"), disk("differencing.vhdx")});
        QCOMPARE(run.exitCode, 1);
        const json out = run.parsed();
        QCOMPARE(out["changes"].size(), size_t(1));
        QCOMPARE(out["changes"][0]["path"], json("Files/" + m["differencing"]["path"].get<std::string>()));
        QCOMPARE(out["changes"][0]["fields"], json::array({"content"}));
        const auto info = cli({"inspect", "--json", disk("differencing.vhdx")});
        QVERIFY2(info.exitCode == 0, info.err.c_str());
        QCOMPARE(info.parsed()["disk"]["type"], json("differencing"));
    }

    // A disk whose last write is only in its log reads as it does once the log is replayed: `diff` against qemu-img's
    // in-place replay of the same log finds nothing, against the disk before that write exactly that file's content;
    // `inspect` says the log was replayed.
    void aDiskNotClosedCleanlyReadsWithItsLogReplayed()
    {
        const json logged = manifest()["logged"];
        const QString disk1 = disk(logged["disk"].get<std::string>());
        auto run = cli({"diff", "--json", "--strict", disk1, disk(logged["replayedByQemu"].get<std::string>())});
        QVERIFY2(run.exitCode == 0, (run.out + run.err).c_str());
        QCOMPARE(run.parsed()["changes"], json::array());

        run = cli({"diff", "--json", "--strict", disk("dynamic.vhdx"), disk1});
        QCOMPARE(run.exitCode, 1);
        const json out = run.parsed();
        QCOMPARE(out["changes"].size(), size_t(1));
        QCOMPARE(out["changes"][0]["path"], json("Files/" + logged["path"].get<std::string>()));
        QCOMPARE(out["changes"][0]["fields"], json::array({"content"}));

        run = cli({"inspect", "--json", disk1});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QCOMPARE(run.parsed()["disk"]["log"]["entries"], logged["entries"]);
        QCOMPARE(run.parsed()["disk"]["log"]["headSequence"], logged["headSequence"]);
        run = cli({"inspect", disk1});
        QVERIFY2(run.out.find("not closed cleanly (log of 2 entries replayed in memory)") != std::string::npos,
                 run.out.c_str());
    }

    // `scratch commit sandbox.vhdx -o LAYER`: the container's changes as a delta layer, written once.
    void scratchCommitTakesASandboxDisk()
    {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("changes.tar.gz"));
        auto run = cli({"scratch", "commit", "--json", disk("sandbox.vhdx"), "-o", out});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json result = run.parsed();
        QCOMPARE(result["whiteouts"], json(2));
        QCOMPARE(result["entries"], json(13));
        QVERIFY(result["digest"] != result["diffId"]); // gzip, by the name

        // What it wrote is a delta layer `inspect` reads clean.
        run = cli({"inspect", "--json", out});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QCOMPARE(run.parsed()["layout"], json("windows-delta"));

        // An existing output stays without --force; a disk has no parent image for --image-out.
        run = cli({"scratch", "commit", disk("sandbox.vhdx"), "-o", out});
        QCOMPARE(run.exitCode, 2);
        run = cli({"scratch", "commit", disk("sandbox.vhdx"), "-o", tmp.filePath(QStringLiteral("x.tar")),
                   "--image-out", tmp.filePath(QStringLiteral("img"))});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("x.tar"))));
    }

    // `verify DISK` reads the whole volume: clean, one unreadable record (exit 1, named), a broken header (exit 2).
    void verifyReadsTheVolume()
    {
        auto run = cli({"verify", "--json", disk("dynamic.vhdx")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        json out = run.parsed();
        QCOMPARE(out["kind"], json("disk"));
        QCOMPARE(out["errors"], json(0));
        const std::string entries = std::to_string(manifest()["entries"].size());
        QVERIFY2(out["notes"].dump().find("NTFS volume: " + entries + " entries read") != std::string::npos,
                 out.dump().c_str());

        run = cli({"verify", disk("corrupt-record.vhdx")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.find("hidden-system.sys") != std::string::npos, run.out.c_str());
        QVERIFY2(run.out.find("a virtual disk, 1 errors") != std::string::npos, run.out.c_str());

        run = cli({"verify", disk("broken-header.vhdx")});
        QCOMPARE(run.exitCode, 2);
    }

    void inspectSummarisesTheVolume()
    {
        auto run = cli({"inspect", "--json", disk("dynamic.vhdx")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        QCOMPARE(out["kind"], json("disk"));
        QCOMPARE(out["disk"]["format"], json("VHDX"));
        QCOMPARE(out["disk"]["type"], json("dynamic"));
        const size_t expected = manifest()["entries"].size();
        QCOMPARE(out["volume"]["counts"]["entries"], json(expected));
        QCOMPARE(out["volume"]["counts"]["hardlinks"], json(2));
        QCOMPARE(out["volume"]["counts"]["streams"], json(2));
        QCOMPARE(out["volume"]["problems"], json::array());

        run = cli({"inspect", disk("dynamic.vhd")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QVERIFY2(run.out.find("NTFS volume: " + std::to_string(expected) + " entries") != std::string::npos,
                 run.out.c_str());
    }

    void treeJsonListsEveryEntry_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("dynamic VHDX") << "dynamic.vhdx";
        QTest::newRow("fixed VHDX") << "fixed.vhdx";
        QTest::newRow("VHD") << "dynamic.vhd";
        QTest::newRow("MBR-partitioned VHDX") << "mbr.vhdx";
        QTest::newRow("GPT-partitioned VHDX") << "gpt.vhdx";
    }
    void treeJsonListsEveryEntry()
    {
        QFETCH(QString, name);
        const auto run = cli({"tree", "--json", disk(name.toStdString())});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        std::map<std::string, json> byPath;
        for (const json& e : out["entries"])
            byPath[e["path"]] = e;
        const json m = manifest();
        QCOMPARE(byPath.size(), m["entries"].size());
        for (const json& e : m["entries"]) {
            const std::string path = e["path"];
            QVERIFY2(byPath.count(path), path.c_str());
            const json& got = byPath[path];
            QCOMPARE(got["type"], e["type"]);
            QCOMPARE(got["size"], e["size"]);
            if (e.contains("reparse")) // xattr values are bytes, base64 in JSON
                QCOMPARE(got["xattrs"]["ntfs.reparse"],
                         json(QByteArray::fromStdString(e["reparse"].get<std::string>()).toBase64().toStdString()));
            if (e.contains("linkTarget"))
                QCOMPARE(got["linkTarget"], e["linkTarget"]);
        }
        QCOMPARE(byPath["Program Files/App/app.exe"]["created"], json("2024-01-02T03:04:05.123456700Z"));
        QCOMPARE(byPath["hidden-system.sys"]["sddl"], json("O:BAG:BAD:(A;OICI;FA;;;WD)"));
    }

    void inspectReportsAnUnreadableRecordWithExitOne()
    {
        const auto run = cli({"inspect", "--json", disk("corrupt-record.vhdx")});
        QCOMPARE(run.exitCode, 1);
        const json out = run.parsed();
        QCOMPARE(out["volume"]["problems"].size(), size_t(1));
        QCOMPARE(out["volume"]["counts"]["entries"], json(manifest()["entries"].size()));
    }

    // The damaged record is listed where the directory names it, with the reason, in text and JSON.
    void treeMarksAnUnreadableRecord()
    {
        auto run = cli({"tree", disk("corrupt-record.vhdx")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.find("hidden-system.sys  [unreadable: MFT record") != std::string::npos, run.out.c_str());
        run = cli({"tree", "--json", disk("corrupt-record.vhdx")});
        QCOMPARE(run.exitCode, 0);
        bool found = false;
        const json listing = run.parsed();
        for (const json& e : listing["entries"]) {
            if (e["path"] == "hidden-system.sys") {
                found = true;
                QVERIFY2(e["unreadable"].get<std::string>().starts_with("MFT record"), e.dump().c_str());
            } else {
                QVERIFY2(!e.contains("unreadable"), e.dump().c_str());
            }
        }
        QVERIFY(found);
    }

    void badDisksExitTwoWithOneLine_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        for (const char* command : {"inspect", "tree"}) {
            QTest::newRow((std::string(command) + " broken header").c_str())
                << command << disk("broken-header.vhdx")
                << "neither header (at 64 KiB and 128 KiB) has a valid signature and checksum";
            QTest::newRow((std::string(command) + " no NTFS").c_str())
                << command << disk("no-ntfs.vhdx") << "no NTFS volume";
            QTest::newRow((std::string(command) + " truncated after its log").c_str())
                << command << disk("truncated-log.vhdx") << "the file was truncated";
            QTest::newRow((std::string(command) + " missing parent").c_str())
                << command << QString::fromStdString(testsupport::fixture("images/disks/differencing.vhd").string())
                << "differencing disk whose parent \"base.vhd\" is missing";
        }
    }
    void badDisksExitTwoWithOneLine()
    {
        QFETCH(QString, command);
        QFETCH(QString, path);
        QFETCH(QString, message);
        const auto run = cli({command, path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.find(message.toStdString()) != std::string::npos, run.err.c_str());
        QVERIFY2(run.err.find(path.toStdString()) != std::string::npos, run.err.c_str());
        QCOMPARE(std::count(run.err.begin(), run.err.end(), '\n'), 1);
        QVERIFY(run.out.empty());
    }
};

QTEST_GUILESS_MAIN(TestDiskCli)
#include "tst_diskcli.moc"
