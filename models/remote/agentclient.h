// Every request to an OpLens agent (docs/agent.md section 3): its status, its oplog, a restart. Each carries the bearer
// token and the CA of the source's spec, is refused before it is sent when the token would cross the network in clear
// (checked here, by each request, before any lookup or connection), follows no redirect (a 3xx is an error naming its
// Location), and has a time limit; its certificate is checked against the ones the admin trusted. Used by the remote
// source (status and oplog), the connection test, the console's restarter and shared acknowledgements, and
// `oplensctl restart`, `acknowledge` and `unacknowledge`.
#pragma once

#include "remotespec.h"

#include <QString>
#include <functional>
#include <set>
#include <utility>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QObject;

namespace oplens {

struct RestartAnswer {
    int status = 0;      // the agent's HTTP status; 0 when there was no answer (or the request was refused here)
    QString operationId; // the new operation's, when launched
    QString error;       // one line: why not (describeNetworkFailure), when not launched
    QString log;         // when launched: the agent's oplog it is recorded in (its runnerOplog); empty from an older agent
    bool reached = true; // without an answer: whether the request may have reached the agent (not when the connection
                         // was refused, the name unknown, TLS failed, or it was refused here)
    bool launched() const { return status == 202 && !operationId.isEmpty(); } // a 202 naming no operation is not
};

// "I have seen this interruption; I am on it" (docs/agent.md section 9). The console keeps a local file's in its
// settings (no `by`, no `log`); an agent keeps its own and says who (`by`, the token's identity).
struct Acknowledgement {
    QString operationId;
    QString log;     // the agent's oplog id; empty for a local file's
    QString by;      // who, as the agent knows the token; empty for a local file's
    int64_t at = 0;  // epoch ms
    QString comment;
};

// The answer to an acknowledgement request (POST, DELETE or the list).
struct AcknowledgementAnswer {
    int status = 0;  // the agent's HTTP status; 0 when there was no answer (or the request was refused here)
    QString error;   // one line: why not, when status is not 200
    std::vector<Acknowledgement> acknowledgements; // POST: the one made; GET: every current one of the log
    int rejected = 0; // GET: entries of the list that were not acknowledgements (left out)
    bool ok() const { return status == 200; }
};

// The list the agent answers to GET /v1/acknowledgements (or the one object POST answers, as a list of one).
// Entries without an operationId are counted in `rejected`, never trusted.
AcknowledgementAnswer parseAcknowledgements(const QByteArray &json);

// The (module, name) of each action in the agent's answer to GET /v1/actions, added to `actions`; false when the answer
// is not a list.
bool parseActions(const QByteArray &json, std::set<std::pair<QString, QString>> *actions);

class AgentClient
{
public:
    AgentClient(RemoteSpec spec, QNetworkAccessManager *network);

    const RemoteSpec &spec() const { return m_spec; }
    void setSecret(const QByteArray &secret) { m_spec.secret = secret; }
    // What makes every request impossible until the admin mends it (no token, token in clear, an empty CA file).
    QString refusal() const;
    // How long status() and restart() may take in all, and how long an oplog() may go without a byte beyond its wait
    // (default 30 s).
    void setTimeout(int seconds) { m_timeoutSeconds = seconds; }

    // GET /v1/status. The caller reads the reply (and deletes it). When refusal() says why not, nothing is sent and
    // the reply fails with that text (describeNetworkFailure gives it).
    QNetworkReply *status();
    // GET /v1/actions: what the agent can restart (module, name, parameter names; never the argv). Read as status().
    QNetworkReply *actions();
    // GET /v1/oplog from byte `from`; `epoch` as last seen (empty at first); `waitSeconds` > 0 long-polls.
    QNetworkReply *oplog(qint64 from, const QString &epoch, int waitSeconds);
    // POST /v1/operations/{id}/restart. `done` is called once, on `context`'s thread, never after `context` is gone.
    void restart(const QString &operationId, const QString &reason, const QString &idempotencyKey, QObject *context,
                 std::function<void(const RestartAnswer &)> done);
    // POST /v1/operations/{id}/acknowledge {comment, log}; DELETE the same ?log=; GET /v1/acknowledgements?log=.
    // `done` is called once, as for restart(), with the status, the error in words and the acknowledgements answered.
    void acknowledge(const QString &operationId, const QString &log, const QString &comment, QObject *context,
                     std::function<void(const AcknowledgementAnswer &)> done);
    void unacknowledge(const QString &operationId, const QString &log, QObject *context,
                       std::function<void(const AcknowledgementAnswer &)> done);
    void acknowledgements(const QString &log, QObject *context, std::function<void(const AcknowledgementAnswer &)> done);

private:
    QNetworkRequest request(const QString &pathAndQuery, int timeoutSeconds) const;
    QNetworkReply *getWhole(const QString &path); // a GET whose whole answer has the time limit

    QNetworkReply *refused(const QString &why) const;
    QNetworkReply *send(const QNetworkRequest &request, const QByteArray *postBody = nullptr, bool deleteVerb = false);
    // Sends an acknowledgement request and hands its answer to `done` (see acknowledge()).
    void sendAcknowledgement(const QNetworkRequest &request, const QByteArray *postBody, bool deleteVerb,
                             QObject *context, std::function<void(const AcknowledgementAnswer &)> done);

    RemoteSpec m_spec;
    QNetworkAccessManager *m_network;
    int m_timeoutSeconds = 30;
};

} // namespace oplens
