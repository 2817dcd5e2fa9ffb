// oplensd's HTTP API (docs/agent.md sections 2, 3 and 6) on QHttpServer: bearer tokens with roles, a limit on failed
// attempts, the oplogs served by byte range with long-polling, restarts through the Runner, an audit line per request.
#pragma once

#include "agentconfig.h"
#include "runner.h"

#include <QDateTime>
#include <QHash>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <deque>
#include <memory>

namespace oplens::agent {

class AgentServer : public QObject
{
    Q_OBJECT
public:
    AgentServer(Config config, Runner *runner, QObject *parent = nullptr);
    // Starts listening; returns an error line, or empty.
    QString listen();
    void setServiceStartedAt(int64_t epochMs);

private:
    struct Caller {
        QString identity;
        bool operatorRole = false;
    };
    struct Waiter { // a long-poll of /v1/oplog
        std::shared_ptr<QHttpServerResponder> responder;
        QPointer<QTcpSocket> socket;
        int log = 0;
        uint64_t from = 0;
        QString epoch;
        qint64 deadline = 0;
        QString remote, identity, path;
        uint64_t checkedSize = 0; // the log's size when it was last looked at for a whole line
    };
    struct LogState {
        uint64_t identity = 0, size = 0;
        int generation = 0; // bumped when the file shrinks
        QString head;       // a digest of its first line: a file rewritten while the agent was down has another
    };

    // Binds each endpoint to its handler (docs/agent.md section 3).
    void routes();
    void serveStatus(const QHttpServerRequest &request, QHttpServerResponder &responder, const Caller &caller);
    void serveActions(const QHttpServerRequest &request, QHttpServerResponder &responder, const Caller &caller);
    void serveRestart(const QString &operationId, const QHttpServerRequest &request, QHttpServerResponder &responder,
                      const Caller &caller);
    // Checks the bearer token; on failure writes the answer (401 / 429), audits it and returns nullopt.
    std::optional<Caller> authenticate(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void respond(QHttpServerResponder &responder, const QHttpServerRequest &request, const QString &identity,
                 int status, const QByteArray &json, const QJsonObject &auditExtra = {});
    void audit(const QString &remote, const QString &identity, const QString &method, const QString &path, int status,
               const QJsonObject &extra = {});
    QString epochOf(int log);
    void refreshLog(int log);
    void serveOplog(const QHttpServerRequest &request, QHttpServerResponder &&responder, const Caller &caller);
    void answerOplog(QHttpServerResponder &responder, int log, uint64_t from, const QString &remote,
                     const QString &identity, const QString &path);
    void pollWaiters();
    // Whether a whole line follows `from`: a half-written one is not worth waking a long-poll for.
    bool hasCompleteLine(int log, uint64_t from) const;

    Config m_config;
    Runner *m_runner;
    QHttpServer m_server;
    QHash<QString, std::deque<qint64>> m_failures; // remote address -> times of failed attempts
    QHash<QString, qint64> m_blockedUntil;
    std::vector<LogState> m_logs;
    std::vector<Waiter> m_waiters;
    QTimer m_poll;
    int64_t m_serviceStartedAt;
    QString m_auditError;
};

} // namespace oplens::agent
