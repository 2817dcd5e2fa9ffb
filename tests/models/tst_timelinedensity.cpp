// The timeline zoomed out and at its edges: density per column (binTimeline), the axis' ticks, times at the ends of
// 64 bits.
#include "timelineaxis.h"
#include "timelinedensity.h"
#include "timelinepainter.h"
#include "timelinetesting.h"

#include <QDateTime>
#include <QTimeZone>

#include <cmath>

using namespace timelinetesting;

class TimelineDensityTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void densityCountsEachColumnABarTouches_data();
    void densityCountsEachColumnABarTouches();
    void densityMatchesCountingByHand();
    void extremeTimesStayInRange();
    void axisStepsFollowTheZoom_data();
    void axisStepsFollowTheZoom();
};

void TimelineDensityTest::densityCountsEachColumnABarTouches_data()
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

void TimelineDensityTest::densityCountsEachColumnABarTouches()
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

void TimelineDensityTest::densityMatchesCountingByHand()
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
void TimelineDensityTest::extremeTimesStayInRange()
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

void TimelineDensityTest::axisStepsFollowTheZoom_data()
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

void TimelineDensityTest::axisStepsFollowTheZoom()
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

QTEST_GUILESS_MAIN(TimelineDensityTest)
#include "tst_timelinedensity.moc"
