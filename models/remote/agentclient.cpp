#include "agentclient.h"

#include "networkerror.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>

namespace oplens {

namespace {
constexpr int kTimeoutSeconds = 30;
} // namespace

AgentClient::AgentClient(RemoteSpec spec, QNetworkAccessManager *network) : m_spec(std::move(spec)), m_network(network) {}

QString AgentClient::refusal() const
{
    if (m_spec.secret.isEmpty())
        return QStringLiteral("%1: no token for this agent").arg(m_spec.name());
    if (const QString why = m_spec.checkTransport(); !why.isEmpty())
        return why;
    if (!m_spec.caFile.isEmpty() && QSslCertificate::fromPath(m_spec.caFile).isEmpty())
        return QStringLiteral("the CA file %1 holds no PEM certificate").arg(m_spec.caFile);
    return {};
}

QNetworkRequest AgentClient::request(const QString &pathAndQuery, int timeoutSeconds) const
{
    QNetworkRequest r = remoteRequest(m_spec, m_spec.url.resolved(QUrl(pathAndQuery)));
    r.setTransferTimeout(timeoutSeconds * 1000);
    return r;
}

QNetworkReply *AgentClient::status()
{
    return sendRemote(m_network, request(QStringLiteral("/v1/status"), kTimeoutSeconds));
}

QNetworkReply *AgentClient::oplog(qint64 from, const QString &epoch, int waitSeconds)
{
    QString query = QStringLiteral("/v1/oplog?log=%1&from=%2").arg(QString::fromUtf8(QUrl::toPercentEncoding(m_spec.log))).arg(from);
    if (waitSeconds > 0)
        query += QStringLiteral("&wait=%1").arg(waitSeconds);
    QNetworkRequest r = request(query, waitSeconds + kTimeoutSeconds); // the agent holds a long-poll up to waitSeconds
    if (!epoch.isEmpty())
        r.setRawHeader("X-Oplog-Epoch", epoch.toLatin1());
    return sendRemote(m_network, r);
}

void AgentClient::restart(const QString &operationId, const QString &reason, const QString &idempotencyKey,
                          QObject *context, std::function<void(const RestartAnswer &)> done)
{
    if (const QString why = refusal(); !why.isEmpty()) {
        done({0, {}, why});
        return;
    }
    QNetworkRequest r = request(QStringLiteral("/v1/operations/%1/restart").arg(QString::fromUtf8(QUrl::toPercentEncoding(operationId))),
                                kTimeoutSeconds);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("reason"), reason},
                                                      {QStringLiteral("idempotencyKey"), idempotencyKey}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = sendRemote(m_network, r, &body);
    const RemoteSpec spec = m_spec;
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, spec, done] {
        reply->deleteLater();
        RestartAnswer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (answer.launched())
            answer.operationId = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("operationId")).toString();
        else
            answer.error = describeNetworkFailure(reply, spec);
        done(answer);
    });
}

} // namespace oplens
