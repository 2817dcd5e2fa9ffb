// Launches the restart of an operation (docs/oplog.md section 4): through its source's agent, or, for a local file,
// with the local action catalog (the console is then the runner, as oplensctl is).
#pragma once

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

    // Why `op` cannot be restarted from here, or empty when it can.
    QString refusal(uint32_t op) const;
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

Q_SIGNALS:
    // `operationId` is the new operation's when launched; `message` says what happened or why not, and what to do;
    // `running` names the queued or running twin a 409 refusal was about, when the loaded data knows it.
    void finished(bool launched, uint16_t source, const QString &operationId, const QString &message,
                  const QString &running = {});

private:
    Runner *localRunner(const QString &path, std::shared_ptr<OplogFollower> oplog, QString *error);
    // Calls `use` with the runner of a local file (made once, after reading the file in a worker), or with why none.
    void withLocalRunner(const QString &path, std::function<void(Runner *, const QString &)> use);

    Session *m_session;
    QNetworkAccessManager m_network;
    std::map<QString, std::unique_ptr<Runner>> m_runners; // per local file: their processes live with the console
};

} // namespace oplens::ui
