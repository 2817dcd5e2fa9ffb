// A batch of restarts (models/restart): the plan's verdicts and their reasons, two runs of the same parameters
// restarted once, and the batch's limits (per server at once, the wait between starts, stop after a failure, the
// same idempotency key when sent again after no answer). The restarts are "sent" by a launcher that records them.
#include "batchrestart.h"
#include "restartplan.h"
#include "testoplog.h"

#include <QSignalSpy>
#include <QTest>

using namespace oplens;
using namespace Qt::StringLiterals;
using testoplog::Event;

namespace {

constexpr qint64 kT = 1'750'000'000'000;

QByteArray run(const QString &id, const QString &end, qint64 at, const QString &account, const QString &name = u"Restore"_s)
{
    const auto event = [&](const QString &type, qint64 time) {
        return Event(id, type, time).module(u"ZxBackup"_s).name(name)
            .parameters({{u"origin"_s, u"Admin"_s}, {u"account"_s, account}}).line();
    };
    return event(u"Started"_s, at) + (end.isEmpty() ? QByteArray() : event(end, at + 10));
}

RestartSource agent(const QString &server = u"mail1:8470"_s)
{
    RestartSource s;
    s.kind = RestartSource::Kind::Agent;
    s.server = server;
    return s;
}

// The restarts sent: which, with which key; answered when the test says.
struct Launcher {
    struct Call {
        PlanItem item;
        QString key;
        std::function<void(const LaunchAnswer &)> done;
    };
    std::vector<Call> calls;
    LaunchRestart function()
    {
        return [this](const PlanItem &item, const QString &, const QString &key, QObject *, std::function<void(const LaunchAnswer &)> done) {
            calls.push_back({item, key, std::move(done)});
        };
    }
    void launch(size_t call, const QString &newId) { calls.at(call).done({202, newId, {}, {}}); }
};

std::vector<PlanItem> items(int n, const QString &server = u"mail1:8470"_s)
{
    std::vector<PlanItem> plan;
    for (int i = 0; i < n; ++i) {
        PlanItem item;
        item.operationId = u"old%1"_s.arg(i);
        item.server = server;
        item.source = u"test"_s;
        item.name = u"Restore"_s;
        plan.push_back(item);
    }
    return plan;
}

QString progressOf(const BatchRestart &batch, size_t i)
{
    return progressName(batch.entries().at(i).progress);
}

} // namespace

class TestBatchRestart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planSaysWhyEachIsRefused()
    {
        Dataset data;
        testoplog::load(data, run(u"cut"_s, u"Interrupted"_s, kT, u"alice"_s) + run(u"done"_s, u"Finished"_s, kT + 100, u"bob"_s)
                                  + run(u"again"_s, u"Failed"_s, kT + 200, u"carol"_s)
                                  + Event(u"again2"_s, u"Queued"_s, kT + 300).module(u"ZxBackup"_s).name(u"Restore"_s)
                                        .parameters({{u"origin"_s, u"Restart"_s}, {u"account"_s, u"carol"_s}})
                                        .set(u"restartOf"_s, u"again"_s).line()
                                  + run(u"busy"_s, u"Interrupted"_s, kT + 400, u"dave"_s) + run(u"twin"_s, {}, kT + 500, u"dave"_s)
                                  + run(u"late"_s, u"Interrupted"_s, kT + 600, u"erin"_s)
                                  + run(u"late2"_s, u"Finished"_s, kT + 700, u"erin"_s));
        const std::vector<uint32_t> ops{testoplog::op(data, "late"), testoplog::op(data, "busy"), testoplog::op(data, "again"),
                                        testoplog::op(data, "done"), testoplog::op(data, "cut"), testoplog::op(data, "cut")};
        const auto plan = makeRestartPlan(data, ops, {agent()});
        QCOMPARE(plan.size(), size_t(5)); // each once, the oldest first
        QCOMPARE(plan[0].operationId, u"cut"_s);
        QVERIFY2(plan[0].canRestart(), qPrintable(plan[0].refusal));
        QCOMPARE(plan[0].server, u"mail1:8470"_s);
        QVERIFY(plan[0].parameters.contains(u"alice"_s));
        QVERIFY(plan[1].refusal.startsWith(u"it is Finished"_s));
        QCOMPARE(plan[2].refusal, u"already restarted as again2 (Queued)"_s);
        QCOMPARE(plan[3].refusal, u"a Restore with the same parameters is already running (id twin)"_s);
        QVERIFY2(plan[4].refusal.startsWith(u"finished since: superseded by the run of"_s), qPrintable(plan[4].refusal));
        QCOMPARE(planSummary(plan), u"1 to restart, 4 refused"_s);
        QCOMPARE(interruptedToRestart(data, ops), (std::vector<uint32_t>{testoplog::op(data, "busy"), testoplog::op(data, "cut"),
                                                                         testoplog::op(data, "cut")}));
    }

    // helper-29: every row read "ZxPowerstore MoveBlobs on 127.0.0.1:18495"; which volume, which mail server?
    void whatTellsRunsApart()
    {
        QCOMPARE(parametersText(u"{\"origin\":\"Cron\",\"volume\":\"/opt/store2\",\"n\":3}"_s), u"volume=/opt/store2, n=3"_s);
        QCOMPARE(parametersText(u"{\"origin\":\"Cron\"}"_s), QString());
        QCOMPARE(parametersText(u"not json"_s), u"not json"_s);
        PlanItem item;
        item.server = u"127.0.0.1:18495"_s;
        QCOMPARE(serverText(item), u"127.0.0.1:18495"_s);
        item.host = u"mail3.example.com"_s;
        QCOMPARE(serverText(item), u"mail3.example.com (127.0.0.1:18495)"_s);
    }

    void sameParametersAreRestartedOnce()
    {
        Dataset data;
        testoplog::load(data, run(u"first"_s, u"Interrupted"_s, kT, u"alice"_s) + run(u"second"_s, u"Interrupted"_s, kT + 100, u"alice"_s)
                                  + run(u"other"_s, u"Interrupted"_s, kT + 200, u"bob"_s));
        const auto plan = makeRestartPlan(data, {testoplog::op(data, "second"), testoplog::op(data, "other"), testoplog::op(data, "first")},
                                          {agent()});
        QVERIFY(plan[0].canRestart());
        QCOMPARE(plan[1].refusal, u"a duplicate of first (same module, name and parameters), restarted in this batch"_s);
        QVERIFY(plan[2].canRestart());
    }

    void sourcesThatCannotRestart()
    {
        Dataset data;
        testoplog::load(data, run(u"cut"_s, u"Interrupted"_s, kT, u"alice"_s));
        RestartSource readOnly;
        readOnly.kind = RestartSource::Kind::ReadOnly;
        readOnly.why = u"an oplog on a web server is read-only"_s;
        QCOMPARE(makeRestartPlan(data, {0}, {readOnly})[0].refusal, readOnly.why);
        RestartSource noAction = agent();
        noAction.actionsKnown = true;
        noAction.actions = {{u"ZxBackup"_s, u"SmartScan"_s}};
        noAction.actionsFrom = u"the agent at mail1:8470"_s;
        QCOMPARE(makeRestartPlan(data, {0}, {noAction})[0].refusal, u"no action for ZxBackup Restore on the agent at mail1:8470"_s);
        noAction.actions.insert({u"ZxBackup"_s, u"Restore"_s});
        QVERIFY(makeRestartPlan(data, {0}, {noAction})[0].canRestart());
        QVERIFY(makeRestartPlan(data, {0}, {})[0].refusal.contains(u"no longer open"_s));
    }

    void oneAtATimePerServer()
    {
        Launcher launcher;
        BatchRestart batch(items(3), u"disk replaced"_s, {}, launcher.function());
        QSignalSpy launchedAll(&batch, &BatchRestart::allLaunched), finished(&batch, &BatchRestart::finished);
        batch.start();
        QCOMPARE(launcher.calls.size(), size_t(1));
        launcher.launch(0, u"new0"_s);
        QCOMPARE(progressOf(batch, 0), u"queued"_s);
        QCOMPARE(launcher.calls.size(), size_t(1)); // still running: the next waits

        Dataset data; // the followed data: new0 runs, then finishes
        testoplog::load(data, run(u"new0"_s, {}, kT, u"x"_s));
        batch.observe(data);
        QCOMPARE(progressOf(batch, 0), u"running"_s);
        QCOMPARE(launcher.calls.size(), size_t(1));
        Dataset later;
        testoplog::load(later, run(u"new0"_s, u"Finished"_s, kT, u"x"_s));
        batch.observe(later);
        QCOMPARE(progressOf(batch, 0), u"finished"_s);
        QCOMPARE(launcher.calls.size(), size_t(2));
        QCOMPARE(launcher.calls[1].item.operationId, u"old1"_s);
        launcher.launch(1, u"new1"_s);
        batch.noteEnded(u"new1"_s, false, u"Failed: exit 3"_s); // no stop on failure: the last one still goes
        QCOMPARE(launcher.calls.size(), size_t(3));
        launcher.launch(2, u"new2"_s);
        QCOMPARE(launchedAll.size(), 1);
        QCOMPARE(finished.size(), 0);
        batch.noteEnded(u"new2"_s, true, {});
        QCOMPARE(finished.size(), 1);
        QCOMPARE(batch.summary(), u"3 of 3 launched: 2 finished, 1 failed"_s);
        QCOMPARE(batch.entries()[1].message, u"Failed: exit 3"_s);
    }

    void serversRunSideBySideWithTheirOwnLimits()
    {
        Launcher launcher;
        auto plan = items(3);
        auto more = items(3, u"mail2:8470"_s);
        plan.insert(plan.end(), more.begin(), more.end());
        BatchOptions options;
        options.maxPerServer = 2;
        BatchRestart batch(plan, u"r"_s, options, launcher.function());
        batch.start();
        QCOMPARE(launcher.calls.size(), size_t(4)); // two on each server
        QCOMPARE(launcher.calls[2].item.server, u"mail2:8470"_s);
        launcher.launch(0, u"a"_s);
        batch.noteEnded(u"a"_s, true, {});
        QCOMPARE(launcher.calls.size(), size_t(5));
        QCOMPARE(launcher.calls[4].item.server, u"mail1:8470"_s);
    }

    void staggerSpacesTheStarts()
    {
        Launcher launcher;
        BatchOptions options;
        options.maxPerServer = 5;
        options.staggerMs = 300;
        BatchRestart batch(items(2), u"r"_s, options, launcher.function());
        QElapsedTimer clock;
        clock.start();
        batch.start();
        QCOMPARE(launcher.calls.size(), size_t(1));
        launcher.launch(0, u"a"_s);
        QTRY_COMPARE(launcher.calls.size(), size_t(2));
        QVERIFY2(clock.elapsed() >= 290, qPrintable(QString::number(clock.elapsed())));
    }

    void stopAfterAFailureStartsNoMore()
    {
        Launcher launcher;
        BatchOptions options;
        options.stopOnFailure = true;
        BatchRestart batch(items(3), u"r"_s, options, launcher.function());
        QSignalSpy finished(&batch, &BatchRestart::finished);
        batch.start();
        launcher.launch(0, u"a"_s);
        batch.noteEnded(u"a"_s, false, u"Failed: exit 1"_s);
        QCOMPARE(launcher.calls.size(), size_t(1));
        QCOMPARE(progressOf(batch, 1), u"not started"_s);
        QCOMPARE(batch.entries()[1].message, u"not started: the restart of old0 (Restore) failed"_s);
        QCOMPARE(finished.size(), 1);
    }

    void stopRemainingLeavesWhatWasLaunched()
    {
        Launcher launcher;
        BatchRestart batch(items(3), u"r"_s, {}, launcher.function());
        batch.start();
        launcher.launch(0, u"a"_s);
        batch.stopRemaining();
        QCOMPARE(progressOf(batch, 0), u"queued"_s);
        QCOMPARE(progressOf(batch, 1), u"not started"_s);
        QVERIFY(!batch.isDone());
        batch.noteEnded(u"a"_s, true, {});
        QVERIFY(batch.isDone());
        QCOMPARE(launcher.calls.size(), size_t(1));
    }

    void noAnswerIsSentAgainWithTheSameKey()
    {
        Launcher launcher;
        BatchOptions options;
        options.retryDelayMs = 20;
        BatchRestart batch(items(2), u"r"_s, options, launcher.function());
        batch.start();
        launcher.calls[0].done({0, {}, u"connection refused"_s, {}});
        QTRY_COMPARE(launcher.calls.size(), size_t(2));
        QCOMPARE(launcher.calls[1].key, launcher.calls[0].key);
        QCOMPARE(launcher.calls[1].item.operationId, u"old0"_s);
        QVERIFY(!launcher.calls[0].key.isEmpty());
        launcher.launch(1, u"a"_s);
        QCOMPARE(batch.entries()[0].newId, u"a"_s);
        QCOMPARE(batch.entries()[0].attempts, 2);
        batch.noteEnded(u"a"_s, true, {});
        QCOMPARE(launcher.calls.size(), size_t(3));
        QVERIFY(launcher.calls[2].key != launcher.calls[0].key); // each restart its own key
    }

    void refusalsAtLaunchAndUnreachableAgents()
    {
        Launcher launcher;
        BatchOptions options;
        options.retries = 1;
        options.retryDelayMs = 10;
        BatchRestart batch(items(2), u"r"_s, options, launcher.function());
        batch.start();
        launcher.calls[0].done({409, {}, u"409: ZxBackup Restore with the same parameters is already queued or running"_s, {}});
        QCOMPARE(progressOf(batch, 0), u"refused"_s);
        QCOMPARE(launcher.calls.size(), size_t(2));
        launcher.calls[1].done({0, {}, u"connection refused"_s, {}});
        QTRY_COMPARE(launcher.calls.size(), size_t(3));
        launcher.calls[2].done({0, {}, u"connection refused"_s, {}});
        QCOMPARE(progressOf(batch, 1), u"failed"_s);
        // Not "not launched": the agent may have launched it and its answer been lost (helper-28's D5).
        QCOMPARE(batch.entries()[1].message, u"maybe launched: no answer from mail1:8470 after 2 tries (connection refused); its "
                                              "Queued event would carry idempotencyKey "_s + batch.entries()[1].idempotencyKey);
        QVERIFY(batch.isDone());
    }

    // helper-28's D2: the new operation's events were read before the agent's answer came; nothing appends any more.
    // The batch asks to be shown the data again once a restart is launched.
    void aLaunchAsksToLookAtTheDataAgain()
    {
        Launcher launcher;
        BatchRestart batch(items(2), u"r"_s, {}, launcher.function());
        QSignalSpy lookAgain(&batch, &BatchRestart::lookAgain);
        batch.start();
        Dataset data; // already holds the whole restart
        testoplog::load(data, run(u"new0"_s, u"Finished"_s, kT, u"x"_s));
        batch.observe(data);
        QCOMPARE(lookAgain.size(), 0);
        launcher.launch(0, u"new0"_s);
        QTRY_COMPARE(lookAgain.size(), 1);
        batch.observe(data);
        QCOMPARE(progressOf(batch, 0), u"finished"_s);
        QCOMPARE(launcher.calls.size(), size_t(2));
    }

    // helper-28's D3: a 202 that names no operation held a place on its server for ever (and counted as launched).
    void aLaunchThatNamesNoOperationFails()
    {
        Launcher launcher;
        BatchRestart batch(items(2), u"r"_s, {}, launcher.function());
        batch.start();
        launcher.launch(0, {});
        QCOMPARE(progressOf(batch, 0), u"failed"_s);
        QCOMPARE(batch.entries()[0].message, u"maybe launched: the answer (202) of mail1:8470 names no new operation"_s);
        QCOMPARE(launcher.calls.size(), size_t(2)); // its place is free
    }

    // A launcher that answers at once, from inside the batch's call: handled as a later answer, in order.
    void anAnswerGivenAtOnceIsTakenAfterTheCall()
    {
        int sent = 0;
        BatchRestart batch(items(3), u"r"_s, {}, [&](const PlanItem &, const QString &, const QString &, QObject *,
                                                     std::function<void(const LaunchAnswer &)> done) {
            ++sent;
            done({409, {}, u"refused at once"_s, {}});
        });
        QSignalSpy finished(&batch, &BatchRestart::finished);
        batch.start();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(sent, 3);
        QCOMPARE(batch.count(RestartProgress::Refused), 3);
    }

    // helper-28's D1: one operation read through two sources of one agent (the same SOURCE given twice), or the same
    // parameters in two logs of one agent (whose duplicate guard spans its logs), is restarted once.
    void oneServerRestartsAnOperationOnce()
    {
        Dataset data;
        const uint16_t first = data.addSource(u"agent+http://127.0.0.1:1#main"_s);
        const uint16_t second = data.addSource(u"agent+http://127.0.0.1:1#service"_s);
        testoplog::parseInto(data.events(), first, run(u"a1"_s, u"Interrupted"_s, kT, u"alice"_s));
        testoplog::parseInto(data.events(), second, run(u"a1"_s, u"Interrupted"_s, kT, u"alice"_s)
                                                         + run(u"s1"_s, u"Interrupted"_s, kT + 100, u"alice"_s));
        data.aggregate();
        const auto plan = makeRestartPlan(data, {data.findOperation(first, "a1"), data.findOperation(second, "a1"),
                                                 data.findOperation(second, "s1")}, {agent(), agent()});
        QCOMPARE(plan.size(), size_t(2));
        QCOMPARE(plan[0].operationId, u"a1"_s);
        QVERIFY(plan[0].canRestart());
        QCOMPARE(plan[1].operationId, u"s1"_s);
        QCOMPARE(plan[1].refusal, u"a duplicate of a1 (same module, name and parameters), restarted in this batch"_s);
        RestartSource local; // two local files are two services: each restarts its own
        local.kind = RestartSource::Kind::Local;
        local.server = u"this computer"_s;
        const auto locals = makeRestartPlan(data, {data.findOperation(first, "a1"), data.findOperation(second, "a1")}, {local, local});
        QCOMPARE(locals.size(), size_t(2));
        QVERIFY(locals[0].canRestart() && locals[1].canRestart());
    }

    // helper-29: "maybe launched" for an agent that refused the connection: nothing can have arrived.
    void aRefusedConnectionIsNotLaunched()
    {
        Launcher launcher;
        BatchOptions options;
        options.retries = 0;
        BatchRestart batch(items(1), u"r"_s, options, launcher.function());
        batch.start();
        launcher.calls[0].done({0, {}, u"connection refused: nothing listens on mail1:8470"_s, {}, false});
        QCOMPARE(batch.entries()[0].message, u"not launched: connection refused: nothing listens on mail1:8470"_s);
    }

    void refusedInThePlanAreNeverSent()
    {
        Launcher launcher;
        auto plan = items(2);
        plan[0].refusal = u"it is Finished"_s;
        BatchRestart batch(plan, u"r"_s, {}, launcher.function());
        batch.start();
        QCOMPARE(launcher.calls.size(), size_t(1));
        QCOMPARE(launcher.calls[0].item.operationId, u"old1"_s);
        QCOMPARE(batch.entries()[0].message, u"it is Finished"_s);
        QCOMPARE(BatchRestart({}, u"r"_s, {}, launcher.function()).summary(), u"nothing to restart"_s);
    }
};

QTEST_GUILESS_MAIN(TestBatchRestart)
#include "tst_batchrestart.moc"
