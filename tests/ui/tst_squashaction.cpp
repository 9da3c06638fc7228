// SPDX-License-Identifier: Apache-2.0
// "Squash Layers…" in the chain pane (issue 17): a selected range presets the dialog, the squash runs on the task
// runner, and the result is compared with the original in the Diff tab, where the merged views show no change.
#include "chainpane.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "loadeddiff.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "squashdialog.h"
#include "taskrunner.h"

#include "squashchain.h"
#include "testsupport.h"

#include <QAction>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace layerscope;
using namespace layerscope::ui;
namespace fs = std::filesystem;

class TestSquashAction : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_chain;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_chain = m_dir.filePath(QStringLiteral("chain"));
        squashchain::writeChain(fs::path(m_chain.toStdString()));
    }

    void selectedRangePresetsTheDialog()
    {
        MainWindow window;
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        window.openPath(m_chain);
        QVERIFY(opened.wait(30000) || opened.size() > 0);
        QVERIFY(window.menus()->squashAction()->isEnabled());

        // Layers 1 to 3 selected (rows follow the layers, base first).
        QTreeView* view = window.chainPane()->view();
        auto* model = view->model();
        QItemSelection selection;
        selection.select(model->index(1, 0), model->index(3, model->columnCount() - 1));
        view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(window.chainPane()->selectedLayerRange(), std::make_pair(1, 3));

        SquashDialog dialog(m_chain, 5, 1, 3);
        QCOMPARE(dialog.firstBox()->value(), 1);
        QCOMPARE(dialog.lastBox()->value(), 3);
        QVERIFY(dialog.outputEdit()->text().endsWith(QStringLiteral("chain-squashed-oci")));
        dialog.formatBox()->setCurrentIndex(1);
        QVERIFY(dialog.outputEdit()->text().endsWith(QStringLiteral("chain-squashed-docker.tar")));
        // The range cannot be turned over.
        dialog.lastBox()->setValue(0);
        QCOMPARE(dialog.firstBox()->value(), 0);
        const SquashDialog::Request request = dialog.request();
        QCOMPARE(request.format, baselayer::OutputFormat::DockerArchive);
        QCOMPARE(request.first, size_t(0));
    }

    void squashRunsInTheBackgroundAndTheDiffIsEmpty()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        window.openPath(m_chain);
        QVERIFY(opened.wait(30000) || opened.size() > 0);

        SquashDialog::Request request;
        request.source = fs::path(m_chain.toStdString());
        request.first = 1;
        request.last = 3;
        request.format = baselayer::OutputFormat::Oci;
        request.output = fs::path(m_dir.filePath(QStringLiteral("squashed-oci")).toStdString());
        QSignalSpy squashed(&window, &MainWindow::layersSquashed);
        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        window.squashLayers(request);
        QVERIFY(window.taskRunner()->isBusy());
        QVERIFY(squashed.wait(60000));
        QCOMPARE(squashed.front().front().toString(), m_dir.filePath(QStringLiteral("squashed-oci")));
        QVERIFY(compared.wait(60000) || compared.size() > 0);
        QCOMPARE(window.modeTabs()->currentWidget(), window.diffPane());
        const auto& summary = window.diffPane()->model()->diff()->result->summary();
        QCOMPARE(summary.identical, uint64_t(30)); // every entry of the merged view
        QCOMPARE(summary.added, uint64_t(0));
        QCOMPARE(summary.removed, uint64_t(0));
        QCOMPARE(summary.changed, uint64_t(0));
    }

    void failureIsShownAndLeavesNothing()
    {
        MainWindow window;
        QSignalSpy errors(&window, &MainWindow::errorShown);
        SquashDialog::Request request;
        request.source = fs::path(m_chain.toStdString());
        request.first = 2;
        request.last = 9;
        request.output = fs::path(m_dir.filePath(QStringLiteral("never")).toStdString());
        window.squashLayers(request);
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() == 1, 30000);
        QVERIFY(errors.front().at(1).toString().contains(QStringLiteral("no layers 2..9")));
        QVERIFY(!fs::exists(request.output));
    }
};

QTEST_MAIN(TestSquashAction)
#include "tst_squashaction.moc"
