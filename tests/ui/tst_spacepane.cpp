// SPDX-License-Identifier: Apache-2.0
// The Space tab (issue 17): measured off the GUI thread on the generated chain of tests/fixtures/spacefixtures.py,
// its models checked with QAbstractItemModelTester and against the figures tst_space derives, the treemap laid
// out, "Show in Tree", and Cancel.
#include "duplicatemodel.h"
#include "hotspotmodel.h"
#include "itemroles.h"
#include "layerspacemodel.h"
#include "mainwindow.h"
#include "spacepane.h"
#include "taskrunner.h"
#include "treemapview.h"
#include "treepane.h"
#include "uitestsupport.h"
#include "wastedpathmodel.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

using namespace layerscope::ui;

namespace {

QString chain()
{
    return QString::fromStdString(testsupport::fixture("space/chain").string());
}

bool openAndMeasure(MainWindow& window)
{
    QSignalSpy opened(&window, &MainWindow::sourceOpened);
    window.openPath(chain());
    if (!opened.wait(30000) && opened.isEmpty())
        return false;
    QSignalSpy measured(window.spacePane(), &SpacePane::measured);
    window.modeTabs()->setCurrentWidget(window.spacePane());
    return measured.wait(30000) || !measured.isEmpty();
}

} // namespace

class TestSpacePane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("LayerScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_spacepane"));
    }
    void init() { QSettings().clear(); }

    void measuresWhenShown()
    {
        SKIP_UNLESS_FIXTURE("space/chain");
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        window.openPath(chain());
        QVERIFY(opened.wait(30000) || !opened.isEmpty());
        // Not measured while the tab is hidden.
        QVERIFY(!window.spacePane()->report());
        QVERIFY(!window.taskRunner()->isRunning(QStringLiteral("space")));
        QSignalSpy measured(window.spacePane(), &SpacePane::measured);
        window.modeTabs()->setCurrentWidget(window.spacePane());
        QVERIFY(measured.wait(30000) || !measured.isEmpty());
        QVERIFY(window.spacePane()->report());
        QVERIFY2(window.spacePane()->summary()->text().contains(QStringLiteral("94.79")),
                 qPrintable(window.spacePane()->summary()->text()));
    }

    void models()
    {
        SKIP_UNLESS_FIXTURE("space/chain");
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(openAndMeasure(window));
        SpacePane* pane = window.spacePane();
        QAbstractItemModelTester layers(pane->layerModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester wasted(pane->wastedModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester duplicates(pane->duplicateModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester hotSpots(pane->hotSpotModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        QCOMPARE(pane->layerModel()->rowCount(), 4);
        QCOMPARE(pane->layerModel()->index(1, LayerSpaceModel::Role).data().toString(), QStringLiteral("servicing"));
        QCOMPARE(pane->layerModel()->index(0, LayerSpaceModel::Hidden).data(SortRole).toULongLong(), 2100ull);
        QCOMPARE(pane->layerModel()->index(2, LayerSpaceModel::Removed).data(SortRole).toULongLong(), 1100ull);

        QCOMPARE(pane->wastedModel()->rowCount(), 2);
        QCOMPARE(pane->wastedModel()->index(0, WastedPathModel::Path).data().toString(),
                 QStringLiteral("Files/App/a.bin"));
        QCOMPARE(pane->wastedModel()->index(0, WastedPathModel::Wasted).data(SortRole).toULongLong(), 2700ull);
        QCOMPARE(pane->wastedModel()->index(0, WastedPathModel::Layers).data().toString(), QStringLiteral("0, 1, 3"));

        QCOMPARE(pane->duplicateModel()->rowCount(), 1);
        const QModelIndex group = pane->duplicateModel()->index(0, 0);
        QCOMPARE(pane->duplicateModel()->rowCount(group), 3);
        QCOMPARE(pane->duplicateModel()->index(0, DuplicateModel::Savable).data(SortRole).toULongLong(), 4000ull);
        QCOMPARE(pane->duplicateModel()->index(2, 0, group).data(PathRole).toString(),
                 QStringLiteral("Files/Copy/b3.bin"));
        QCOMPARE(pane->duplicateModel()->parent(pane->duplicateModel()->index(2, 0, group)), group);

        int logRow = -1;
        for (int r = 0; r < pane->hotSpotModel()->rowCount(); ++r)
            if (pane->hotSpotModel()->index(r, HotSpotModel::Rule).data().toString() == QLatin1String("log-files"))
                logRow = r;
        QVERIFY(logRow >= 0);
        QCOMPARE(pane->hotSpotModel()->index(logRow, HotSpotModel::Visible).data(SortRole).toULongLong(), 450ull);
        QCOMPARE(pane->hotSpotModel()->index(logRow, 0).data(PathRole).toString(),
                 QStringLiteral("Files/Windows/Logs/cbs.log"));
    }

    void treemap()
    {
        SKIP_UNLESS_FIXTURE("space/chain");
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(openAndMeasure(window));
        TreemapView* map = window.spacePane()->treemap();
        QTRY_VERIFY(map->cellCount() > 0);
        // Twelve visible files with data; every one large enough to get its own rectangle.
        QCOMPARE(map->cellCount(), size_t(12));
        // The hives are most of the bytes: the middle of the map is inside one of them or another file.
        QVERIFY(map->pathAt(map->rect().center()).startsWith(QLatin1String("Files/")));
        QVERIFY(map->pathAt(QPoint(-5, -5)).isEmpty());
    }

    void showInTree()
    {
        SKIP_UNLESS_FIXTURE("space/chain");
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(openAndMeasure(window));
        SpacePane* pane = window.spacePane();
        pane->listTabs()->setCurrentIndex(1); // duplicates
        const QModelIndex group = pane->duplicateModel()->index(0, 0);
        pane->duplicateView()->setCurrentIndex(pane->duplicateModel()->index(1, 0, group));
        pane->showCurrentInTree();
        QCOMPARE(window.modeTabs()->currentIndex(), 0);
        QTRY_COMPARE(window.treePane()->currentPath(), QStringLiteral("Files/Copy/b2.bin"));
        // The treemap's double click asks the same.
        QSignalSpy asked(pane, &SpacePane::showInTreeRequested);
        window.modeTabs()->setCurrentWidget(pane);
        const QPoint middle = pane->treemap()->rect().center();
        const QString path = pane->treemap()->pathAt(middle);
        QTest::mouseDClick(pane->treemap(), Qt::LeftButton, {}, middle);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.front().front().toString(), path);
        QTRY_COMPARE(window.treePane()->currentPath(), path);
    }

    void cancel()
    {
        SKIP_UNLESS_FIXTURE("space/chain");
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(openAndMeasure(window));
        // Measure again and cancel at once: no report of the cancelled run arrives, the summary says so.
        QSignalSpy cancelled(window.taskRunner(), &TaskRunner::taskCancelled);
        QSignalSpy measured(window.spacePane(), &SpacePane::measured);
        window.spacePane()->setSource(window.source()); // drops the report
        QVERIFY(!window.spacePane()->report());
        window.spacePane()->measure();
        window.taskRunner()->cancel(QStringLiteral("space"));
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        if (!cancelled.isEmpty()) {
            QVERIFY(!window.spacePane()->report());
            QVERIFY(window.spacePane()->summary()->text().contains(QStringLiteral("cancelled")));
        } else {
            // The measurement finished before Cancel reached it (a tiny chain): its report stands.
            QCOMPARE(measured.size(), 1);
        }
        // Closing the document empties the pane.
        window.closeSource();
        QVERIFY(!window.spacePane()->report());
        QCOMPARE(window.spacePane()->layerModel()->rowCount(), 0);
    }
};

QTEST_MAIN(TestSpacePane)
#include "tst_spacepane.moc"
