// SPDX-License-Identifier: Apache-2.0
// layerscope-cli chain, tree, verify (and inspect given an image source), run as a user would: exit codes and the
// JSON contract of issue 3.
#include "cli/clirun.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using Run = testsupport::CliRun;
using testsupport::cli;

QString images(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture("images/" + name).string());
}

const json& expected()
{
    static const json truth = [] {
        const auto bytes = testsupport::readAll(testsupport::fixture("images/expected.json"));
        return json::parse(bytes.begin(), bytes.end());
    }();
    return truth;
}

QString topLayerFolder()
{
    return images(expected().at("windowsfilter").at("top").get<std::string>());
}

} // namespace

class TestImageCli : public QObject
{
    Q_OBJECT

private slots:
    void chainJsonFollowsContract_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("kind");
        QTest::newRow("oci-layout") << "oci-layout"
                                    << "oci-layout";
        QTest::newRow("oci-archive") << "oci-archive.tar"
                                     << "oci-archive";
        QTest::newRow("docker-legacy") << "docker-legacy.tar"
                                       << "docker-archive";
        QTest::newRow("docker-oci") << "docker-oci.tar"
                                    << "docker-archive";
    }
    void chainJsonFollowsContract()
    {
        QFETCH(QString, name);
        QFETCH(QString, kind);
        const Run run = cli({"chain", "--json", images(name.toStdString())});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        const json& truth = expected().at(name.toStdString());
        QCOMPARE(out["kind"].get<std::string>(), kind.toStdString());
        QCOMPARE(out["source"].get<std::string>(), images(name.toStdString()).toStdString());
        QCOMPARE(out["os"], json("windows"));
        QCOMPARE(out["osVersion"], json("10.0.20348.2113"));
        QCOMPARE(out["architecture"], json("amd64"));
        QCOMPARE(out["osFeatures"], json::array({"win32k"}));
        QCOMPARE(out["chainIds"], truth["chainIds"]);
        QCOMPARE(out["layers"].size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            const json& l = out["layers"][i];
            for (const char* key : {"index", "digest", "diffId", "mediaType", "size", "uncompressedSize", "foreign",
                                    "present", "urls", "layout", "createdBy", "counts"})
                QVERIFY2(l.contains(key), key);
            QCOMPARE(l["index"], json(i));
            QCOMPARE(l["digest"], truth["digests"][i]);
            QCOMPARE(l["diffId"], truth["diffIds"][i]);
            QCOMPARE(l["present"], json(true));
            QVERIFY(l["counts"]["entries"].get<uint64_t>() > 0);
        }
        QCOMPARE(out["layers"][0]["layout"], json("windows-base"));
        QCOMPARE(out["layers"][1]["layout"], json("windows-delta"));
        QCOMPARE(out["layers"][1]["createdBy"], json("cmd /S /C copy layer1 C:\\app"));
    }

    void chainTextSummarises()
    {
        const Run run = cli({"chain", images("oci-layout")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.find("layers (base first):") != std::string::npos);
        QVERIFY(run.out.find("windows-delta") != std::string::npos);
    }

    void chainListsPlatformsAndHonoursPlatform()
    {
        Run run = cli({"chain", "--json", images("oci-multiplatform")});
        QCOMPARE(run.exitCode, 0);
        json out = run.parsed();
        QCOMPARE(out["platforms"].size(), size_t(2));
        QCOMPARE(out["os"], json("windows"));
        run = cli({"chain", "--json", "--platform", "linux/amd64", images("oci-multiplatform")});
        QCOMPARE(run.exitCode, 0);
        out = run.parsed();
        QCOMPARE(out["os"], json("linux"));
        QCOMPARE(out["layers"][0]["layout"], json("linux"));
        run = cli({"chain", "--platform", "plan9/mips", images("oci-multiplatform")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.find("windows/amd64") != std::string::npos);
    }

    void chainShowsForeignLayer()
    {
        const Run run = cli({"chain", "--json", images("oci-foreign")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json l = run.parsed()["layers"][0];
        QCOMPARE(l["foreign"], json(true));
        QCOMPARE(l["present"], json(false));
        QCOMPARE(l["urls"][0], expected()["oci-foreign"]["foreignUrl"]);
    }

    void chainOfLayerFolders()
    {
        const Run run = cli({"chain", "--json", topLayerFolder()});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        QCOMPARE(out["kind"], json("layer-folder"));
        QCOMPARE(out["layers"].size(), size_t(3));
        QCOMPARE(out["layers"][0]["disks"].size(), size_t(2));
        QCOMPARE(out["layers"][0]["disks"][1]["type"], json("differencing"));
        QCOMPARE(out["layers"][0]["disks"][1]["parentPath"], json(".\\blank-base.vhdx"));
        QVERIFY(out["notes"].dump().find("sibling folder") != std::string::npos);
    }

    void treeMergedCarriesLayer()
    {
        const Run run = cli({"tree", "--json", "--path", "Files/NewDir", images("oci-layout")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        QCOMPARE(out["view"], json("merged"));
        const json& entries = out["entries"];
        QCOMPARE(entries.size(), size_t(3)); // NewDir, a.txt, b.bin
        QCOMPARE(entries[0]["path"], json("Files/NewDir"));
        for (const json& e : entries) {
            QCOMPARE(e["layer"], json(1));
            for (const char* key : {"path", "type", "size", "mode", "attributes", "sddl", "modified", "linkTarget"})
                QVERIFY2(e.contains(key), key);
        }
        QCOMPARE(entries[1]["sha256"].get<std::string>().size(), size_t(64));
    }

    void treeOfOneLayer()
    {
        const Run run = cli({"tree", "--json", "--layer", "1", images("docker-oci.tar")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        QCOMPARE(out["view"], json("layer"));
        bool sawWhiteout = false;
        for (const json& e : out["entries"]) {
            QVERIFY(!e.contains("layer"));
            sawWhiteout = sawWhiteout || e["type"] == "whiteout";
        }
        QVERIFY(sawWhiteout); // one layer shows its whiteouts; the merged view applies them
        QCOMPARE(cli({"tree", "--layer", "5", images("docker-oci.tar")}).exitCode, 2);
        QCOMPARE(cli({"tree", "--layer", "0", "--merged", images("docker-oci.tar")}).exitCode, 2);
    }

    void treeTextOfLayerFolders()
    {
        const Run run = cli({"tree", topLayerFolder()});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QVERIFY(run.out.find("Files/top.txt") != std::string::npos);
        QVERIFY(run.out.find("L1") != std::string::npos); // data.bin from the middle layer
    }

    void verifyExitCodes_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("good oci layout") << "oci-layout" << 0 << "verified";
        QTest::newRow("good docker archive") << "docker-legacy.tar" << 0 << "verified";
        QTest::newRow("foreign layer absent") << "oci-foreign" << 0 << "foreign";
        QTest::newRow("layer folders") << expected()["windowsfilter"]["top"].get<std::string>().c_str() << 0
                                       << "verified";
        QTest::newRow("digest mismatch") << "bad/digest-mismatch" << 1 << "digest mismatch";
        QTest::newRow("diff_id mismatch") << "bad/diffid-mismatch" << 1 << "diff_id mismatch";
        QTest::newRow("missing blob") << "bad/missing-blob" << 1 << "missing";
        QTest::newRow("broken vhdx") << ("bad/vhdx-broken/" + std::string(64, 'd')).c_str() << 1 << "sandbox.vhdx";
        QTest::newRow("malformed json") << "bad/malformed-json" << 2 << "malformed JSON";
        QTest::newRow("path escape") << "bad/docker-escape" << 2 << "..";
        QTest::newRow("cycle") << ("bad/layerchain-cycle/" + std::string(64, 'a')).c_str() << 2 << "cycle";
        QTest::newRow("unknown media type") << "bad/unknown-mediatype" << 2 << "unknown layer media type";
    }
    void verifyExitCodes()
    {
        QFETCH(QString, name);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        const Run run = cli({"verify", images(name.toStdString())});
        QVERIFY2(run.exitCode == exitCode, (run.out + run.err).c_str());
        QVERIFY2((run.out + run.err).find(mentions.toStdString()) != std::string::npos, (run.out + run.err).c_str());
    }

    void verifyJsonListsProblems()
    {
        const Run run = cli({"verify", "--json", images("bad/digest-mismatch")});
        QCOMPARE(run.exitCode, 1);
        const json out = run.parsed();
        QCOMPARE(out["ok"], json(false));
        QCOMPARE(out["problems"][0]["layer"], json(1));
        QCOMPARE(out["problems"][0]["severity"], json("error"));
    }

    void inspectDelegatesForImages()
    {
        Run run = cli({"inspect", "--json", images("docker-legacy.tar")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QCOMPARE(run.parsed()["kind"], json("docker-archive"));
        run = cli({"inspect", "--json", QString::fromStdString(testsupport::fixture("base.tar.gz").string())});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(!run.parsed().contains("kind")); // a single layer keeps inspect's own report
    }

    // A bare disk opens as its summary; a file that is nothing LayerScope reads says what it is not.
    void inspectSummarisesADisk()
    {
#if defined(LAYERSCOPE_HAVE_DISKS)
        // inspect also reads the volume inside, which needs the parent this header-only fixture lacks
        // (tst_diskcli covers disks with a real NTFS).
        Run run = cli({"inspect", images("disks/differencing.vhd")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.find("parent \"base.vhd\" is missing") != std::string::npos, run.err.c_str());
#else
        Run run = cli({"inspect", images("disks/differencing.vhd")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QVERIFY2(run.out.find("(disk)") != std::string::npos
                     && run.out.find("VHD differencing disk, 10 GiB virtual (10737418240 bytes), 2 MiB blocks, "
                                     "512-byte sectors, parent .\\base.vhd")
                         != std::string::npos,
                 run.out.c_str());
#endif
        run = cli({"chain", "--json", images("disks/sandbox.vhdx")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json out = run.parsed();
        QCOMPARE(out["kind"], json("disk"));
        QCOMPARE(out["layers"].size(), size_t(0));
        QCOMPARE(out["disk"]["format"], json("VHDX"));
        QCOMPARE(out["disk"]["type"], json("differencing"));
        QCOMPARE(out["disk"]["virtualSize"], json(uint64_t(20) << 30));
        QCOMPARE(out["disk"]["blockSize"], json(32 << 20));
        QCOMPARE(out["disk"]["parentPath"], json(".\\blank.vhdx"));

        run = cli({"tree", images("disks/dynamic.vhd")});
        QCOMPARE(run.exitCode, 2);
#if defined(LAYERSCOPE_HAVE_DISKS)
        // This fixture is a header with no file system behind it.
        QVERIFY2(run.err.find("no NTFS volume") != std::string::npos, run.err.c_str());
#else
        QVERIFY2(run.err.find("is a virtual disk (VHD dynamic disk") != std::string::npos
                     && run.err.find("cannot list or compare the files inside it yet") != std::string::npos,
                 run.err.c_str());
#endif
    }

    void namesWhatAFileIsNot_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        const QString notAny = "not a tar archive, OCI layout, docker archive, VHDX/VHD disk or Windows layer folder; ";
        for (const QString command : {"inspect", "chain", "tree", "verify"}) {
            QTest::addRow("%s, 0-byte file", qPrintable(command))
                << command << "disks/empty.bin"
                << "empty.bin: at byte 0: an empty file (0 bytes): " + notAny;
            QTest::addRow("%s, random bytes", qPrintable(command))
                << command << "disks/random.bin"
                << "random.bin: at byte 0: " + notAny + "starts with 3f a2 17 00 c9 5e 2d 71 16 42 b7 26 b0 44 01 62 …";
            QTest::addRow("%s, shorter than a block", qPrintable(command))
                << command << "disks/short.bin" << notAny + "starts with 68 65 6c 6c 6f 0a";
            QTest::addRow("%s, gzip of text", qPrintable(command))
                << command << "disks/notes.txt.gz"
                << "gzip-compressed data that, decompressed, is " + notAny + "starts with 6e 6f 74 20";
        }
    }
    void namesWhatAFileIsNot()
    {
        QFETCH(QString, command);
        QFETCH(QString, name);
        QFETCH(QString, message);
        const Run run = cli({command, images(name.toStdString())});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromStdString(run.err).contains(message), run.err.c_str());
    }

    void unreadableSourceIsExitTwo()
    {
        QCOMPARE(cli({"chain", images("does-not-exist")}).exitCode, 2);
        QCOMPARE(cli({"verify", images("oci-layout/blobs")}).exitCode, 2); // a plain folder is no image
        QCOMPARE(cli({"chain"}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestImageCli)
#include "tst_imagecli.moc"
