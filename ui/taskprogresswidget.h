// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace layerscope::ui {

class TaskRunner;

// The status bar's view of the TaskRunner: what is running, how far it is, and a Cancel button (also Esc).
class TaskProgressWidget : public QWidget
{
    Q_OBJECT
public:
    explicit TaskProgressWidget(TaskRunner* runner, QWidget* parent = nullptr);

    QToolButton* cancelButton() const { return m_cancel; }

private:
    void showProgress(const QString& title, int permille);

    TaskRunner* m_runner;
    QLabel* m_label;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
};

} // namespace layerscope::ui
