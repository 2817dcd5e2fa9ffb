#include "remotespec.h"

#include "certificatetrust.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>

#include <algorithm>

namespace oplens {

namespace {
// "agent+https://host:port" with an optional "#LOG" (the oplog's id on the agent): always a bearer token.
std::optional<RemoteSpec> agentFromUrl(const QString &text, QString *error)
{
    QUrl parsed(text.mid(int(qstrlen("agent+"))));
    if (!parsed.isValid() || (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))
        || parsed.host().isEmpty()) {
        *error = QStringLiteral("\"%1\" is not an agent URL such as agent+https://mail1.example.com:8470").arg(text);
        return std::nullopt;
    }
    RemoteSpec spec;
    spec.kind = RemoteSpec::Kind::Agent;
    spec.auth = RemoteSpec::Auth::Bearer;
    if (parsed.hasFragment() && !parsed.fragment().isEmpty())
        spec.log = parsed.fragment();
    spec.url = parsed.adjusted(QUrl::RemoveFragment | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    if (const QString why = spec.checkTransport(); !why.isEmpty()) { // said at once, not at the first request
        *error = why;
        return std::nullopt;
    }
    return spec;
}

// "ssh://[user@]host[:port]/path": read-only, no secret (keys and host keys stay with ssh).
std::optional<RemoteSpec> sshFromUrl(const QString &text, QString *error)
{
    const QUrl url(text);
    const QString path = url.path(QUrl::FullyDecoded);
    if (url.isValid() && !url.host().isEmpty() && path.endsWith(QLatin1Char('/'))) {
        *error = QStringLiteral("\"%1\" names a folder (it ends with /): give the oplog file's path").arg(text);
        return std::nullopt;
    }
    if (!url.isValid() || url.host().isEmpty() || path.isEmpty() || url.hasQuery() || url.hasFragment()) {
        *error = QStringLiteral("\"%1\" is not an SSH source such as ssh://admin@mail1.example.com/opt/zextras/log/oplog.jsonl "
                                "(a # or ? in the path is written %23 or %3F)").arg(text);
        return std::nullopt;
    }
    if (!url.password().isEmpty()) {
        *error = QStringLiteral("%1: a password does not belong in a URL; OpLens logs in with the keys ssh has (ssh-agent, "
                                "IdentityFile)").arg(url.toString(QUrl::RemovePassword));
        return std::nullopt;
    }
    if (url.host().startsWith(QLatin1Char('-')) || url.userName().startsWith(QLatin1Char('-'))) {
        *error = QStringLiteral("\"%1\": a host or user cannot start with -").arg(text);
        return std::nullopt;
    }
    if (url.port() == 0) {
        *error = QStringLiteral("\"%1\": port 0 is no port (leave it out for ssh's own)").arg(text);
        return std::nullopt;
    }
    // A NUL would cut the path short on the server (another file read); no oplog's name holds a control character.
    if (std::any_of(path.cbegin(), path.cend(), [](QChar c) { return c.unicode() < 0x20 && c != QLatin1Char('\t'); })) {
        *error = QStringLiteral("\"%1\": a path with a control character (%00 to %1F) is refused").arg(text);
        return std::nullopt;
    }
    RemoteSpec spec;
    spec.kind = RemoteSpec::Kind::Ssh;
    spec.url = url;
    static const QRegularExpression written(QStringLiteral("^ssh://(?:[^@/]*@)?([A-Za-z0-9._-]+)(?::\\d*)?/"),
                                            QRegularExpression::CaseInsensitiveOption);
    if (const auto m = written.match(text); m.hasMatch() && m.captured(1).compare(url.host(), Qt::CaseInsensitive) == 0)
        spec.sshHost = m.captured(1);
    return spec;
}

// Only what cannot leave the machine whatever resolves names: literal 127.0.0.0/8, ::1 and "localhost". Decided on
// the URL alone, before any lookup or connection (an IPv4-mapped ::ffff:127.0.0.1 or "localhost." does not count).
bool isLiteralLoopback(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return (address.toIPv4Address() >> 24) == 127;
    return address.protocol() == QAbstractSocket::IPv6Protocol && address == QHostAddress(QHostAddress::LocalHostIPv6);
}
} // namespace

bool RemoteSpec::isRemote(const QString &text)
{
    for (const char *scheme : {"http://", "https://", "agent+http://", "agent+https://", "ssh://"})
        if (text.startsWith(QLatin1String(scheme), Qt::CaseInsensitive))
            return true;
    return false;
}

std::optional<RemoteSpec> RemoteSpec::fromUrl(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    RemoteSpec spec;
    if (trimmed.startsWith(QLatin1String("agent+"), Qt::CaseInsensitive))
        return agentFromUrl(trimmed, error);
    if (trimmed.startsWith(QLatin1String("ssh://"), Qt::CaseInsensitive))
        return sshFromUrl(trimmed, error);
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
        return QStringLiteral("agent+%1#%2").arg(url.toString(QUrl::RemoveUserInfo), log);
    if (kind == Kind::Ssh)
        return url.toString(QUrl::RemovePassword); // the user says which account reads: not a secret
    return url.toString(QUrl::RemoveUserInfo);
}

SshTarget RemoteSpec::sshTarget() const
{
    // An international domain name goes to ssh as the DNS knows it (xn--...).
    const QString host = !sshHost.isEmpty() ? sshHost : QString::fromLatin1(QUrl::toAce(url.host()));
    return SshTarget{host.isEmpty() ? url.host() : host, url.userName(), url.port(0), sshConfig};
}

QString RemoteSpec::sshPath() const
{
    const QString path = url.path(QUrl::FullyDecoded);
    return path.startsWith(QLatin1String("/~/")) ? path.mid(1) : path;
}

QString RemoteSpec::checkTransport() const
{
    if (url.scheme() != QLatin1String("http") || auth == Auth::None)
        return {};
    if (isLiteralLoopback(url.host()))
        return {};
    return QStringLiteral("%1: use %2https:// for this server (http would send the %3 in clear)")
        .arg(name(), kind == Kind::Agent ? QStringLiteral("agent+") : QString(),
             auth == Auth::Bearer ? QStringLiteral("token") : QStringLiteral("password"));
}

QNetworkRequest remoteRequest(const RemoteSpec &spec, const QUrl &url)
{
    QNetworkRequest request(url);
    if (spec.auth == RemoteSpec::Auth::Bearer)
        request.setRawHeader("Authorization", "Bearer " + spec.secret);
    else if (spec.auth == RemoteSpec::Auth::Basic)
        request.setRawHeader("Authorization", "Basic " + (spec.user.toUtf8() + ':' + spec.secret).toBase64());
    // A redirect would carry the credentials elsewhere: it is reported instead (describeNetworkFailure).
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

QNetworkReply *sendRemote(QNetworkAccessManager *network, const QNetworkRequest &request, const QByteArray *postBody)
{
    QNetworkReply *reply = postBody ? network->post(request, *postBody) : network->get(request);
    checkCertificates(reply); // a certificate the admin trusted for this server, and no other
    return reply;
}

} // namespace oplens
