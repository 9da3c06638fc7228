// SPDX-License-Identifier: Apache-2.0
// core/image: source detection, OCI layouts and archives, docker save archives, layer folders with layerchain.json
// and VHDX headers, chain IDs, identity checks, the merged view and tree specifications; plus index::scanFolder.
#include "common/error.h"
#include "common/sha256.h"
#include "image/blobstore.h"
#include "image/chainid.h"
#include "image/chainreport.h"
#include "image/diskinfo.h"
#include "image/filerangesource.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "image/sourcedetector.h"
#include "image/treespec.h"
#include "image/vhdxinfo.h"
#include "index/entrydata.h"
#include "index/folderscan.h"
#include "io/bytesink.h"

#include "scratch/safefolder.h"
#include "symlinksupport.h"
#include "testsupport.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

using namespace layerscope;
using namespace layerscope::image;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path images(const std::string& name)
{
    return testsupport::fixture("images/" + name);
}

const json& expected()
{
    static const json truth = [] {
        const auto bytes = testsupport::readAll(images("expected.json"));
        return json::parse(bytes.begin(), bytes.end());
    }();
    return truth;
}

const json& fixtureManifest(const std::string& name)
{
    static const json truth = [] {
        const auto bytes = testsupport::readAll(testsupport::fixture("manifest.json"));
        return json::parse(bytes.begin(), bytes.end());
    }();
    return truth.at("fixtures").at(name);
}

std::string errorOf(const std::function<void()>& body)
{
    try {
        body();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

const index::TreeIndex::Record* recordAt(const index::TreeIndex& tree, const std::string& path)
{
    const index::NodeId node = tree.find(path);
    return node == index::InvalidNode ? nullptr : tree.record(node);
}

fs::path topLayerFolder()
{
    return images(expected().at("windowsfilter").at("top").get<std::string>());
}

} // namespace

class TestImage : public QObject
{
    Q_OBJECT

private slots:
    void detectsKindFromContent_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("kind");
        QTest::newRow("oci layout folder") << "images/oci-layout"
                                           << "oci-layout";
        QTest::newRow("oci archive") << "images/oci-archive.tar"
                                     << "oci-archive";
        QTest::newRow("legacy docker archive") << "images/docker-legacy.tar"
                                               << "docker-archive";
        QTest::newRow("oci-style docker archive") << "images/docker-oci.tar"
                                                  << "docker-archive";
        QTest::newRow("extracted docker archive") << "images/bad/docker-escape"
                                                  << "docker-archive";
        QTest::newRow("layer tar") << "base.tar"
                                   << "layer";
        QTest::newRow("gzip layer without extension") << "base.blob"
                                                      << "layer";
        QTest::newRow("linux layer") << "linux.tar.gz"
                                     << "layer";
        QTest::newRow("plain folder") << "images/oci-layout/blobs"
                                      << "folder";
        QTest::newRow("VHDX disk") << "images/disks/sandbox.vhdx"
                                   << "disk";
        QTest::newRow("fixed VHD") << "images/disks/fixed.vhd"
                                   << "disk";
        QTest::newRow("dynamic VHD") << "images/disks/dynamic.vhd"
                                     << "disk";
    }
    void detectsKindFromContent()
    {
        QFETCH(QString, path);
        QFETCH(QString, kind);
        const auto detection = detectSource(testsupport::fixture(path.toStdString()));
        QCOMPARE(QString(sourceKindName(detection.kind)), kind);
    }

    void detectsLayerFolder()
    {
        QCOMPARE(detectSource(topLayerFolder()).kind, SourceKind::LayerFolder);
        QVERIFY(isLayerBlob(testsupport::fixture("base.tar.gz")));
        QVERIFY(!isLayerBlob(images("docker-legacy.tar")));
    }

    // Bare disks: VHD (footer, dynamic disk header, parent locators) and VHDX, as the fixtures wrote them from the
    // specifications.
    void readsBareDisks_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("type");
        QTest::addColumn<qulonglong>("virtualSize");
        QTest::addColumn<uint>("blockSize");
        QTest::addColumn<QString>("parent");
        QTest::newRow("fixed VHD") << "fixed.vhd"
                                   << "VHD"
                                   << "fixed" << qulonglong(4 << 20) << 0u << "";
        QTest::newRow("dynamic VHD") << "dynamic.vhd"
                                     << "VHD"
                                     << "dynamic" << qulonglong(10ull << 30) << uint(2 << 20) << "";
        QTest::newRow("differencing VHD")
            << "differencing.vhd"
            << "VHD"
            << "differencing" << qulonglong(10ull << 30) << uint(2 << 20) << ".\\base.vhd";
        QTest::newRow("differencing VHDX")
            << "sandbox.vhdx"
            << "VHDX"
            << "differencing" << qulonglong(20ull << 30) << uint(32 << 20) << ".\\blank.vhdx";
    }
    void readsBareDisks()
    {
        QFETCH(QString, name);
        QFETCH(QString, format);
        QFETCH(QString, type);
        QFETCH(qulonglong, virtualSize);
        QFETCH(uint, blockSize);
        QFETCH(QString, parent);
        auto source = ImageSource::open(images("disks/" + name.toStdString()));
        const Image& image = source->image();
        QCOMPARE(image.kind, SourceKind::Disk);
        QVERIFY(image.layers.empty());
        QVERIFY(image.disk);
        QCOMPARE(QString::fromStdString(image.disk->format), format);
        QCOMPARE(QString(diskTypeName(image.disk->type)), type);
        QCOMPARE(image.disk->virtualSize, uint64_t(virtualSize));
        QCOMPARE(image.disk->blockSize, uint32_t(blockSize));
        QCOMPARE(QString::fromStdString(image.disk->parentPath), parent);
        QCOMPARE(image.disk->logicalSectorSize, 512u);
        // The summary is also a note, which is what the GUI's chain pane shows.
        QCOMPARE(image.notes.size(), size_t(1));
        QCOMPARE(image.notes[0], diskSummary(*image.disk));
        if (name == "differencing.vhd") {
            const std::vector<std::pair<std::string, std::string>> locators
                = {{"parent_name", "base.vhd"},
                   {"relative_path", ".\\base.vhd"},
                   {"absolute_win32_path", "C:\\disks\\base.vhd"}};
            QVERIFY(image.disk->parentLocator == locators);
        }
    }

    // qemu-img is an independent writer of both formats.
    void readsDisksQemuMade_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("type");
        QTest::addColumn<uint>("blockSize");
        QTest::newRow("VHD fixed") << QStringList {"-f", "vpc", "-o", "subformat=fixed,force_size=on"} << "fixed" << 0u;
        QTest::newRow("VHD dynamic") << QStringList {"-f", "vpc", "-o", "subformat=dynamic,force_size=on"} << "dynamic"
                                     << uint(2 << 20);
        QTest::newRow("VHDX dynamic") << QStringList {"-f", "vhdx", "-o", "block_size=8M"} << "dynamic"
                                      << uint(8 << 20);
        QTest::newRow("VHDX fixed") << QStringList {"-f", "vhdx", "-o", "subformat=fixed,block_size=8M"} << "fixed"
                                    << uint(8 << 20);
    }
    void readsDisksQemuMade()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, type);
        QFETCH(uint, blockSize);
        const QString qemuImg = QStandardPaths::findExecutable("qemu-img");
        if (qemuImg.isEmpty())
            QSKIP("qemu-img (qemu-utils) is not installed");
        QTemporaryDir dir;
        const QString path = dir.filePath("disk");
        const auto made
            = testsupport::runProcess(qemuImg, QStringList {"create", "-q"} + options + QStringList {path, "64M"});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        QVERIFY(detectDiskFormat(path.toStdString()) != DiskFormat::None);
        const VhdxInfo disk = readDiskInfo(path.toStdString());
        QCOMPARE(QString(diskTypeName(disk.type)), type);
        QCOMPARE(disk.virtualSize, uint64_t(64) << 20);
        QCOMPARE(disk.blockSize, uint32_t(blockSize));
    }

    void rejectsWhatIsNotASource_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::addColumn<qulonglong>("offset");
        const QString notAny = "not a tar archive, OCI layout, docker archive, VHDX/VHD disk or Windows layer folder; ";
        QTest::newRow("0-byte file") << "empty.bin"
                                     << "an empty file (0 bytes): " + notAny + "starts with " << 0ull;
        QTest::newRow("random bytes") << "random.bin" << notAny + "starts with 3f a2 17 00 c9 5e" << 0ull;
        QTest::newRow("gzip of text") << "notes.txt.gz"
                                      << "gzip-compressed data that, decompressed, is " + notAny + "starts with 6e 6f"
                                      << 0ull;
        QTest::newRow("VHD with a bad checksum")
            << "broken-checksum.vhd"
            << "VHD footer checksum mismatch (stored " << qulonglong(2560 - 512 + 64);
    }
    void rejectsWhatIsNotASource()
    {
        QFETCH(QString, name);
        QFETCH(QString, message);
        QFETCH(qulonglong, offset);
        const fs::path path = images("disks/" + name.toStdString());
        for (const bool viaInspect : {false, true}) {
            try {
                if (viaInspect)
                    isLayerBlob(path);
                ImageSource::open(path);
                QFAIL("no error");
            } catch (const Error& error) {
                QVERIFY2(QString::fromStdString(error.message()).contains(message), error.what());
                QCOMPARE(error.where().file, path.string());
                QCOMPARE(error.where().offset.value_or(~0ull), uint64_t(offset));
            }
        }
    }

    void readsImageChain_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("oci-layout") << "oci-layout";
        QTest::newRow("oci-archive") << "oci-archive.tar";
        QTest::newRow("docker-legacy") << "docker-legacy.tar";
        QTest::newRow("docker-oci") << "docker-oci.tar";
    }
    void readsImageChain()
    {
        QFETCH(QString, name);
        const json& truth = expected().at(name.toStdString());
        auto source = ImageSource::open(images(name.toStdString()));
        const Image& image = source->image();
        QCOMPARE(QString(sourceKindName(image.kind)), QString::fromStdString(truth.at("kind")));
        QCOMPARE(image.os, std::string("windows"));
        QCOMPARE(image.architecture, std::string("amd64"));
        QCOMPARE(image.osVersion, std::string("10.0.20348.2113"));
        QCOMPARE(image.osFeatures, std::vector<std::string> {"win32k"});
        QCOMPARE(image.configDigest, truth.at("configDigest").get<std::string>());
        QCOMPARE(image.layers.size(), size_t(2));
        QCOMPARE(image.chainIds, truth.at("chainIds").get<std::vector<std::string>>());
        for (size_t i = 0; i < 2; ++i) {
            QCOMPARE(image.layers[i].diffId, truth.at("diffIds")[i].get<std::string>());
            QCOMPARE(image.layers[i].index, i);
            QVERIFY(image.layers[i].present);
        }
        // History: the empty_layer entry between the two is skipped when aligning (OCI config.md).
        QCOMPARE(image.layers[0].createdBy, std::string("Apply image 10.0.20348.2113"));
        QCOMPARE(image.layers[1].createdBy, std::string("cmd /S /C copy layer1 C:\\app"));
        if (truth.contains("manifestDigest"))
            QCOMPARE(image.manifestDigest, truth.at("manifestDigest").get<std::string>());
        if (truth.contains("repoTags"))
            QCOMPARE(image.repoTags, truth.at("repoTags").get<std::vector<std::string>>());

        // Reading every layer verifies digests and diff_ids and fills in what only the bytes tell.
        const Analysis analysis = analyzeImage(*source, {});
        QVERIFY(!analysis.hasErrors());
        QCOMPARE(image.layers[0].digest, truth.at("digests")[0].get<std::string>());
        QCOMPARE(image.layers[1].digest, truth.at("digests")[1].get<std::string>());
        QCOMPARE(image.layers[0].layout, std::string("windows-base"));
        QCOMPARE(image.layers[1].layout, std::string("windows-delta"));
        QCOMPARE(image.layers[0].counts->entries,
                 fixtureManifest("base.tar").at("counts").at("entries").get<uint64_t>());
        QCOMPARE(*image.layers[0].uncompressedSize, uint64_t(fs::file_size(testsupport::fixture("base.tar"))));
    }

    void opensLayerBlobsWhereverTheyLive_data() { readsImageChain_data(); }
    void opensLayerBlobsWhereverTheyLive()
    {
        QFETCH(QString, name);
        auto source = ImageSource::open(images(name.toStdString()));
        const Analysis analysis = analyzeImage(*source, {.keepTrees = true});
        const index::TreeIndex& tree = *analysis.trees.at(0);
        // Every file of the base layer reads the same through the image (in place, for archives) as from base.tar.
        int files = 0;
        for (const auto& record : tree.records()) {
            if (record.type != wcow::EntryType::File)
                continue;
            io::MemorySink viaImage;
            const uint64_t copied = index::copyEntryData(source->openLayerBlob(0), record.tarIndex, viaImage);
            QCOMPARE(copied, record.size);
            QCOMPARE(viaImage.bytes(),
                     index::readEntryData(testsupport::fixture("base.tar"), tree.path(record.node), record.size + 1));
            ++files;
        }
        QVERIFY(files > 0);
        QVERIFY(!errorOf([&] { source->openLayerBlob(2); }).empty());
    }

    void computesChainIdsPerOciSpec()
    {
        const std::string a = toDigestString(Sha256::of(std::string("a")));
        const std::string b = toDigestString(Sha256::of(std::string("b")));
        const auto ids = computeChainIds({a, b});
        QCOMPARE(ids.size(), size_t(2));
        QCOMPARE(ids[0], a);
        QCOMPARE(ids[1], toDigestString(Sha256::of(a + " " + b)));
    }

    void picksWindowsFromMultiPlatformIndex()
    {
        auto source = ImageSource::open(images("oci-multiplatform"));
        const Image& image = source->image();
        QCOMPARE(image.platforms.size(), size_t(2));
        QCOMPARE(image.platforms[0].text(), std::string("linux/amd64"));
        QCOMPARE(image.platforms[1].text(), std::string("windows/amd64:10.0.20348.2113"));
        QVERIFY(image.platforms[1].selected);
        QCOMPARE(image.os, std::string("windows"));
        QCOMPARE(image.manifestDigest, expected().at("oci-multiplatform").at("manifestDigest").get<std::string>());
    }

    void picksNamedPlatform()
    {
        OpenOptions options;
        options.platform = "linux/amd64";
        auto source = ImageSource::open(images("oci-multiplatform"), options);
        const Image& image = source->image();
        QCOMPARE(image.os, std::string("linux"));
        QCOMPARE(image.layers.size(), size_t(1));
        QCOMPARE(image.layers[0].digest,
                 expected().at("oci-multiplatform").at("linux").at("digests")[0].get<std::string>());
        options.platform = "windows/amd64:10.0.20348";
        QCOMPARE(ImageSource::open(images("oci-multiplatform"), options)->image().os, std::string("windows"));
    }

    void rejectsUnknownPlatformListingAvailable()
    {
        OpenOptions options;
        options.platform = "windows/arm64";
        const std::string error = errorOf([&] { ImageSource::open(images("oci-multiplatform"), options); });
        QVERIFY2(error.find("linux/amd64") != std::string::npos && error.find("windows/amd64") != std::string::npos,
                 error.c_str());
        options.platform = "windows";
        QVERIFY(errorOf([&] { ImageSource::open(images("oci-multiplatform"), options); }).find("os/arch")
                != std::string::npos);
    }

    void listsAbsentForeignLayerWithoutError()
    {
        auto source = ImageSource::open(images("oci-foreign"));
        const Image& image = source->image();
        QVERIFY(image.layers[0].foreign);
        QVERIFY(!image.layers[0].present);
        QCOMPARE(image.layers[0].urls, std::vector<std::string> {expected().at("oci-foreign").at("foreignUrl")});
        QCOMPARE(image.layers[0].mediaType, std::string("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
        QVERIFY(!image.layers[1].foreign);
        QVERIFY(image.layers[1].present);
        const Analysis analysis = analyzeImage(*source, {}); // strict, and still no exception
        QVERIFY(!analysis.hasErrors());
        QCOMPARE(image.layers[1].layout, std::string("windows-delta"));
        const json chain = chainToJson(image);
        QCOMPARE(chain["layers"][0]["present"], json(false));
        QCOMPARE(chain["layers"][0]["uncompressedSize"], json(nullptr));
        // The merged view keeps layer numbers of the chain although layer 0 is absent.
        const auto merged = mergedView(*source, false);
        QCOMPARE(recordAt(merged, "Files/NewDir/a.txt")->layer, uint16_t(1));
    }

    void readsLegacyLayerSources()
    {
        auto source = ImageSource::open(images("docker-legacy.tar"));
        const LayerRef& base = source->image().layers[0];
        QVERIFY(base.foreign);
        QVERIFY(base.present); // docker save wrote the tar anyway
        QCOMPARE(base.digest, expected().at("docker-legacy.tar").at("digests")[0].get<std::string>());
        QCOMPARE(base.urls.size(), size_t(1));
    }

    void rejectsBadSources_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("missing blob") << "bad/missing-blob" << QStringList {"missing", "layer 1"};
        QTest::newRow("digest mismatch")
            << "bad/digest-mismatch"
            << QStringList {"digest mismatch",
                            QString::fromStdString(expected().at("bad/digest-mismatch").at("manifestDigest")),
                            QString::fromStdString(expected().at("bad/digest-mismatch").at("storedDigest"))};
        QTest::newRow("diff_id mismatch")
            << "bad/diffid-mismatch"
            << QStringList {"diff_id mismatch",
                            QString::fromStdString(expected().at("bad/diffid-mismatch").at("configDiffId")),
                            QString::fromStdString(expected().at("bad/diffid-mismatch").at("actualDiffId"))};
        QTest::newRow("malformed json") << "bad/malformed-json" << QStringList {"index.json", "malformed JSON"};
        QTest::newRow("digest naming a path")
            << "bad/digest-escape" << QStringList {"index.json", "$.manifests[0].digest", "malformed digest"};
        QTest::newRow("unknown media type")
            << "bad/unknown-mediatype" << QStringList {"$.layers[0].mediaType", "application/x-layerscope-unknown"};
        QTest::newRow("../ in manifest.json")
            << "bad/docker-escape" << QStringList {"manifest.json", "$[0].Layers[0]", "\"..\""};
        QTest::newRow("compressed docker archive")
            << "bad/docker-archive.tar.gz" << QStringList {"gzip", "decompress it first"};
        QTest::newRow("layerchain cycle")
            << "bad/layerchain-cycle/" + QString(64, 'a') << QStringList {"layerchain.json", "cycle"};
        QTest::newRow("layerchain naming itself")
            << "bad/layerchain-self/" + QString(64, 'c') << QStringList {"layerchain.json", "cycle"};
    }
    void rejectsBadSources()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, mentions);
        const std::string error = errorOf([&] {
            auto source = ImageSource::open(images(name.toStdString()));
            analyzeImage(*source, {});
        });
        QVERIFY2(!error.empty(), "no error raised");
        for (const QString& m : mentions)
            QVERIFY2(error.find(m.toStdString()) != std::string::npos, qPrintable(QString::fromStdString(error)));
    }

    void verifyListsEveryProblem()
    {
        AnalyzeOptions options;
        options.strict = false;
        auto source = ImageSource::open(images("bad/digest-mismatch"));
        const Analysis analysis = analyzeImage(*source, options);
        QVERIFY(analysis.hasErrors());
        QCOMPARE(analysis.findings.front().layer, std::optional<size_t>(1));
        QVERIFY(analysis.findings.front().message.find("digest mismatch") != std::string::npos);
        // The good layer was read and recorded all the same.
        QCOMPARE(source->image().layers[0].layout, std::string("windows-base"));

        auto missing = ImageSource::open(images("bad/missing-blob"));
        QVERIFY(!missing->image().layers[1].present);
        QVERIFY(analyzeImage(*missing, options).hasErrors());
    }

    void followsLayerChainOnCopiedTree()
    {
        auto source = ImageSource::open(topLayerFolder());
        const Image& image = source->image();
        const auto ids = expected().at("windowsfilter").at("ids").get<std::vector<std::string>>();
        QCOMPARE(image.kind, SourceKind::LayerFolder);
        QCOMPARE(image.layers.size(), size_t(3));
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(image.layers[i].folderId, ids[i]);
            QVERIFY(image.layers[i].present);
        }
        QCOMPARE(image.layers[0].layout, std::string("windows-base"));
        QCOMPARE(image.layers[2].layout, std::string("windows-delta"));
        QCOMPARE(image.layers[2].parentPaths.front(), "C:\\ProgramData\\docker\\windowsfilter\\" + ids[1]);
        bool saidSo = false;
        for (const auto& note : image.notes)
            saidSo = saidSo || note.find("resolved to the sibling folder") != std::string::npos;
        QVERIFY(saidSo);
        QVERIFY(std::find(image.layers[2].artifacts.begin(), image.layers[2].artifacts.end(), "bcd.bak")
                != image.layers[2].artifacts.end());
    }

    void readsVhdxHeaders()
    {
        auto source = ImageSource::open(topLayerFolder());
        const auto& disks = source->image().layers[0].disks;
        QCOMPARE(disks.size(), size_t(2));
        const auto& truth = expected().at("windowsfilter");
        // Sorted by name: "blank-base.vhdx" < "blank.vhdx" ('-' sorts before '.').
        const VhdxInfo& base = disks[0];
        const VhdxInfo& child = disks[1];
        QVERIFY(base.path.ends_with("blank-base.vhdx"));
        QCOMPARE(base.type, VhdxInfo::DiskType::Dynamic);
        QCOMPARE(child.type, VhdxInfo::DiskType::Differencing);
        QCOMPARE(base.virtualSize, truth.at("blankVirtualSize").get<uint64_t>());
        QCOMPARE(uint64_t(base.blockSize), truth.at("blankBlockSize").get<uint64_t>());
        QCOMPARE(base.logicalSectorSize, 512u);
        QCOMPARE(base.physicalSectorSize, 4096u);
        QCOMPARE(child.parentPath, truth.at("blankParent").get<std::string>());
        QCOMPARE(child.parentLocator.size(), size_t(3));
        QCOMPARE(child.parentLocator[0].first, std::string("parent_linkage"));
        QVERIFY(child.parentLocator[2].second.starts_with("\\\\?\\C:\\ProgramData"));
        QCOMPARE(std::string(diskTypeName(child.type)), std::string("differencing"));
    }

    void reportsBrokenVhdx()
    {
        const fs::path folder = images("bad/vhdx-broken/" + std::string(64, 'd'));
        const std::string error = errorOf([&] { readVhdxInfo(folder / "sandbox.vhdx"); });
        QVERIFY2(error.find("neither header") != std::string::npos, error.c_str());
        QVERIFY(errorOf([&] { readVhdxInfo(testsupport::fixture("base.tar")); }).find("vhdxfile") != std::string::npos);
        AnalyzeOptions options;
        options.strict = false;
        auto source = ImageSource::open(folder);
        QVERIFY(analyzeImage(*source, options).hasErrors());
    }

    void scansLayerFolderFiles()
    {
        auto source = ImageSource::open(topLayerFolder());
        const auto scan = source->scanLayer(1);
        const auto& tree = scan.index;
        QVERIFY(tree.caseInsensitive());
        QVERIFY(recordAt(tree, "Files/app/hello.txt"));
        QVERIFY(recordAt(tree, "hives/software_delta")); // NTFS rules
        QVERIFY(!recordAt(tree, "layerchain.json")); // importer output, not layer content (§2.1)
        // Two names of one file: the first in walk order ("hello-link.txt" < "hello.txt") is the full entry, the
        // other a hard link to it, as hcsshim's export writes them (§1.6).
        QCOMPARE(recordAt(tree, "Files/app/hello-link.txt")->type, wcow::EntryType::File);
        const auto* link = recordAt(tree, "Files/app/hello.txt");
        QVERIFY(link);
        QCOMPARE(link->type, wcow::EntryType::Hardlink);
        QCOMPARE(std::string(tree.linkTarget(*link)), std::string("Files/app/hello-link.txt"));
    }

    void mergesImageLayers()
    {
        auto source = ImageSource::open(images("oci-archive.tar"));
        const auto merged = mergedView(*source, true);
        QVERIFY(merged.caseInsensitive());
        QVERIFY(!recordAt(merged, "Files/日本語.txt")); // whiteout in the delta
        QVERIFY(!recordAt(merged, "Files/Program Files/App/readme.txt"));
        QCOMPARE(recordAt(merged, "files/newdir/A.TXT")->layer, uint16_t(1));
        QCOMPARE(recordAt(merged, "Files/Windows/Panther")->type, wcow::EntryType::Directory);
        QCOMPARE(recordAt(merged, "Files/Program Files/App/License.txt")->layer, uint16_t(0));
        QCOMPARE(recordAt(merged, "Files/Program Files/App/app.exe")->layer, uint16_t(1));
    }

    void mergesLayerFolders()
    {
        auto source = ImageSource::open(topLayerFolder());
        const auto merged = mergedView(*source, true);
        QCOMPARE(recordAt(merged, "Files/app/hello.txt")->layer, uint16_t(2));
        QCOMPARE(recordAt(merged, "Files/app/data.bin")->layer, uint16_t(1));
        QCOMPARE(recordAt(merged, "Files/Windows/win.ini")->layer, uint16_t(0));
    }

    void resolvesTreeSpecs()
    {
        const auto& truth = expected().at("oci-layout");
        const std::string layout = images("oci-layout").string();
        auto base = resolveTree(layout + "@0");
        QCOMPARE(base.digest, truth.at("digests")[0].get<std::string>());
        QVERIFY(base.windows);
        QVERIFY(recordAt(base.tree, "Files/Windows/System32/config/SYSTEM"));

        const std::string deltaDiffId = truth.at("diffIds")[1];
        auto delta = resolveTree(layout + "@" + deltaDiffId);
        QCOMPARE(delta.digest, truth.at("digests")[1].get<std::string>());
        auto byPrefix = resolveTree(layout + "@" + truth.at("digests")[1].get<std::string>().substr(0, 7 + 12));
        QCOMPARE(byPrefix.digest, delta.digest);

        auto merged = resolveTree(layout);
        QCOMPARE(merged.digest, truth.at("chainIds")[1].get<std::string>());
        QVERIFY(recordAt(merged.tree, "Files/NewDir/a.txt"));

        auto blob = resolveTree(testsupport::fixture("delta.tar.gz").string());
        QCOMPARE(blob.digest, "sha256:" + fixtureManifest("delta.tar.gz").at("sha256").get<std::string>());

        auto folder = resolveTree(topLayerFolder().string());
        QVERIFY(recordAt(folder.tree, "Files/top.txt"));
        QVERIFY(!recordAt(folder.tree, "Files/app/data.bin")); // its own layer only
        // FOLDER@merged is its chain's merged view; SOURCE@merged is SOURCE.
        auto folderChain = resolveTree(topLayerFolder().string() + "@merged");
        QCOMPARE(folderChain.origin, ResolvedTree::Origin::Merged);
        QVERIFY(recordAt(folderChain.tree, "Files/top.txt"));
        QVERIFY(recordAt(folderChain.tree, "Files/app/data.bin"));
        QVERIFY(recordAt(folderChain.tree, "Files/Windows/win.ini"));
        QCOMPARE(resolveTree(layout + "@merged").digest, merged.digest);
        QVERIFY(errorOf([&] { resolveTree(layout + "@latest"); }).find("\"merged\"") != std::string::npos);

        auto plain = resolveTree(images("oci-layout/blobs").string());
        QVERIFY(recordAt(plain.tree, "Files/sha256"));
        QCOMPARE(plain.tree.path(plain.tree.children(plain.tree.root())[0]), std::string("Files"));

        // Where each tree came from decides what a diff compares (entry order only for layer tars).
        using Origin = ResolvedTree::Origin;
        QCOMPARE(base.origin, Origin::Layer);
        QCOMPARE(merged.origin, Origin::Merged);
        QCOMPARE(resolveTree(images("oci-archive.tar").string()).origin, Origin::Merged); // an image packed as a tar
        QCOMPARE(blob.origin, Origin::Layer);
        QCOMPARE(folder.origin, Origin::Folder);
        QCOMPARE(plain.origin, Origin::Folder);

        QVERIFY(errorOf([&] { resolveTree(layout + "@7"); }).find("no layer 7") != std::string::npos);
        QVERIFY(errorOf([&] { resolveTree(layout + "@sha256:" + std::string(64, 'f')); }).find("no layer has")
                != std::string::npos);
        QVERIFY(!errorOf([&] { resolveTree(layout + "-nope"); }).empty());
    }

    void checksPathsNamedInsideSources()
    {
        QCOMPARE(BlobStore::checkedPath("./a//b\\c", "m.json", "$"), std::string("a/b/c"));
        QVERIFY(errorOf([] { BlobStore::checkedPath("../x", "m.json", "$[0]"); }).find("$[0]") != std::string::npos);
        QVERIFY(!errorOf([] { BlobStore::checkedPath("a/../../x", "m.json", "$"); }).empty());
        QVERIFY(!errorOf([] { BlobStore::checkedPath("/etc/passwd", "m.json", "$"); }).empty());
        QVERIFY(!errorOf([] { BlobStore::checkedPath("C:\\Windows", "m.json", "$"); }).empty());
    }

    void readsFileRanges()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "f.bin";
        testsupport::writeAll(file, {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'});
        FileRangeSource source(file, 3, 4, "f.bin@x");
        char buffer[16] = {};
        QCOMPARE(source.read(buffer, sizeof buffer), size_t(4));
        QCOMPARE(std::string(buffer), std::string("3456"));
        QCOMPARE(source.read(buffer, sizeof buffer), size_t(0));
        FileRangeSource past(file, 8, 10, "f.bin@y");
        QCOMPARE(past.read(buffer, 2), size_t(2));
        QVERIFY(errorOf([&] { past.read(buffer, 8); }).find("truncated") != std::string::npos);
    }

    void scansFoldersLikeLayerTars()
    {
        QTemporaryDir dir;
        const fs::path root = fs::path(dir.path().toStdString()) / "root";
        fs::create_directories(root / "sub");
        testsupport::writeAll(root / "b.txt", {'b'});
        testsupport::writeAll(root / "a.txt", {'a', 'a'});
        testsupport::writeAll(root / "Z.txt", {'z'});
        testsupport::writeAll(root / "sub" / "x.txt", {'x'});
        fs::create_hard_link(root / "a.txt", root / "sub" / "y.txt");

        index::FolderScanOptions options;
        options.prefix = "Files";
        options.caseInsensitive = false;
        const auto tree = index::scanFolder(root, options);
        std::vector<std::string> order;
        for (const auto& r : tree.records())
            order.push_back(tree.path(r.node));
        // Parents first, siblings in byte order (upper case first), as hcsshim's export walks.
        const std::vector<std::string> want
            = {"Files", "Files/Z.txt", "Files/a.txt", "Files/b.txt", "Files/sub", "Files/sub/x.txt", "Files/sub/y.txt"};
        QCOMPARE(order, want);
        const auto* y = recordAt(tree, "Files/sub/y.txt");
        QCOMPARE(y->type, wcow::EntryType::Hardlink);
        QCOMPARE(std::string(tree.linkTarget(*y)), std::string("Files/a.txt"));
        const auto* a = recordAt(tree, "Files/a.txt");
        QCOMPARE(a->size, uint64_t(2));
        QVERIFY(a->has(index::TreeIndex::Record::HasHash));
        QCOMPARE(toHex(a->sha256), toHex(Sha256::of(std::string("aa"))));
        QVERIFY(!recordAt(tree, "files/a.txt")); // case-sensitive as asked
    }

    void scansLinksAsLinksWithTheirTargets()
    {
        QTemporaryDir dir;
        const fs::path root = fs::path(dir.path().toStdString()) / "root";
        const fs::path outside = fs::path(dir.path().toStdString()) / "outside";
        fs::create_directories(root);
        fs::create_directories(outside);
        testsupport::writeAll(outside / "secret.txt", {'s'});
        // As Windows stores it: '\' separators, which QTemporaryDir's '/' would not be.
        const std::string outsideText = io::pathToUtf8(outside.lexically_normal());
        MAKE_SYMLINK_OR_SKIP(outsideText, root / "folder-link", true);
        MAKE_SYMLINK_OR_SKIP("secret.txt", root / "file-link", false);

        const auto tree = index::scanFolder(root, {.prefix = "Files"});
        const auto* folderLink = recordAt(tree, "Files/folder-link");
        QVERIFY(folderLink);
        QCOMPARE(folderLink->type, wcow::EntryType::Symlink); // a symbolic link, not a junction
        QCOMPARE(std::string(tree.linkTarget(*folderLink)), outsideText);
        QVERIFY(!recordAt(tree, "Files/folder-link/secret.txt")); // recorded, never followed
        const auto* fileLink = recordAt(tree, "Files/file-link");
        QVERIFY(fileLink);
        QCOMPARE(fileLink->type, wcow::EntryType::Symlink);
        QCOMPARE(std::string(tree.linkTarget(*fileLink)), std::string("secret.txt"));
        QCOMPARE(fileLink->size, uint64_t(0));
    }

    void scansFoldersDeeperThanMaxPath()
    {
        // Windows' file calls stop at 260 characters unless given "\\?\" paths; scanFolder must not.
        QTemporaryDir dir;
        const fs::path root = fs::path(dir.path().toStdString()) / "deep";
        fs::create_directories(root);
        std::string relative;
        for (int level = 0; level < 6; ++level) {
            relative += (relative.empty() ? "" : "/") + std::string("level") + std::to_string(level) + "_"
                + std::string(50, char('a' + level));
            scratch::SafeFolder(root).createDirectory(relative);
        }
        auto sink = scratch::SafeFolder(root).createFile(relative + "/deepest.txt");
        sink->write("deep", 4);
        sink->finish();
        QVERIFY(io::pathToUtf8(root / fs::path(relative)).size() > 300);

        const auto tree = index::scanFolder(root, {.prefix = "Files"});
        const auto* deepest = recordAt(tree, "Files/" + relative + "/deepest.txt");
        QVERIFY(deepest);
        QCOMPARE(deepest->size, uint64_t(4));
        QCOMPARE(toHex(deepest->sha256), toHex(Sha256::of(std::string("deep"))));
        QCOMPARE(tree.records().size(), size_t(8)); // Files, six folders, the file
        scratch::SafeFolder(root).remove(relative.substr(0, relative.find('/'))); // QTemporaryDir stops at 260
    }

    void skopeoReadsTheFixtureLayouts_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::newRow("oci layout") << "oci:" + QString::fromStdString(images("oci-layout").string());
        QTest::newRow("multi-platform index") << "oci:" + QString::fromStdString(images("oci-multiplatform").string());
        QTest::newRow("oci archive") << "oci-archive:" + QString::fromStdString(images("oci-archive.tar").string());
        QTest::newRow("legacy docker archive")
            << "docker-archive:" + QString::fromStdString(images("docker-legacy.tar").string());
        QTest::newRow("oci-style docker archive")
            << "docker-archive:" + QString::fromStdString(images("docker-oci.tar").string());
    }
    void skopeoReadsTheFixtureLayouts()
    {
        QFETCH(QString, reference);
        const QString skopeo = QStandardPaths::findExecutable(QStringLiteral("skopeo"));
        if (skopeo.isEmpty())
            QSKIP("skopeo is not installed");
        // --raw checks the layout and the manifest/index; the plain form also resolves the Windows config.
        for (const QStringList& args : {QStringList {"inspect", "--raw", reference},
                                        QStringList {"inspect", "--override-os", "windows", reference}}) {
            QProcess process;
            process.start(skopeo, args);
            QVERIFY(process.waitForFinished(60000));
            QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
            const QByteArray out = process.readAllStandardOutput();
            QVERIFY(json::accept(out.toStdString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestImage)
#include "tst_image.moc"
