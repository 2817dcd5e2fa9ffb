#include "remotespec.h"

#include <QHostAddress>
#include <QSslCertificate>
#include <QSslConfiguration>

namespace oplens {

bool RemoteSpec::isRemote(const QString &text)
{
    for (const char *scheme : {"http://", "https://", "agent+http://", "agent+https://"})
        if (text.startsWith(QLatin1String(scheme), Qt::CaseInsensitive))
            return true;
    return false;
}

std::optional<RemoteSpec> RemoteSpec::fromUrl(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    RemoteSpec spec;
    if (trimmed.startsWith(QLatin1String("agent+"), Qt::CaseInsensitive)) {
        auto agent = AgentEndpoint::fromUrl(trimmed, error);
        if (!agent)
            return std::nullopt;
        spec.kind = Kind::Agent;
        spec.url = agent->base;
        spec.log = agent->log;
        spec.auth = Auth::Bearer;
        return spec;
    }
    const QUrl url(trimmed);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty() || url.path().isEmpty() || url.path() == QLatin1String("/")) {
        *error = QStringLiteral("\"%1\" is not the URL of an oplog file such as https://mail1.example.com/oplog.jsonl").arg(text);
        return std::nullopt;
    }
    if (!url.password().isEmpty()) {
        *error = QStringLiteral("%1: a password does not belong in a URL (it would be shown and saved); give the user "
                                "in the URL and the password apart").arg(url.toString(QUrl::RemovePassword));
        return std::nullopt;
    }
    spec.url = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveFragment);
    if (!url.userName().isEmpty()) {
        spec.auth = Auth::Basic;
        spec.user = url.userName();
    }
    return spec;
}

QString RemoteSpec::name() const
{
    if (kind == Kind::Agent)
        return agent().name();
    return url.toString(QUrl::RemoveUserInfo);
}

QString RemoteSpec::checkTransport() const
{
    if (url.scheme() != QLatin1String("http") || auth == Auth::None)
        return {};
    if (QHostAddress(url.host()).isLoopback() || url.host() == QLatin1String("localhost"))
        return {};
    return QStringLiteral("%1: use https:// for this server (http would send the %2 in clear)")
        .arg(name(), auth == Auth::Bearer ? QStringLiteral("token") : QStringLiteral("password"));
}

AgentEndpoint RemoteSpec::agent() const
{
    AgentEndpoint agent;
    agent.base = url;
    agent.token = secret;
    agent.caFile = caFile;
    agent.log = log;
    return agent;
}

QNetworkRequest remoteRequest(const RemoteSpec &spec, const QUrl &url)
{
    QNetworkRequest request(url);
    if (spec.auth == RemoteSpec::Auth::Bearer)
        request.setRawHeader("Authorization", "Bearer " + spec.secret);
    else if (spec.auth == RemoteSpec::Auth::Basic)
        request.setRawHeader("Authorization", "Basic " + (spec.user.toUtf8() + ':' + spec.secret).toBase64());
    // A redirect would carry the credentials elsewhere: it is reported instead (describeRemoteFailure).
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // The oplog is compared byte for byte with its mirror, and ranges count bytes of the file as stored.
    request.setRawHeader("Accept-Encoding", "identity");
    if (!spec.caFile.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(spec.caFile));
        request.setSslConfiguration(tls);
    }
    return request;
}

} // namespace oplens
