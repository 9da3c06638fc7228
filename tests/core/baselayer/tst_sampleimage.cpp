// SPDX-License-Identifier: Apache-2.0
// The built-in sample (`layerscope --sample`) and the multi-layer packaging it is made with: what it writes must be
// a valid two-layer Windows image with every entry kind, and its round-trip pair must differ by exactly the one
// planted change once the round-trip rules have explained the rest.
#include "baselayer/baselayerbuilder.h"
#include "baselayer/imagepackager.h"
#include "baselayer/sampleimage.h"
#include "common/error.h"
#include "common/versions.h"
#include "diff/treediff.h"
#include "hive/hivereader.h"
#include "hive/hivevalue.h"
#include "image/chainid.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "image/mergedregistry.h"
#include "image/treespec.h"
#include "index/entrydata.h"
#include "io/bytesink.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace layerscope;
using namespace layerscope::baselayer;
namespace fs = std::filesystem;

namespace {

std::string readEntry(const image::ImageSource& source, size_t layer, const std::string& path)
{
    io::MemorySink sink;
    index::copyEntryData(source.openLayerBlob(layer), path, sink);
    return std::string(sink.bytes().begin(), sink.bytes().end());
}

} // namespace

class TestSampleImage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SampleImage m_sample;

    fs::path path(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sample = writeSampleImage(path("sample"));
    }

    void mergedSoftwareHiveCarriesTheDeltaLayersKeys()
    {
        // Through the OCI layout: the base's config hive and the delta layer's Hives/Software_Delta are found in
        // the gzipped blobs; the layer without a SYSTEM delta is simply not listed.
        auto source = image::ImageSource::open(m_sample.image);
        const image::MergedHive software = image::mergeSystemHive(*source, "SOFTWARE");
        QCOMPARE(software.parts,
                 (std::vector<std::string> {"layer 0: Files/Windows/System32/config/SOFTWARE",
                                            "layer 1: Hives/Software_Delta"}));
        const hive::HiveReader merged(software.bytes);
        QVERIFY(merged.valid());
        const hive::HiveReader::Key* app = merged.find("Contoso\\Sample App");
        QVERIFY(app);
        QCOMPARE(hive::decodeRegString(app->value("Version")->data), std::string("2.4.1"));
        QCOMPARE(image::mergeSystemHive(*source, "SYSTEM").parts,
                 (std::vector<std::string> {"layer 0: Files/Windows/System32/config/SYSTEM"}));
    }

    void sampleImageVerifiesCleanWithTwoLayers()
    {
        auto source = image::ImageSource::open(m_sample.image);
        QCOMPARE(source->kind(), image::SourceKind::OciLayout);
        const auto analysis = image::analyzeImage(*source, {.strict = true, .keepTrees = true});
        for (const auto& finding : analysis.findings)
            qWarning("finding: %s", finding.message.c_str());
        QVERIFY(analysis.findings.empty());
        const image::Image& img = source->image();
        QCOMPARE(img.layers.size(), size_t(2));
        QCOMPARE(img.os, std::string("windows"));
        QCOMPARE(img.layers[0].layout, std::string("windows-base"));
        QCOMPARE(img.layers[1].layout, std::string("windows-delta"));
        QVERIFY(img.layers[1].problems.empty());
        QCOMPARE(img.repoTags.size() <= 1, true);

        const index::TreeIndex& base = *analysis.trees[0];
        QVERIFY(base.find("Files/Users/Public/readme.txt") != index::InvalidNode);
        QVERIFY(base.find("UtilityVM/Files/EFI/Microsoft/Boot/BCD") != index::InvalidNode);

        const index::TreeIndex& delta = *analysis.trees[1];
        std::set<wcow::EntryType> kinds;
        for (const auto& record : delta.records())
            kinds.insert(record.type);
        for (auto kind :
             {wcow::EntryType::File, wcow::EntryType::Directory, wcow::EntryType::Symlink, wcow::EntryType::Junction,
              wcow::EntryType::Hardlink, wcow::EntryType::Whiteout, wcow::EntryType::Stream})
            QVERIFY2(kinds.count(kind), wcow::entryTypeName(kind));

        const auto* app = delta.record(delta.find("Files/Program Files/Contoso/desktop.ini"));
        QVERIFY(app);
        QVERIFY(app->has(index::TreeIndex::Record::HasAttributes));
        QCOMPARE(app->attributes & 0x6u, 0x6u); // hidden and system
        QVERIFY(app->has(index::TreeIndex::Record::HasCreated));
        QVERIFY(!delta.sddl(*app).empty());
        QVERIFY(delta.find("Files/Program Files/Contoso/Überprüfung – настройки.txt") != index::InvalidNode);
        const auto* whiteout = delta.record(delta.find("Files/Users/Public/.wh.readme.txt"));
        QVERIFY(whiteout && whiteout->type == wcow::EntryType::Whiteout);

        // The delta hive is a real hive with the planted key; read through the blob the layout holds.
        const std::string hive = readEntry(*source, 1, "Hives/Software_Delta");
        const std::vector<uint8_t> hiveBytes(hive.begin(), hive.end());
        const hive::HiveReader reader(hiveBytes);
        QVERIFY(reader.valid());
        QVERIFY(reader.find("Contoso\\Sample App") != nullptr);
        QCOMPARE(readEntry(*source, 1, "Files/Program Files/Contoso/app.exe:Zone.Identifier").substr(0, 14),
                 std::string("[ZoneTransfer]"));

        // The merged view honours the whiteout.
        const index::TreeIndex merged = image::mergedView(*source, false);
        QCOMPARE(merged.find("Files/Users/Public/readme.txt"), index::InvalidNode);
        QVERIFY(merged.find("Files/Program Files/Contoso/app.exe") != index::InvalidNode);
    }

    void sampleIsDeterministic()
    {
        const SampleImage again = writeSampleImage(path("again"));
        auto a = image::ImageSource::open(m_sample.image);
        auto b = image::ImageSource::open(again.image);
        QCOMPARE(a->image().manifestDigest, b->image().manifestDigest);
        QCOMPARE(testsupport::readAll(m_sample.reexport), testsupport::readAll(again.reexport));
        QVERIFY(!fs::exists(path("again") / ".sample-base-content"));
    }

    void sampleDiffHasExactlyThePlantedChange()
    {
        const image::ResolvedTree a = image::resolveTree(m_sample.base.string());
        const image::ResolvedTree b = image::resolveTree(m_sample.reexport.string());
        diff::DiffSide sides[2];
        sides[0] = {"base", a.digest, &a.tree, diff::DiffSide::Kind::Layer, a.windows, a.readFiles};
        sides[1] = {"reexport", b.digest, &b.tree, diff::DiffSide::Kind::Layer, b.windows, b.readFiles};
        const diff::DiffResult result = diff::TreeDiff::compare(sides[0], sides[1], diff::DiffRules::builtin());
        QCOMPARE(result.summary().unexpected, uint64_t(1));
        QVERIFY(result.summary().expected > 0);
        QVERIFY(result.orderDiffers());
        QVERIFY(result.orderRule() != nullptr);
        std::set<std::string> rulesUsed;
        for (const auto& change : result.changes()) {
            if (!change.expected) {
                QCOMPARE(result.path(change), std::string(kSampleChangedPath));
                QVERIFY(change.fields.contains(diff::Field::Sddl));
                QVERIFY(!change.explained.contains(diff::Field::Sddl));
            }
            for (uint16_t rule : result.rulesOf(change))
                rulesUsed.insert(result.rules()[rule].name());
        }
        for (const char* rule : {"hive-rewritten-equal", "bcd-logs", "access-change-times"})
            QVERIFY2(rulesUsed.count(rule), rule);
    }

    void packagesSeveralLayersAsOneDockerArchive()
    {
        const BaseLayerBuilder base(BaseLayerOptions {});
        const BaseLayerBuilder uvm(BaseLayerOptions {.utilityVm = true});
        const auto result = packageImage({{[&](io::ByteSink& s) { base.write(s); }, "first"},
                                          {[&](io::ByteSink& s) { uvm.write(s); }, "second"},
                                          {[&](io::ByteSink& s) { base.write(s); }, {}}},
                                         path("three.tar"), {.format = OutputFormat::DockerArchive, .tag = "three:1"});
        QCOMPARE(result.layers.size(), size_t(3));
        QCOMPARE(result.layers[0].diffId, result.layers[2].diffId);
        QCOMPARE(result.diffId, result.layers[2].diffId);
        auto source = image::ImageSource::open(path("three.tar"));
        QCOMPARE(source->kind(), image::SourceKind::DockerArchive);
        const auto& img = source->image();
        QCOMPARE(img.layers.size(), size_t(3));
        QCOMPARE(img.layers[0].createdBy, std::string("first"));
        QCOMPARE(img.layers[1].createdBy, std::string("second"));
        QCOMPARE(img.layers[2].createdBy, std::string("layerscope make-base"));
        QCOMPARE(img.chainIds,
                 image::computeChainIds({result.layers[0].diffId, result.layers[1].diffId, result.layers[2].diffId}));
        QVERIFY(image::analyzeImage(*source, {}).findings.empty());
        // Layers inside the archive are read in place.
        const std::string bcd = readEntry(*source, 1, "UtilityVM/Files/EFI/Microsoft/Boot/BCD");
        QCOMPARE(bcd.substr(0, 4), std::string("regf"));
    }

    void plainTarHoldsOneLayerOnly()
    {
        const BaseLayerBuilder base(BaseLayerOptions {});
        const auto write = [&](io::ByteSink& s) { base.write(s); };
        QVERIFY_THROWS_EXCEPTION(
            Error, packageImage({{write, {}}, {write, {}}}, path("two.tar"), {.format = OutputFormat::Tar}));
        QVERIFY(!fs::exists(path("two.tar")));
        QVERIFY_THROWS_EXCEPTION(Error, packageImage({}, path("none"), {.format = OutputFormat::Oci}));
    }

    void reportsLibraryVersions()
    {
        const auto versions = libraryVersions();
        QVERIFY(versions.size() >= 4);
        std::set<std::string> names;
        for (const auto& [name, version] : versions) {
            names.insert(name);
            QVERIFY2(!version.empty() && std::isdigit(static_cast<unsigned char>(version[0])), name.c_str());
        }
        for (const char* name : {"libarchive", "zlib", "zstd", "OpenSSL"})
            QVERIFY2(names.count(name), name);
    }
};

QTEST_GUILESS_MAIN(TestSampleImage)
#include "tst_sampleimage.moc"
