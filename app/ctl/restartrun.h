// `oplensctl restart`, the running half: a confirmed plan run by BatchRestart (models/restart), each restart sent
// through its source's agent or a runner in this process, the agents' logs followed to see each new operation end,
// one line per operation on standard output (docs/cli.md "restart").
#pragma once

#include "actioncatalog.h"
#include "batchrestart.h"
#include "remotespec.h"

#include <QString>
#include <map>
#include <optional>
#include <vector>

namespace oplens::cli {

// How the restarts of one source (by its name in the dataset) are sent.
struct RestartTarget {
    std::optional<RemoteSpec> agent; // an agent's oplog, with its token and CA
    QString localPath;               // else a local oplog, restarted by a runner in this process with the catalog
};

struct RestartRunOptions {
    QString reason;
    BatchOptions batch;
    bool wait = false;       // until every launched restart ends (else until every one is launched)
    int timeoutSeconds = 30; // each request to an agent
    std::optional<ActionCatalog> catalog; // for local oplogs
};

// What became of a batch, for the exit status.
struct RestartOutcome {
    bool refused = false;     // by the plan, the agent or the runner; or not confirmed
    bool failed = false;      // a restarted operation failed (seen while this process ran)
    bool unreachable = false; // an agent did not answer, or a source could not be read
    bool stopped = false;     // Ctrl+C
    void add(const RestartOutcome &other);
};

// 130 after Ctrl+C, else 5 failed, 4 refused, 2 unreachable, 0: the first that applies.
int exitStatus(const RestartOutcome &outcome);

// Prints one line on standard output, at once (a script reads it as it comes).
void printResult(const QString &line);

// Runs the plan; returns once everything is launched (with `wait`, once everything ended) and this process's own
// restarts ended.
RestartOutcome runRestarts(std::vector<PlanItem> plan, const std::map<QString, RestartTarget> &targets,
                           const RestartRunOptions &options);

} // namespace oplens::cli
