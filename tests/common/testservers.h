// Servers for integration tests on loopback (design.md "Tests"): oplensd and nginx as processes, each with every file
// in a temporary folder, and a test PKI made by openssl (a CA and a server certificate for 127.0.0.1).
// Shared by tests/agent and tests/remote. The programs' paths are compile definitions of this library (PUBLIC):
// OPLENSD, OPLENSCTL, NGINX, OPENSSL, DEPLOY_DIR. Files are read and written with testfiles.h's helpers.
#pragma once

#include "testfiles.h"

#include <QByteArray>
#include <QFileInfo>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

#include <memory>

namespace testservers {

// The tokens every Agent accepts, and their identities.
inline const QByteArray kOperatorToken = "op-7f3a9c1e-do-not-log-me";
inline const QByteArray kViewerToken = "view-2b8d4e6f-do-not-log-me";
inline const QString kOperator = QStringLiteral("admin@example.com");
inline const QString kViewer = QStringLiteral("viewer@example.com");

QString sha256(const QByteArray &data); // lower-case hex (of a token, as the agent's configuration holds it)

// ---- processes ---------------------------------------------------------------------------------------------------

// A port nobody listens on at the moment (on 127.0.0.1).
quint16 freePort();

struct Exit {
    int code = -1; // -1: did not exit normally
    QString out, err;
};

// Runs `program` to its end (killed after timeoutMs); the environment is this process's.
Exit runToEnd(const QString &program, const QStringList &args, int timeoutMs = 30000);

// ---- oplensd -------------------------------------------------------------------------------------------------------

// One oplensd with its files in `dir`, listening on 127.0.0.1:port over HTTP: oplogs "main" (`oplog`, first holding
// `initialOplog`) and "service", an audit log, the two tokens above (operator and viewer), no actions.
// `config` and `environment` may be changed before start().
class Agent
{
public:
    explicit Agent(const QString &dir, const QByteArray &initialOplog = {});
    virtual ~Agent();
    Agent(const Agent &) = delete;
    Agent &operator=(const Agent &) = delete;

    QString url() const; // http://127.0.0.1:port

    void writeConfig();
    // Starts it and waits until it listens; false (and err() says why) when it does not.
    bool start();
    // A graceful stop (SIGTERM); returns the exit code, or -1.
    int stop();
    // kill -9: the agent dies as in a crash.
    void crash();
    bool isRunning() const;
    QString err(); // its standard error so far

    QString dir, oplog, serviceLog, audit, configPath;
    quint16 port;
    QJsonObject config;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();

private:
    std::unique_ptr<QProcess> m_process;
    QString m_err;
};

// ---- TLS -----------------------------------------------------------------------------------------------------------

struct Pki {
    QString caCertificate, caKey, certificate, key; // PEM files
    QList<QSslCertificate> ca;
    QSslCertificate server;
};

// A new CA named `caName` and a server certificate it signed for IP 127.0.0.1 (CN 127.0.0.1), in `dir`.
// False (with a warning) when openssl fails.
bool generatePki(const QString &dir, Pki *pki, const QString &caName = QStringLiteral("OpLens test CA"));

// ---- nginx ---------------------------------------------------------------------------------------------------------

// The shipped site (resources/deploy/nginx-oplensd.conf) filled in for nginx in front of the agent on `agentPort`,
// with the server certificate of `pki`. Its @LISTEN@ is left for Nginx to fill in.
QString oplensdSite(const Pki &pki, quint16 agentPort);

// One nginx process (no master and workers) in the foreground, every path in `dir`/nginx. `site` is included in the
// http { } block: a server { } block (and what goes with it) listening on @LISTEN@ with TLS (ssl_certificate),
// @LISTEN@ being replaced with 127.0.0.1:port. `port` 0: a free one.
// The access log (accessLog()) has one line per request: `STATUS METHOD URI range=RANGE inm=IF-NONE-MATCH`
// (empty for a header not sent; nothing escaped).
class Nginx
{
public:
    Nginx(const QString &dir, const QString &site, quint16 port = 0);
    ~Nginx();
    Nginx(const Nginx &) = delete;
    Nginx &operator=(const Nginx &) = delete;

    QString url() const; // https://127.0.0.1:port

    bool start(QString *why);
    void stop();
    QString errorLog() const;
    QStringList accessLog() const;

private:
    QString m_dir;
    QProcess m_process;
    bool m_unfilled = false;

public:
    quint16 port;
};

inline bool haveNginx() { return QFileInfo(QStringLiteral(NGINX)).isExecutable(); }

} // namespace testservers
