// SPDX-License-Identifier: Apache-2.0
// TaskRunner: results and errors on the GUI thread, cancel between steps, superseded results dropped.
#include "common/error.h"
#include "taskrunner.h"

#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace layerscope;
using layerscope::ui::TaskRunner;

namespace {

// Work that takes `steps` short steps, polling for cancel between them as core does between entries.
int slowCount(Progress& progress, int steps, std::atomic<int>* reached = nullptr)
{
    for (int i = 0; i < steps; ++i) {
        progress.checkCancelled();
        progress.advance(uint64_t(i), uint64_t(steps));
        if (reached)
            reached->store(i);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return steps;
}

} // namespace

class TestTaskRunner : public QObject
{
    Q_OBJECT
private slots:
    void deliversResultOnGuiThread()
    {
        TaskRunner runner;
        QThread* workThread = nullptr;
        QThread* doneThread = nullptr;
        int result = 0;
        runner.run(
            QStringLiteral("t"), QStringLiteral("adding"), this,
            [&](Progress&) {
                workThread = QThread::currentThread();
                return 40 + 2;
            },
            [&](int value) {
                doneThread = QThread::currentThread();
                result = value;
            });
        QVERIFY(runner.isBusy());
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(result, 42);
        QVERIFY(workThread != QThread::currentThread());
        QCOMPARE(doneThread, QThread::currentThread());
    }

    void reportsCoreErrorsWithTheirLocation()
    {
        TaskRunner runner;
        QSignalSpy failed(&runner, &TaskRunner::failed);
        bool delivered = false;
        runner.run(
            QStringLiteral("t"), QStringLiteral("reading"), this,
            [](Progress&) -> int {
                throw Error(Error::Where {"base.tar.gz", 4711, "Files/x.dll", 10485760}, "PAX record too long");
            },
            [&](int) { delivered = true; });
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(!delivered);
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("reading"));
        const QString message = failed.at(0).at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("base.tar.gz")) && message.contains(QStringLiteral("10485760")),
                 qPrintable(message));
    }

    void failedCallbackTakesPrecedenceOverSignal()
    {
        TaskRunner runner;
        QSignalSpy failed(&runner, &TaskRunner::failed);
        QString seen;
        runner.run(
            QStringLiteral("t"), QStringLiteral("x"), this, [](Progress&) -> int { throw std::runtime_error("boom"); },
            [](int) {}, [&](const QString& message) { seen = message; });
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(seen, QStringLiteral("boom"));
        QCOMPARE(failed.size(), 0);
    }

    void cancelStopsWorkMidwayWithoutDelivering()
    {
        TaskRunner runner;
        QSignalSpy cancelled(&runner, &TaskRunner::cancelled);
        std::atomic<int> reached {0};
        bool delivered = false;
        runner.run(
            QStringLiteral("t"), QStringLiteral("long"), this,
            [&](Progress& progress) { return slowCount(progress, 100000, &reached); }, [&](int) { delivered = true; });
        QTRY_VERIFY(reached.load() > 5);
        runner.cancelAll();
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!delivered);
        QVERIFY(reached.load() < 99999);
    }

    void newerTaskOfSameKindSupersedesOlder()
    {
        TaskRunner runner;
        QList<int> delivered;
        std::atomic<int> reached {0};
        runner.run(
            QStringLiteral("open"), QStringLiteral("first"), this,
            [&](Progress& progress) { return slowCount(progress, 100000, &reached) * 0 + 1; },
            [&](int v) { delivered << v; });
        QTRY_VERIFY(reached.load() > 2);
        runner.run(
            QStringLiteral("open"), QStringLiteral("second"), this, [](Progress&) { return 2; },
            [&](int v) { delivered << v; });
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(delivered, QList<int> {2});
    }

    void staleResultIsDroppedEvenIfWorkIgnoresCancel()
    {
        TaskRunner runner;
        QList<int> delivered;
        std::atomic<bool> release {false};
        runner.run(
            QStringLiteral("open"), QStringLiteral("stubborn"), this,
            [&](Progress&) {
                while (!release.load())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                return 1;
            },
            [&](int v) { delivered << v; });
        runner.run(
            QStringLiteral("open"), QStringLiteral("newer"), this, [](Progress&) { return 2; },
            [&](int v) { delivered << v; });
        QTRY_COMPARE(delivered, QList<int> {2});
        release = true;
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(delivered, QList<int> {2});
    }

    void tasksOfDifferentKindsRunSideBySide()
    {
        TaskRunner runner;
        QList<int> delivered;
        runner.run(
            QStringLiteral("a"), QStringLiteral("a"), this, [](Progress& p) { return slowCount(p, 20); },
            [&](int v) { delivered << v; });
        runner.run(
            QStringLiteral("b"), QStringLiteral("b"), this, [](Progress&) { return 7; },
            [&](int v) { delivered << v; });
        QTRY_VERIFY(!runner.isBusy());
        std::sort(delivered.begin(), delivered.end());
        QCOMPARE(delivered, (QList<int> {7, 20}));
    }

    void resultIsDroppedWhenContextIsGone()
    {
        TaskRunner runner;
        auto* context = new QObject;
        bool delivered = false;
        runner.run(
            QStringLiteral("t"), QStringLiteral("t"), context, [](Progress& p) { return slowCount(p, 20); },
            [&](int) { delivered = true; });
        delete context;
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!delivered);
    }

    void reportsProgressForTheNewestTask()
    {
        TaskRunner runner;
        QSignalSpy progress(&runner, &TaskRunner::progressChanged);
        runner.run(
            QStringLiteral("t"), QStringLiteral("counting"), this, [](Progress& p) { return slowCount(p, 200); },
            [](int) {});
        QTRY_VERIFY(!runner.isBusy());
        bool sawPercentage = false;
        for (const auto& args : progress)
            if (args.at(0).toString() == QStringLiteral("counting") && args.at(1).toInt() > 0)
                sawPercentage = true;
        QVERIFY(sawPercentage);
        QCOMPARE(progress.last().at(0).toString(), QString()); // idle again
    }

    void destructorWaitsForRunningWork()
    {
        std::atomic<bool> started {false};
        std::atomic<bool> finished {false};
        {
            TaskRunner runner;
            runner.run(
                QStringLiteral("t"), QStringLiteral("t"), nullptr,
                [&](Progress&) {
                    started = true;
                    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // ignores cancel on purpose
                    finished = true;
                    return 1;
                },
                [](int) {});
            QTRY_VERIFY(started.load());
        }
        QVERIFY(finished.load());
    }
};

QTEST_MAIN(TestTaskRunner)
#include "tst_taskrunner.moc"
