// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entryreader.h"
#include "loadedsource.h"
#include "newbaselayerdialog.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QDockWidget;
class QMenu;
class QSplitter;
class QTabWidget;
class QTemporaryDir;

namespace layerscope::ui {

class ChainPane;
class DetailsPane;
class DiffPane;
class ScratchPanel;
class TaskProgressWidget;
class TaskRunner;
class TreePane;

// The one window: chain over tree on the left, details on the right (the "Browse" tab), and the diff view.
// Every long operation goes through the TaskRunner; the window only reacts to results.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a layer blob or image source in the background; errors are shown in a dialog naming the file.
    void openPath(const QString& path);
    // Generates the built-in sample (baselayer::writeSampleImage) into a temporary folder in the background, opens
    // its two-layer image and compares its base layer with the simulated round-trip re-export in the Diff tab.
    void openSample();
    void openHiveFile(const QString& path);
    // Builds a base layer in the background, then opens it and shows its digest and validation result.
    void createBaseLayer(const NewBaseLayerDialog::Request& request);
    void showNewBaseLayerDialog(bool fromFolder);
    // Compares two tree specifications (anything the CLI's diff accepts) in the Diff tab.
    void compare(const QString& a, const QString& b);
    // Prepares a scratch layer over the open source (up to the layer shown; the whole chain from the merged view)
    // in the new folder `workDir`, and shows it in the Scratch Layer panel.
    void openScratchLayer(const QString& workDir);
    // Selects an entry of the tree shown now by its path; false when absent.
    bool selectEntry(const QString& path);
    // Writes the data of the shown tree's entry `entryPath` to `target` in the background, atomically; an existing
    // `target` is replaced only with `overwrite` (the save dialog has asked the user by then).
    void exportEntry(const QString& entryPath, const QString& target, bool overwrite);
    // "Export File…": asks where to save the entry (QFileDialog asks before replacing a file), then exportEntry().
    void chooseAndExport(const QString& entryPath);

    const std::shared_ptr<const LoadedSource>& source() const { return m_source; }
    TaskRunner* taskRunner() const { return m_runner; }
    ChainPane* chainPane() const { return m_chain; }
    TreePane* treePane() const { return m_tree; }
    DetailsPane* detailsPane() const { return m_details; }
    DiffPane* diffPane() const { return m_diff; }
    ScratchPanel* scratchPanel() const { return m_scratch; }
    QDockWidget* scratchDock() const { return m_scratchDock; }
    QTabWidget* modeTabs() const { return m_modes; }
    QStringList recentFiles() const;

    // For the screenshot script (hidden --screenshot option): once the open task is done, read `hiveEntry` of the
    // shown layer as a hive, compare `compareA` with `compareB`, select `selectPath`, save a PNG of the window and
    // of each pane into `dir`, then quit the application.
    struct ScreenshotPlan
    {
        QString dir;
        QString selectPath;
        QString hiveEntry;
        QString hiveKey; // selected in the hive browser, so that its values show
        QString compareA;
        QString compareB;
    };
    void takeScreenshotsWhenIdle(const ScreenshotPlan& plan);
    bool saveScreenshots(const ScreenshotPlan& plan);

    static QString aboutText();

signals:
    // Emitted after a source was opened and shown (tests wait for it).
    void sourceOpened(const QString& path);
    // A base layer was written (before it is opened).
    void baseLayerCreated(const QString& output, const QString& digest);
    // An entry's data was written to `target`.
    void entryExported(const QString& target, qulonglong bytes);
    // The sample was generated: its image, and the pair compared in the Diff tab.
    void sampleCreated(const QString& image, const QString& base, const QString& reexport);
    // Emitted whenever an error dialog is shown, with its text.
    void errorShown(const QString& title, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void setSource(std::shared_ptr<const LoadedSource> source);
    void showLayer(int position);
    int m_shownLayer = -1;
    std::shared_ptr<const index::TreeIndex> m_entryTree;
    index::NodeId m_entryNode = index::InvalidNode;
    void showError(const QString& title, const QString& message);
    void addRecentFile(const QString& path);
    void fillRecentMenu();
    void chooseAndOpen(bool folder);
    void chooseAndOpenHive();
    void showAbout();
    void chooseAndOpenScratchLayer();
    void chooseAndOpenScratchFolder();
    void compareCurrentWith();
    void entrySelected(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node);
    void readEntryAsHive();
    // Where an entry of the shown tree (a layer's, or the merged view's) can be read from.
    EntryReader entryReader(const index::TreeIndex& tree, index::NodeId node) const;
    // The tree specification (as the CLI's diff takes it) of what the tree pane shows: PATH, or PATH@N for one
    // layer of an image.
    QString currentTreeSpec() const;
    void restoreSettings();
    void saveSettings() const;

    TaskRunner* m_runner;
    TaskProgressWidget* m_progress;
    QTabWidget* m_modes;
    QSplitter* m_browseSplitter;
    QSplitter* m_leftSplitter;
    ChainPane* m_chain;
    TreePane* m_tree;
    DetailsPane* m_details;
    DiffPane* m_diff;
    ScratchPanel* m_scratch;
    QDockWidget* m_scratchDock;
    QAction* m_openScratch = nullptr;
    QMenu* m_recentMenu = nullptr;
    std::shared_ptr<const LoadedSource> m_source;
    std::shared_ptr<QTemporaryDir> m_sampleDir;
};

} // namespace layerscope::ui
