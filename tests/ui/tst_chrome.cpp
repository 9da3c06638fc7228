// SPDX-License-Identifier: Apache-2.0
// The window's chrome (issue 16): unique mnemonics in every menu, window and dialog; the Help menu; the window
// title; the themes and the readability of their colours; dialogs that show what they hold; file dialogs' filters
// and folders.
#include "chainpane.h"
#include "commitdialog.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "errordialog.h"
#include "filedialogs.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "newbaselayerdialog.h"
#include "readmedialog.h"
#include "recentfiles.h"
#include "shortcutsdialog.h"
#include "theme.h"
#include "treepane.h"
#include "uitestsupport.h"

#include <QAbstractButton>
#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolBar>
#include <QTreeWidget>
#include <QtTest>

using namespace layerscope;
using namespace layerscope::ui;

namespace {

QString fixturePath(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

// Alt+letter of a text with '&', or empty.
QString mnemonic(const QString& text)
{
    return QKeySequence::mnemonic(text).toString();
}

// Texts by mnemonic; a key with more than one text is a clash.
using Mnemonics = QMultiMap<QString, QString>;

QString clashes(const Mnemonics& mnemonics)
{
    QStringList out;
    for (const QString& key : mnemonics.uniqueKeys())
        if (mnemonics.count(key) > 1)
            out << QStringLiteral("%1: %2").arg(key, QStringList(mnemonics.values(key)).join(QStringLiteral(" | ")));
    return out.join(QLatin1Char('\n'));
}

// What a user reaches with Alt+letter in `scope` now: buttons, labels of fields, tab titles shown, the menu bar.
Mnemonics reachable(QWidget* scope)
{
    Mnemonics out;
    const auto add = [&](const QString& text) {
        const QString key = mnemonic(text);
        if (!key.isEmpty())
            out.insert(key, text);
    };
    for (QWidget* widget : scope->findChildren<QWidget*>()) {
        if (!widget->isVisibleTo(scope))
            continue;
        if (auto* button = qobject_cast<QAbstractButton*>(widget)) {
            // Tool bar buttons show an action's icon text, which has no mnemonic.
            if (!qobject_cast<QToolBar*>(button->parentWidget()))
                add(button->text());
        } else if (auto* label = qobject_cast<QLabel*>(widget)) {
            if (label->buddy())
                add(label->text());
        } else if (auto* tabs = qobject_cast<QTabBar*>(widget)) {
            for (int i = 0; i < tabs->count(); ++i)
                add(tabs->tabText(i));
        } else if (auto* bar = qobject_cast<QMenuBar*>(widget)) {
            for (QAction* action : bar->actions())
                add(action->text());
        }
    }
    return out;
}

// Every menu below `menu` (itself included) with a clash, and every item without a mnemonic.
void checkMenu(QMenu* menu, QStringList& problems)
{
    emit menu->aboutToShow(); // menus filled on demand (Open Recent)
    Mnemonics keys;
    for (QAction* action : menu->actions()) {
        if (action->isSeparator() || action->text().isEmpty())
            continue;
        const QString key = mnemonic(action->text());
        if (key.isEmpty() && action->isEnabled())
            problems << QStringLiteral("%1 ▸ %2: no mnemonic").arg(menu->title(), action->text());
        keys.insert(key, action->text());
        if (action->menu())
            checkMenu(action->menu(), problems);
    }
    keys.remove(QString());
    if (!clashes(keys).isEmpty())
        problems << QStringLiteral("%1:\n%2").arg(menu->title(), clashes(keys));
}

// Whether `widget` is placed by a layout of `layout`'s tree (a widget outside every layout sits at 0,0 over
// the others).
bool managed(QLayout* layout, QWidget* widget)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem* item = layout->itemAt(i);
        if (item->widget() == widget || (item->layout() && managed(item->layout(), widget)))
            return true;
    }
    return false;
}

} // namespace

class TestChrome : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        uitestsupport::useRealFontsIfThereAreNone(); // widths below are of real text, also under wine
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("LayerScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_chrome"));
    }

    void init() { QSettings().clear(); }
    void cleanup() { Theme::apply(Theme::Mode::System); }

    void noMenuHasTwoItemsWithOneMnemonic()
    {
        for (int i = 0; i < RecentFiles::kMax; ++i)
            RecentFiles::add(QStringLiteral("/tmp/recent-%1.tar").arg(i));
        MainWindow window;
        window.show();
        QStringList problems;
        for (QAction* action : window.menuBar()->actions())
            if (action->menu())
                checkMenu(action->menu(), problems);
        // The context menus' actions.
        Mnemonics tree;
        for (QAction* action : window.treePane()->findChildren<QAction*>())
            if (!mnemonic(action->text()).isEmpty())
                tree.insert(mnemonic(action->text()), action->text());
        QVERIFY2(clashes(tree).isEmpty(), qPrintable(clashes(tree)));
        Mnemonics chain;
        for (QAction* action : {window.chainPane()->copyDigestAction(), window.chainPane()->exportBlobAction(),
                                window.menus()->openScratchAction()})
            chain.insert(mnemonic(action->text()), action->text());
        QVERIFY2(clashes(chain).isEmpty(), qPrintable(clashes(chain)));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void theWindowHasOneWidgetPerMnemonic()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        window.scratchDock()->show();
        // Alt+H opens Help, not a tab.
        QCOMPARE(mnemonic(window.menus()->helpMenu()->title()), QKeySequence(Qt::ALT | Qt::Key_H).toString());
        QStringList problems;
        for (int mode = 0; mode < window.modeTabs()->count(); ++mode) {
            window.modeTabs()->setCurrentIndex(mode);
            const auto detailTabs = window.findChild<QTabWidget*>(QStringLiteral("detailTabs"));
            for (int tab = 0; tab < detailTabs->count(); ++tab) {
                detailTabs->setCurrentIndex(tab);
                const Mnemonics keys = reachable(&window);
                QVERIFY(keys.size() > 10);
                if (!clashes(keys).isEmpty())
                    problems << QStringLiteral("mode %1, details tab %2:\n%3").arg(mode).arg(tab).arg(clashes(keys));
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void noDialogHasTwoWidgetsWithOneMnemonic()
    {
        MainWindow window;
        window.show();
        QTemporaryDir dir;
        std::vector<std::unique_ptr<QDialog>> dialogs;
        dialogs.push_back(std::make_unique<NewBaseLayerDialog>(false, &window));
        dialogs.push_back(std::make_unique<NewBaseLayerDialog>(true, &window));
        dialogs.push_back(std::make_unique<CommitDialog>(dir.path().toStdString() + "/work", &window));
        dialogs.push_back(std::make_unique<ShortcutsDialog>(&window));
        dialogs.push_back(std::make_unique<ReadmeDialog>(&window));
        dialogs.push_back(
            std::make_unique<ErrorDialog>(QStringLiteral("Could not open x"), QStringLiteral("why"), &window));
        for (const auto& dialog : dialogs) {
            dialog->show();
            const Mnemonics keys = reachable(dialog.get());
            QVERIFY2(clashes(keys).isEmpty(), qPrintable(dialog->objectName() + QLatin1Char('\n') + clashes(keys)));
            // A label with '&' either underlines a mnemonic (it has a buddy) or shows the '&' on screen.
            for (QLabel* label : dialog->findChildren<QLabel*>()) {
                const QString text = label->text();
                if (label->isVisibleTo(dialog.get()) && text.contains(QRegularExpression(QStringLiteral("&[^&]")))
                    && label->textFormat() != Qt::RichText && !Qt::mightBeRichText(text))
                    QVERIFY2(label->buddy(), qPrintable(dialog->objectName() + QStringLiteral(": ") + text));
            }
            dialog->close();
        }
    }

    void newBaseLayerDialogPlacesEveryField()
    {
        for (const bool fromFolder : {false, true}) {
            NewBaseLayerDialog dialog(fromFolder);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            for (QWidget* widget : dialog.findChildren<QWidget*>()) {
                if (!widget->isVisibleTo(&dialog) || widget->parentWidget() != &dialog)
                    continue;
                QVERIFY2(managed(dialog.layout(), widget),
                         qPrintable(QStringLiteral("%1 is outside the layout").arg(widget->metaObject()->className())));
            }
            QCOMPARE(dialog.folderEdit() != nullptr, fromFolder);
            // The fields do not overlap.
            const auto edits = dialog.findChildren<QLineEdit*>();
            for (QLineEdit* a : edits)
                for (QLineEdit* b : edits)
                    if (a != b && a->isVisible() && b->isVisible())
                        QVERIFY(!a->geometry().intersects(b->geometry()));
        }
    }

    void commitAndErrorDialogsAreWideEnoughForTheirText()
    {
        // A path longer than the dialog's usual width, shorter than most of the screen, is shown whole. It starts at
        // the root (nothing is written): a temporary folder's own path may already be wider than that on a small
        // screen, as wine's C:/users/<name>/Temp is on the offscreen plugin's 800 pixels.
        std::string work = QDir::rootPath().toStdString() + "scratch-of-windows-servercore-ltsc2022";
        CommitDialog probe(work);
        const int screen = probe.screen()->availableGeometry().width();
        while (probe.fontMetrics().horizontalAdvance(QString::fromStdString(work)) < screen * 2 / 5)
            work += "-x";
        CommitDialog commit(work);
        commit.show();
        QVERIFY(QTest::qWaitForWindowExposed(&commit));
        QLineEdit* layer = commit.layerEdit();
        QVERIFY2(layer->width() >= layer->fontMetrics().horizontalAdvance(layer->text()),
                 qPrintable(QStringLiteral("%1 < %2")
                                .arg(layer->width())
                                .arg(layer->fontMetrics().horizontalAdvance(layer->text()))));
        QVERIFY(commit.width() <= screen);
        const auto request = commit.request();
        QCOMPARE(QString::fromStdString(request.layerOut.string()), layer->text());
        QVERIFY(!request.imageOut);

        const QString title = QStringLiteral("Could not open windows-servercore-ltsc2022-amd64-with-updates.tar.gz");
        ErrorDialog error(title, QStringLiteral("short"));
        error.show();
        QVERIFY(QTest::qWaitForWindowExposed(&error));
        QFont bold = error.font();
        bold.setBold(true);
        QTRY_VERIFY(error.width() >= QFontMetrics(bold).horizontalAdvance(title));
        QVERIFY(error.informativeText() == QStringLiteral("short"));
    }

    void helpMenuHasTheShortcutsAndTheGuide()
    {
        MainWindow window;
        window.show();
        QStringList help;
        for (QAction* action : window.menus()->helpMenu()->actions())
            help << action->text();
        QVERIFY(help.contains(QStringLiteral("&Keyboard Shortcuts")));
        QVERIFY(help.contains(QStringLiteral("LayerScope &Guide")));

        ShortcutsDialog shortcuts(&window);
        QStringList rows;
        for (int i = 0; i < shortcuts.list()->topLevelItemCount(); ++i)
            rows << shortcuts.list()->topLevelItem(i)->text(0) + QLatin1Char('=')
                    + shortcuts.list()->topLevelItem(i)->text(1);
        const QString open = QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText);
        QVERIFY2(rows.contains(QStringLiteral("Open=") + open), qPrintable(rows.join(QLatin1Char('\n'))));
        QVERIFY(rows.contains(QStringLiteral("Compare=")
                              + QKeySequence(Qt::CTRL | Qt::Key_D).toString(QKeySequence::NativeText)));
        QVERIFY(rows.contains(QStringLiteral("Filter the Tree=")
                              + QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));

        // The guide is the README, built in with every picture it shows.
        ReadmeDialog guide(&window);
        QVERIFY(guide.browser()->toPlainText().contains(QStringLiteral("The desktop app")));
        QFile readme(QStringLiteral(":/help/README.md"));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString markdown = QString::fromUtf8(readme.readAll());
        QFile source(QStringLiteral(LAYERSCOPE_SOURCE_DIR "/README.md"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QCOMPARE(markdown, QString::fromUtf8(source.readAll())); // the one in the repository, not a copy
        const QRegularExpression image(QStringLiteral(R"(!\[[^\]]*\]\(([^)]+)\))"));
        int images = 0;
        for (auto it = image.globalMatch(markdown); it.hasNext(); ++images) {
            const QString path = it.next().captured(1);
            QVERIFY2(QFile::exists(QStringLiteral(":/help/") + path), qPrintable(path));
        }
        QVERIFY(images >= 6);
    }

    void windowTitleFollowsTheDocument()
    {
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        MainWindow window;
        window.show();
        QCOMPARE(window.windowTitle(), QStringLiteral("LayerScope"));
        QSignalSpy opened(&window, &MainWindow::sourceOpened);
        window.openPath(fixturePath("base.tar"));
        QVERIFY(opened.wait(30000));
        QCOMPARE(window.windowTitle(), QStringLiteral("base.tar — LayerScope"));
        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        window.compare(fixturePath("roundtrip/original.tar.gz"), fixturePath("roundtrip/reexport.tar.gz"));
        QVERIFY(compared.wait(60000));
        QCOMPARE(window.windowTitle(), QStringLiteral("original.tar.gz ↔ reexport.tar.gz — LayerScope"));
        window.modeTabs()->setCurrentIndex(0);
        QCOMPARE(window.windowTitle(), QStringLiteral("base.tar — LayerScope"));
        window.closeSource();
        QCOMPARE(window.windowTitle(), QStringLiteral("LayerScope"));
    }

    void themesKeepEveryColourReadable()
    {
        MainWindow window;
        window.show();
        // View ▸ Theme ▸ Dark.
        QAction* dark = window.menus()->themeAction(int(Theme::Mode::Dark));
        QVERIFY(dark && dark->isCheckable());
        dark->trigger();
        QCOMPARE(Theme::current(), Theme::Mode::Dark);
        QVERIFY(dark->isChecked());
        QVERIFY(Theme::isDark(QApplication::palette()));
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        QCOMPARE(Theme::saved(), Theme::Mode::Dark);
        for (const QPalette& palette : {Theme::darkPalette(), Theme::lightPalette()}) {
            for (const auto role : {Theme::Added, Theme::Removed, Theme::Changed, Theme::Error, Theme::Warning,
                                    Theme::Success, Theme::Dimmed})
                for (const auto background : {QPalette::Base, QPalette::AlternateBase, QPalette::Window}) {
                    const double contrast = Theme::contrast(Theme::color(role, palette), palette.color(background));
                    QVERIFY2(
                        contrast >= 4.5,
                        qPrintable(QStringLiteral("role %1 on %2 (%3): %4")
                                       .arg(int(role))
                                       .arg(int(background))
                                       .arg(Theme::isDark(palette) ? QStringLiteral("dark") : QStringLiteral("light"))
                                       .arg(contrast)));
                }
            // Dimmed is quieter than text, yet readable (checked above).
            QVERIFY(Theme::contrast(Theme::color(Theme::Dimmed, palette), palette.color(QPalette::Base))
                    < Theme::contrast(palette.color(QPalette::Text), palette.color(QPalette::Base)));
        }

        // The diff view uses the theme's colours: an unexpected change in the Changed colour of the dark palette.
        SKIP_UNLESS_FIXTURE("roundtrip/reexport.tar.gz");
        QSignalSpy compared(window.diffPane(), &DiffPane::compared);
        window.compare(fixturePath("roundtrip/original.tar.gz"), fixturePath("roundtrip/reexport.tar.gz"));
        QVERIFY(compared.wait(60000));
        const QModelIndex winIni = window.diffPane()->model()->indexOfPath(QStringLiteral("Files/Windows/win.ini"));
        QCOMPARE(winIni.data(Qt::ForegroundRole).value<QColor>(), Theme::color(Theme::Changed));
        QVERIFY(Theme::contrast(winIni.data(Qt::ForegroundRole).value<QColor>(),
                                QApplication::palette().color(QPalette::Base))
                >= 4.5);

        // Back to the system's look.
        window.menus()->themeAction(int(Theme::Mode::System))->trigger();
        QCOMPARE(Theme::current(), Theme::Mode::System);
        QCOMPARE(Theme::saved(), Theme::Mode::System);
    }

    void openDialogShowsExtensionlessBlobsAndBzip2()
    {
        const QStringList filters = FileDialogs::openFilters();
        QVERIFY(filters.size() >= 2);
        // The default (first) filter's patterns.
        const QString first = filters.first();
        const QStringList patterns
            = first.mid(first.indexOf(QLatin1Char('(')) + 1).chopped(1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const char* name : {"14be54ce3caf5f67290188712445002253e72aae49830bb0017327eec8d794f7", "base.tar.bz2",
                                 "layer.tar.gz", "image.tar", "layer.tar.zst"})
            QVERIFY2(QDir::match(patterns, QLatin1String(name)), name);
        QVERIFY(filters.join(QLatin1Char(' ')).contains(QStringLiteral("*.tar.bz2")));
    }

    void eachKindOfFileRemembersItsFolder()
    {
        QTemporaryDir layers;
        QTemporaryDir reports;
        QCOMPARE(FileDialogs::lastFolder(FileDialogs::Purpose::Open), QDir::homePath());
        FileDialogs::remember(FileDialogs::Purpose::Open, layers.filePath(QStringLiteral("image.tar")));
        FileDialogs::remember(FileDialogs::Purpose::Report, reports.path());
        QCOMPARE(FileDialogs::lastFolder(FileDialogs::Purpose::Open), layers.path());
        QCOMPARE(FileDialogs::lastFolder(FileDialogs::Purpose::Report), reports.path());
        QCOMPARE(FileDialogs::lastFolder(FileDialogs::Purpose::Export), QDir::homePath());
        // Comparing starts where opening was, until it has a folder of its own.
        QCOMPARE(FileDialogs::lastFolder(FileDialogs::Purpose::Compare), layers.path());
        // A remembered folder that went away is not offered.
        const QString gone = reports.path();
        reports.remove();
        QCOMPARE(FileDialogs::lastFolder(FileDialogs::Purpose::Report), QDir::homePath());
        QVERIFY(!QFileInfo::exists(gone));
        // New base layers are suggested in the folder last used for them.
        FileDialogs::remember(FileDialogs::Purpose::NewLayer, layers.path());
        NewBaseLayerDialog dialog(false);
        QCOMPARE(QFileInfo(dialog.outputEdit()->text()).absolutePath(), layers.path());
    }
};

QTEST_MAIN(TestChrome)
#include "tst_chrome.moc"
