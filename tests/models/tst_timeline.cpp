// The timeline's model: lanes and sub-rows (TimelineLayout), density per column (binTimeline), the axis' ticks.
#include "testoplog.h"
#include "timelineaxis.h"
#include "timelinedensity.h"
#include "timelinelayout.h"
#include "timelinepainter.h"

#include <QRandomGenerator>
#include <QTest>

using namespace oplens;
using testoplog::Event;

namespace {

constexpr qint64 T0 = 1700000000000; // ms; the runs below are in seconds after it
constexpr qint64 kNow = T0 + 10000 * 1000;

constexpr qint64 kOpen = std::numeric_limits<qint64>::min(); // a run without an end

// A run of one operation on one server, in seconds after T0: "Started" at `start`, then `endType` at `end` (none when
// `end` is kOpen).
struct Run {
    int server = 0;
    QByteArray id;
    qint64 start = 0, end = kOpen;
    QByteArray endType = "Finished";
};

QByteArray oplogOf(const QList<Run> &runs, int server, const QList<qint64> &serviceStarts = {})
{
    QByteArray text;
    for (const Run &r : runs) {
        if (r.server != server)
            continue;
        const QByteArray host = ",\"host\":\"mail" + QByteArray::number(server + 1) + ".example.com\"";
        text += Event(r.id, "Started", T0 + r.start * 1000).raw(host).line();
        if (r.end != kOpen)
            text += Event(r.id, r.endType, T0 + r.end * 1000).raw(host).line();
    }
    for (const qint64 s : serviceStarts)
        text += testoplog::serviceStarted(T0 + s * 1000);
    return text;
}

// One source per server (0 .. servers-1), every operation shown.
std::shared_ptr<Dataset> datasetOf(const QList<Run> &runs, int servers, const QList<qint64> &serviceStarts = {})
{
    auto data = std::make_shared<Dataset>();
    for (int s = 0; s < servers; ++s) {
        const uint16_t source = data->addSource(QStringLiteral("/var/log/server%1/oplog.jsonl").arg(s + 1));
        testoplog::parseInto(data->events(), source, oplogOf(runs, s, s == 0 ? serviceStarts : QList<qint64>{}));
    }
    data->aggregate();
    return data;
}

std::vector<uint32_t> everyOperation(const Dataset &data)
{
    std::vector<uint32_t> ops;
    for (uint32_t op = 0; op < data.operationCount(); ++op)
        if (data.exists(op))
            ops.push_back(op);
    return ops;
}

const TimelineBar &barOfId(const TimelineLayout &layout, const Dataset &data, const char *id, uint16_t source = 0)
{
    const uint32_t bar = layout.barOf(data.findOperation(source, id));
    if (bar == kNone)
        qFatal("no bar for %s", id);
    return layout.bars()[bar];
}

// What holds for every layout: each operation once; bars of one sub-row do not overlap (unless its lane is full);
// barsIn() finds exactly the bars that overlap a range, countVisible() counts them.
void checkInvariants(const TimelineLayout &layout, const std::vector<uint32_t> &ops)
{
    QCOMPARE(layout.bars().size(), ops.size());
    for (const uint32_t op : ops)
        QVERIFY(layout.barOf(op) != kNone && layout.bars()[layout.barOf(op)].op == op);
    for (const TimelineLane &lane : layout.lanes()) {
        const bool full = lane.subRows == TimelineLayout::kMaxSubRows;
        for (uint32_t row = lane.firstRow; row < lane.firstRow + lane.subRows && !full; ++row) {
            std::vector<uint32_t> all;
            layout.barsIn(row, -TimelineLayout::kTimeLimit, TimelineLayout::kTimeLimit + 1, all);
            for (size_t i = 1; i < all.size(); ++i) {
                const TimelineBar &a = layout.bars()[all[i - 1]], &b = layout.bars()[all[i]];
                QVERIFY2(std::max(a.end, a.start + 1) <= b.start, "two bars of one sub-row overlap");
            }
        }
    }
    QRandomGenerator random(7);
    for (int trial = 0; trial < 50 && layout.first() != kNoTime; ++trial) {
        const int64_t span = std::max<int64_t>(layout.last() - layout.first(), 1);
        const int64_t from = layout.first() + qint64(random.bounded(qint64(span))) - span / 4;
        const int64_t to = from + qint64(random.bounded(qint64(span / 2 + 1))) + 1;
        std::vector<uint32_t> found, expected;
        for (uint32_t row = 0; row < layout.rowCount(); ++row)
            layout.barsIn(row, from, to, found);
        for (uint32_t i = 0; i < layout.bars().size(); ++i)
            if (layout.bars()[i].end >= from && layout.bars()[i].start < to)
                expected.push_back(i);
        std::sort(found.begin(), found.end());
        QCOMPARE(found, expected);
        QCOMPARE(layout.countVisible(from, to), expected.size());
    }
}

} // namespace

class TimelineTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void packsIntoSubRows_data();
    void packsIntoSubRows();
    void endsAtNowOrAtTheEvidence();
    void queuedWaitIsPartOfTheBar();
    void fitAllShowsNowOnlyWhenNear();
    void lanesPerServerWithLabels();
    void aFileOfSeveralServersHasALaneEach();
    void overflowSharesTheRowThatFreesFirst();
    void shortRunsOverLongOnesInAFullLane();
    void restartIsLinked();
    void markersSayWhichStart();
    void filterDecidesTheLanes();
    void densityCountsEachColumnABarTouches_data();
    void densityCountsEachColumnABarTouches();
    void densityMatchesCountingByHand();
    void extremeTimesStayInRange();
    void axisStepsFollowTheZoom_data();
    void axisStepsFollowTheZoom();
};

Q_DECLARE_METATYPE(QList<Run>)

void TimelineTest::packsIntoSubRows_data()
{
    QTest::addColumn<QList<Run>>("runs");
    QTest::addColumn<QList<int>>("subRows"); // of each run, in order
    QTest::newRow("one after another share a row") << QList<Run>{{0, "a", 0, 10}, {0, "b", 10, 20}, {0, "c", 30, 40}}
                                                   << QList<int>{0, 0, 0};
    QTest::newRow("overlapping runs get rows of their own")
        << QList<Run>{{0, "a", 0, 100}, {0, "b", 10, 20}, {0, "c", 15, 30}, {0, "d", 25, 50}}
        << QList<int>{0, 1, 2, 1};
    QTest::newRow("the lowest free row is taken again")
        << QList<Run>{{0, "a", 0, 50}, {0, "b", 0, 10}, {0, "c", 0, 100}, {0, "d", 60, 70}, {0, "e", 20, 30}}
        << QList<int>{1, 2, 0, 1, 2};
    QTest::newRow("zero-length runs at one time do not overlap")
        << QList<Run>{{0, "a", 5, 5}, {0, "b", 5, 5}, {0, "c", 6, 6}} << QList<int>{0, 1, 0};
    QTest::newRow("runs without an end hold their row until now")
        << QList<Run>{{0, "a", 0, kOpen}, {0, "b", 10, 20}, {0, "c", 9000, 9001}} << QList<int>{0, 1, 1};
    QTest::newRow("far outside any range") << QList<Run>{{0, "a", -900000000, -899999990}, {0, "b", 900000000, 900000010}}
                                           << QList<int>{0, 0};
}

void TimelineTest::packsIntoSubRows()
{
    QFETCH(QList<Run>, runs);
    QFETCH(QList<int>, subRows);
    const auto data = datasetOf(runs, 1);
    const auto ops = everyOperation(*data);
    const TimelineLayout layout = TimelineLayout::build(*data, ops, kNow);
    checkInvariants(layout, ops);
    QCOMPARE(layout.lanes().size(), size_t(1));
    QCOMPARE(int(layout.lanes()[0].subRows), *std::max_element(subRows.begin(), subRows.end()) + 1);
    for (qsizetype i = 0; i < runs.size(); ++i)
        QCOMPARE(int(barOfId(layout, *data, runs[i].id.constData()).subRow), subRows[i]);
}

void TimelineTest::endsAtNowOrAtTheEvidence()
{
    const auto data = datasetOf({{0, "done", 0, 100}, {0, "running", 200, kOpen}, {0, "cut", 300, kOpen}, {0, "failed", 50, 60, "Failed"}},
                                1, {500});
    const TimelineLayout layout = TimelineLayout::build(*data, everyOperation(*data), kNow);
    const TimelineBar &done = barOfId(layout, *data, "done");
    QCOMPARE(done.end, T0 + 100 * 1000);
    QVERIFY(!done.open && !done.cutShort);
    // Started before the service started again at 500 s: Interrupted there, with the red mark.
    const TimelineBar &cut = barOfId(layout, *data, "cut");
    QCOMPARE(cut.status, Status::Interrupted);
    QVERIFY(cut.cutShort);
    QCOMPARE(cut.end, T0 + 500 * 1000);
    QCOMPARE(barOfId(layout, *data, "failed").status, Status::Failed);
    // The marker of that start, in the lane, labelled by its service.
    QCOMPARE(layout.markers().size(), size_t(1));
    QCOMPARE(layout.markers()[0].time, T0 + 500 * 1000);
    QCOMPARE(layout.markers()[0].label, QStringLiteral("ZxBackup started"));
    // Running after the service start: it runs on, to now.
    const auto data2 = datasetOf({{0, "running", 200, kOpen}}, 1);
    const TimelineLayout layout2 = TimelineLayout::build(*data2, everyOperation(*data2), kNow);
    const TimelineBar &running = barOfId(layout2, *data2, "running");
    QVERIFY(running.open);
    QCOMPARE(running.end, kNow);
    QCOMPARE(layout2.last(), kNow);
}

// A bar covers what the filters' time range overlaps (Dataset::span): from the Queued event, with the wait drawn apart.
void TimelineTest::queuedWaitIsPartOfTheBar()
{
    Dataset data;
    testoplog::load(data, Event("q", "Queued", T0).line() + Event("q", "Started", T0 + 30000).line()
                              + Event("q", "Finished", T0 + 60000).line() + Event("direct", "Started", T0).line());
    const TimelineLayout layout = TimelineLayout::build(data, everyOperation(data), kNow);
    const TimelineBar &queued = barOfId(layout, data, "q");
    QCOMPARE(queued.start, T0);
    QCOMPARE(queued.startedAt, T0 + 30000);
    QCOMPARE(queued.end, T0 + 60000);
    QCOMPARE(std::pair(queued.start, queued.end), data.span(queued.op, kNow));
    const TimelineBar &direct = barOfId(layout, data, "direct");
    QCOMPARE(direct.startedAt, direct.start); // no wait
    QCOMPARE(direct.end, kNow);
}

// A run still going is drawn to now, but fit all shows now only when it is near what the log holds: an old log with a
// run that never ended is not squashed into a few pixels of three years.
void TimelineTest::fitAllShowsNowOnlyWhenNear()
{
    // A run in 1970 (a startTime in seconds) beside believable ones is left out of fit all, not out of the picture.
    const qint64 inSeconds = (1700000000 - T0) / 1000; // startTime 1700000000: January 1970 read as milliseconds
    const auto seconds = datasetOf({{0, "ok", 0, 100}, {0, "in-seconds", inSeconds, inSeconds + 100}}, 1);
    const TimelineLayout mixed = TimelineLayout::build(*seconds, everyOperation(*seconds), kNow);
    QCOMPARE(mixed.fitFirst(), T0);
    QCOMPARE(mixed.first(), qint64(1700000000));
    QVERIFY(mixed.first() < mixed.fitFirst());

    const auto data = datasetOf({{0, "done", 0, 100}, {0, "running", 200, kOpen}}, 1);
    const qint64 threeYears = 3LL * 365 * 24 * 3600 * 1000;
    const TimelineLayout old = TimelineLayout::build(*data, everyOperation(*data), T0 + threeYears);
    QCOMPARE(barOfId(old, *data, "running").end, T0 + threeYears); // drawn to now
    QCOMPARE(old.fitFirst(), T0);
    QCOMPARE(old.fitLast(), T0 + 200 * 1000);
    const TimelineLayout live = TimelineLayout::build(*data, everyOperation(*data), T0 + 600 * 1000);
    QCOMPARE(live.fitLast(), T0 + 600 * 1000); // ten minutes on: now is in the picture
}

void TimelineTest::lanesPerServerWithLabels()
{
    QList<Run> runs;
    for (int server = 0; server < 5; ++server)
        for (int i = 0; i < 3; ++i)
            runs.append({server, QByteArray("s") + QByteArray::number(server) + '-' + QByteArray::number(i), i * 100, i * 100 + 150});
    const auto data = datasetOf(runs, 5);
    const auto ops = everyOperation(*data);
    const TimelineLayout layout = TimelineLayout::build(*data, ops, kNow);
    checkInvariants(layout, ops);
    QCOMPARE(layout.lanes().size(), size_t(5));
    uint32_t firstRow = 0;
    for (uint16_t lane = 0; lane < 5; ++lane) {
        QCOMPARE(layout.lanes()[lane].source, lane);
        QCOMPARE(layout.lanes()[lane].label, QStringLiteral("mail%1.example.com").arg(lane + 1));
        QCOMPARE(int(layout.lanes()[lane].subRows), 2); // each run overlaps the next one by 50 s
        QCOMPARE(layout.lanes()[lane].firstRow, firstRow);
        firstRow += layout.lanes()[lane].subRows;
    }
    QCOMPARE(layout.rowCount(), firstRow);
    QCOMPARE(barOfId(layout, *data, "s3-1", 3).lane, uint16_t(3));
}

// One oplog that several servers write to (their events name their hosts): a lane per host, each with the starts of
// its own service, and those that name no host in every lane of the file; operations that name no host in a lane of
// the file's name.
void TimelineTest::aFileOfSeveralServersHasALaneEach()
{
    QByteArray text;
    for (const QByteArray host : {"srv2", "srv0", "srv1"})
        text += Event("op-" + host, "Started", T0).raw(",\"host\":\"" + host + "\"").line();
    text += Event("no-host", "Started", T0).line();
    text += testoplog::serviceStarted(T0 + 1000, ",\"host\":\"srv1\"");
    text += testoplog::serviceStarted(T0 + 2000);
    Dataset data;
    const uint16_t source = data.addSource(QStringLiteral("/var/log/shared/oplog.jsonl"));
    testoplog::parseInto(data.events(), source, text);
    data.aggregate();
    const TimelineLayout layout = TimelineLayout::build(data, everyOperation(data), kNow);
    QStringList labels;
    for (const TimelineLane &lane : layout.lanes())
        labels << lane.label;
    QCOMPARE(labels, (QStringList{QStringLiteral("oplog.jsonl"), QStringLiteral("srv0"), QStringLiteral("srv1"), QStringLiteral("srv2")}));
    QStringList markers;
    for (const TimelineMarker &m : layout.markers())
        markers << QStringLiteral("%1@%2").arg(layout.lanes()[m.lane].label).arg((m.time - T0) / 1000);
    markers.sort();
    QCOMPARE(markers, (QStringList{QStringLiteral("oplog.jsonl@2"), QStringLiteral("srv0@2"), QStringLiteral("srv1@1"),
                                   QStringLiteral("srv1@2"), QStringLiteral("srv2@2")}));
    // Each cut short by its own service's start: srv1's at 1 s, the others' at 2 s.
    QCOMPARE(barOfId(layout, data, "op-srv1").end, T0 + 1000);
    QCOMPARE(barOfId(layout, data, "op-srv0").end, T0 + 2000);
}

void TimelineTest::overflowSharesTheRowThatFreesFirst()
{
    QList<Run> runs;
    const int count = TimelineLayout::kMaxSubRows + 10;
    for (int i = 0; i < count; ++i)
        runs.append({0, "op" + QByteArray::number(i), i, 1000 + i});
    const auto data = datasetOf(runs, 1);
    const auto ops = everyOperation(*data);
    const TimelineLayout layout = TimelineLayout::build(*data, ops, kNow);
    checkInvariants(layout, ops);
    QCOMPARE(layout.lanes()[0].subRows, TimelineLayout::kMaxSubRows);
    // The first run past the rows shares the row of the run that ends first: the first one's.
    QCOMPARE(barOfId(layout, *data, QByteArray("op" + QByteArray::number(TimelineLayout::kMaxSubRows)).constData()).subRow, uint16_t(0));
}

// A lane full of runs that never end (Running on a server that was never restarted), then many short ones: they all
// lie over a long bar. A short range still counts and finds only what is in it, and a short run under the pointer
// wins over the long one (helper-23's probe).
void TimelineTest::shortRunsOverLongOnesInAFullLane()
{
    QList<Run> runs;
    for (int i = 0; i <= TimelineLayout::kMaxSubRows; ++i)
        runs.append({0, "open" + QByteArray::number(i), i, kOpen});
    for (int i = 0; i < 20000; ++i)
        runs.append({0, "short" + QByteArray::number(i), 100 + i * 3, 100 + i * 3 + 2});
    const auto data = datasetOf(runs, 1);
    const auto ops = everyOperation(*data);
    const TimelineLayout layout = TimelineLayout::build(*data, ops, kNow);
    checkInvariants(layout, ops);
    const int64_t from = T0 + 3001 * 1000, to = from + 60 * 1000; // one minute: 20 short runs and the 41 long ones
    QCOMPARE(layout.countVisible(from, to), size_t(20 + 41));
    std::vector<uint32_t> inRow;
    layout.barsIn(0, from, to, inRow);
    QVERIFY(inRow.size() < 40);
    const uint32_t under = layout.barAt(0, T0 + (100 + 900 * 3 + 1) * 1000, 0);
    QVERIFY(under != kNone);
    QCOMPARE(layout.bars()[under].op, data->findOperation(0, "short900"));
}

void TimelineTest::restartIsLinked()
{
    QByteArray text = Event("old", "Started", T0).line() + Event("old", "Interrupted", T0 + 1000).line();
    text += Event("new", "Started", T0 + 5000).set(u"restartOf", QStringLiteral("old")).line();
    Dataset data;
    testoplog::load(data, text);
    const TimelineLayout layout = TimelineLayout::build(data, everyOperation(data), kNow);
    const TimelineBar &restart = barOfId(layout, data, "new");
    QCOMPARE(restart.restartOf, layout.barOf(data.findOperation(0, "old")));
    QCOMPARE(barOfId(layout, data, "old").restartOf, kNone);
    // Not shown, not linked.
    const TimelineLayout alone = TimelineLayout::build(data, {data.findOperation(0, "new")}, kNow);
    QCOMPARE(alone.bars()[0].restartOf, kNone);
}

// A service's start, the agent's recovery (a ServiceStarted with `runner`: no restart of the service) and the
// agent's report of when the service started are three markers, each said for what it is.
void TimelineTest::markersSayWhichStart()
{
    QByteArray text = Event("a", "Started", T0).line();
    text += testoplog::eventLine(QByteArray(), "ServiceStarted", T0 + 1000, ",\"note\":\"runner\"", "mailboxd", "ServiceStarted");
    text += testoplog::eventLine(QByteArray(), "ServiceStarted", T0 + 2000, ",\"runner\":\"oplensd\"", "oplensd", "ServiceStarted");
    Dataset data;
    testoplog::load(data, text);
    data.setServiceStartedAt(0, T0 + 3000);
    const TimelineLayout layout = TimelineLayout::build(data, everyOperation(data), kNow);
    QCOMPARE(layout.markers().size(), size_t(3));
    QCOMPARE(layout.markers()[0].label, QStringLiteral("mailboxd started")); // "runner" as a value is no runner
    QCOMPARE(layout.markers()[0].kind, TimelineMarker::Kind::ServiceStarted);
    QCOMPARE(layout.markers()[1].label, QStringLiteral("oplensd recovered"));
    QCOMPARE(layout.markers()[1].kind, TimelineMarker::Kind::AgentRecovery);
    QCOMPARE(layout.markers()[2].kind, TimelineMarker::Kind::AgentReport);
    QCOMPARE(layout.markers()[2].time, T0 + 3000);
    QCOMPARE(barOfId(layout, data, "a").end, T0 + 1000); // the service's start cut it short, not the recovery
}

void TimelineTest::filterDecidesTheLanes()
{
    const auto data = datasetOf({{0, "a", 0, 10}, {1, "b", 0, 10}, {2, "c", 0, 10}}, 3, {5});
    const TimelineLayout layout = TimelineLayout::build(*data, {data->findOperation(1, "b")}, kNow);
    QCOMPARE(layout.lanes().size(), size_t(1));
    QCOMPARE(layout.lanes()[0].source, uint16_t(1));
    QVERIFY(layout.markers().empty()); // the service start of server 1's lane only
    QVERIFY(TimelineLayout::build(*data, {}, kNow).empty());
}

void TimelineTest::densityCountsEachColumnABarTouches_data()
{
    QTest::addColumn<QList<Run>>("runs");
    QTest::addColumn<QList<uint>>("counts"); // 10 columns over 0..100 s
    QTest::addColumn<int>("column"); // where the classes are looked at
    QTest::addColumn<int>("urgent");
    QTest::addColumn<int>("common");
    const int finished = int(DensityClass::Finished);
    QTest::newRow("one run over columns 2 to 5") << QList<Run>{{0, "a", 25, 55}} << QList<uint>{0, 0, 1, 1, 1, 1, 0, 0, 0, 0}
                                                 << 3 << finished << finished;
    QTest::newRow("a zero-length run is one column") << QList<Run>{{0, "a", 71, 71}} << QList<uint>{0, 0, 0, 0, 0, 0, 0, 1, 0, 0}
                                                     << 7 << finished << finished;
    QTest::newRow("most runs give the colour, the most urgent the strip")
        << QList<Run>{{0, "a", 0, 35}, {0, "b", 31, 38, "Failed"}, {0, "c", 35, 45}} << QList<uint>{1, 1, 1, 3, 1, 0, 0, 0, 0, 0}
        << 3 << int(DensityClass::Failed) << finished;
    QTest::newRow("a tie goes to the more urgent")
        << QList<Run>{{0, "a", 0, 15}, {0, "b", 5, 15, "Failed"}} << QList<uint>{2, 2, 0, 0, 0, 0, 0, 0, 0, 0}
        << 1 << int(DensityClass::Failed) << int(DensityClass::Failed);
    QTest::newRow("runs far outside: before, after, across")
        << QList<Run>{{0, "before", -100000, -99990}, {0, "after", 500000, 500010}, {0, "across", -100000, 500000}}
        << QList<uint>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1} << 0 << finished << finished;
    QTest::newRow("a run still going reaches now") << QList<Run>{{0, "a", 85, kOpen}} << QList<uint>{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}
                                                   << 9 << int(DensityClass::Running) << int(DensityClass::Running);
}

void TimelineTest::densityCountsEachColumnABarTouches()
{
    QFETCH(QList<Run>, runs);
    QFETCH(QList<uint>, counts);
    QFETCH(int, column);
    QFETCH(int, urgent);
    QFETCH(int, common);
    const auto data = datasetOf(runs, 1);
    const TimelineLayout layout = TimelineLayout::build(*data, everyOperation(*data), kNow);
    const TimelineDensity density = binTimeline(layout, T0, T0 + 100 * 1000, 10);
    QVERIFY(density.valid());
    QList<uint> got;
    for (int c = 0; c < 10; ++c)
        got.append(density.count(0, c));
    QCOMPARE(got, counts);
    QCOMPARE(int(density.urgentAt(0, column)), urgent);
    QCOMPARE(int(density.commonAt(0, column)), common);
    QCOMPARE(density.maxCount, *std::max_element(counts.begin(), counts.end()));
}

void TimelineTest::densityMatchesCountingByHand()
{
    QRandomGenerator random(11);
    QList<Run> runs;
    for (int i = 0; i < 400; ++i) {
        const qint64 start = random.bounded(5000);
        runs.append({int(random.bounded(3)), "r" + QByteArray::number(i), start, random.bounded(8) == 0 ? kOpen : start + random.bounded(300),
                     random.bounded(5) == 0 ? "Failed" : "Finished"});
    }
    const auto data = datasetOf(runs, 3);
    const TimelineLayout layout = TimelineLayout::build(*data, everyOperation(*data), T0 + 6000 * 1000);
    checkInvariants(layout, everyOperation(*data));
    const int64_t from = T0 + 1000 * 1000, to = T0 + 4000 * 1000;
    const int columns = 97;
    const TimelineDensity density = binTimeline(layout, from, to, columns);
    for (uint32_t lane = 0; lane < layout.lanes().size(); ++lane)
        for (int c = 0; c < columns; ++c) {
            // Column c holds [from + c*w, from + (c+1)*w): a bar counts where it overlaps that, its ends included.
            uint32_t expected = 0;
            for (const TimelineBar &bar : layout.bars()) {
                if (bar.lane != lane || bar.end < from || bar.start >= to)
                    continue;
                const auto column = [&](int64_t t) {
                    return t <= from ? 0 : std::min<int64_t>(columns - 1, int64_t(double(t - from) * columns / double(to - from)));
                };
                expected += column(bar.start) <= c && c <= column(bar.end);
            }
            QCOMPARE(density.count(lane, c), expected);
        }
}

// startTime is any 64-bit number: the timeline's arithmetic (spans, columns, ticks, pixels) must not overflow on
// what a file says.
void TimelineTest::extremeTimesStayInRange()
{
    constexpr qint64 kMax = std::numeric_limits<qint64>::max(), kMin = std::numeric_limits<qint64>::min() + 1;
    QByteArray text = Event("min", "Started", kMin).line() + Event("min", "Finished", kMin + 5).line();
    text += Event("max", "Started", kMax - 5).line() + Event("max", "Finished", kMax).line();
    text += Event("zero", "Started", 0).line() + Event("open", "Started", -1000).line();
    text += Event("whole", "Started", kMin).line() + Event("whole", "Finished", kMax).line();
    text += testoplog::serviceStarted(kMax) + testoplog::serviceStarted(kMin);
    Dataset data;
    testoplog::load(data, text);
    const TimelineLayout layout = TimelineLayout::build(data, everyOperation(data), kNow);
    checkInvariants(layout, everyOperation(data));
    QVERIFY(layout.first() < 0 && layout.last() > kNow);
    // Nothing is believable (1970 and before, or at the limits): fit all shows everything.
    QCOMPARE(layout.fitFirst(), layout.first());
    QCOMPARE(layout.fitLast(), layout.last());
    const int64_t span = layout.last() - layout.first(); // no overflow: times are kept within a range that allows it
    QVERIFY(span > 0);
    for (const TimelineBar &bar : layout.bars())
        QVERIFY(bar.start <= bar.end);
    const TimelineDensity density = binTimeline(layout, layout.first(), layout.last(), 500);
    QVERIFY(density.valid());
    QCOMPARE(density.count(0, 0), 2u);   // "min" and "whole"
    // "whole", and "zero" and "open" that the service start at the end of time cut short there; "max" starts at
    // the end of the range, which is not in it.
    QCOMPARE(density.count(0, 250), 3u);
    QCOMPARE(density.count(0, 499), 3u);
    const TimelineAxis axis = timelineAxis(layout.first(), layout.last(), 1000, true);
    QVERIFY(axis.ticks.size() <= 2000);
    const TimelineGeometry geometry(layout, QRectF(0, 0, 1000, 400), 100, layout.first(), layout.last());
    for (const TimelineBar &bar : layout.bars())
        QVERIFY(std::isfinite(geometry.barRect(bar).left()) && std::isfinite(geometry.barRect(bar).right()));
    QCOMPARE(layout.barAt(layout.lanes()[0].firstRow, 0, 10) != kNone, true);
}

void TimelineTest::axisStepsFollowTheZoom_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("aLabel");
    QTest::newRow("a minute: seconds") << qint64(60 * 1000) << qint64(5 * 1000) << QStringLiteral("00:00:05");
    QTest::newRow("an hour: minutes") << qint64(3600 * 1000) << qint64(5 * 60 * 1000) << QStringLiteral("00:05");
    QTest::newRow("a day: hours") << qint64(24 * 3600 * 1000) << qint64(3 * 3600 * 1000) << QStringLiteral("03:00");
    QTest::newRow("20 days: days") << qint64(20LL * 24 * 3600 * 1000) << qint64(2LL * 24 * 3600 * 1000) << QStringLiteral("3 Jan");
    QTest::newRow("two years: months") << qint64(730LL * 24 * 3600 * 1000) << qint64(2629746000LL * 3) << QStringLiteral("Apr");
}

void TimelineTest::axisStepsFollowTheZoom()
{
    QFETCH(qint64, span);
    QFETCH(qint64, step);
    QFETCH(QString, aLabel);
    const int64_t from = QDateTime(QDate(2026, 1, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    const TimelineAxis axis = timelineAxis(from, from + span, 1000, true, 80);
    QCOMPARE(axis.stepMs, step);
    QVERIFY(axis.ticks.size() >= 5 && axis.ticks.size() <= 13);
    QStringList labels;
    for (const TimelineTick &tick : axis.ticks)
        labels.append(tick.label);
    QVERIFY2(labels.contains(aLabel), qPrintable(labels.join(u' ')));
    QVERIFY(axis.ticks.front().major); // midnight of New Year's Day begins the day, the month and the year
    for (size_t i = 1; i < axis.ticks.size(); ++i)
        QVERIFY(axis.ticks[i].time > axis.ticks[i - 1].time);
}

QTEST_GUILESS_MAIN(TimelineTest)
#include "tst_timeline.moc"
