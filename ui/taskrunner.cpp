// SPDX-License-Identifier: Apache-2.0
#include "taskrunner.h"

#include "common/error.h"

#include <QPromise>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

namespace layerscope::ui {

namespace {

// core's Progress over a QPromise: progress in per-mille of the input (QFuture progress is int), cancel by the
// future's cancel flag, which is an atomic load and so cheap enough for core's per-entry calls.
template<typename T> class PromiseProgress final : public Progress
{
public:
    explicit PromiseProgress(QPromise<T>& promise)
        : m_promise(promise)
    { }

    void advance(uint64_t done, uint64_t total) override
    {
        if (total == 0)
            return;
        if (!m_ranged) {
            m_promise.setProgressRange(0, 1000);
            m_ranged = true;
        }
        // QFutureInterface throttles the signals it emits, so this stays cheap when called per entry.
        m_promise.setProgressValue(int(std::min<uint64_t>(done, total) * 1000 / total));
    }

    bool cancelled() const override { return m_promise.isCanceled(); }

private:
    QPromise<T>& m_promise;
    bool m_ranged = false;
};

} // namespace

TaskRunner::TaskRunner(QObject* parent)
    : QObject(parent)
{
    // Our own pool: core's scanner runs a decompression thread of its own, and superseded tasks keep a thread
    // until they notice the cancel, so the global pool (one thread per core) could starve the newest task.
    m_pool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
}

TaskRunner::~TaskRunner()
{
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
        it.key()->disconnect(this);
        it.key()->cancel();
    }
    for (auto it = m_running.begin(); it != m_running.end(); ++it)
        it.key()->waitForFinished();
    m_pool.waitForDone();
}

void TaskRunner::start(const QString& kind, const QString& title, QObject* context, Body body, Deliver deliver,
                       Failed failed)
{
    stop(kind); // superseded: its result, error or cancellation is dropped silently
    const bool wasBusy = isBusy();

    auto* watcher = new Watcher(this);
    Task task;
    task.generation = ++m_generation;
    task.kind = kind;
    task.title = title;
    task.context = context;
    task.hasContext = context != nullptr;
    task.deliver = std::move(deliver);
    task.failed = std::move(failed);
    task.watcher = watcher;
    m_running.insert(watcher, task);
    m_current.insert(kind, task.generation);

    connect(watcher, &Watcher::progressValueChanged, this, &TaskRunner::reportProgress);
    connect(watcher, &Watcher::progressRangeChanged, this, &TaskRunner::reportProgress);
    connect(watcher, &Watcher::finished, this, [this, watcher] { onFinished(watcher); });

    watcher->setFuture(QtConcurrent::run(&m_pool, [body = std::move(body)](QPromise<Outcome>& promise) {
        PromiseProgress<Outcome> progress(promise);
        Outcome outcome;
        try {
            outcome.value = body(progress);
        } catch (const Cancelled&) {
            outcome.cancelled = true;
        } catch (const std::bad_alloc&) {
            outcome.error = QStringLiteral("out of memory");
        } catch (const std::exception& e) {
            // layerscope::Error::what() already names file, entry and byte offset.
            outcome.error = QString::fromUtf8(e.what());
        } catch (...) {
            outcome.error = QStringLiteral("unknown error");
        }
        promise.addResult(std::move(outcome));
    }));

    if (!wasBusy)
        emit busyChanged(true);
    reportProgress();
}

quint64 TaskRunner::stop(const QString& kind)
{
    const auto generation = m_current.take(kind);
    if (!generation)
        return 0;
    for (auto it = m_running.begin(); it != m_running.end(); ++it)
        if (it->generation == generation)
            it.key()->cancel();
    return generation;
}

void TaskRunner::cancel(const QString& kind)
{
    if (const auto generation = stop(kind))
        m_cancelledByUser.insert(generation);
    reportProgress();
}

void TaskRunner::cancelAll()
{
    const auto kinds = m_current.keys();
    for (const auto& kind : kinds)
        cancel(kind);
}

void TaskRunner::onFinished(Watcher* watcher)
{
    const Task task = m_running.take(watcher);
    watcher->deleteLater();
    const bool wanted = m_current.value(task.kind) == task.generation;
    if (wanted)
        m_current.remove(task.kind);
    const bool contextAlive = !task.hasContext || task.context;

    if (m_cancelledByUser.remove(task.generation)) {
        if (contextAlive) {
            emit cancelled(task.title);
            emit taskCancelled(task.kind);
        }
    } else if (wanted && contextAlive) {
        const QFuture<Outcome> future = watcher->future();
        const bool haveResult = !future.isCanceled() && future.resultCount() > 0;
        const Outcome outcome = haveResult ? future.result() : Outcome {{}, {}, true};
        if (outcome.cancelled) {
            emit cancelled(task.title);
            emit taskCancelled(task.kind);
        } else if (!outcome.error.isEmpty()) {
            if (task.failed)
                task.failed(outcome.error);
            else
                emit failed(task.title, outcome.error);
        } else {
            task.deliver(outcome.value);
            emit finished(task.title);
        }
    }

    reportProgress();
    if (!isBusy())
        emit busyChanged(false);
}

TaskRunner::Task* TaskRunner::shownTask()
{
    // The newest task still wanted is the one the user waits for.
    Task* newest = nullptr;
    for (auto it = m_running.begin(); it != m_running.end(); ++it)
        if (m_current.value(it->kind) == it->generation && (!newest || it->generation > newest->generation))
            newest = &it.value();
    return newest;
}

void TaskRunner::reportProgress()
{
    const Task* task = shownTask();
    if (!task) {
        emit progressChanged(QString(), -1);
        return;
    }
    const Watcher* w = task->watcher;
    const int permille = w->progressMaximum() > 0 ? w->progressValue() * 1000 / w->progressMaximum() : -1;
    emit progressChanged(task->title, permille);
}

} // namespace layerscope::ui
