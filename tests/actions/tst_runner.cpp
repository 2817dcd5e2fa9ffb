// The Runner in-process (runner.h; agent.md section 4, oplog.md section 4): a restart writes Queued, Started and
// Finished (or Failed) with what identifies it, refusals write and run nothing, an idempotency key answers its first
// answer, a stop records Interrupted. The actions run recording_stub (tests/agent), which records its exact argv.
#include "actioncatalog.h"
#include "oplogwriter.h"
#include "recordingstub.h"
#include "runner.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace oplens;
using namespace Qt::StringLiterals;
using recordingstub::records;
using testoplog::Event;
using testoplog::eventsOf;
using testoplog::typesOf;

namespace {

const QString kStub = QStringLiteral(RECORDING_STUB);
const QString kRunnerName = u"oplensd-test"_s;
const QString kAdmin = u"admin@example.com"_s;

// The operations of the seed oplog.
const QString kRestore = u"restore-interrupted"_s; // ZxBackup RestoreOnNewAccount, Interrupted: runs and exits 0
const QString kRunning = u"scan-running"_s;        // ZxBackup SmartScan of v1, still Running
const QString kSameScan = u"scan-same"_s;          // ZxBackup SmartScan of v1, Interrupted: the same as kRunning's
const QString kOtherScan = u"scan-other"_s;        // ZxBackup SmartScan of v2, Interrupted
const QString kFinished = u"scan-finished"_s;      // ZxBackup SmartScan, Finished
const QString kBadAccount = u"restore-bad"_s;      // RestoreOnNewAccount whose account fails its pattern
const QString kNoAction = u"gone-aborted"_s;       // ZxGone Nothing, Aborted: not in the catalog
const QString kFails = u"fail-failed"_s;           // ZxSlow Fail: exits 3, prints "disk full"
const QString kFalse = u"false-interrupted"_s;     // ZxSlow False: /bin/false
const QString kMissing = u"missing-interrupted"_s; // ZxSlow Missing: a program that does not exist
const QString kSleep = u"sleep-interrupted"_s;     // ZxSlow Sleep: runs 30 s
const QString kTimeout = u"timeout-interrupted"_s; // ZxSlow Timeout: runs 30 s, timeoutSeconds 1
const QString kQueue1 = u"queue-1"_s, kQueue2 = u"queue-2"_s; // ZxSlow Queue: maxConcurrent 1, 300 ms each

QJsonObject params(std::initializer_list<std::pair<QString, QString>> values)
{
    QJsonObject object;
    for (const auto &[key, value] : values)
        object.insert(key, value);
    return object;
}

// An operation that ran on mail1 and ended with `last` (empty: still running).
QByteArray operation(const QString &id, const QString &module, const QString &name, const QJsonObject &parameters,
                     const QString &last, qint64 time)
{
    const auto event = [&](const QString &type, qint64 at) {
        return Event(id, type, at).module(module).name(name).parameters(parameters).set(u"host", u"mail1"_s);
    };
    QByteArray text = event(u"Started"_s, time).set(u"requestedBy", u"zimbra"_s).line();
    if (!last.isEmpty())
        text += event(last, time + 60000).line();
    return text;
}

QByteArray seedOplog()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    const QJsonObject cron = params({{u"origin"_s, u"Cron"_s}});
    const auto slow = [&](const QString &id, const QString &name, const QJsonObject &p = {}) {
        return operation(id, u"ZxSlow"_s, name, p.isEmpty() ? cron : p, u"Interrupted"_s, t + 10);
    };
    return operation(kRestore, u"ZxBackup"_s, u"RestoreOnNewAccount"_s,
                     params({{u"origin"_s, u"Admin"_s}, {u"account"_s, u"alice@example.com"_s}}), u"Interrupted"_s, t)
        + operation(kRunning, u"ZxBackup"_s, u"SmartScan"_s, params({{u"origin"_s, u"Cron"_s}, {u"volume"_s, u"v1"_s}}), {}, t + 1)
        + operation(kSameScan, u"ZxBackup"_s, u"SmartScan"_s, params({{u"volume"_s, u"v1"_s}, {u"origin"_s, u"Admin"_s}}),
                    u"Interrupted"_s, t + 2)
        + operation(kOtherScan, u"ZxBackup"_s, u"SmartScan"_s, params({{u"origin"_s, u"Cron"_s}, {u"volume"_s, u"v2"_s}}),
                    u"Interrupted"_s, t + 3)
        + operation(kFinished, u"ZxBackup"_s, u"SmartScan"_s, params({{u"volume"_s, u"v3"_s}}), u"Finished"_s, t + 4)
        + operation(kBadAccount, u"ZxBackup"_s, u"RestoreOnNewAccount"_s,
                    params({{u"account"_s, u"alice@example.com; rm -rf /"_s}}), u"Interrupted"_s, t + 5)
        + operation(kNoAction, u"ZxGone"_s, u"Nothing"_s, cron, u"Aborted"_s, t + 6)
        + operation(kFails, u"ZxSlow"_s, u"Fail"_s, cron, u"Failed"_s, t + 7)
        + slow(kFalse, u"False"_s) + slow(kMissing, u"Missing"_s) + slow(kSleep, u"Sleep"_s) + slow(kTimeout, u"Timeout"_s)
        + slow(kQueue1, u"Queue"_s, params({{u"n"_s, u"1"_s}})) + slow(kQueue2, u"Queue"_s, params({{u"n"_s, u"2"_s}}));
}

QJsonObject action(const QString &module, const QString &name, const QStringList &argv, const QJsonObject &more = {})
{
    QJsonObject a = more;
    a.insert(u"module"_s, module);
    a.insert(u"name"_s, name);
    a.insert(u"argv"_s, QJsonArray::fromStringList(argv));
    return a;
}

// The catalog of these tests; the stub records every run in `record`.
ActionCatalog catalog(const QString &record)
{
    const QStringList stub{kStub, u"--record"_s, record};
    const QJsonArray actions{
        action(u"ZxBackup"_s, u"RestoreOnNewAccount"_s, stub + QStringList{u"restore"_s, u"{account}"_s},
               {{u"parameters"_s, QJsonObject{{u"account"_s, u"[a-z]+@example\\.com"_s}}}}),
        action(u"ZxBackup"_s, u"SmartScan"_s, stub + QStringList{u"scan"_s, u"{volume}"_s},
               {{u"parameters"_s, QJsonObject{{u"volume"_s, u"v[0-9]"_s}}}}),
        action(u"ZxSlow"_s, u"Fail"_s, stub + QStringList{u"--exit"_s, u"3"_s, u"--print"_s, u"disk full"_s, u"fail"_s}),
        action(u"ZxSlow"_s, u"False"_s, {u"/bin/false"_s}),
        action(u"ZxSlow"_s, u"Missing"_s, {u"/nonexistent/oplens-test-program"_s}),
        action(u"ZxSlow"_s, u"Sleep"_s, stub + QStringList{u"--sleep-ms"_s, u"30000"_s, u"sleep"_s}),
        action(u"ZxSlow"_s, u"Timeout"_s, stub + QStringList{u"--sleep-ms"_s, u"30000"_s, u"timeout"_s},
               {{u"timeoutSeconds"_s, 1}}),
        action(u"ZxSlow"_s, u"Queue"_s, stub + QStringList{u"--sleep-ms"_s, u"300"_s, u"queue"_s, u"{n}"_s},
               {{u"parameters"_s, QJsonObject{{u"n"_s, u"[0-9]"_s}}}, {u"maxConcurrent"_s, 1}}),
    };
    const QByteArray text = QJsonDocument(actions).toJson();
    QString error;
    auto parsed = ActionCatalog::parse(std::string_view(text.constData(), size_t(text.size())), &error);
    if (!parsed)
        qFatal("the test catalog: %s", qPrintable(error));
    return *parsed;
}

RestartRequest request(const QString &id, const QString &key = {})
{
    return {id, u"disk replaced"_s, key, kAdmin};
}

// An oplog seeded with the operations above, its stub record, and a Runner over it.
struct Fixture {
    QTemporaryDir dir;
    QString oplog = dir.filePath(u"oplog.jsonl"_s), record = dir.filePath(u"argv.jsonl"_s);
    std::unique_ptr<Runner> runner;
    bool ready = testfiles::writeFile(oplog, seedOplog());

    Runner &make() // a new Runner over the same oplog (as after the agent started again)
    {
        runner = std::make_unique<Runner>(QStringList{oplog}, 0, kRunnerName, catalog(record));
        return *runner;
    }
};

} // namespace

class TestRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void restartRecordsQueuedStartedFinished()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        QSignalSpy ended(&runner, &Runner::operationEnded);
        QSignalSpy idle(&runner, &Runner::idle);
        const LaunchResult result = runner.restart(request(kRestore));
        QCOMPARE(result.status, 202);
        QVERIFY(result.ok());
        QVERIFY(result.error.isEmpty());
        QCOMPARE(result.restartOf, kRestore);
        QVERIFY(!result.operationId.isEmpty() && result.operationId != kRestore);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QCOMPARE(ended.first(), QVariantList({result.operationId, true, QString(), 0}));
        QTRY_COMPARE(idle.count(), 1);
        QCOMPARE(runner.active(), 0);

        QCOMPARE(typesOf(f.oplog, result.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}));
        const QList<QJsonObject> events = eventsOf(f.oplog, result.operationId);
        QVERIFY(events.first().value(u"OpStartTime"_s).toInteger() > 0);
        for (const QJsonObject &e : events) { // every event says what it restarts, who asked, and which runner wrote it
            QCOMPARE(e.value(u"restartOf"_s).toString(), kRestore);
            QCOMPARE(e.value(u"requestedBy"_s).toString(), kAdmin);
            QCOMPARE(e.value(u"runner"_s).toString(), kRunnerName);
            QCOMPARE(e.value(u"module"_s).toString(), u"ZxBackup"_s);
            QCOMPARE(e.value(u"name"_s).toString(), u"RestoreOnNewAccount"_s);
            QCOMPARE(e.value(u"host"_s).toString(), u"mail1"_s);
            QCOMPARE(e.value(u"parameters"_s).toObject(),
                     QJsonObject({{u"origin"_s, u"Restart"_s}, {u"account"_s, u"alice@example.com"_s}}));
            QCOMPARE(e.value(u"OpStartTime"_s), events.first().value(u"OpStartTime"_s));
        }
        QCOMPARE(events[0].value(u"reason"_s).toString(), u"disk replaced"_s);
        QVERIFY(!events[0].contains(u"idempotencyKey"_s));
        QCOMPARE(events[1].value(u"bootId"_s).toString(), currentBootId());
        QVERIFY(events[1].value(u"pid"_s).toInteger() > 0);
        QCOMPARE(events[2].value(u"exitCode"_s).toInt(-1), 0);
        QVERIFY(!events[2].contains(u"error"_s));
        // The stub ran once, with the account as one argument.
        QCOMPARE(records(f.record), QList<QStringList>({{kStub, u"--record"_s, f.record, u"restore"_s, u"alice@example.com"_s}}));
        // The runner reads what it wrote: the old operation is restarted, the new one Finished.
        runner.refresh();
        const Dataset &data = runner.data();
        const uint32_t old = data.findOperation(0, kRestore.toStdString());
        const uint32_t fresh = data.findOperation(0, result.operationId.toStdString());
        QVERIFY(old != kNone && fresh != kNone);
        QVERIFY(data.isRestarted(old));
        QCOMPARE(data.operation(fresh).status, Status::Finished);
        QCOMPARE(data.operation(fresh).restartOf, old);
    }

    void failureIsRecorded_data()
    {
        QTest::addColumn<QString>("operationId");
        QTest::addColumn<QStringList>("types");
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("exitCode"); // -1: none written (and -1 in operationEnded)
        const QStringList failed{u"Queued"_s, u"Started"_s, u"Failed"_s};
        QTest::newRow("exit 3 with output") << kFails << failed << u"exit status 3: disk full"_s << 3;
        QTest::newRow("/bin/false") << kFalse << failed << u"exit status 1"_s << 1;
        QTest::newRow("timed out (SIGKILL: 9)") << kTimeout << failed << u"timed out after 1 s"_s << 9; // docs/agent.md
        QTest::newRow("cannot start") << kMissing << QStringList{u"Queued"_s, u"Failed"_s}
                                      << u"cannot start /nonexistent/oplens-test-program: "_s << -1;
    }

    void failureIsRecorded()
    {
        QFETCH(QString, operationId);
        QFETCH(QStringList, types);
        QFETCH(QString, error);
        QFETCH(int, exitCode);
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        QSignalSpy ended(&runner, &Runner::operationEnded);
        const LaunchResult result = runner.restart(request(operationId));
        QCOMPARE(result.status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QCOMPARE(ended.first().at(0).toString(), result.operationId);
        QCOMPARE(ended.first().at(1).toBool(), false);
        QVERIFY2(ended.first().at(2).toString().startsWith(error), qPrintable(ended.first().at(2).toString()));
        QCOMPARE(typesOf(f.oplog, result.operationId), types);
        const QJsonObject last = eventsOf(f.oplog, result.operationId).last();
        QVERIFY2(last.value(u"error"_s).toString().startsWith(error), qPrintable(last.value(u"error"_s).toString()));
        QCOMPARE(last.value(u"restartOf"_s).toString(), operationId);
        QCOMPARE(ended.first().at(3).toInt(), exitCode);
        if (exitCode >= 0)
            QCOMPARE(last.value(u"exitCode"_s).toInt(-1), exitCode);
        else
            QVERIFY(!last.contains(u"exitCode"_s)); // it never ran: no exit code at all
        QCOMPARE(runner.active(), 0);
    }

    void refusalsWriteAndRunNothing_data()
    {
        QTest::addColumn<QString>("operationId");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown id") << u"no-such-operation"_s << 404 << u"no operation no-such-operation in the oplogs"_s;
        QTest::newRow("finished") << kFinished << 409
                                  << u"the operation is Finished: only Interrupted, Failed or Aborted operations can be restarted"_s;
        QTest::newRow("running") << kRunning << 409
                                 << u"the operation is Running: only Interrupted, Failed or Aborted operations can be restarted"_s;
        QTest::newRow("the same is running") << kSameScan << 409
                                             << u"ZxBackup SmartScan with the same parameters is already queued or running"_s;
        QTest::newRow("no action") << kNoAction << 422 << u"no action for ZxGone Nothing in the catalog"_s;
        QTest::newRow("parameter fails its pattern") << kBadAccount << 422 << uR"(parameter "account" does not match its pattern)"_s;
    }

    void refusalsWriteAndRunNothing()
    {
        QFETCH(QString, operationId);
        QFETCH(int, status);
        QFETCH(QString, error);
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        const QByteArray before = testfiles::readAll(f.oplog);
        const LaunchResult result = runner.restart(request(operationId, u"key-1"_s));
        QCOMPARE(result.status, status);
        QVERIFY(!result.ok());
        QCOMPARE(result.error, error);
        QVERIFY(result.operationId.isEmpty());
        QCOMPARE(runner.active(), 0);
        QCOMPARE(testfiles::readAll(f.oplog), before);
        QVERIFY(!QFile::exists(f.record));
        // A refusal is not remembered under its key: the same key may launch once the cause is gone.
        if (operationId == kSameScan) {
            QVERIFY(testfiles::appendFile(f.oplog, Event(kRunning, "Finished", QDateTime::currentMSecsSinceEpoch())
                                                       .parameters(params({{u"volume"_s, u"v1"_s}}))));
            const LaunchResult again = runner.restart(request(operationId, u"key-1"_s));
            QCOMPARE(again.status, 202);
            QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
            QCOMPARE(records(f.record).size(), 1);
        }
    }

    void sameParametersRefusedWhileTheRestartRuns()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        const LaunchResult first = runner.restart(request(kSleep));
        QCOMPARE(first.status, 202);
        QTRY_COMPARE(typesOf(f.oplog, first.operationId), QStringList({u"Queued"_s, u"Started"_s}));
        QCOMPARE(runner.active(), 1);
        const LaunchResult second = runner.restart(request(kSleep));
        QCOMPARE(second.status, 409);
        QCOMPARE(second.error, u"ZxSlow Sleep with the same parameters is already queued or running"_s);
        QCOMPARE(testoplog::restartsOf(f.oplog, kSleep), QStringList{first.operationId});
        // Other parameters of another action are no conflict.
        const LaunchResult other = runner.restart(request(kOtherScan));
        QCOMPARE(other.status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(typesOf(f.oplog, other.operationId).value(2), u"Finished"_s, 10000);
        // Contained, not last: the sleeping run's own line may come after it (its Started is written when its process
        // starts, before the program writes its record; under ASan that can be after the scan ended).
        QVERIFY(records(f.record).contains(QStringList({kStub, u"--record"_s, f.record, u"scan"_s, u"v2"_s})));

        // A graceful stop: the run ends Interrupted with the reason, and no exit code.
        QSignalSpy ended(&runner, &Runner::operationEnded);
        runner.stop(u"the agent is stopping"_s);
        QCOMPARE(runner.active(), 0);
        QCOMPARE(ended.count(), 1);
        QCOMPARE(typesOf(f.oplog, first.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Interrupted"_s}));
        const QJsonObject interrupted = eventsOf(f.oplog, first.operationId).last();
        QCOMPARE(interrupted.value(u"error"_s).toString(), u"the agent is stopping"_s);
        QVERIFY(!interrupted.contains(u"exitCode"_s));
        QCOMPARE(interrupted.value(u"runner"_s).toString(), kRunnerName);
        // Nothing runs any more. The first is restarted already: its interrupted restart is what runs again.
        const LaunchResult twice = runner.restart(request(kSleep));
        QCOMPARE(twice.status, 409);
        QCOMPARE(twice.error, u"already restarted as %1 (Interrupted): restart that one if it failed too"_s.arg(first.operationId));
        const LaunchResult third = runner.restart(request(first.operationId));
        QCOMPARE(third.status, 202);
        runner.stop(u"test over"_s);
        QCOMPARE(typesOf(f.oplog, third.operationId).last(), u"Interrupted"_s);
    }

    void idempotencyKeyAnswersTheFirstAnswer()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        const LaunchResult first = runner.restart(request(kRestore, u"ticket-4711"_s));
        QCOMPARE(first.status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        QCOMPARE(eventsOf(f.oplog, first.operationId).first().value(u"idempotencyKey"_s).toString(), u"ticket-4711"_s);
        const QByteArray after = testfiles::readAll(f.oplog);
        const auto same = [&](const LaunchResult &r) {
            return r.status == first.status && r.operationId == first.operationId && r.restartOf == first.restartOf
                && r.error == first.error;
        };
        // Again (same identity, same operation): the first answer, and nothing launched or written. The key's scope
        // (another identity or operation) is tst_restartrules' test.
        QVERIFY(same(runner.restart(request(kRestore, u"ticket-4711"_s))));
        QCOMPARE(runner.active(), 0);
        QCOMPARE(testfiles::readAll(f.oplog), after);
        QCOMPARE(records(f.record).size(), 1);
        // A runner started again finds the key in the oplog.
        Runner &again = f.make();
        QVERIFY(same(again.restart(request(kRestore, u"ticket-4711"_s))));
        QCOMPARE(again.active(), 0);
        QCOMPARE(testfiles::readAll(f.oplog), after);
        // Another key is another request, not the first answer: refused, as the operation is restarted already.
        const LaunchResult other = again.restart(request(kRestore, u"ticket-4712"_s));
        QCOMPARE(other.status, 409);
        QCOMPARE(other.error, u"already restarted as %1 (Finished): restart that one if it failed too"_s.arg(first.operationId));
        QCOMPARE(again.active(), 0);
        QCOMPARE(records(f.record).size(), 1);
    }

    void maxConcurrentQueuesTheNext()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        const LaunchResult one = runner.restart(request(kQueue1));
        const LaunchResult two = runner.restart(request(kQueue2));
        QCOMPARE(one.status, 202);
        QCOMPARE(two.status, 202);
        QCOMPARE(runner.active(), 2);
        QCOMPARE(typesOf(f.oplog, two.operationId), QStringList{u"Queued"_s}); // waits for the one slot
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        QCOMPARE(typesOf(f.oplog, two.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}));
        // It started only once the first had finished.
        QStringList order;
        for (const QJsonObject &e : testoplog::jsonLines(f.oplog))
            if (e.value(u"restartOf"_s).toString().startsWith(u"queue-"_s))
                order << e.value(u"restartOf"_s).toString() + u' ' + e.value(u"type"_s).toString();
        QCOMPARE(order.size(), 6);
        QVERIFY2(order.indexOf(u"queue-1 Finished"_s) < order.indexOf(u"queue-2 Started"_s), qPrintable(order.join(u", ")));
        QVERIFY(order.indexOf(u"queue-1 Started"_s) >= 0 && order.indexOf(u"queue-2 Finished"_s) >= 0);
    }

    void runWritesStartedAndFinished()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner &runner = f.make();
        const QStringList argv{kStub, u"--record"_s, f.record, u"echo"_s, u"a b; $(id) `id`"_s};
        const LaunchResult result = runner.run(u"ZxAdmin"_s, u"Echo"_s, R"({"origin":"Admin"})", argv, kAdmin);
        QCOMPARE(result.status, 202);
        QVERIFY(result.restartOf.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        QCOMPARE(typesOf(f.oplog, result.operationId), QStringList({u"Started"_s, u"Finished"_s})); // no Queued
        for (const QJsonObject &e : eventsOf(f.oplog, result.operationId)) {
            QCOMPARE(e.value(u"requestedBy"_s).toString(), kAdmin);
            QCOMPARE(e.value(u"runner"_s).toString(), kRunnerName);
            QVERIFY(!e.contains(u"restartOf"_s));
        }
        QCOMPARE(records(f.record), QList<QStringList>{argv});
    }

    void unwritableOplogIs503()
    {
        Fixture f;
        QVERIFY(f.ready);
        const QString out = f.dir.filePath(u"missing-folder/runner.jsonl"_s);
        Runner runner({f.oplog, out}, 1, kRunnerName, catalog(f.record));
        const LaunchResult result = runner.restart(request(kRestore));
        QCOMPARE(result.status, 503);
        QCOMPARE(result.error, u"the runner oplog "_s + out + u" cannot be written: No such file or directory"_s);
        QCOMPARE(runner.recordingProblem(), result.error);
        QCOMPARE(runner.active(), 0);
        QVERIFY(!QFile::exists(f.record)); // nothing ran
        QVERIFY(!QFile::exists(out));
        // Once it can be written, the next restart goes through.
        QVERIFY(QDir().mkpath(QFileInfo(out).path()));
        const LaunchResult next = runner.restart(request(kRestore));
        QCOMPARE(next.status, 202);
        QVERIFY(runner.recordingProblem().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(typesOf(out, next.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}), 10000);
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
