// SPDX-License-Identifier: Apache-2.0
// core/squash (issue 17): replacing layers N..M by one layer keeps the merged view entry by entry, the merged
// registry byte for byte and the importer rules clean, on the generated chain of tests/squashchain.h; and the delta
// hive combination agrees with applying the deltas one by one.
#include "common/error.h"
#include "hive/deltahivecombiner.h"
#include "hive/hivereader.h"
#include "hive/hivewriter.h"
#include "hive/layeredhive.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "image/mergedregistry.h"
#include "index/layerscan.h"
#include "io/decompressingsource.h"
#include "io/platformfile.h"
#include "report/entryjson.h"
#include "squash/squasher.h"
#include "tar/tarreader.h"
#include "wcow/entrydecoder.h"

#include "squashchain.h"
#include "testsupport.h"

#include <QTemporaryDir>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

using namespace layerscope;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHives[] = {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"};

// The merged view as `tree --merged --json` lists it, by path, without the layer each entry came from.
std::map<std::string, json> mergedEntries(const fs::path& image)
{
    auto source = image::ImageSource::open(image);
    const index::TreeIndex tree = image::mergedView(*source, true);
    std::map<std::string, json> out;
    for (const index::TreeIndex::Record& r : tree.records())
        out[tree.path(r.node)] = report::entryToJson(tree, r);
    return out;
}

// Entry-by-entry equality, except the paths whose registry content was merged (compared as registry instead).
void compareMergedViews(const fs::path& original, const fs::path& squashed, const std::set<std::string>& except)
{
    const auto a = mergedEntries(original);
    const auto b = mergedEntries(squashed);
    for (const auto& [path, entry] : a) {
        if (except.contains(path))
            continue;
        const auto it = b.find(path);
        if (it == b.end())
            QFAIL(("missing in the squashed image: " + path).c_str());
        if (it->second != entry)
            QFAIL(("differs: " + path + "\n  was " + entry.dump() + "\n  now " + it->second.dump()).c_str());
    }
    for (const auto& [path, entry] : b)
        if (!except.contains(path) && !a.contains(path))
            QFAIL(("only in the squashed image: " + path).c_str());
}

void compareRegistries(const fs::path& original, const fs::path& squashed)
{
    auto a = image::ImageSource::open(original);
    auto b = image::ImageSource::open(squashed);
    for (const char* name : kHives) {
        const auto before = image::mergeSystemHive(*a, name);
        const auto after = image::mergeSystemHive(*b, name);
        QVERIFY2(before.bytes == after.bytes, name);
    }
}

// `verify`: identities and layout rules; warnings only those the original chain had.
void verifyClean(const fs::path& original, const fs::path& squashed)
{
    auto collect = [](const fs::path& path, std::set<std::string>& warnings) {
        auto source = image::ImageSource::open(path);
        const image::Analysis analysis = image::analyzeImage(*source, {.strict = false});
        for (const image::Finding& f : analysis.findings) {
            if (f.severity == image::Finding::Severity::Error)
                throw std::runtime_error(path.string() + ": " + f.message);
            warnings.insert(f.message);
        }
    };
    std::set<std::string> before;
    std::set<std::string> after;
    collect(original, before);
    collect(squashed, after);
    for (const std::string& w : after)
        QVERIFY2(before.contains(w), ("new warning: " + w).c_str());
}

// The entries of one layer of an image, by path.
std::map<std::string, wcow::EntryType> layerEntries(const fs::path& image, size_t layer)
{
    auto source = image::ImageSource::open(image);
    const index::LayerScan scan = source->scanLayer(layer);
    std::map<std::string, wcow::EntryType> out;
    for (const index::TreeIndex::Record& r : scan.index.records())
        out[scan.index.path(r.node)] = r.type;
    return out;
}

json readConfig(const fs::path& oci)
{
    const auto index = json::parse(testsupport::readAll(oci / "index.json"));
    const std::string manifestDigest = index["manifests"][0]["digest"];
    const auto manifest = json::parse(testsupport::readAll(oci / "blobs/sha256" / manifestDigest.substr(7)));
    const std::string configDigest = manifest["config"]["digest"];
    return json::parse(testsupport::readAll(oci / "blobs/sha256" / configDigest.substr(7)));
}

hive::HiveKey key(std::string name, uint8_t bits = 0)
{
    hive::HiveKey k(std::move(name));
    k.layerBits = bits;
    return k;
}

std::vector<uint8_t> mergedBytes(const std::vector<std::vector<uint8_t>>& hives)
{
    std::vector<hive::HiveReader> readers;
    for (const auto& h : hives)
        readers.emplace_back(h);
    std::vector<const hive::HiveReader::Key*> stack;
    for (const auto& r : readers)
        stack.push_back(r.root());
    return hive::HiveWriter::write(hive::mergeLayeredHive(stack));
}

std::vector<uint8_t> combinedBytes(const std::vector<std::vector<uint8_t>>& deltas)
{
    std::vector<hive::HiveReader> readers;
    for (const auto& h : deltas)
        readers.emplace_back(h);
    std::vector<const hive::HiveReader::Key*> stack;
    for (const auto& r : readers)
        stack.push_back(r.root());
    return hive::HiveWriter::write(hive::combineDeltaHives(stack));
}

// Cancels at the n-th poll: early (while the trees are built), in the middle (while entries are copied) or late.
class CancelAt final : public Progress
{
public:
    explicit CancelAt(int poll)
        : m_poll(poll)
    { }
    void advance(uint64_t, uint64_t) override { }
    bool cancelled() const override { return ++m_polls >= m_poll; }
    int polls() const { return m_polls; }

private:
    int m_poll;
    mutable int m_polls = 0;
};

// The order importers need, checked on a squashed layer's tar: a folder before what it holds, a stream right after its
// file, hard links after everything else. Returns the paths in tar order.
std::vector<std::string> checkImporterOrder(const fs::path& layerTar)
{
    std::vector<std::pair<std::string, char>> entries;
    auto source = io::openDecompressedFile(layerTar);
    tar::TarReader reader(*source);
    for (tar::TarHeader h; reader.next(h);)
        entries.emplace_back(wcow::normalizePath(h.path), h.type);
    std::set<std::string> all;
    for (const auto& [path, type] : entries)
        all.insert(path);
    std::set<std::string> seen;
    std::vector<std::string> order;
    bool inLinks = false;
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& [path, type] = entries[i];
        const std::string parent(wcow::parentPath(path));
        if (all.contains(parent) && !seen.contains(parent))
            throw std::runtime_error(path + " comes before its folder");
        const std::string_view name = wcow::baseName(path);
        if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
            const std::string file = path.substr(0, path.size() - name.size() + colon);
            if (i == 0 || (entries[i - 1].first != file && !entries[i - 1].first.starts_with(file + ":")))
                throw std::runtime_error(path + " does not follow its file");
        }
        if (type == tar::typeflag::HardLink)
            inLinks = true;
        else if (inLinks)
            throw std::runtime_error(path + " comes after a hard link");
        seen.insert(path);
        order.push_back(path);
    }
    return order;
}

} // namespace

class TestSquash : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_chain;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_chain = fs::path(m_dir.path().toStdString()) / "chain";
        squashchain::writeChain(m_chain);
    }

    void combinedDeltasApplyAsTheDeltasDoOneByOne_data()
    {
        QTest::addColumn<int>("scenario");
        QTest::newRow("values: later wins, tombstone value kept") << 0;
        QTest::newRow("tombstone key, then the key again") << 1;
        QTest::newRow("supersede-local over inherit") << 2;
        QTest::newRow("inherit over supersede-tree keeps supersede") << 3;
        QTest::newRow("class inherited from the earlier delta") << 4;
    }
    void combinedDeltasApplyAsTheDeltasDoOneByOne()
    {
        QFETCH(int, scenario);
        hive::HiveKey base("ROOT");
        base.path("A").set(hive::HiveValue::string("v", "base")).set(hive::HiveValue::dword("w", 1));
        base.path("A\\Child").set(hive::HiveValue::dword("c", 1));
        base.path("A").className = "BaseClass";
        hive::HiveKey d1("ROOT");
        hive::HiveKey d2("ROOT");
        switch (scenario) {
        case 0:
            d1.path("A").set(hive::HiveValue::string("v", "one")).set(hive::HiveValue::deleted("w"));
            d2.path("A").set(hive::HiveValue::string("x", "two")).set(hive::HiveValue::deleted("v"));
            break;
        case 1:
            d1.subkeys.push_back(key("A", 1));
            d2.path("A").set(hive::HiveValue::string("fresh", "yes"));
            break;
        case 2:
            d1.path("A").set(hive::HiveValue::string("v", "one"));
            d1.path("A\\New").set(hive::HiveValue::dword("n", 1));
            d2.subkeys.push_back(key("A", 2));
            d2.subkeys.back().set(hive::HiveValue::string("only", "this"));
            break;
        case 3:
            d1.subkeys.push_back(key("A", 3));
            d1.subkeys.back().set(hive::HiveValue::string("v", "tree"));
            d2.path("A").set(hive::HiveValue::string("y", "added"));
            d2.path("A\\Child").set(hive::HiveValue::dword("c", 2));
            break;
        default:
            d1.path("A").className = "OneClass";
            d2.subkeys.push_back(key("A", 0x80)); // inherits its class from below
            d2.subkeys.back().set(hive::HiveValue::dword("z", 9));
            break;
        }
        const auto b = hive::HiveWriter::write(base);
        const auto one = hive::HiveWriter::write(d1);
        const auto two = hive::HiveWriter::write(d2);
        const auto stepwise = mergedBytes({b, one, two});
        QVERIFY(stepwise != mergedBytes({b})); // the deltas do change something
        QCOMPARE(mergedBytes({b, combinedBytes({one, two})}), stepwise);
    }

    void deltaSquashKeepsTheMergedViewAndRegistry()
    {
        const fs::path out = fs::path(m_dir.path().toStdString()) / "delta-oci";
        const squash::SquashResult r = squash::squashImage(m_chain, out, {});
        QCOMPARE(r.first, size_t(1));
        QCOMPARE(r.last, size_t(4));
        QCOMPARE(r.layersAfter, size_t(2));
        QCOMPARE(r.layout, std::string("windows-delta"));
        QVERIFY(r.lowerKnown);
        QCOMPARE(r.mergedHives, std::vector<std::string> {"Software_Delta"}); // System_Delta: one layer, copied
        // Hives/Software_Delta is three deltas combined: its bytes differ, its registry does not.
        compareMergedViews(m_chain, out, {"Hives/Software_Delta"});
        compareRegistries(m_chain, out);
        verifyClean(m_chain, out);
    }

    void whiteoutsAreExactlyThoseStillHidingSomething()
    {
        const fs::path out = fs::path(m_dir.path().toStdString()) / "delta-layer.tar";
        const squash::SquashResult r = squash::squashImage(m_chain, out, {.format = baselayer::OutputFormat::Tar});
        const index::LayerScan scan = index::scanLayerFile(out);
        QCOMPARE(scan.layout, wcow::Layout::WindowsDelta);
        std::set<std::string> whiteouts;
        std::map<std::string, wcow::EntryType> types;
        for (const index::TreeIndex::Record& rec : scan.index.records()) {
            types[scan.index.path(rec.node)] = rec.type;
            if (rec.type == wcow::EntryType::Whiteout)
                whiteouts.insert(scan.index.path(rec.node));
        }
        // Gone: deleted, then re-created as a file (the file replaces the folder by itself). Old: deleted and
        // re-created, so only the children it lost are hidden. x.dat and Sub: plain deletions.
        const std::set<std::string> expected {"Files/Data/.wh.x.dat", "Files/Data/.wh.Sub", "Files/Old/.wh.o1",
                                              "Files/Old/.wh.o2"};
        QCOMPARE(whiteouts, expected);
        QCOMPARE(r.whiteouts, uint64_t(4));
        // Links inside the range whose file the range rewrote become that old file; links to the base stay links.
        QCOMPARE(types["Files/New/n1-link"], wcow::EntryType::File);
        QCOMPARE(types["Files/cross-link"], wcow::EntryType::Hardlink);
        QCOMPARE(types["Files/Gone"], wcow::EntryType::File);
        QCOMPARE(types["Files/Jct"], wcow::EntryType::Junction);
        QCOMPARE(types["Files/Lnk"], wcow::EntryType::Symlink);
        QVERIFY(!types.contains("Files/App/keep.txt")); // unchanged below the range: not repeated
        QVERIFY(!types.contains("Files/base-link"));
        QCOMPARE(r.linksMadeFiles, uint64_t(1));
        for (const wcow::Problem& p : scan.problems)
            QVERIFY2(p.severity != wcow::Problem::Severity::Error, (p.path + ": " + p.message).c_str());
    }

    void baseSquashAppliesTheDeltasToTheConfigHives()
    {
        const fs::path out = fs::path(m_dir.path().toStdString()) / "base-oci";
        const squash::SquashResult r = squash::squashImage(m_chain, out, {.first = 0});
        QCOMPARE(r.layersAfter, size_t(1));
        QCOMPARE(r.layout, std::string("windows-base"));
        QCOMPARE(r.whiteouts, uint64_t(0));
        QCOMPARE(r.mergedHives, (std::vector<std::string> {"SOFTWARE", "SYSTEM"}));
        const auto entries = layerEntries(out, 0);
        for (const auto& [path, type] : entries)
            QVERIFY2(!path.starts_with("Hives"), path.c_str()); // a base layer has no Hives/
        auto squashed = image::ImageSource::open(out);
        QCOMPARE(squashed->scanLayer(0).layout, wcow::Layout::WindowsBase);
        // The config hive is what `hive merged` showed for the original chain.
        auto original = image::ImageSource::open(m_chain);
        const std::string config = "Files/Windows/System32/config/SOFTWARE";
        const auto merged = image::mergeSystemHive(*original, "SOFTWARE");
        const index::LayerScan scan = squashed->scanLayer(0);
        const index::TreeIndex::Record* rec = scan.index.record(scan.index.find(config));
        QVERIFY(rec);
        QCOMPARE(rec->sha256, Sha256::of(merged.bytes));
        compareMergedViews(
            m_chain, out,
            {"Hives", "Hives/Software_Delta", "Hives/System_Delta", config, "Files/Windows/System32/config/SYSTEM"});
        compareRegistries(m_chain, out);
        verifyClean(m_chain, out);
    }

    void middleRangeKeepsTheLayersAboveAndTheirHistory()
    {
        const fs::path out = fs::path(m_dir.path().toStdString()) / "middle-oci";
        const squash::SquashResult r = squash::squashImage(m_chain, out, {.first = 1, .last = 2});
        QCOMPARE(r.layersAfter, size_t(4));
        const json before = readConfig(m_chain);
        const json after = readConfig(out);
        QCOMPARE(after["rootfs"]["diff_ids"].size(), size_t(4));
        QCOMPARE(after["rootfs"]["diff_ids"][0], before["rootfs"]["diff_ids"][0]);
        QCOMPARE(after["rootfs"]["diff_ids"][1].get<std::string>(), r.diffId);
        QCOMPARE(after["rootfs"]["diff_ids"][2], before["rootfs"]["diff_ids"][3]);
        QCOMPARE(after["rootfs"]["diff_ids"][3], before["rootfs"]["diff_ids"][4]);
        QCOMPARE(after["history"].size(), size_t(4));
        QCOMPARE(after["history"][0]["created_by"], before["history"][0]["created_by"]);
        QCOMPARE(after["history"][1]["created_by"].get<std::string>(), std::string("layerscope squash 1..2"));
        QCOMPARE(after["history"][3]["created_by"], before["history"][4]["created_by"]);
        compareMergedViews(m_chain, out, {});
        compareRegistries(m_chain, out);
        verifyClean(m_chain, out);
    }

    void dockerArchiveOutputVerifies()
    {
        const fs::path out = fs::path(m_dir.path().toStdString()) / "squashed-docker.tar";
        squash::squashImage(m_chain, out,
                            {.first = 2, .format = baselayer::OutputFormat::DockerArchive, .tag = "squashed:1"});
        compareMergedViews(m_chain, out, {"Hives/Software_Delta"});
        compareRegistries(m_chain, out);
        verifyClean(m_chain, out);
    }

    void absentForeignBaseStaysReferencedAndCannotBeSquashed()
    {
        // The chain with its base marked non-distributable and its blob removed, as images pulled without foreign
        // layers are.
        const fs::path foreign = fs::path(m_dir.path().toStdString()) / "foreign";
        fs::copy(m_chain, foreign, fs::copy_options::recursive);
        json index = json::parse(testsupport::readAll(foreign / "index.json"));
        const std::string manifestDigest = index["manifests"][0]["digest"];
        json manifest = json::parse(testsupport::readAll(foreign / "blobs/sha256" / manifestDigest.substr(7)));
        json& base = manifest["layers"][0];
        base["mediaType"] = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
        base["urls"] = json::array({"https://mcr.microsoft.com/v2/windows/blobs/" + base["digest"].get<std::string>()});
        fs::remove(foreign / "blobs/sha256" / base["digest"].get<std::string>().substr(7));
        const std::string manifestText = manifest.dump();
        const std::string newDigest = toDigestString(Sha256::of(manifestText));
        testsupport::writeAll(foreign / "blobs/sha256" / newDigest.substr(7),
                              std::vector<uint8_t>(manifestText.begin(), manifestText.end()));
        index["manifests"][0]["digest"] = newDigest;
        index["manifests"][0]["size"] = manifestText.size();
        const std::string indexText = index.dump();
        testsupport::writeAll(foreign / "index.json", std::vector<uint8_t>(indexText.begin(), indexText.end()));

        const fs::path refused = fs::path(m_dir.path().toStdString()) / "refused";
        try {
            squash::squashImage(foreign, refused, {.first = 0});
            QFAIL("squashing an absent foreign base must fail");
        } catch (const Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("layer 0 is a foreign layer not in the source") != std::string::npos, what.c_str());
        }
        QVERIFY(!fs::exists(refused));
        try {
            squash::squashImage(foreign, refused, {.format = baselayer::OutputFormat::DockerArchive});
            QFAIL("a docker archive cannot leave the base out");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("a docker archive must hold every layer") != std::string::npos,
                     e.what());
        }
        QVERIFY(!fs::exists(refused));

        const fs::path out = fs::path(m_dir.path().toStdString()) / "over-foreign";
        const squash::SquashResult r = squash::squashImage(foreign, out, {});
        QVERIFY(!r.lowerKnown);
        // Without the base, every deletion the range leaves standing is kept (Gone as well: it may hide a folder).
        QCOMPARE(r.whiteouts, uint64_t(4));
        const json squashedManifest = [&] {
            const json idx = json::parse(testsupport::readAll(out / "index.json"));
            const std::string d = idx["manifests"][0]["digest"];
            return json::parse(testsupport::readAll(out / "blobs/sha256" / d.substr(7)));
        }();
        QCOMPARE(squashedManifest["layers"][0]["digest"], base["digest"]);
        QCOMPARE(squashedManifest["layers"][0]["urls"], base["urls"]);
        QVERIFY(!fs::exists(out / "blobs/sha256" / base["digest"].get<std::string>().substr(7)));
        compareMergedViews(foreign, out, {"Hives/Software_Delta"});
    }

    void entriesAheadOfTheirFolderWaitAndStreamsFollowTheirFile()
    {
        // Layer 1 lists Data/late.txt before anything, but Data's entry comes from layer 2, which itself lists
        // App/early.txt before Data and App comes from layer 1: each layer waits for the other, so one entry must
        // wait in the spill file. f.txt's stream comes after an unrelated folder, yet must follow f.txt.
        using namespace squashchain;
        const fs::path root = fs::path(m_dir.path().toStdString());
        const std::vector<std::vector<Entry>> layers
            = {chainLayers()[0],
               {file("Files/Data/late.txt", "waits for its folder"), dir("Files/App"), file("Files/App/f.txt", "f"),
                dir("Files/App/Between"), stream("Files/App/f.txt:s1", "the stream"),
                squashchain::link("Files/App/f-link", "Files/App/f.txt")},
               {file("Files/App/early.txt", "needs App from below"), dir("Files/Data")}};
        const fs::path chain = root / "crossed-chain";
        writeChain(chain, layers);

        const fs::path layer = root / "crossed-layer.tar";
        const squash::SquashResult r = squash::squashImage(chain, layer, {.format = baselayer::OutputFormat::Tar});
        QCOMPARE(r.spilledEntries, uint64_t(2)); // late.txt, and Between (read to reach f.txt's stream)
        QVERIFY(r.spilledBytes > 2 * 1024);
        QCOMPARE(r.hardLinks, uint64_t(1));
        std::vector<std::string> order;
        try {
            order = checkImporterOrder(layer);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        QCOMPARE(order.size(), size_t(r.entries));
        const auto at
            = [&](const std::string& path) { return std::find(order.begin(), order.end(), path) - order.begin(); };
        QCOMPARE(at("Files/App/f.txt:s1"), at("Files/App/f.txt") + 1);
        QVERIFY(at("Files/Data/late.txt") > at("Files/Data"));
        QCOMPARE(order.back(), std::string("Files/App/f-link"));

        const fs::path image = root / "crossed-oci";
        squash::squashImage(chain, image, {});
        compareMergedViews(chain, image, {});
        verifyClean(chain, image);
        // The spill files went with the squash.
        for (const auto& e : fs::directory_iterator(root))
            QVERIFY2(io::pathToUtf8(e.path().filename()).find(".squash-") == std::string::npos,
                     io::pathToUtf8(e.path()).c_str());
    }

    void cancelLeavesNothingBehind()
    {
        // Count the polls of a whole run, then cancel at several points of it.
        const fs::path dir = fs::path(m_dir.path().toStdString()) / "cancel";
        fs::create_directories(dir);
        CancelAt never(INT_MAX);
        squash::squashImage(m_chain, dir / "full", {.progress = &never});
        fs::remove_all(dir / "full");
        QVERIFY(never.polls() > 10);
        for (const int at : {1, never.polls() / 3, never.polls() / 2, never.polls() - 1}) {
            CancelAt cancel(at);
            QVERIFY_THROWS_EXCEPTION(Cancelled, squash::squashImage(m_chain, dir / "out", {.progress = &cancel}));
            QVERIFY2(fs::is_empty(dir), qPrintable(QString("left something after cancelling at poll %1").arg(at)));
        }
    }

    void refusesBadRangesAndExistingOutput_data()
    {
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("last");
        QTest::addColumn<QString>("message");
        QTest::newRow("past the top") << 1 << 5 << "no layers 1..5 (the image has 5, numbered 0..4)";
        QTest::newRow("reversed") << 3 << 2 << "no layers 3..2";
    }
    void refusesBadRangesAndExistingOutput()
    {
        QFETCH(int, first);
        QFETCH(int, last);
        QFETCH(QString, message);
        const fs::path out = fs::path(m_dir.path().toStdString()) / "bad";
        try {
            squash::squashImage(m_chain, out, {.first = size_t(first), .last = size_t(last)});
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos, e.what());
        }
        QVERIFY(!fs::exists(out));
        // An existing output is not replaced without overwrite, and nothing is left beside it.
        const fs::path existing = fs::path(m_dir.path().toStdString()) / "existing.tar";
        testsupport::writeAll(existing, {'x'});
        QVERIFY_THROWS_EXCEPTION(Error,
                                 squash::squashImage(m_chain, existing, {.format = baselayer::OutputFormat::Tar}));
        QCOMPARE(testsupport::readAll(existing), std::vector<uint8_t> {'x'});
    }
};

QTEST_GUILESS_MAIN(TestSquash)
#include "tst_squash.moc"
