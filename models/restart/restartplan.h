// Whether an operation may be restarted from here, and why not, in one place for the console's dialogs and oplensctl
// (docs/oplog.md section 4); and the plan of a batch of restarts: each operation with its server, parameters,
// evidence and verdict, two runs of the same module, name and parameters restarted once.
#pragma once

#include "dataset.h"

#include <QString>
#include <set>
#include <utility>
#include <vector>

namespace oplens {

// How the operations of one source are restarted, as the caller knows it.
struct RestartSource {
    enum class Kind { Agent, Local, ReadOnly, Gone };
    Kind kind = Kind::Gone;
    QString server;      // where restarts run: an agent's host:port, "this computer" for a local file; limits are per server
    QString why;         // ReadOnly, Gone, or Local without a usable catalog: why nothing is restarted from here
    // The actions that can be run (module, name), once read from the agent's GET /v1/actions or the local catalog.
    bool actionsKnown = false;
    std::set<std::pair<QString, QString>> actions;
    QString actionsFrom; // "the agent at host:port", "the local catalog FILE": named in a refusal
};

// An operation of the same source as `op`, Queued or Running, with its module, name and parameters (`origin` aside,
// compared as the runner compares them): the agent and the runner refuse to restart `op` while it is active. kNone
// when there is none.
uint32_t activeDuplicate(const Dataset &data, uint32_t op);

// Why `op` is not restarted from here, or empty when it may be: not Interrupted, Failed or Aborted; restarted
// already; finished since (superseded); a duplicate queued or running; a source that is read-only or gone; no action
// for it. One sentence without a final period.
QString restartRefusal(const Dataset &data, uint32_t op, const RestartSource &source, bool utc = false);

struct PlanItem {
    QString source;          // its source's name in the dataset
    QString server;          // RestartSource::server
    QString operationId, module, name, host;
    QString parameters;      // what the restart runs with (parametersRunWith), `origin` included; empty: none
    Status status = Status::Unknown;
    int64_t startedAt = kNoTime;
    QString evidence;        // why it counts as Interrupted, or its error
    QString refusal;         // empty: it is restarted
    bool canRestart() const { return refusal.isEmpty(); }
};

// The plan for `ops` (each once, the oldest first): `sources` is indexed by the dataset's source. Of two or more
// with the same source, module, name and parameters (`origin` aside), the first is restarted and the others are
// refused as its duplicates.
std::vector<PlanItem> makeRestartPlan(const Dataset &data, const std::vector<uint32_t> &ops,
                                      const std::vector<RestartSource> &sources, bool utc = false);

// What "restart all interrupted" takes of `ops`: Interrupted, neither restarted nor superseded.
std::vector<uint32_t> interruptedToRestart(const Dataset &data, const std::vector<uint32_t> &ops);

// Where it runs, as an admin knows it: "mail3.example.com (127.0.0.1:18495)" when its events name the host, else the
// server (an agent's host:port, "this computer").
QString serverText(const PlanItem &item);
// The parameters that tell runs apart, without `origin`: "volume=/opt/zimbra/store2, account=alice" (a value that is
// not a string as JSON); empty when there are none.
QString parametersText(const QString &parameters);

// "3 to restart, 2 refused".
QString planSummary(const std::vector<PlanItem> &plan);

} // namespace oplens
