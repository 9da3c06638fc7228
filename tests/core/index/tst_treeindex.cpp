// SPDX-License-Identifier: Apache-2.0
#include "index/mergedtree.h"
#include "index/treeindexbuilder.h"

#include <QtTest>

using namespace layerscope;
using namespace layerscope::index;
using wcow::EntryType;

Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {

wcow::WindowsEntry entry(std::string path, EntryType type = EntryType::File, uint64_t size = 0)
{
    wcow::WindowsEntry e;
    e.path = std::move(path);
    e.type = type;
    e.size = size;
    return e;
}

TreeIndex build(bool caseInsensitive, const std::vector<wcow::WindowsEntry>& entries)
{
    TreeIndexBuilder builder(caseInsensitive);
    for (const auto& e : entries)
        builder.add(e, std::nullopt);
    return builder.finish();
}

std::vector<std::string> childNames(const TreeIndex& index, NodeId node)
{
    std::vector<std::string> names;
    for (NodeId c : index.children(node))
        names.emplace_back(index.name(c));
    return names;
}

std::vector<std::string> allPaths(const TreeIndex& index)
{
    std::vector<std::string> paths;
    std::vector<NodeId> stack {index.root()};
    while (!stack.empty()) {
        const NodeId n = stack.back();
        stack.pop_back();
        if (n != index.root())
            paths.push_back(index.path(n));
        for (NodeId c : index.children(n))
            stack.push_back(c);
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

// About 100k entries shaped like a Windows base layer: long WinSxS component folders, a flat System32, driver
// packages and servicing manifests, each file with a descriptor and a hash.
template<typename Sink> void windowsLikeEntries(Sink&& sink)
{
    size_t count = 0;
    const auto hex = [](uint64_t v) {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v * 0x9e3779b97f4a7c15ull));
        return std::string(buf);
    };
    const auto add = [&](std::string path, EntryType type) {
        auto e = entry(std::move(path), type, type == EntryType::File ? 4096 : 0);
        e.sddl = type == EntryType::File
            ? "O:S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464G:S-1-5-80-"
              "956008885-3418522649-1831038044-1853292631-2271478464D:PAI(A;;FA;;;S-1-5-80-"
              "956008885-3418522649-1831038044-1853292631-2271478464)(A;;0x1200a9;;;BA)"
            : "O:SYG:SYD:PAI(A;OICIIO;GA;;;CO)(A;OICIIO;GA;;;SY)(A;;0x1301bf;;;SY)";
        e.attributes = type == EntryType::File ? 0x20 : 0x10;
        e.created = wcow::PaxTime {1600000000, 123456700};
        sink(e);
        ++count;
    };
    for (const char* dir : {"Files", "Files/Windows", "Files/Windows/WinSxS", "Files/Windows/System32",
                            "Files/Windows/System32/DriverStore", "Files/Windows/System32/DriverStore/FileRepository",
                            "Files/Windows/servicing", "Files/Windows/servicing/Packages"})
        add(dir, EntryType::Directory);
    for (int c = 0; c < 1000; ++c) {
        const std::string dir = "Files/Windows/WinSxS/amd64_microsoft-windows-component" + std::to_string(c)
            + "_31bf3856ad364e35_10.0.17763." + std::to_string(c % 97) + "_none_" + hex(c);
        add(dir, EntryType::Directory);
        for (int f = 0; f < 60; ++f)
            add(dir + "/" + (f % 3 ? "Microsoft.Windows.Part" : "api-ms-win-core-") + std::to_string(f)
                    + (f % 2 ? ".dll" : ".dll.mui"),
                EntryType::File);
    }
    for (int f = 0; f < 20000; ++f)
        add("Files/Windows/System32/" + std::string(f % 2 ? "Windows.Storage." : "msvcp_") + std::to_string(f) + ".dll",
            EntryType::File);
    for (int d = 0; d < 500; ++d) {
        const std::string dir = "Files/Windows/System32/DriverStore/FileRepository/netdriver" + std::to_string(d)
            + ".inf_amd64_" + hex(d);
        add(dir, EntryType::Directory);
        for (int f = 0; f < 20; ++f)
            add(dir + "/driver" + std::to_string(f) + (f % 2 ? ".sys" : ".cat"), EntryType::File);
    }
    // add() counts: a while loop, since clang's for-loop analysis cannot see the lambda change `count`.
    int p = 0;
    while (count < 100000) {
        add("Files/Windows/servicing/Packages/Package_for_KB" + std::to_string(4500000 + p)
                + "~31bf3856ad364e35~amd64~~10.0.1." + std::to_string(p % 4000) + ".mum",
            EntryType::File);
        ++p;
    }
}

} // namespace

class TestTreeIndex : public QObject
{
    Q_OBJECT

private slots:
    void keepsRecordsInTarOrderAndChildrenSorted()
    {
        const TreeIndex index = build(true,
                                      {entry("Files", EntryType::Directory), entry("Files/b.txt"), entry("Files/A.txt"),
                                       entry("Files/c", EntryType::Directory)});
        QCOMPARE(index.recordCount(), size_t(4));
        QCOMPARE(index.path(index.records()[1].node), std::string("Files/b.txt"));
        QCOMPARE(childNames(index, index.find("Files")), (std::vector<std::string> {"A.txt", "b.txt", "c"}));
    }

    void findsPathsCaseInsensitivelyOnlyForWindowsTrees()
    {
        const auto entries = std::vector {entry("Files", EntryType::Directory), entry("Files/Windows/System32/x.dll")};
        const TreeIndex windows = build(true, entries);
        QVERIFY(windows.find("files/WINDOWS/system32/X.DLL") != InvalidNode);
        QCOMPARE(windows.path(windows.find("files/windows")), std::string("Files/Windows"));
        const TreeIndex linux = build(false, entries);
        QCOMPARE(linux.find("files/windows"), InvalidNode);
        QVERIFY(linux.find("Files/Windows/System32/x.dll") != InvalidNode);
    }

    void implicitParentsHaveNoRecord()
    {
        const TreeIndex index = build(true, {entry("Files/a/b.txt")});
        QVERIFY(index.record(index.find("Files/a")) == nullptr);
        QVERIFY(index.record(index.find("Files/a/b.txt")) != nullptr);
    }

    void keepsMetadataThroughTheArena()
    {
        auto e = entry("Files/link", EntryType::Symlink);
        e.linkTarget = "..\\target";
        e.sddl = "O:BAG:SY";
        e.attributes = 0x420;
        e.created = wcow::PaxTime {-5, 100};
        e.xattrs = {{"user.a", std::string("\0\1", 2)}, {"b", "v"}};
        const TreeIndex index = build(true, {e});
        const auto back = index.entry(*index.record(index.find("Files/link")));
        QCOMPARE(back.linkTarget, e.linkTarget);
        QCOMPARE(back.sddl, e.sddl);
        QCOMPARE(back.attributes, e.attributes);
        QVERIFY(back.created == e.created);
        QVERIFY(!back.accessed);
        QCOMPARE(back.xattrs, e.xattrs);
    }

    void mergeAppliesWhiteoutsAndReplacements()
    {
        const TreeIndex base
            = build(true,
                    {entry("Files", EntryType::Directory), entry("Files/keep.txt", EntryType::File, 1),
                     entry("Files/gone.txt"), entry("Files/dir", EntryType::Directory), entry("Files/dir/inner.txt"),
                     entry("Files/becomes-dir", EntryType::File), entry("Files/Replaced.TXT", EntryType::File, 1)});
        const TreeIndex delta
            = build(true,
                    {entry("Files", EntryType::Directory), entry("Files/.wh.GONE.txt", EntryType::Whiteout),
                     entry("Files/.wh.dir", EntryType::Whiteout), entry("Files/becomes-dir", EntryType::Directory),
                     entry("Files/becomes-dir/new.txt"), entry("Files/replaced.txt", EntryType::File, 2),
                     entry("Files/dir", EntryType::Directory), entry("Files/dir/fresh.txt")});
        const TreeIndex* layers[] = {&base, &delta};
        const TreeIndex merged = mergeLayers(layers);
        QCOMPARE(allPaths(merged),
                 (std::vector<std::string> {"Files", "Files/becomes-dir", "Files/becomes-dir/new.txt", "Files/dir",
                                            "Files/dir/fresh.txt", "Files/keep.txt", "Files/replaced.txt"}));
        // A replaced file takes the spelling of the layer that wrote it last.
        QCOMPARE(merged.record(merged.find("Files/keep.txt"))->layer, uint16_t(0));
        const auto* replaced = merged.record(merged.find("files/replaced.txt"));
        QCOMPARE(replaced->layer, uint16_t(1));
        QCOMPARE(replaced->size, uint64_t(2));
        QCOMPARE(merged.record(merged.find("Files/becomes-dir"))->type, EntryType::Directory);
        QCOMPARE(merged.record(merged.find("Files"))->layer, uint16_t(1));
    }

    void hardLinksKeepTheirFileWhenAnUpperLayerReplacesItsOtherName()
    {
        // wcow-layer-format §1.3: links of a lower layer name their file by path; replacing or deleting that path
        // in an upper layer leaves the links with the old file, as NTFS does.
        auto app = entry("Files/app.exe", EntryType::File, 10);
        auto link = entry("Files/app-link.exe", EntryType::Hardlink);
        link.linkTarget = "Files/app.exe";
        auto second = entry("Files/app-copy.exe", EntryType::Hardlink);
        second.linkTarget = "Files/APP.exe";
        TreeIndexBuilder lower(true);
        lower.add(entry("Files", EntryType::Directory), std::nullopt);
        lower.add(app, Sha256Digest {1});
        lower.add(link, std::nullopt);
        lower.add(second, std::nullopt);
        const TreeIndex base = lower.finish();
        const TreeIndex replace = build(true, {entry("Files/app.exe", EntryType::File, 20)});
        const TreeIndex remove = build(true, {entry("Files/.wh.app.exe", EntryType::Whiteout)});

        for (const TreeIndex* upper : {&replace, &remove}) {
            const TreeIndex* layers[] = {&base, upper};
            const TreeIndex merged = mergeLayers(layers);
            const auto* owner = merged.record(merged.find("Files/app-link.exe"));
            QVERIFY(owner);
            QCOMPARE(owner->type, EntryType::File);
            QCOMPARE(owner->size, uint64_t(10));
            QCOMPARE(owner->layer, uint16_t(0));
            QCOMPARE(owner->sha256, (Sha256Digest {1}));
            const auto* other = merged.record(merged.find("Files/app-copy.exe"));
            QCOMPARE(other->type, EntryType::Hardlink);
            QCOMPARE(merged.linkTarget(*other), std::string_view("Files/app-link.exe"));
        }
        const TreeIndex* layers[] = {&base, &replace};
        const TreeIndex merged = mergeLayers(layers);
        QCOMPARE(merged.record(merged.find("Files/app.exe"))->size, uint64_t(20));
    }

    void mergeOfLinuxLayersIsCaseSensitiveAndHonoursOpaqueDirectories()
    {
        const TreeIndex lower = build(false,
                                      {entry("etc", EntryType::Directory), entry("etc/a"), entry("etc/A"),
                                       entry("opt", EntryType::Directory), entry("opt/old")});
        const TreeIndex upper = build(false,
                                      {entry("etc/.wh.a", EntryType::Whiteout), entry("opt", EntryType::Directory),
                                       entry("opt/new"), entry("opt/.wh..wh..opq", EntryType::Whiteout)});
        const TreeIndex* layers[] = {&lower, &upper};
        const TreeIndex merged = mergeLayers(layers);
        QCOMPARE(allPaths(merged), (std::vector<std::string> {"etc", "etc/A", "opt", "opt/new"}));
    }

    void staysCompactPerEntry()
    {
        TreeIndexBuilder builder(true);
        for (int d = 0; d < 100; ++d)
            for (int f = 0; f < 1000; ++f) {
                auto e = entry("Files/Windows/WinSxS/amd64_component_" + std::to_string(d) + "/file" + std::to_string(f)
                               + ".dll");
                e.sddl = "O:SYG:SYD:PAI(A;;FA;;;SY)(A;;0x1200a9;;;BU)";
                builder.add(e, Sha256Digest {});
            }
        const TreeIndex index = builder.finish();
        QCOMPARE(index.recordCount(), size_t(100000));
        const double perEntry = double(index.memoryBytes()) / double(index.recordCount());
        qInfo("index memory: %.0f bytes per entry", perEntry);
        QVERIFY(perEntry < 150);
    }

    void builderPeaksNearTheIndexSize()
    {
        size_t pathBytes = 0;
        size_t count = 0;
        TreeIndexBuilder builder(true, true);
        size_t buildPeak = 0;
        windowsLikeEntries([&](const wcow::WindowsEntry& e) {
            pathBytes += e.path.size();
            ++count;
            builder.add(e, Sha256Digest {});
            buildPeak = std::max(buildPeak, builder.memoryBytes());
        });
        buildPeak = std::max(buildPeak, builder.peakMemoryBytes()); // includes moments inside add()
        const TreeIndex index = builder.finish();
        const double n = double(index.recordCount());
        QCOMPARE(index.recordCount(), count);
        qInfo("%zu entries, %.0f path bytes per entry; builder peak %.0f bytes per entry while adding, %.0f during "
              "finish(); index %.0f",
              count, double(pathBytes) / n, double(buildPeak) / n, double(builder.peakMemoryBytes()) / n,
              double(index.memoryBytes()) / n);
        QVERIFY(double(buildPeak) / n < 200);
        // finish() hands the state over piece by piece: never far above the index it returns.
        QVERIFY(double(builder.peakMemoryBytes()) < 1.2 * double(index.memoryBytes()));
        QCOMPARE(index.path(index.find("files/windows/system32/MSVCP_0.DLL")),
                 std::string("Files/Windows/System32/msvcp_0.dll"));
    }

    void keepsCaseVariantsApartWhenAsked()
    {
        TreeIndexBuilder builder(true, /*keepCaseVariants=*/true);
        builder.add(entry("Files/a.txt", EntryType::File, 1), std::nullopt);
        builder.add(entry("Files/A.txt", EntryType::File, 2), std::nullopt);
        builder.add(entry("Files/a.txt", EntryType::File, 3), std::nullopt); // replaces the first spelling
        builder.add(entry("Files/\xc3\x84rger", EntryType::File, 4), std::nullopt);
        builder.add(entry("FILES/\xc3\xa4RGER", EntryType::File, 5), std::nullopt);
        const TreeIndex index = builder.finish();
        QCOMPARE(childNames(index, index.find("files")),
                 (std::vector<std::string> {"a.txt", "A.txt", "\xc3\x84rger", "\xc3\xa4RGER"}));
        QCOMPARE(index.recordCount(), size_t(4));
        QCOMPARE(index.records()[0].size, uint64_t(2));
        QCOMPARE(index.path(index.records()[1].node), std::string("Files/a.txt"));
        QCOMPARE(index.records()[1].size, uint64_t(3));
    }

    void removesSubtreesAndAddsThemAfresh()
    {
        TreeIndexBuilder builder(true);
        std::vector<std::string> kept;
        for (int i = 0; i < 5000; ++i) {
            const std::string path = "Files/dir" + std::to_string(i % 7) + "/File" + std::to_string(i);
            builder.add(entry(path), std::nullopt);
            if (i % 3 == 0)
                QVERIFY(builder.remove("files/DIR" + std::to_string(i % 7) + "/file" + std::to_string(i)));
            else
                kept.push_back(path);
        }
        QVERIFY(!builder.remove("Files/dir0/File0"));
        QVERIFY(!builder.contains(""));
        QVERIFY(!builder.isDirectory(""));
        for (const auto& path : kept)
            QVERIFY(builder.contains(path));
        QVERIFY(builder.isDirectory("FILES/dir3"));
        QVERIFY(!builder.isDirectory("Files/dir3/File3"));
        QVERIFY(builder.remove("Files/dir6"));
        QVERIFY(!builder.contains("Files/dir6/File6"));
        builder.add(entry("Files/dir6/again"), std::nullopt);
        builder.removeChildren("Files/dir5");
        QVERIFY(builder.contains("Files/dir5"));
        const TreeIndex index = builder.finish();
        size_t expected = 0;
        for (const auto& path : kept)
            expected += path.starts_with("Files/dir6/") || path.starts_with("Files/dir5/") ? 0 : 1;
        QCOMPARE(index.recordCount(), expected + 1);
        QCOMPARE(allPaths(index).size(), expected + 1 + 8); // Files, dir0..dir6
        for (NodeId n = 1; n < index.nodeCount(); ++n) {
            const auto siblings = index.children(index.parent(n));
            QVERIFY(std::find(siblings.begin(), siblings.end(), n) != siblings.end());
            if (const auto* r = index.record(n))
                QCOMPARE(r->node, n);
        }
        QCOMPARE(childNames(index, index.find("files/dir6")), (std::vector<std::string> {"again"}));
    }

    // A single layer is its own merged view unless merging would drop or replace something.
    void mergesToItselfOnlyWhenMergingChangesNothing_data()
    {
        QTest::addColumn<bool>("caseInsensitive");
        QTest::addColumn<std::vector<std::string>>("paths");
        QTest::addColumn<bool>("expected");
        QTest::newRow("plain layer") << true << std::vector<std::string> {"Files", "Files/a", "Files/b/c"} << true;
        QTest::newRow("whiteout") << true << std::vector<std::string> {"Files", "Files/.wh.a"} << false;
        QTest::newRow("case variants") << true << std::vector<std::string> {"Files", "Files/a", "Files/A"} << false;
        QTest::newRow("case variants in a Linux tree")
            << false << std::vector<std::string> {"etc", "etc/a", "etc/A"} << true;
    }
    void mergesToItselfOnlyWhenMergingChangesNothing()
    {
        QFETCH(bool, caseInsensitive);
        QFETCH(std::vector<std::string>, paths);
        QFETCH(bool, expected);
        // As a scan builds a layer: case variants kept apart.
        TreeIndexBuilder builder(caseInsensitive, /*keepCaseVariants=*/true);
        for (const std::string& path : paths)
            builder.add(entry(path, path.find(".wh.") != std::string::npos ? EntryType::Whiteout : EntryType::File),
                        std::nullopt);
        const TreeIndex layer = builder.finish();
        QCOMPARE(mergesToItself(layer), expected);
        if (!expected)
            return;
        const TreeIndex* layers[] = {&layer};
        const TreeIndex merged = mergeLayers(layers);
        QCOMPARE(allPaths(merged), allPaths(layer));
        QCOMPARE(merged.recordCount(), layer.recordCount());
        for (size_t i = 0; i < layer.recordCount(); ++i) {
            QCOMPARE(merged.path(merged.records()[i].node), layer.path(layer.records()[i].node));
            QCOMPARE(merged.records()[i].layer, layer.records()[i].layer);
        }
    }

    // PackedTime holds 1601-2145 at full precision; anything else goes to the index's side table, exactly, also
    // through a merge (which copies records between indexes).
    void keepsEveryTimeExactly()
    {
        using wcow::PaxTime;
        const int64_t origin = TreeIndex::PackedTime::Origin;
        const std::vector<PaxTime> times = {{0, 0},
                                            {origin, 0},
                                            {origin - 1, 999999999},
                                            {origin + (int64_t(1) << 34) - 1, 999999999},
                                            {origin + (int64_t(1) << 34), 0},
                                            {8589934591, 0}, // the ustar maximum, 2242
                                            {-1, 500000000},
                                            {INT64_MIN, 0},
                                            {INT64_MAX, 999999999},
                                            {1700000000, 123456700}};
        TreeIndexBuilder builder(true);
        for (size_t i = 0; i < times.size(); ++i) {
            auto e = entry("Files/t" + std::to_string(i));
            e.modified = times[i];
            e.created = times[(i + 1) % times.size()];
            e.accessed = times[(i + 2) % times.size()];
            e.changed = times[(i + 3) % times.size()];
            builder.add(e, std::nullopt);
        }
        const TreeIndex layer = builder.finish();
        // A lower layer with wide times of its own, so the merged side table must renumber.
        TreeIndexBuilder lowerBuilder(true);
        auto old = entry("Files/old");
        old.modified = {INT64_MIN + 1, 1};
        lowerBuilder.add(old, std::nullopt);
        const TreeIndex lower = lowerBuilder.finish();
        const TreeIndex* chain[] = {&lower, &layer};
        const TreeIndex merged = mergeLayers(chain);
        for (const TreeIndex* index : {&layer, &merged}) {
            for (size_t i = 0; i < times.size(); ++i) {
                const auto* r = index->record(index->find("Files/t" + std::to_string(i)));
                QVERIFY(r);
                QCOMPARE(index->modified(*r), times[i]);
                QCOMPARE(index->created(*r), std::optional(times[(i + 1) % times.size()]));
                QCOMPARE(index->accessed(*r), std::optional(times[(i + 2) % times.size()]));
                QCOMPARE(index->changed(*r), std::optional(times[(i + 3) % times.size()]));
                QCOMPARE(index->entry(*r).modified, times[i]);
            }
        }
        QCOMPARE(merged.modified(*merged.record(merged.find("Files/old"))), (PaxTime {INT64_MIN + 1, 1}));
    }

    // Records with every field set pack to more than a Record's size; finish() then unpacks them into a new array
    // instead of in place. Every field must come back either way.
    void unpacksRecordsWithEveryFieldSet_data()
    {
        QTest::addColumn<bool>("everyField");
        QTest::newRow("in place") << false;
        QTest::newRow("every field: copied") << true;
    }
    void unpacksRecordsWithEveryFieldSet()
    {
        QFETCH(bool, everyField);
        TreeIndexBuilder builder(true);
        std::vector<wcow::WindowsEntry> entries;
        for (int i = 0; i < 3000; ++i) {
            auto e = entry("Files/d" + std::to_string(i % 13) + "/f" + std::to_string(i), EntryType::File,
                           uint64_t(i) * 1000003);
            e.tarIndex = uint64_t(i) * 2;
            e.mode = 0100644;
            e.modified = {1700000000 + i, uint32_t(i)};
            e.sddl = "O:SYG:SYD:(A;;FA;;;S-1-5-21-" + std::to_string(i % 5) + ")";
            if (everyField || i % 2 == 0) {
                e.attributes = 0x20 | uint32_t(i % 4);
                e.created = wcow::PaxTime {1600000000 + i, 7};
                e.accessed = wcow::PaxTime {1650000000 + i, 8};
                e.changed = wcow::PaxTime {1690000000 + i, 9};
            }
            if (everyField || i % 3 == 0) {
                e.linkTarget = "target" + std::to_string(i);
                e.xattrs = {{"user.a", std::to_string(i)}};
            }
            Sha256Digest digest {};
            digest[0] = uint8_t(i);
            digest[31] = uint8_t(i >> 8);
            builder.add(e, digest, uint16_t(everyField ? 1 + i % 7 : 0));
            entries.push_back(e);
        }
        const TreeIndex index = builder.finish();
        QCOMPARE(index.recordCount(), entries.size());
        for (size_t i = 0; i < entries.size(); ++i) {
            const auto& r = index.records()[i];
            const wcow::WindowsEntry e = index.entry(r);
            const auto& expected = entries[i];
            QCOMPARE(e.path, expected.path);
            QCOMPARE(e.size, expected.size);
            QCOMPARE(e.tarIndex, expected.tarIndex);
            QCOMPARE(e.mode, expected.mode);
            QCOMPARE(e.modified, expected.modified);
            QCOMPARE(e.created, expected.created);
            QCOMPARE(e.accessed, expected.accessed);
            QCOMPARE(e.changed, expected.changed);
            QCOMPARE(e.attributes, expected.attributes);
            QCOMPARE(e.sddl, expected.sddl);
            QCOMPARE(e.linkTarget, expected.linkTarget);
            QCOMPARE(e.xattrs, expected.xattrs);
            QCOMPARE(r.sha256[0], uint8_t(i));
            QCOMPARE(r.sha256[31], uint8_t(i >> 8));
            QCOMPARE(r.layer, uint16_t(everyField ? 1 + i % 7 : 0));
            QCOMPARE(index.record(r.node), &r);
        }
    }

    // Nodes are numbered breadth first: a node's children are consecutive ids after every id of the level above.
    void numbersNodesBreadthFirst()
    {
        const TreeIndex index = build(
            true,
            {entry("Files/b/x"), entry("Files/a"), entry("Hives/h"), entry("Files/b/y"), entry("UtilityVM/Files/z")});
        std::vector<std::string> order;
        for (NodeId n = 0; n < index.nodeCount(); ++n)
            order.push_back(index.path(n));
        QCOMPARE(order,
                 (std::vector<std::string> {"", "Files", "Hives", "UtilityVM", "Files/a", "Files/b", "Hives/h",
                                            "UtilityVM/Files", "Files/b/x", "Files/b/y", "UtilityVM/Files/z"}));
        for (NodeId n = 1; n < index.nodeCount(); ++n)
            QVERIFY(index.parent(n) < n);
    }
};

QTEST_GUILESS_MAIN(TestTreeIndex)
#include "tst_treeindex.moc"
