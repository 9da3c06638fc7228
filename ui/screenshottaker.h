// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace layerscope::ui {

class MainWindow;

// For tests/ui/screenshots.sh (the app's hidden --screenshot option): drives the real window through the states the
// README shows, one step whenever no task runs, saves PNGs of the window and its panes, then quits the application.
class ScreenshotTaker : public QObject
{
    Q_OBJECT
public:
    struct Plan
    {
        QString dir;
        QString selectPath; // selected for window.png and the details pane
        QString hiveEntry; // read as a hive (details-hive.png)
        QString hiveKey; // selected in the hive browser, so that its values show
        QString compareA; // compared for window-diff.png
        QString compareB;
        QString securityPath; // whose Security tab is saved (window-security.png, details-security.png)
        QString filter; // typed into the tree's filter (window-filter.png)
        bool cancelDiff = false; // compare A and B again and cancel (window-diff-cancelled.png)
        bool space = false; // the Space tab once measured (window-space.png)
        QString suffix; // appended to every file name ("-dark")
    };

    ScreenshotTaker(MainWindow* window, Plan plan);

    // Starts stepping once the window's first task (opening the source) is done.
    void start();

private:
    void step();
    bool save(QWidget* widget, const QString& name);

    MainWindow* m_window;
    Plan m_plan;
    std::vector<std::function<void()>> m_steps;
    size_t m_next = 0;
    bool m_ok = true;
};

} // namespace layerscope::ui
