// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entryreader.h"
#include "loadedsource.h"
#include "newbaselayerdialog.h"
#include "squashdialog.h"

#include <QMainWindow>

#include <map>
#include <memory>

class QDockWidget;
class QSplitter;
class QTabWidget;
class QTemporaryDir;

namespace layerscope::ui {

class ChainPane;
class DetailsPane;
class DiffPane;
class MainMenus;
class ScratchPanel;
class SpacePane;
class TaskProgressWidget;
class TaskRunner;
class TreePane;

// The one window: chain over tree on the left, details on the right (the "Browse" tab), and the diff view; the
// scratch panel docks below. Menus live in MainMenus, the screenshot script's driver in ScreenshotTaker, each
// pane in its own class; the window holds the document (the open source) and runs the commands the menus call.
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
    // Shows a system hive ("SOFTWARE") of the open image with every layer's delta applied, in the Hive tab.
    void showMergedHive(const QString& hive);
    // Builds a base layer in the background, then opens it and shows its digest and validation result.
    void createBaseLayer(const NewBaseLayerDialog::Request& request);
    void showNewBaseLayerDialog(bool fromFolder);
    // Compares two tree specifications (anything the CLI's diff accepts) in the Diff tab; `subtree` limits the
    // comparison to one file or folder.
    void compare(const QString& a, const QString& b, const QString& subtree = {});
    // Prepares a scratch layer over the open source (up to the layer shown; the whole chain from the merged view)
    // in the new folder `workDir`, and shows it in the Scratch Layer panel.
    void openScratchLayer(const QString& workDir);
    // Squashes a range of the open image in the background (squash::squashImage); an image result is then compared
    // with the original in the Diff tab, where the merged views must show no unexpected change.
    void squashLayers(const SquashDialog::Request& request);
    // "Squash Layers…": the dialog, preset with the chain pane's selected range (else everything above the base).
    void showSquashDialog();
    // Shows the merged view in the Browse tab and selects `path` in it (the Space tab's "Show in Tree").
    bool showInMergedTree(const QString& path);
    // Selects an entry of the tree shown now by its path; false when absent.
    bool selectEntry(const QString& path);
    // Writes the data of the shown tree's entry `entryPath` to `target` in the background, atomically; an existing
    // `target` is replaced only with `overwrite` (the user has agreed by then).
    void exportEntry(const QString& entryPath, const QString& target, bool overwrite);
    // Writes layer `position`'s blob as stored to `target` in the background, atomically, as exportEntry() does.
    void exportLayerBlob(int position, const QString& target, bool overwrite);
    // Reads the entry selected in the tree as a registry hive (the Hive tab's button).
    void readSelectedAsHive();

    // The menus' commands: each asks what it needs (a file dialog, a confirmation), then acts.
    void chooseAndOpen(bool folder);
    void chooseAndOpenHive();
    void chooseAndOpenScratchLayer();
    void chooseAndOpenScratchFolder();
    // Compares what is shown with a tree the user picks; with `entryPath`, only that file or folder of both.
    void compareCurrentWith(const QString& entryPath);
    // "Export File…": asks where to save the entry (and before replacing a file), then exportEntry().
    void chooseAndExport(const QString& entryPath);
    void chooseAndExportLayerBlob(int position);
    void reload();
    void closeSource();
    void showAbout();
    void showShortcuts();
    void showGuide();

    const std::shared_ptr<const LoadedSource>& source() const { return m_source; }
    TaskRunner* taskRunner() const { return m_runner; }
    ChainPane* chainPane() const { return m_chain; }
    TreePane* treePane() const { return m_tree; }
    DetailsPane* detailsPane() const { return m_details; }
    // The tree specification (as the CLI's diff takes it) of what the tree pane shows: PATH, PATH@N for one layer of
    // an image, or a chain's disk.
    QString currentTreeSpec() const;
    DiffPane* diffPane() const { return m_diff; }
    ScratchPanel* scratchPanel() const { return m_scratch; }
    SpacePane* spacePane() const { return m_space; }
    QDockWidget* scratchDock() const { return m_scratchDock; }
    QTabWidget* modeTabs() const { return m_modes; }
    MainMenus* menus() const { return m_menus; }
    QStringList recentFiles() const;

    static QString aboutText();
    // The file name a layer blob is offered under: its digest's hex and an ending for its compression.
    static QString blobFileName(const LoadedLayer& layer);

signals:
    // Emitted after a source was opened and shown (tests wait for it).
    void sourceOpened(const QString& path);
    // A base layer was written (before it is opened).
    void baseLayerCreated(const QString& output, const QString& digest);
    // A squash finished: the image (or layer) written, and the squashed layer's digest.
    void layersSquashed(const QString& output, const QString& digest);
    // An entry's data (or a layer's blob) was written to `target`.
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
    void setSource(std::shared_ptr<const LoadedSource> source);
    void showLayer(int position);
    // A chain's disk row: the volume inside, read in the background the first time and kept while the source is open.
    void showDisk(const QString& path);
    void presentDisk(const std::shared_ptr<const LoadedSource>& disk);
    void showError(const QString& title, const QString& message);
    void entrySelected(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node);
    // Writes `reader`'s data to `target` on the task runner (export of an entry or of a layer blob).
    void writeInBackground(const QString& title, const QString& target, bool overwrite,
                           std::function<uint64_t(io::ByteSink&, Progress&)> copy);
    // Where an entry of the shown tree (a layer's, or the merged view's) can be read from.
    EntryReader entryReader(const index::TreeIndex& tree, index::NodeId node) const;
    // Computes the SHA-256 of the selected file of a volume in the background, once per file.
    void hashVolumeEntry(const std::shared_ptr<const index::TreeIndex>& tree, index::NodeId node,
                         const EntryReader& reader);
    // "<document> — LayerScope" for the tab shown: the source in Browse, "A ↔ B" in Diff.
    void updateTitle();
    void fitChainPane();
    void restoreSettings();
    void saveSettings() const;

    int m_shownLayer = -1;
    // The disk whose volume the tree shows (a disk row of the chain), and the one the user asked for last.
    std::shared_ptr<const LoadedSource> m_shownDisk;
    QString m_wantedDisk;
    std::map<QString, std::shared_ptr<const LoadedSource>> m_disks;
    std::shared_ptr<const index::TreeIndex> m_entryTree;
    index::NodeId m_entryNode = index::InvalidNode;
    // SHA-256s of a volume's files computed on selection (opening a disk reads no file data), for `m_digestTree`.
    std::weak_ptr<const index::TreeIndex> m_digestTree;
    std::map<index::NodeId, QString> m_digests;
    TaskRunner* m_runner;
    TaskProgressWidget* m_progress;
    QTabWidget* m_modes;
    QSplitter* m_browseSplitter;
    QSplitter* m_leftSplitter;
    QList<int> m_leftSizesWithTable; // the chain pane's share while a bare disk squeezes it to its facts
    ChainPane* m_chain;
    TreePane* m_tree;
    DetailsPane* m_details;
    DiffPane* m_diff;
    SpacePane* m_space;
    ScratchPanel* m_scratch;
    QDockWidget* m_scratchDock;
    MainMenus* m_menus = nullptr;
    QString m_hiveFile; // a hive opened from a file (shown in the title while no source is open)
    std::shared_ptr<const LoadedSource> m_source;
    std::shared_ptr<QTemporaryDir> m_sampleDir;
};

} // namespace layerscope::ui
