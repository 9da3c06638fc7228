// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadedsource.h"
#include "newbaselayerdialog.h"

#include <QMainWindow>

#include <memory>

class QMenu;
class QSplitter;
class QTabWidget;
class QTemporaryDir;

namespace layerscope::ui {

class ChainPane;
class DetailsPane;
class DiffPane;
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
    void openSample();
    void openHiveFile(const QString& path);
    // Builds a base layer in the background, then opens it and shows its digest and validation result.
    void createBaseLayer(const NewBaseLayerDialog::Request& request);
    void showNewBaseLayerDialog(bool fromFolder);
    // Compares two tree specifications (anything the CLI's diff accepts) in the Diff tab.
    void compare(const QString& a, const QString& b);
    // Selects an entry of the tree shown now by its path; false when absent.
    bool selectEntry(const QString& path);

    const std::shared_ptr<const LoadedSource>& source() const { return m_source; }
    TaskRunner* taskRunner() const { return m_runner; }
    ChainPane* chainPane() const { return m_chain; }
    TreePane* treePane() const { return m_tree; }
    DetailsPane* detailsPane() const { return m_details; }
    DiffPane* diffPane() const { return m_diff; }
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
        QString compareA;
        QString compareB;
    };
    void takeScreenshotsWhenIdle(const ScreenshotPlan& plan);
    bool saveScreenshots(const QString& dir);

    static QString aboutText();

signals:
    // Emitted after a source was opened and shown (tests wait for it).
    void sourceOpened(const QString& path);
    // A base layer was written (before it is opened).
    void baseLayerCreated(const QString& output, const QString& digest);
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
    void compareCurrentWith();
    void entrySelected(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node);
    void readEntryAsHive();
    // The layer file and tar position an entry's data can be read from; empty path when it cannot.
    std::pair<std::filesystem::path, uint64_t> entryDataSource(const index::TreeIndex& tree, index::NodeId node) const;
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
    QMenu* m_recentMenu = nullptr;
    std::shared_ptr<const LoadedSource> m_source;
    std::unique_ptr<QTemporaryDir> m_sampleDir;
};

} // namespace layerscope::ui
