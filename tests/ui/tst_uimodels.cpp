// SPDX-License-Identifier: Apache-2.0
// The item models over core data: QAbstractItemModelTester on each, and what each row says on real fixture layers.
#include "chainmodel.h"
#include "entryreader.h"
#include "hive/hivereader.h"
#include "hive/systemhives.h"
#include "hivekeymodel.h"
#include "hivevaluemodel.h"
#include "itemroles.h"
#include "layertreemodel.h"
#include "sortproxymodel.h"
#include "sourceloader.h"
#include "theme.h"
#include "treefilter.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QtTest>

using namespace layerscope;
using namespace layerscope::ui;

namespace {

// Visits every index below `parent` (the tester only checks what views touch).
int walk(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    int count = 0;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        for (int column = 0; column < model.columnCount(parent); ++column) {
            const QModelIndex index = model.index(row, column, parent);
            for (int role : {int(Qt::DisplayRole), int(Qt::DecorationRole), int(Qt::ToolTipRole), int(Qt::FontRole),
                             int(Qt::ForegroundRole), int(SortRole), int(PathRole)})
                model.data(index, role);
            if (index.parent() != parent)
                return -1;
        }
        ++count;
        count += walk(model, model.index(row, 0, parent));
    }
    return count;
}

// Nodes below the root as the index links them (an index may hold dead nodes left by replaced paths).
int reachable(const index::TreeIndex& tree, index::NodeId node = 0)
{
    int count = 0;
    for (const auto child : tree.children(node))
        count += 1 + reachable(tree, child);
    return count;
}

QModelIndex findPath(const LayerTreeModel& model, const std::string& path)
{
    return model.indexOfNode(model.tree()->find(path));
}

QStringList paths(const index::TreeIndex& tree, const std::vector<index::NodeId>& nodes)
{
    QStringList out;
    for (auto node : nodes)
        out << QString::fromStdString(tree.path(node));
    return out;
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT
private slots:
    void treeModelPassesModelTesterOnEveryRow()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        LayerTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(uitestsupport::fixtureTree("base.tar"), false);
        const int rows = walk(model);
        QVERIFY(rows > 0);
        QCOMPARE(rows, reachable(*model.tree())); // every node below the root, once
        model.setTree(nullptr, false);
        QCOMPARE(model.rowCount(), 0);
    }

    void flatModeListsFilterMatchesByNameAndFolder()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        LayerTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(uitestsupport::fixtureTree("base.tar"), false);
        const TreeFilter filter(QStringLiteral("*.exe"));
        auto rows = filter.matches(*model.tree(), Progress::none());
        model.setFlatRows(std::make_shared<const std::vector<index::NodeId>>(rows));
        QVERIFY(model.isFlat());
        QCOMPARE(model.rowCount(), int(rows.size()));
        QCOMPARE(walk(model), int(rows.size()));
        // Name and folder apart, so that the part that differs (the name) is never cut off.
        QCOMPARE(model.index(0, LayerTreeModel::Name).data().toString(), QStringLiteral("app-link.exe"));
        QCOMPARE(model.index(0, LayerTreeModel::Folder).data().toString(), QStringLiteral("Files/Program Files/App"));
        QCOMPARE(model.index(0, 0).data(PathRole).toString(), QStringLiteral("Files/Program Files/App/app-link.exe"));
        model.setFlatRows(nullptr);
        QVERIFY(!model.index(0, LayerTreeModel::Folder).data().isValid()); // the tree shows folders as folders
        QVERIFY(!model.isFlat());
    }

    void proxySortsBySizeOnRawNumbers()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        LayerTreeModel model;
        SortProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(uitestsupport::fixtureTree("base.tar"), false);
        const QModelIndex app = proxy.mapFromSource(findPath(model, "Files/Program Files/App"));
        QVERIFY(app.isValid());
        proxy.sort(LayerTreeModel::Size, Qt::DescendingOrder);
        QVERIFY(walk(proxy) > 0);
        const QModelIndex appSorted = proxy.mapFromSource(findPath(model, "Files/Program Files/App"));
        // app.exe (12 KiB + 345) and its hard link are the largest; the 2-digit byte texts would sort otherwise.
        uint64_t previous = UINT64_MAX;
        for (int row = 0; row < proxy.rowCount(appSorted); ++row) {
            const auto size = proxy.index(row, LayerTreeModel::Size, appSorted).data(SortRole).toULongLong();
            QVERIFY(size <= previous);
            previous = size;
        }
        QCOMPARE(proxy.index(0, 0, appSorted).data().toString(), QStringLiteral("app.exe"));
        proxy.sort(LayerTreeModel::Name, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, 0, appSorted).data().toString(), QStringLiteral("app-link.exe"));
    }

    void rowsShowAttributesOwnerAndType()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        LayerTreeModel model;
        model.setTree(uitestsupport::fixtureTree("base.tar"), false);
        const QModelIndex oem = findPath(model, "Files/Windows/System32/oem.sys");
        QVERIFY(oem.isValid());
        QCOMPARE(oem.siblingAtColumn(LayerTreeModel::Attributes).data().toString(), QStringLiteral("RHSA"));
        QCOMPARE(oem.siblingAtColumn(LayerTreeModel::Type).data().toString(), QStringLiteral("file"));
        const QModelIndex app = findPath(model, "Files/Program Files/App/app.exe");
        QCOMPARE(app.siblingAtColumn(LayerTreeModel::Owner).data().toString(),
                 QStringLiteral("BUILTIN\\Administrators"));
        QCOMPARE(app.siblingAtColumn(LayerTreeModel::Size).data(SortRole).toULongLong(), 12ull * 1024 + 345);
    }

    void hardLinksAndWhiteoutsAreMarked()
    {
        SKIP_UNLESS_FIXTURE("delta.tar");
        LayerTreeModel model;
        model.setTree(uitestsupport::fixtureTree("base.tar"), false);
        const QModelIndex link = findPath(model, "Files/Program Files/App/app-link.exe");
        QVERIFY(link.data(Qt::FontRole).value<QFont>().italic());
        QVERIFY(link.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Hard link to")));
        QVERIFY(!link.data(Qt::DecorationRole).value<QIcon>().isNull());

        model.setTree(uitestsupport::fixtureTree("delta.tar"), false);
        const QModelIndex whiteout = findPath(model, "Files/Program Files/App/.wh.readme.txt");
        QVERIFY(whiteout.isValid());
        const QFont font = whiteout.data(Qt::FontRole).value<QFont>();
        QVERIFY(font.italic() && font.strikeOut());
        QCOMPARE(whiteout.siblingAtColumn(LayerTreeModel::Type).data().toString(), QStringLiteral("whiteout"));
        QVERIFY(whiteout.data(Qt::ForegroundRole).isValid());
    }

    void mergedViewNamesTheLayerThatSetEachPath()
    {
        SKIP_UNLESS_FIXTURE("images/oci-layout");
        const LoadedSource source = SourceLoader::load(
            QString::fromStdString(testsupport::fixture("images/oci-layout").string()), Progress::none());
        QCOMPARE(source.layers.size(), size_t(2));
        LayerTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(source.merged, true);
        QVERIFY(walk(model) > 0);
        QCOMPARE(findPath(model, "Files/NewDir/a.txt").siblingAtColumn(LayerTreeModel::Layer).data().toInt(), 1);
        QCOMPARE(findPath(model, "Files/Windows/win.ini").siblingAtColumn(LayerTreeModel::Layer).data().toInt(), 0);
        QVERIFY(!findPath(model, "Files/日本語.txt").isValid()); // removed by the delta's whiteout
    }

#if defined(LAYERSCOPE_HAVE_DISKS)
    // The app opens a bare VHDX through the same detection as the CLI and shows the NTFS volume as its tree.
    void opensTheNtfsInsideADisk()
    {
        SKIP_UNLESS_FIXTURE("ntfs/dynamic.vhdx");
        const LoadedSource source = SourceLoader::load(
            QString::fromStdString(testsupport::fixture("ntfs/dynamic.vhdx").string()), Progress::none());
        QCOMPARE(source.kind, std::string("disk"));
        QVERIFY(source.merged);
        QVERIFY(source.findings.empty());
        LayerTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(source.merged, true);
        QVERIFY(walk(model) > 0);
        QVERIFY(findPath(model, "Windows/System32/drivers/etc/hosts").isValid());
        QVERIFY(findPath(model, "with-stream.txt:Zone.Identifier").isValid());

        // Previews and export read a file, and a stream, off the volume.
        const auto shared = std::make_shared<const LoadedSource>(source);
        auto read = [&](const std::string& path) {
            const EntryReader reader = EntryReader::forEntry(shared, *source.merged, source.merged->find(path), -1);
            if (!reader.isValid())
                return reader.reason().toStdString();
            const auto bytes = reader.read(1 << 20, Progress::none());
            return std::string(bytes.begin(), bytes.end());
        };
        // hosts has three names; the first in path order is the file, the others hard links to it.
        QCOMPARE(read("Users/Public/hosts-link"), std::string("127.0.0.1 localhost\r\n"));
        QCOMPARE(read("with-stream.txt:Zone.Identifier"), std::string("[ZoneTransfer]\r\nZoneId=3\r\n"));
        QCOMPARE(read("with-stream.txt"), std::string("main data\n"));
        QVERIFY(!EntryReader::forEntry(shared, *source.merged, source.merged->find("Windows"), -1).isValid());
    }

    // A damaged MFT record is a row with a warning icon, a warning colour and the reason in its tooltip.
    void unreadableDiskEntriesAreMarked()
    {
        SKIP_UNLESS_FIXTURE("ntfs/corrupt-record.vhdx");
        const LoadedSource source = SourceLoader::load(
            QString::fromStdString(testsupport::fixture("ntfs/corrupt-record.vhdx").string()), Progress::none());
        LayerTreeModel model;
        model.setTree(source.merged, true);
        const QModelIndex bad = findPath(model, "hidden-system.sys");
        const QModelIndex good = findPath(model, "with-stream.txt");
        QVERIFY(bad.isValid() && good.isValid());
        QVERIFY2(bad.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Unreadable: MFT record")),
                 qPrintable(bad.data(Qt::ToolTipRole).toString()));
        QVERIFY(!good.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Unreadable")));
        QCOMPARE(bad.data(Qt::ForegroundRole).value<QColor>(), Theme::color(Theme::Warning));
        QVERIFY(!good.data(Qt::ForegroundRole).isValid());
        QVERIFY(bad.data(Qt::DecorationRole).value<QIcon>().cacheKey()
                != good.data(Qt::DecorationRole).value<QIcon>().cacheKey());
    }
#endif

    void chainModelListsLayersBaseToTopThenMerged()
    {
        SKIP_UNLESS_FIXTURE("images/oci-layout");
        auto source = std::make_shared<const LoadedSource>(SourceLoader::load(
            QString::fromStdString(testsupport::fixture("images/oci-layout").string()), Progress::none()));
        ChainModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSource(source);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(walk(model), 3);
        QCOMPARE(model.index(0, ChainModel::Layout).data().toString(), QStringLiteral("windows-base"));
        QCOMPARE(model.index(1, ChainModel::Layout).data().toString(), QStringLiteral("windows-delta"));
        QCOMPARE(model.index(2, ChainModel::Position).data().toString(), QStringLiteral("Merged"));
        QCOMPARE(model.index(2, 0).data(LayerRole).toInt(), -1);
        QCOMPARE(model.index(0, ChainModel::Digest).data().toString().size(), 12);
        model.setSource(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void filterMatchesSubstringsAndGlobs_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("substring, any case") << QStringLiteral("APP.EXE")
                                             << QStringList {QStringLiteral("Files/Program Files/App/app.exe"),
                                                             QStringLiteral("Files/Program Files/Shortcuts/app.exe")};
        QTest::newRow("glob on names") << QStringLiteral("app*.exe")
                                       << QStringList {QStringLiteral("Files/Program Files/App/app-link.exe"),
                                                       QStringLiteral("Files/Program Files/App/app.exe"),
                                                       QStringLiteral("Files/Program Files/Shortcuts/app.exe")};
        QTest::newRow("glob on paths") << QStringLiteral("Files/Windows/System32/config/S*")
                                       << QStringList {QStringLiteral("Files/Windows/System32/config/SAM"),
                                                       QStringLiteral("Files/Windows/System32/config/SECURITY"),
                                                       QStringLiteral("Files/Windows/System32/config/SOFTWARE"),
                                                       QStringLiteral("Files/Windows/System32/config/SYSTEM")};
        QTest::newRow("nothing") << QStringLiteral("no-such-name") << QStringList {};
    }

    void filterMatchesSubstringsAndGlobs()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const auto tree = uitestsupport::fixtureTree("base.tar");
        const TreeFilter filter(text);
        QCOMPARE(paths(*tree, filter.matches(*tree, Progress::none())), expected);
    }

    void hiveModelsPassModelTester()
    {
        const auto bytes = hive::minimalBcdStore("LayerScope test");
        auto reader = std::make_shared<const hive::HiveReader>(bytes);
        QVERIFY(reader->valid());
        HiveKeyModel keys;
        QAbstractItemModelTester keyTester(&keys, QAbstractItemModelTester::FailureReportingMode::QtTest);
        keys.setHive(reader);
        QCOMPARE(keys.rowCount(), 1);
        QVERIFY(walk(keys) > 3);
        const auto* objects = reader->find("Objects");
        QVERIFY(objects);
        const QModelIndex objectsIndex = keys.indexOfKey(objects);
        QCOMPARE(objectsIndex.data().toString(), QStringLiteral("Objects"));
        QCOMPARE(keys.parent(objectsIndex), keys.index(0, 0));

        HiveValueModel values;
        QAbstractItemModelTester valueTester(&values, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto* description
            = reader->find(std::string("Objects\\") + std::string(hive::kBcdLoaderGuid) + "\\Elements\\12000004");
        QVERIFY(description);
        values.setKey(reader, description);
        QVERIFY(values.rowCount() >= 1);
        QVERIFY(walk(values) >= 1);
        QVERIFY(values.index(0, HiveValueModel::Data).data().toString().contains(QStringLiteral("LayerScope test")));
        values.setKey(nullptr, nullptr);
        QCOMPARE(values.rowCount(), 0);
    }
};

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
