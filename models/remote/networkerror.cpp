#include "networkerror.h"

#include "certificatetrust.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace oplens {

namespace {
bool isAgent(const RemoteSpec &spec) { return spec.kind == RemoteSpec::Kind::Agent; }

// The agent answers errors as {"error": "one line"}; a web server's reason phrase otherwise.
QString serverText(QNetworkReply *reply)
{
    const QString agent = QJsonDocument::fromJson(reply->peek(4096)).object().value(QStringLiteral("error")).toString();
    return agent.isEmpty() ? reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString() : agent;
}

QString describeStatus(QNetworkReply *reply, int status, const RemoteSpec &spec)
{
    const QString server = serverText(reply);
    if (status >= 300 && status < 400) { // a redirect would carry the credentials elsewhere: never followed
        const QString to = QString::fromUtf8(reply->rawHeader("Location"));
        return QStringLiteral("%1: the server sends this URL elsewhere%2; open that URL instead")
            .arg(status).arg(to.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(to));
    }
    switch (status) {
    case 401:
        if (isAgent(spec))
            return QStringLiteral("401: the agent does not know this token (%1). Check the token.").arg(server);
        return spec.auth == RemoteSpec::Auth::None
                   ? QStringLiteral("401: the server wants credentials: give a token, or a user and password")
                   : QStringLiteral("401: the server refused these credentials");
    case 403:
        if (isAgent(spec))
            return QStringLiteral("403: %1. Ask for an operator token.").arg(server.isEmpty() ? QStringLiteral("not allowed") : server);
        return QStringLiteral("403: the server refuses to serve this file");
    case 404:
        if (!isAgent(spec))
            return QStringLiteral("404: there is no such file on the server");
        break;
    case 429: return QStringLiteral("429: too many failed attempts from this address; wait a minute.");
    default: break;
    }
    return QStringLiteral("%1: %2").arg(status).arg(server.isEmpty() ? reply->errorString() : server);
}

QString describeTls(QNetworkReply *reply)
{
    const CertificateProblem p = certificateProblemOf(reply);
    if (p.isNull())
        return QStringLiteral("TLS: %1 (the certificate does not verify; trust its CA with a CA file)").arg(reply->errorString());
    if (p.changed)
        return QStringLiteral("TLS: WARNING: the certificate of %1 CHANGED: it is not the one you trusted before (SHA-256 %2)")
            .arg(p.server, p.fingerprint);
    return QStringLiteral("TLS: the certificate of %1 does not verify (%2; SHA-256 %3)")
        .arg(p.server, p.errors.join(QLatin1String("; ")), p.fingerprint);
}
} // namespace

namespace {
const char *const kLimit = "oplensAnswerLimit";    // limitAnswerSize()'s limit
const char *const kTooLarge = "oplensAnswerTooLarge"; // set on a reply over it: its limit
} // namespace

bool answerTooLarge(QNetworkReply *reply)
{
    if (reply->property(kTooLarge).isValid())
        return true;
    // Over a fast link the whole answer may be in before the progress that would have cut it off is seen.
    const QVariant limit = reply->property(kLimit);
    if (!limit.isValid() || reply->bytesAvailable() <= limit.toLongLong())
        return false;
    reply->setProperty(kTooLarge, limit);
    return true;
}

void limitAnswerSize(QNetworkReply *reply, qint64 limitBytes)
{
    reply->setProperty(kLimit, limitBytes);
    QObject::connect(reply, &QNetworkReply::downloadProgress, reply, [reply, limitBytes](qint64 received) {
        if (received > limitBytes && reply->isRunning()) {
            reply->setProperty(kTooLarge, limitBytes);
            reply->abort();
        }
    });
}

QString describeNetworkFailure(QNetworkReply *reply, const RemoteSpec &spec)
{
    if (answerTooLarge(reply))
        return QStringLiteral("the %1's answer is larger than %2 MiB: cut off")
            .arg(isAgent(spec) ? QStringLiteral("agent") : QStringLiteral("server"))
            .arg(reply->property(kTooLarge).toLongLong() >> 20);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status != 304 && status != 416)
        return describeStatus(reply, status, spec);
    switch (reply->error()) {
    case QNetworkReply::NoError: return {};
    case QNetworkReply::HostNotFoundError: return QStringLiteral("DNS: the name %1 is not known").arg(reply->url().host());
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused: nothing listens on %1 (is %2 running there?)")
            .arg(reply->url().authority(), isAgent(spec) ? QStringLiteral("oplensd") : QStringLiteral("a web server"));
    case QNetworkReply::SslHandshakeFailedError: return describeTls(reply);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("no answer in time from %1").arg(reply->url().authority());
    default: return reply->errorString();
    }
}

} // namespace oplens
