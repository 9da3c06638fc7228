// SPDX-License-Identifier: Apache-2.0
// core/space: per-layer figures, dive's efficiency score, the exact hidden bytes, duplicates, hot spots and the
// base/servicing/application split, on the generated chain of tests/fixtures/spacefixtures.py.
#include "common/error.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "index/mergedtree.h"
#include "space/hotspotrules.h"
#include "space/spaceanalyzer.h"
#include "space/spaceoutput.h"

#include "testsupport.h"

using namespace layerscope;
using namespace layerscope::space;

namespace {

constexpr uint64_t Hives = 5 * 8192; // minimal_base(): five empty 8192-byte hives

SpaceReport measure(const std::string& fixture, const HotSpotRules& rules = HotSpotRules::builtin(),
                    SpaceOptions options = {})
{
    auto source = image::ImageSource::open(testsupport::fixture(fixture));
    return analyzeImageSpace(*source, rules, options);
}

const HotSpot& hotSpot(const SpaceReport& report, const std::string& rule)
{
    for (const HotSpot& h : report.hotSpots)
        if (h.rule == rule)
            return h;
    throw std::runtime_error("no hot spot " + rule);
}

class CancelAfter final : public Progress
{
public:
    void advance(uint64_t, uint64_t) override { }
    bool cancelled() const override { return ++m_polls > 2; }

private:
    mutable int m_polls = 0;
};

} // namespace

class TestSpace : public QObject
{
    Q_OBJECT

private slots:
    void perLayerFigures()
    {
        const SpaceReport r = measure("space/chain");
        QCOMPARE(r.layers.size(), size_t(4));
        // Layer 0: the hives and five files, all new.
        const LayerSpace& l0 = r.layers[0];
        QCOMPARE(l0.role, LayerRole::Base);
        QCOMPARE(l0.bytes, Hives + 1000 + 2000 + 300 + 700 + 100);
        QCOMPARE(l0.addedCount, uint64_t(10));
        QCOMPARE(l0.addedBytes, l0.bytes);
        QCOMPARE(l0.modifiedCount, uint64_t(0));
        QCOMPARE(l0.removedCount, uint64_t(0));
        // a.bin (rewritten by layers 1 and 3), Data/ (deleted) and t1.tmp (deleted) are hidden later.
        QCOMPARE(l0.hiddenBytes, uint64_t(1000 + 300 + 700 + 100));
        QCOMPARE(l0.visibleBytes, Hives + 2000);
        // Layer 1: a.bin modified, cbs.log added; its a.bin is hidden by layer 3.
        const LayerSpace& l1 = r.layers[1];
        QCOMPARE(l1.role, LayerRole::Servicing);
        QCOMPARE(l1.addedCount, uint64_t(1));
        QCOMPARE(l1.addedBytes, uint64_t(400));
        QCOMPARE(l1.modifiedCount, uint64_t(1));
        QCOMPARE(l1.modifiedBytes, uint64_t(1500));
        QCOMPARE(l1.hiddenBytes, uint64_t(1500));
        // Layer 2: removes x.dat, y.dat (with their folder) and t1.tmp; adds two copies of b.bin and pkg.msi.
        const LayerSpace& l2 = r.layers[2];
        QCOMPARE(l2.role, LayerRole::Application);
        QCOMPARE(l2.removedCount, uint64_t(3));
        QCOMPARE(l2.removedBytes, uint64_t(300 + 700 + 100));
        QCOMPARE(l2.addedCount, uint64_t(3));
        QCOMPARE(l2.addedBytes, uint64_t(2000 + 2000 + 500));
        QCOMPARE(l2.modifiedCount, uint64_t(0));
        QCOMPARE(l2.hiddenBytes, uint64_t(0));
        // Layer 3: a.bin modified again, app.log added.
        const LayerSpace& l3 = r.layers[3];
        QCOMPARE(l3.modifiedCount, uint64_t(1));
        QCOMPARE(l3.modifiedBytes, uint64_t(1200));
        QCOMPARE(l3.addedBytes, uint64_t(50));
        QCOMPARE(l3.hiddenBytes, uint64_t(0));
        QCOMPARE(l3.createdBy, std::string("cmd /S /C echo done > C:\\app.log"));
    }

    void diveScore()
    {
        const SpaceReport r = measure("space/chain");
        // Leaves per layer: 0: hives + 1000 + 2000 + 300 + 700 + 100; 1: 1500 + 400 (+ the empty Hives folder);
        // 2: the Data whiteout counts the folder it deletes (1000), t1.tmp's counts 0, 2000 + 2000 + 500;
        // 3: 1200 + 50.
        const uint64_t total = (Hives + 4100) + 1900 + (1000 + 0 + 4500) + 1250;
        // a.bin: 1000 + 1500 + 1200 - 1000; t1.tmp: 100 + 0 - 0. Data's children occur once each: no waste (dive).
        const uint64_t wasted = 2700 + 100;
        QCOMPARE(r.diveTotalBytes, total);
        QCOMPARE(r.diveWastedBytes, wasted);
        QCOMPARE(r.efficiency, 1.0 - double(wasted) / double(total));
        QCOMPARE(r.wastedPathCount, uint64_t(2));
        QCOMPARE(r.wastedPaths.size(), size_t(2));
        QCOMPARE(r.wastedPaths[0].path, std::string("Files/App/a.bin"));
        QCOMPARE(r.wastedPaths[0].occurrences, uint32_t(3));
        QCOMPARE(r.wastedPaths[0].cumulativeBytes, uint64_t(3700));
        QCOMPARE(r.wastedPaths[0].wastedBytes, uint64_t(2700));
        QCOMPARE(r.wastedPaths[0].layers, (std::vector<size_t> {0, 1, 3}));
        QCOMPARE(r.wastedPaths[1].path, std::string("Files/Windows/Temp/t1.tmp"));
        QCOMPARE(r.wastedPaths[1].wastedBytes, uint64_t(100));
        QCOMPARE(r.wastedPaths[1].layers, (std::vector<size_t> {0, 2}));
    }

    void exactFigure()
    {
        const SpaceReport r = measure("space/chain");
        QCOMPARE(r.shippedBytes, (Hives + 4100) + 1900 + 4500 + 1250);
        QCOMPARE(r.visibleBytes, Hives + 1200 + 2000 + 400 + 2000 + 2000 + 500 + 50);
        QCOMPARE(r.hiddenBytes, uint64_t(1000 + 1500 + 1000 + 100));
        QCOMPARE(r.visibleFiles, uint64_t(12));
    }

    void duplicates()
    {
        const SpaceReport r = measure("space/chain");
        QCOMPARE(r.duplicateGroupCount, uint64_t(1));
        QCOMPARE(r.duplicateFiles, uint64_t(3));
        QCOMPARE(r.duplicateSavableBytes, uint64_t(4000));
        QCOMPARE(r.duplicates.size(), size_t(1));
        QCOMPARE(r.duplicates[0].size, uint64_t(2000));
        QCOMPARE(r.duplicates[0].paths,
                 (std::vector<std::string> {"Files/App/b.bin", "Files/Copy/b2.bin", "Files/Copy/b3.bin"}));
    }

    void hotSpots()
    {
        const SpaceReport r = measure("space/chain");
        QCOMPARE(r.hotSpots.size(), HotSpotRules::builtin().rules().size());
        // t1.tmp was deleted: shipped, no longer visible.
        QCOMPARE(hotSpot(r, "temp-folders").files, uint64_t(0));
        QCOMPARE(hotSpot(r, "temp-folders").shippedBytes, uint64_t(100));
        QCOMPARE(hotSpot(r, "log-files").bytes, uint64_t(400 + 50));
        QCOMPARE(hotSpot(r, "log-files").files, uint64_t(2));
        QCOMPARE(hotSpot(r, "log-files").topPaths,
                 (std::vector<std::string> {"Files/Windows/Logs/cbs.log", "Files/app.log"}));
        QCOMPARE(hotSpot(r, "windows-logs").bytes, uint64_t(400));
        QCOMPARE(hotSpot(r, "package-cache").bytes, uint64_t(500));
        QCOMPARE(hotSpot(r, "winsxs-backup").shippedBytes, uint64_t(0));
        // cbs.log matches two rules but is counted once.
        QCOMPARE(r.hotSpotBytes, uint64_t(400 + 50 + 500));
    }

    void userRules()
    {
        HotSpotRules rules = HotSpotRules::none();
        // Lower case on purpose: Windows paths match case-insensitively.
        rules.loadJson("[{\"name\": \"bins\", \"glob\": \"files/**/*.BIN\", \"reason\": \"test\"}, {\"name\": "
                       "\"copies\", \"globs\": [\"Files/Copy/**\"]}]",
                       "inline");
        const SpaceReport r = measure("space/chain", rules);
        QCOMPARE(r.hotSpots.size(), size_t(2));
        QCOMPARE(r.hotSpots[0].bytes, uint64_t(1200 + 2000 + 2000 + 2000));
        QCOMPARE(r.hotSpots[0].shippedBytes, uint64_t(1000 + 2000 + 1500 + 2000 + 2000 + 1200));
        QCOMPARE(r.hotSpots[1].files, uint64_t(2));
        QCOMPARE(r.hotSpots[1].bytes, uint64_t(4000));
    }

    void badRules_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << "[{"
                                  << "not valid JSON";
        QTest::newRow("number beyond a double") << "[1e400]"
                                                << "number overflow";
        QTest::newRow("unknown key") << "[{\"name\": \"a\", \"glob\": \"x\", \"fields\": []}]"
                                     << "unknown key \"fields\"";
        QTest::newRow("no glob") << "[{\"name\": \"a\"}]"
                                 << "exactly one of";
        QTest::newRow("both globs") << "[{\"name\": \"a\", \"glob\": \"x\", \"globs\": [\"y\"]}]"
                                    << "exactly one of";
        QTest::newRow("bad name") << "[{\"name\": \"a b\", \"glob\": \"x\"}]"
                                  << "\"name\"";
        QTest::newRow("duplicate") << "[{\"name\": \"a\", \"glob\": \"x\"}, {\"name\": \"a\", \"glob\": \"y\"}]"
                                   << "already defined";
        QTest::newRow("builtin name") << "[{\"name\": \"log-files\", \"glob\": \"x\"}]"
                                      << "already defined";
        QTest::newRow("empty globs") << "[{\"name\": \"a\", \"globs\": []}]"
                                     << "non-empty array";
        QTest::newRow("object") << "{\"rule\": []}"
                                << "expected an array";
    }
    void badRules()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        HotSpotRules rules = HotSpotRules::builtin();
        const size_t before = rules.rules().size();
        try {
            rules.loadJson(text.toStdString(), "my-rules.json");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("my-rules.json") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos, e.what());
        }
        QCOMPARE(rules.rules().size(), before);
    }

    void roles_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("createdBy");
        QTest::addColumn<bool>("foreign");
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("role");
        QTest::newRow("first") << "windows-delta"
                               << "" << false << 0 << int(LayerRole::Base);
        QTest::newRow("windows-base") << "windows-base"
                                      << "" << false << 3 << int(LayerRole::Base);
        QTest::newRow("update") << "windows-delta"
                                << "Install update 10.0.17763.5329" << false << 1 << int(LayerRole::Servicing);
        QTest::newRow("foreign") << "windows-delta"
                                 << "" << true << 1 << int(LayerRole::Servicing);
        QTest::newRow("app") << "windows-delta"
                             << "cmd /S /C powershell Install-WindowsFeature" << false << 2
                             << int(LayerRole::Application);
        QTest::newRow("linux") << "linux"
                               << "/bin/sh -c apt-get install" << false << 1 << int(LayerRole::Application);
    }
    void roles()
    {
        QFETCH(QString, layout);
        QFETCH(QString, createdBy);
        QFETCH(bool, foreign);
        QFETCH(int, index);
        QFETCH(int, role);
        LayerFacts facts;
        facts.layout = layout.toStdString();
        facts.createdBy = createdBy.toStdString();
        facts.foreign = foreign;
        QCOMPARE(int(SpaceAnalyzer::roleOf(facts, size_t(index))), role);
    }

    void split()
    {
        const SpaceReport r = measure("space/chain");
        QCOMPARE(r.split.size(), size_t(3));
        QCOMPARE(r.split[0].layers, uint32_t(1));
        QCOMPARE(r.split[0].bytes, Hives + 4100);
        QCOMPARE(r.split[1].layers, uint32_t(1));
        QCOMPARE(r.split[1].bytes, uint64_t(1900));
        QCOMPARE(r.split[2].layers, uint32_t(2));
        QCOMPARE(r.split[2].bytes, uint64_t(4500 + 1250));
        QCOMPARE(r.split[2].visibleBytes, uint64_t(4500 + 1250));
        uint64_t stored = 0;
        for (const auto& l : r.layers)
            stored += l.storedSize;
        QCOMPARE(r.split[0].storedBytes + r.split[1].storedBytes + r.split[2].storedBytes, stored);
    }

    // A single layer wastes nothing and hides nothing; its duplicates are still found.
    void singleLayer()
    {
        const SpaceReport r = measure("space/layer0.tar");
        QCOMPARE(r.layers.size(), size_t(1));
        QCOMPARE(r.efficiency, 1.0);
        QCOMPARE(r.diveWastedBytes, uint64_t(0));
        QCOMPARE(r.hiddenBytes, uint64_t(0));
        QCOMPARE(r.shippedBytes, Hives + 4100);
        QCOMPARE(r.duplicateGroupCount, uint64_t(0));
        QCOMPARE(hotSpot(r, "temp-folders").bytes, uint64_t(100));
    }

    // The base + delta image fixture has hard links, streams, a file replaced by a folder and whiteouts: whatever
    // the figures, they must add up.
    void figuresAddUp()
    {
        const SpaceReport r = measure("images/oci-layout");
        uint64_t shipped = 0, visible = 0, hidden = 0;
        for (const LayerSpace& l : r.layers) {
            shipped += l.bytes;
            visible += l.visibleBytes;
            hidden += l.hiddenBytes;
            QCOMPARE(l.visibleBytes + l.hiddenBytes, l.bytes);
        }
        QCOMPARE(r.shippedBytes, shipped);
        QCOMPARE(r.visibleBytes, visible);
        QCOMPARE(r.hiddenBytes, hidden);
        QVERIFY(r.hiddenBytes > 0); // the delta rewrites app.exe and deletes readme.txt
        QVERIFY(r.efficiency < 1.0);
        QVERIFY(r.layers[1].removedCount >= 2);
        // The merged view, built independently, shows exactly the visible bytes.
        auto source = image::ImageSource::open(testsupport::fixture("images/oci-layout"));
        const index::TreeIndex merged = image::mergedView(*source, false);
        uint64_t mergedBytes = 0;
        for (const auto& rec : merged.records())
            if (rec.type == wcow::EntryType::File || rec.type == wcow::EntryType::Stream)
                mergedBytes += rec.size;
        QCOMPARE(r.visibleBytes, mergedBytes);
    }

    void topLimits()
    {
        SpaceOptions options;
        options.top = 1;
        const SpaceReport r = measure("space/chain", HotSpotRules::builtin(), options);
        QCOMPARE(r.wastedPaths.size(), size_t(1));
        QCOMPARE(r.wastedPathCount, uint64_t(2));
        QCOMPARE(hotSpot(r, "log-files").topPaths, std::vector<std::string> {"Files/Windows/Logs/cbs.log"});
    }

    void cancel()
    {
        auto source = image::ImageSource::open(testsupport::fixture("space/chain"));
        CancelAfter progress;
        QVERIFY_THROWS_EXCEPTION(Cancelled, analyzeImageSpace(*source, HotSpotRules::builtin(), {}, progress));
    }

    void textFitsHundredColumns()
    {
        const std::string text = spaceToText(measure("space/chain"), testsupport::fixture("space/chain").string());
        size_t start = 0;
        while (start < text.size()) {
            const size_t end = text.find('\n', start);
            const std::string line = text.substr(start, end - start);
            QVERIFY2(line.size() <= 100, line.c_str());
            start = end + 1;
        }
        QVERIFY(text.find("94.79 %") != std::string::npos);
    }

    void humanSizes()
    {
        QCOMPARE(humanBytes(0), std::string("0 B"));
        QCOMPARE(humanBytes(1023), std::string("1023 B"));
        QCOMPARE(humanBytes(1536), std::string("1.5 KiB"));
        QCOMPARE(humanBytes(3ull << 30), std::string("3.0 GiB"));
    }
};

QTEST_GUILESS_MAIN(TestSpace)
#include "tst_space.moc"
