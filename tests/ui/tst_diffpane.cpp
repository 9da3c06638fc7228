// SPDX-License-Identifier: Apache-2.0
// The Diff tab (issue 16): what is shown is always one complete comparison of the A and B shown — a running,
// cancelled or failed comparison shows no results and saves nothing; search, sorting and "Unexpected only"; reports
// never replace a file without consent.
#include "changeview.h"
#include "core/diff/treemaker.h"
#include "diff/treediff.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "filedialogs.h"
#include "hive/hivewriter.h"
#include "hive/systemhives.h"
#include "itemroles.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "sortproxymodel.h"
#include "taskrunner.h"
#include "theme.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QtTest>

using namespace layerscope;
using namespace layerscope::ui;

namespace {

QString fixturePath(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

// Every change row below `parent` (grouping folders walked through), as the view's model shows them.
QStringList shownPaths(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList out;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        const QString path = index.data(PathRole).toString();
        if (!path.isEmpty())
            out << path;
        out << shownPaths(model, index);
    }
    return out;
}

// Whether every row with children is expanded in the view.
bool allExpanded(const QTreeView& view, const QModelIndex& parent = {})
{
    const QAbstractItemModel& model = *view.model();
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (model.rowCount(index) > 0 && (!view.isExpanded(index) || !allExpanded(view, index)))
            return false;
    }
    return true;
}

// Clicks `button` of the next QMessageBox named `name` that opens.
void answerNextBox(const QString& name, QMessageBox::StandardButton button)
{
    QTimer::singleShot(0, [name, button] {
        for (QWidget* widget : QApplication::topLevelWidgets())
            if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->objectName() == name && box->isVisible()) {
                box->button(button)->click();
                return;
            }
        answerNextBox(name, button); // not open yet
    });
}

} // namespace

class TestDiffPane : public QObject
{
    Q_OBJECT
private:
    QString m_original;
    QString m_reexport;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("LayerScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_diffpane"));
        QSettings().clear();
        m_original = fixturePath("roundtrip/original.tar.gz");
        m_reexport = fixturePath("roundtrip/reexport.tar.gz");
    }

    void aCancelledComparisonLeavesNothingStale()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        MainWindow window;
        window.show();
        DiffPane* pane = window.diffPane();
        QAbstractItemModelTester tester(pane->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy compared(pane, &DiffPane::compared);
        window.compare(m_original, m_reexport);
        QVERIFY(compared.wait(60000));
        QVERIFY(pane->model()->rowCount() > 0);
        QVERIFY(pane->saveButton()->isEnabled());
        QVERIFY(window.menus()->saveReportAction()->isEnabled());
        QVERIFY(window.windowTitle().contains(QStringLiteral("original.tar.gz ↔ reexport.tar.gz")));

        // A new comparison: the old results leave at once, whatever happens next.
        QSignalSpy cancelled(window.taskRunner(), &TaskRunner::taskCancelled);
        pane->compare(fixturePath("base.tar"), fixturePath("delta.tar"));
        QCOMPARE(pane->model()->rowCount(), 0);
        QVERIFY(!pane->hasResult());
        QVERIFY(!pane->saveButton()->isEnabled());
        QVERIFY(!window.menus()->saveReportAction()->isEnabled());
        QVERIFY(pane->summaryLabel()->text().contains(QStringLiteral("Comparing")));
        QVERIFY(window.windowTitle().contains(QStringLiteral("base.tar ↔ delta.tar")));
        window.taskRunner()->cancel(QStringLiteral("diff"));
        QVERIFY(cancelled.wait(60000));
        QCOMPARE(cancelled.first().at(0).toString(), QStringLiteral("diff"));
        // Cancelled: empty, said so, nothing to save — and the old comparison is not back.
        QCOMPARE(pane->model()->rowCount(), 0);
        QVERIFY(!pane->hasResult());
        QVERIFY(pane->summaryLabel()->text().contains(QStringLiteral("Cancelled")));
        QVERIFY(!pane->summaryLabel()->text().contains(QStringLiteral("Comparing")));
        QVERIFY(!pane->saveButton()->isEnabled());
        QVERIFY(!window.menus()->saveReportAction()->isEnabled());
        QCOMPARE(pane->sideBySide()->topLevelItemCount(), 0);
        QCOMPARE(compared.size(), 1);
        // Save Report has nothing to write.
        QTemporaryDir dir;
        pane->saveReport(dir.filePath(QStringLiteral("r.md")), DiffPane::ReportFormat::Markdown);
        QTRY_VERIFY(!window.taskRunner()->isBusy());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("r.md"))));

        // A complete comparison brings Save back.
        pane->compare(m_original, m_reexport);
        QVERIFY(compared.wait(60000));
        QVERIFY(pane->saveButton()->isEnabled());
        QVERIFY(window.menus()->saveReportAction()->isEnabled());
    }

    void aFailedComparisonLeavesNothingStale()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        MainWindow window;
        window.show();
        DiffPane* pane = window.diffPane();
        QSignalSpy compared(pane, &DiffPane::compared);
        pane->compare(m_original, m_reexport);
        QVERIFY(compared.wait(60000));
        QSignalSpy failed(pane, &DiffPane::failed);
        pane->compare(m_original, QStringLiteral("/nonexistent/layer.tar"));
        QVERIFY(failed.wait(60000));
        QCOMPARE(pane->model()->rowCount(), 0);
        QVERIFY(!pane->saveButton()->isEnabled());
        QVERIFY(pane->summaryLabel()->text().contains(QStringLiteral("Could not compare")));
    }

    void searchSortAndUnexpectedOnly()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        MainWindow window;
        window.show();
        DiffPane* pane = window.diffPane();
        QAbstractItemModelTester tester(pane->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy compared(pane, &DiffPane::compared);
        pane->compare(m_original, m_reexport);
        QVERIFY(compared.wait(60000));
        const auto& result = *pane->model()->diff()->result;
        const int all = pane->model()->changeRowCount();

        // Search: a substring of the path, or a glob.
        pane->setSearchText(QStringLiteral("win.ini"));
        QCOMPARE(shownPaths(*pane->proxy()), QStringList {QStringLiteral("Files/Windows/win.ini")});
        QVERIFY(allExpanded(*pane->view()));
        pane->setSearchText(QStringLiteral("**/BCD*"));
        const QStringList bcd = shownPaths(*pane->proxy());
        QVERIFY(bcd.size() >= 2); // BCD and BCD.LOG
        for (const QString& path : bcd)
            QVERIFY2(path.section(QLatin1Char('/'), -1).startsWith(QStringLiteral("BCD")), qPrintable(path));
        pane->setSearchText(QString());
        QCOMPARE(pane->model()->changeRowCount(), all);

        // Unexpected only: exactly the unexpected changes, every folder holding them opened.
        pane->expectedFilter()->setCurrentIndex(1);
        QCOMPARE(pane->model()->changeRowCount(), int(result.summary().unexpected));
        QVERIFY(allExpanded(*pane->view()));
        for (const QString& path : shownPaths(*pane->proxy())) {
            const QModelIndex index = pane->model()->indexOfPath(path);
            QVERIFY(!pane->model()->changeAt(index)->expected);
        }
        pane->expectedFilter()->setCurrentIndex(0);

        // Sorting by any column keeps folders first; by Change, kinds come together.
        for (const int column : {int(DiffModel::Name), int(DiffModel::Kind)})
            for (const auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                pane->view()->sortByColumn(column, order);
                const QAbstractItemModel& proxy = *pane->proxy();
                QList<bool> folders;
                for (int row = 0; row < proxy.rowCount(); ++row)
                    folders << proxy.index(row, 0).data(FolderRole).toBool();
                QVERIFY(std::is_sorted(folders.begin(), folders.end(), std::greater<bool>()));
            }
        pane->view()->sortByColumn(DiffModel::Name, Qt::AscendingOrder);
        const QModelIndex files = pane->proxy()->index(0, 0);
        QStringList names;
        for (int row = 0; row < pane->proxy()->rowCount(files); ++row)
            if (!pane->proxy()->index(row, 0, files).data(FolderRole).toBool())
                names << pane->proxy()->index(row, 0, files).data().toString();
        QStringList sorted = names;
        std::sort(sorted.begin(), sorted.end(),
                  [](const QString& a, const QString& b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
        QCOMPARE(names, sorted);
        // Selecting the first unexpected change works in the sorted view, and the side-by-side view shows it.
        QVERIFY(pane->selectFirstUnexpected());
        QVERIFY(pane->sideBySide()->topLevelItemCount() > 0);
    }

    // Issue 13: a changed hive shows its registry changes as a key tree, coloured like the file tree.
    void changedHiveShowsItsKeyTree()
    {
        const std::string bcd = "UtilityVM/Files/EFI/Microsoft/Boot/BCD";
        difftest::TreeMaker a;
        for (const char* d : {"UtilityVM", "UtilityVM/Files", "UtilityVM/Files/EFI", "UtilityVM/Files/EFI/Microsoft",
                              "UtilityVM/Files/EFI/Microsoft/Boot"})
            a.dir(d);
        a.file(bcd, {});
        a.setData(bcd, hive::minimalBcdStore());
        difftest::TreeMaker b = a;
        hive::HiveKey edited = hive::minimalBcdTree("Edited");
        edited.path("Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\25000004")
            .set(hive::HiveValue::qword("Element", 30));
        b.setData(bcd, hive::HiveWriter::write(edited));
        const index::TreeIndex ta = a.build(), tb = b.build();
        const diff::DiffResult result = diff::TreeDiff::compare(
            {"A", "", &ta, diff::DiffSide::Kind::Layer, true, a.reader()},
            {"B", "", &tb, diff::DiffSide::Kind::Layer, true, b.reader()}, diff::DiffRules::builtin());
        const diff::Change* change = nullptr;
        for (const auto& c : result.changes())
            if (result.path(c) == bcd)
                change = &c;
        QVERIFY(change);
        ChangeView view;
        view.showChange(result, change);
        QTreeWidgetItem* registry = view.registryItem();
        QVERIFY(registry);
        QCOMPARE(registry->text(1), QStringLiteral("2 registry change(s)"));
        // Objects ▸ {…loader} ▸ Elements ▸ 12000004 ▸ Element (changed), Objects ▸ {bootmgr} ▸ … ▸ 25000004 (added).
        const auto find = [&](const QString& text) -> QTreeWidgetItem* {
            const auto items = view.findItems(text, Qt::MatchStartsWith | Qt::MatchRecursive, 0);
            return items.isEmpty() ? nullptr : items.first();
        };
        QTreeWidgetItem* added = find(QStringLiteral("25000004"));
        QVERIFY(added);
        QCOMPARE(added->text(0), QStringLiteral("25000004 — {bootmgr} timeout (0x25000004)"));
        QCOMPARE(added->foreground(0).color(), Theme::color(Theme::Added));
        QCOMPARE(added->text(1), QStringLiteral("(absent)"));
        QTreeWidgetItem* element = find(QStringLiteral("12000004"));
        QVERIFY(element && element->childCount() == 1);
        QCOMPARE(element->child(0)->text(1), QStringLiteral("REG_SZ \"LayerScope\""));
        QCOMPARE(element->child(0)->text(2), QStringLiteral("REG_SZ \"Edited\""));
        QCOMPARE(element->child(0)->foreground(0).color(), Theme::color(Theme::Changed));
        QCOMPARE(element->parent()->text(0), QStringLiteral("Elements"));
        // Another change without a hive: no registry part.
        view.showChange(result, nullptr);
        QVERIFY(!view.registryItem());
    }

    void reportsNeverReplaceAFileWithoutConsent()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.md"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("keep me\n");
        }
        MainWindow window;
        window.show();
        DiffPane* pane = window.diffPane();
        QSignalSpy compared(pane, &DiffPane::compared);
        pane->compare(m_original, m_reexport);
        QVERIFY(compared.wait(60000));
        QSignalSpy errors(window.taskRunner(), &TaskRunner::failed);
        QSignalSpy saved(pane, &DiffPane::reportSaved);
        pane->saveReport(path, DiffPane::ReportFormat::Markdown, false);
        QVERIFY(errors.wait(30000));
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("already exists")));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep me\n"));
        file.close();
        pane->saveReport(path, DiffPane::ReportFormat::Markdown, true);
        QVERIFY(saved.wait(30000));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().startsWith("# "));

        // The question the save dialogs ask before replacing: "Cancel" keeps the file, "Replace" allows it.
        answerNextBox(QStringLiteral("confirmOverwrite"), QMessageBox::Cancel);
        QVERIFY(!FileDialogs::confirmOverwrite(&window, path));
        answerNextBox(QStringLiteral("confirmOverwrite"), QMessageBox::Yes);
        QVERIFY(FileDialogs::confirmOverwrite(&window, path));
    }
};

QTEST_MAIN(TestDiffPane)
#include "tst_diffpane.moc"
