// What the timeline's model tests share (tst_timeline: the layout; tst_timelinedensity: density, axis, extreme times):
// runs of operations on servers written as oplogs, and the invariants every layout keeps.
#pragma once

#include "testoplog.h"
#include "timelinelayout.h"

#include <QRandomGenerator>
#include <QTest>

#include <limits>
#include <memory>
#include <vector>

namespace timelinetesting {

using namespace oplens;
using testoplog::Event;

inline constexpr qint64 T0 = 1700000000000; // ms; the runs below are in seconds after it
inline constexpr qint64 kNow = T0 + 10000 * 1000;

inline constexpr qint64 kOpen = std::numeric_limits<qint64>::min(); // a run without an end

// A run of one operation on one server, in seconds after T0: "Started" at `start`, then `endType` at `end` (none when
// `end` is kOpen).
struct Run {
    int server = 0;
    QByteArray id;
    qint64 start = 0, end = kOpen;
    QByteArray endType = "Finished";
};

inline QByteArray oplogOf(const QList<Run> &runs, int server, const QList<qint64> &serviceStarts = {})
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
inline std::shared_ptr<Dataset> datasetOf(const QList<Run> &runs, int servers, const QList<qint64> &serviceStarts = {})
{
    auto data = std::make_shared<Dataset>();
    for (int s = 0; s < servers; ++s) {
        const uint16_t source = data->addSource(QStringLiteral("/var/log/server%1/oplog.jsonl").arg(s + 1));
        testoplog::parseInto(data->events(), source, oplogOf(runs, s, s == 0 ? serviceStarts : QList<qint64>{}));
    }
    data->aggregate();
    return data;
}

inline std::vector<uint32_t> everyOperation(const Dataset &data)
{
    std::vector<uint32_t> ops;
    for (uint32_t op = 0; op < data.operationCount(); ++op)
        if (data.exists(op))
            ops.push_back(op);
    return ops;
}

inline const TimelineBar &barOfId(const TimelineLayout &layout, const Dataset &data, const char *id, uint16_t source = 0)
{
    const uint32_t bar = layout.barOf(data.findOperation(source, id));
    if (bar == kNone)
        qFatal("no bar for %s", id);
    return layout.bars()[bar];
}

// What holds for every layout: each operation once; bars of one sub-row do not overlap (unless its lane is full);
// barsIn() finds exactly the bars that overlap a range, countVisible() counts them.
inline void checkInvariants(const TimelineLayout &layout, const std::vector<uint32_t> &ops)
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

} // namespace timelinetesting

Q_DECLARE_METATYPE(QList<timelinetesting::Run>)
