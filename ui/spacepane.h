// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadedsource.h"
#include "space/spacereport.h"

#include <QWidget>

#include <memory>

class QAbstractItemView;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeView;

namespace layerscope::ui {

class DuplicateModel;
class HotSpotModel;
class LayerBarsView;
class LayerSpaceModel;
class TaskRunner;
class TreemapView;
class WastedPathModel;

// The Space tab: where the bytes of the open document go (core's SpaceAnalyzer over the trees the document already
// holds, so no layer is read again). The measurement runs on the TaskRunner ("space") with progress and Cancel when
// the tab is first shown for a document; the models only adapt the resulting SpaceReport.
class SpacePane : public QWidget
{
    Q_OBJECT
public:
    explicit SpacePane(TaskRunner* runner, QWidget* parent = nullptr);

    // A new document (or none): the previous report goes; measure() runs when the pane is shown.
    void setSource(std::shared_ptr<const LoadedSource> source);
    // Starts the measurement of the current document unless it is done or running.
    void measure();
    const std::shared_ptr<const space::SpaceReport>& report() const { return m_report; }

    LayerSpaceModel* layerModel() const { return m_layerModel; }
    WastedPathModel* wastedModel() const { return m_wastedModel; }
    DuplicateModel* duplicateModel() const { return m_duplicateModel; }
    HotSpotModel* hotSpotModel() const { return m_hotSpotModel; }
    TreemapView* treemap() const { return m_treemap; }
    QTabWidget* listTabs() const { return m_lists; }
    QAbstractItemView* wastedView() const;
    QAbstractItemView* duplicateView() const;
    QLabel* summary() const { return m_summary; }
    // "Show in Tree" for the current row of the list shown.
    void showCurrentInTree();

signals:
    void showInTreeRequested(const QString& path);
    // A report was computed and shown.
    void measured();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void setReport(std::shared_ptr<const space::SpaceReport> report);
    void updateButtons();

    TaskRunner* m_runner;
    std::shared_ptr<const LoadedSource> m_source;
    std::shared_ptr<const space::SpaceReport> m_report;
    LayerSpaceModel* m_layerModel;
    WastedPathModel* m_wastedModel;
    DuplicateModel* m_duplicateModel;
    HotSpotModel* m_hotSpotModel;
    QLabel* m_summary;
    LayerBarsView* m_bars;
    QTableView* m_layers;
    TreemapView* m_treemap;
    QTabWidget* m_lists;
    QTreeView* m_wasted;
    QTreeView* m_duplicates;
    QTreeView* m_hotSpots;
    QPushButton* m_showInTree;
    QPushButton* m_measureAgain;
};

} // namespace layerscope::ui
