// SPDX-License-Identifier: Apache-2.0
#include "taskprogresswidget.h"

#include "taskrunner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

namespace layerscope::ui {

TaskProgressWidget::TaskProgressWidget(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);

    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_bar->setMaximumWidth(fontMetrics().averageCharWidth() * 30);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setToolTip(tr("Stop the running task (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setObjectName(QStringLiteral("cancelTask"));
    connect(m_cancel, &QToolButton::clicked, runner, &TaskRunner::cancelAll);
    connect(runner, &TaskRunner::progressChanged, this, &TaskProgressWidget::showProgress);
    setVisible(false);
}

void TaskProgressWidget::showProgress(const QString& title, int permille)
{
    setVisible(!title.isEmpty());
    m_label->setText(title);
    if (permille < 0) {
        m_bar->setRange(0, 0); // busy indicator while the total is unknown
    } else {
        m_bar->setRange(0, 1000);
        m_bar->setValue(permille);
    }
}

} // namespace layerscope::ui
