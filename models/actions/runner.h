// Runs actions as recorded operations (docs/agent.md section 4, docs/oplog.md section 4): argv from the action catalog,
// QProcess without a shell, Queued / Started / Finished or Failed appended and made durable before answering.
#pragma once

#include "actioncatalog.h"
#include "dataset.h"
#include "oplogfollower.h"
#include "oplogwriter.h"

#include <QObject>
#include <QStringList>
#include <map>
#include <memory>

class QProcess;
class QTimer;

namespace oplens {

struct RestartRequest {
    QString operationId;
    QString reason;
    QString idempotencyKey; // the same key again, from the same identity for the same operation, answers the first
                            // answer and launches nothing; another identity or operation makes it another request
    QString identity;       // who asked: the authenticated admin, never a value the client sent
};

struct LaunchResult {
    int status = 0; // HTTP-like: 202 launched; 404, 409, 422 refused; 503 the oplog cannot be written
    QString error;  // one line, when refused
    QString operationId, restartOf;
    bool ok() const { return status == 202; }
};

class Runner : public QObject
{
    Q_OBJECT
public:
    // `oplogs` are read to find operations and their status; new operations are written to oplogs[runnerOplog].
    // `runnerName` marks every event written (`oplensd`, `oplensctl`).
    Runner(const QStringList &oplogs, int runnerOplog, const QString &runnerName, ActionCatalog catalog,
           QObject *parent = nullptr);
    // The same, reading through `oplogs`, which others share (oplensd's API, metrics and alerts).
    Runner(std::shared_ptr<OplogFollower> oplogs, int runnerOplog, const QString &runnerName, ActionCatalog catalog,
           QObject *parent = nullptr);
    ~Runner() override;

    void setServiceStartedAt(int64_t epochMs);
    // The room a restart needs free on the runner oplog's filesystem (default kDefaultMinFreeBytes, 1 MiB; 0: none).
    void setMinFreeBytes(qint64 bytes) { m_minFreeBytes = bytes; }
    // Restarts an Interrupted, Failed or Aborted operation with its action from the catalog.
    LaunchResult restart(const RestartRequest &request);
    // Runs a command given directly (oplensctl run): Started, then Finished or Failed.
    LaunchResult run(const QString &module, const QString &name, const std::string &parameters,
                     const QStringList &argv, const QString &identity);
    // Ends every run and records it Interrupted with `reason` (a graceful stop of the agent).
    void stop(const QString &reason);

    int active() const { return int(m_runs.size()); }
    // The oplogs as read now (after refresh()).
    const Dataset &data() const { return m_oplogs->data(); }
    void refresh() { m_oplogs->refresh(); }
    QString oplogPath() const { return m_oplogs->paths().value(m_runnerOplog); }
    // Why the runner oplog cannot be written now (a full disk, an I/O error), or empty when it can: while it is set,
    // restarts are refused with 503 and /v1/status says so. Each restart tries again; a write that works clears it.
    QString recordingProblem() const { return m_recordingProblem; }
    // Events written once the runner oplog can be written again (an operation's end that found the disk full).
    int unrecorded() const { return int(m_unrecorded.size()); }

Q_SIGNALS:
    void operationEnded(const QString &operationId, bool succeeded, const QString &error, int exitCode);
    void idle(); // nothing queued or running any more

private:
    struct Run;
    LaunchResult queue(std::unique_ptr<Run> run, bool writeQueued);
    void start(Run &run);
    void ended(const QString &id, const QString &type, const QString &error, int exitCode);
    void startQueued();
    QString write(const Run &run, const char *type, const std::map<std::string, std::string> &rawFields = {});
    QString record(const RunnerEvent &event);
    bool recordUnrecorded();
    QString readyToRecord();
    void startedUnrecorded(Run &run, const QString &why);
    bool sameOperationActive(const QString &module, const QString &name, std::string_view parameters) const;
    void loadIdempotencyKeys();

    std::shared_ptr<OplogFollower> m_oplogs;
    int m_runnerOplog;
    QString m_runnerName;
    ActionCatalog m_catalog;
    std::map<QString, std::unique_ptr<Run>> m_runs; // queued or running, by operation id
    std::map<QString, LaunchResult> m_idempotent; // by identity, operation and key
    QString m_bootId;
    QString m_recordingProblem;
    qint64 m_minFreeBytes;
    std::vector<RunnerEvent> m_unrecorded; // in order; retried by m_retry and before every restart
    QTimer *m_retry;
};

// Who asks for a restart run in this process (oplensctl, the console for a local file): this Unix account's name,
// else its uid (docs/oplog.md section 4).
QString localIdentity();
// The parameters `op` ran with: those of its latest Started event that has any, else of its Queued event, else of
// its latest event (docs/oplog.md section 4). A restart runs with them.
std::string_view parametersRunWith(const Dataset &data, uint32_t op);
// The parameters with `origin` left out and keys sorted: "the same parameters" of a restart's duplicate check
// (docs/oplog.md section 4), whatever their order.
std::string comparableParameters(std::string_view parameters);

} // namespace oplens
