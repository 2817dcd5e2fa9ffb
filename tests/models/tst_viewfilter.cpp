// ViewFilter: filtering events and operations by each field, sorting them, and parsing --since/--until values.
#include "testoplog.h"

#include "viewfilter.h"

#include <QTest>

#include <ctime>

using namespace oplens;
using namespace testoplog;

Q_DECLARE_METATYPE(oplens::ViewFilter)

namespace {

constexpr qint64 kNow = 10000;

// Two sources; the comment is each row's label, as filterEvents() results are written below.
// Operations: one:b1 Finished, one:b2 Running, one:p1 Queued, one:p2 Failed, one:a1 Interrupted,
//             two:b1 Running, two:x9 Aborted, two:u1 Unknown.
void buildFixture(Dataset &data)
{
    const QByteArray cron = R"(,"requestedBy":"zimbra","parameters":{"origin":"Cron","target":"volume42"})";
    const QByteArray admin = R"(,"requestedBy":"admin@example.com","parameters":{"origin":"Admin"})";
    const QByteArray blobs = R"(,"requestedBy":"zimbra","parameters":{"volume":"SECONDARY"})";
    const QByteArray report = R"(,"requestedBy":"Admin@Example.com")";
    const uint16_t one = data.addSource(QStringLiteral("one"));
    const uint16_t two = data.addSource(QStringLiteral("two"));
    parseInto(data.events(), one,
              eventLine("b1", "Queued", 1000, cron)                                              // 0 one:b1:Queued
                  + eventLine("b1", "Started", 2000, cron)                                       // 1 one:b1:Started
                  + eventLine("b1", "Finished", 3000, cron)                                      // 2 one:b1:Finished
                  + eventLine("b2", "Queued", 3500, admin)                                       // 3 one:b2:Queued
                  + eventLine("b2", "Started", 4000, admin)                                      // 4 one:b2:Started
                  + eventLine("p1", "Queued", 5000, blobs, "ZxPowerstore", "MoveBlobs")          // 5 one:p1:Queued
                  + eventLine("p2", "Started", 6000, ",\"requestedBy\":\"zimbra\"", "ZxPowerstore", "MoveBlobs") // 6
                  + eventLine("p2", "Failed", 7000, ",\"error\":\"Disk Full\"", "ZxPowerstore", "MoveBlobs")      // 7
                  + eventLine("a1", "Started", 8000, report, "ZxAdmin", "DoMonthlyReportOperation")              // 8
                  + eventLine("a1", "Interrupted", 9000, report, "ZxAdmin", "DoMonthlyReportOperation")          // 9
                  + serviceStarted(500));                                                         // 10 one:-:ServiceStarted
    parseInto(data.events(), two,
              eventLine("b1", "Started", 2500)                                                    // 11 two:b1:Started
                  + eventLine("x9", "Aborted", 3500, {}, "ZxAdmin", "Cleanup")                    // 12 two:x9:Aborted
                  + eventLine("u1", "Paused", 4500, {}, "ZxAdmin", "Cleanup"));                   // 13 two:u1:Paused
    data.aggregate();
}

QList<int> asInts(const std::vector<uint32_t> &v) { return QList<int>(v.begin(), v.end()); }

QList<int> range(int from, int to)
{
    QList<int> out;
    for (int i = from; i <= to; ++i)
        out << i;
    return out;
}

ViewFilter modules(const QStringList &m) { ViewFilter f; f.modules = m; return f; }
ViewFilter names(const QStringList &n) { ViewFilter f; f.names = n; return f; }
ViewFilter statuses(uint32_t s) { ViewFilter f; f.statuses = s; return f; }
ViewFilter sources(const QStringList &s) { ViewFilter f; f.sources = s; return f; }
ViewFilter text(const QString &t, bool regex = false) { ViewFilter f; f.text = t; f.regex = regex; return f; }
ViewFilter timeRange(qint64 since, qint64 until) { ViewFilter f; f.since = since; f.until = until; return f; }

} // namespace

class TestViewFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void fixture();
    void filterEvents_data();
    void filterEvents();
    void filterOperations_data();
    void filterOperations();
    void cancelAndProgress();
    void sortEvents_data();
    void sortEvents();
    void sortOperations_data();
    void sortOperations();
    void statusFlagFromName_data();
    void statusFlagFromName();
    void parseTimeArgument_data();
    void parseTimeArgument();

private:
    Dataset m_data;
};

void TestViewFilter::initTestCase()
{
    // Local time three hours ahead of UTC, so that "local time when no zone is given" is visible.
    qputenv("TZ", "OPL-3");
    tzset();
    buildFixture(m_data);
}

void TestViewFilter::init()
{
    // An invalid regular expression is no match, quietly: not a warning per string.
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
}

// The fixture is what the expectations below assume.
void TestViewFilter::fixture()
{
    QCOMPARE(m_data.events().size(), size_t(14));
    QStringList statuses;
    for (uint32_t op = 0; op < m_data.operationCount(); ++op)
        statuses << m_data.events().sourceName(m_data.source(op)) + u':' + m_data.events().ids().qtext(op) + u' '
                + statusName(m_data.operation(op).status);
    QCOMPARE(statuses, (QStringList{QStringLiteral("one:b1 Finished"), QStringLiteral("one:b2 Running"),
                                    QStringLiteral("one:p1 Queued"), QStringLiteral("one:p2 Failed"),
                                    QStringLiteral("one:a1 Interrupted"), QStringLiteral("two:b1 Running"),
                                    QStringLiteral("two:x9 Aborted"), QStringLiteral("two:u1 Unknown")}));
}

void TestViewFilter::filterEvents_data()
{
    QTest::addColumn<ViewFilter>("filter");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QList<int>>("rows");

    const qint64 staleNow = Dataset::kDefaultStaleMs + 3000; // two:b1 (since 2500) is Stale, one:b2 (4000) not yet
    QTest::newRow("no filter") << ViewFilter() << kNow << range(0, 13);

    QTest::newRow("module") << modules({QStringLiteral("ZxPowerstore")}) << kNow << QList<int>{5, 6, 7};
    QTest::newRow("two modules") << modules({QStringLiteral("ZxPowerstore"), QStringLiteral("ZxAdmin")}) << kNow
                                 << QList<int>{5, 6, 7, 8, 9, 12, 13};
    QTest::newRow("unknown module") << modules({QStringLiteral("Nope")}) << kNow << QList<int>{};
    QTest::newRow("module is exact") << modules({QStringLiteral("zxbackup")}) << kNow << QList<int>{};
    QTest::newRow("name") << names({QStringLiteral("SmartScan")}) << kNow << QList<int>{0, 1, 2, 3, 4, 11};
    QTest::newRow("name of the ServiceStarted") << names({QStringLiteral("ServiceStarted")}) << kNow << QList<int>{10};
    ViewFilter moduleAndName = modules({QStringLiteral("ZxAdmin")});
    moduleAndName.names = QStringList{QStringLiteral("Cleanup")};
    QTest::newRow("module and name") << moduleAndName << kNow << QList<int>{12, 13};

    // A status filter keeps every event of the operations that have the status, and no ServiceStarted.
    QTest::newRow("Running") << statuses(StatusRunning) << kNow << QList<int>{3, 4, 11};
    QTest::newRow("Queued") << statuses(StatusQueued) << kNow << QList<int>{5};
    QTest::newRow("Finished or Failed") << statuses(StatusFinished | StatusFailed) << kNow << QList<int>{0, 1, 2, 6, 7};
    QTest::newRow("Interrupted") << statuses(StatusInterrupted) << kNow << QList<int>{8, 9};
    QTest::newRow("Aborted") << statuses(StatusAborted) << kNow << QList<int>{12};
    QTest::newRow("Unknown") << statuses(StatusUnknown) << kNow << QList<int>{13};
    QTest::newRow("Unfinished") << statuses(StatusUnfinished) << kNow << QList<int>{3, 4, 5, 8, 9, 11};
    QTest::newRow("Stale") << statuses(StatusStale) << staleNow << QList<int>{11};
    QTest::newRow("Stale, nothing yet") << statuses(StatusStale) << kNow << QList<int>{};
    QTest::newRow("Stale or Failed") << statuses(StatusStale | StatusFailed) << staleNow << QList<int>{6, 7, 11};
    QTest::newRow("every status") << statuses(0x7F) << kNow << QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13};

    // Time bounds are inclusive.
    QTest::newRow("since") << timeRange(3000, kNoTime) << kNow << QList<int>{2, 3, 4, 5, 6, 7, 8, 9, 12, 13};
    QTest::newRow("until") << timeRange(kNoTime, 3000) << kNow << QList<int>{0, 1, 2, 10, 11};
    QTest::newRow("since and until") << timeRange(3000, 3500) << kNow << QList<int>{2, 3, 12};
    QTest::newRow("one instant") << timeRange(3500, 3500) << kNow << QList<int>{3, 12};
    QTest::newRow("empty range") << timeRange(3501, 3999) << kNow << QList<int>{};

    // Text: case-insensitive, over module, name, operationId, requestedBy and parameters.
    QTest::newRow("text in name") << text(QStringLiteral("SMARTscan")) << kNow << QList<int>{0, 1, 2, 3, 4, 11};
    QTest::newRow("text in module") << text(QStringLiteral("powerSTORE")) << kNow << QList<int>{5, 6, 7};
    QTest::newRow("text in requestedBy") << text(QStringLiteral("example.COM")) << kNow << QList<int>{3, 4, 8, 9};
    QTest::newRow("text in parameters") << text(QStringLiteral("Volume42")) << kNow << QList<int>{0, 1, 2};
    QTest::newRow("text in a parameter value") << text(QStringLiteral("secondary")) << kNow << QList<int>{5};
    QTest::newRow("text in a parameter key") << text(QStringLiteral("ORIGIN")) << kNow << QList<int>{0, 1, 2, 3, 4};
    QTest::newRow("text in operationId") << text(QStringLiteral("B1")) << kNow << QList<int>{0, 1, 2, 11};
    QTest::newRow("text nowhere") << text(QStringLiteral("zzz")) << kNow << QList<int>{};

    // Regular expressions, case-insensitive too.
    QTest::newRow("regex on name") << text(QStringLiteral("^smart"), true) << kNow << QList<int>{0, 1, 2, 3, 4, 11};
    QTest::newRow("regex on id") << text(QStringLiteral("^[bx][19]$"), true) << kNow << QList<int>{0, 1, 2, 11, 12};
    QTest::newRow("regex on parameters") << text(QStringLiteral("VOLUME\\d+"), true) << kNow << QList<int>{0, 1, 2};
    QTest::newRow("regex alternatives") << text(QStringLiteral("^(MoveBlobs|Cleanup)$"), true) << kNow << QList<int>{5, 6, 7, 12, 13};
    QTest::newRow("invalid regex") << text(QStringLiteral("(unclosed"), true) << kNow << QList<int>{};
    QTest::newRow("regex characters taken literally") << text(QStringLiteral("^smart")) << kNow << QList<int>{};

    QTest::newRow("source two") << sources({QStringLiteral("two")}) << kNow << QList<int>{11, 12, 13};
    QTest::newRow("both sources") << sources({QStringLiteral("two"), QStringLiteral("one")}) << kNow << range(0, 13);
    QTest::newRow("unknown source") << sources({QStringLiteral("three")}) << kNow << QList<int>{};

    ViewFilter all = modules({QStringLiteral("ZxBackup")});
    all.statuses = StatusRunning;
    all.sources = QStringList{QStringLiteral("one")};
    all.text = QStringLiteral("admin");
    all.since = 3600;
    QTest::newRow("every field at once") << all << kNow << QList<int>{4};
}

void TestViewFilter::filterEvents()
{
    QFETCH(ViewFilter, filter);
    QFETCH(qint64, now);
    QFETCH(QList<int>, rows);

    QCOMPARE(asInts(oplens::filterEvents(m_data, filter, now)), rows);
}

void TestViewFilter::filterOperations_data()
{
    QTest::addColumn<ViewFilter>("filter");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QList<int>>("ops"); // one:b1 0, one:b2 1, one:p1 2, one:p2 3, one:a1 4, two:b1 5, two:x9 6, two:u1 7

    QTest::newRow("no filter") << ViewFilter() << kNow << range(0, 7);
    QTest::newRow("module") << modules({QStringLiteral("ZxPowerstore")}) << kNow << QList<int>{2, 3};
    QTest::newRow("name") << names({QStringLiteral("DoMonthlyReportOperation")}) << kNow << QList<int>{4};
    QTest::newRow("Running") << statuses(StatusRunning) << kNow << QList<int>{1, 5};
    QTest::newRow("Unfinished") << statuses(StatusUnfinished) << kNow << QList<int>{1, 2, 4, 5};
    QTest::newRow("Stale") << statuses(StatusStale) << qint64(Dataset::kDefaultStaleMs + 3000) << QList<int>{5};
    QTest::newRow("Stale, both") << statuses(StatusStale) << qint64(Dataset::kDefaultStaleMs + 4001) << QList<int>{1, 5};
    QTest::newRow("Unknown") << statuses(StatusUnknown) << kNow << QList<int>{7};
    // An operation passes a time range it overlaps: from its first event to its end (now while it runs).
    QTest::newRow("since") << timeRange(7500, kNoTime) << kNow << QList<int>{1, 2, 4, 5};
    QTest::newRow("since, earlier now") << timeRange(7500, kNoTime) << qint64(7000) << QList<int>{4};
    QTest::newRow("until") << timeRange(kNoTime, 3000) << kNow << QList<int>{0, 5};
    QTest::newRow("one instant, at an end") << timeRange(3000, 3000) << kNow << QList<int>{0, 5};
    QTest::newRow("one instant, at a start") << timeRange(3500, 3500) << kNow << QList<int>{1, 5, 6};
    QTest::newRow("text in one event's parameters") << text(QStringLiteral("VOLUME42")) << kNow << QList<int>{0};
    QTest::newRow("text in requestedBy") << text(QStringLiteral("example.com")) << kNow << QList<int>{1, 4};
    QTest::newRow("text in id") << text(QStringLiteral("b1")) << kNow << QList<int>{0, 5};
    QTest::newRow("regex") << text(QStringLiteral("^move"), true) << kNow << QList<int>{2, 3};
    QTest::newRow("invalid regex") << text(QStringLiteral("[a-"), true) << kNow << QList<int>{};
    QTest::newRow("source") << sources({QStringLiteral("two")}) << kNow << QList<int>{5, 6, 7};
    ViewFilter mixed = sources({QStringLiteral("one")});
    mixed.statuses = StatusUnfinished;
    mixed.text = QStringLiteral("zimbra");
    QTest::newRow("source, status and text") << mixed << kNow << QList<int>{2};
}

void TestViewFilter::filterOperations()
{
    QFETCH(ViewFilter, filter);
    QFETCH(qint64, now);
    QFETCH(QList<int>, ops);

    QCOMPARE(asInts(oplens::filterOperations(m_data, filter, now)), ops);
}

void TestViewFilter::cancelAndProgress()
{
    QList<int> percents;
    const Progress progress = [&](int p) { percents << p; };
    QCOMPARE(oplens::filterEvents(m_data, ViewFilter(), kNow, nullptr, progress).size(), size_t(14));
    QVERIFY(!percents.isEmpty());
    QCOMPARE(percents.last(), 100);

    percents.clear();
    QCOMPARE(oplens::filterOperations(m_data, text(QStringLiteral("volume")), kNow, nullptr, progress).size(), size_t(2));
    QVERIFY(!percents.isEmpty());
    QVERIFY(std::is_sorted(percents.begin(), percents.end()));
    QCOMPARE(percents.last(), 100);

    const CancelFlag cancelled{true};
    QVERIFY(oplens::filterEvents(m_data, ViewFilter(), kNow, &cancelled).empty());
    QVERIFY(oplens::filterOperations(m_data, ViewFilter(), kNow, &cancelled).empty());
}

void TestViewFilter::sortEvents_data()
{
    QTest::addColumn<QList<int>>("rows");
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<QList<int>>("sorted");

    const QList<int> all = range(0, 13);
    const QList<int> byTime{10, 0, 1, 11, 2, 3, 12, 4, 13, 5, 6, 7, 8, 9};
    QList<int> byTimeDescending(byTime.rbegin(), byTime.rend());
    QTest::newRow("time") << all << int(EventColumn::Time) << false << byTime;
    QTest::newRow("time, descending") << all << int(EventColumn::Time) << true << byTimeDescending;
    QTest::newRow("time, from any order") << QList<int>{9, 3, 12, 0} << int(EventColumn::Time) << false << QList<int>{0, 3, 12, 9};
    // Equal keys in (startTime, row) order.
    QTest::newRow("module") << all << int(EventColumn::Module) << false << QList<int>{12, 13, 8, 9, 10, 0, 1, 11, 2, 3, 4, 5, 6, 7};
    QTest::newRow("module, descending") << QList<int>{12, 0, 5} << int(EventColumn::Module) << true << QList<int>{5, 0, 12};
    QTest::newRow("type") << all << int(EventColumn::Type) << false << QList<int>{12, 7, 2, 9, 13, 0, 3, 5, 10, 1, 11, 4, 6, 8};
    QTest::newRow("type, descending") << QList<int>{12, 7, 2, 9, 13, 10} << int(EventColumn::Type) << true << QList<int>{10, 13, 9, 2, 7, 12};
    QTest::newRow("name") << QList<int>{13, 8, 5, 0, 10} << int(EventColumn::Name) << false << QList<int>{13, 8, 5, 10, 0};
    QTest::newRow("operationId") << all << int(EventColumn::OperationId) << false << QList<int>{10, 8, 9, 0, 1, 11, 2, 3, 4, 5, 6, 7, 13, 12};
    QTest::newRow("operationId, descending") << QList<int>{10, 8, 0, 3} << int(EventColumn::OperationId) << true << QList<int>{3, 0, 8, 10};
    QTest::newRow("source") << all << int(EventColumn::Source) << false << QList<int>{10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13};
    QTest::newRow("source, descending") << QList<int>{0, 11} << int(EventColumn::Source) << true << QList<int>{11, 0};
    QTest::newRow("requestedBy") << QList<int>{5, 3, 12} << int(EventColumn::RequestedBy) << false << QList<int>{12, 3, 5};
}

void TestViewFilter::sortEvents()
{
    QFETCH(QList<int>, rows);
    QFETCH(int, column);
    QFETCH(bool, descending);
    QFETCH(QList<int>, sorted);

    std::vector<uint32_t> v(rows.begin(), rows.end());
    oplens::sortEvents(m_data, v, EventColumn(column), descending);
    QCOMPARE(asInts(v), sorted);
}

void TestViewFilter::sortOperations_data()
{
    QTest::addColumn<QList<int>>("ops");
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<QList<int>>("sorted");

    // At kNow: one:b1 Finished 2000-3000 (3 events), one:b2 Running from 4000 (2), one:p1 Queued from 5000 (1),
    // one:p2 Failed 6000-7000 (2), one:a1 Interrupted 8000-9000 (2), two:b1 Running from 2500 (1),
    // two:x9 Aborted at 3500 (1), two:u1 Unknown at 4500 (1).
    const QList<int> all = range(0, 7);
    QTest::newRow("started") << all << int(OperationColumn::Started) << false << QList<int>{0, 5, 6, 1, 7, 2, 3, 4};
    QTest::newRow("started, descending") << all << int(OperationColumn::Started) << true << QList<int>{4, 3, 2, 7, 1, 6, 5, 0};
    // By what needs the admin first (Interrupted, Failed, Aborted, Running, Queued, Finished, Unknown); equal keys by start.
    QTest::newRow("status") << all << int(OperationColumn::Status) << false << QList<int>{4, 3, 6, 5, 1, 2, 0, 7};
    QTest::newRow("status, descending") << QList<int>{0, 2, 3, 6, 7} << int(OperationColumn::Status) << true << QList<int>{7, 0, 2, 6, 3};
    QTest::newRow("ended") << all << int(OperationColumn::Ended) << false << QList<int>{5, 1, 7, 2, 0, 6, 3, 4};
    QTest::newRow("duration") << all << int(OperationColumn::Duration) << false << QList<int>{7, 6, 0, 3, 4, 2, 1, 5};
    QTest::newRow("duration, descending") << QList<int>{6, 2, 1, 5, 7} << int(OperationColumn::Duration) << true << QList<int>{5, 1, 2, 6, 7};
    QTest::newRow("module") << all << int(OperationColumn::Module) << false << QList<int>{6, 7, 4, 0, 5, 1, 2, 3};
    QTest::newRow("operationId") << all << int(OperationColumn::OperationId) << false << QList<int>{4, 0, 5, 1, 2, 3, 7, 6};
    QTest::newRow("operationId, descending") << QList<int>{4, 1, 2, 6} << int(OperationColumn::OperationId) << true << QList<int>{6, 2, 1, 4};
    QTest::newRow("events") << all << int(OperationColumn::Events) << false << QList<int>{5, 6, 7, 2, 1, 3, 4, 0};
    QTest::newRow("events, descending") << QList<int>{2, 0, 1} << int(OperationColumn::Events) << true << QList<int>{0, 1, 2};
    QTest::newRow("origin") << all << int(OperationColumn::Origin) << false << QList<int>{5, 6, 7, 2, 3, 4, 1, 0};
    QTest::newRow("source") << all << int(OperationColumn::Source) << false << QList<int>{0, 1, 2, 3, 4, 5, 6, 7};
    QTest::newRow("source, descending") << QList<int>{0, 7} << int(OperationColumn::Source) << true << QList<int>{7, 0};
}

void TestViewFilter::sortOperations()
{
    QFETCH(QList<int>, ops);
    QFETCH(int, column);
    QFETCH(bool, descending);
    QFETCH(QList<int>, sorted);

    std::vector<uint32_t> v(ops.begin(), ops.end());
    oplens::sortOperations(m_data, v, OperationColumn(column), descending, kNow);
    QCOMPARE(asInts(v), sorted);
}

void TestViewFilter::statusFlagFromName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<uint>("flag");

    QTest::newRow("Queued") << QStringLiteral("Queued") << uint(StatusQueued);
    QTest::newRow("running") << QStringLiteral("running") << uint(StatusRunning);
    QTest::newRow("FINISHED") << QStringLiteral("FINISHED") << uint(StatusFinished);
    QTest::newRow("Failed") << QStringLiteral("Failed") << uint(StatusFailed);
    QTest::newRow("Aborted") << QStringLiteral("Aborted") << uint(StatusAborted);
    QTest::newRow("Interrupted") << QStringLiteral("Interrupted") << uint(StatusInterrupted);
    QTest::newRow("unfinished") << QStringLiteral("unfinished") << uint(StatusUnfinished);
    QTest::newRow("Stale") << QStringLiteral("Stale") << uint(StatusStale);
    QTest::newRow("Unknown is no choice") << QStringLiteral("Unknown") << 0u;
    QTest::newRow("Started is an event type") << QStringLiteral("Started") << 0u;
    QTest::newRow("empty") << QString() << 0u;
}

void TestViewFilter::statusFlagFromName()
{
    QFETCH(QString, name);
    QFETCH(uint, flag);
    QCOMPARE(uint(oplens::statusFlagFromName(name)), flag);
    if (flag)
        QVERIFY(statusFlagNames().contains(name, Qt::CaseInsensitive));
}

void TestViewFilter::parseTimeArgument_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("epochMs");

    QTest::newRow("epoch ms") << QStringLiteral("1400011200049") << true << qint64(1400011200049);
    QTest::newRow("epoch ms, spaced") << QStringLiteral(" 1400011200049 ") << true << qint64(1400011200049);
    QTest::newRow("zero") << QStringLiteral("0") << true << qint64(0);
    QTest::newRow("before 1970") << QStringLiteral("-1000") << true << qint64(-1000);
    QTest::newRow("date, local midnight") << QStringLiteral("2014-05-13") << true << qint64(1399928400000);
    QTest::newRow("datetime Z") << QStringLiteral("2014-05-13T22:00:00Z") << true << qint64(1400018400000);
    QTest::newRow("datetime with ms Z") << QStringLiteral("2014-05-13T22:00:00.049Z") << true << qint64(1400018400049);
    QTest::newRow("datetime +02:00") << QStringLiteral("2014-05-13T22:00:00+02:00") << true << qint64(1400011200000);
    QTest::newRow("datetime -05:30") << QStringLiteral("2014-05-13T22:00:00-05:30") << true << qint64(1400038200000);
    QTest::newRow("datetime, local") << QStringLiteral("2014-05-13T22:00:00") << true << qint64(1400007600000);
    QTest::newRow("word") << QStringLiteral("yesterday") << false << qint64(0);
    QTest::newRow("empty") << QString() << false << qint64(0);
    QTest::newRow("digits and letters") << QStringLiteral("12a") << false << qint64(0);
    QTest::newRow("no such date") << QStringLiteral("2014-13-45") << false << qint64(0);
    QTest::newRow("no such hour") << QStringLiteral("2014-05-13T25:00:00Z") << false << qint64(0);
    QTest::newRow("date and garbage") << QStringLiteral("2014-05-13garbage") << false << qint64(0);
    QTest::newRow("date and T") << QStringLiteral("2014-05-13T") << false << qint64(0);
    QTest::newRow("short date") << QStringLiteral("2014-5-13") << false << qint64(0);
    QTest::newRow("the suite's layout") << QStringLiteral("13/05/2014 22:00:00") << false << qint64(0);
}

void TestViewFilter::parseTimeArgument()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, epochMs);

    const std::optional<int64_t> parsed = oplens::parseTimeArgument(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(*parsed, epochMs);
}

QTEST_GUILESS_MAIN(TestViewFilter)
#include "tst_viewfilter.moc"
