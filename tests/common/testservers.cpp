#include "testservers.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace testservers {

using testfiles::readAll;
using testfiles::writeFile;

QString sha256(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

Exit runToEnd(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess process;
    process.start(program, args);
    if (!process.waitForStarted(timeoutMs) || !process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return {-1, {}, u"did not finish: "_s + process.errorString()};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

// ---- Agent ---------------------------------------------------------------------------------------------------------

Agent::Agent(const QString &dir, const QByteArray &initialOplog)
    : dir(dir), oplog(dir + u"/oplog.jsonl"_s), serviceLog(dir + u"/service.jsonl"_s), audit(dir + u"/audit.jsonl"_s),
      configPath(dir + u"/oplensd.json"_s), port(freePort())
{
    config = QJsonObject{
        {u"listen"_s, u"127.0.0.1:%1"_s.arg(port)},
        {u"oplogs"_s, QJsonArray{QJsonObject{{u"id"_s, u"main"_s}, {u"path"_s, oplog}},
                                 QJsonObject{{u"id"_s, u"service"_s}, {u"path"_s, serviceLog}}}},
        {u"runnerOplog"_s, u"main"_s},
        {u"auditLog"_s, audit},
        {u"runAsRoot"_s, true}, // CI runs as root
        {u"tokens"_s, QJsonArray{QJsonObject{{u"identity"_s, kOperator}, {u"role"_s, u"operator"_s}, {u"sha256"_s, sha256(kOperatorToken)}},
                                 QJsonObject{{u"identity"_s, kViewer}, {u"role"_s, u"viewer"_s}, {u"sha256"_s, sha256(kViewerToken)}}}},
    };
    writeFile(oplog, initialOplog);
    writeFile(serviceLog, {});
}

Agent::~Agent() { stop(); }

QString Agent::url() const { return u"http://127.0.0.1:%1"_s.arg(port); }

void Agent::writeConfig() { writeFile(configPath, QJsonDocument(config).toJson()); }

bool Agent::start()
{
    writeConfig();
    m_err.clear();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment);
    m_process->start(QStringLiteral(OPLENSD), {u"--config"_s, configPath});
    if (!m_process->waitForStarted(10000))
        return false;
    const bool ended = QTest::qWaitFor([this] {
        return err().contains(u"oplensd: listening on"_s) || m_process->state() == QProcess::NotRunning;
    }, 15000);
    return ended && err().contains(u"oplensd: listening on"_s) && m_process->state() == QProcess::Running;
}

int Agent::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return m_process && m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    m_process->terminate();
    if (!m_process->waitForFinished(15000)) {
        m_process->kill();
        m_process->waitForFinished(5000);
        return -1;
    }
    err();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

void Agent::crash()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished(5000);
}

bool Agent::isRunning() const { return m_process && m_process->state() == QProcess::Running; }

QString Agent::err()
{
    if (m_process)
        m_err += QString::fromUtf8(m_process->readAllStandardError());
    return m_err;
}

// ---- PKI -----------------------------------------------------------------------------------------------------------

namespace {
// The CA and the server certificate's extensions (the server's name is its address, 127.0.0.1).
const QByteArray kOpensslConfig = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
)";
} // namespace

bool generatePki(const QString &dir, Pki *pki, const QString &caName)
{
    const QString cnf = dir + u"/openssl.cnf"_s;
    writeFile(cnf, kOpensslConfig);
    pki->caCertificate = dir + u"/ca.pem"_s;
    pki->caKey = dir + u"/ca.key"_s;
    pki->certificate = dir + u"/server.pem"_s;
    pki->key = dir + u"/server.key"_s;
    const QString openssl = QStringLiteral(OPENSSL);
    const QStringList ec{u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s};
    const QList<QStringList> steps{
        QStringList{u"req"_s, u"-x509"_s, u"-config"_s, cnf, u"-extensions"_s, u"ca"_s} + ec
            + QStringList{u"-keyout"_s, pki->caKey, u"-out"_s, pki->caCertificate, u"-days"_s, u"2"_s,
                          u"-subj"_s, u"/CN="_s + caName},
        QStringList{u"req"_s, u"-new"_s, u"-config"_s, cnf} + ec
            + QStringList{u"-keyout"_s, pki->key, u"-out"_s, dir + u"/server.csr"_s, u"-subj"_s, u"/CN=127.0.0.1"_s},
        QStringList{u"x509"_s, u"-req"_s, u"-in"_s, dir + u"/server.csr"_s, u"-CA"_s, pki->caCertificate,
                    u"-CAkey"_s, pki->caKey, u"-set_serial"_s, QString::number(QRandomGenerator::global()->bounded(1, 1 << 30)),
                    u"-days"_s, u"2"_s, u"-extfile"_s, cnf, u"-extensions"_s, u"server"_s, u"-out"_s, pki->certificate},
    };
    for (const QStringList &args : steps) {
        const Exit run = runToEnd(openssl, args);
        if (run.code != 0) {
            qWarning("openssl %s: %s", qPrintable(args.first()), qPrintable(run.err));
            return false;
        }
    }
    pki->ca = QSslCertificate::fromPath(pki->caCertificate);
    const QList<QSslCertificate> server = QSslCertificate::fromPath(pki->certificate);
    pki->server = server.value(0);
    return pki->ca.size() == 1 && server.size() == 1;
}

// ---- nginx ---------------------------------------------------------------------------------------------------------

QString oplensdSite(const Pki &pki, quint16 agentPort)
{
    QString site = QString::fromUtf8(readAll(QStringLiteral(DEPLOY_DIR "/nginx-oplensd.conf")));
    site.replace(u"@SERVER_NAME@"_s, u"127.0.0.1"_s)
        .replace(u"@CERTIFICATE@"_s, pki.certificate)
        .replace(u"@KEY@"_s, pki.key)
        .replace(u"@AGENT@"_s, u"127.0.0.1:%1"_s.arg(agentPort));
    return site;
}

Nginx::Nginx(const QString &dir, const QString &siteTemplate, quint16 port)
    : m_dir(dir + u"/nginx"_s), port(port ? port : freePort())
{
    QDir().mkpath(m_dir + u"/tmp"_s);
    QString site = siteTemplate;
    site.replace(u"@LISTEN@"_s, u"127.0.0.1:%1"_s.arg(this->port));
    m_unfilled = site.contains(QRegularExpression(u"@[A-Z_]+@"_s)) || !site.contains(u"ssl_certificate "_s);
    writeFile(m_dir + u"/site.conf"_s, site.toUtf8());
    // One process (no master and workers) in the foreground, every path in the temporary folder.
    const QString conf = uR"(daemon off;
master_process off;
pid %1/nginx.pid;
error_log %1/error.log info;
events { worker_connections 128; }
http {
    log_format oplens_test escape=none '$status $request_method $uri range=$http_range inm=$http_if_none_match';
    access_log %1/access.log oplens_test;
    client_body_temp_path %1/tmp/body;
    proxy_temp_path %1/tmp/proxy;
    fastcgi_temp_path %1/tmp/fastcgi;
    uwsgi_temp_path %1/tmp/uwsgi;
    scgi_temp_path %1/tmp/scgi;
    include %1/site.conf;
}
)"_s.arg(m_dir);
    writeFile(m_dir + u"/nginx.conf"_s, conf.toUtf8());
}

Nginx::~Nginx() { stop(); }

void Nginx::stop()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
}

QString Nginx::url() const { return u"https://127.0.0.1:%1"_s.arg(port); }

bool Nginx::start(QString *why)
{
    if (m_unfilled) {
        *why = u"the site has placeholders left, or no ssl_certificate"_s;
        return false;
    }
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral(NGINX), {u"-c"_s, m_dir + u"/nginx.conf"_s, u"-p"_s, m_dir,
                                            u"-e"_s, m_dir + u"/error.log"_s});
    if (!m_process.waitForStarted(10000)) {
        *why = m_process.errorString();
        return false;
    }
    const bool up = QTest::qWaitFor([this] {
        if (m_process.state() != QProcess::Running)
            return true;
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        return probe.waitForConnected(200);
    }, 15000);
    if (!up || m_process.state() != QProcess::Running) {
        *why = QString::fromUtf8(m_process.readAll() + readAll(m_dir + u"/error.log"_s));
        return false;
    }
    return true;
}

QString Nginx::errorLog() const { return QString::fromUtf8(readAll(m_dir + u"/error.log"_s)); }

QStringList Nginx::accessLog() const
{
    return QString::fromUtf8(readAll(m_dir + u"/access.log"_s)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace testservers
