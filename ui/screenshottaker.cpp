// SPDX-License-Identifier: Apache-2.0
#include "screenshottaker.h"

#include "chainpane.h"
#include "detailspane.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "hivebrowser.h"
#include "mainwindow.h"
#include "spacepane.h"
#include "taskrunner.h"
#include "treepane.h"

#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

namespace layerscope::ui {

ScreenshotTaker::ScreenshotTaker(MainWindow* window, Plan plan)
    : QObject(window)
    , m_window(window)
    , m_plan(std::move(plan))
{
    MainWindow* w = m_window;
    const Plan& p = m_plan;
    // Each step may start a task; the next one waits until it is done.
    m_steps.push_back([w, p] {
        if (!p.hiveEntry.isEmpty() && w->selectEntry(p.hiveEntry))
            w->readSelectedAsHive();
    });
    m_steps.push_back([w, p] {
        if (!p.compareA.isEmpty() && !p.compareB.isEmpty())
            w->diffPane()->compare(p.compareA, p.compareB);
    });
    m_steps.push_back([w, p] {
        if (!p.selectPath.isEmpty())
            w->selectEntry(p.selectPath);
    });
    m_steps.push_back([this, w] {
        w->modeTabs()->setCurrentIndex(0);
        w->detailsPane()->tabs()->setCurrentIndex(DetailsPane::EntryTab);
        save(w, QStringLiteral("window"));
        save(w->chainPane(), QStringLiteral("chain"));
        save(w->treePane(), QStringLiteral("tree"));
        save(w->detailsPane(), QStringLiteral("details"));
        w->detailsPane()->tabs()->setCurrentIndex(DetailsPane::PreviewTab);
        save(w->detailsPane(), QStringLiteral("details-preview"));
        w->detailsPane()->tabs()->setCurrentIndex(DetailsPane::HiveTab);
        if (!m_plan.hiveKey.isEmpty())
            w->detailsPane()->hiveBrowser()->selectKey(m_plan.hiveKey);
        save(w->detailsPane(), QStringLiteral("details-hive"));
        w->detailsPane()->tabs()->setCurrentIndex(DetailsPane::EntryTab);
        if (w->diffPane()->hasResult()) {
            w->modeTabs()->setCurrentWidget(w->diffPane());
            w->diffPane()->selectFirstUnexpected();
            save(w, QStringLiteral("window-diff"));
            save(w->diffPane(), QStringLiteral("diff"));
            w->modeTabs()->setCurrentIndex(0);
        }
    });
    if (!p.securityPath.isEmpty())
        m_steps.push_back([this, w] {
            w->modeTabs()->setCurrentIndex(0);
            if (!w->selectEntry(m_plan.securityPath)) {
                qWarning("screenshots: no entry %s", qPrintable(m_plan.securityPath));
                m_ok = false;
                return;
            }
            w->detailsPane()->tabs()->setCurrentIndex(DetailsPane::SecurityTab);
            save(w, QStringLiteral("window-security"));
            save(w->detailsPane(), QStringLiteral("details-security"));
            w->detailsPane()->tabs()->setCurrentIndex(DetailsPane::EntryTab);
        });
    if (!p.filter.isEmpty()) {
        m_steps.push_back([w, p] {
            w->modeTabs()->setCurrentIndex(0);
            w->chainPane()->selectLayer(-1);
            w->treePane()->setFilterText(p.filter);
        });
        m_steps.push_back([this, w] {
            save(w, QStringLiteral("window-filter"));
            w->treePane()->setFilterText(QString());
        });
    }
    if (p.space) {
        // Showing the tab starts the measurement; the next step runs once it is done.
        m_steps.push_back([w] { w->modeTabs()->setCurrentWidget(w->spacePane()); });
        m_steps.push_back([this, w] {
            save(w, QStringLiteral("window-space"));
            w->modeTabs()->setCurrentIndex(0);
        });
    }
    if (p.cancelDiff) {
        m_steps.push_back([w] {
            // The comparison shown is started again and cancelled at once: what the user sees after Cancel.
            w->modeTabs()->setCurrentWidget(w->diffPane());
            w->diffPane()->runComparison();
            w->taskRunner()->cancel(QStringLiteral("diff"));
        });
        m_steps.push_back([this, w] {
            save(w, QStringLiteral("window-diff-cancelled"));
            w->modeTabs()->setCurrentIndex(0);
        });
    }
}

void ScreenshotTaker::start()
{
    auto* poll = new QTimer(this);
    poll->setInterval(150);
    connect(poll, &QTimer::timeout, this, [this, poll] {
        if (m_window->taskRunner()->isBusy())
            return;
        if (m_next < m_steps.size()) {
            m_steps[m_next++]();
            return;
        }
        poll->stop();
        QApplication::exit(m_ok ? 0 : 1);
    });
    poll->start();
}

bool ScreenshotTaker::save(QWidget* widget, const QString& name)
{
    QDir().mkpath(m_plan.dir);
    QApplication::processEvents();
    const bool ok = widget->grab().save(QDir(m_plan.dir).filePath(name + m_plan.suffix + QStringLiteral(".png")));
    m_ok = m_ok && ok;
    return ok;
}

} // namespace layerscope::ui
