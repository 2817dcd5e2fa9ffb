// What a remote source is: an oplog file served by any web server, an OpLens agent, or a file read over SSH (docs/cli.md
// "Sources"), with how to authenticate and which CA to trust. Secrets live in memory only; SSH keys stay with ssh.
#pragma once

#include "sshcommand.h"

#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace oplens {

struct RemoteSpec {
    enum class Kind { File, Agent, Ssh };
    enum class Auth { None, Bearer, Basic };

    Kind kind = Kind::File;
    QUrl url;          // File: the file's http(s) URL; Agent: http(s)://host:port; Ssh: ssh://[user@]host[:port]/path
    QString log = QStringLiteral("main"); // Agent: the oplog's id
    Auth auth = Auth::None;
    QString user;      // Basic
    QByteArray secret; // the token or the password
    QString caFile;    // trusted as well as the system's CAs
    QString sshConfig; // Ssh: the ssh_config given to ssh (-F) instead of ~/.ssh/config
    QString refused;   // why it must not be read at all (the console refusing a workspace's ssh_config): no request
    QString sshHost;   // Ssh: the host as written (ssh's Host patterns tell case; QUrl lowers it); empty: url's

    static bool isRemote(const QString &text); // http(s)://, agent+http(s):// or ssh://
    // "https://host/path" (a user in the URL means Basic), "agent+https://host:port#LOG" (a bearer token) or
    // "ssh://[user@]host[:port]/path" (keys and host keys as ssh has them; /~/path: from the login directory).
    static std::optional<RemoteSpec> fromUrl(const QString &text, QString *error);
    QString name() const;  // the URL as given, without secrets (or an http user): the source's name
    SshTarget sshTarget() const; // Ssh: the server as ssh is asked for it
    QString sshPath() const;     // Ssh: the file's path on the server (~/... from the login directory)
    bool needsSecret() const { return auth != Auth::None; }
    // A secret sent in clear over the network is refused: http only to loopback. Every request checks it.
    QString checkTransport() const;
};

// A request to `url` with the spec's credentials and CA; redirects are not followed (they would carry the credentials
// elsewhere) and the body comes as stored (no compression: offsets count the file's bytes).
QNetworkRequest remoteRequest(const RemoteSpec &spec, const QUrl &url);
// Sends a GET or (with a body) a POST and watches the reply's certificate against the ones the admin trusted.
QNetworkReply *sendRemote(QNetworkAccessManager *network, const QNetworkRequest &request, const QByteArray *postBody = nullptr);

} // namespace oplens
