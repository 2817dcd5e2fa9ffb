// Talking to an OpLens agent (agent.md section 3) from the console and the CLI: requests with the bearer token and
// the trusted CA, and errors put in words an admin can act on. Reading its oplog is RemoteSource's.
#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <optional>

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

} // namespace oplens
