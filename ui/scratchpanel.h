// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scratch/scratchbackend.h"

#include <QElapsedTimer>
#include <QWidget>

#include <filesystem>
#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QTimer;
class QTreeWidget;

namespace layerscope::ui {

class TaskRunner;

// A scratch layer being edited (core/scratch): its work folder with "Open Folder", the changes since it was
// prepared (refreshed while the panel is shown), "Commit…" to write them as a new layer (and optionally a new
// image), and "Discard" to remove the folder. Every core call runs through the TaskRunner.
class ScratchPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ScratchPanel(TaskRunner* runner, QWidget* parent = nullptr);

    // Prepares a work folder over `source` (layers 0..upTo, or the whole chain) in the background, then shows it.
    void prepare(const scratch::PrepareRequest& request);
    // Shows an existing work folder (one a prepare made, now or in an earlier run).
    void openWorkFolder(const std::filesystem::path& workDir);
    // Asks for the layer file (and whether to write an image too), then commits in the background.
    void chooseAndCommit();
    // Commits to `request`'s outputs in the background; committed() or failed() follows.
    void commit(const scratch::CommitRequest& request);
    // Asks for confirmation unless `confirmed`, then removes the work folder in the background.
    void discard(bool confirmed = false);
    // Reads the status now (the timer does it too while the panel is shown).
    void refresh();

    const std::filesystem::path& workDir() const { return m_workDir; }
    bool hasSession() const { return !m_workDir.empty(); }
    // Whether the changes shown are the ones last committed (Commit is offered again after the next edit).
    bool isCommitted() const;
    QPushButton* commitButton() const { return m_commit; }
    const scratch::ScratchStatus& status() const { return m_status; }
    QTreeWidget* changesView() const { return m_changes; }
    QLabel* summaryLabel() const { return m_summary; }

signals:
    void prepared(const QString& workDir);
    void statusUpdated();
    void committed(const QString& layer, const QString& image);
    void discarded();
    // The main window shows these in its error dialog.
    void failed(const QString& title, const QString& message);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void setWorkDir(const std::filesystem::path& workDir);
    void showStatus(scratch::ScratchStatus status);
    void updateButtons();

    TaskRunner* m_runner;
    std::shared_ptr<scratch::ScratchBackend> m_backend;
    std::filesystem::path m_workDir;
    scratch::ScratchStatus m_status;
    std::optional<scratch::CommitResult> m_committed;
    QLabel* m_folder;
    QLabel* m_summary;
    QTreeWidget* m_changes;
    QPushButton* m_openFolder;
    QPushButton* m_refresh;
    QPushButton* m_commit;
    QPushButton* m_discard;
    QTimer* m_poll;
    QElapsedTimer m_statusClock;
};

} // namespace layerscope::ui
