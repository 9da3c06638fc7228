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
class QTreeView;
class QTreeWidget;

namespace layerscope::ui {

class DiffModel;
class TaskRunner;

// Compare any two trees (what the CLI's diff accepts): the changes as a tree coloured by kind, filters by kind and
// by expected/unexpected, a change's fields side by side, and reports in the CLI's formats.
class DiffPane : public QWidget
{
    Q_OBJECT
public:
    enum class ReportFormat { Markdown, Html, Json };

    explicit DiffPane(TaskRunner* runner, QWidget* parent = nullptr);

    // Fills the sides and runs the comparison in the background.
    void compare(const QString& a, const QString& b);
    void setSideA(const QString& spec);
    void setSideB(const QString& spec);
    // Writes the report of the shown comparison atomically (a temporary name renamed into place).
    void saveReport(const QString& path, ReportFormat format);

    DiffModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    QTreeWidget* sideBySide() const { return m_sides; }
    QLabel* summaryLabel() const { return m_summary; }
    QCheckBox* kindFilter(int kind) const; // diff::ChangeKind as int
    QComboBox* expectedFilter() const { return m_expected; }
    void showChange(const QModelIndex& index);
    // Selects the first change no rule explains (what a reader looks at first); false when there is none.
    bool selectFirstUnexpected();

    // Asks where to save and in which format, then saves.
    void chooseAndSaveReport();

signals:
    void compared();
    void failed(const QString& title, const QString& message);
    void reportSaved(const QString& path);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void runComparison();
    void applyFilter();
    void chooseSide(QLineEdit* edit);
    void setDiff(std::shared_ptr<const LoadedDiff> diff);

    TaskRunner* m_runner;
    QLineEdit* m_a;
    QLineEdit* m_b;
    QPushButton* m_compare;
    QPushButton* m_save;
    QLabel* m_summary;
    QCheckBox* m_added;
    QCheckBox* m_removed;
    QCheckBox* m_changed;
    QComboBox* m_expected;
    QTreeView* m_view;
    QTreeWidget* m_sides;
    DiffModel* m_model;
};

} // namespace layerscope::ui
