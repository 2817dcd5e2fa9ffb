#include "agentclient.h"

#include "networkerror.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTimer>

namespace oplens {

namespace {

// A request refused here, before any lookup or connection: it fails as a reply would, with the refusal as its error
// text, once the caller has connected to it.
class RefusedReply : public QNetworkReply
{
public:
    RefusedReply(const QUrl &url, const QString &why, QObject *parent) : QNetworkReply(parent)
    {
        setUrl(url);
        setOperation(QNetworkAccessManager::GetOperation);
        open(QIODevice::ReadOnly);
        setError(QNetworkReply::ProtocolUnknownError, why);
        setFinished(true);
        QMetaObject::invokeMethod(this, [this] {
            Q_EMIT errorOccurred(error());
            Q_EMIT finished();
        }, Qt::QueuedConnection);
    }
    void abort() override {}

protected:
    qint64 readData(char *, qint64) override { return -1; }
};

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
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy); // never followed
    r.setTransferTimeout(timeoutSeconds * 1000);
    return r;
}

QNetworkReply *AgentClient::refused(const QString &why) const
{
    return new RefusedReply(m_spec.url, why, m_network);
}

// Sends, unless refusal() says why not: the transport rule is checked by every request, whoever calls.
QNetworkReply *AgentClient::send(const QNetworkRequest &request, const QByteArray *postBody)
{
    if (const QString why = refusal(); !why.isEmpty())
        return refused(why);
    return sendRemote(m_network, request, postBody);
}

QNetworkReply *AgentClient::getWhole(const QString &path)
{
    QNetworkReply *reply = send(request(path, m_timeoutSeconds));
    // A server that trickles a byte now and then never trips the transfer timeout: the whole answer has a limit.
    QTimer::singleShot(m_timeoutSeconds * 1000, reply, [reply] { if (reply->isRunning()) reply->abort(); });
    return reply;
}

QNetworkReply *AgentClient::status()
{
    return getWhole(QStringLiteral("/v1/status"));
}

QNetworkReply *AgentClient::actions()
{
    return getWhole(QStringLiteral("/v1/actions"));
}

QNetworkReply *AgentClient::oplog(qint64 from, const QString &epoch, int waitSeconds)
{
    QString query = QStringLiteral("/v1/oplog?log=%1&from=%2").arg(QString::fromUtf8(QUrl::toPercentEncoding(m_spec.log))).arg(from);
    if (waitSeconds > 0)
        query += QStringLiteral("&wait=%1").arg(waitSeconds);
    // The agent holds a long-poll up to waitSeconds; a large answer may take long, as long as bytes come.
    QNetworkRequest r = request(query, waitSeconds + m_timeoutSeconds);
    if (!epoch.isEmpty())
        r.setRawHeader("X-Oplog-Epoch", epoch.toLatin1());
    return send(r);
}

void AgentClient::restart(const QString &operationId, const QString &reason, const QString &idempotencyKey,
                          QObject *context, std::function<void(const RestartAnswer &)> done)
{
    if (const QString why = refusal(); !why.isEmpty()) {
        done({0, {}, why});
        return;
    }
    QNetworkRequest r = request(QStringLiteral("/v1/operations/%1/restart").arg(QString::fromUtf8(QUrl::toPercentEncoding(operationId))),
                                m_timeoutSeconds);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("reason"), reason},
                                                      {QStringLiteral("idempotencyKey"), idempotencyKey}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = send(r, &body);
    QTimer::singleShot(m_timeoutSeconds * 1000, reply, [reply] { if (reply->isRunning()) reply->abort(); });
    const RemoteSpec spec = m_spec;
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, spec, done] {
        reply->deleteLater();
        RestartAnswer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError)
            answer.status = 0; // given up on: its status line came, the whole answer did not
        if (answer.launched())
            answer.operationId = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("operationId")).toString();
        else
            answer.error = describeNetworkFailure(reply, spec);
        done(answer);
    });
}

} // namespace oplens
