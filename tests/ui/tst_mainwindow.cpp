// SPDX-License-Identifier: Apache-2.0
// The window end to end, offscreen: open sources, pick layers, filter, details with an SDDL, a hive, errors,
// cancelling a long task, drag and drop.
#include "chainmodel.h"
#include "chainpane.h"
#include "changeview.h"
#include "common/sha256.h"
#include "detailspane.h"
#include "diff/treediff.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "hive/systemhives.h"
#include "hivebrowser.h"
#include "hivekeymodel.h"
#include "io/atomicfile.h"
#include "io/gzipsink.h"
#include "io/platformfile.h"
#include "itemroles.h"
#include "layertreemodel.h"
#include "mainwindow.h"
#include "newbaselayerdialog.h"
#include "permissionmodel.h"
#include "scratchpanel.h"
#include "securityview.h"
#include "tar/tarwriter.h"
#include "taskprogresswidget.h"
#include "taskrunner.h"
#include "treepane.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

#include <filesystem>
#include <set>

using namespace layerscope;
using namespace layerscope::ui;

namespace {

QString fixturePath(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

bool waitForOpen(MainWindow& window, const QString& path)
{
    QSignalSpy opened(&window, &MainWindow::sourceOpened);
    window.openPath(path);
    return opened.wait(30000) || opened.size() > 0;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a throw-away place
        QCoreApplication::setOrganizationName(QStringLiteral("LayerScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
    }

    void opensLayerIntoChainAndTree()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QCOMPARE(window.chainPane()->model()->rowCount(), 2); // the layer and the merged row
        QVERIFY(window.treePane()->model()->rowCount() > 0);
        QVERIFY(!window.treePane()->model()->isMerged());
        QVERIFY(window.windowTitle().contains(QStringLiteral("base.tar")));
        QCOMPARE(window.recentFiles().value(0), QFileInfo(fixturePath("base.tar")).absoluteFilePath());
    }

    void selectingALayerShowsItsTree()
    {
        SKIP_UNLESS_FIXTURE("images/oci-layout");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("images/oci-layout")));
        const auto source = window.source();
        QCOMPARE(source->layers.size(), size_t(2));
        QCOMPARE(window.chainPane()->model()->rowCount(), 3);
        // An image opens on its merged view.
        QVERIFY(window.treePane()->model()->isMerged());
        QCOMPARE(window.treePane()->model()->tree(), source->merged);

        window.chainPane()->selectLayer(1);
        QCOMPARE(window.treePane()->model()->tree(), source->layers[1].tree);
        QVERIFY(!window.treePane()->model()->isMerged());
        QVERIFY(window.treePane()->view()->isColumnHidden(LayerTreeModel::Layer));
        window.chainPane()->selectLayer(-1);
        QVERIFY(!window.treePane()->view()->isColumnHidden(LayerTreeModel::Layer));
    }

    void filterBoxShowsMatchesAsAFlatList()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        auto* pane = window.treePane();
        pane->filterEdit()->setText(QStringLiteral("*.exe")); // typed: applied after a short pause
        QTRY_VERIFY(pane->model()->isFlat());
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        QCOMPARE(pane->model()->rowCount(), 3);
        QCOMPARE(pane->view()->model()->rowCount(), 3);
        pane->setFilterText(QString());
        QVERIFY(!pane->model()->isFlat());
    }

    void detailsShowOwnerGroupAndTheAcesInWords()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Program Files/App/app.exe")));
        DetailsPane* details = window.detailsPane();
        QCOMPARE(details->fieldText(QStringLiteral("Path")), QStringLiteral("Files/Program Files/App/app.exe"));
        SecurityView* security = details->security();
        QVERIFY(security->ownerLabel()->text().contains(QStringLiteral("BUILTIN\\Administrators")));
        QVERIFY(security->ownerLabel()->text().contains(QStringLiteral("S-1-5-32-544")));
        QVERIFY(security->groupLabel()->text().contains(QStringLiteral("SYSTEM")));
        QVERIFY(security->sddlEdit()->toPlainText().startsWith(QStringLiteral("O:BAG:SYD:")));
        QCOMPARE(security->permissionModel()->rowCount(), 3);
        for (int row = 0; row < 3; ++row) {
            const auto index = [&](int column) { return security->permissionModel()->index(row, column); };
            QCOMPARE(index(PermissionModel::Type).data().toString(), QStringLiteral("Allow"));
            QCOMPARE(index(PermissionModel::Inherited).data().toString(), QStringLiteral("Yes"));
            QCOMPARE(index(PermissionModel::AppliesTo).data().toString(), QStringLiteral("This file only"));
        }
        QVERIFY(!details->fieldText(QStringLiteral("SHA-256")).isEmpty());
    }

    void opensAHiveInTheBrowser()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BCD"));
        testsupport::writeAll(path.toStdString(), hive::minimalBcdStore("LayerScope test"));
        MainWindow window;
        window.show();
        window.openHiveFile(path);
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        HiveBrowser* browser = window.detailsPane()->hiveBrowser();
        QCOMPARE(browser->keyModel()->rowCount(), 1);
        QVERIFY(browser->selectKey(QStringLiteral("Description")));
        QVERIFY(browser->valueView()->model()->rowCount() >= 1);
        QCOMPARE(window.detailsPane()->tabs()->currentIndex(), int(DetailsPane::HiveTab));
    }

    void errorDialogNamesTheFileAndTheProblem()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.tar.gz"));
        testsupport::writeAll(path.toStdString(), {0x1f, 0x8b, 0x08, 0x00, 'n', 'o', 't', ' ', 'g', 'z', 'i', 'p'});
        MainWindow window;
        window.show();
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.openPath(path);
        QVERIFY(errors.wait(30000));
        QVERIFY(errors.first().at(0).toString().contains(QStringLiteral("broken.tar.gz")));
        QVERIFY(!errors.first().at(1).toString().isEmpty());
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"));
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("broken.tar.gz")));
        QVERIFY(!window.source());
    }

    // A bare VHD or VHDX opens as what it says about itself, shown above the (empty) chain.
    void opensADiskAsItsSummary()
    {
        SKIP_UNLESS_FIXTURE("images/disks/differencing.vhd");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("images/disks/differencing.vhd")));
        const auto source = window.source();
        QCOMPARE(source->kind, std::string("disk"));
        QVERIFY(source->layers.empty());
        const QString summary = QStringLiteral("VHD differencing disk, 10 GiB virtual (10737418240 bytes), 2 MiB "
                                               "blocks, 512-byte sectors, parent .\\base.vhd");
        bool shown = false;
        for (const QLabel* label : window.chainPane()->findChildren<QLabel*>())
            shown |= label->text().contains(summary.toHtmlEscaped());
        QVERIFY(shown);
    }

    // A VHDX with NTFS inside opens on its volume: the tree shows the files, though the chain has no rows.
    void opensTheVolumeInsideADisk()
    {
#if !defined(LAYERSCOPE_HAVE_DISKS)
        QSKIP("built without LAYERSCOPE_DISKS: no NTFS inside disks");
#endif
        SKIP_UNLESS_FIXTURE("ntfs/dynamic.vhdx");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("ntfs/dynamic.vhdx")));
        QCOMPARE(window.chainPane()->model()->rowCount(), 0);
        // No empty layer table above the volume: the disk's facts are all the chain pane shows.
        QVERIFY(!window.chainPane()->view()->isVisible());
        // ... and the volume's tree right below the facts, not below the room the table had.
        QTRY_VERIFY(window.treePane()->geometry().top() - window.chainPane()->geometry().bottom() < 12);
        LayerTreeModel* model = window.treePane()->model();
        QVERIFY(!model->isMerged()); // one volume: no layers to name
        QStringList top;
        for (int row = 0; row < model->rowCount(); ++row)
            top << model->index(row, 0).data().toString();
        QVERIFY2(top.contains(QStringLiteral("Windows")), qPrintable(top.join(QLatin1Char(' '))));
        QVERIFY2(top.contains(QStringLiteral("Users")), qPrintable(top.join(QLatin1Char(' '))));

        // Opening read no file data; selecting a file reads it for its SHA-256 (README.md holds "# readme\n").
        QVERIFY(window.selectEntry(QStringLiteral("Users/Public/README.md")));
        DetailsPane* details = window.detailsPane();
        const std::string text = "# readme\n";
        const QString expected = QString::fromStdString(
            toHex(Sha256::of(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()))));
        QTRY_COMPARE_WITH_TIMEOUT(details->fieldText(QStringLiteral("SHA-256")), expected, 10000);
        QVERIFY(window.selectEntry(QStringLiteral("Program Files/App/app.exe")));
        QTRY_VERIFY_WITH_TIMEOUT(details->fieldText(QStringLiteral("SHA-256")).size() == 64, 10000);
        QVERIFY(details->fieldText(QStringLiteral("SHA-256")) != expected);
        // Back to README.md: the digest is remembered, not read again.
        QVERIFY(window.selectEntry(QStringLiteral("Users/Public/README.md")));
        QCOMPARE(details->fieldText(QStringLiteral("SHA-256")), expected);
        QVERIFY(!window.taskRunner()->isRunning(QStringLiteral("digest")));

        // A layer opened next has its table back.
        SKIP_UNLESS_FIXTURE("base.tar");
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.chainPane()->view()->isVisible());
        QVERIFY(window.chainPane()->height() > window.chainPane()->factsLabel()->height() * 2);
    }

    // A disk not closed cleanly opens with its log replayed: the facts say so, and the file whose last write is only
    // in the log shows its new bytes (the generator's content, kernel32.dll's bytes reversed).
    void opensADiskNotClosedCleanlyWithItsLogReplayed()
    {
#if !defined(LAYERSCOPE_HAVE_DISKS)
        QSKIP("built without LAYERSCOPE_DISKS: no NTFS inside disks");
#endif
        SKIP_UNLESS_FIXTURE("ntfs/logged.vhdx");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("ntfs/logged.vhdx")));
        const QString facts = window.chainPane()->factsLabel()->text();
        QVERIFY2(facts.contains(QStringLiteral("not closed cleanly (log of 2 entries replayed in memory)")),
                 qPrintable(facts));
        QVERIFY(window.selectEntry(QStringLiteral("Windows/System32/kernel32.dll")));
        std::string content = "MZ";
        for (int i = 0; i < 40; ++i)
            for (int b = 255; b >= 0; --b)
                content.push_back(char(b));
        const QString expected = QString::fromStdString(
            toHex(Sha256::of(std::span(reinterpret_cast<const uint8_t*>(content.data()), content.size()))));
        QTRY_COMPARE_WITH_TIMEOUT(window.detailsPane()->fieldText(QStringLiteral("SHA-256")), expected, 10000);
    }

    void sayWhatAFileIsNot()
    {
        SKIP_UNLESS_FIXTURE("images/disks/random.bin");
        MainWindow window;
        window.show();
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.openPath(fixturePath("images/disks/random.bin"));
        QVERIFY(errors.wait(30000));
        QVERIFY2(errors.first().at(1).toString().contains(
                     QStringLiteral("not a tar archive, OCI layout, docker archive, VHDX/VHD disk or Windows layer "
                                    "folder; starts with 3f a2 17 00")),
                 qPrintable(errors.first().at(1).toString()));
        QVERIFY(!window.source());
    }

    void cancellingALongOpenLeavesTheWindowAsItWas()
    {
        // A 768 MiB layer of zeros: a few hundred KiB gzipped, and seconds of inflating and hashing to interrupt.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("zeros.tar.gz"));
        // Written with the core's own tar and gzip writers: a Windows build cannot wait for a Python it starts
        // under wine, and QProcess::execute would wait for ever.
        {
            io::AtomicFile file(path.toStdString());
            io::GzipSink gzip(file, 1);
            tar::TarWriter writer(gzip);
            tar::TarHeader header;
            header.path = "Files/zeros.bin";
            header.size = uint64_t(768) << 20;
            writer.add(header);
            const std::vector<uint8_t> zeros(size_t(1) << 20);
            for (uint64_t written = 0; written < header.size; written += zeros.size())
                writer.writeData(zeros.data(), zeros.size());
            writer.finish();
            gzip.finish();
            file.commit();
        }

        MainWindow window;
        window.show();
        QSignalSpy errors(&window, &MainWindow::errorShown);
        QSignalSpy cancelled(window.taskRunner(), &TaskRunner::cancelled);
        QSignalSpy progress(window.taskRunner(), &TaskRunner::progressChanged);
        window.openPath(path);
        auto* cancel = window.findChild<QToolButton*>(QStringLiteral("cancelTask"));
        QVERIFY(cancel);
        QTRY_VERIFY(cancel->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(progress.begin(), progress.end(), [](const QList<QVariant>& a) { return a.at(1).toInt() > 0; }),
            30000);
        cancel->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window.taskRunner()->isBusy(), 10000);
        QCOMPARE(cancelled.size(), 1);
        QCOMPARE(errors.size(), 0);
        QVERIFY(!window.source());
        QVERIFY(!cancel->isVisible());
    }

    void newerOpenSupersedesTheOneStillLoading()
    {
        SKIP_UNLESS_FIXTURE("delta.tar");
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        window.openPath(fixturePath("base.tar.gz"));
        window.openPath(fixturePath("delta.tar"));
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        QCOMPARE(opened.size(), 1);
        QVERIFY(window.source()->path.endsWith(QStringLiteral("delta.tar")));
    }

    void droppingAFileOpensIt()
    {
        SKIP_UNLESS_FIXTURE("delta.tar");
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(fixturePath("delta.tar"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(opened.wait(30000));
    }

    void windowStateAndSplittersAreKept()
    {
        QByteArray saved;
        {
            MainWindow window;
            window.show();
            auto* splitter = window.findChild<QSplitter*>(QStringLiteral("browseSplitter"));
            splitter->setSizes({300, 900});
            saved = splitter->saveState();
            window.close();
        }
        MainWindow again;
        QCOMPARE(again.findChild<QSplitter*>(QStringLiteral("browseSplitter"))->saveState(), saved);
    }

    void previewShowsTheFirstBytesOfAnEntry()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Program Files/App/readme.txt")));
        auto* preview = window.detailsPane()->findChild<QPlainTextEdit*>(QStringLiteral("preview"));
        QTRY_VERIFY(preview->toPlainText().startsWith(QStringLiteral("LayerScope fixture application.")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Windows/System32/oem.sys")));
        QTRY_VERIFY(preview->toPlainText().startsWith(QStringLiteral("00000000  ")));
    }

    void readsAConfigHiveOutOfALayer()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/Windows/System32/config/SYSTEM")));
        auto* button = window.detailsPane()->findChild<QPushButton*>(QStringLiteral("readHive"));
        QVERIFY(button && button->isEnabled());
        button->click();
        HiveBrowser* browser = window.detailsPane()->hiveBrowser();
        QTRY_COMPARE(browser->keyModel()->rowCount(), 1);
        QVERIFY(browser->keyModel()->hive()->valid());
        QCOMPARE(window.detailsPane()->tabs()->currentIndex(), int(DetailsPane::HiveTab));
    }

    void diffOfTheRoundTripPairShowsTheCliCounts()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        const QString a = fixturePath("roundtrip/original.tar.gz");
        const QString b = fixturePath("roundtrip/reexport.tar.gz");
        MainWindow window;
        window.show();
        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        window.compare(a, b);
        QVERIFY(compared.wait(60000));
        QCOMPARE(window.modeTabs()->currentWidget(), window.diffPane());
        const auto& summary = window.diffPane()->model()->diff()->result->summary();
        const QString shown = window.diffPane()->summaryLabel()->text();

        // The CLI's numbers, from its JSON contract, when it is built; else core's, which the CLI prints.
        QJsonObject expected;
        if (QFileInfo::exists(QStringLiteral(LAYERSCOPE_CLI))) {
            QProcess cli;
            cli.start(QStringLiteral(LAYERSCOPE_CLI), {QStringLiteral("diff"), QStringLiteral("--json"), a, b});
            QVERIFY(cli.waitForFinished(60000));
            expected
                = QJsonDocument::fromJson(cli.readAllStandardOutput()).object()[QStringLiteral("summary")].toObject();
        }
        if (expected.isEmpty()) {
            qWarning("layerscope-cli not built; comparing with core's summary");
            expected[QStringLiteral("added")] = qint64(summary.added);
            expected[QStringLiteral("removed")] = qint64(summary.removed);
            expected[QStringLiteral("changed")] = qint64(summary.changed);
            expected[QStringLiteral("expected")] = qint64(summary.expected);
            expected[QStringLiteral("unexpected")] = qint64(summary.unexpected);
            expected[QStringLiteral("identical")] = qint64(summary.identical);
        }
        for (const char* key : {"identical", "added", "removed", "changed", "expected", "unexpected"}) {
            const QString needle = QStringLiteral("%1 %2")
                                       .arg(QLatin1String(key))
                                       .arg(QLocale().toString(expected[QLatin1String(key)].toInteger()));
            QVERIFY2(shown.contains(needle), qPrintable(needle + QStringLiteral(" not in ") + shown));
        }
        QVERIFY(summary.unexpected > 0 && summary.expected > 0);

        // Filters: unexpected only shows exactly the unexpected changes; kinds can be switched off.
        DiffPane* pane = window.diffPane();
        QAbstractItemModelTester tester(pane->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(pane->model()->changeRowCount(), int(summary.added + summary.removed + summary.changed));
        pane->expectedFilter()->setCurrentIndex(1);
        QCOMPARE(pane->model()->changeRowCount(), int(summary.unexpected));
        pane->kindFilter(int(diff::ChangeKind::Changed))->setChecked(false);
        QVERIFY(pane->model()->changeRowCount() < int(summary.unexpected));
        pane->kindFilter(int(diff::ChangeKind::Changed))->setChecked(true);

        // A real change, side by side: win.ini's content differs.
        const QModelIndex winIni = pane->model()->indexOfPath(QStringLiteral("Files/Windows/win.ini"));
        QVERIFY(winIni.isValid());
        pane->showChange(winIni);
        const auto content = pane->sideBySide()->findItems(QStringLiteral("content"), Qt::MatchExactly);
        QCOMPARE(content.size(), 1);
        QVERIFY(content.first()->text(1) != content.first()->text(2));

        // Reports in the CLI's three formats.
        QTemporaryDir dir;
        QSignalSpy saved(pane, &DiffPane::reportSaved);
        const std::pair<QString, DiffPane::ReportFormat> reports[]
            = {{QStringLiteral("r.md"), DiffPane::ReportFormat::Markdown},
               {QStringLiteral("r.html"), DiffPane::ReportFormat::Html},
               {QStringLiteral("r.json"), DiffPane::ReportFormat::Json}};
        for (const auto& [name, format] : reports) {
            pane->saveReport(dir.filePath(name), format);
            QTRY_VERIFY(!window.taskRunner()->isBusy());
        }
        QCOMPARE(saved.size(), 3);
        QFile json(dir.filePath(QStringLiteral("r.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(json.readAll())
                     .object()[QStringLiteral("summary")]
                     .toObject()[QStringLiteral("unexpected")]
                     .toInteger(),
                 qint64(summary.unexpected));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("r.html"))).size() > 0);
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("r.md"))).size() > 0);
    }

    // A container's sandbox folder (layerchain.json + sandbox.vhdx) over the fixture chain: the chain pane offers its
    // disk, and "Compare with the Chain" shows what the container did in the Diff tab, none of what it left alone.
    void comparesASandboxDiskWithItsChain()
    {
#if !defined(LAYERSCOPE_HAVE_DISKS)
        QSKIP("built without LAYERSCOPE_DISKS: no NTFS inside disks");
#endif
        SKIP_UNLESS_FIXTURE("ntfs/sandbox.vhdx");
        namespace fs = std::filesystem;
        QTemporaryDir tmp;
        const fs::path windowsfilter = fs::path(tmp.path().toStdString()) / "windowsfilter";
        fs::copy(testsupport::fixture("images/windowsfilter"), windowsfilter, fs::copy_options::recursive);
        std::string top;
        for (const auto& folder : fs::directory_iterator(windowsfilter))
            if (fs::exists(folder.path() / "bcd.bak")) // the fixture chain's top layer
                top = folder.path().filename().string();
        QVERIFY(!top.empty());
        const fs::path sandbox = windowsfilter / std::string(64, 'e');
        fs::create_directory(sandbox);
        fs::copy_file(testsupport::fixture("ntfs/sandbox.vhdx"), sandbox / "sandbox.vhdx");
        const std::vector<uint8_t> own = testsupport::readAll(windowsfilter / top / "layerchain.json");
        std::string parents(own.begin(), own.end());
        parents.insert(1, "\"C:\\\\ProgramData\\\\docker\\\\windowsfilter\\\\" + top + "\",");
        QFile chainFile(QString::fromStdString((sandbox / "layerchain.json").string()));
        QVERIFY(chainFile.open(QIODevice::WriteOnly));
        chainFile.write(parents.c_str());
        chainFile.close();

        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, QString::fromStdString(sandbox.string())));
        QCOMPARE(int(window.source()->layers.size()), 4);
        // Layer folders have no digests: the chain names each by its folder.
        QCOMPARE(window.chainPane()->model()->headerData(ChainModel::Digest, Qt::Horizontal).toString(),
                 QStringLiteral("Folder"));
        QCOMPARE(window.chainPane()->model()->index(3, ChainModel::Digest).data().toString(), QString(12, 'e'));
        QCOMPARE(window.chainPane()->model()->index(2, ChainModel::Digest).data().toString(),
                 QString::fromStdString(top.substr(0, 12)));
        window.chainPane()->selectLayer(3);
        const QList<QAction*> actions = window.chainPane()->diskActions(this);
        QCOMPARE(actions.size(), 2);
        QCOMPARE(actions[0]->objectName(), QStringLiteral("actionOpenDisk"));
        QCOMPARE(actions[1]->text(), QStringLiteral("Compare sandbox.vhdx with the Chain"));
        window.chainPane()->selectLayer(2); // a lower layer's disks are offered to open, not to compare
        for (QAction* a : window.chainPane()->diskActions(this))
            QVERIFY(a->objectName() != QStringLiteral("actionCompareDisk"));

        // The disk is a row of the chain: selecting it reads the volume in the background and browses it like a layer,
        // with previews read off the disk; selecting a layer again shows that layer.
        // Found by its place, not by its spelling: on Windows the folder path mixes '/' (Qt's) and '\' (the path
        // library's), and the row keeps the spelling the layer folder reader made.
        const QString expected = QDir::cleanPath(
            QDir::fromNativeSeparators(QString::fromStdString(io::pathToUtf8(sandbox / "sandbox.vhdx"))));
        ChainModel* chain = window.chainPane()->model();
        const int diskRow = [&] {
            for (int row = chain->mergedRow() + 1; row < chain->rowCount(); ++row)
                if (QDir::cleanPath(QDir::fromNativeSeparators(chain->index(row, 0).data(DiskRole).toString()))
                    == expected)
                    return row;
            return -1;
        }();
        QVERIFY(diskRow > chain->mergedRow());
        const QString disk = chain->index(diskRow, 0).data(DiskRole).toString();
        QCOMPARE(chain->index(diskRow, ChainModel::Digest).data().toString(), QStringLiteral("sandbox.vhdx"));
        QCOMPARE(chain->diskAt(diskRow)->layer, 3);
        QVERIFY(window.chainPane()->selectDisk(disk));
        QTRY_VERIFY_WITH_TIMEOUT(window.treePane()->model()->tree() != nullptr, 30000);
        QVERIFY(!window.treePane()->model()->isMerged());
        const auto volume = window.treePane()->model()->tree();
        QVERIFY(volume->find("Users/Public/new.txt") != index::InvalidNode);
        QCOMPARE(window.currentTreeSpec(), disk);
        QVERIFY(window.selectEntry(QStringLiteral("Program Files/App/config.json")));
        auto* preview = window.detailsPane()->findChild<QPlainTextEdit*>(QStringLiteral("preview"));
        QTRY_COMPARE_WITH_TIMEOUT(preview->toPlainText(), QStringLiteral("{\"debug\": true}\n"), 10000);
        QVERIFY(window.chainPane()->diskActions(this).size() == 2); // its own Open and Compare
        window.chainPane()->selectLayer(3);
        QCOMPARE(window.treePane()->model()->tree(), window.source()->layers[3].tree);
        QCOMPARE(window.currentTreeSpec(), window.source()->path + QStringLiteral("@3"));
        window.chainPane()->selectDisk(disk); // read once, kept: shown at once the second time
        QCOMPARE(window.treePane()->model()->tree(), volume);

        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        actions[1]->trigger();
        QVERIFY(compared.wait(60000));
        QCOMPARE(window.modeTabs()->currentWidget(), window.diffPane());
        const diff::DiffResult& result = *window.diffPane()->model()->diff()->result;
        QVERIFY(QString::fromStdString(result.b().label).contains(QStringLiteral(" over ")));
        std::set<std::string> added;
        for (const diff::Change& c : result.changes()) {
            // The chain's files the container never touched, or only through placeholders, are not changes.
            QVERIFY2(c.kind != diff::ChangeKind::Removed, result.path(c).c_str());
            if (c.kind == diff::ChangeKind::Added)
                added.insert(result.path(c));
        }
        QVERIFY(added.count("Files/Users/Public/new.txt"));
        QVERIFY(added.count("Files/Program Files/App/config.json"));
        QVERIFY(!added.count("Files/Windows/win.ini"));
    }

    void folderFieldOnlyInTheFromFolderDialog()
    {
        // Sanitizer finding (issue 15 §4): the folder row's layout was created in both modes but adopted only in
        // "from folder" mode (a leak, caught by LeakSanitizer in the sanitizer leg), and the unused folder field
        // was still shown, outside every layout. The empty-base dialog has no folder field at all now.
        NewBaseLayerDialog empty(false);
        empty.show();
        QVERIFY(QTest::qWaitForWindowExposed(&empty));
        QVERIFY(!empty.folderEdit());
        QVERIFY(!empty.findChild<QLineEdit*>(QStringLiteral("folder")));
        NewBaseLayerDialog fromFolder(true);
        fromFolder.show();
        QVERIFY(QTest::qWaitForWindowExposed(&fromFolder));
        QVERIFY(fromFolder.folderEdit()->isVisible());
        QVERIFY(fromFolder.folderEdit()->geometry().intersects(fromFolder.outputEdit()->geometry()) == false);
    }

    void createsAnEmptyBaseLayerThroughTheDialogAndOpensIt()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        NewBaseLayerDialog dialog(false, &window);
        dialog.formatBox()->setCurrentIndex(1); // .tar
        QVERIFY(dialog.outputEdit()->text().endsWith(QStringLiteral(".tar")));
        dialog.outputEdit()->setText(dir.filePath(QStringLiteral("empty-base.tar")));
        dialog.utilityVmBox()->setChecked(true);
        dialog.osVersionEdit()->setText(QStringLiteral("10.0.20348.1"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const auto request = dialog.request();
        QCOMPARE(request.format, baselayer::OutputFormat::Tar);
        QVERIFY(request.utilityVm);

        QSignalSpy created(&window, &MainWindow::baseLayerCreated);
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        window.createBaseLayer(request);
        QVERIFY(opened.wait(60000));
        QCOMPARE(created.size(), 1);
        QVERIFY(created.first().at(1).toString().startsWith(QStringLiteral("sha256:")));
        QCOMPARE(window.source()->layers.size(), size_t(1));
        QCOMPARE(window.source()->layers.front().layout, std::string("windows-base"));
        QVERIFY(window.source()->layers.front().problems.empty());
        QCOMPARE(QString::fromStdString(window.source()->layers.front().digest), created.first().at(1).toString());
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("baseLayerCreatedDialog"));
        QVERIFY(box);
        QVERIFY(box->text().contains(created.first().at(1).toString()));
        QVERIFY(window.selectEntry(QStringLiteral("UtilityVM/Files/EFI/Microsoft/Boot/BCD")));
    }

    void cancellingABuildLeavesNoOutput()
    {
        // A folder with a 3 GiB sparse file: seconds of gzip to interrupt, no disk space needed.
        QTemporaryDir input;
        QTemporaryDir out;
        {
            QFile big(input.filePath(QStringLiteral("big.bin")));
            QVERIFY(big.open(QIODevice::WriteOnly));
            QVERIFY(big.resize(qint64(3) << 30));
        }
        MainWindow window;
        window.show();
        NewBaseLayerDialog::Request request;
        request.fromFolder = std::filesystem::path(input.path().toStdString());
        request.output = std::filesystem::path(out.filePath(QStringLiteral("big-base.tar.gz")).toStdString());
        request.format = baselayer::OutputFormat::TarGz;
        QSignalSpy errors(&window, &MainWindow::errorShown);
        QSignalSpy created(&window, &MainWindow::baseLayerCreated);
        QSignalSpy progress(window.taskRunner(), &TaskRunner::progressChanged);
        window.createBaseLayer(request);
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(progress.begin(), progress.end(), [](const QList<QVariant>& a) { return a.at(1).toInt() > 0; }),
            30000);
        window.findChild<QToolButton*>(QStringLiteral("cancelTask"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window.taskRunner()->isBusy(), 30000);
        QCOMPARE(created.size(), 0);
        QCOMPARE(errors.size(), 0);
        QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
    }

    void sampleOpensWithSomethingInEveryPane()
    {
        MainWindow window;
        window.show();
        QSignalSpy created(&window, &MainWindow::sampleCreated);
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        window.openSample();
        QVERIFY(opened.wait(60000));
        QCOMPARE(created.size(), 1);
        // Chain: the empty base and the delta, both valid.
        const auto source = window.source();
        QCOMPARE(source->layers.size(), size_t(2));
        QCOMPARE(source->layers[0].layout, std::string("windows-base"));
        QCOMPARE(source->layers[1].layout, std::string("windows-delta"));
        QVERIFY(source->findings.empty());
        QCOMPARE(window.chainPane()->model()->rowCount(), 3);
        // Tree: the merged view, where the delta's whiteout hides the base's readme.
        QVERIFY(window.treePane()->model()->isMerged());
        QVERIFY(!window.selectEntry(QStringLiteral("Files/Users/Public/readme.txt")));
        // Details: a file with a security descriptor, its preview read out of the image's blob.
        QVERIFY(window.selectEntry(QStringLiteral("Files/Program Files/Contoso/app.exe")));
        QVERIFY(
            window.detailsPane()->security()->sddlEdit()->toPlainText().startsWith(QStringLiteral("O:BAG:SYD:PAI")));
        auto* preview = window.detailsPane()->findChild<QPlainTextEdit*>(QStringLiteral("preview"));
        QTRY_VERIFY(preview->toPlainText().startsWith(QStringLiteral("00000000  4d 5a")));
        // Hive: the delta's registry hive opens in the browser.
        window.chainPane()->selectLayer(1);
        QVERIFY(window.selectEntry(QStringLiteral("Hives/Software_Delta")));
        auto* button = window.detailsPane()->findChild<QPushButton*>(QStringLiteral("readHive"));
        QVERIFY(button && button->isEnabled());
        button->click();
        HiveBrowser* browser = window.detailsPane()->hiveBrowser();
        QTRY_VERIFY(browser->keyModel()->hive() != nullptr);
        QVERIFY(browser->keyModel()->hive()->find("Contoso\\Sample App") != nullptr);
        // Merged registry: View > Merged Registry > SOFTWARE is the base's (empty) hive with that delta applied.
        auto* mergedSoftware = window.findChild<QAction*>(QStringLiteral("actionMergedHive-SOFTWARE"));
        QVERIFY(mergedSoftware && mergedSoftware->isEnabled());
        const hive::HiveReader* deltaHive = browser->keyModel()->hive().get();
        mergedSoftware->trigger();
        QTRY_VERIFY(browser->keyModel()->hive().get() != deltaHive);
        const hive::HiveReader* mergedHive = browser->keyModel()->hive().get();
        QCOMPARE(mergedHive->header().fileName, std::string("SOFTWARE"));
        QVERIFY(mergedHive->find("Contoso\\Sample App\\Settings") != nullptr);
        QVERIFY(mergedHive->find("Microsoft\\Windows NT\\CurrentVersion")->value("EditionID") != nullptr);
        // Diff: the round-trip pair, compared already, with exactly the one planted unexpected change.
        QVERIFY(compared.size() > 0 || compared.wait(60000));
        const auto& summary = window.diffPane()->model()->diff()->result->summary();
        QCOMPARE(summary.unexpected, uint64_t(1));
        QVERIFY(summary.expected > 0);
    }

    void exportsAnEntryFromALayerInsideAnArchive()
    {
        SKIP_UNLESS_FIXTURE("images/oci-archive.tar");
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("images/oci-archive.tar")));
        const QString entry = QStringLiteral("Files/Program Files/App/readme.txt");
        window.chainPane()->selectLayer(0); // the delta whites the readme out of the merged view
        QVERIFY(window.selectEntry(entry));
        // The preview reads the layer in place inside the archive.
        auto* preview = window.detailsPane()->findChild<QPlainTextEdit*>(QStringLiteral("preview"));
        QTRY_VERIFY(preview->toPlainText().startsWith(QStringLiteral("LayerScope fixture application.")));

        const QString target = dir.filePath(QStringLiteral("readme.txt"));
        QSignalSpy exported(&window, &MainWindow::entryExported);
        window.exportEntry(entry, target, false);
        QVERIFY(exported.wait(30000));
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("LayerScope fixture application."));
        QCOMPARE(exported.first().at(1).toULongLong(), qulonglong(bytes.size()));
        file.close();

        // Never replaced without consent: the second export without it fails and leaves the file as it was.
        QSignalSpy errors(&window, &MainWindow::errorShown);
        const QString other = QStringLiteral("Files/Program Files/App/app.exe");
        window.exportEntry(other, target, false);
        QVERIFY(errors.wait(30000));
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("already exists")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), bytes);
        file.close();
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList {QStringLiteral("readme.txt")});

        // With consent (the save dialog asked) it is replaced.
        window.exportEntry(other, target, true);
        QVERIFY(exported.wait(30000));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.size(), qint64(12 * 1024 + 345)); // the fixture's app.exe
    }

    void exportIsOfferedForFilesOnly()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        QSignalSpy errors(&window, &MainWindow::errorShown);
        QTemporaryDir dir;
        window.exportEntry(QStringLiteral("Files/Program Files"), dir.filePath(QStringLiteral("x")), false);
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("No data")));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("x"))));
    }

    void scratchLayerPreparesCommitsAndDiscards()
    {
        SKIP_UNLESS_FIXTURE("base.tar");
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(waitForOpen(window, fixturePath("base.tar")));
        ScratchPanel* panel = window.scratchPanel();
        QSignalSpy prepared(panel, &ScratchPanel::prepared);
        QSignalSpy updated(panel, &ScratchPanel::statusUpdated);
        const QString work = dir.filePath(QStringLiteral("work"));
        window.openScratchLayer(work);
        QVERIFY(prepared.wait(60000));
        QVERIFY(window.scratchDock()->isVisible());
        QVERIFY(panel->findChild<QLabel*>(QStringLiteral("scratchFolder"))->text().contains(work));
        QVERIFY(QFileInfo::exists(work + QStringLiteral("/Program Files/App/readme.txt")));
        QTRY_VERIFY_WITH_TIMEOUT(updated.size() > 0, 30000);
        QVERIFY(panel->status().clean());

        // An edit made outside the app shows up in the status.
        QFile added(work + QStringLiteral("/added.txt"));
        QVERIFY(added.open(QIODevice::WriteOnly));
        added.write("new in the scratch layer\n");
        added.close();
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        updated.clear();
        panel->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(updated.size() > 0, 30000);
        QCOMPARE(panel->status().added, uint64_t(1));
        QCOMPARE(panel->changesView()->topLevelItemCount(), 1);
        QCOMPARE(panel->changesView()->topLevelItem(0)->text(1), QStringLiteral("added.txt"));
        QCOMPARE(panel->changesView()->topLevelItem(0)->text(2), QStringLiteral("Files"));
        QVERIFY(panel->commitButton()->isEnabled());

        // Commit writes a layer and opens it.
        QSignalSpy committed(panel, &ScratchPanel::committed);
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        scratch::CommitRequest request;
        request.layerOut = std::filesystem::path(dir.filePath(QStringLiteral("new.tar.gz")).toStdString());
        panel->commit(request);
        QVERIFY(committed.wait(60000));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("new.tar.gz"))));
        QVERIFY(opened.size() > 0 || opened.wait(30000));
        QVERIFY(window.source()->path.endsWith(QStringLiteral("new.tar.gz")));
        QVERIFY(window.selectEntry(QStringLiteral("Files/added.txt")));
        // The new layer is in view (Browse, its own row), and the committed session offers no second Commit of
        // the same changes.
        QCOMPARE(window.modeTabs()->currentIndex(), 0);
        QCOMPARE(window.chainPane()->currentLayer(), int(window.source()->layers.size()) - 1);
        QVERIFY(panel->isCommitted());
        QVERIFY(!panel->commitButton()->isEnabled());
        QVERIFY(panel->summaryLabel()->text().contains(QStringLiteral("committed to")));
        // The next edit makes Commit available again.
        QFile more(work + QStringLiteral("/more.txt"));
        QVERIFY(more.open(QIODevice::WriteOnly));
        more.write("one more\n");
        more.close();
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        updated.clear();
        panel->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(updated.size() > 0, 30000);
        QVERIFY(!panel->isCommitted());
        QVERIFY(panel->commitButton()->isEnabled());

        // Discard removes the work folder.
        QSignalSpy discarded(panel, &ScratchPanel::discarded);
        panel->discard(true);
        QVERIFY(discarded.wait(30000));
        QVERIFY(!QFileInfo::exists(work));
        QVERIFY(!panel->hasSession());
    }

    void aboutNamesTheVersions()
    {
        const QString text = MainWindow::aboutText();
        QVERIFY(text.contains(QStringLiteral(LAYERSCOPE_VERSION)));
        QVERIFY(text.contains(QString::fromLatin1(qVersion())));
        QVERIFY(text.contains(QStringLiteral("libarchive")));
        QVERIFY(text.contains(QStringLiteral("zstd")));
        QVERIFY(text.contains(QStringLiteral("OpenSSL")));
        QVERIFY(text.contains(QStringLiteral("zlib")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
