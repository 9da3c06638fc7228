// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadeddiff.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class QTreeView;

namespace layerscope::ui {

class ChangeView;
class DiffModel;
class SortProxyModel;
class TaskRunner;

// Compare any two trees (what the CLI's diff accepts), whole or one file or folder of them: the changes as a tree
// coloured by kind, sortable and searchable, filters by kind and by expected/unexpected, a change's fields side by
// side, and reports in the CLI's formats. What is shown is always one complete comparison of the A and B shown:
// while a comparison runs, and after it failed or was cancelled, the results are empty and nothing can be saved.
class DiffPane : public QWidget
{
    Q_OBJECT
public:
    enum class ReportFormat { Markdown, Html, Json };

    explicit DiffPane(TaskRunner* runner, QWidget* parent = nullptr);

    // Fills the sides (and the path to limit the comparison to; empty for everything) and compares in the
    // background.
    void compare(const QString& a, const QString& b, const QString& subtree = {});
    // Compares what the A, B and path fields hold now (the Compare button).
    void runComparison();
    void setSideA(const QString& spec);
    void setSideB(const QString& spec);
    void setSubtree(const QString& path);
    // Writes the report of the shown comparison atomically (a temporary name renamed into place). An existing file
    // is replaced only with `overwrite` (the user has agreed to it); otherwise the report fails and says so.
    void saveReport(const QString& path, ReportFormat format, bool overwrite = false);

    DiffModel* model() const { return m_model; }
    SortProxyModel* proxy() const { return m_proxy; }
    QTreeView* view() const { return m_view; }
    ChangeView* sideBySide() const { return m_sides; }
    QLabel* summaryLabel() const { return m_summary; }
    QPushButton* saveButton() const { return m_save; }
    QLineEdit* searchEdit() const { return m_search; }
    QLineEdit* subtreeEdit() const { return m_subtree; }
    QCheckBox* kindFilter(int kind) const; // diff::ChangeKind as int
    QComboBox* expectedFilter() const { return m_expected; }
    // A row of the view (proxy index) or of the model.
    void showChange(const QModelIndex& index);
    // Selects the first change no rule explains (what a reader looks at first); false when there is none.
    bool selectFirstUnexpected();
    // Applies the search text now (no typing delay).
    void setSearchText(const QString& text);
    // Whether a complete comparison is shown (what Save Report writes).
    bool hasResult() const;
    // "A ↔ B" of the comparison shown or running, for the window title; empty when there is none.
    QString title() const;

    // Asks where to save and in which format (and before replacing a file), then saves.
    void chooseAndSaveReport();

signals:
    void compared();
    void failed(const QString& title, const QString& message);
    void reportSaved(const QString& path);
    // The comparison shown changed (started, finished, failed, cancelled): the window title follows it.
    void stateChanged();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void applyFilter();
    void chooseSide(QLineEdit* edit);
    void setDiff(std::shared_ptr<const LoadedDiff> diff);
    // Empties the results and says why ("Comparing…", "Cancelled", an error).
    void clearResults(const QString& summary);
    void showSummary();

    TaskRunner* m_runner;
    QLineEdit* m_a;
    QLineEdit* m_b;
    QLineEdit* m_subtree;
    QPushButton* m_compare;
    QPushButton* m_save;
    QLabel* m_summary;
    QCheckBox* m_added;
    QCheckBox* m_removed;
    QCheckBox* m_changed;
    QComboBox* m_expected;
    QLineEdit* m_search;
    QLabel* m_shown;
    QTimer* m_searchDelay;
    QTreeView* m_view;
    ChangeView* m_sides;
    DiffModel* m_model;
    SortProxyModel* m_proxy;
    QString m_running; // "A ↔ B" of the comparison in progress
};

} // namespace layerscope::ui
