#include "agentclient.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>


namespace oplens {

std::optional<AgentEndpoint> AgentEndpoint::fromUrl(const QString &url, QString *error)
{
    QString text = url.trimmed();
    if (text.startsWith(QLatin1String("agent+")))
        text = text.mid(6);
    QUrl parsed(text);
    if (!parsed.isValid() || (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))
        || parsed.host().isEmpty()) {
        if (error)
            *error = QStringLiteral("\"%1\" is not an agent URL such as agent+https://mail1.example.com:8470").arg(url);
        return std::nullopt;
    }
    const QHostAddress host(parsed.host());
    if (parsed.scheme() == QLatin1String("http") && !(host.isLoopback() || parsed.host() == QLatin1String("localhost"))) {
        if (error) // the agent refuses this too: a token must not cross the network in clear
            *error = QStringLiteral("%1: use agent+https:// for a remote agent (http sends the token in clear)").arg(url);
        return std::nullopt;
    }
    AgentEndpoint agent;
    if (parsed.hasFragment() && !parsed.fragment().isEmpty())
        agent.log = parsed.fragment();
    parsed.setFragment({});
    parsed.setPath({});
    agent.base = parsed;
    return agent;
}

QString AgentEndpoint::name() const
{
    return QStringLiteral("agent+%1#%2").arg(base.toString(QUrl::RemoveUserInfo), log);
}

QNetworkRequest agentRequest(const AgentEndpoint &agent, const QString &pathAndQuery)
{
    QNetworkRequest request(agent.base.resolved(QUrl(pathAndQuery)));
    request.setRawHeader("Authorization", "Bearer " + agent.token);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(90 * 1000);
    if (!agent.caFile.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(agent.caFile));
        request.setSslConfiguration(tls);
    }
    return request;
}

QString describeReply(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString server = QJsonDocument::fromJson(reply->peek(4096)).object().value(QStringLiteral("error")).toString();
    switch (status) {
    case 401: return QStringLiteral("401: the agent does not know this token (%1). Check the token.").arg(server);
    case 403: return QStringLiteral("403: %1. Ask for an operator token.").arg(server.isEmpty() ? QStringLiteral("not allowed") : server);
    case 429: return QStringLiteral("429: too many failed attempts from this address; wait a minute.");
    default: break;
    }
    if (status >= 400)
        return QStringLiteral("%1: %2").arg(status).arg(server.isEmpty() ? reply->errorString() : server);
    switch (reply->error()) {
    case QNetworkReply::SslHandshakeFailedError: return QStringLiteral("TLS: %1 (the certificate does not verify; trust its CA with a CA file)").arg(reply->errorString());
    case QNetworkReply::ConnectionRefusedError: return QStringLiteral("connection refused: is oplensd running on %1?").arg(reply->url().authority());
    case QNetworkReply::HostNotFoundError: return QStringLiteral("host not found: %1").arg(reply->url().host());
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: return QStringLiteral("no answer in time from %1").arg(reply->url().authority());
    default: return reply->errorString();
    }
}

} // namespace oplens
