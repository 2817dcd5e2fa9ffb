#include "timelinelayout.h"

#include <QFileInfo>

#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_map>

namespace oplens {

namespace {

bool cancelled(const std::atomic_bool *cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

int64_t shown(int64_t time) { return std::clamp(time, -TimelineLayout::kTimeLimit, TimelineLayout::kTimeLimit); }

// Widens [first, last] (kNoTime for both: empty) to take in `time`.
void widen(int64_t &first, int64_t &last, int64_t time)
{
    first = first == kNoTime ? time : std::min(first, time);
    last = last == kNoTime ? time : std::max(last, time);
}

// Dataset::span(): from its first event to its end, to now while it is Queued or Running, an Interrupted one to its
// evidence; the part before its first Started event is its wait in the queue.
TimelineBar makeBar(const Dataset &data, uint32_t op, int64_t now)
{
    const Operation &o = data.operation(op);
    const auto [begin, end] = data.span(op, now);
    TimelineBar bar;
    bar.op = op;
    bar.status = o.status;
    bar.start = shown(begin);
    bar.end = std::max(shown(end), bar.start);
    bar.startedAt = o.startedByEvent ? std::clamp(shown(o.startedAt), bar.start, bar.end) : bar.start;
    bar.lastSeen = std::clamp(shown(data.events().time(o.latestRow)), bar.startedAt, bar.end);
    bar.open = isActive(o.status);
    bar.stale = bar.open && data.isStale(op, now);
    bar.cutShort = o.status == Status::Interrupted;
    return bar;
}

// The host, or the source's file name for operations that name none.
QString laneLabel(const Dataset &data, uint16_t source, uint32_t host)
{
    const QString name = host != kNone ? data.events().string(host) : QString();
    return !name.isEmpty() ? name : QFileInfo(data.events().sourceName(source)).fileName();
}

// A marker and the host whose service started (kNone: the whole source's, as Dataset's evidence has it).
struct HostMarker {
    uint32_t host;
    TimelineMarker marker;
};

// Every start of a service the data tells of, by source: ServiceStarted events (a runner's own are its recoveries,
// docs/agent.md section 5) and the agent's serviceStartedAt.
std::vector<std::vector<HostMarker>> markersBySource(const Dataset &data, const std::atomic_bool *cancel)
{
    const EventStore &events = data.events();
    std::vector<std::vector<HostMarker>> markers(size_t(std::max(events.sourceCount(), 1)));
    const auto &shapes = events.shapes();
    std::vector<char> isStart(shapes.size());
    for (size_t s = 0; s < shapes.size(); ++s)
        isStart[s] = EventKind(shapes[uint32_t(s)].kind) == EventKind::ServiceStarted;
    for (size_t r = 0; r < events.size(); ++r) {
        if (!isStart[events.shapeOf(EventStore::Row(r))])
            continue;
        if ((r & 0xFFFF) == 0 && cancelled(cancel))
            return {};
        const auto row = EventStore::Row(r);
        const bool recovery = data.isRecoveryMarker(row);
        const QString module = events.string(events.module(row));
        TimelineMarker m{shown(events.time(row)), 0, recovery ? TimelineMarker::Kind::AgentRecovery : TimelineMarker::Kind::ServiceStarted,
                         recovery ? QStringLiteral("%1 recovered").arg(module)
                                  : QStringLiteral("%1 started").arg(module.isEmpty() ? QStringLiteral("service") : module)};
        const uint16_t source = events.source(row);
        if (source < markers.size())
            markers[source].push_back({events.host(row), std::move(m)});
    }
    for (size_t s = 0; s < markers.size(); ++s) {
        const int64_t reported = data.reportedServiceStart(uint16_t(s));
        if (reported != kNoTime)
            markers[s].push_back({kNone, {shown(reported), 0, TimelineMarker::Kind::AgentReport, QStringLiteral("service started (agent)")}});
    }
    return markers;
}

} // namespace

// A lane per server: per source, per host its operations name (a file of several servers has several lanes).
TimelineLayout TimelineLayout::build(const Dataset &data, const std::vector<uint32_t> &ops, int64_t now,
                                     const std::atomic_bool *cancel)
{
    TimelineLayout layout;
    layout.m_now = shown(now);
    std::unordered_map<uint64_t, std::vector<TimelineBar>> byServer; // source << 32 | host
    for (size_t i = 0; i < ops.size(); ++i) {
        if ((i & 0xFFFF) == 0 && cancelled(cancel))
            return {};
        const uint32_t op = ops[i];
        if (data.exists(op))
            byServer[uint64_t(data.source(op)) << 32 | data.host(op)].push_back(makeBar(data, op, now));
    }
    const auto markers = markersBySource(data, cancel);
    if (cancelled(cancel))
        return {};
    // A server none of whose operations is shown has no lane: the filter applies. In source order, then by host.
    std::vector<std::pair<uint64_t, QString>> servers;
    for (const auto &[key, bars] : byServer)
        servers.emplace_back(key, laneLabel(data, uint16_t(key >> 32), uint32_t(key)));
    std::sort(servers.begin(), servers.end(), [](const auto &a, const auto &b) {
        return (a.first >> 32) != (b.first >> 32) ? a.first < b.first
             : a.second != b.second              ? a.second < b.second
                                                 : a.first < b.first; // equal labels: a stable order all the same
    });
    for (const auto &[key, label] : servers) {
        const auto source = uint16_t(key >> 32);
        const auto host = uint32_t(key);
        const auto lane = uint16_t(layout.m_lanes.size());
        layout.m_lanes.push_back({source, label, 1, 0});
        layout.packLane(lane, byServer[key]);
        if (source < markers.size())
            for (const HostMarker &m : markers[source])
                if (Dataset::serviceStartApplies(m.host, host)) { // a start that names no host: in each of the file's lanes
                    layout.m_markers.push_back(m.marker);
                    layout.m_markers.back().lane = lane;
                }
    }
    std::stable_sort(layout.m_markers.begin(), layout.m_markers.end(),
                     [](const TimelineMarker &a, const TimelineMarker &b) { return a.time < b.time; });
    layout.index(data);
    return layout;
}

// Sub-rows first free first: each bar takes the lowest sub-row free at its start, a new one when none is, and past
// kMaxSubRows the one that frees first. A bar holds its sub-row at least one millisecond (zero-length runs too).
void TimelineLayout::packLane(uint16_t lane, std::vector<TimelineBar> &bars)
{
    std::sort(bars.begin(), bars.end(), [](const TimelineBar &a, const TimelineBar &b) {
        return a.start != b.start ? a.start < b.start : a.end != b.end ? a.end > b.end : a.op < b.op;
    });
    using Busy = std::pair<int64_t, uint16_t>; // held until, sub-row
    std::priority_queue<Busy, std::vector<Busy>, std::greater<Busy>> busy;
    std::priority_queue<uint16_t, std::vector<uint16_t>, std::greater<uint16_t>> free;
    uint16_t rows = 0;
    for (TimelineBar &bar : bars) {
        bar.lane = lane;
        while (!busy.empty() && busy.top().first <= bar.start) {
            free.push(busy.top().second);
            busy.pop();
        }
        const int64_t holds = std::max(bar.end, bar.start + 1);
        if (!free.empty()) {
            bar.subRow = free.top();
            free.pop();
        } else if (rows < kMaxSubRows) {
            bar.subRow = rows++;
        } else { // overflow: it shares the sub-row that frees first
            bar.subRow = busy.top().second;
            const int64_t until = std::max(busy.top().first, holds);
            busy.pop();
            busy.push({until, bar.subRow});
            continue;
        }
        busy.push({holds, bar.subRow});
    }
    std::sort(bars.begin(), bars.end(), [](const TimelineBar &a, const TimelineBar &b) {
        return a.subRow != b.subRow ? a.subRow < b.subRow : a.start != b.start ? a.start < b.start : a.op < b.op;
    });
    TimelineLane &l = m_lanes[lane];
    l.subRows = std::max<uint16_t>(rows, 1);
    l.firstRow = lane > 0 ? m_lanes[lane - 1].firstRow + m_lanes[lane - 1].subRows : 0;
    m_bars.insert(m_bars.end(), bars.begin(), bars.end());
}

// Where each sub-row's bars begin, their running latest end, each operation's bar and restart link, the extent.
void TimelineLayout::index(const Dataset &data)
{
    const uint32_t rows = m_lanes.empty() ? 0 : m_lanes.back().firstRow + m_lanes.back().subRows;
    m_rowBegin.assign(size_t(rows) + 1, 0);
    for (const TimelineBar &bar : m_bars) // bars are in (lane, sub-row) order: count, then add up
        ++m_rowBegin[m_lanes[bar.lane].firstRow + bar.subRow + 1];
    for (uint32_t row = 0; row < rows; ++row)
        m_rowBegin[row + 1] += m_rowBegin[row];
    m_maxEnd.resize(m_bars.size());
    m_barOfOp.assign(data.operationCount(), kNone);
    uint32_t previousRow = kNone;
    for (uint32_t i = 0; i < m_bars.size(); ++i) {
        const TimelineBar &bar = m_bars[i];
        const uint32_t row = m_lanes[bar.lane].firstRow + bar.subRow;
        m_maxEnd[i] = row == previousRow ? std::max(m_maxEnd[i - 1], bar.end) : bar.end;
        previousRow = row;
        m_barOfOp[bar.op] = i;
        widen(m_first, m_last, bar.start);
        widen(m_first, m_last, bar.end);
    }
    for (TimelineBar &bar : m_bars)
        bar.restartOf = barOf(data.operation(bar.op).restartOf);
    indexBlocks(rows);
    // Believable: since 2000 (a startTime written in seconds lands in January 1970) and until a year from now.
    constexpr int64_t kBelievableSince = 946684800000LL, kYear = 366LL * 24 * 3600 * 1000;
    const int64_t believableUntil = m_now < kTimeLimit - kYear ? m_now + kYear : kTimeLimit;
    bool anyOpen = false;
    for (const TimelineBar &bar : m_bars) { // an open bar by its start: it runs to now, which may be years later
        anyOpen = anyOpen || bar.open;
        for (const int64_t t : {bar.start, bar.open ? bar.start : bar.end})
            if (t >= kBelievableSince && t <= believableUntil)
                widen(m_fitFirst, m_fitLast, t);
    }
    // ... but a live server's now is part of the picture: when it is near, relative to what is shown.
    if (anyOpen && m_fitLast != kNoTime && m_now > m_fitLast
        && m_now - m_fitLast <= std::max<int64_t>((m_fitLast - m_fitFirst) / 4, 24LL * 3600 * 1000))
        m_fitLast = m_now;
    if (m_bars.empty())
        for (const TimelineMarker &m : m_markers)
            widen(m_first, m_last, m.time);
    if (m_fitFirst == kNoTime) {
        m_fitFirst = m_first;
        m_fitLast = m_last;
    }
}

std::pair<int64_t, int64_t> TimelineLayout::fitRange() const
{
    const int64_t margin = std::max<int64_t>(m_fitLast - m_fitFirst, 60 * 1000) / 50;
    return {m_fitFirst - margin, m_fitLast + margin};
}

uint32_t TimelineLayout::barOf(uint32_t op) const { return op < m_barOfOp.size() ? m_barOfOp[op] : kNone; }

// Each sub-row's bars in blocks of kBlock with their latest end, so that a search skips a block of bars that all
// ended before its range (the running latest end alone would not, after a long bar in an overflowed sub-row); and
// every start and end sorted, for counting.
void TimelineLayout::indexBlocks(uint32_t rows)
{
    m_rowBlock.assign(size_t(rows) + 1, 0);
    m_blockEnd.clear();
    for (uint32_t row = 0; row < rows; ++row) {
        m_rowBlock[row] = uint32_t(m_blockEnd.size());
        for (uint32_t i = m_rowBegin[row]; i < m_rowBegin[row + 1]; ++i) {
            if ((i - m_rowBegin[row]) % kBlock == 0)
                m_blockEnd.push_back(m_bars[i].end);
            m_blockEnd.back() = std::max(m_blockEnd.back(), m_bars[i].end);
        }
    }
    m_rowBlock[rows] = uint32_t(m_blockEnd.size());
    m_starts.resize(m_bars.size());
    m_ends.resize(m_bars.size());
    for (size_t i = 0; i < m_bars.size(); ++i) {
        m_starts[i] = m_bars[i].start;
        m_ends[i] = m_bars[i].end;
    }
    std::sort(m_starts.begin(), m_starts.end());
    std::sort(m_ends.begin(), m_ends.end());
}

void TimelineLayout::barsIn(uint32_t row, int64_t from, int64_t to, std::vector<uint32_t> &out) const
{
    if (row + 1 >= m_rowBegin.size() || from >= to)
        return;
    const uint32_t rowBegin = m_rowBegin[row], rowEnd = m_rowBegin[row + 1];
    // From the first bar by which the sub-row reached `from`, to the last that starts before `to`.
    uint32_t i = uint32_t(std::upper_bound(m_maxEnd.begin() + rowBegin, m_maxEnd.begin() + rowEnd, from - 1) - m_maxEnd.begin());
    const auto last = std::lower_bound(m_bars.begin() + i, m_bars.begin() + rowEnd, to,
                                       [](const TimelineBar &bar, int64_t t) { return bar.start < t; });
    const auto end = uint32_t(last - m_bars.begin());
    while (i < end) {
        const uint32_t inRow = i - rowBegin;
        if (inRow % kBlock == 0 && m_blockEnd[m_rowBlock[row] + inRow / kBlock] < from) {
            i += kBlock; // the whole block ended before the range
            continue;
        }
        if (m_bars[i].end >= from)
            out.push_back(i);
        ++i;
    }
}

size_t TimelineLayout::countVisible(int64_t from, int64_t to) const
{
    if (from >= to)
        return 0;
    // Started before `to`, less those that ended before `from` (they started before it too).
    const auto started = std::lower_bound(m_starts.begin(), m_starts.end(), to) - m_starts.begin();
    const auto ended = std::lower_bound(m_ends.begin(), m_ends.end(), from) - m_ends.begin();
    return size_t(started - ended);
}

// The nearest bar; among bars under `time`, the shortest (a short run drawn over a long one in a full lane).
uint32_t TimelineLayout::barAt(uint32_t row, int64_t time, int64_t tolerance) const
{
    std::vector<uint32_t> near;
    barsIn(row, time - tolerance, time + tolerance + 1, near);
    uint32_t best = kNone;
    int64_t bestDistance = tolerance + 1, bestLength = 0;
    for (const uint32_t i : near) {
        const TimelineBar &bar = m_bars[i];
        const int64_t distance = time < bar.start ? bar.start - time : time > bar.end ? time - bar.end : 0;
        const int64_t length = bar.end - bar.start;
        if (distance < bestDistance || (distance == bestDistance && length < bestLength)) {
            best = i;
            bestDistance = distance;
            bestLength = length;
        }
    }
    return best;
}

} // namespace oplens
