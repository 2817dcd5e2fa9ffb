// Dataset: operations and their status from events, with every rule of oplog.md section 3.
#include "testoplog.h"

#include <QTest>

using namespace oplens;
using namespace testoplog;

namespace {

// Every operation of a dataset on one line, sorted: two datasets agree when these lists are equal.
QStringList describeOperations(const Dataset &data, int64_t now = 0)
{
    QStringList out;
    const OperationIds &ids = data.events().ids();
    for (uint32_t op = 0; op < data.operationCount(); ++op) {
        if (!data.exists(op))
            continue;
        const Operation &o = data.operation(op);
        out << QStringLiteral("%1/%2 %3 evidence=%4 started=%5 ended=%6 events=%7 restartedAs=%8 restartOf=%9 restarted=%10 stale=%11 %12")
                   .arg(data.source(op))
                   .arg(ids.qtext(op), statusName(o.status))
                   .arg(int(o.evidence))
                   .arg(o.startedAt)
                   .arg(o.endedAt)
                   .arg(o.eventCount)
                   .arg(o.restartedAs == kNone ? QStringLiteral("-") : ids.qtext(o.restartedAs),
                        o.restartOf == kNone ? QStringLiteral("-") : ids.qtext(o.restartOf))
                   .arg(data.isRestarted(op))
                   .arg(data.isStale(op, now))
                   .arg(data.interruptionReason(op));
    }
    out.sort();
    return out;
}

// Appends `text` to source `source` of a loaded dataset, numbering lines from `firstLine`, and aggregates.
void appendText(Dataset &data, uint16_t source, const QByteArray &text, uint64_t firstLine = 1)
{
    OplogParser parser(data.events(), source, Container::Lines, firstLine);
    parser.push(text.constData(), size_t(text.size()));
    parser.finish();
    QVERIFY(parser.problems().empty());
    data.aggregate();
}

QByteArray ev(const char *type, qint64 time, const QByteArray &extra = {}) { return eventLine("a", type, time, extra); }

// A log with a bit of everything, for comparing ways of loading it.
QByteArray mixedLog()
{
    return eventLine("q", "Queued", 100) + eventLine("r", "Started", 100) + eventLine("f", "Started", 100)
        + eventLine("f", "Finished", 200) + eventLine("x", "Started", 150, ",\"host\":\"h1\"")
        + eventLine("y", "Started", 150, ",\"host\":\"h2\"") + eventLine("i", "Started", 120)
        + eventLine("i", "Interrupted", 130, ",\"error\":\"killed\"") + serviceStarted(300, ",\"host\":\"h1\"")
        + eventLine("r2", "Queued", 400, ",\"restartOf\":\"i\"") + eventLine("r2", "Started", 410, ",\"restartOf\":\"i\"")
        + eventLine("late", "Started", 500) + eventLine("u", "Paused", 50)
        + eventLine("m1", "Started", 1000, {}, "ZxPowerstore", "MoveBlobs")
        + eventLine("m1", "Finished", 2000, {}, "ZxPowerstore", "MoveBlobs");
}

} // namespace

class TestDataset : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void status_data();
    void status();
    void interruptionReason_data();
    void interruptionReason();
    void serviceStartedHost_data();
    void serviceStartedHost();
    void serviceStartedAt();
    void assumeInterrupted();
    void operationsPerSource();
    void unfinished_data();
    void unfinished();
    void stale_data();
    void stale();
    void staleOnlyWhenRunning();
    void restarted_data();
    void restarted();
    void restartListedFirst();
    void rowsOfOrder();
    void appendBatchFirstLoad_data();
    void appendBatchFirstLoad();
    void appendBatchKeepsSettings();
    void appendBatchMerge();
    void appendBatchSameSource();
    void aggregateMoreRows();
};

// The status of operation "a" after its events (and ServiceStarted markers), whatever their file order.
void TestDataset::status_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("evidence");
    QTest::addColumn<qint64>("endedAt");

    const int Q = int(Status::Queued), R = int(Status::Running), F = int(Status::Finished), X = int(Status::Failed),
              A = int(Status::Aborted), I = int(Status::Interrupted), U = int(Status::Unknown);
    const int none = int(Evidence::None), event = int(Evidence::Event), restart = int(Evidence::ServiceStarted);
    const qint64 open = kNoTime;

    // Each event type.
    QTest::newRow("Queued") << ev("Queued", 10) << Q << none << open;
    QTest::newRow("Started") << ev("Started", 10) << R << none << open;
    QTest::newRow("Finished") << ev("Started", 5) + ev("Finished", 10) << F << none << qint64(10);
    QTest::newRow("Failed") << ev("Started", 5) + ev("Failed", 10) << X << none << qint64(10);
    QTest::newRow("Aborted") << ev("Started", 5) + ev("Aborted", 10) << A << none << qint64(10);
    QTest::newRow("Interrupted") << ev("Started", 5) + ev("Interrupted", 10) << I << event << qint64(10);
    QTest::newRow("Finished alone") << ev("Finished", 10) << F << none << qint64(10);
    QTest::newRow("Queued then Started") << ev("Queued", 5) + ev("Started", 10) << R << none << open;
    QTest::newRow("unknown type keeps Running") << ev("Started", 5) + ev("Paused", 10) << R << none << open;
    QTest::newRow("unknown type keeps Queued") << ev("Queued", 5) + ev("Progress", 10) << Q << none << open;
    QTest::newRow("unknown type keeps Finished") << ev("Finished", 5) + ev("Cleaned", 10) << F << none << qint64(5);
    QTest::newRow("unknown types only") << ev("Paused", 5) + ev("Resumed", 10) << U << none << open;

    // Later events win; the same startTime in file order; the file order otherwise means nothing.
    QTest::newRow("Finished listed before the Started it ends") << ev("Finished", 20) + ev("Started", 10) << F << none << qint64(20);
    QTest::newRow("later Started listed before Finished") << ev("Started", 30) + ev("Finished", 20) << R << none << open;
    QTest::newRow("same time: Started then Finished") << ev("Started", 10) + ev("Finished", 10) << F << none << qint64(10);
    QTest::newRow("same time: Finished then Started") << ev("Finished", 10) + ev("Started", 10) << R << none << open;
    QTest::newRow("same time: Failed then Aborted") << ev("Failed", 10) + ev("Aborted", 10) << A << none << qint64(10);
    QTest::newRow("shuffled") << ev("Finished", 40) + ev("Queued", 10) + ev("Failed", 30) + ev("Started", 20) << F << none << qint64(40);

    // A terminal event followed by a later Started: running again.
    QTest::newRow("Finished then Started") << ev("Started", 5) + ev("Finished", 10) + ev("Started", 20) << R << none << open;
    QTest::newRow("Interrupted then Started") << ev("Started", 5) + ev("Interrupted", 10) + ev("Started", 20) << R << none << open;
    QTest::newRow("Failed, Started, Finished") << ev("Failed", 10) + ev("Started", 20) + ev("Finished", 30) << F << none << qint64(30);
    QTest::newRow("Aborted then Started, listed first") << ev("Started", 20) + ev("Aborted", 10) << R << none << open;

    // ServiceStarted after the last event of an unfinished operation: Interrupted from then on.
    QTest::newRow("Started, ServiceStarted") << ev("Started", 10) + serviceStarted(20) << I << restart << qint64(20);
    QTest::newRow("Queued, ServiceStarted") << ev("Queued", 10) + serviceStarted(20) << I << restart << qint64(20);
    QTest::newRow("ServiceStarted listed first, later in time") << serviceStarted(20) + ev("Started", 10) << I << restart << qint64(20);
    QTest::newRow("ServiceStarted, unknown event after it") << ev("Started", 10) + serviceStarted(20) + ev("Progress", 30) << I << restart << qint64(20);
    QTest::newRow("the first ServiceStarted after the event counts")
        << serviceStarted(5) + ev("Started", 10) + serviceStarted(30) + serviceStarted(20) << I << restart << qint64(20);
    QTest::newRow("same time, ServiceStarted after in file") << ev("Started", 10) + serviceStarted(10) << I << restart << qint64(10);
    QTest::newRow("same time, ServiceStarted before in file") << serviceStarted(10) + ev("Started", 10) << R << none << open;
    QTest::newRow("ServiceStarted before Started") << serviceStarted(5) + ev("Started", 10) << R << none << open;
    QTest::newRow("ServiceStarted between Queued and Started") << ev("Queued", 5) + serviceStarted(7) + ev("Started", 10) << R << none << open;
    QTest::newRow("ServiceStarted between Started and Finished") << ev("Started", 5) + serviceStarted(7) + ev("Finished", 10) << F << none << qint64(10);
    QTest::newRow("ServiceStarted after Finished") << ev("Started", 5) + ev("Finished", 10) + serviceStarted(20) << F << none << qint64(10);
    QTest::newRow("ServiceStarted after Failed") << ev("Started", 5) + ev("Failed", 10) + serviceStarted(20) << X << none << qint64(10);
    QTest::newRow("ServiceStarted after Interrupted") << ev("Started", 5) + ev("Interrupted", 10) + serviceStarted(20) << I << event << qint64(10);
    QTest::newRow("resumed after the service restarted") << ev("Started", 5) + serviceStarted(7) + ev("Started", 10) << R << none << open;
    QTest::newRow("unknown-type operation and ServiceStarted") << ev("Paused", 5) + serviceStarted(7) << U << none << open;
}

void TestDataset::status()
{
    QFETCH(QByteArray, log);
    QFETCH(int, status);
    QFETCH(int, evidence);
    QFETCH(qint64, endedAt);

    Dataset data;
    load(data, log);
    const uint32_t a = op(data, "a");
    QVERIFY(a != kNone);
    const Operation &o = data.operation(a);
    QCOMPARE(statusName(o.status), statusName(Status(status)));
    QCOMPARE(int(o.evidence), evidence);
    QCOMPARE(o.endedAt, endedAt);
    QCOMPARE(int(o.eventCount), log.count("\"operationId\":\"a\""));
    if (o.evidence == Evidence::ServiceStarted) {
        QCOMPARE(data.events().kind(o.evidenceRow), EventKind::ServiceStarted);
        QCOMPARE(data.events().time(o.evidenceRow), endedAt);
    } else if (o.evidence == Evidence::Event) {
        QCOMPARE(data.events().kind(o.evidenceRow), EventKind::Interrupted);
    } else {
        QCOMPARE(o.evidenceRow, kNone);
    }
    // The status row is the latest status-setting event in (startTime, row) order.
    if (o.status != Status::Unknown) {
        for (Dataset::Row r : data.rowsOf(a))
            if (statusForKind(data.events().kind(r)))
                QVERIFY(!data.earlier(o.statusRow, r));
    }
}

void TestDataset::interruptionReason_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QStringList>("contains");

    QTest::newRow("no evidence") << ev("Started", 10) << QStringList();
    QTest::newRow("Interrupted event with error") << ev("Started", 10) + ev("Interrupted", 20, ",\"error\":\"process killed\"")
                                                  << QStringList{QStringLiteral("process killed")};
    QTest::newRow("Interrupted event without error") << ev("Started", 10) + ev("Interrupted", 20)
                                                     << QStringList{QStringLiteral("Interrupted")};
    QTest::newRow("ServiceStarted") << ev("Started", 10) + eventLine({}, "ServiceStarted", 20, {}, "ZxCore", "ServiceStarted")
                                    << QStringList{QStringLiteral("service restarted"), QStringLiteral("ZxCore")};
}

void TestDataset::interruptionReason()
{
    QFETCH(QByteArray, log);
    QFETCH(QStringList, contains);

    Dataset data;
    load(data, log);
    const QString reason = data.interruptionReason(op(data, "a"));
    QCOMPARE(reason.isEmpty(), contains.isEmpty());
    for (const QString &part : contains)
        QVERIFY2(reason.contains(part), qPrintable(reason));
}

// A ServiceStarted that names a host interrupts only the operations of that host.
void TestDataset::serviceStartedHost_data()
{
    QTest::addColumn<QByteArray>("marker");
    QTest::addColumn<QStringList>("interrupted"); // of h1, h2, nohost

    QTest::newRow("host h1") << serviceStarted(100, ",\"host\":\"h1\"") << QStringList{QStringLiteral("h1")};
    QTest::newRow("host h2") << serviceStarted(100, ",\"host\":\"h2\"") << QStringList{QStringLiteral("h2")};
    QTest::newRow("another host") << serviceStarted(100, ",\"host\":\"h3\"") << QStringList{};
    QTest::newRow("no host") << serviceStarted(100)
                             << QStringList{QStringLiteral("h1"), QStringLiteral("h2"), QStringLiteral("nohost")};
}

void TestDataset::serviceStartedHost()
{
    QFETCH(QByteArray, marker);
    QFETCH(QStringList, interrupted);

    Dataset data;
    load(data, eventLine("h1", "Started", 10, ",\"host\":\"h1\"") + eventLine("h2", "Queued", 10, ",\"host\":\"h2\"")
                   + eventLine("nohost", "Started", 10) + marker);
    for (const char *id : {"h1", "h2", "nohost"}) {
        const Operation &o = data.operation(op(data, id));
        const bool expected = interrupted.contains(QLatin1String(id));
        QCOMPARE(o.status == Status::Interrupted, expected);
        QCOMPARE(o.evidence == Evidence::ServiceStarted, expected);
    }
}

// The agent's serviceStartedAt counts as a ServiceStarted at that time, for its source only.
void TestDataset::serviceStartedAt()
{
    Dataset data;
    load(data, eventLine("a", "Started", 1000) + eventLine("q", "Queued", 1000) + eventLine("f", "Started", 500)
                   + eventLine("f", "Finished", 1500) + eventLine("later", "Started", 3000));
    const uint16_t other = data.addSource(QStringLiteral("other"));
    appendText(data, other, eventLine("b", "Started", 1000));
    const uint32_t a = op(data, "a"), q = op(data, "q"), f = op(data, "f"), later = op(data, "later"),
                   b = op(data, "b", other);
    QCOMPARE(data.operation(a).status, Status::Running);

    data.setServiceStartedAt(0, 2000);
    QCOMPARE(data.operation(a).status, Status::Interrupted);
    QCOMPARE(data.operation(a).evidence, Evidence::AgentReport);
    QCOMPARE(data.operation(a).endedAt, qint64(2000));
    QCOMPARE(data.operation(q).status, Status::Interrupted);
    QCOMPARE(data.operation(f).status, Status::Finished);
    QCOMPARE(data.operation(later).status, Status::Running);
    QCOMPARE(data.operation(b).status, Status::Running);
    QVERIFY(data.interruptionReason(a).contains(QStringLiteral("service restarted")));
    QVERIFY(data.interruptionReason(a).contains(QStringLiteral("agent")));
    QVERIFY(data.needsAttention(a, 2500));

    // An earlier start does not interrupt what ran after it.
    data.setServiceStartedAt(0, 900);
    QCOMPARE(data.operation(a).status, Status::Running);
    QCOMPARE(data.operation(a).evidence, Evidence::None);
    QCOMPARE(data.operation(a).endedAt, kNoTime);
    QCOMPARE(data.operation(q).status, Status::Queued);

    data.setServiceStartedAt(other, 2000);
    QCOMPARE(data.operation(b).status, Status::Interrupted);
    QCOMPARE(data.operation(a).status, Status::Running);

    // Set before the events arrive, it applies to them when they are aggregated.
    Dataset early;
    early.addSource(QStringLiteral("test"));
    early.setServiceStartedAt(0, 2000);
    appendText(early, 0, eventLine("a", "Started", 1000) + eventLine("c", "Started", 2500));
    QCOMPARE(early.operation(op(early, "a")).status, Status::Interrupted);
    QCOMPARE(early.operation(op(early, "c")).status, Status::Running);
}

// "Treat unfinished as interrupted": every Queued or Running operation of that source is Interrupted.
void TestDataset::assumeInterrupted()
{
    Dataset data;
    load(data, eventLine("a", "Started", 1000) + eventLine("q", "Queued", 1000) + eventLine("f", "Started", 500)
                   + eventLine("f", "Finished", 1500) + eventLine("x", "Failed", 1500));
    const uint16_t other = data.addSource(QStringLiteral("other"));
    appendText(data, other, eventLine("b", "Started", 1000));

    data.setAssumeInterrupted(0, true);
    for (const char *id : {"a", "q"}) {
        QCOMPARE(data.operation(op(data, id)).status, Status::Interrupted);
        QCOMPARE(data.operation(op(data, id)).evidence, Evidence::Assumed);
        QVERIFY(!data.interruptionReason(op(data, id)).isEmpty());
    }
    QCOMPARE(data.operation(op(data, "f")).status, Status::Finished);
    QCOMPARE(data.operation(op(data, "x")).status, Status::Failed);
    QCOMPARE(data.operation(op(data, "b", other)).status, Status::Running);

    data.setAssumeInterrupted(0, false);
    QCOMPARE(data.operation(op(data, "a")).status, Status::Running);
    QCOMPARE(data.operation(op(data, "q")).status, Status::Queued);
    QCOMPARE(data.operation(op(data, "a")).evidence, Evidence::None);
}

// The same operationId in two sources is two operations, each with its own status and evidence.
void TestDataset::operationsPerSource()
{
    Dataset data;
    const uint16_t one = data.addSource(QStringLiteral("one"));
    const uint16_t two = data.addSource(QStringLiteral("two"));
    parseInto(data.events(), one, eventLine("same", "Started", 10) + eventLine("onlyOne", "Started", 10));
    parseInto(data.events(), two, eventLine("same", "Started", 5) + eventLine("same", "Finished", 20) + serviceStarted(30));
    data.aggregate();

    const uint32_t a = op(data, "same", one), b = op(data, "same", two);
    QVERIFY(a != kNone && b != kNone);
    QVERIFY(a != b);
    QCOMPARE(data.source(a), one);
    QCOMPARE(data.source(b), two);
    QCOMPARE(data.operation(a).eventCount, 1u);
    QCOMPARE(data.operation(b).eventCount, 2u);
    QCOMPARE(data.operation(a).status, Status::Running); // the ServiceStarted of source two is not its service's
    QCOMPARE(data.operation(b).status, Status::Finished);
    QCOMPARE(op(data, "onlyOne", two), kNone);
    QCOMPARE(data.operation(op(data, "onlyOne", one)).status, Status::Running);
}

void TestDataset::unfinished_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<bool>("unfinished");

    QTest::newRow("Queued") << ev("Queued", 10) << true;
    QTest::newRow("Running") << ev("Started", 10) << true;
    QTest::newRow("Interrupted by event") << ev("Interrupted", 10) << true;
    QTest::newRow("Interrupted by ServiceStarted") << ev("Started", 10) + serviceStarted(20) << true;
    QTest::newRow("Finished") << ev("Finished", 10) << false;
    QTest::newRow("Failed") << ev("Failed", 10) << false;
    QTest::newRow("Aborted") << ev("Aborted", 10) << false;
    QTest::newRow("Unknown") << ev("Paused", 10) << false;
    QTest::newRow("resumed") << ev("Finished", 10) + ev("Started", 20) << true;
}

void TestDataset::unfinished()
{
    QFETCH(QByteArray, log);
    QFETCH(bool, unfinished);

    Dataset data;
    load(data, log);
    QCOMPARE(data.isUnfinished(op(data, "a")), unfinished);
}

// Stale: Running longer than 3 x the 95th percentile of the finished runs of its module and name (at least five),
// or than 24 hours.
void TestDataset::stale_data()
{
    QTest::addColumn<QList<qint64>>("finished"); // durations of finished runs of ZxBackup/SmartScan, ms
    QTest::addColumn<QList<qint64>>("failed");   // durations of failed runs
    QTest::addColumn<qint64>("queuedBefore");    // each run queued this long before it started
    QTest::addColumn<qint64>("limit");

    const qint64 day = Dataset::kDefaultStaleMs;
    QTest::newRow("no runs") << QList<qint64>{} << QList<qint64>{} << qint64(0) << day;
    QTest::newRow("four runs") << QList<qint64>{1000, 1000, 1000, 1000} << QList<qint64>{} << qint64(0) << day;
    QTest::newRow("five runs") << QList<qint64>{10000, 50000, 30000, 20000, 40000} << QList<qint64>{} << qint64(0) << qint64(150000);
    QList<qint64> twenty, hundred;
    for (int i = 1; i <= 20; ++i)
        twenty << qint64(i) * 60000;
    for (int i = 100; i >= 1; --i)
        hundred << qint64(i) * 1000;
    QTest::newRow("twenty runs: the 19th") << twenty << QList<qint64>{} << qint64(0) << qint64(3 * 19 * 60000);
    QTest::newRow("a hundred runs: the 95th") << hundred << QList<qint64>{} << qint64(0) << qint64(3 * 95 * 1000);
    QTest::newRow("failed runs do not count") << QList<qint64>{1000, 1000, 1000, 1000}
                                              << QList<qint64>{5000, 5000, 5000, 5000, 5000} << qint64(0) << day;
    QTest::newRow("time queued does not count") << QList<qint64>{2000, 2000, 2000, 2000, 2000} << QList<qint64>{}
                                                << qint64(100000) << qint64(6000);
}

void TestDataset::stale()
{
    QFETCH(QList<qint64>, finished);
    QFETCH(QList<qint64>, failed);
    QFETCH(qint64, queuedBefore);
    QFETCH(qint64, limit);

    const qint64 base = 1400000000000;
    QByteArray log;
    int n = 0;
    auto run = [&](qint64 duration, const char *end) {
        const QByteArray id = "run" + QByteArray::number(n);
        const qint64 start = base + qint64(n++) * 10000000;
        if (queuedBefore)
            log += eventLine(id, "Queued", start - queuedBefore);
        log += eventLine(id, "Started", start) + eventLine(id, end, start + duration);
    };
    for (const qint64 d : finished)
        run(d, "Finished");
    for (const qint64 d : failed)
        run(d, "Failed");
    // Runs of another operation do not count for this one.
    for (int i = 0; i < 6; ++i) {
        const QByteArray id = "other" + QByteArray::number(i);
        log += eventLine(id, "Started", base, {}, "ZxBackup", "SmartScan2")
            + eventLine(id, "Finished", base + 1, {}, "ZxBackup", "SmartScan2");
    }
    const qint64 started = base + 5000000000;
    log += eventLine("now", "Queued", started - 1000) + eventLine("now", "Started", started);

    Dataset data;
    load(data, log);
    const StringPool &pool = data.events().strings();
    const uint32_t module = pool.find("ZxBackup"), name = pool.find("SmartScan");
    QCOMPARE(data.staleLimit(module, name), limit);
    QCOMPARE(data.staleLimit(module, pool.find("SmartScan2")), qint64(3));

    const uint32_t running = op(data, "now");
    QCOMPARE(data.operation(running).status, Status::Running);
    QVERIFY(!data.isStale(running, started + limit));
    QVERIFY(!data.needsAttention(running, started + limit));
    QVERIFY(data.isStale(running, started + limit + 1));
    QVERIFY(data.needsAttention(running, started + limit + 1));
    QCOMPARE(data.duration(running, started + limit), limit);
}

void TestDataset::staleOnlyWhenRunning()
{
    Dataset data;
    load(data, eventLine("q", "Queued", 0) + eventLine("f", "Started", 0) + eventLine("f", "Finished", 1)
                   + eventLine("i", "Started", 0) + eventLine("i", "Interrupted", 1) + eventLine("r", "Started", 0));
    const qint64 later = 3 * Dataset::kDefaultStaleMs;
    QVERIFY(!data.isStale(op(data, "q"), later));
    QVERIFY(!data.isStale(op(data, "f"), later));
    QVERIFY(!data.isStale(op(data, "i"), later));
    QVERIFY(data.isStale(op(data, "r"), later));
    QVERIFY(!data.needsAttention(op(data, "f"), later));
    QVERIFY(!data.needsAttention(op(data, "q"), later));
    QVERIFY(data.needsAttention(op(data, "i"), 0)); // Interrupted: attention whatever the time
}

// Restarted: an Interrupted, Failed or Aborted operation with another whose restartOf is its id.
void TestDataset::restarted_data()
{
    QTest::addColumn<QByteArray>("old");
    QTest::addColumn<bool>("restartable");

    const auto old = [](const char *type) { return eventLine("old", "Started", 10) + eventLine("old", type, 20); };
    QTest::newRow("Interrupted") << old("Interrupted") << true;
    QTest::newRow("Failed") << old("Failed") << true;
    QTest::newRow("Aborted") << old("Aborted") << true;
    QTest::newRow("Interrupted by ServiceStarted") << eventLine("old", "Started", 10) + serviceStarted(20) << true;
    QTest::newRow("Finished") << old("Finished") << false;
    QTest::newRow("Running") << eventLine("old", "Started", 10) << false;
}

void TestDataset::restarted()
{
    QFETCH(QByteArray, old);
    QFETCH(bool, restartable);

    Dataset data;
    load(data, old);
    const uint32_t o = op(data, "old");
    const Status before = data.operation(o).status;
    QVERIFY(!data.isRestarted(o));
    QCOMPARE(data.operation(o).restartedAs, kNone);
    QCOMPARE(data.needsAttention(o, 30), before == Status::Interrupted);

    const QByteArray restart = ",\"restartOf\":\"old\",\"parameters\":{\"origin\":\"Restart\"}";
    appendText(data, 0, eventLine("new", "Queued", 100, restart) + eventLine("new", "Started", 110, restart));
    const uint32_t n = op(data, "new");
    QCOMPARE(data.operation(n).restartOf, o);
    QCOMPARE(data.operation(o).restartedAs, n);
    QCOMPARE(data.isRestarted(o), restartable);
    QCOMPARE(data.operation(o).status, before); // a restart never changes the old operation
    QVERIFY(!data.needsAttention(o, 200));
    QVERIFY(!data.isRestarted(n));
    QCOMPARE(data.events().string(data.events().origin(data.operation(n).firstRow)), QStringLiteral("Restart"));

    // A later restart of the same operation is the one shown.
    appendText(data, 0, eventLine("newer", "Started", 300, restart));
    QCOMPARE(data.operation(o).restartedAs, op(data, "newer"));
    QCOMPARE(data.isRestarted(o), restartable);
}

// The restart may come first in the file, and may name an operation that is not in the data.
void TestDataset::restartListedFirst()
{
    Dataset data;
    load(data, eventLine("new", "Started", 100, ",\"restartOf\":\"old\"") + eventLine("ghost2", "Started", 100, ",\"restartOf\":\"ghost\"")
                   + eventLine("old", "Started", 10) + eventLine("old", "Failed", 20));
    const uint32_t o = op(data, "old"), n = op(data, "new");
    QVERIFY(data.isRestarted(o));
    QCOMPARE(data.operation(o).restartedAs, n);
    QCOMPARE(data.operation(n).restartOf, o);
    QVERIFY(!data.needsAttention(o, 200));

    QCOMPARE(op(data, "ghost"), kNone);
    const uint32_t target = data.operation(op(data, "ghost2")).restartOf;
    QVERIFY(target != kNone);
    QVERIFY(!data.exists(target));
    QCOMPARE(data.operation(op(data, "ghost2")).status, Status::Running);
}

// The rows of an operation in (startTime, file position) order, whatever the file order.
void TestDataset::rowsOfOrder()
{
    Dataset data;
    load(data, ev("Finished", 30)          // row 0
                   + eventLine("b", "Started", 5) // row 1
                   + ev("Started", 10)     // row 2
                   + ev("Progress", 20)    // row 3
                   + ev("Queued", 10)      // row 4: same time as row 2, after it in the file
                   + serviceStarted(15)    // row 5
                   + eventLine("b", "Finished", 40));
    const uint32_t a = op(data, "a");
    QCOMPARE(data.rowsOf(a), (std::vector<Dataset::Row>{2, 4, 3, 0}));
    QCOMPARE(data.rowsOf(op(data, "b")), (std::vector<Dataset::Row>{1, 6}));
    const Operation &o = data.operation(a);
    QCOMPARE(o.eventCount, 4u);
    QCOMPARE(o.lowestRow, 0u);
    QCOMPARE(o.firstRow, 2u);
    QCOMPARE(o.latestRow, 0u);
    QCOMPARE(o.statusRow, 0u);
    QCOMPARE(o.startedAt, qint64(10));
    QCOMPARE(o.status, Status::Finished);
    QCOMPARE(data.duration(a, 1000), qint64(20));
}

// appendBatch into an empty dataset (the first load) gives what parsing directly gives.
void TestDataset::appendBatchFirstLoad_data()
{
    QTest::addColumn<bool>("aggregated"); // the batch was aggregated where it was parsed
    QTest::newRow("aggregated batch") << true;
    QTest::newRow("batch not aggregated") << false;
}

void TestDataset::appendBatchFirstLoad()
{
    QFETCH(bool, aggregated);

    Dataset direct;
    load(direct, mixedLog());
    QCOMPARE(direct.operation(op(direct, "x")).status, Status::Interrupted);
    QCOMPARE(direct.operation(op(direct, "y")).status, Status::Running);
    QVERIFY(direct.isRestarted(op(direct, "i")));

    Dataset batch;
    parseInto(batch.events(), 0, mixedLog());
    if (aggregated)
        batch.aggregate();

    Dataset data;
    data.addSource(QStringLiteral("test"));
    data.appendBatch(std::move(batch), 0);
    QCOMPARE(data.events().sourceNames(), QStringList{QStringLiteral("test")});
    QCOMPARE(data.events().size(), direct.events().size());
    QCOMPARE(dumpEvents(data.events()), dumpEvents(direct.events()));
    QCOMPARE(describeOperations(data, 10000), describeOperations(direct, 10000));
    QCOMPARE(batch.events().size(), size_t(0));

    // And it goes on aggregating what comes after.
    appendText(data, 0, eventLine("late", "Finished", 600));
    appendText(direct, 0, eventLine("late", "Finished", 600));
    QCOMPARE(data.operation(op(data, "late")).status, Status::Finished);
    QCOMPARE(describeOperations(data, 10000), describeOperations(direct, 10000));
}

// Evidence set on the empty dataset before its first load still applies after it.
void TestDataset::appendBatchKeepsSettings()
{
    Dataset batch;
    parseInto(batch.events(), 0, eventLine("a", "Started", 1000) + eventLine("b", "Started", 3000));
    batch.aggregate();

    Dataset data;
    data.addSource(QStringLiteral("crashed"));
    data.setAssumeInterrupted(0, true);
    data.appendBatch(std::move(batch), 0);
    QCOMPARE(data.operation(op(data, "a")).status, Status::Interrupted);
    QCOMPARE(data.operation(op(data, "a")).evidence, Evidence::Assumed);

    Dataset batch2;
    parseInto(batch2.events(), 0, eventLine("a", "Started", 1000) + eventLine("b", "Started", 3000));
    batch2.aggregate();
    Dataset reported;
    reported.addSource(QStringLiteral("agent"));
    reported.setServiceStartedAt(0, 2000);
    reported.appendBatch(std::move(batch2), 0);
    QCOMPARE(reported.operation(op(reported, "a")).evidence, Evidence::AgentReport);
    QCOMPARE(reported.operation(op(reported, "b")).status, Status::Running);
}

// appendBatch into a dataset that already holds a source: the new source's operations as if parsed alone,
// the old ones untouched.
void TestDataset::appendBatchMerge()
{
    const QByteArray first = eventLine("i", "Started", 5) + eventLine("shared", "Queued", 5) + eventLine("solo", "Started", 5);
    Dataset data;
    load(data, first);
    const QStringList before = describeOperations(data);

    // Every field crosses over: strings, ids, parameters, other fields, a startTime written as text.
    const QByteArray secondLog = mixedLog() + eventLine("shared", "Finished", 7)
        + R"({"module":"ZxAdmin","name":"Report","operationId":"t","type":"Started","startTime":"450","requestedBy":"admin","parameters":{"origin":"Admin","n":[1]},"custom":{"k":true}})" "\n";
    Dataset alone;
    load(alone, secondLog);
    QStringList expected = describeOperations(alone);
    for (QString &line : expected)
        line.replace(0, 1, QStringLiteral("1")); // source index 0 there, 1 here

    Dataset batch;
    parseInto(batch.events(), 0, secondLog);
    batch.aggregate();
    const qsizetype firstRows = qsizetype(data.events().size());
    const uint16_t second = data.addSource(QStringLiteral("second"));
    QCOMPARE(second, uint16_t(1));
    data.appendBatch(std::move(batch), second);

    QStringList all = before + expected;
    all.sort();
    QCOMPARE(describeOperations(data), all);
    QCOMPARE(data.events().sourceNames(), (QStringList{QStringLiteral("test"), QStringLiteral("second")}));
    QVERIFY(op(data, "shared", 0) != op(data, "shared", 1));
    QCOMPARE(data.operation(op(data, "shared", 0)).status, Status::Queued);
    QCOMPARE(data.operation(op(data, "shared", 1)).status, Status::Finished);
    QCOMPARE(data.operation(op(data, "i", 0)).status, Status::Running); // not source 1's "i", not its ServiceStarted
    QCOMPARE(dumpEvents(data.events()).mid(firstRows), dumpEvents(alone.events()));
    QCOMPARE(positions(data.events()).mid(firstRows), positions(alone.events()));
    for (Dataset::Row r = Dataset::Row(firstRows); r < data.events().size(); ++r)
        QCOMPARE(data.events().source(r), second);
}

// A batch read later from the same source (a follow-up read) merges into it as if read in one go.
void TestDataset::appendBatchSameSource()
{
    const QByteArray head = eventLine("a", "Started", 10) + eventLine("b", "Started", 10) + eventLine("c", "Queued", 10)
        + eventLine("d", "Failed", 20) + eventLine("h", "Started", 10, ",\"host\":\"h1\"");
    const QByteArray tail = eventLine("a", "Finished", 30) + serviceStarted(40) + eventLine("c", "Started", 50)
        + eventLine("d2", "Started", 60, ",\"restartOf\":\"d\"") + serviceStarted(45, ",\"host\":\"h2\"");

    Dataset whole;
    load(whole, head + tail);
    QCOMPARE(whole.operation(op(whole, "b")).status, Status::Interrupted);
    QCOMPARE(whole.operation(op(whole, "c")).status, Status::Running);
    QCOMPARE(whole.operation(op(whole, "h")).status, Status::Interrupted);
    QVERIFY(whole.isRestarted(op(whole, "d")));

    Dataset data;
    load(data, head);
    QCOMPARE(data.operation(op(data, "b")).status, Status::Running);
    Dataset batch;
    parseInto(batch.events(), 0, tail);
    batch.aggregate();
    data.appendBatch(std::move(batch), 0);
    QCOMPARE(describeOperations(data, 100), describeOperations(whole, 100));
    QCOMPARE(dumpEvents(data.events()), dumpEvents(whole.events()));
}

// aggregate() after more rows were appended updates statuses, restarts and stale limits.
void TestDataset::aggregateMoreRows()
{
    const qint64 h = 3600 * 1000;
    QByteArray first;
    for (int i = 0; i < 4; ++i)
        first += eventLine("f" + QByteArray::number(i), "Started", i * 10 * h)
            + eventLine("f" + QByteArray::number(i), "Finished", i * 10 * h + h);
    first += eventLine("a", "Started", 100 * h) + eventLine("b", "Started", 100 * h) + eventLine("c", "Failed", 100 * h);

    Dataset data;
    load(data, first);
    const uint32_t a = op(data, "a"), b = op(data, "b"), c = op(data, "c");
    const StringPool &pool = data.events().strings();
    const uint32_t module = pool.find("ZxBackup"), name = pool.find("SmartScan");
    QCOMPARE(data.operation(a).status, Status::Running);
    QCOMPARE(data.staleLimit(module, name), Dataset::kDefaultStaleMs);
    QVERIFY(!data.isStale(a, 105 * h));

    appendText(data, 0, eventLine("a", "Finished", 101 * h) + serviceStarted(102 * h)
                            + eventLine("c2", "Started", 103 * h, ",\"restartOf\":\"c\""), 12);
    QCOMPARE(data.operation(a).status, Status::Finished);
    QCOMPARE(data.operation(a).eventCount, 2u);
    QCOMPARE(data.operation(b).status, Status::Interrupted);
    QCOMPARE(data.operation(b).evidence, Evidence::ServiceStarted);
    QCOMPARE(data.operation(c).restartedAs, op(data, "c2"));
    QVERIFY(data.isRestarted(c));
    QCOMPARE(data.events().position(Dataset::Row(data.events().size() - 1)), 14u);
    // Five finished runs of an hour now: Stale after three hours.
    QCOMPARE(data.staleLimit(module, name), 3 * h);
    const uint32_t c2 = op(data, "c2");
    QVERIFY(!data.isStale(c2, 106 * h));
    QVERIFY(data.isStale(c2, 106 * h + 1));
    // A second aggregate() with nothing new changes nothing.
    const QStringList now = describeOperations(data, 106 * h);
    data.aggregate();
    QCOMPARE(describeOperations(data, 106 * h), now);
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
