// `oplensctl restart ID... SOURCE...` (issue 16) run as a process against a real oplensd on loopback, whose actions
// run recording_stub with a sleep so that runs overlap measurably. What happened is read back from the agent's oplog:
// which operations were restarted, and the order of their Started and Finished events (never timers of the test's).
#include "oplensctlrun.h"
#include "testoplog.h"
#include "testservers.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using oplensctlrun::Run;
using testoplog::Event;
using testoplog::eventsOf;
using testoplog::restartsOf;
using testoplog::typesOf;

namespace {

const QString kStub = QStringLiteral(RECORDING_STUB);

QJsonArray strings(const QStringList &list) { return QJsonArray::fromStringList(list); }

// ZxBatch Step sleeps 500 ms; ZxBatch Fail exits 3 at once; ZxOther Step sleeps 100 ms.
QJsonArray actions()
{
    const QJsonObject number{{u"n"_s, u"^[0-9]+$"_s}};
    return {
        QJsonObject{{u"module"_s, u"ZxBatch"_s}, {u"name"_s, u"Step"_s},
                    {u"argv"_s, strings({kStub, u"--sleep-ms"_s, u"500"_s, u"step"_s, u"{n}"_s})}, {u"parameters"_s, number}},
        QJsonObject{{u"module"_s, u"ZxBatch"_s}, {u"name"_s, u"Fail"_s},
                    {u"argv"_s, strings({kStub, u"--exit"_s, u"3"_s, u"--print"_s, u"disk full"_s, u"fail"_s})}},
        QJsonObject{{u"module"_s, u"ZxOther"_s}, {u"name"_s, u"Step"_s},
                    {u"argv"_s, strings({kStub, u"--sleep-ms"_s, u"100"_s, u"other"_s, u"{n}"_s})}, {u"parameters"_s, number}},
    };
}

// Started at `time`, with parameters {origin: Cron, n: N} (none for Fail).
QByteArray started(const QString &id, const QString &module, const QString &name, const QString &n, qint64 time)
{
    Event e = Event(id, u"Started"_s, time).module(module).name(name);
    if (!n.isEmpty())
        e.parameters({{u"origin"_s, u"Cron"_s}, {u"n"_s, n}});
    return e.set(u"requestedBy", u"zimbra"_s).line();
}

// a1..a5 (ZxBatch Step 1..5), dupA and dupB (both Step 7), f1 (Fail) and o1, o2 (ZxOther Step) were running when the
// service started again: Interrupted. fin (Step 9) finished. Every id begins with `prefix`.
QByteArray seed(const QString &prefix = {})
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    const auto op = [&](const QString &id, const QString &module, const QString &name, const QString &n, qint64 time) {
        return started(prefix + id, module, name, n, time);
    };
    QByteArray text = op(u"f1"_s, u"ZxBatch"_s, u"Fail"_s, {}, t);
    for (int i = 1; i <= 5; ++i)
        text += op(u"a%1"_s.arg(i), u"ZxBatch"_s, u"Step"_s, QString::number(i), t + i * 1000);
    text += op(u"dupA"_s, u"ZxBatch"_s, u"Step"_s, u"7"_s, t + 10000) + op(u"dupB"_s, u"ZxBatch"_s, u"Step"_s, u"7"_s, t + 11000);
    text += op(u"o1"_s, u"ZxOther"_s, u"Step"_s, u"1"_s, t + 12000) + op(u"o2"_s, u"ZxOther"_s, u"Step"_s, u"2"_s, t + 13000);
    text += op(u"fin"_s, u"ZxBatch"_s, u"Step"_s, u"9"_s, t + 14000)
        + Event(prefix + u"fin"_s, u"Finished"_s, t + 15000).module(u"ZxBatch"_s).name(u"Step"_s).line();
    return text + testoplog::serviceStarted(t + 60000);
}

// The time of `id`'s first event of `type` in the oplog, or -1.
qint64 timeOf(const QString &oplog, const QString &id, const QString &type)
{
    for (const QJsonObject &e : eventsOf(oplog, id))
        if (e.value(u"type"_s).toString() == type)
            return qint64(e.value(u"startTime"_s).toDouble());
    return -1;
}

// The restart of `old`, which ran and ended: its id (the test fails without one).
QString restartOf(const QString &oplog, const QString &old)
{
    const QStringList ids = restartsOf(oplog, old);
    return ids.size() == 1 ? ids.first() : QString();
}

// The most restarts running at once, from their Started and Finished events (an end before a start at one time).
int mostAtOnce(const QString &oplog, const QStringList &restarts)
{
    QList<QPair<qint64, int>> changes;
    for (const QString &id : restarts)
        changes << qMakePair(timeOf(oplog, id, u"Started"_s), 1) << qMakePair(timeOf(oplog, id, u"Finished"_s), -1);
    std::sort(changes.begin(), changes.end());
    int now = 0, most = 0;
    for (const auto &change : changes)
        most = std::max(most, now += change.second);
    return most;
}

} // namespace

class TestOplensctlRestart : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<testservers::Agent> m_agent;
    QString m_source;

    // A new agent with `oplog` (the seed's) and the actions, in a folder of its own; null when it does not start.
    std::unique_ptr<testservers::Agent> newAgent(const QByteArray &oplog)
    {
        static int count = 0;
        const QString dir = m_dir.filePath(u"agent%1"_s.arg(++count));
        if (!QDir().mkpath(dir))
            return nullptr;
        auto agent = std::make_unique<testservers::Agent>(dir, oplog);
        agent->config.insert(u"actions"_s, actions());
        agent->environment.insert(u"OPLENS_STUB_RECORD"_s, dir + u"/argv.jsonl"_s);
        if (!agent->start()) {
            qWarning("oplensd did not start: %s", qPrintable(agent->err()));
            return nullptr;
        }
        return agent;
    }

    // The agent of a test (each its own: restarts change the oplog), and its SOURCE.
    bool startAgent()
    {
        m_agent = newAgent(seed());
        m_source = m_agent ? u"agent+"_s + m_agent->url() + u"#main"_s : QString();
        return bool(m_agent);
    }

    // oplensctl restart ARGS --reason "disk replaced" SOURCES (else the test's agent) with the operator's token, and
    // `input` on its standard input.
    Run restart(const QStringList &args, const QByteArray &input = {}, QStringList sources = {})
    {
        if (sources.isEmpty())
            sources << m_source;
        return oplensctlrun::oplensctl(QStringList{u"restart"_s} + args + QStringList{u"--reason"_s, u"disk replaced"_s} + sources, input,
                                       [](QProcessEnvironment &env) {
                                           env.insert(u"OPLENS_TOKEN"_s, QString::fromLatin1(testservers::kOperatorToken));
                                       });
    }

    QString oplog() const { return m_agent->oplog; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(kStub).isExecutable(), RECORDING_STUB);
    }

    void cleanup() { m_agent.reset(); }

    // --max-parallel 1: each restart starts after the previous one finished, oldest first.
    void oneAtATime()
    {
        QVERIFY(startAgent());
        const QStringList old{u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s, u"a5"_s};
        const Run run = restart(QStringList{u"a3"_s, u"a1"_s, u"a5"_s, u"a2"_s, u"a4"_s, u"--max-parallel"_s, u"1"_s, u"--wait"_s, u"--yes"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QStringList restarts;
        for (const QString &id : old) {
            restarts << restartOf(oplog(), id);
            QVERIFY2(!restarts.last().isEmpty(), qPrintable(id));
            QVERIFY2(run.out.contains(u"%1 %2\n"_s.arg(id, restarts.last())), qPrintable(run.out));
            QVERIFY2(run.out.contains(u"%1 finished\n"_s.arg(restarts.last())), qPrintable(run.out));
            QCOMPARE(typesOf(oplog(), restarts.last()), (QStringList{u"Queued"_s, u"Started"_s, u"Finished"_s}));
            QCOMPARE(eventsOf(oplog(), restarts.last()).first().value(u"reason"_s).toString(), u"disk replaced"_s);
        }
        for (int i = 1; i < restarts.size(); ++i)
            QVERIFY2(timeOf(oplog(), restarts[i], u"Started"_s) >= timeOf(oplog(), restarts[i - 1], u"Finished"_s),
                     qPrintable(restarts[i]));
        QCOMPARE(run.out.count(QLatin1Char('\n')), 10); // a line when launched, a line when ended
        QVERIFY2(run.err.contains(u"Check why the service went down"_s), qPrintable(run.err));
        QVERIFY2(run.err.contains(u"4 more wait for a free place"_s), qPrintable(run.err));
    }

    // helper-28's D1: the same SOURCE given twice planned each operation twice, and both ran.
    void aSourceGivenTwiceRestartsEachOnce()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"--all-interrupted"_s, u"--module"_s, u"ZxOther"_s, u"--max-parallel"_s, u"2"_s, u"--wait"_s,
                                 u"--yes"_s}, {}, {m_source, m_source});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(restartsOf(oplog(), u"o1"_s).size(), 1);
        QCOMPARE(restartsOf(oplog(), u"o2"_s).size(), 1);
        QCOMPARE(run.out.count(QLatin1Char('\n')), 4);
    }

    // helper-28's D7: an id with a line feed printed a line of its own ("x2 FAKE-NEW"), which a script would believe.
    void controlCharactersArePrintedEscaped()
    {
        const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
        const QString tricky = u"nl\nx2 FAKE\x1b[31m"_s;
        m_agent = newAgent(started(tricky, u"ZxOther"_s, u"Step"_s, u"3"_s, t) + testoplog::serviceStarted(t + 1000));
        QVERIFY(m_agent);
        const Run run = restart({u"--all-interrupted"_s, u"--wait"_s, u"--yes"_s}, {}, {u"agent+"_s + m_agent->url() + u"#main"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString fresh = restartOf(oplog(), tricky);
        QVERIFY(!fresh.isEmpty());
        QCOMPARE(run.out, u"nl\\nx2 FAKE\\x1b[31m %1\n%1 finished\n"_s.arg(fresh));
        QVERIFY2(run.err.contains(u"  nl\\nx2 FAKE\\x1b[31m  ZxOther Step on"_s), qPrintable(run.err));
        QVERIFY(!run.err.contains(QChar(0x1b)));
    }

    // Without --wait: it returns once the last is launched, which waited for the one before to end.
    void withoutWaitReturnsOnceAllLaunched()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"a1"_s, u"a2"_s, u"--yes"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString first = restartOf(oplog(), u"a1"_s), second = restartOf(oplog(), u"a2"_s);
        QCOMPARE(run.out, u"a1 %1\na2 %2\n"_s.arg(first, second));
        QVERIFY2(run.err.contains(u"1 more wait for a free place (at most 1 at once per server)"_s), qPrintable(run.err));
        // Launched is not started: the agent may write the second's Started just after oplensctl returned.
        QTRY_VERIFY(timeOf(oplog(), second, u"Started"_s) >= 0);
        QVERIFY(timeOf(oplog(), second, u"Started"_s) >= timeOf(oplog(), first, u"Finished"_s));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString agent = u"agent+http://127.0.0.1:1"_s; // never asked: usage errors come first
        QTest::newRow("no ID") << QStringList{u"--reason"_s, u"r"_s, agent} << u"give the operation IDs to restart, or --all-interrupted"_s;
        QTest::newRow("IDs and --all-interrupted") << QStringList{u"x"_s, u"--all-interrupted"_s, u"--reason"_s, u"r"_s, agent} << u"not both"_s;
        QTest::newRow("a filter with IDs") << QStringList{u"x"_s, u"--module"_s, u"M"_s, u"--reason"_s, u"r"_s, agent} << u"--module selects operations for --all-interrupted only"_s;
        QTest::newRow("--max-parallel 0") << QStringList{u"x"_s, u"--max-parallel"_s, u"0"_s, u"--reason"_s, u"r"_s, agent} << u"--max-parallel: a number from 1 to 100"_s;
        QTest::newRow("--stagger -1") << QStringList{u"x"_s, u"--stagger"_s, u"-1"_s, u"--reason"_s, u"r"_s, agent} << u"--stagger: a number from 0 to 3600"_s;
        QTest::newRow("no reason") << QStringList{u"x"_s, agent} << u"--reason is required"_s;
        QTest::newRow("only a local oplog, no --actions") << QStringList{u"x"_s, u"--reason"_s, u"r"_s, u"oplog.jsonl"_s} << u"needs --actions FILE"_s;
        QTest::newRow("only web servers") << QStringList{u"x"_s, u"--reason"_s, u"r"_s, u"https://mail.example.com/oplog"_s} << u"read-only"_s;
    }

    // Said before anything is read or sent: exit 1, nothing on standard output.
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run run = oplensctlrun::oplensctl(QStringList{u"restart"_s} + args, {}, [](QProcessEnvironment &env) {
            env.insert(u"OPLENS_TOKEN"_s, u"a-token"_s);
        });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    // --max-parallel 2: never more than two at once, and two at once at some point.
    void twoAtATime()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s, u"a5"_s, u"--max-parallel"_s, u"2"_s, u"--wait"_s, u"--yes"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QStringList restarts;
        for (const QString &id : {u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s, u"a5"_s})
            restarts << restartOf(oplog(), id);
        QVERIFY(!restarts.contains(QString()));
        QCOMPARE(mostAtOnce(oplog(), restarts), 2);
    }

    // A Finished operation and an unknown id among interrupted ones: refused, each with its reason; the others run.
    void refusedAmongOthers()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"a1"_s, u"fin"_s, u"nosuch"_s, u"a2"_s, u"--wait"_s, u"--yes"_s});
        QCOMPARE(run.exitCode, 4);
        QVERIFY2(run.out.contains(u"fin refused: it is Finished: only Interrupted, Failed or Aborted operations are restarted\n"_s),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(u"nosuch refused: no operation nosuch in %1\n"_s.arg(m_source)), qPrintable(run.out));
        QVERIFY(restartsOf(oplog(), u"fin"_s).isEmpty());
        for (const QString &id : {u"a1"_s, u"a2"_s}) {
            const QString again = restartOf(oplog(), id);
            QVERIFY2(run.out.contains(u"%1 %2\n"_s.arg(id, again)), qPrintable(run.out));
            QVERIFY2(run.out.contains(u"%1 finished\n"_s.arg(again)), qPrintable(run.out));
        }
    }

    // Two runs of the same module, name and parameters: restarted once, the younger refused as its duplicate.
    void sameParametersOnce()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"dupB"_s, u"dupA"_s, u"--yes"_s});
        QCOMPARE(run.exitCode, 4);
        const QString again = restartOf(oplog(), u"dupA"_s);
        QVERIFY(!again.isEmpty());
        QVERIFY(restartsOf(oplog(), u"dupB"_s).isEmpty());
        QCOMPARE(run.out, u"dupB refused: a duplicate of dupA (same module, name and parameters), restarted in this batch\n"
                          u"dupA %1\n"_s.arg(again));
    }

    // --stop-on-failure: the first fails, the others are not started; --wait says how it failed, exit 5.
    void stopOnFailure()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"a1"_s, u"a2"_s, u"f1"_s, u"--stop-on-failure"_s, u"--wait"_s, u"--yes"_s});
        QCOMPARE(run.exitCode, 5);
        const QString failed = restartOf(oplog(), u"f1"_s); // the oldest: first
        QVERIFY(!failed.isEmpty());
        QCOMPARE(typesOf(oplog(), failed).last(), u"Failed"_s);
        QVERIFY(restartsOf(oplog(), u"a1"_s).isEmpty());
        QVERIFY(restartsOf(oplog(), u"a2"_s).isEmpty());
        QVERIFY2(run.out.startsWith(u"f1 %1\n%1 failed: "_s.arg(failed)), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"disk full"_s), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"a1 not started: "_s) && run.out.contains(u"a2 not started: "_s), qPrintable(run.out));
    }

    // --wait: one failed, the other finished: exit 5 (without stopping the other).
    void waitSaysAFailure()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"f1"_s, u"a3"_s, u"--max-parallel"_s, u"2"_s, u"--wait"_s, u"--yes"_s});
        QCOMPARE(run.exitCode, 5);
        const QString finished = restartOf(oplog(), u"a3"_s);
        QVERIFY2(run.out.contains(u"%1 finished\n"_s.arg(finished)), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"%1 failed: "_s.arg(restartOf(oplog(), u"f1"_s))), qPrintable(run.out));
    }

    // --all-interrupted with --module: only that module's Interrupted operations.
    void allInterruptedOfAModule()
    {
        QVERIFY(startAgent());
        const Run run = oplensctlrun::oplensctl({u"restart"_s, u"--all-interrupted"_s, u"--module"_s, u"ZxOther"_s, u"--max-parallel"_s, u"2"_s,
                                                 u"--wait"_s, u"--yes"_s, u"--reason"_s, u"disk replaced"_s, m_source},
                                                {}, [](QProcessEnvironment &env) {
                                                    env.insert(u"OPLENS_TOKEN"_s, QString::fromLatin1(testservers::kOperatorToken));
                                                });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!restartOf(oplog(), u"o1"_s).isEmpty());
        QVERIFY(!restartOf(oplog(), u"o2"_s).isEmpty());
        for (const QString &id : {u"a1"_s, u"dupA"_s, u"f1"_s})
            QVERIFY2(restartsOf(oplog(), id).isEmpty(), qPrintable(id));
        QCOMPARE(run.out.count(QLatin1Char('\n')), 4);
    }

    // Two agents: one at a time on each, the two side by side. An id both hold is refused as ambiguous.
    void serversSideBySide()
    {
        QVERIFY(startAgent());
        const auto second = newAgent(seed(u"b-"_s) + started(u"a5"_s, u"ZxOther"_s, u"Step"_s, u"5"_s, QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(second);
        const QString secondSource = u"agent+"_s + second->url();
        const Run run = restart({u"a1"_s, u"a2"_s, u"b-a1"_s, u"b-a2"_s, u"a5"_s, u"--wait"_s, u"--yes"_s}, {}, {m_source, secondSource});
        QCOMPARE(run.exitCode, 4);
        QVERIFY2(run.out.contains(u"a5 refused: it is in more than one SOURCE (%1, %2#main)"_s.arg(m_source, secondSource)), qPrintable(run.out));
        QVERIFY(restartsOf(oplog(), u"a5"_s).isEmpty());
        const QStringList first{restartOf(oplog(), u"a1"_s), restartOf(oplog(), u"a2"_s)};
        const QStringList other{restartOf(second->oplog, u"b-a1"_s), restartOf(second->oplog, u"b-a2"_s)};
        QVERIFY(!first.contains(QString()) && !other.contains(QString()));
        QCOMPARE(mostAtOnce(oplog(), first), 1);
        QCOMPARE(mostAtOnce(second->oplog, other), 1);
        // Both servers' first restarts started before either of them finished.
        QVERIFY(timeOf(oplog(), first[0], u"Started"_s) < timeOf(second->oplog, other[0], u"Finished"_s));
        QVERIFY(timeOf(second->oplog, other[0], u"Started"_s) < timeOf(oplog(), first[0], u"Finished"_s));
    }

    // A local oplog with --actions beside an agent: this process runs the local ones (one at a time on "this
    // computer") and stays until they end; the agent's run at the same time.
    void localOplogBesideAnAgent()
    {
        QVERIFY(startAgent());
        const QString local = m_dir.filePath(u"local.jsonl"_s), catalog = m_dir.filePath(u"catalog.json"_s);
        const qint64 t = QDateTime::currentMSecsSinceEpoch() - 600000;
        QByteArray text;
        for (int i = 1; i <= 2; ++i)
            text += started(u"l%1"_s.arg(i), u"ZxBatch"_s, u"Step"_s, QString::number(i), t + i)
                + Event(u"l%1"_s.arg(i), u"Interrupted"_s, t + 10).module(u"ZxBatch"_s).name(u"Step"_s).set(u"error", u"runner gone"_s).line();
        QVERIFY(testfiles::writeFile(local, text));
        QVERIFY(testfiles::writeFile(catalog, QJsonDocument(actions()).toJson()));
        const Run run = restart({u"l1"_s, u"l2"_s, u"a1"_s, u"--actions"_s, catalog, u"--wait"_s, u"--yes"_s}, {}, {m_source, local});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString l1 = restartOf(local, u"l1"_s), l2 = restartOf(local, u"l2"_s), a1 = restartOf(oplog(), u"a1"_s);
        QVERIFY(!l1.isEmpty() && !l2.isEmpty() && !a1.isEmpty());
        for (const QString &id : {l1, l2})
            QCOMPARE(typesOf(local, id), (QStringList{u"Queued"_s, u"Started"_s, u"Finished"_s}));
        QCOMPARE(eventsOf(local, l1).last().value(u"runner"_s).toString(), u"oplensctl"_s);
        QVERIFY(timeOf(local, l2, u"Started"_s) >= timeOf(local, l1, u"Finished"_s));
        QVERIFY2(run.out.contains(u"l1 %1\n"_s.arg(l1)) && run.out.contains(u"%1 finished\n"_s.arg(l2))
                     && run.out.contains(u"%1 finished\n"_s.arg(a1)), qPrintable(run.out));
    }

    // Ctrl+C once the first is launched: no more start, what was launched goes on, exit 130.
    void ctrlCStartsNoMore()
    {
        QVERIFY(startAgent());
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"OPLENS_TOKEN"_s, QString::fromLatin1(testservers::kOperatorToken));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(OPLENSCTL), {u"restart"_s, u"a1"_s, u"a2"_s, u"a3"_s, u"--yes"_s, u"--wait"_s, u"--reason"_s, u"r"_s, m_source});
        QVERIFY(process.waitForStarted());
        QByteArray out;
        while (!out.contains('\n') && process.waitForReadyRead(30000))
            out += process.readAllStandardOutput();
        QVERIFY2(out.startsWith("a1 "), out.constData());
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(30000));
        out += process.readAllStandardOutput();
        QCOMPARE(process.exitCode(), 130);
        QVERIFY2(out.contains("a3 not started: stopped by Ctrl+C\n"), out.constData());
        QVERIFY(restartsOf(oplog(), u"a3"_s).isEmpty());
        const QString first = restartOf(oplog(), u"a1"_s);
        QTRY_COMPARE(typesOf(oplog(), first).value(2), u"Finished"_s); // launched: it went on
    }

    // Without --yes and without a terminal: refused before anything is sent.
    void notConfirmedWithoutATerminal()
    {
        QVERIFY(startAgent());
        const Run run = restart({u"a1"_s, u"a2"_s}, "y\n");
        QCOMPARE(run.exitCode, 4);
        QVERIFY2(run.err.contains(u"pass --yes"_s), qPrintable(run.err));
        QVERIFY2(run.err.contains(u"a1  ZxBatch Step on 127.0.0.1:%1"_s.arg(m_agent->port)), qPrintable(run.err)); // the plan
        QVERIFY(run.out.isEmpty());
        QVERIFY(restartsOf(oplog(), u"a1"_s).isEmpty());
        QVERIFY(restartsOf(oplog(), u"a2"_s).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestOplensctlRestart)
#include "tst_oplensctl_restart.moc"
