// The events of every source and the operations aggregated from them with the rules of docs/oplog.md section 3.
#pragma once

#include "eventstore.h"

#include <optional>
#include <unordered_map>
#include <vector>

namespace oplens {

// Why an operation counts as Interrupted.
enum class Evidence : uint8_t {
    None,
    Event,          // an Interrupted event
    ServiceStarted, // a ServiceStarted event after its last event
    AgentReport,    // the agent's serviceStartedAt
    Assumed,        // "treat unfinished as interrupted"
};

struct Operation {
    uint32_t lowestRow = kNone; // first in the store: where its events begin
    uint32_t firstRow = kNone;  // earliest event
    uint32_t statusRow = kNone; // latest event that sets the status
    uint32_t latestRow = kNone; // latest event of any type
    uint32_t eventCount = 0;
    uint32_t restartedAs = kNone; // the latest operation with restartOf = this one
    uint32_t restartOf = kNone;   // the operation this one restarts
    uint32_t evidenceRow = kNone; // the Interrupted or ServiceStarted event, when there is one
    int64_t startedAt = kNoTime;  // first Started event, else the first event
    int64_t endedAt = kNoTime;    // when it became terminal
    Status status = Status::Unknown;
    Evidence evidence = Evidence::None;
    bool startedByEvent = false;   // startedAt is the earliest Started event's time (kept as events are appended)
    uint32_t supersededBy = kNone; // the latest Finished run of its parameters after it (docs/oplog.md section 3)
};
// 800k operations for 2M events: 56 bytes each.
static_assert(sizeof(Operation) == 56);

class Dataset
{
public:
    using Row = EventStore::Row;

    // What the last change of the data touched (aggregate(), appendBatch(), evidence given), for views that update in
    // place instead of reading everything again.
    struct Change {
        size_t firstRow = 0;       // the rows from here on are new
        std::vector<uint32_t> ops; // operations whose events or derived fields changed (new ones too), sorted
        bool everything = false;   // any operation may have changed
    };
    const Change &lastChange() const { return m_change; }

    EventStore &events() { return m_events; }
    const EventStore &events() const { return m_events; }
    uint16_t addSource(const QString &name);

    // Aggregates the rows appended to events() since the last call; `evidenceOf`: that source's evidence from outside
    // the log changed too.
    void aggregate(std::optional<uint16_t> evidenceOf = std::nullopt);
    // Appends a batch parsed on its own (all of its source 0) as events of `source`, and aggregates it.
    // The batch's evidence from outside the log (setServiceStartedAt, setAssumeInterrupted on its source 0) goes with it.
    void appendBatch(Dataset &&batch, uint16_t source);
    // Into an empty dataset with the same sources: every row of `from` but those of `dropped`, copied from memory, and
    // the other sources' evidence. Not aggregated: the caller may read `dropped` again first.
    void copySourcesExcept(const Dataset &from, uint16_t dropped);

    // Evidence given from outside the log (docs/oplog.md section 3); both re-derive the statuses.
    void setServiceStartedAt(uint16_t source, int64_t epochMs);
    void setAssumeInterrupted(uint16_t source, bool assume);
    // The latest start of `source`'s service: its last ServiceStarted marker or the agent's serviceStartedAt; kNoTime
    // when neither is known.
    int64_t lastServiceStart(uint16_t source) const;
    // Whether a start of the service that names `startHost` (kNone: none) ends the runs of host `opHost`: evidence of
    // an interruption, and a marker in the timeline's lane of that host.
    static bool serviceStartApplies(uint32_t startHost, uint32_t opHost) { return startHost == kNone || startHost == opHost; }
    // A ServiceStarted event that OpLens's runner wrote at its recovery (it has a `runner` field): a marker, no
    // evidence that the service restarted (docs/agent.md section 5).
    bool isRecoveryMarker(Row row) const { return !m_events.otherField(row, "runner").empty(); }
    // The agent's serviceStartedAt for `source` (setServiceStartedAt()); kNoTime when none was given.
    int64_t reportedServiceStart(uint16_t source) const
    {
        return source < m_evidence.size() ? m_evidence[source].startedAt : kNoTime;
    }

    size_t operationCount() const { return m_ops.size(); }
    // What each part of the store and of the operations holds, in bytes: the bench's breakdown.
    std::vector<std::pair<const char *, size_t>> memoryParts() const;
    const Operation &operation(uint32_t op) const { return m_ops[op]; }
    bool exists(uint32_t op) const { return op < m_ops.size() && m_ops[op].eventCount > 0; }
    uint32_t findOperation(uint16_t source, std::string_view id) const;

    uint32_t module(uint32_t op) const { return m_events.module(m_ops[op].firstRow); }
    uint32_t name(uint32_t op) const { return m_events.name(m_ops[op].firstRow); }
    uint32_t host(uint32_t op) const { return m_events.host(m_ops[op].firstRow); }
    uint16_t source(uint32_t op) const { return m_events.ids().source(op); }
    int64_t duration(uint32_t op, int64_t now) const;
    // When it was there to see: from its earliest event (Queued, else Started) to when it became terminal, to `now`
    // while Queued or Running, else to its latest event. What the filters' time range overlaps and the timeline draws.
    std::pair<int64_t, int64_t> span(uint32_t op, int64_t now) const
    {
        const Operation &o = m_ops[op];
        const int64_t begin = m_events.time(o.firstRow);
        const int64_t end = o.endedAt != kNoTime ? o.endedAt : isActive(o.status) ? now : m_events.time(o.latestRow);
        return {begin, end};
    }

    bool isUnfinished(uint32_t op) const;
    bool isRestarted(uint32_t op) const;
    bool isStale(uint32_t op, int64_t now) const;
    // Superseded (docs/oplog.md section 3): the Finished run that supersedes it, else kNone.
    uint32_t supersededBy(uint32_t op) const { return m_ops[op].supersededBy; }
    bool isSuperseded(uint32_t op) const { return m_ops[op].supersededBy != kNone; }
    // Interrupted and neither restarted nor superseded, a restart that failed (Failed or Aborted, neither restarted
    // nor superseded: the work is still not done), or Stale: what the Notifications pane lists.
    bool needsAttention(uint32_t op, int64_t now) const;
    // A restart (it has restartOf) that ended Failed or Aborted, and was neither restarted nor superseded since.
    bool isFailedRestart(uint32_t op) const;
    // "ZxBackup SmartScan on mail1.example.com" (the source's file name when the events name no host).
    QString title(uint32_t op) const;
    // Why it is Interrupted, in one line ("service restarted at ...", the event's error, ...); times in local time,
    // or in UTC (with a "Z") when `utc` (the console's View > Times in UTC).
    QString interruptionReason(uint32_t op, bool utc = false) const;
    // "superseded by the run of 2026-11-29 22:00 (Finished)"; empty when it is not superseded.
    QString supersededReason(uint32_t op, bool utc = false) const;
    // The rows of one operation in time order.
    std::vector<Row> rowsOf(uint32_t op) const;
    // Running longer than this (ms) is Stale for that module and name in that source (docs/oplog.md section 3).
    int64_t staleLimit(uint16_t source, uint32_t module, uint32_t name) const;
    size_t rowCount(uint16_t source) const { return source < m_rowsBySource.size() ? m_rowsBySource[source] : 0; }
    // The same in source 0: a dataset of one source.
    int64_t staleLimit(uint32_t module, uint32_t name) const { return staleLimit(0, module, name); }

    // (startTime, row): the order in which events apply.
    bool earlier(Row a, Row b) const
    {
        const int64_t ta = m_events.time(a), tb = m_events.time(b);
        return ta != tb ? ta < tb : a < b;
    }

    static constexpr int64_t kDefaultStaleMs = 24LL * 3600 * 1000;

private:
    struct ServiceStart {
        int64_t time;
        Row row;
        uint32_t host;
    };
    struct SourceEvidence {
        std::vector<ServiceStart> starts; // in (time, row) order
        int64_t startedAt = kNoTime;
        bool assumeInterrupted = false;
    };
    void derive(uint32_t op);
    bool addServiceStart(Row row);
    bool linkRestart(uint32_t op, uint32_t target);
    void deriveAll(); // and what the Finished runs decide
    static void returnFreedMemory();
    // An operation that a later run may supersede, with what the search needs of it.
    struct Candidate {
        int64_t end;     // when it ended
        uint64_t key;    // its run key
        uint32_t endRow; // the event that ended it; kNone for the agent's report (a time without an event)
        uint32_t op;
    };
    void addCandidate(uint32_t op, std::vector<Candidate> &candidates) const;
    // Stale limits and Superseded, both from the Finished runs (finishedruns.cpp). The candidates for Superseded are
    // collected by the caller that has just derived every operation, else looked for here.
    void computeFromFinishedRuns(std::vector<Candidate> *candidates = nullptr);
    // The same for an append, from what the last full pass kept: only the touched operations (`before`: their status
    // before it) are looked at. False when it cannot say (a Finished run taken back, a new candidate whose run key has
    // Finished runs): computeFromFinishedRuns() then.
    bool updateFromFinishedRuns(const std::vector<uint32_t> &touched, const std::vector<Status> &before);
    void unfileCandidate(uint32_t op);
    void supersedeBy(uint32_t run);
    void fileRunning(uint32_t op, bool running);

    EventStore m_events;
    PageVector<Operation> m_ops; // indexed like events().ids()
    std::vector<SourceEvidence> m_evidence;
    struct StaleKey {
        uint32_t module, name;
        uint16_t source;
        bool operator==(const StaleKey &) const = default;
    };
    struct StaleKeyHash {
        size_t operator()(const StaleKey &k) const
        {
            return std::hash<uint64_t>()((uint64_t(k.module) << 32 | k.name) * 0x9E3779B97F4A7C15ull + k.source);
        }
    };
    StaleKey kindOf(uint32_t op) const; // its module, name and source
    void addFinishedDuration(uint32_t op, std::vector<StaleKey> &limitChanged);
    std::unordered_map<StaleKey, int64_t, StaleKeyHash> m_staleLimits; // -> ms
    // What the last full pass over the Finished runs kept for appends (finishedruns.cpp).
    struct FinishedRuns {
        // The durations of the Finished runs of one kind: a max-heap of the `rank` smallest and a min-heap of the
        // others, so that a new one costs a few steps and the percentile is the first heap's top. Fewer than five
        // runs (no limit yet) are a plain list in `lower` until the first one added to them.
        struct Durations {
            std::vector<int64_t> lower, upper;
            bool heaps = false;
        };
        std::unordered_map<StaleKey, Durations, StaleKeyHash> durations;
        // The candidates of one run key, and its latest Finished run: every one of them that a run supersedes is
        // superseded by that one (the latest is named), so a later run names them all from this list alone.
        struct KeyCandidates {
            std::vector<Candidate> list;
            uint32_t latestRun = kNone;
        };
        std::unordered_map<uint64_t, KeyCandidates> candidates;                     // by run key
        std::unordered_map<uint32_t, uint64_t> candidateKey;                        // candidate -> its run key
        // Per bucket of run keys (a hash of them), the latest end of a Finished run whose key falls in it: a new
        // failed run that ended later than that is superseded by none of them.
        std::vector<int64_t> latestFinished;
        // The Running operations of each kind: a new Stale limit may make them Stale or not.
        std::unordered_map<StaleKey, std::vector<uint32_t>, StaleKeyHash> running;
        bool valid = false;
    } m_runs;
    FinishedRuns::KeyCandidates &fileCandidate(const Candidate &c);
    size_t m_aggregated = 0;
    std::vector<size_t> m_rowsBySource; // aggregated rows
    Change m_change;
};

} // namespace oplens
