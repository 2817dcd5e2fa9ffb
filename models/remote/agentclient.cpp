#include "agentclient.h"

#include "certificatetrust.h"
#include "networkerror.h"

#include <QJsonArray>
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

// The most an agent's answer other than its oplog may hold: about 8,000 acknowledgements with their longest comments.
// More is not an agent's answer; the request is cut off rather than held in memory.
constexpr qint64 kMaxAnswerBytes = 16 << 20;

QString encoded(const QString &text)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(text));
}

// "." and ".." would be taken as the path's dot segments (a restart of ".." sent to /v1/restart), and percent-encoded
// they are decoded back: such an id cannot be named in a URL.
QString unsendableId(const QString &operationId)
{
    if (operationId == QLatin1String(".") || operationId == QLatin1String(".."))
        return QStringLiteral("the operation id \"%1\" cannot be sent to an agent").arg(operationId);
    return {};
}

// Answers `done` for an id that cannot be sent (unsendableId()); false when it can.
bool refusedAsUnsendable(const QString &operationId, const std::function<void(const AcknowledgementAnswer &)> &done)
{
    const QString why = unsendableId(operationId);
    if (why.isEmpty())
        return false;
    AcknowledgementAnswer refusedHere;
    refusedHere.status = 400;
    refusedHere.error = why;
    done(refusedHere);
    return true;
}

// The new operation of a 202, or why there is none.
RestartAnswer launchedAnswer(QNetworkReply *reply)
{
    RestartAnswer answer{202, {}, {}, {}, true};
    const QJsonObject launched = QJsonDocument::fromJson(reply->readAll()).object();
    answer.operationId = launched.value(QStringLiteral("operationId")).toString();
    answer.log = launched.value(QStringLiteral("log")).toString();
    if (answer.operationId.isEmpty())
        answer.error = QStringLiteral("the agent's answer (202) names no new operation");
    return answer;
}

Acknowledgement acknowledgementOf(const QJsonObject &object)
{
    const QJsonValue at = object.value(QStringLiteral("at"));
    return {object.value(QStringLiteral("operationId")).toString(), object.value(QStringLiteral("log")).toString(),
            object.value(QStringLiteral("by")).toString(), at.isDouble() ? int64_t(at.toDouble()) : 0,
            object.value(QStringLiteral("comment")).toString()};
}

} // namespace

bool parseActions(const QByteArray &json, std::set<std::pair<QString, QString>> *actions)
{
    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isArray())
        return false;
    for (const QJsonValue &entry : document.array()) {
        const QJsonObject action = entry.toObject();
        actions->emplace(action.value(QStringLiteral("module")).toString(), action.value(QStringLiteral("name")).toString());
    }
    return true;
}

AcknowledgementAnswer parseAcknowledgements(const QByteArray &json)
{
    AcknowledgementAnswer answer;
    const QJsonDocument document = QJsonDocument::fromJson(json);
    const QJsonArray list = document.isArray() ? document.array() : QJsonArray{document.object()};
    for (const QJsonValue &entry : list) {
        const Acknowledgement ack = acknowledgementOf(entry.toObject());
        if (ack.operationId.isEmpty())
            ++answer.rejected;
        else
            answer.acknowledgements.push_back(ack);
    }
    return answer;
}

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
QNetworkReply *AgentClient::send(const QNetworkRequest &request, const QByteArray *postBody, bool deleteVerb)
{
    if (const QString why = refusal(); !why.isEmpty())
        return refused(why);
    if (!deleteVerb)
        return sendRemote(m_network, request, postBody);
    QNetworkReply *reply = m_network->deleteResource(request);
    checkCertificates(reply); // as sendRemote: the certificate the admin trusted for this server, and no other
    return reply;
}

QNetworkReply *AgentClient::getWhole(const QString &path)
{
    QNetworkReply *reply = send(request(path, m_timeoutSeconds));
    limitAnswerSize(reply, kMaxAnswerBytes);
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
    // One arg() for both: a "%2F" in the encoded id must not be taken for the next place marker.
    QString query = QStringLiteral("/v1/oplog?log=%1&from=%2").arg(encoded(m_spec.log), QString::number(from));
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
        done({0, {}, why, {}, false});
        return;
    }
    if (const QString why = unsendableId(operationId); !why.isEmpty()) {
        done({400, {}, why, {}, false});
        return;
    }
    QNetworkRequest r = request(QStringLiteral("/v1/operations/%1/restart").arg(QString::fromUtf8(QUrl::toPercentEncoding(operationId))),
                                m_timeoutSeconds);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("reason"), reason},
                                                      {QStringLiteral("idempotencyKey"), idempotencyKey}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = send(r, &body);
    limitAnswerSize(reply, kMaxAnswerBytes);
    QTimer::singleShot(m_timeoutSeconds * 1000, reply, [reply] { if (reply->isRunning()) reply->abort(); });
    const RemoteSpec spec = m_spec;
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, spec, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 202 && reply->error() == QNetworkReply::NoError && !answerTooLarge(reply)) {
            done(launchedAnswer(reply));
            return;
        }
        // A 202 cut off (given up on, too large, the connection closed) is no answer: sent again with the same key,
        // the agent answers it again.
        const bool whole = (reply->error() == QNetworkReply::NoError && !answerTooLarge(reply)) || status >= 300;
        QString why = describeNetworkFailure(reply, spec);
        if (why.isEmpty())
            why = QStringLiteral("%1: unexpected answer from the agent").arg(status);
        const auto error = reply->error();
        const bool reached = error != QNetworkReply::ConnectionRefusedError && error != QNetworkReply::HostNotFoundError
            && error != QNetworkReply::SslHandshakeFailedError;
        done({whole ? status : 0, {}, why, {}, reached});
    });
}

void AgentClient::acknowledge(const QString &operationId, const QString &log, const QString &comment, QObject *context,
                              std::function<void(const AcknowledgementAnswer &)> done)
{
    if (refusedAsUnsendable(operationId, done))
        return;
    QNetworkRequest r = request(QStringLiteral("/v1/operations/%1/acknowledge").arg(encoded(operationId)), m_timeoutSeconds);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("comment"), comment}, {QStringLiteral("log"), log}})
                                .toJson(QJsonDocument::Compact);
    sendAcknowledgement(r, &body, false, context, std::move(done));
}

void AgentClient::unacknowledge(const QString &operationId, const QString &log, QObject *context,
                                std::function<void(const AcknowledgementAnswer &)> done)
{
    if (refusedAsUnsendable(operationId, done))
        return;
    const QString path = QStringLiteral("/v1/operations/%1/acknowledge?log=%2").arg(encoded(operationId), encoded(log));
    sendAcknowledgement(request(path, m_timeoutSeconds), nullptr, true, context, std::move(done));
}

void AgentClient::acknowledgements(const QString &log, QObject *context, std::function<void(const AcknowledgementAnswer &)> done)
{
    const QString path = QStringLiteral("/v1/acknowledgements?log=%1").arg(encoded(log));
    sendAcknowledgement(request(path, m_timeoutSeconds), nullptr, false, context, std::move(done));
}

void AgentClient::sendAcknowledgement(const QNetworkRequest &request, const QByteArray *postBody, bool deleteVerb,
                                      QObject *context, std::function<void(const AcknowledgementAnswer &)> done)
{
    if (const QString why = refusal(); !why.isEmpty()) {
        AcknowledgementAnswer refusedHere;
        refusedHere.error = why;
        done(refusedHere);
        return;
    }
    QNetworkReply *reply = send(request, postBody, deleteVerb);
    QTimer::singleShot(m_timeoutSeconds * 1000, reply, [reply] { if (reply->isRunning()) reply->abort(); });
    limitAnswerSize(reply, kMaxAnswerBytes);
    const RemoteSpec spec = m_spec;
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, spec, done] {
        reply->deleteLater();
        AcknowledgementAnswer answer;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool cutOff = reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError;
        if (status == 200 && !cutOff && reply->error() == QNetworkReply::NoError) {
            answer = parseAcknowledgements(reply->readAll());
            answer.status = 200;
        } else {
            answer.status = cutOff ? 0 : status; // given up on: the whole answer did not come
            answer.error = describeNetworkFailure(reply, spec);
            if (answer.error.isEmpty())
                answer.error = QStringLiteral("%1: unexpected answer from the agent").arg(status);
        }
        done(answer);
    });
}

} // namespace oplens
