// Superseded operations and Stale baselines per source (docs/oplog.md section 3), the hash that tells "the same
// parameters", and the Superseded status filter.
#include "parameterskey.h"
#include "testoplog.h"
#include "viewfilter.h"

#include <QDateTime>
#include <QTest>

using namespace oplens;
using namespace testoplog;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMinute = 60 * 1000, kHour = 60 * kMinute;

QJsonObject params(const QString &origin, int volume)
{
    return {{u"origin"_s, origin}, {u"volume"_s, volume}};
}

// A run of ZxBackup SmartScan (unless `name` says otherwise): Started at `start`, then `end` at `endTime`.
QByteArray run(const char *id, qint64 start, const char *end, qint64 endTime, const QJsonObject &parameters,
               const char *name = "SmartScan")
{
    return Event(id, "Started", start).name(name).parameters(parameters).line()
        + Event(id, end, endTime).name(name).parameters(parameters).line();
}

// The operation "old": a SmartScan on volume 1 that failed at 2000.
QByteArray oldRun(const char *end = "Failed") { return run("old", 1000, end, 2000, params(u"Cron"_s, 1)); }

void appendText(Dataset &data, uint16_t source, const QByteArray &text)
{
    OplogParser parser(data.events(), source);
    parser.push(text.constData(), size_t(text.size()));
    parser.finish();
    QVERIFY(parser.problems().empty());
    data.aggregate();
}

} // namespace

class TestSuperseded : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void superseded_data();
    void superseded();
    void interruptedLeavesNotifications();
    void restartedIsNotSuperseded();
    void anotherSource();
    void crashSnapshotIsNeverSuperseded();
    void followsAppends();
    void parametersHash_data();
    void parametersHash();
    void statusFilter();
    void staleBaselinesPerSource();
    void appendsMatchAWholeRead_data();
    void appendsMatchAWholeRead();
};

// Each log holds "old" and other runs; `by` is the run that supersedes old, or empty.
void TestSuperseded::superseded_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QByteArray>("by");

    const QJsonObject same = params(u"Cron"_s, 1);
    QTest::newRow("later Finished, same parameters") << oldRun() + run("new", 3000, "Finished", 4000, same) << "new"_ba;
    QTest::newRow("later Finished, other parameters")
        << oldRun() + run("new", 3000, "Finished", 4000, params(u"Cron"_s, 2)) << QByteArray();
    QTest::newRow("later Finished, same parameters, other origin")
        << oldRun() + run("new", 3000, "Finished", 4000, params(u"Admin"_s, 1)) << "new"_ba;
    QTest::newRow("later Finished, no origin at all")
        << oldRun() + run("new", 3000, "Finished", 4000, {{u"volume"_s, 1}}) << "new"_ba;
    QTest::newRow("later Finished, keys in another order and laid out")
        << oldRun() + Event("new", "Started", 3000).raw(R"(,"parameters": { "volume" : 1, "origin": "CLI" })").line()
               + Event("new", "Finished", 4000).raw(R"(,"parameters": { "volume" : 1, "origin": "CLI" })").line()
        << "new"_ba;
    QTest::newRow("later Failed") << oldRun() + run("new", 3000, "Failed", 4000, same) << QByteArray();
    QTest::newRow("later Aborted") << oldRun() + run("new", 3000, "Aborted", 4000, same) << QByteArray();
    QTest::newRow("later run still Running") << oldRun() + Event("new", "Started", 3000).parameters(same).line()
                                             << QByteArray();
    QTest::newRow("Finished before it ended") << oldRun() + run("new", 100, "Finished", 1500, same) << QByteArray();
    QTest::newRow("started before, Finished after it ended")
        << oldRun() + run("new", 500, "Finished", 2500, same) << "new"_ba;
    QTest::newRow("Finished at the same time, later in the file")
        << oldRun() + run("new", 1000, "Finished", 2000, same) << "new"_ba;
    QTest::newRow("other name") << oldRun() + run("new", 3000, "Finished", 4000, same, "SmartScan2") << QByteArray();
    QTest::newRow("the latest of two") << oldRun() + run("new", 3000, "Finished", 4000, same)
            + run("newer", 5000, "Finished", 6000, params(u"Admin"_s, 1)) + run("other", 7000, "Finished", 8000, {})
                                       << "newer"_ba;
    QTest::newRow("Aborted, then Finished") << oldRun("Aborted") + run("new", 3000, "Finished", 4000, same) << "new"_ba;
    QTest::newRow("a Finished run resumed is not Finished")
        << oldRun() + run("new", 3000, "Finished", 4000, same) + Event("new", "Started", 5000).parameters(same).line()
        << QByteArray();
    QTest::newRow("Finished old runs supersede nothing")
        << oldRun("Finished") + run("new", 3000, "Finished", 4000, same) << QByteArray();
}

void TestSuperseded::superseded()
{
    QFETCH(QByteArray, log);
    QFETCH(QByteArray, by);

    Dataset data;
    load(data, log);
    const uint32_t old = op(data, "old");
    QVERIFY(data.exists(old));
    const uint32_t expected = by.isEmpty() ? kNone : op(data, by.constData());
    QCOMPARE(data.supersededBy(old), expected);
    QCOMPARE(data.isSuperseded(old), !by.isEmpty());
    if (by.isEmpty()) {
        QVERIFY(data.supersededReason(old).isEmpty());
        return;
    }
    const QDateTime started = QDateTime::fromMSecsSinceEpoch(data.operation(expected).startedAt);
    const QString when = started.toString(u"yyyy-MM-dd HH:mm"_s);
    QCOMPARE(data.supersededReason(old), u"superseded by the run of %1 (Finished)"_s.arg(when));
    QVERIFY(!data.isSuperseded(expected)); // a Finished run is never superseded itself
}

// An Interrupted operation superseded leaves what needs attention; its evidence stays what it was.
void TestSuperseded::interruptedLeavesNotifications()
{
    Dataset data;
    load(data, Event("old", "Started", 1000).parameters(params(u"Cron"_s, 1)).line() + serviceStarted(2000)
                   + Event("lone", "Started", 1000).parameters(params(u"Cron"_s, 9)).line()
                   + run("new", 3000, "Finished", 4000, params(u"Admin"_s, 1)));
    const uint32_t old = op(data, "old"), lone = op(data, "lone");
    QCOMPARE(data.operation(old).status, Status::Interrupted);
    QCOMPARE(data.operation(old).evidence, Evidence::ServiceStarted);
    QCOMPARE(data.supersededBy(old), op(data, "new"));
    QVERIFY(!data.needsAttention(old, 5000));
    QVERIFY(data.interruptionReason(old).startsWith(u"service restarted at"_s));
    QCOMPARE(data.operation(lone).status, Status::Interrupted);
    QVERIFY(!data.isSuperseded(lone));
    QVERIFY(data.needsAttention(lone, 5000));
}

// A restart that Finished makes the old one Restarted, not Superseded; a restart that was interrupted in turn is
// superseded by a later run like any other operation.
void TestSuperseded::restartedIsNotSuperseded()
{
    const QJsonObject restart = params(u"Restart"_s, 1), restart2 = params(u"Restart"_s, 2);
    const QByteArray ofOld = R"(,"restartOf":"old")", ofF2 = R"(,"restartOf":"f2")";
    Dataset data;
    load(data, oldRun() + Event("r1", "Started", 3000).parameters(restart).raw(ofOld).line()
                   + Event("r1", "Finished", 4000).parameters(restart).raw(ofOld).line()
                   + run("f2", 1000, "Failed", 2000, params(u"Cron"_s, 2))
                   + Event("r2", "Started", 3000).parameters(restart2).raw(ofF2).line()
                   + Event("r2", "Interrupted", 3500).parameters(restart2).raw(ofF2).line()
                   + run("later", 5000, "Finished", 6000, params(u"Cron"_s, 2)));
    const uint32_t old = op(data, "old"), f2 = op(data, "f2"), r2 = op(data, "r2");
    QVERIFY(data.isRestarted(old));
    QVERIFY(!data.isSuperseded(old));
    QVERIFY(data.isRestarted(f2));
    QVERIFY(!data.isSuperseded(f2));
    QCOMPARE(data.supersededBy(r2), op(data, "later"));
}

// A run in another source (another server) supersedes nothing here, even with the same operation id.
void TestSuperseded::anotherSource()
{
    Dataset data;
    const uint16_t a = data.addSource(u"mail1"_s), b = data.addSource(u"mail2"_s);
    parseInto(data.events(), a, oldRun());
    parseInto(data.events(), b, run("new", 3000, "Finished", 4000, params(u"Cron"_s, 1)) + oldRun("Finished"));
    data.aggregate();
    QVERIFY(!data.isSuperseded(op(data, "old", a)));
    appendText(data, a, run("new", 3000, "Finished", 4000, params(u"Cron"_s, 1)));
    QCOMPARE(data.supersededBy(op(data, "old", a)), op(data, "new", a));
}

// "Treat unfinished as interrupted" gives no end: nothing is known to come after it.
void TestSuperseded::crashSnapshotIsNeverSuperseded()
{
    Dataset data;
    load(data, Event("old", "Started", 1000).parameters(params(u"Cron"_s, 1)).line()
                   + run("new", 3000, "Finished", 4000, params(u"Cron"_s, 1)));
    data.setAssumeInterrupted(0, true);
    QCOMPARE(data.operation(op(data, "old")).status, Status::Interrupted);
    QVERIFY(!data.isSuperseded(op(data, "old")));
    QVERIFY(data.needsAttention(op(data, "old"), 5000));
    data.setServiceStartedAt(0, 2000); // the agent's report gives it an end: 2000
    QCOMPARE(data.supersededBy(op(data, "old")), op(data, "new"));
}

// Appended events change it both ways, as a followed file grows.
void TestSuperseded::followsAppends()
{
    const QJsonObject same = params(u"Cron"_s, 1);
    Dataset data;
    load(data, oldRun() + Event("new", "Started", 3000).parameters(same).line());
    const uint32_t old = op(data, "old");
    QVERIFY(!data.isSuperseded(old));
    appendText(data, 0, Event("new", "Finished", 4000).parameters(same).line());
    QCOMPARE(data.supersededBy(old), op(data, "new"));
    appendText(data, 0, Event("new", "Started", 5000).parameters(same).line()); // resumed: Running again
    QVERIFY(!data.isSuperseded(old));
    appendText(data, 0, Event("new", "Finished", 6000).parameters(same).line());
    QVERIFY(data.isSuperseded(old));
    appendText(data, 0, Event("r", "Queued", 7000).parameters(same).raw(R"(,"restartOf":"old")").line());
    QVERIFY(data.isRestarted(old));
    QVERIFY(!data.isSuperseded(old));
}

void TestSuperseded::parametersHash_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("same");

    QTest::newRow("equal") << R"({"origin":"Cron","a":1})"_ba << R"({"origin":"Cron","a":1})"_ba << true;
    QTest::newRow("origin ignored") << R"({"origin":"Cron","a":1})"_ba << R"({"origin":"Admin","a":1})"_ba << true;
    QTest::newRow("origin absent") << R"({"origin":"Cron","a":1})"_ba << R"({"a":1})"_ba << true;
    QTest::newRow("origin not a string") << R"({"origin":3,"a":1})"_ba << R"({"a":1})"_ba << true;
    QTest::newRow("origin last") << R"({"a":1,"origin":"Cron"})"_ba << R"({"origin":"CLI","a":1})"_ba << true;
    QTest::newRow("key order") << R"({"a":1,"b":"x"})"_ba << R"({"b":"x","a":1})"_ba << true;
    QTest::newRow("layout") << R"({ "a" : 1 , "b" : [ 1, 2 ] })"_ba << R"({"a":1,"b":[1,2]})"_ba << true;
    QTest::newRow("nested key order") << R"({"a":{"x":1,"y":2}})"_ba << R"({"a":{"y":2,"x":1}})"_ba << true;
    QTest::newRow("nested origin counts") << R"({"a":{"origin":"x"}})"_ba << R"({"a":{}})"_ba << false;
    QTest::newRow("absent is empty") << QByteArray() << R"({"origin":"Cron"})"_ba << true;
    QTest::newRow("other value") << R"({"a":1})"_ba << R"({"a":2})"_ba << false;
    QTest::newRow("other key") << R"({"a":1})"_ba << R"({"b":1})"_ba << false;
    QTest::newRow("one more key") << R"({"a":1})"_ba << R"({"a":1,"b":1})"_ba << false;
    QTest::newRow("array order counts") << R"({"a":[1,2]})"_ba << R"({"a":[2,1]})"_ba << false;
    QTest::newRow("numbers as written") << R"({"a":1})"_ba << R"({"a":1.0})"_ba << false;
    QTest::newRow("string is not number") << R"({"a":1})"_ba << R"({"a":"1"})"_ba << false;
    QTest::newRow("quote inside a string") << R"({"a":"x\",\"b\":\"y"})"_ba << R"({"a":"x","b":"y"})"_ba << false;
    QTest::newRow("origin inside a value") << R"({"a":"\"origin\":1"})"_ba << R"({"a":"\"origin\":2"})"_ba << false;
    QTest::newRow("escaped, laid out") << R"({"a":"x\"y","b":1})"_ba << R"({ "b": 1, "a": "x\"y" })"_ba << true;
    QTest::newRow("nested array of objects") << R"({"a":[{"x":1,"y":2}],"origin":"Cron"})"_ba
                                             << R"({"a":[{"y":2,"x":1}]})"_ba << true;
    QTest::newRow("members swapped between keys") << R"({"a":1,"b":2})"_ba << R"({"a":2,"b":1})"_ba << false;
}

// Equal parameters hash equally, whichever way the hash walks them (a quick pass for flat compact objects, a full
// walk otherwise); different ones do not.
void TestSuperseded::parametersHash()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, same);
    QCOMPARE(oplens::parametersHash(a.toStdString()) == oplens::parametersHash(b.toStdString()), same);
}

// --status Superseded (oplensctl) and the console's status filter share statusFlagFromName() and the filters.
void TestSuperseded::statusFilter()
{
    QCOMPARE(statusFlagFromName(u"superseded"_s), uint32_t(StatusSuperseded));
    QVERIFY(statusFlagNames().contains(u"Superseded"_s));
    Dataset data;
    load(data, oldRun() + run("new", 3000, "Finished", 4000, params(u"Admin"_s, 1))
                   + run("lone", 1000, "Failed", 2000, params(u"Cron"_s, 7)));
    ViewFilter filter;
    filter.statuses = StatusSuperseded;
    QCOMPARE(filterOperations(data, filter, 5000), std::vector<uint32_t>{op(data, "old")});
    QCOMPARE(filterEvents(data, filter, 5000), (std::vector<uint32_t>{0, 1}));
    filter.statuses = StatusSuperseded | StatusFailed;
    QCOMPARE(filterOperations(data, filter, 5000), (std::vector<uint32_t>{op(data, "old"), op(data, "lone")}));
    QVERIFY(filter.describe().contains(u"Superseded"_s));
}

// A module and name fast on one server and slow on another: each server's runs set its own limit.
void TestSuperseded::staleBaselinesPerSource()
{
    const auto runs = [](qint64 duration) {
        QByteArray log;
        for (int i = 0; i < 5; ++i)
            log += run(QByteArray("f" + QByteArray::number(i)).constData(), i * 10 * kHour, "Finished",
                       i * 10 * kHour + duration, {});
        return log + Event("now", "Started", 100 * kHour).line();
    };
    Dataset data;
    const uint16_t fast = data.addSource(u"mail1"_s), slow = data.addSource(u"mail2"_s);
    const uint16_t none = data.addSource(u"mail3"_s);
    parseInto(data.events(), fast, runs(kMinute));
    parseInto(data.events(), slow, runs(kHour));
    parseInto(data.events(), none, Event("now", "Started", 100 * kHour).line());
    data.aggregate();
    const StringPool &pool = data.events().strings();
    const uint32_t module = pool.find("ZxBackup"), name = pool.find("SmartScan");
    QCOMPARE(data.staleLimit(fast, module, name), 3 * kMinute);
    QCOMPARE(data.staleLimit(slow, module, name), 3 * kHour);
    QCOMPARE(data.staleLimit(none, module, name), Dataset::kDefaultStaleMs);

    const qint64 later = 100 * kHour + 2 * kHour; // two hours after each "now" started
    QVERIFY(data.isStale(op(data, "now", fast), later));
    QVERIFY(!data.isStale(op(data, "now", slow), later)); // not Stale by mail1's baseline
    QVERIFY(!data.isStale(op(data, "now", none), later));
    QVERIFY(data.isStale(op(data, "now", slow), 100 * kHour + 3 * kHour + 1));
}

namespace {

// Runs of three kinds with a few parameter sets, in time order: most Finished, some Failed or Interrupted (then
// superseded by a later Finished run of the same parameters, or not), some restarted, some running, one Finished
// event taken back by a later Started (the same id run again).
QByteArray mixedLog()
{
    QByteArray log;
    const char *names[] = {"SmartScan", "MoveBlobs", "Report"};
    qint64 t = 0;
    for (int i = 0; i < 120; ++i) {
        t += 5 * kMinute;
        const QByteArray id = "op" + QByteArray::number(i);
        const char *name = names[i % 3];
        const QJsonObject p = params(u"Cron"_s, i % 4);
        const int fate = (i * 7) % 11;
        const char *end = fate < 6 ? "Finished" : fate < 8 ? "Failed" : fate < 9 ? "Interrupted" : nullptr;
        log += Event(id, "Started", t).name(name).parameters(p).line();
        if (end)
            log += Event(id, end, t + (i % 5 + 1) * kMinute).name(name).parameters(p).line();
        if (fate == 7) // restarted
            log += Event("re" + id, "Queued", t + 10 * kMinute).name(name).parameters(p).set(u"restartOf", QString::fromLatin1(id)).line();
        if (i == 60)
            log += Event("op3", "Started", t + kMinute).name(names[0]).parameters(params(u"Cron"_s, 3)).line();
    }
    return log;
}

QString stateOf(const Dataset &data, uint32_t op, qint64 now)
{
    const Operation &o = data.operation(op);
    const uint32_t by = data.supersededBy(op);
    return u"%1 %2 by=%3 stale=%4 limit=%5"_s.arg(data.events().ids().qtext(op), statusName(o.status),
                                                   by == kNone ? u"-"_s : data.events().ids().qtext(by))
        .arg(data.isStale(op, now))
        .arg(data.staleLimit(data.source(op), data.module(op), data.name(op)));
}

QStringList statesOf(const Dataset &data, qint64 now)
{
    QStringList states;
    for (uint32_t op = 0; op < data.operationCount(); ++op)
        if (data.exists(op))
            states << stateOf(data, op, now);
    states.sort();
    return states;
}

} // namespace

// Appends (the console following a log) update Superseded and the Stale limits from the runs they bring: whatever the
// pieces, the result is the one of reading the whole log at once.
void TestSuperseded::appendsMatchAWholeRead_data()
{
    QTest::addColumn<int>("linesPerAppend");
    QTest::newRow("one line at a time") << 1;
    QTest::newRow("3 lines") << 3;
    QTest::newRow("17 lines") << 17;
}

void TestSuperseded::appendsMatchAWholeRead()
{
    QFETCH(int, linesPerAppend);
    const QByteArray log = mixedLog();
    Dataset whole;
    whole.addSource(u"log"_s);
    appendText(whole, 0, log);
    Dataset pieces;
    pieces.addSource(u"log"_s);
    const QList<QByteArray> lines = log.split('\n');
    QByteArray piece;
    for (int i = 0; i < lines.size(); ++i) {
        if (!lines[i].isEmpty())
            piece += lines[i] + '\n';
        if ((i + 1) % linesPerAppend == 0 || i + 1 == lines.size()) {
            Dataset batch;
            batch.addSource(u"log"_s);
            appendText(batch, 0, piece);
            pieces.appendBatch(std::move(batch), 0);
            piece.clear();
        }
    }
    const qint64 now = 200 * 5 * kMinute;
    const QStringList expected = statesOf(whole, now);
    QVERIFY(expected.filter(u"by=op"_s).size() >= 3); // some are superseded
    QCOMPARE(statesOf(pieces, now), expected);
}

QTEST_GUILESS_MAIN(TestSuperseded)
#include "tst_superseded.moc"
