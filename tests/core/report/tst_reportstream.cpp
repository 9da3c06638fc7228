// SPDX-License-Identifier: Apache-2.0
// The streamed JSON documents (`inspect --json [--entries]`, `tree --json`) must be byte for byte what the CLI
// printed when it built each document whole with nlohmann::json and dumped it: the same contract, only without the
// DOM. Every fixture layer and image is printed both ways and compared.
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "index/layerscan.h"
#include "index/mergedtree.h"
#include "io/bytesink.h"
#include "io/bytesource.h"
#include "report/inspectreport.h"
#include "report/jsonstreamwriter.h"
#include "report/treereport.h"
#include "tar/tarwriter.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <sstream>

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

std::string dumped(const json& document)
{
    return document.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

// The first line where two texts differ, for a readable failure.
std::string firstDifference(const std::string& a, const std::string& b)
{
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    const size_t line = a.rfind('\n', i == 0 ? 0 : i - 1);
    const size_t start = line == std::string::npos ? 0 : line + 1;
    return "at byte " + std::to_string(i) + ": streamed \"" + a.substr(start, i - start + 40) + "\" vs whole \""
        + b.substr(start, i - start + 40) + "\"";
}

} // namespace

class TestReportStream : public QObject
{
    Q_OBJECT

private slots:
    void inspectJsonIsTheWholeDocumentsBytes_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("entries");
        for (const auto& [name, truth] : manifest().at("fixtures").items())
            if (!truth.value("fatal", false)) {
                QTest::newRow((name + " summary").c_str()) << QString::fromStdString(name) << false;
                QTest::newRow((name + " entries").c_str()) << QString::fromStdString(name) << true;
            }
    }
    void inspectJsonIsTheWholeDocumentsBytes()
    {
        QFETCH(QString, name);
        QFETCH(bool, entries);
        const auto scan = index::scanLayerFile(testsupport::fixture(name.toStdString()));
        const report::InspectOptions options {.entries = entries};
        std::ostringstream streamed;
        report::writeInspectJson(scan, options, streamed);
        const std::string whole = dumped(report::inspectToJson(scan, options));
        QVERIFY2(streamed.str() == whole, firstDifference(streamed.str(), whole).c_str());
        if (entries)
            QVERIFY(streamed.str().find("\"sha256\"") != std::string::npos);
    }

    // A name written twice and a name that is not UTF-8 (issue 15 part 1): `--entries` lists every header in tar
    // order, the replaced one marked "shadowed", and keeps the raw name in "pathBytes"; streamed and whole alike.
    void everyHeaderIsListedWithItsRawName()
    {
        io::MemorySink sink;
        {
            tar::TarWriter writer(sink);
            const auto add = [&](const std::string& path, char type, const std::string& data) {
                tar::TarHeader header;
                header.path = path;
                header.type = type;
                header.mode = type == tar::typeflag::Directory ? 040755 : 0100644;
                header.size = data.size();
                header.mtime = 1700000000;
                writer.add(header);
                if (!data.empty())
                    writer.writeData(data.data(), data.size());
            };
            add("etc", tar::typeflag::Directory, "");
            add("etc/a.conf", tar::typeflag::Regular, "first");
            add("etc/b.conf", tar::typeflag::Regular, "b");
            add("etc/a.conf", tar::typeflag::Regular, "second");
            add("etc/n\xff.conf", tar::typeflag::Regular, "latin-1");
            writer.finish();
        }
        const auto scan = index::scanLayer(std::make_unique<io::MemorySource>(sink.take(), "dup.tar"));
        const report::InspectOptions options {.entries = true};
        std::ostringstream streamed;
        report::writeInspectJson(scan, options, streamed);
        const json whole = report::inspectToJson(scan, options);
        QVERIFY2(streamed.str() == dumped(whole), firstDifference(streamed.str(), dumped(whole)).c_str());

        const json& entries = whole.at("entries");
        QCOMPARE(entries.size(), size_t(5));
        std::vector<std::string> paths;
        for (const json& e : entries)
            paths.push_back(e.at("path").get<std::string>());
        QCOMPARE(paths[1], std::string("etc/a.conf"));
        QCOMPARE(paths[3], std::string("etc/a.conf"));
        QVERIFY(entries[1].value("shadowed", false));
        QVERIFY(!entries[3].contains("shadowed"));
        QCOMPARE(entries[1].at("size").get<uint64_t>(), uint64_t(5));
        QCOMPARE(entries[3].at("size").get<uint64_t>(), uint64_t(6));
        QCOMPARE(entries[4].at("pathBytes").get<std::string>(), std::string("6574632f6eff2e636f6e66"));
        QVERIFY(!entries[2].contains("pathBytes"));

        // A merge keeps only the later entry, so such a layer is not its own merged view.
        QVERIFY(!index::mergesToItself(scan.index));
        const index::TreeIndex* layers[] = {&scan.index};
        const index::TreeIndex merged = index::mergeLayers(layers);
        QCOMPARE(merged.records().size(), size_t(4));
        QVERIFY(merged.shadowedRecords().empty());

        std::ostringstream text;
        report::writeInspectText(scan, options, text);
        const std::string listing = text.str();
        const std::string marker = "etc/a.conf  (replaced by a later entry with the same name)\n";
        const size_t marked = listing.find(marker);
        QVERIFY2(marked != std::string::npos, listing.c_str());
        QVERIFY2(listing.find("(replaced", marked + marker.size()) == std::string::npos, listing.c_str());
    }

    // Each layer of the image fixtures in tar order, and the merged view (with "layer" per entry) in path order,
    // whole and below a prefix.
    void treeJsonIsTheWholeDocumentsBytes_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* name : {"oci-layout", "oci-archive.tar", "docker-legacy.tar", "docker-oci.tar"})
            QTest::newRow(name) << QString(name);
    }
    void treeJsonIsTheWholeDocumentsBytes()
    {
        QFETCH(QString, name);
        const std::string source = testsupport::fixture("images/" + name.toStdString()).string();
        auto image = image::ImageSource::open(source);
        std::vector<std::pair<std::optional<size_t>, index::TreeIndex>> views;
        for (size_t i = 0; i < image->image().layers.size(); ++i)
            views.emplace_back(i, image->scanLayer(i).index);
        views.emplace_back(std::nullopt, image::mergedView(*image, true));
        int compared = 0;
        for (const auto& [layer, tree] : views) {
            for (const std::string prefix : {"", "Files", "Files/Windows"}) {
                const index::NodeId top = prefix.empty() ? tree.root() : tree.find(prefix);
                if (top == index::InvalidNode)
                    continue;
                report::TreeListing listing {source, image::sourceKindName(image->kind()),
                                             layer,  prefix,
                                             &tree,  report::listRecords(tree, top, layer.has_value())};
                std::ostringstream streamed;
                report::writeTreeJson(listing, streamed);
                const std::string whole = dumped(report::treeToJson(listing));
                QVERIFY2(streamed.str() == whole, firstDifference(streamed.str(), whole).c_str());
                compared += listing.records.empty() ? 0 : 1;
            }
        }
        QVERIFY(compared >= 3);
    }

    // Strings nlohmann escapes or replaces, numbers, empty and nested containers, DOM pieces at depth.
    void writerMatchesNlohmannOnAwkwardValues()
    {
        const std::vector<std::string> strings = {"",
                                                  "plain",
                                                  "quote \" and backslash \\",
                                                  std::string("nul \0 tab \t newline \n cr \r", 27),
                                                  "\x01\x1f\x7f",
                                                  "naïve résumé 日本語 😀",
                                                  "bad \xff\xfe utf-8 \xc3",
                                                  "truncated \xe6\x97"};
        json whole = json::object();
        std::ostringstream streamed;
        {
            report::JsonStreamWriter out(streamed);
            out.beginObject();
            out.key("a-empty-array");
            out.beginArray();
            out.endArray();
            whole["a-empty-array"] = json::array();
            out.key("b-empty-object");
            out.beginObject();
            out.endObject();
            whole["b-empty-object"] = json::object();
            out.key("c-numbers");
            out.beginArray();
            for (uint64_t n : {uint64_t(0), uint64_t(7), uint64_t(UINT32_MAX), UINT64_MAX}) {
                out.value(n);
                whole["c-numbers"].push_back(n);
            }
            out.value(true);
            out.null();
            whole["c-numbers"].push_back(true);
            whole["c-numbers"].push_back(nullptr);
            out.endArray();
            out.key("d-strings");
            out.beginObject();
            for (size_t i = 0; i < strings.size(); ++i) {
                const std::string key = std::to_string(i) + strings[i];
                out.key(key);
                out.value(strings[i]);
                whole["d-strings"][key] = strings[i];
            }
            out.endObject();
            out.key("e-nested");
            out.beginArray();
            const json piece = {{"x", {1, 2, {{"y", json::array()}}}}, {"z", "\xff"}};
            out.value(piece);
            out.beginArray();
            out.value(piece);
            out.endArray();
            out.endArray();
            whole["e-nested"] = {piece, {piece}};
            out.endObject();
            out.finish();
        }
        QCOMPARE(streamed.str(), dumped(whole));
    }
};

QTEST_GUILESS_MAIN(TestReportStream)
#include "tst_reportstream.moc"
