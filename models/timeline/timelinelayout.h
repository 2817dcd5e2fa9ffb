// What the timeline shows of a set of operations: one lane per source (a server), each operation a bar from its first
// event to its end (or to now while it runs, or to the evidence of its interruption), packed into sub-rows so that the bars
// of a sub-row never overlap; and a marker for every start of a service. No widgets: the console, the reports and the
// tests use it alike. Built in a worker; read-only afterwards.
#pragma once

#include "dataset.h"

#include <QString>
#include <atomic>
#include <vector>

namespace oplens {

struct TimelineBar {
    int64_t start = 0, end = 0;   // epoch ms, end >= start: Dataset::span(), what the filters' time range overlaps
    int64_t startedAt = 0;        // start <= startedAt <= end: it waited in the queue until then
    int64_t lastSeen = 0;         // startedAt <= lastSeen <= end: its latest event (an Interrupted one died after it)
    uint32_t op = kNone;
    uint32_t restartOf = kNone;   // the bar of the operation this one restarts, when it is shown
    uint16_t lane = 0, subRow = 0;
    Status status = Status::Unknown;
    bool stale = false;
    bool open = false;            // Queued or Running: it ends at now, for now
    bool cutShort = false;        // Interrupted: it ends at the evidence (a red mark)
};

struct TimelineMarker {
    enum class Kind : uint8_t { ServiceStarted, AgentRecovery, AgentReport };
    int64_t time = 0;
    uint16_t lane = 0;
    Kind kind = Kind::ServiceStarted;
    QString label; // "mailboxd started", "oplensd recovered", "service started (agent)"
};

struct TimelineLane {
    uint16_t source = 0;
    QString label;          // the host its operations name, else the source's file name
    uint16_t subRows = 1;   // at least one
    uint32_t firstRow = 0;  // its first sub-row among every lane's sub-rows
};

class TimelineLayout
{
public:
    // Times are kept within ±this (ms, about ±31,700 years): a file may say any 64-bit startTime, and spans, columns
    // and pixels are worked out from differences of times.
    static constexpr int64_t kTimeLimit = 1'000'000'000'000'000;

    // A lane keeps at most this many sub-rows: more concurrent bars share the sub-row that frees first (and overlap).
    static constexpr uint16_t kMaxSubRows = 40;

    // A lane per server that `ops` (in any order) run on: per source, per host its operations name (else the source's
    // file name), in source order, then by host; with the starts of that server's service. Empty when `cancel` was set.
    static TimelineLayout build(const Dataset &data, const std::vector<uint32_t> &ops, int64_t now,
                                const std::atomic_bool *cancel = nullptr);

    const std::vector<TimelineLane> &lanes() const { return m_lanes; }
    // Sorted by (lane, sub-row, start): each sub-row's bars are contiguous.
    const std::vector<TimelineBar> &bars() const { return m_bars; }
    const std::vector<TimelineMarker> &markers() const { return m_markers; } // in time order
    int64_t now() const { return m_now; }
    // The extent of the bars and markers; kNoTime for both when there is none.
    int64_t first() const { return m_first; }
    int64_t last() const { return m_last; }
    // What "fit all" shows: the extent of the bars' believable times (since 2000 and until a year from now: not a
    // startTime in seconds, not an absurd one; a bar still running by its start, and now only when it is near), or the
    // whole extent when none is.
    int64_t fitFirst() const { return m_fitFirst; }
    int64_t fitLast() const { return m_fitLast; }
    // The range "fit all" shows, the console's and a report's alike: fitFirst() to fitLast() with a fiftieth of that
    // (of a minute at least) on either side.
    std::pair<int64_t, int64_t> fitRange() const;
    bool empty() const { return m_bars.empty() && m_markers.empty(); }
    uint32_t rowCount() const { return uint32_t(m_rowBegin.empty() ? 0 : m_rowBegin.size() - 1); } // every sub-row

    // The bar of `op`, kNone when it is not shown.
    uint32_t barOf(uint32_t op) const;
    // Appends to `out` the bars of sub-row `row` (of rowCount()) that overlap [from, to) (start < to, end >= from), in
    // start order, by index in bars(). Looks at about (bars of the row before `to`) / kBlock + what it finds, also in
    // a sub-row that overflowed, where a long bar lies under many short ones.
    void barsIn(uint32_t row, int64_t from, int64_t to, std::vector<uint32_t> &out) const;
    // How many bars overlap [from, to): what decides between bars and density. Two binary searches.
    size_t countVisible(int64_t from, int64_t to) const;
    // The bar of sub-row `row` under `time`, or the nearest within `tolerance` ms; kNone for none.
    uint32_t barAt(uint32_t row, int64_t time, int64_t tolerance) const;

private:
    void packLane(uint16_t lane, std::vector<TimelineBar> &bars);
    void index(const Dataset &data);
    void indexBlocks(uint32_t rows);

    std::vector<TimelineLane> m_lanes;
    std::vector<TimelineBar> m_bars;
    std::vector<TimelineMarker> m_markers;
    std::vector<uint32_t> m_rowBegin; // per sub-row, its first bar; one more at the end
    static constexpr uint32_t kBlock = 64;
    std::vector<int64_t> m_maxEnd;    // per bar, the latest end of its sub-row's bars up to it
    std::vector<int64_t> m_blockEnd;  // per kBlock bars of a sub-row (counted from its first), their latest end
    std::vector<uint32_t> m_rowBlock; // per sub-row, its first block in m_blockEnd
    std::vector<int64_t> m_starts, m_ends; // every bar's start, and end, sorted: countVisible()
    std::vector<uint32_t> m_barOfOp;  // indexed by operation
    int64_t m_now = 0, m_first = kNoTime, m_last = kNoTime, m_fitFirst = kNoTime, m_fitLast = kNoTime;
};

} // namespace oplens
