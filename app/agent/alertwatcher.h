// Finds the operations to alert about (docs/agent.md section 7) in the agent's shared OplogFollower, with the engine's
// status rules only: an operation that became Interrupted (neither restarted nor superseded), became Stale, or a
// restart this agent ran (restartOf, runner "oplensd") that ended Failed. Main thread.
//
// Incremental: after a full read of the oplogs every operation is looked at once; after that only the operations of
// the rows appended since, and the ones still Queued or Running (a ServiceStarted marker or the service's reported
// start interrupts them, and the clock makes them Stale).
#pragma once

#include "alertstate.h"
#include "dataset.h"

#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace oplens {
class OplogFollower;
}

namespace oplens::agent {

class AlertWatcher
{
public:
    using Acknowledged = std::function<bool(const QString &log, const QString &operationId)>;

    // `logIds[i]` names source i of the follower's data.
    AlertWatcher(std::shared_ptr<OplogFollower> follower, QStringList logIds, Acknowledged acknowledged);

    // The first start (no state file): what already needs attention is recorded in `known` without an alert, except
    // the operations of `recovered` (ids in source `source`), which this start's recovery marked Interrupted.
    void setFirstStart(int source, const QStringList &recovered);

    // Looks at what changed since the last call (the caller refreshed the follower). Adds the new keys to `known`
    // and returns the new alerts (acknowledged operations are recorded as known, never alerted); forgets the keys of
    // operations that no longer need an alert. `changed` says whether `known` changed.
    QList<AlertItem> scan(QSet<QString> &known, int64_t now, bool *changed);

    // Whether `item`'s operation was acknowledged or restarted since: it is dropped from a message not yet sent.
    bool outdated(const AlertItem &item) const;

private:
    // The kind of alert `op` calls for now ("interrupted", "stale", "failed"), or empty.
    QString kindOf(const Dataset &data, uint32_t op, int64_t now) const;
    AlertItem itemOf(const Dataset &data, uint32_t op, const QString &kind, int64_t now) const;
    // One operation: a new key (and alert) when it calls for one.
    void look(const Dataset &data, uint32_t op, int64_t now, QSet<QString> &known, QList<AlertItem> &alerts, bool *changed);
    void forget(const Dataset &data, int64_t now, QSet<QString> &known, bool *changed) const;
    int sourceOf(const QString &log) const;

    std::shared_ptr<OplogFollower> m_follower;
    QStringList m_logIds;
    Acknowledged m_acknowledged;
    uint64_t m_generation = ~uint64_t(0); // of the follower, when last scanned; none yet
    size_t m_rows = 0;                    // rows looked at
    std::vector<uint32_t> m_open;         // Queued or Running operations
    bool m_firstStart = false;
    int m_recoveredSource = -1;
    QSet<QString> m_recovered;
};

} // namespace oplens::agent
