// SPDX-License-Identifier: Apache-2.0
// The whole read pipeline (file -> decompression -> tar -> Windows entries -> index) checked against the truth the
// fixture generator computed independently in Python (tests/fixtures/manifest.json).
#include "index/entrydata.h"
#include "index/layerscan.h"
#include "report/entryjson.h"
#include "report/inspectreport.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace layerscope;
using nlohmann::json;

namespace {

const json& manifest()
{
    static const json m = [] {
        const auto bytes = testsupport::readAll(testsupport::fixture("manifest.json"));
        return json::parse(bytes.begin(), bytes.end());
    }();
    return m;
}

const json& fixtureTruth(const std::string& name)
{
    return manifest().at("fixtures").at(name);
}

} // namespace

class TestLayerScan : public QObject
{
    Q_OBJECT

private slots:
    void matchesTheGeneratorsTruth_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto& [name, truth] : manifest().at("fixtures").items())
            if (!truth.value("fatal", false))
                QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void matchesTheGeneratorsTruth()
    {
        QFETCH(QString, name);
        const json& truth = fixtureTruth(name.toStdString());
        const auto scan = index::scanLayerFile(testsupport::fixture(name.toStdString()));

        QCOMPARE(std::string(io::compressionName(scan.compression)), truth.at("compression").get<std::string>());
        QCOMPARE(scan.digest, "sha256:" + truth.at("sha256").get<std::string>());
        QCOMPARE(scan.diffId, truth.at("diffId").get<std::string>());
        QCOMPARE(std::string(wcow::layoutName(scan.layout)), truth.at("layout").get<std::string>());
        QCOMPARE(report::countsToJson(scan.counts), truth.at("counts"));

        // Every entry the generator wrote, field by field, in the shape `inspect --entries` prints.
        const json report = report::inspectToJson(scan, {.entries = true});
        std::map<std::string, json> ours;
        for (const auto& e : report.at("entries"))
            ours[e.at("path").get<std::string>()] = e;
        for (const auto& [path, expected] : truth.at("entries").items()) {
            QVERIFY2(ours.count(path), path.c_str());
            const json& e = ours[path];
            for (const char* field : {"type", "size", "attributes", "sddl", "created", "modified", "accessed",
                                      "changed", "linkTarget", "xattrs"})
                QVERIFY2(e.at(field) == expected.at(field),
                         (path + ": " + field + " is " + e.at(field).dump() + ", expected " + expected.at(field).dump())
                             .c_str());
            if (!expected.at("sha256").is_null())
                QCOMPARE(e.at("sha256"), expected.at("sha256"));
        }

        // Expected findings appear with their severity; a clean fixture has no errors.
        for (const auto& problem : truth.at("problems")) {
            const std::string severity = problem.at("severity");
            const std::string path = problem.value("path", json()).is_null() ? "" : problem.at("path");
            bool found = false;
            for (const auto& p : scan.problems)
                found |= p.path == path && (p.severity == wcow::Problem::Severity::Error) == (severity == "error");
            for (const auto& w : scan.warnings)
                found |= severity == "warning" && path.empty() && !w.empty();
            QVERIFY2(found, (problem.at("kind").get<std::string>() + " on " + path + " was not reported").c_str());
        }
        // ... and every error we report is one the generator planted.
        for (const auto& p : scan.problems) {
            if (p.severity != wcow::Problem::Severity::Error)
                continue;
            bool planted = false;
            for (const auto& problem : truth.at("problems"))
                planted |= problem.value("path", json()) == json(p.path);
            QVERIFY2(planted, (p.path + ": " + p.message).c_str());
        }
    }

    void reportsMalformedStreamsWithFileAndOffset_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto& [name, truth] : manifest().at("fixtures").items())
            if (truth.value("fatal", false))
                QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void reportsMalformedStreamsWithFileAndOffset()
    {
        QFETCH(QString, name);
        const json& problem = fixtureTruth(name.toStdString()).at("problems").at(0);
        try {
            index::scanLayerFile(testsupport::fixture(name.toStdString()));
            QFAIL("a malformed layer was read without an error");
        } catch (const Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(name.toStdString()) != std::string::npos, what.c_str());
            QVERIFY2(what.find("at byte ") != std::string::npos, what.c_str());
            QVERIFY2(e.where().offset.has_value(), what.c_str());
            // Tar-level failures name the byte the generator recorded (the bad header, or where the stream ends); a
            // broken gzip stream is reported at its compressed byte instead.
            if (name != "truncated.tar.gz")
                QVERIFY2(what.find(std::to_string(problem.at("offset").get<uint64_t>())) != std::string::npos,
                         what.c_str());
        }
    }

    void readsTheRealImgutilBaseLayerAndFlagsItsEmptyHives()
    {
        const auto path = testsupport::shared("realdata/layers/imgutil-baselayer.tar");
        SKIP_UNLESS_SHARED(path);
        const auto scan = index::scanLayerFile(path);
        QCOMPARE(scan.layout, wcow::Layout::WindowsBase);
        QCOMPARE(scan.counts.entries, uint64_t(15));
        int emptyHives = 0;
        for (const auto& p : scan.problems)
            emptyHives += p.severity == wcow::Problem::Severity::Error && p.message.find("0x3f1") != std::string::npos;
        QCOMPARE(emptyHives, 5);
    }

    void readsOneEntryWholeOrItsFirstBytes()
    {
        const auto layer = testsupport::fixture("base.tar.zst");
        const std::string path = "Files/Program Files/App/app.exe";
        const auto whole = index::readEntryData(layer, path, UINT64_MAX);
        const json& truth = fixtureTruth("base.tar.zst").at("entries").at(path);
        QCOMPARE(whole.size(), truth.at("size").get<size_t>());
        QCOMPARE(toHex(Sha256::of(whole)), truth.at("sha256").get<std::string>());
        const auto first = index::readEntryData(layer, std::string("files/program files/app/APP.EXE"), 10);
        QCOMPARE(first, std::vector<uint8_t>(whole.begin(), whole.begin() + 10));
        const auto byIndex = index::readEntryData(layer, truth.at("index").get<uint64_t>(), 10);
        QCOMPARE(byIndex, first);
        QVERIFY_THROWS_EXCEPTION(Error, index::readEntryData(layer, std::string("Files/Program Files"), 10));
        QVERIFY_THROWS_EXCEPTION(Error, index::readEntryData(layer, std::string("Files/none"), 10));
    }

    void cancelStopsTheScan()
    {
        struct CancelAtOnce : Progress
        {
            void advance(uint64_t, uint64_t) override { }
            bool cancelled() const override { return true; }
        } cancel;
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 index::scanLayerFile(testsupport::fixture("base.tar.gz"), {.progress = &cancel}));
    }
};

QTEST_GUILESS_MAIN(TestLayerScan)
#include "tst_layerscan.moc"
