// SPDX-License-Identifier: Apache-2.0
// The Browse tab as a user meets it (issue 16): the Security tab of TrustedInstaller-owned files, filter results as
// names and folders, columns that fit the window and keep the user's widths, folders first, folder sizes, the
// chain's sizes and layer actions, and what a new document resets.
#include "chainmodel.h"
#include "chainpane.h"
#include "columnwidths.h"
#include "detailspane.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "formatting.h"
#include "hive/systemhives.h"
#include "hivebrowser.h"
#include "hivekeymodel.h"
#include "itemroles.h"
#include "layertreemodel.h"
#include "mainwindow.h"
#include "permissionmodel.h"
#include "securityview.h"
#include "sortproxymodel.h"
#include "taskrunner.h"
#include "treepane.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace layerscope;
using namespace layerscope::ui;

namespace {

constexpr const char* kTrustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";

QString fixturePath(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

// The window at the size the user had it (the offscreen screen is smaller than any real one).
void showAtUsualSize(MainWindow& window)
{
    window.resize(1280, 800);
    window.show();
}

bool waitForOpen(MainWindow& window, const QString& path)
{
    QSignalSpy opened(&window, &MainWindow::sourceOpened);
    window.openPath(path);
    return opened.wait(30000) || opened.size() > 0;
}

// Whether the header's columns fit the view's width (no column pushed off the right edge).
bool fits(const QTreeView* view)
{
    if (view->header()->length() <= view->viewport()->width())
        return true;
    QStringList widths;
    for (int c = 0; c < view->header()->count(); ++c)
        widths << QString::number(view->header()->isSectionHidden(c) ? -1 : view->header()->sectionSize(c));
    qInfo("%s: header %d > viewport %d (%s)", qPrintable(view->objectName()), view->header()->length(),
          view->viewport()->width(), qPrintable(widths.join(QLatin1Char(' '))));
    return false;
}

// The children of a tree row as the proxy shows them: folder or not, in display order.
QList<bool> folderFlags(const QAbstractItemModel& model, const QModelIndex& parent)
{
    QList<bool> flags;
    for (int row = 0; row < model.rowCount(parent); ++row)
        flags << model.index(row, 0, parent).data(FolderRole).toBool();
    return flags;
}

bool foldersFirst(const QList<bool>& flags)
{
    return std::is_sorted(flags.begin(), flags.end(), std::greater<bool>());
}

} // namespace

class TestBrowse : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        uitestsupport::useRealFontsIfThereAreNone(); // widths below are of real text, also under wine
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("LayerScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_browse"));
    }

    void init() { QSettings().clear(); }

    void securityTabOfATrustedInstallerFileReadsLikeWindows()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Windows/System32/oem.sys")));
        window.detailsPane()->tabs()->setCurrentIndex(DetailsPane::SecurityTab);
        SecurityView* view = window.detailsPane()->security();
        QAbstractItemModelTester tester(view->permissionModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        // Owner and group by name, with the SID beside (securitydescriptors.py SYSTEM_FILE).
        const QString owner = view->ownerLabel()->text();
        QVERIFY2(owner.contains(QStringLiteral("NT SERVICE\\TrustedInstaller")), qPrintable(owner));
        QVERIFY(owner.contains(QLatin1String(kTrustedInstaller)));
        QVERIFY(view->groupLabel()->text().contains(QStringLiteral("NT AUTHORITY\\SYSTEM")));
        QVERIFY(view->groupLabel()->text().contains(QStringLiteral("S-1-5-18")));
        // The ACE table in words: TrustedInstaller has full control, the rest read & execute, for this file only.
        const PermissionModel* model = view->permissionModel();
        QVERIFY(model->rowCount() >= 2);
        const auto cell = [model](int row, int column) { return model->index(row, column).data().toString(); };
        QCOMPARE(cell(0, PermissionModel::Type), QStringLiteral("Allow"));
        QCOMPARE(cell(0, PermissionModel::Principal), QStringLiteral("NT SERVICE\\TrustedInstaller"));
        QCOMPARE(cell(0, PermissionModel::Access), QStringLiteral("Full control"));
        QCOMPARE(cell(0, PermissionModel::AppliesTo), QStringLiteral("This file only"));
        bool readExecute = false;
        for (int row = 0; row < model->rowCount(); ++row) {
            readExecute = readExecute || cell(row, PermissionModel::Access) == QStringLiteral("Read & execute");
            QVERIFY(!cell(row, PermissionModel::Access).startsWith(QStringLiteral("0x"))); // never a raw mask
            QVERIFY(model->index(row, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("SDDL: (")));
        }
        QVERIFY(readExecute);
        // The raw SDDL, whole, selectable and wrapping anywhere (it has no spaces to wrap at).
        const QString sddl = view->sddlEdit()->toPlainText();
        QVERIFY(sddl.startsWith(QStringLiteral("O:%1G:SYD:").arg(QLatin1String(kTrustedInstaller))));
        QVERIFY(view->sddlEdit()->isReadOnly());
        QVERIFY(view->sddlEdit()->textInteractionFlags() & Qt::TextSelectableByMouse);
        QCOMPARE(view->sddlEdit()->wordWrapMode(), QTextOption::WrapAnywhere);
        QCOMPARE(view->sddlEdit()->lineWrapMode(), QPlainTextEdit::WidgetWidth);
        // Nothing pushed off the right edge.
        QTRY_VERIFY(fits(view->permissionView()));
    }

    void securityTabOfSystem32SaysWhatEachEntryAppliesTo()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Windows/System32")));
        const PermissionModel* model = window.detailsPane()->security()->permissionModel();
        QStringList rows;
        for (int row = 0; row < model->rowCount(); ++row)
            rows << QStringLiteral("%1|%2|%3")
                        .arg(model->index(row, PermissionModel::Principal).data().toString(),
                             model->index(row, PermissionModel::Access).data().toString(),
                             model->index(row, PermissionModel::AppliesTo).data().toString());
        // securityDescriptors.py SYSTEM32_DIR: TrustedInstaller's own entry and its inheritable one.
        QVERIFY2(rows.contains(QStringLiteral("NT SERVICE\\TrustedInstaller|Full control|This folder only")),
                 qPrintable(rows.join(QLatin1Char('\n'))));
        QVERIFY2(rows.contains(QStringLiteral("NT SERVICE\\TrustedInstaller|Full control|Subfolders only")),
                 qPrintable(rows.join(QLatin1Char('\n'))));
        QVERIFY(window.detailsPane()->security()->flagsLabel()->text().contains(QStringLiteral("protected DACL")));
    }

    void filterResultsAreNamesAndFoldersCutInTheMiddle()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        TreePane* pane = window.treePane();
        QAbstractItemModelTester tester(pane->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(pane->view()->textElideMode(), Qt::ElideMiddle);
        QVERIFY(pane->view()->isColumnHidden(LayerTreeModel::Folder));

        // gitignore-style: "**" spans folders, "*/name" finds the name under any folder.
        pane->setFilterText(QStringLiteral("Files/**/config/S*"));
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        QVERIFY(pane->model()->isFlat());
        QVERIFY(pane->model()->rowCount() >= 3); // SAM, SECURITY, SOFTWARE, SYSTEM
        QVERIFY(!pane->view()->isColumnHidden(LayerTreeModel::Folder));
        for (int row = 0; row < pane->model()->rowCount(); ++row) {
            QVERIFY(pane->model()->index(row, LayerTreeModel::Name).data().toString().startsWith(QLatin1Char('S')));
            // Where they are, below the folder they share: the column starts at "config", in System32.
            QCOMPARE(pane->model()->index(row, LayerTreeModel::Folder).data().toString(), QStringLiteral("config"));
        }
        QCOMPARE(pane->model()->headerData(LayerTreeModel::Folder, Qt::Horizontal).toString(),
                 QStringLiteral("Folder in System32"));
        QVERIFY(pane->model()
                    ->headerData(LayerTreeModel::Folder, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Files/Windows/System32")));
        pane->setFilterText(QStringLiteral("*/oem.sys"));
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        QCOMPARE(pane->model()->rowCount(), 1);
        QCOMPARE(pane->matchesLabel()->text(), QStringLiteral("1 match")); // not "1 matches"
        pane->setFilterText(QStringLiteral("*.exe"));
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        QCOMPARE(pane->matchesLabel()->text(), QStringLiteral("%1 matches").arg(pane->model()->rowCount()));
        // The syntax is explained where it is typed.
        QVERIFY(pane->filterEdit()->toolTip().contains(QStringLiteral("**")));
        QVERIFY(pane->filterEdit()->placeholderText().contains(QStringLiteral("**")));
        QTRY_VERIFY(fits(pane->view()));
        pane->setFilterText(QString());
        QVERIFY(!pane->model()->isFlat());
        QVERIFY(pane->view()->isColumnHidden(LayerTreeModel::Folder));
    }

    void aNewDocumentStartsWithoutTheOldFilterAndHive()
    {
        SKIP_UNLESS_FIXTURE("delta.tar");
        QTemporaryDir dir;
        const QString hivePath = dir.filePath(QStringLiteral("BCD"));
        testsupport::writeAll(hivePath.toStdString(), hive::minimalBcdStore("LayerScope test"));
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Windows/System32/oem.sys")));
        // A hive file opened from disk names itself, not the entry selected in the tree.
        window.openHiveFile(hivePath);
        QTRY_VERIFY(window.detailsPane()->hiveBrowser()->keyModel()->hive() != nullptr);
        const QString heading = window.detailsPane()->titleLabel()->text();
        QVERIFY2(heading.contains(QDir::toNativeSeparators(hivePath)), qPrintable(heading));
        QVERIFY(!heading.contains(QStringLiteral("oem.sys")));

        window.treePane()->setFilterText(QStringLiteral("*.sys"));
        QTRY_VERIFY(window.treePane()->model()->isFlat());
        QVERIFY(waitForOpen(window, fixturePath("delta.tar")));
        QVERIFY(window.treePane()->filterEdit()->text().isEmpty());
        QVERIFY(!window.treePane()->model()->isFlat());
        QVERIFY(window.treePane()->matchesLabel()->text().isEmpty());
        QCOMPARE(window.detailsPane()->hiveBrowser()->keyModel()->hive(), nullptr);
    }

    void foldersComeFirstInEitherOrder()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        TreePane* pane = window.treePane();
        QAbstractItemModelTester tester(pane->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QModelIndex system32 = pane->proxy()->mapFromSource(
            pane->model()->indexOfNode(pane->model()->tree()->find("Files/Windows/System32")));
        QVERIFY(system32.isValid());
        for (const int column : {int(LayerTreeModel::Name), int(LayerTreeModel::Size), int(LayerTreeModel::Modified)})
            for (const auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                pane->view()->sortByColumn(column, order);
                const QModelIndex parent = pane->proxy()->mapFromSource(
                    pane->model()->indexOfNode(pane->model()->tree()->find("Files/Windows/System32")));
                const QList<bool> flags = folderFlags(*pane->proxy(), parent);
                QVERIFY(flags.contains(true) && flags.contains(false)); // config/ and files
                QVERIFY2(foldersFirst(flags), qPrintable(QStringLiteral("column %1 order %2").arg(column).arg(order)));
            }
    }

    void foldersShowTheSizeOfWhatIsInThem()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        const LayerTreeModel* model = window.treePane()->model();
        const auto& tree = *model->tree();
        // Independently of core: the sizes of the file entries whose paths lie below the folder.
        const std::string folder = "Files/Windows/System32";
        uint64_t expected = 0;
        for (const auto& record : tree.records()) {
            const std::string path = tree.path(record.node);
            if (path.rfind(folder + "/", 0) == 0
                && (record.type == wcow::EntryType::File || record.type == wcow::EntryType::Stream))
                expected += record.size;
        }
        QVERIFY(expected > 0);
        const QModelIndex row = model->indexOfNode(tree.find(folder), LayerTreeModel::Size);
        QCOMPARE(row.data(SortRole).toULongLong(), qulonglong(expected));
        QVERIFY(!row.data().toString().isEmpty());
        QVERIFY(row.data(Qt::ToolTipRole).toString().contains(QLocale().toString(qulonglong(expected))));
        // The details pane says it too.
        QVERIFY(window.selectEntry(QString::fromStdString(folder)));
        QVERIFY(
            window.detailsPane()->fieldText(QStringLiteral("Size")).contains(QLocale().toString(qulonglong(expected))));
    }

    void columnsFitTheWindowAndDraggedWidthsAreKept()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        int dragged = 0;
        {
            MainWindow window;
            showAtUsualSize(window);
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(waitForOpen(window, fixturePath("base.tar")));
            QTreeView* view = window.treePane()->view();
            view->expandAll();
            QTRY_VERIFY(fits(view));
            QVERIFY(!ColumnWidths::userSet(view));
            // Drag the border between Name and the next column 60 pixels to the right.
            QHeaderView* header = view->header();
            const int border = header->sectionViewportPosition(0) + header->sectionSize(0) - 1;
            const int before = header->sectionSize(0);
            const QPoint start(border, header->height() / 2);
            QTest::mousePress(header->viewport(), Qt::LeftButton, Qt::NoModifier, start);
            QMouseEvent move(QEvent::MouseMove, QPointF(start + QPoint(60, 0)),
                             header->viewport()->mapToGlobal(QPointF(start + QPoint(60, 0))), Qt::NoButton,
                             Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(header->viewport(), &move);
            QTest::mouseRelease(header->viewport(), Qt::LeftButton, Qt::NoModifier, start + QPoint(60, 0));
            dragged = header->sectionSize(0);
            QVERIFY2(dragged > before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(dragged)));
            QVERIFY(ColumnWidths::userSet(view));
            // The user's widths are never refitted.
            window.resize(1000, 700);
            QTest::qWait(50);
            QCOMPARE(header->sectionSize(0), dragged);
        }
        MainWindow again;
        again.show();
        QVERIFY(ColumnWidths::userSet(again.treePane()->view()));
        QCOMPARE(again.treePane()->view()->header()->sectionSize(0), dragged);
    }

    void chainShowsSizesAndLayerActions()
    {
        SKIP_UNLESS_FIXTURE("images/oci-layout");
        QTemporaryDir dir;
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("images/oci-layout")));
        ChainModel* model = window.chainPane()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto& layers = window.source()->layers;
        uint64_t stored = 0;
        uint64_t uncompressed = 0;
        for (size_t i = 0; i < layers.size(); ++i) {
            QVERIFY(layers[i].uncompressedSize > layers[i].storedSize); // gzip layers
            QCOMPARE(model->index(int(i), ChainModel::Uncompressed).data(SortRole).toULongLong(),
                     qulonglong(layers[i].uncompressedSize));
            stored += layers[i].storedSize;
            uncompressed += layers[i].uncompressedSize;
        }
        QCOMPARE(model->totalStoredSize(), stored);
        QCOMPARE(model->totalUncompressedSize(), uncompressed);
        const int merged = model->mergedRow();
        QCOMPARE(model->index(merged, ChainModel::Uncompressed).data().toString(), Formatting::size(uncompressed));
        QVERIFY(window.chainPane()->factsLabel()->text().contains(Formatting::size(uncompressed)));

        // Copy Full Digest puts the whole digest on the clipboard.
        window.chainPane()->selectLayer(1);
        QVERIFY(window.chainPane()->copyDigestAction()->isEnabled());
        window.chainPane()->copyDigestAction()->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(layers[1].digest));
        QVERIFY(QApplication::clipboard()->text().size() == 71); // "sha256:" + 64 hex digits

        // Export Layer Blob writes the blob as stored, byte for byte.
        const QString target = dir.filePath(MainWindow::blobFileName(layers[1]));
        QVERIFY(target.endsWith(QStringLiteral(".tar.gz")));
        QSignalSpy exported(&window, &MainWindow::entryExported);
        window.exportLayerBlob(1, target, false);
        QVERIFY(exported.wait(30000));
        const QString blob
            = fixturePath("images/oci-layout/blobs/sha256/") + QString::fromStdString(layers[1].digest.substr(7));
        QFile a(target);
        QFile b(blob);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());
        // Never replaced without consent.
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.exportLayerBlob(0, target, false);
        QVERIFY(errors.wait(30000));
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("already exists")));
        // The merged row has no single blob.
        window.chainPane()->selectLayer(-1);
        QVERIFY(!window.chainPane()->exportBlobAction()->isEnabled());
        QVERIFY(!window.chainPane()->copyDigestAction()->isEnabled());
    }

    void compareWithOnAnEntryComparesThatEntry()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        MainWindow window;
        showAtUsualSize(window);
        QVERIFY(waitForOpen(window, fixturePath("roundtrip/original.tar.gz")));
        // The context menu's action names the entry it was opened on (a pane of its own: the window's would ask for
        // the other tree in a file dialog).
        TaskRunner runner;
        TreePane pane(&runner);
        pane.setTree(window.source()->layers[0].tree, false, QString());
        QVERIFY(pane.selectPath(QStringLiteral("Files/Windows")));
        QSignalSpy requested(&pane, &TreePane::compareWithRequested);
        QAction* compareWith = nullptr;
        for (QAction* action : pane.findChildren<QAction*>())
            if (action->text() == QStringLiteral("Compare &With…"))
                compareWith = action;
        QVERIFY(compareWith);
        compareWith->trigger();
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), QStringLiteral("Files/Windows"));

        // The comparison of that folder holds it and what is below it only.
        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        window.compare(fixturePath("roundtrip/original.tar.gz"), fixturePath("roundtrip/reexport.tar.gz"),
                       QStringLiteral("Files/Windows"));
        QVERIFY(compared.wait(60000));
        const auto& result = *window.diffPane()->model()->diff()->result;
        QCOMPARE(result.subtree(), std::string("Files/Windows"));
        QVERIFY(!result.changes().empty());
        for (const auto& change : result.changes())
            QVERIFY(result.path(change).rfind("Files/Windows", 0) == 0);
        QVERIFY(window.diffPane()->summaryLabel()->text().contains(QStringLiteral("only <b>Files/Windows</b>")));
    }
};

QTEST_MAIN(TestBrowse)
#include "tst_browse.moc"
