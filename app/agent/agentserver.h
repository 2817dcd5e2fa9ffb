// oplensd's HTTP API (docs/agent.md sections 2, 3, 6, 8 and 9): bearer tokens with roles and a lockout
// (authenticator.h), the oplogs served by byte range with long-polling (agentoplog.cpp), restarts through the Runner,
// shared acknowledgements (agentacknowledge.cpp), metrics (agentmetrics.cpp), an audit line per request (auditlog.h).
// The listener, its limits and its threads are httpserver.h's: screen() runs on the listener's thread, everything
// else here on the Qt main thread.
#pragma once

#include "acknowledgementstore.h"
#include "agentconfig.h"
#include "auditlog.h"
#include "authenticator.h"
#include "httpserver.h"
#include "runner.h"

#include <QFileSystemWatcher>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace oplens {
class OplogFollower;
}

namespace oplens::agent {

class Alerter;
class MetricsText;

// What the API works with besides its config; created by main() and outliving the server.
struct AgentParts {
    std::shared_ptr<OplogFollower> oplogs; // the config's oplogs, in order, as the engine reads them
    Runner *runner = nullptr;              // none when the config has no actions
    AcknowledgementStore *acknowledgements = nullptr;
    AuditLog *audit = nullptr;
};

class AgentServer : public QObject
{
    Q_OBJECT
public:
    AgentServer(Config config, AgentParts parts, QObject *parent = nullptr);
    ~AgentServer() override;
    // Starts listening; returns an error line, or empty.
    QString listen();
    void setServiceStartedAt(int64_t epochMs);
    // Alert deliveries by (channel, result), for /metrics (oplens_alerts_total).
    void setAlertCounts(std::function<std::map<std::pair<QString, QString>, quint64>()> counts);
    // The alerts' state for /v1/status ("alerts"); none: not configured.
    void setAlerter(const Alerter *alerter) { m_alerter = alerter; }

private:
    // Who asked what: the fields of the request's audit line.
    struct Origin {
        QString remote, identity, method, path;
    };
    // One admitted request being answered.
    struct Call {
        const HttpRequest &request;
        HttpReply reply;
        Caller caller;
        Origin origin;
    };
    struct Waiter { // a long-poll of /v1/oplog
        HttpReply reply;
        Origin origin;
        int log = 0;
        uint64_t from = 0;
        QString epoch;
        qint64 deadline = 0;
        uint64_t checkedSize = 0; // the log's size when it was last looked at for a whole line
    };
    struct LogState {
        uint64_t identity = 0, size = 0;
        int generation = 0; // bumped when the file shrinks
        QString head;       // a digest of its first line: a file rewritten while the agent was down has another
    };

    // The listener's thread, headers read, body not: authenticates (401 and 429 go out from there).
    std::optional<HttpResponse> screen(HttpRequest &head);
    // The main thread: each admitted request, routed to its endpoint (docs/agent.md section 3).
    void handle(HttpRequest &&request, HttpReply reply);
    // The main thread: a request the listener refused (screen(), 413, 414, 431), for the audit.
    void refused(const HttpRequest &head, int status, int notAuditedBefore);

    void serveStatus(const Call &call);
    void serveActions(const Call &call);
    void serveRestart(const Call &call, const QString &operationId);
    void serveAcknowledge(const Call &call, const QString &operationId);
    void serveUnacknowledge(const Call &call, const QString &operationId);
    void serveAcknowledgements(const Call &call);
    void serveMetrics(const Call &call);
    void serveMetricsOfAgent(const Call &call, MetricsText &m);
    // The index of the oplog named by the query's `log`, or -1 (and a 404 answered).
    int logOfQuery(const Call &call, const QString &id);
    void serveOplog(const Call &call);
    void answerOplog(const HttpReply &reply, const Origin &origin, int log, uint64_t from);
    void pollWaiters();
    void watchLogs(); // each oplog that exists is watched (again, after a rotation)

    void respond(const Call &call, int status, const QByteArray &json, const QJsonObject &auditExtra = {});
    static void send(const HttpReply &reply, int status, const QByteArray &body, const HttpHeaders &headers = {},
                     const QByteArray &type = "application/json");
    void audit(const Origin &origin, int status, const QJsonObject &extra = {});
    static Origin originOf(const HttpRequest &request, const QString &identity);
    static QByteArray errorBody(const QString &message); // {"error": message}

    QString epochOf(int log);
    void refreshLog(int log);
    // Whether a whole line follows `from`: a half-written one is not worth waking a long-poll for.
    bool hasCompleteLine(int log, uint64_t from) const;
    // Whether `from` is where a line starts (0, or just after a \n); a file that cannot be read says yes.
    bool startsALine(int log, uint64_t from) const;

    Config m_config;
    AgentParts m_parts;
    Runner *m_runner;
    Authenticator m_authenticator; // the listener's thread (screen)
    std::map<int, quint64> m_answered;      // requests answered, by status (oplens_http_requests_total)
    std::map<QString, quint64> m_restarts; // by result: accepted, refused, finished, failed
    std::function<std::map<std::pair<QString, QString>, quint64>()> m_alertCounts;
    const Alerter *m_alerter = nullptr;
    std::vector<LogState> m_logs;
    std::vector<Waiter> m_waiters;
    QTimer m_poll;                // every 250 ms while long-polls wait: their clients, their deadlines
    QFileSystemWatcher m_watcher; // an oplog written to: the long-polls are looked at at once (m_wake)
    QTimer m_wake;
    int64_t m_serviceStartedAt;
    HttpServer m_http; // last: stopped (in the destructor) before the rest goes
};

} // namespace oplens::agent
