// Talking to an OpLens agent (agent.md section 3) from the console and the CLI: requests with the bearer token and
// the trusted CA, blocking reads for workers, and errors put in words an admin can act on.
#pragma once

#include "eventstore.h"
#include "oplogreader.h"

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <atomic>

class QNetworkReply;

namespace oplens {

struct AgentEndpoint {
    QUrl base;         // http(s)://host:port
    QByteArray token;  // kept in memory only
    QString caFile;    // trusted as well as the system's CAs
    QString log = QStringLiteral("main");

    // "agent+https://host:port" with an optional "#LOG" (the oplog's id on the agent).
    static std::optional<AgentEndpoint> fromUrl(const QString &url, QString *error);
    QString name() const; // agent+https://host:port#log
};

QNetworkRequest agentRequest(const AgentEndpoint &agent, const QString &pathAndQuery);
// One line about a failed reply: TLS with the certificate's details, refused, 401/403 with what to do, ...
QString describeReply(QNetworkReply *reply);

struct AgentStatus {
    QString error;
    QString host;
    int64_t serviceStartedAt = kNoTime;
    QStringList oplogs;
};
// Blocking: for worker threads only (each call runs its own event loop).
AgentStatus fetchAgentStatus(const AgentEndpoint &agent, const std::atomic_bool *cancel);
// Reads the agent's oplog from 0 to its end into `store`; `epoch` receives the agent's epoch of the file.
ReadResult readAgentOplog(const AgentEndpoint &agent, EventStore &store, uint16_t source, const std::atomic_bool *cancel,
                          QString *epoch);

} // namespace oplens
