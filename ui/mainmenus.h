// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

class QAction;
class QActionGroup;
class QMenu;
class QToolBar;

namespace layerscope::ui {

class MainWindow;

// The main window's menus (File, View, Help) and toolbar, built from the window's commands. Every menu keeps its
// mnemonics unique, and the menu bar's letters stay clear of the tabs and buttons shown beside it
// (tst_mainwindow checks both).
class MainMenus : public QObject
{
    Q_OBJECT
public:
    explicit MainMenus(MainWindow* window);

    // Enables what makes sense for the window's state (a source open, a complete comparison shown).
    void update();

    QMenu* fileMenu() const { return m_file; }
    QMenu* viewMenu() const { return m_view; }
    QMenu* helpMenu() const { return m_help; }
    QMenu* recentMenu() const { return m_recent; }
    QToolBar* toolBar() const { return m_toolbar; }
    QAction* openScratchAction() const { return m_openScratch; }
    QAction* squashAction() const { return m_squash; }
    QAction* saveReportAction() const { return m_saveReport; }
    QAction* themeAction(int mode) const; // Theme::Mode as int

private:
    void createFileMenu();
    void createViewMenu();
    void createHelpMenu();

    MainWindow* m_window;
    QMenu* m_file = nullptr;
    QMenu* m_view = nullptr;
    QMenu* m_help = nullptr;
    QMenu* m_recent = nullptr;
    QMenu* m_registry = nullptr;
    QToolBar* m_toolbar = nullptr;
    QAction* m_openScratch = nullptr;
    QAction* m_squash = nullptr;
    QAction* m_saveReport = nullptr;
    QAction* m_exportBlob = nullptr;
    QAction* m_reload = nullptr;
    QAction* m_close = nullptr;
    QActionGroup* m_themes = nullptr;
};

} // namespace layerscope::ui
