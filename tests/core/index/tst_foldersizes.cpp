// SPDX-License-Identifier: Apache-2.0
// Folder size rollups over indexes built by TreeIndexBuilder and merged by mergeLayers, as the app's tree shows them.
#include "index/foldersizes.h"
#include "index/mergedtree.h"
#include "index/treeindexbuilder.h"

#include <QtTest>

using namespace layerscope;
using namespace layerscope::index;
using wcow::EntryType;

namespace {

wcow::WindowsEntry entry(std::string path, EntryType type = EntryType::File, uint64_t size = 0,
                         std::string linkTarget = {})
{
    wcow::WindowsEntry e;
    e.path = std::move(path);
    e.type = type;
    e.size = size;
    e.linkTarget = std::move(linkTarget);
    return e;
}

TreeIndex build(const std::vector<wcow::WindowsEntry>& entries)
{
    TreeIndexBuilder builder(true);
    for (const auto& e : entries)
        builder.add(e, std::nullopt);
    return builder.finish();
}

class Cancelling final : public Progress
{
public:
    void advance(uint64_t, uint64_t) override { }
    bool cancelled() const override { return true; }
};

} // namespace

class TestFolderSizes : public QObject
{
    Q_OBJECT
private slots:
    void foldersAddUpFilesAndStreamsBelowThem()
    {
        const TreeIndex tree = build({
            entry("Files", EntryType::Directory),
            entry("Files/Windows", EntryType::Directory),
            entry("Files/Windows/a.dll", EntryType::File, 1000),
            entry("Files/Windows/a.dll:Zone.Identifier", EntryType::Stream, 26),
            entry("Files/Windows/System32/b.dll", EntryType::File, 2000), // System32 implied by its child
            entry("Files/Windows/System32/b-link.dll", EntryType::Hardlink, 0, "Files/Windows/System32/b.dll"),
            entry("Files/Windows/link", EntryType::Symlink, 0, "a.dll"),
            entry("Files/.wh.gone.txt", EntryType::Whiteout),
            entry("Hives", EntryType::Directory),
        });
        const FolderSizes sizes = FolderSizes::compute(tree);
        const auto at = [&](const char* path) { return tree.find(path); };
        QCOMPARE(sizes.bytes(at("Files/Windows/a.dll")), uint64_t(1000));
        QCOMPARE(sizes.bytes(at("Files/Windows/System32")), uint64_t(2000));
        QCOMPARE(sizes.files(at("Files/Windows/System32")), 2u); // the file and its second name
        QCOMPARE(sizes.bytes(at("Files/Windows")), uint64_t(3026));
        QCOMPARE(sizes.files(at("Files/Windows")), 3u);
        QCOMPARE(sizes.bytes(at("Files")), uint64_t(3026));
        QCOMPARE(sizes.bytes(at("Hives")), uint64_t(0));
        QCOMPARE(sizes.bytes(tree.root()), uint64_t(3026));
        QCOMPARE(sizes.bytes(InvalidNode), uint64_t(0));
        QVERIFY(sizes.memoryBytes() >= tree.nodeCount() * 12);
    }

    void mergedViewCountsWhatSurvivesTheWhiteouts()
    {
        const TreeIndex base = build({entry("Files", EntryType::Directory), entry("Files/a.txt", EntryType::File, 10),
                                      entry("Files/b.txt", EntryType::File, 20)});
        const TreeIndex delta
            = build({entry("Files", EntryType::Directory), entry("Files/.wh.a.txt", EntryType::Whiteout),
                     entry("Files/c.txt", EntryType::File, 300)});
        const TreeIndex* layers[] = {&base, &delta};
        const TreeIndex merged = mergeLayers(layers);
        const FolderSizes sizes = FolderSizes::compute(merged);
        QCOMPARE(sizes.bytes(merged.find("Files")), uint64_t(320));
        QCOMPARE(sizes.files(merged.find("Files")), 2u);
    }

    void deepTreesNeedNoRecursion()
    {
        std::vector<wcow::WindowsEntry> entries;
        std::string path = "Files";
        for (int depth = 0; depth < 20000; ++depth) {
            entries.push_back(entry(path, EntryType::Directory));
            path += "/d";
        }
        entries.push_back(entry(path + "/leaf.bin", EntryType::File, 7));
        const TreeIndex tree = build(entries);
        QCOMPARE(FolderSizes::compute(tree).bytes(tree.find("Files")), uint64_t(7));
    }

    void stopsWhenCancelled()
    {
        std::vector<wcow::WindowsEntry> entries {entry("Files", EntryType::Directory)};
        for (int i = 0; i < 10000; ++i)
            entries.push_back(entry("Files/f" + std::to_string(i), EntryType::File, 1));
        const TreeIndex tree = build(entries);
        Cancelling cancelling;
        QVERIFY_THROWS_EXCEPTION(Cancelled, FolderSizes::compute(tree, cancelling));
    }
};

QTEST_APPLESS_MAIN(TestFolderSizes)
#include "tst_foldersizes.moc"
