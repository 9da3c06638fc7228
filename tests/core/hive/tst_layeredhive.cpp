// SPDX-License-Identifier: Apache-2.0
// Delta hives applied over a base hive (issue 13, registry-delta-hives §3–4): the layered-key merge on hives written
// with layer bits and tombstones and read back, and the merged system hive of an on-disk layer chain.
#include "testsupport.h"

#include "common/error.h"
#include "hive/hivereader.h"
#include "hive/hivewriter.h"
#include "hive/layeredhive.h"
#include "image/imagesource.h"
#include "image/mergedregistry.h"

#include <QTemporaryDir>

#include <filesystem>

using namespace layerscope;
using namespace layerscope::hive;
namespace fs = std::filesystem;

namespace {

constexpr uint8_t kTombstone = 1, kSupersedeLocal = 2, kSupersedeTree = 3, kInheritClass = 0x80;

HiveKey& layered(HiveKey& key, uint8_t bits)
{
    key.layerBits = bits;
    return key;
}

// What a value reads back as, "" when absent.
std::string text(const HiveReader::Key* key, std::string_view name)
{
    const HiveReader::Value* v = key ? key->value(name) : nullptr;
    return v ? decodeRegString(v->data) : std::string();
}

HiveReader merged(const std::vector<HiveKey>& layers)
{
    std::vector<HiveReader> readers;
    for (const HiveKey& layer : layers)
        readers.emplace_back(HiveWriter::write(layer));
    std::vector<const HiveReader::Key*> stack;
    for (const HiveReader& r : readers)
        stack.push_back(r.root());
    return HiveReader(HiveWriter::write(mergeLayeredHive(stack)));
}

// The base hive of the scenarios below.
HiveKey baseHive()
{
    HiveKey root("ROOT");
    root.path("Software\\App").set(HiveValue::string("Version", "1.0")).set(HiveValue::string("Mode", "base"));
    root.path("Software\\App\\Plugins\\Old");
    root.path("Software\\Tool").set(HiveValue::string("Keep", "base"));
    root.path("Software\\Settings").set(HiveValue::string("A", "base")).set(HiveValue::string("B", "base"));
    root.path("Software\\Settings\\Below");
    root.path("Classy").className = "BaseClass";
    root.path("Classy\\Inherits").className = "BaseChildClass";
    return root;
}

} // namespace

class TestLayeredHive : public QObject
{
    Q_OBJECT

private slots:
    void layerBitsAndTombstonesSurviveTheWriter()
    {
        HiveKey root("ROOT");
        layered(root.child("Deleted"), kTombstone);
        layered(root.child("Local"), kSupersedeLocal | kInheritClass).set(HiveValue::deleted("Gone"));
        const HiveReader reader(HiveWriter::write(root));
        QVERIFY2(reader.valid(), reader.toText().c_str());
        QCOMPARE(layerSemantics(*reader.find("Deleted")), LayerSemantics::Tombstone);
        QCOMPARE(reader.find("Local")->layerBits, uint8_t(kSupersedeLocal | kInheritClass));
        const HiveReader::Value* gone = reader.find("Local")->value("Gone");
        QVERIFY(gone);
        QCOMPARE(gone->flags & kValueTombstone, kValueTombstone);
        QCOMPARE(gone->type, uint32_t(RegNone));
        QVERIFY(gone->data.empty());
    }

    void deltasChangeAddAndDeleteValues()
    {
        HiveKey delta("ROOT");
        delta
            .path("software\\app") // other spelling: Windows compares names case-insensitively
            .set(HiveValue::string("Version", "2.0"))
            .set(HiveValue::deleted("Mode"))
            .set(HiveValue::string("New", "delta"));
        const HiveReader m = merged({baseHive(), delta});
        QVERIFY2(m.valid(), m.toText().c_str());
        const HiveReader::Key* app = m.find("Software\\App");
        QVERIFY(app);
        QCOMPARE(app->name, std::string("app")); // the most derived spelling
        QCOMPARE(text(app, "Version"), std::string("2.0"));
        QCOMPARE(text(app, "New"), std::string("delta"));
        QVERIFY(!app->value("Mode"));
        QCOMPARE(app->values.size(), size_t(2));
        QVERIFY(m.find("Software\\App\\Plugins\\Old")); // subkeys below an inheriting node stay
        QCOMPARE(text(m.find("Software\\Tool"), "Keep"), std::string("base")); // untouched keys stay
        for (const auto* key : {m.find("Software"), app})
            QCOMPARE(layerSemantics(*key), LayerSemantics::Inherit); // the result is an ordinary hive
    }

    void tombstonesDeleteWholeKeysAndLaterLayersRecreateThem()
    {
        HiveKey delta1("ROOT");
        layered(delta1.path("Software\\App"), kTombstone);
        layered(delta1.path("Software\\Tool"), kTombstone);
        HiveKey delta2("ROOT");
        delta2.path("Software\\App").set(HiveValue::string("Fresh", "delta2")); // inherits, but below is deleted
        const HiveReader m = merged({baseHive(), delta1, delta2});
        QVERIFY(!m.find("Software\\Tool"));
        const HiveReader::Key* app = m.find("Software\\App");
        QVERIFY(app);
        QCOMPARE(text(app, "Fresh"), std::string("delta2"));
        QVERIFY(!app->value("Version")); // the tombstone ends the walk: nothing of the base's App comes back
        QVERIFY(app->subkeys.empty());
    }

    void supersedingNodesHideWhatIsBelow()
    {
        HiveKey delta("ROOT");
        layered(delta.path("Software\\Settings"), kSupersedeLocal).set(HiveValue::string("B", "delta"));
        HiveKey tree("ROOT");
        layered(tree.path("Software\\Tool"), kSupersedeTree);
        layered(tree.path("Software\\Tool\\Own"), kSupersedeTree).set(HiveValue::string("Only", "tree"));
        const HiveReader m = merged({baseHive(), delta, tree});
        const HiveReader::Key* settings = m.find("Software\\Settings");
        QVERIFY(settings);
        QVERIFY(!settings->value("A"));
        QCOMPARE(text(settings, "B"), std::string("delta"));
        QVERIFY(!m.find("Software\\Settings\\Below"));
        const HiveReader::Key* tool = m.find("Software\\Tool");
        QVERIFY(tool);
        QVERIFY(!tool->value("Keep"));
        QCOMPARE(text(m.find("Software\\Tool\\Own"), "Only"), std::string("tree"));
        QCOMPARE(tool->subkeys.size(), size_t(1));
    }

    void classesAreInheritedOnlyWhenTheBitSaysSo()
    {
        HiveKey delta("ROOT");
        layered(delta.child("Classy"), kInheritClass).set(HiveValue::dword("X", 1));
        delta.path("Classy\\Inherits").set(HiveValue::dword("Y", 2)); // no bit: its own (empty) class
        const HiveReader m = merged({baseHive(), delta});
        QCOMPARE(m.find("Classy")->className, std::string("BaseClass"));
        QCOMPARE(m.find("Classy\\Inherits")->className, std::string());
    }

    void mergesTheSystemHiveOfALayerFolderChain()
    {
        QTemporaryDir dir;
        const fs::path base = fs::path(dir.path().toStdString()) / "base";
        const fs::path top = fs::path(dir.path().toStdString()) / "top";
        fs::create_directories(base / "Files/Windows/System32/config");
        fs::create_directories(base / "Hives");
        fs::create_directories(top / "Files");
        fs::create_directories(top / "Hives");
        testsupport::writeAll(base / "Files/Windows/System32/config/SYSTEM", HiveWriter::write(baseHive()));
        HiveKey delta("ROOT");
        delta.path("Software\\App").set(HiveValue::string("Version", "2.0"));
        layered(delta.path("Software\\Tool"), kTombstone);
        testsupport::writeAll(top / "Hives/System_Delta", HiveWriter::write(delta));
        const std::string chain = nlohmann::json::array({base.string()}).dump();
        testsupport::writeAll(top / "layerchain.json", std::vector<uint8_t>(chain.begin(), chain.end()));

        const auto source = image::ImageSource::open(top);
        QCOMPARE(source->image().layers.size(), size_t(2));
        const image::MergedHive system = image::mergeSystemHive(*source, "SYSTEM");
        QCOMPARE(system.parts,
                 (std::vector<std::string> {"layer 0: Files/Windows/System32/config/SYSTEM",
                                            "layer 1: Hives/System_Delta"}));
        const HiveReader m(system.bytes);
        QVERIFY2(m.valid(), m.toText().c_str());
        QCOMPARE(m.header().fileName, std::string("SYSTEM"));
        QCOMPARE(text(m.find("Software\\App"), "Version"), std::string("2.0"));
        QVERIFY(!m.find("Software\\Tool"));

        // A hive the chain lacks, a name that is no system hive, and a delta that is not a hive: each one error.
        const auto fails = [&](std::string_view hive, const std::string& expected) {
            try {
                image::mergeSystemHive(*source, hive);
            } catch (const Error& e) {
                return std::string(e.what()).find(expected) != std::string::npos;
            }
            return false;
        };
        QVERIFY(fails("SOFTWARE", "no layer has this config hive"));
        QVERIFY(fails("NTUSER", "no system hive named \"NTUSER\""));
        testsupport::writeAll(top / "Hives/System_Delta", std::vector<uint8_t>(8192, 0x5a));
        QVERIFY(fails("SYSTEM", "Hives/System_Delta"));
    }
};

QTEST_GUILESS_MAIN(TestLayeredHive)
#include "tst_layeredhive.moc"
