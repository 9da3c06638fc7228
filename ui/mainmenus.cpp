// SPDX-License-Identifier: Apache-2.0
#include "mainmenus.h"

#include "chainpane.h"
#include "diffpane.h"
#include "icons.h"
#include "mainwindow.h"
#include "recentfiles.h"
#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>

namespace layerscope::ui {

MainMenus::MainMenus(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    m_toolbar = window->addToolBar(tr("Main"));
    m_toolbar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    createFileMenu();
    createViewMenu();
    createHelpMenu();
    update();
}

void MainMenus::createFileMenu()
{
    MainWindow* w = m_window;
    QStyle* st = w->style();
    // Letters: O F R M H L D C S N B A X E Q — each once.
    m_file = w->menuBar()->addMenu(tr("&File"));

    auto* newBase = m_file->addAction(Icons::get(Icons::NewBase), tr("&New Empty Base Layer…"), w,
                                      [w] { w->showNewBaseLayerDialog(false); });
    newBase->setShortcut(QKeySequence::New);
    newBase->setObjectName(QStringLiteral("actionNewBaseLayer"));
    newBase->setToolTip(tr("Create an empty Windows base layer (FROM scratch) that Windows accepts"));
    auto* newFromFolder
        = m_file->addAction(tr("New &Base Layer from Folder…"), w, [w] { w->showNewBaseLayerDialog(true); });
    newFromFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_file->addSeparator();

    auto* open = m_file->addAction(st->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"), w,
                                   [w] { w->chooseAndOpen(false); });
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("actionOpen"));
    open->setToolTip(tr("Open a layer blob (tar, tar.gz, tar.zst, …), an OCI archive or a docker save archive"));
    auto* openFolder = m_file->addAction(st->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Folder…"), w,
                                         [w] { w->chooseAndOpen(true); });
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openFolder->setToolTip(tr("Open an OCI layout folder or an on-disk Windows layer folder"));
    m_recent = m_file->addMenu(tr("Open &Recent"));
    m_recent->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recent, &QMenu::aboutToShow, this,
            [this] { RecentFiles::fillMenu(m_recent, [this](const QString& path) { m_window->openPath(path); }); });
    auto* sample = m_file->addAction(tr("Open Sa&mple"), w, &MainWindow::openSample);
    sample->setObjectName(QStringLiteral("actionOpenSample"));
    m_file->addAction(tr("Open &Hive File…"), w, &MainWindow::chooseAndOpenHive);
    m_file->addSeparator();

    m_openScratch = m_file->addAction(tr("Open Scratch &Layer…"), w, &MainWindow::chooseAndOpenScratchLayer);
    m_openScratch->setObjectName(QStringLiteral("actionOpenScratchLayer"));
    m_openScratch->setToolTip(tr("Edit files over the layer shown (or the whole chain) in a work folder, then "
                                 "commit the changes as a new layer"));
    m_file->addAction(tr("Open Scratch Fol&der…"), w, &MainWindow::chooseAndOpenScratchFolder);
    w->chainPane()->addContextAction(m_openScratch);
    m_squash = new QAction(tr("S&quash Layers…"), this);
    m_squash->setObjectName(QStringLiteral("actionSquashLayers"));
    m_squash->setToolTip(tr("Replace the selected layers by one layer with the same merged view"));
    connect(m_squash, &QAction::triggered, w, &MainWindow::showSquashDialog);
    w->chainPane()->addContextAction(m_squash);
    m_file->addSeparator();

    auto* compare
        = m_file->addAction(Icons::get(Icons::Compare), tr("&Compare…"), w, [w] { w->compareCurrentWith(QString()); });
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    compare->setObjectName(QStringLiteral("actionCompare"));
    compare->setToolTip(tr("Compare what is shown (or any tree) with another layer, image or folder"));
    m_saveReport = m_file->addAction(st->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Diff Report…"),
                                     w->diffPane(), &DiffPane::chooseAndSaveReport);
    m_saveReport->setShortcut(QKeySequence::Save);
    m_saveReport->setObjectName(QStringLiteral("actionSaveReport"));
    m_exportBlob = m_file->addAction(tr("E&xport Layer Blob…"), w,
                                     [w] { w->chooseAndExportLayerBlob(w->chainPane()->currentLayer()); });
    m_exportBlob->setObjectName(QStringLiteral("actionExportLayerBlob"));
    m_file->addSeparator();

    m_reload = m_file->addAction(st->standardIcon(QStyle::SP_BrowserReload), tr("Relo&ad"), w, &MainWindow::reload);
    m_reload->setShortcut(QKeySequence::Refresh);
    m_close = m_file->addAction(tr("Clos&e"), w, &MainWindow::closeSource);
    m_close->setShortcut(QKeySequence::Close);
    m_file->addSeparator();
    auto* quit = m_file->addAction(tr("&Quit"), w, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    m_toolbar->addAction(newBase);
    m_toolbar->addAction(open);
    m_toolbar->addAction(compare);
    m_toolbar->addAction(m_saveReport);
}

void MainMenus::createViewMenu()
{
    MainWindow* w = m_window;
    // Letters: S B D M R T.
    m_view = w->menuBar()->addMenu(tr("&View"));
    QAction* dock = w->scratchDock()->toggleViewAction();
    dock->setText(tr("&Scratch Layer Panel"));
    m_view->addAction(dock);
    auto* browse = m_view->addAction(tr("&Browse"), w, [w] { w->modeTabs()->setCurrentIndex(0); });
    browse->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    auto* diffView = m_view->addAction(tr("&Diff"), w, [w] { w->modeTabs()->setCurrentWidget(w->diffPane()); });
    diffView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    auto* merged = m_view->addAction(tr("&Merged View"), w, [w] { w->chainPane()->selectLayer(-1); });
    merged->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    // The registry a container of the image sees: base hive plus every layer's delta (issue 13).
    m_registry = m_view->addMenu(tr("Merged &Registry"));
    m_registry->setObjectName(QStringLiteral("registryMenu"));
    m_registry->setToolTip(tr("A system hive with every upper layer's Hives/*_Delta applied (a derived view)"));
    const std::pair<const char*, QString> hives[] = {{"DEFAULT", tr("&DEFAULT")},
                                                     {"SAM", tr("S&AM")},
                                                     {"SECURITY", tr("S&ECURITY")},
                                                     {"SOFTWARE", tr("S&OFTWARE")},
                                                     {"SYSTEM", tr("S&YSTEM")}};
    for (const auto& [name, text] : hives) {
        QAction* action
            = m_registry->addAction(text, w, [w, hive = QString::fromLatin1(name)] { w->showMergedHive(hive); });
        action->setObjectName(QStringLiteral("actionMergedHive-%1").arg(QString::fromLatin1(name)));
    }
    m_view->addSeparator();

    QMenu* theme = m_view->addMenu(tr("&Theme"));
    theme->setObjectName(QStringLiteral("themeMenu"));
    m_themes = new QActionGroup(this);
    m_themes->setExclusive(true);
    const std::pair<Theme::Mode, QString> modes[]
        = {{Theme::Mode::System, tr("&System")}, {Theme::Mode::Light, tr("&Light")}, {Theme::Mode::Dark, tr("&Dark")}};
    for (const auto& [mode, text] : modes) {
        QAction* action = theme->addAction(text);
        action->setCheckable(true);
        action->setData(int(mode));
        action->setObjectName(QStringLiteral("actionTheme-%1").arg(Theme::name(mode)));
        action->setChecked(Theme::current() == mode);
        m_themes->addAction(action);
        connect(action, &QAction::triggered, w, [mode] { Theme::apply(mode); });
    }
}

void MainMenus::createHelpMenu()
{
    MainWindow* w = m_window;
    // Letters: G K A Q.
    m_help = w->menuBar()->addMenu(tr("&Help"));
    auto* guide = m_help->addAction(tr("LayerScope &Guide"), w, &MainWindow::showGuide);
    guide->setShortcut(QKeySequence::HelpContents);
    guide->setObjectName(QStringLiteral("actionGuide"));
    auto* keys = m_help->addAction(tr("&Keyboard Shortcuts"), w, &MainWindow::showShortcuts);
    keys->setObjectName(QStringLiteral("actionShortcuts"));
    keys->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    m_help->addSeparator();
    auto* about = m_help->addAction(tr("&About LayerScope"), w, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    m_help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

QAction* MainMenus::themeAction(int mode) const
{
    for (QAction* action : m_themes->actions())
        if (action->data().toInt() == mode)
            return action;
    return nullptr;
}

void MainMenus::update()
{
    const bool open = m_window->source() != nullptr;
    m_openScratch->setEnabled(open);
    // Squash works on images whose layers are blobs (not a single layer, not layer folders).
    const auto* image = open ? m_window->source()->image.get() : nullptr;
    m_squash->setEnabled(image && image->image().layers.size() > 1 && image->kind() != image::SourceKind::Layer
                         && image->kind() != image::SourceKind::LayerFolder);
    m_reload->setEnabled(open);
    m_close->setEnabled(open);
    m_exportBlob->setEnabled(open && m_window->chainPane()->exportBlobAction()->isEnabled());
    m_registry->setEnabled(open && m_window->source()->image);
    // Only a complete comparison can be saved: none while one runs, or after one failed or was cancelled.
    m_saveReport->setEnabled(m_window->diffPane()->hasResult());
    if (QAction* current = themeAction(int(Theme::current())))
        current->setChecked(true);
}

} // namespace layerscope::ui
