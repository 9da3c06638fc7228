// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"

#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <type_traits>

namespace layerscope::ui {

// Runs every long core call off the GUI thread, one job per call (as Ark and Hotspot do):
// - the work gets a layerscope::Progress whose advance() feeds the status bar and whose cancelled() answers the
//   Cancel button, so core stops between entries by throwing layerscope::Cancelled;
// - tasks have a kind ("open", "filter", ...); starting a task cancels the running one of the same kind and bumps a
//   generation counter, so the result of a superseded task is dropped silently (clicking a second layer while the
//   first loads never shows the wrong tree);
// - results and errors arrive on the GUI thread, and only while the `context` object is alive.
class TaskRunner : public QObject
{
    Q_OBJECT
public:
    explicit TaskRunner(QObject* parent = nullptr);
    ~TaskRunner() override;

    using Failed = std::function<void(const QString& message)>;

    // Runs `work(Progress&)` on the pool and calls `done(result)` on the GUI thread. Without `failed`, errors are
    // reported through the failed() signal, which the main window shows in a dialog.
    template<typename Work, typename Done>
    void run(const QString& kind, const QString& title, QObject* context, Work work, Done done, Failed failed = {})
    {
        using Result = std::invoke_result_t<Work&, Progress&>;
        Body body = [work = std::move(work)](Progress& progress) mutable -> std::shared_ptr<void> {
            return std::make_shared<Result>(work(progress));
        };
        Deliver deliver = [done = std::move(done)](const std::shared_ptr<void>& value) mutable {
            done(std::move(*std::static_pointer_cast<Result>(value)));
        };
        start(kind, title, context, std::move(body), std::move(deliver), std::move(failed));
    }

    bool isBusy() const { return !m_running.isEmpty(); }
    // Whether a task of this kind is still wanted (started and neither finished nor superseded).
    bool isRunning(const QString& kind) const { return m_current.contains(kind); }
    quint64 generation() const { return m_generation; }

public slots:
    // The user's Cancel: the task stops and cancelled() is emitted when it has.
    void cancel(const QString& kind);
    // Drops a task whose result is no longer wanted (the data it worked on went away), without any report.
    void discard(const QString& kind) { stop(kind); }
    void cancelAll();

signals:
    void busyChanged(bool busy);
    // The task shown in the status bar changed or advanced; permille < 0 while the total is unknown.
    void progressChanged(const QString& title, int permille);
    void failed(const QString& title, const QString& message);
    void cancelled(const QString& title);
    // The same moment for the task's owner: a task of `kind` stopped because the user cancelled it (not when a
    // newer task of the kind superseded it).
    void taskCancelled(const QString& kind);
    void finished(const QString& title);

private:
    struct Outcome
    {
        std::shared_ptr<void> value;
        QString error;
        bool cancelled = false;
    };
    using Body = std::function<std::shared_ptr<void>(Progress&)>;
    using Deliver = std::function<void(const std::shared_ptr<void>&)>;
    using Watcher = QFutureWatcher<Outcome>;

    struct Task
    {
        quint64 generation = 0;
        QString kind;
        QString title;
        QPointer<QObject> context;
        bool hasContext = false;
        Deliver deliver;
        Failed failed;
        Watcher* watcher = nullptr;
    };

    void start(const QString& kind, const QString& title, QObject* context, Body body, Deliver deliver, Failed failed);
    // Cancels the wanted task of a kind; returns its generation (0 when there was none).
    quint64 stop(const QString& kind);
    void onFinished(Watcher* watcher);
    void reportProgress();
    Task* shownTask();

    QThreadPool m_pool;
    quint64 m_generation = 0;
    QHash<Watcher*, Task> m_running; // includes superseded tasks until they return
    QHash<QString, quint64> m_current; // kind -> generation of the task whose result is wanted
    QSet<quint64> m_cancelledByUser; // reported as cancelled() when they return, unlike superseded ones
};

} // namespace layerscope::ui
