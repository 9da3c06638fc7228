// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadedsource.h"

#include <QWidget>

#include <memory>
#include <utility>

class QAction;
class QLabel;
class QTreeView;

namespace layerscope::ui {

class ChainModel;

// The chain: image facts (os, os.version, architecture, total size) above the layers, base to top, and the merged
// row; a layer's context menu copies its full digest and exports its blob.
class ChainPane : public QWidget
{
    Q_OBJECT
public:
    explicit ChainPane(QWidget* parent = nullptr);

    void setSource(std::shared_ptr<const LoadedSource> source);
    ChainModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    // False for a bare disk, which has no layers or disks to list: the pane is its facts alone.
    bool hasTable() const;
    QLabel* factsLabel() const { return m_facts; }

    // Selects a layer row (or the merged row with -1).
    void selectLayer(int position);
    // Selects the row of a layer folder's virtual disk; false when the chain has no such disk.
    bool selectDisk(const QString& path);
    // The layer of the current row (-1 for the merged row or none).
    int currentLayer() const;
    // The lowest and highest selected layer rows (Shift/Ctrl extend the selection), or {-1, -1} when no layer row
    // is selected: what "Squash Layers…" offers as its range.
    std::pair<int, int> selectedLayerRange() const;
    // Adds an action to the layers' context menu (after the pane's own).
    void addContextAction(QAction* action);
    // Copies the current layer's full digest ("sha256:…") to the clipboard; false when there is none.
    bool copyDigest();

    // For each virtual disk of the current layer, or the current disk row (a layer folder's sandbox.vhdx,
    // blank.vhdx): "Open on Its Own" (the disk as a document) and, for the top layer's, "Compare with the Chain"
    // (what the container changed). Parented to `parent`.
    QList<QAction*> diskActions(QObject* parent);

    QAction* copyDigestAction() const { return m_copyDigest; }
    QAction* exportBlobAction() const { return m_exportBlob; }

signals:
    // position -1 is the merged view.
    void layerSelected(int position);
    // A disk row: the NTFS volume inside a layer folder's virtual disk.
    void diskSelected(const QString& disk);
    // "Export Layer Blob…" on a layer row.
    void exportBlobRequested(int position);
    void openDiskRequested(const QString& disk);
    // The disk as a container's writable layer over the merged view of the open chain.
    void compareDiskRequested(const QString& disk);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitHeight();
    void showContextMenu(const QPoint& pos);
    void updateActions();

    QLabel* m_facts;
    QTreeView* m_view;
    ChainModel* m_model;
    QAction* m_copyDigest;
    QAction* m_exportBlob;
    QList<QAction*> m_extraActions;
};

} // namespace layerscope::ui
