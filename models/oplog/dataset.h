// The events of every source and the operations aggregated from them with the rules of docs/oplog.md section 3.
#pragma once

#include "eventstore.h"

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
    int64_t firstStartedEvent = kNoTime; // the earliest Started event
    int64_t startedAt = kNoTime;  // first Started event, else the first event
    int64_t endedAt = kNoTime;    // when it became terminal
    Status status = Status::Unknown;
    Evidence evidence = Evidence::None;
};

class Dataset
{
public:
    using Row = EventStore::Row;

    EventStore &events() { return m_events; }
    const EventStore &events() const { return m_events; }
    uint16_t addSource(const QString &name);

    // Aggregates the rows appended to events() since the last call.
    void aggregate();
    // Appends a batch parsed on its own (all of its source 0) as events of `source`, and aggregates it.
    void appendBatch(Dataset &&batch, uint16_t source);

    // Evidence given from outside the log (docs/oplog.md section 3); both re-derive the statuses.
    void setServiceStartedAt(uint16_t source, int64_t epochMs);
    void setAssumeInterrupted(uint16_t source, bool assume);
    // The latest start of `source`'s service: its last ServiceStarted marker or the agent's serviceStartedAt; kNoTime
    // when neither is known.
    int64_t lastServiceStart(uint16_t source) const;

    size_t operationCount() const { return m_ops.size(); }
    const Operation &operation(uint32_t op) const { return m_ops[op]; }
    bool exists(uint32_t op) const { return op < m_ops.size() && m_ops[op].eventCount > 0; }
    uint32_t findOperation(uint16_t source, std::string_view id) const;

    uint32_t module(uint32_t op) const { return m_events.module(m_ops[op].firstRow); }
    uint32_t name(uint32_t op) const { return m_events.name(m_ops[op].firstRow); }
    uint32_t host(uint32_t op) const { return m_events.host(m_ops[op].firstRow); }
    uint16_t source(uint32_t op) const { return m_events.ids().source(op); }
    int64_t duration(uint32_t op, int64_t now) const;

    bool isUnfinished(uint32_t op) const;
    bool isRestarted(uint32_t op) const;
    bool isStale(uint32_t op, int64_t now) const;
    // Interrupted and not restarted yet, or Stale: what the Notifications pane lists.
    bool needsAttention(uint32_t op, int64_t now) const;
    // "ZxBackup SmartScan on mail1.example.com" (the source's file name when the events name no host).
    QString title(uint32_t op) const;
    // Why it is Interrupted, in one line ("service restarted at ...", the event's error, ...).
    QString interruptionReason(uint32_t op) const;
    // The rows of one operation in time order.
    std::vector<Row> rowsOf(uint32_t op) const;
    // Running longer than this (ms) is Stale for that module and name.
    int64_t staleLimit(uint32_t module, uint32_t name) const;

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
    void deriveAll();
    void computeStaleLimits();

    EventStore m_events;
    std::vector<Operation> m_ops; // indexed like events().ids()
    std::vector<SourceEvidence> m_evidence;
    std::unordered_map<uint64_t, int64_t> m_staleLimits; // (module << 32 | name) -> ms
    size_t m_aggregated = 0;
};

} // namespace oplens
