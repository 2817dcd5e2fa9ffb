// Launches the restart of an operation (docs/oplog.md section 4): through its source's agent, or, for a local file,
// with the local action catalog (the console is then the runner, as oplensctl is).
#pragma once

#include "batchrestart.h"
#include "runner.h"
#include "session.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <functional>
#include <map>
#include <memory>

namespace oplens::ui {

class Restarter : public QObject
{
    Q_OBJECT
public:
    explicit Restarter(Session *session, QObject *parent = nullptr);

    // Why `op` cannot be restarted from here, or empty when it can: restartRefusal() in a sentence.
    QString refusal(uint32_t op) const;
    // How the operations of `data`'s source `slot` are restarted from here; the actions are not known yet
    // (askActions()). By name: until a rebuild after Remove ends, the dataset's slots are not the session's.
    RestartSource restartSourceOf(const Dataset &data, uint16_t slot) const;
    std::vector<RestartSource> restartSources(const Dataset &data) const; // indexed by the dataset's source
    // Reads what `source` can run: the agent's GET /v1/actions, or the local catalog (in a worker). `done` gets the
    // source with its actions known, or as it was and why not, once, on `context`'s thread, never after `context` is
    // gone. False (and nothing asked) for a source that restarts nothing.
    bool askActions(const QString &sourceName, const RestartSource &source, QObject *context,
                    std::function<void(const RestartSource &, const QString &problem)> done);
    // A batch's LaunchRestart (BatchRestart): sends the restart of `item`, looked up by its source's name and id in
    // the data as it is now, with `idempotencyKey`. An agent's restart recorded in a log the console does not follow
    // opens that log (logOpened), so that its end is seen.
    void launch(const PlanItem &item, const QString &reason, const QString &idempotencyKey, QObject *context,
                std::function<void(const LaunchAnswer &)> done);
    void restart(uint32_t op, const QString &reason);
    // What a restart of `op` will run, as the local action catalog says (argv, timeout), or why nothing would; empty
    // for an agent's operation (its catalog is the agent's).
    QString plan(uint32_t op) const;
    // The same for an agent's operation, from the agent's GET /v1/actions: `done` gets the text once, on `context`'s
    // thread, never after `context` is gone. Nothing is asked (and false returned) for other operations.
    bool askAgentPlan(uint32_t op, QObject *context, std::function<void(const QString &)> done);
    static QString catalogPath();                 // the local action catalog (settings)
    static void setCatalogPath(const QString &path);
    // "Restart accepted: new operation ID".
    static QString acceptedText(const QString &operationId);
    // A refusal in words: the agent's or runner's `error` without its status code, or `duplicate` (duplicateText())
    // for a 409 when the loaded data knows the running twin; then what to do.
    static QString refusalText(int status, const QString &error, const QString &duplicate = {});
    // The same without "Refused: ": the words and what to do.
    static QString answerText(int status, const QString &error, const QString &duplicate = {});

Q_SIGNALS:
    // `operationId` is the new operation's when launched, recorded in the source named `source`; `message` says what
    // happened or why not, and what to do; `running` names the queued or running twin (of `source`) a 409 refusal was
    // about, when the loaded data knows it.
    void finished(bool launched, const QString &source, const QString &operationId, const QString &message,
                  const QString &running = {});
    // A restart this console ran (a local file's) ended: BatchRestart::noteEnded().
    void localRestartEnded(const QString &operationId, bool succeeded, const QString &why);
    // The agent records restarts in `source`, which was not open: it was opened to follow them.
    void logOpened(const QString &source);

private:
    Runner *localRunner(const QString &path, std::shared_ptr<OplogFollower> oplog, QString *error);
    // Calls `use` with the runner of a local file (made once, after reading the file in a worker), or with why none.
    void withLocalRunner(const QString &path, std::function<void(Runner *, const QString &)> use);
    // For a 409: the words and id of the queued or running twin the data now knows, or nothing.
    std::pair<QString, QString> runningTwin(const QString &sourceName, const QString &operationId, int status) const;
    // The session's source named `name` (a path or a remote source's name), or null.
    const SourceState *sourceNamed(const QString &name) const;
    void launchOnAgent(const SourceState &source, const QString &operationId, const QString &reason, const QString &key,
                       QObject *context, std::function<void(const LaunchAnswer &)> done);
    // The name of the source the agent of `sourceName` records restarts in (its `log`), opened when it is not yet;
    // empty when it is that source itself.
    QString followLog(const QString &sourceName, const QString &log);

    Session *m_session;
    QNetworkAccessManager m_network;
    std::map<QString, std::unique_ptr<Runner>> m_runners; // per local file: their processes live with the console
};

} // namespace oplens::ui
