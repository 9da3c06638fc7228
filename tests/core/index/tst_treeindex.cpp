// SPDX-License-Identifier: Apache-2.0
#include "index/mergedtree.h"
#include "index/treeindexbuilder.h"

#include <QtTest>

using namespace layerscope;
using namespace layerscope::index;
using wcow::EntryType;

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
        QVERIFY(perEntry < 300);
    }
};

QTEST_GUILESS_MAIN(TestTreeIndex)
#include "tst_treeindex.moc"
