// The timeline's layout (TimelineLayout): lanes per server, sub-rows, ends, markers, the search of bars in a range.
#include "timelinetesting.h"

using namespace timelinetesting;

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
    void longRowsSearchedFromAnywhere();
    void restartIsLinked();
    void markersSayWhichStart();
    void filterDecidesTheLanes();
};

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

// A sub-row of 1,000 runs one after another (not a multiple of the search's 64-bar blocks): ranges that start and end
// anywhere, mid-block too, find exactly their runs.
void TimelineTest::longRowsSearchedFromAnywhere()
{
    QList<Run> runs;
    for (int i = 0; i < 1000; ++i)
        runs.append({0, "r" + QByteArray::number(i), i * 10, i * 10 + 5});
    const auto data = datasetOf(runs, 1);
    const auto ops = everyOperation(*data);
    const TimelineLayout layout = TimelineLayout::build(*data, ops, kNow);
    QCOMPARE(layout.rowCount(), 1u);
    checkInvariants(layout, ops);
    for (const int first : {0, 1, 63, 64, 65, 127, 500, 999}) {
        std::vector<uint32_t> found;
        layout.barsIn(0, T0 + first * 10000 + 7000, T0 + (first + 3) * 10000, found); // from after run `first` ended
        QCOMPARE(found.size(), size_t(std::min(2, 999 - first))); // the next two: the third starts where the range ends
        if (!found.empty())
            QCOMPARE(layout.bars()[found.front()].op, data->findOperation(0, QByteArray("r" + QByteArray::number(first + 1)).constData()));
    }
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

QTEST_GUILESS_MAIN(TimelineTest)
#include "tst_timeline.moc"
