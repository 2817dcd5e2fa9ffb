// Recovery after a crash or reboot (recovery.h; agent.md section 5): a runner's operation whose process is gone gets
// one Interrupted event saying why; one still running, one another program wrote, and one that ended are left alone;
// running it again adds nothing. And the whole path in-process: a Runner that dies with its child, then recovery.
#include "actioncatalog.h"
#include "oplogwriter.h"
#include "recovery.h"
#include "runner.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace oplens;
using namespace Qt::StringLiterals;
using testoplog::Event;
using testoplog::eventsOf;
using testoplog::typesOf;

namespace {

const QString kRunner = u"oplensctl-test"_s;

// A pid that ran and is gone (its process was reaped).
qint64 deadPid()
{
    QProcess gone;
    gone.start(u"/bin/true"_s, {});
    if (!gone.waitForStarted(10000))
        return -1;
    const qint64 pid = gone.processId();
    gone.waitForFinished(10000);
    return pid;
}

// An event of ZxBackup SmartScan as a runner writes it: requestedBy, restartOf, runner, then `more`.
QByteArray runnerEvent(const QString &id, const char *type, qint64 time, const QJsonObject &more = {})
{
    return Event(id, type, time)
        .parameters({{u"origin"_s, u"Restart"_s}, {u"volume"_s, u"v1"_s}})
        .set(u"OpStartTime", time)
        .set(u"requestedBy", u"admin@example.com"_s)
        .set(u"host", u"mail1"_s)
        .set(u"restartOf", u"old-"_s + id)
        .set(u"runner", u"oplensd"_s)
        .set(more)
        .line();
}

QJsonObject started(qint64 pid, const QString &bootId) { return {{u"pid"_s, pid}, {u"bootId"_s, bootId}}; }

} // namespace

class TestRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goneOperationsAreInterruptedOnce()
    {
        QTemporaryDir dir;
        const QString oplog = dir.filePath(u"oplog.jsonl"_s);
        const qint64 dead = deadPid();
        QVERIFY(dead > 0);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString boot = currentBootId();
        QVERIFY(!boot.isEmpty());
        const qint64 self = QCoreApplication::applicationPid();
        QByteArray seed;
        seed += runnerEvent(u"dead"_s, "Started", now - 9000, started(dead, boot));
        seed += runnerEvent(u"queued"_s, "Queued", now - 8000);
        seed += runnerEvent(u"rebooted"_s, "Started", now - 7000, started(self, u"another-boot"_s));
        seed += runnerEvent(u"no-pid"_s, "Started", now - 6000, {{u"bootId"_s, boot}});
        // This test's own pid, in an event written long before this process began: the pid was reused.
        seed += runnerEvent(u"reused"_s, "Started", 1000000000000, started(self, boot));
        seed += runnerEvent(u"alive"_s, "Started", now, started(self, boot)); // still runs: left alone
        seed += runnerEvent(u"ended"_s, "Started", now - 5000, started(dead, boot))
            + runnerEvent(u"ended"_s, "Finished", now - 4000, {{u"exitCode"_s, 0}});
        seed += Event(u"foreign"_s, "Started", now - 3000).set(started(dead, boot)).line(); // not a runner's
        QVERIFY(testfiles::writeFile(oplog, seed));

        const RecoveryResult first = recoverOplog(oplog, kRunner);
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
        QStringList got;
        for (const Recovered &r : first.interrupted) {
            QCOMPARE(r.module, u"ZxBackup"_s);
            QCOMPARE(r.name, u"SmartScan"_s);
            got << r.operationId + u": "_s + r.reason;
        }
        QCOMPARE(got, QStringList({u"dead: its process (pid %1) is gone"_s.arg(dead),
                                   u"queued: queued when its runner stopped"_s,
                                   u"rebooted: the machine restarted while it ran"_s,
                                   u"no-pid: its runner stopped and its process is unknown"_s,
                                   u"reused: its process (pid %1) is gone; the pid now belongs to another process"_s.arg(self)}));
        for (const QString &id : {u"alive"_s, u"foreign"_s})
            QCOMPARE(typesOf(oplog, id), QStringList{u"Started"_s});
        QCOMPARE(typesOf(oplog, u"ended"_s), QStringList({u"Started"_s, u"Finished"_s}));
        for (const Recovered &r : first.interrupted) {
            QCOMPARE(typesOf(oplog, r.operationId).last(), u"Interrupted"_s);
            const QJsonObject before = eventsOf(oplog, r.operationId).first();
            const QJsonObject e = eventsOf(oplog, r.operationId).last();
            QCOMPARE(e.value(u"error"_s).toString(), r.reason);
            QCOMPARE(e.value(u"runner"_s).toString(), kRunner); // who recorded it
            for (const char *key : {"module", "name", "parameters", "requestedBy", "host", "restartOf", "OpStartTime"})
                QVERIFY2(e.value(QLatin1String(key)) == before.value(QLatin1String(key)), key); // what identifies it
            QVERIFY(e.value(u"startTime"_s).toInteger() > before.value(u"startTime"_s).toInteger());
        }

        // Again: nothing more is gone, and the file is left as it was.
        const QByteArray after = testfiles::readAll(oplog);
        const RecoveryResult second = recoverOplog(oplog, kRunner);
        QVERIFY(second.error.isEmpty());
        QVERIFY(second.interrupted.isEmpty());
        QCOMPARE(testfiles::readAll(oplog), after);
    }

    // Before: every Queued operation was recorded Interrupted, those of a runner still running too (oplensctl
    // recover beside a live agent). A Queued event names its runner's pid and boot; that runner alive: left alone.
    void aQueueOfALiveRunnerIsLeftAlone()
    {
        QTemporaryDir dir;
        const QString oplog = dir.filePath(u"oplog.jsonl"_s);
        QProcess liveRunner; // stands for an agent that still holds its queue
        liveRunner.start(u"/bin/sleep"_s, {u"30"_s});
        QVERIFY(liveRunner.waitForStarted(10000));
        const qint64 live = liveRunner.processId(), dead = deadPid();
        QVERIFY(dead > 0);
        const qint64 now = QDateTime::currentMSecsSinceEpoch() + 10;
        const QString boot = currentBootId();
        const auto queuedBy = [&](qint64 pid, const QString &bootId) {
            return QJsonObject{{u"runnerPid"_s, pid}, {u"bootId"_s, bootId}};
        };
        QVERIFY(testfiles::writeFile(oplog, runnerEvent(u"live-queue"_s, "Queued", now, queuedBy(live, boot))
                                                + runnerEvent(u"dead-queue"_s, "Queued", now, queuedBy(dead, boot))
                                                + runnerEvent(u"old-boot"_s, "Queued", now, queuedBy(live, u"another-boot"_s))
                                                + runnerEvent(u"reused-pid"_s, "Queued", 1000000000000, queuedBy(live, boot))));
        const RecoveryResult result = recoverOplog(oplog, kRunner);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QStringList got;
        for (const Recovered &r : result.interrupted)
            got << r.operationId + u": "_s + r.reason;
        got.sort();
        QCOMPARE(got, QStringList({u"dead-queue: queued when its runner stopped"_s, u"old-boot: queued when its runner stopped"_s,
                                   u"reused-pid: queued when its runner stopped"_s}));
        QCOMPARE(typesOf(oplog, u"live-queue"_s), QStringList{u"Queued"_s});
        liveRunner.kill();
        liveRunner.waitForFinished(10000);
        // Its runner gone, the queue is recorded at the next recovery.
        const RecoveryResult after = recoverOplog(oplog, kRunner);
        QCOMPARE(after.interrupted.size(), 1);
        QCOMPARE(after.interrupted.first().operationId, u"live-queue"_s);
    }

    void missingOplogIsNothingToDo()
    {
        QTemporaryDir dir;
        const QString oplog = dir.filePath(u"never-written.jsonl"_s);
        const RecoveryResult result = recoverOplog(oplog, kRunner);
        QVERIFY(result.error.isEmpty());
        QVERIFY(result.interrupted.isEmpty());
        QVERIFY(!QFile::exists(oplog)); // not created either
    }

    void unreadableOplogIsAnError()
    {
        QTemporaryDir dir;
        const RecoveryResult result = recoverOplog(dir.path(), kRunner); // a folder
        QVERIFY2(result.error.startsWith(dir.path() + u": "_s), qPrintable(result.error));
        QVERIFY(result.interrupted.isEmpty());
    }

    // A runner that dies with its child (no graceful stop), then recovery, then the restart of what it recovered.
    void runnerDiesThenRecoveryThenRestart()
    {
        QTemporaryDir dir;
        const QString oplog = dir.filePath(u"oplog.jsonl"_s);
        const qint64 t = QDateTime::currentMSecsSinceEpoch() - 60000;
        QVERIFY(testfiles::writeFile(oplog, Event(u"old"_s, "Started", t).line() + Event(u"old"_s, "Failed", t + 1).line()));
        QString error;
        const auto catalog = ActionCatalog::parse(R"([{"module": "ZxBackup", "name": "SmartScan",
                                                       "argv": ["/bin/sleep", "30"]}])", &error);
        QVERIFY2(catalog, qPrintable(error));
        auto runner = std::make_unique<Runner>(QStringList{oplog}, 0, u"oplensd"_s, *catalog);
        const LaunchResult launched = runner->restart({u"old"_s, u"try again"_s, {}, u"admin@example.com"_s});
        QCOMPARE(launched.status, 202);
        QTRY_COMPARE(typesOf(oplog, launched.operationId), QStringList({u"Queued"_s, u"Started"_s}));
        const qint64 pid = eventsOf(oplog, launched.operationId).last().value(u"pid"_s).toInteger();
        QVERIFY(processStartTime(pid));
        runner.reset(); // as in a crash: nothing more is written, and the child ends with it
        QCOMPARE(typesOf(oplog, launched.operationId), QStringList({u"Queued"_s, u"Started"_s}));
        QTRY_VERIFY(!processStartTime(pid));

        const RecoveryResult recovered = recoverOplog(oplog, u"oplensd"_s);
        QVERIFY2(recovered.error.isEmpty(), qPrintable(recovered.error));
        QCOMPARE(recovered.interrupted.size(), 1);
        QCOMPARE(recovered.interrupted.first().operationId, launched.operationId);
        QCOMPARE(recovered.interrupted.first().reason, u"its process (pid %1) is gone"_s.arg(pid));
        QCOMPARE(eventsOf(oplog, launched.operationId).last().value(u"restartOf"_s).toString(), u"old"_s);

        // What recovery marked Interrupted can be restarted in its turn.
        Runner again({oplog}, 0, u"oplensd"_s, *catalog);
        const LaunchResult next = again.restart({launched.operationId, u"after the crash"_s, {}, u"admin@example.com"_s});
        QCOMPARE(next.status, 202);
        QCOMPARE(next.restartOf, launched.operationId);
        again.stop(u"test over"_s);
        QCOMPARE(typesOf(oplog, next.operationId).last(), u"Interrupted"_s);
    }
};

QTEST_GUILESS_MAIN(TestRecovery)
#include "tst_recovery.moc"
