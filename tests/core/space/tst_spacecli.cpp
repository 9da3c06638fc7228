// SPDX-License-Identifier: Apache-2.0
// layerscope-cli space: text and JSON output, the CI gate's exit codes, rules files and bad input.
#include "cli/scratchchain.h"

#include <QTemporaryDir>

using nlohmann::json;
using testsupport::cli;

namespace {

QString chain()
{
    return QString::fromStdString(testsupport::fixture("space/chain").string());
}

// The chain's dive figures (tst_space derives them): 2800 bytes wasted of 53710.
constexpr uint64_t Wasted = 2800;
constexpr double Efficiency = 1.0 - 2800.0 / 53710.0; // 0.94787

} // namespace

class TestSpaceCli : public QObject
{
    Q_OBJECT

private slots:
    void text()
    {
        const auto run = cli({QStringLiteral("space"), chain()});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.find("efficiency (dive)  94.79 %") != std::string::npos, run.out.c_str());
        QVERIFY(run.out.find("Files/App/a.bin") != std::string::npos);
        QVERIFY(run.out.find("Files/Copy/b3.bin") != std::string::npos);
        QVERIFY(run.out.find("package-cache") != std::string::npos);
        QVERIFY(run.out.find("Gate") == std::string::npos);
        size_t start = 0;
        while (start < run.out.size()) {
            const size_t end = run.out.find('\n', start);
            QVERIFY2(end - start <= 100, run.out.substr(start, end - start).c_str());
            start = end + 1;
        }
    }

    void jsonSchema()
    {
        const auto run = cli({QStringLiteral("space"), chain(), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const json doc = run.parsed();
        for (const char* key :
             {"source", "efficiency", "dive", "exact", "layers", "wastedPaths", "duplicates", "hotSpots", "split"})
            QVERIFY2(doc.contains(key), key);
        QVERIFY(!doc.contains("gate"));
        QCOMPARE(doc["dive"]["wastedBytes"].get<uint64_t>(), Wasted);
        QCOMPARE(doc["dive"]["totalBytes"].get<uint64_t>(), uint64_t(53710));
        QCOMPARE(doc["efficiency"].get<double>(), Efficiency);
        QCOMPARE(doc["exact"]["hiddenBytes"].get<uint64_t>(), uint64_t(3600));
        QCOMPARE(doc["layers"].size(), size_t(4));
        for (const json& l : doc["layers"]) {
            for (const char* key : {"index", "role", "createdBy", "present", "storedSize", "bytes", "entries",
                                    "visibleBytes", "hiddenBytes"})
                QVERIFY2(l.contains(key), key);
            for (const char* key : {"added", "modified", "removed"}) {
                QVERIFY(l[key]["count"].is_number_unsigned());
                QVERIFY(l[key]["bytes"].is_number_unsigned());
            }
            QCOMPARE(l["visibleBytes"].get<uint64_t>() + l["hiddenBytes"].get<uint64_t>(), l["bytes"].get<uint64_t>());
        }
        QCOMPARE(doc["layers"][1]["role"], json("servicing"));
        QCOMPARE(doc["layers"][2]["removed"], json({{"count", 3}, {"bytes", 1100}}));
        QCOMPARE(doc["wastedPaths"]["count"], json(2));
        QCOMPARE(doc["wastedPaths"]["top"][0]["path"], json("Files/App/a.bin"));
        QCOMPARE(doc["wastedPaths"]["top"][0]["layers"], json({0, 1, 3}));
        QCOMPARE(doc["duplicates"]["savableBytes"], json(4000));
        QCOMPARE(doc["duplicates"]["top"][0]["sha256"].get<std::string>().size(), size_t(64));
        QCOMPARE(doc["hotSpots"]["rules"].size(), size_t(9));
        QCOMPARE(doc["split"][0]["role"], json("base"));
        QCOMPARE(doc["split"][2]["bytes"], json(5750));
    }

    void gate_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("efficiency above") << QStringList {"--min-efficiency", "0.9"} << 0;
        QTest::newRow("efficiency below") << QStringList {"--min-efficiency", "0.95"} << 1;
        QTest::newRow("efficiency exact") << QStringList {"--min-efficiency", "0"} << 0;
        QTest::newRow("wasted at limit") << QStringList {"--max-wasted", "2800"} << 0;
        QTest::newRow("wasted over") << QStringList {"--max-wasted", "2799"} << 1;
        QTest::newRow("wasted KiB") << QStringList {"--max-wasted", "2.7KiB"} << 1; // 2764 bytes
        QTest::newRow("wasted KB") << QStringList {"--max-wasted", "3KB"} << 0;
        QTest::newRow("both, one fails") << QStringList {"--max-wasted", "1MiB", "--min-efficiency", "0.99"} << 1;
        QTest::newRow("both pass") << QStringList {"--max-wasted", "1MiB", "--min-efficiency", "0.5"} << 0;
    }
    void gate()
    {
        QFETCH(QStringList, options);
        QFETCH(int, exitCode);
        const auto text = cli(QStringList {QStringLiteral("space"), chain()} + options);
        QCOMPARE(text.exitCode, exitCode);
        QVERIFY(text.out.find(exitCode ? "Gate: FAIL" : "Gate: PASS") != std::string::npos);
        const auto run = cli(QStringList {QStringLiteral("space"), chain(), QStringLiteral("--json")} + options);
        QCOMPARE(run.exitCode, exitCode);
        const json gate = run.parsed().at("gate");
        QCOMPARE(gate["passed"].get<bool>(), exitCode == 0);
        QCOMPARE(gate["failures"].empty(), exitCode == 0);
    }

    // Without hashes everything but duplicates is the same.
    void noHash()
    {
        const auto hashed = cli({QStringLiteral("space"), chain(), QStringLiteral("--json")});
        const auto run = cli({QStringLiteral("space"), chain(), QStringLiteral("--json"), QStringLiteral("--no-hash")});
        QCOMPARE(run.exitCode, 0);
        json a = hashed.parsed(), b = run.parsed();
        QCOMPARE(a["duplicates"]["measured"], json(true));
        QCOMPARE(b["duplicates"]["measured"], json(false));
        QCOMPARE(b["duplicates"]["groups"], json(0));
        a.erase("duplicates");
        b.erase("duplicates");
        QCOMPARE(a, b);
        const auto text = cli({QStringLiteral("space"), chain(), QStringLiteral("--no-hash")});
        QVERIFY(text.out.find("not measured") != std::string::npos);
    }

    // End to end on what LayerScope itself builds: make-base, then two layers made by scratch commit — one adds a
    // file and a copy of it (a duplicate) and a log, the next deletes the copy and rewrites the file.
    void makeBaseAndScratchCommits()
    {
        QTemporaryDir dir;
        const testsupport::ScratchChain chain = testsupport::buildScratchChain(dir.path());
        QVERIFY(!chain.secondImage.isEmpty());
        auto first = cli({"space", chain.firstImage, "--json"});
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.parsed()["duplicates"]["savableBytes"], json(300000));
        QCOMPARE(first.parsed()["layers"][1]["added"], json({{"count", 3}, {"bytes", 600006}}));
        const auto run = cli({"space", chain.secondImage, "--json"});
        QCOMPARE(run.exitCode, 0);
        const json r = run.parsed();
        QCOMPARE(r["layers"].size(), size_t(3));
        QCOMPARE(r["layers"][0]["role"], json("base"));
        QCOMPARE(r["layers"][2]["removed"], json({{"count", 1}, {"bytes", 300000}}));
        QCOMPARE(r["layers"][2]["modified"], json({{"count", 1}, {"bytes", 1000}}));
        QCOMPARE(r["layers"][1]["hiddenBytes"], json(600000));
        QCOMPARE(r["exact"]["hiddenBytes"], json(600000));
        // big.bin: 300000 + 1000 - 1000; copy.bin: 300000 + 0 (its whiteout) - 0.
        QCOMPARE(r["dive"]["wastedBytes"], json(600000));
        QCOMPARE(r["duplicates"]["groups"], json(0));
        for (const json& rule : r["hotSpots"]["rules"])
            if (rule["rule"] == "temp-folders")
                QCOMPARE(rule["bytes"], json(6));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("efficiency over 1") << QStringList {chain(), "--min-efficiency", "1.5"};
        QTest::newRow("efficiency text") << QStringList {chain(), "--min-efficiency", "high"};
        QTest::newRow("size text") << QStringList {chain(), "--max-wasted", "lots"};
        QTest::newRow("size unit") << QStringList {chain(), "--max-wasted", "5 parsecs"};
        QTest::newRow("negative top") << QStringList {chain(), "--top", "-1"};
        QTest::newRow("no source") << QStringList {};
        QTest::newRow("two sources") << QStringList {chain(), chain()};
        QTest::newRow("missing source") << QStringList {chain() + "-absent"};
        QTest::newRow("missing rules") << QStringList {chain(), "--rules", chain() + "/no-such-rules.json"};
        QTest::newRow("rules not json") << QStringList {chain(), "--rules", chain() + "/oci-layout"};
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        const auto run = cli(QStringList {QStringLiteral("space")} + args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!run.err.empty());
    }

    // The printed defaults are a rules file: loaded alone they measure what the defaults measure.
    void printedRulesRoundTrip()
    {
        const auto printed = cli({QStringLiteral("space"), QStringLiteral("--print-rules")});
        QCOMPARE(printed.exitCode, 0);
        QTemporaryDir dir;
        const QString rules = dir.filePath(QStringLiteral("rules.json"));
        testsupport::writeAll(rules.toStdString(), std::vector<uint8_t>(printed.out.begin(), printed.out.end()));
        const auto defaults = cli({QStringLiteral("space"), chain(), QStringLiteral("--json")});
        const auto loaded = cli({QStringLiteral("space"), chain(), QStringLiteral("--json"),
                                 QStringLiteral("--no-default-rules"), QStringLiteral("--rules"), rules});
        QCOMPARE(loaded.exitCode, 0);
        QCOMPARE(loaded.parsed()["hotSpots"], defaults.parsed()["hotSpots"]);
        // Loaded on top of the defaults, the names clash.
        const auto clash = cli({QStringLiteral("space"), chain(), QStringLiteral("--rules"), rules});
        QCOMPARE(clash.exitCode, 2);
        QVERIFY(clash.err.find("already defined") != std::string::npos);
    }

    void userRulesFile()
    {
        QTemporaryDir dir;
        const QString rules = dir.filePath(QStringLiteral("mine.json"));
        const std::string text
            = "{\"rules\": [{\"name\": \"copies\", \"glob\": \"Files/Copy/**\", \"reason\": \"mine\"}]}";
        testsupport::writeAll(rules.toStdString(), std::vector<uint8_t>(text.begin(), text.end()));
        const auto run = cli({QStringLiteral("space"), chain(), QStringLiteral("--json"), QStringLiteral("--rules"),
                              rules, QStringLiteral("--top"), QStringLiteral("1")});
        QCOMPARE(run.exitCode, 0);
        const json hot = run.parsed()["hotSpots"]["rules"];
        QCOMPARE(hot.size(), size_t(10));
        QCOMPARE(hot.back()["rule"], json("copies"));
        QCOMPARE(hot.back()["bytes"], json(4000));
        QCOMPARE(hot.back()["topPaths"].size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestSpaceCli)
#include "tst_spacecli.moc"
