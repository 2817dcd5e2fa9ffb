#include "agentserver.h"

#include "oplogwriter.h"
#include "fileidentity.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrlQuery>

namespace oplens::agent {

namespace {

constexpr int kMaxFailures = 10;
constexpr qint64 kWindowMs = 60 * 1000;
constexpr qint64 kMaxBody = 16 * 1024;
constexpr qint64 kMaxChunk = 8 << 20;
constexpr qint64 kMaxLine = (16 << 20) + 1;
constexpr int kMaxWaitSeconds = 60;

using Status = QHttpServerResponder::StatusCode;
using Headers = QList<QPair<QByteArray, QByteArray>>;

void send(QHttpServerResponder &responder, int status, const QByteArray &body, const Headers &headers = {},
          const QByteArray &type = "application/json")
{
    responder.writeStatusLine(Status(status));
    responder.writeHeader("Content-Type", type);
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    for (const auto &[key, value] : headers)
        responder.writeHeader(key, value);
    responder.writeBody(body);
}

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
}

QString methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return QStringLiteral("GET");
    case QHttpServerRequest::Method::Post: return QStringLiteral("POST");
    case QHttpServerRequest::Method::Put: return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Head: return QStringLiteral("HEAD");
    default: return QStringLiteral("OTHER");
    }
}

// Constant-time comparison: how long it takes tells nothing about how much of a hash matched.
bool sameHash(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

AgentServer::AgentServer(Config config, Runner *runner, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_runner(runner), m_serviceStartedAt(kNoTime)
{
    m_logs.resize(size_t(m_config.oplogs.size()));
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        refreshLog(i);
    routes();
    m_poll.setInterval(250);
    connect(&m_poll, &QTimer::timeout, this, &AgentServer::pollWaiters);
    m_poll.start();
}

QString AgentServer::listen()
{
    if (m_config.tls()) {
        QFile certificateFile(m_config.certificate), keyFile(m_config.key);
        if (!certificateFile.open(QIODevice::ReadOnly))
            return QStringLiteral("tls.certificate: %1: %2").arg(m_config.certificate, certificateFile.errorString());
        if (!keyFile.open(QIODevice::ReadOnly))
            return QStringLiteral("tls.key: %1: %2").arg(m_config.key, keyFile.errorString());
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
        const QSslKey key(keyFile.readAll(), QSsl::Ec, QSsl::Pem);
        QSslKey rsa;
        if (key.isNull()) {
            keyFile.seek(0);
            rsa = QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);
        }
        if (chain.isEmpty())
            return QStringLiteral("tls.certificate: no PEM certificate in %1").arg(m_config.certificate);
        if (key.isNull() && rsa.isNull())
            return QStringLiteral("tls.key: no PEM EC or RSA key in %1 (an encrypted key is not supported)").arg(m_config.key);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(chain);
        tls.setPrivateKey(key.isNull() ? rsa : key);
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        m_server.sslSetup(tls);
    }
    if (m_server.listen(m_config.address, m_config.port) == 0)
        return QStringLiteral("cannot listen on %1:%2 (in use, or not allowed)").arg(m_config.address.toString()).arg(m_config.port);
    return {};
}

void AgentServer::setServiceStartedAt(int64_t epochMs)
{
    m_serviceStartedAt = epochMs;
}

void AgentServer::audit(const QString &remote, const QString &identity, const QString &method, const QString &path,
                        int status, const QJsonObject &extra)
{
    QJsonObject line{{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                     {QStringLiteral("remote"), remote},
                     {QStringLiteral("identity"), identity.isEmpty() ? QJsonValue() : QJsonValue(identity)},
                     {QStringLiteral("method"), method},
                     {QStringLiteral("path"), path},
                     {QStringLiteral("status"), status}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        line.insert(it.key(), it.value());
    const QString error = appendOplogLine(m_config.auditLog, QJsonDocument(line).toJson(QJsonDocument::Compact).toStdString());
    if (!error.isEmpty() && error != m_auditError)
        qWarning("oplensd: audit log: %s", qPrintable(error));
    m_auditError = error;
}

void AgentServer::respond(QHttpServerResponder &responder, const QHttpServerRequest &request, const QString &identity,
                          int status, const QByteArray &json, const QJsonObject &auditExtra)
{
    send(responder, status, json);
    audit(request.remoteAddress().toString(), identity, methodName(request.method()), request.url().path(), status, auditExtra);
}

std::optional<AgentServer::Caller> AgentServer::authenticate(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QString remote = request.remoteAddress().toString();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_blockedUntil.value(remote) > now) {
        respond(responder, request, {}, 429, errorBody(QStringLiteral("too many failed attempts: try again in a minute")));
        return std::nullopt;
    }
    const QByteArray header = request.value("Authorization");
    std::optional<Caller> caller;
    if (header.startsWith("Bearer ")) {
        const QByteArray hash = QCryptographicHash::hash(header.mid(7).trimmed(), QCryptographicHash::Sha256);
        for (const Token &token : m_config.tokens) // every token is compared, matched or not
            if (sameHash(hash, token.sha256) && !caller)
                caller = Caller{token.identity, token.operatorRole};
    }
    if (caller)
        return caller;
    auto &failures = m_failures[remote];
    failures.push_back(now);
    while (!failures.empty() && failures.front() < now - kWindowMs)
        failures.pop_front();
    if (int(failures.size()) >= kMaxFailures) {
        m_blockedUntil[remote] = now + kWindowMs;
        failures.clear();
    }
    respond(responder, request, {}, 401,
            errorBody(header.isEmpty() ? QStringLiteral("no token: send Authorization: Bearer TOKEN")
                                       : QStringLiteral("unknown token")));
    return std::nullopt;
}

void AgentServer::refreshLog(int log)
{
    LogState &state = m_logs[size_t(log)];
    const QString path = m_config.oplogs[log].path;
    const uint64_t identity = fileIdentity(path);
    const auto size = uint64_t(std::max<qint64>(0, QFileInfo(path).size()));
    // The generation lives in memory only; the first line's digest also tells a file truncated and written again
    // (while the agent was down, or between two looks) from the same file grown.
    QString head;
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray start = file.read(4096);
        const qsizetype end = start.indexOf('\n');
        if (end >= 0)
            head = QString::fromLatin1(QCryptographicHash::hash(start.left(end), QCryptographicHash::Sha256).toHex().left(12));
    }
    const bool rewritten = !state.head.isEmpty() && !head.isEmpty() && head != state.head;
    if (identity != state.identity || size < state.size || rewritten)
        ++state.generation; // replaced, shrunk or rewritten: another life of the file
    state.identity = identity;
    state.size = size;
    state.head = head;
}

QString AgentServer::epochOf(int log)
{
    const LogState &state = m_logs[size_t(log)];
    return QStringLiteral("%1-%2-%3").arg(state.identity, 0, 16).arg(state.generation).arg(state.head);
}

void AgentServer::routes()
{
    using Method = QHttpServerRequest::Method;
    // Every endpoint checks the token first: authenticate() answers a refusal itself.
    m_server.route(QStringLiteral("/v1/status"), Method::Get,
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (const auto caller = authenticate(request, responder))
            serveStatus(request, responder, *caller);
    });
    m_server.route(QStringLiteral("/v1/oplog"), Method::Get,
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (const auto caller = authenticate(request, responder))
            serveOplog(request, std::move(responder), *caller); // a long-poll keeps the responder
    });
    m_server.route(QStringLiteral("/v1/actions"), Method::Get,
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (const auto caller = authenticate(request, responder))
            serveActions(request, responder, *caller);
    });
    m_server.route(QStringLiteral("/v1/operations/<arg>/restart"), Method::Post,
                   [this](const QString &operationId, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (const auto caller = authenticate(request, responder))
            serveRestart(operationId, request, responder, *caller);
    });
    m_server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        respond(responder, request, {}, 404, errorBody(QStringLiteral("no such endpoint")));
    });
}

// GET /v1/status: the agent, the service's start, and each oplog's size and epoch.
void AgentServer::serveStatus(const QHttpServerRequest &request, QHttpServerResponder &responder, const Caller &caller)
{
    QJsonArray logs;
    for (int i = 0; i < m_config.oplogs.size(); ++i) {
        refreshLog(i);
        logs.append(QJsonObject{{QStringLiteral("id"), m_config.oplogs[i].id},
                                {QStringLiteral("size"), qint64(m_logs[size_t(i)].size)},
                                {QStringLiteral("epoch"), epochOf(i)}});
    }
    const QJsonObject status{{QStringLiteral("agent"), QStringLiteral(OPLENS_VERSION)},
                             {QStringLiteral("host"), QHostInfo::localHostName()},
                             {QStringLiteral("now"), QDateTime::currentMSecsSinceEpoch()},
                             {QStringLiteral("service"), m_config.serviceName},
                             {QStringLiteral("serviceStartedAt"), m_serviceStartedAt == kNoTime ? QJsonValue() : QJsonValue(qint64(m_serviceStartedAt))},
                             {QStringLiteral("oplogs"), logs}};
    respond(responder, request, caller.identity, 200, QJsonDocument(status).toJson(QJsonDocument::Compact));
}

// GET /v1/actions: the catalog, each action with the names of its parameters.
void AgentServer::serveActions(const QHttpServerRequest &request, QHttpServerResponder &responder, const Caller &caller)
{
    QJsonArray actions;
    for (const Action &a : m_config.actions.actions()) {
        QJsonArray parameters;
        for (const auto &p : a.parameters)
            parameters.append(p.first);
        actions.append(QJsonObject{{QStringLiteral("module"), a.module}, {QStringLiteral("name"), a.name},
                                   {QStringLiteral("parameters"), parameters}});
    }
    respond(responder, request, caller.identity, 200, QJsonDocument(actions).toJson(QJsonDocument::Compact));
}

// POST /v1/operations/ID/restart: operators only, with a reason; the Runner launches it.
void AgentServer::serveRestart(const QString &operationId, const QHttpServerRequest &request,
                               QHttpServerResponder &responder, const Caller &caller)
{
    QJsonObject audited{{QStringLiteral("restartOf"), operationId}};
    if (!caller.operatorRole) {
        respond(responder, request, caller.identity, 403, errorBody(QStringLiteral("the token's role is viewer: restarting needs operator")), audited);
        return;
    }
    const QByteArray body = request.body();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject object = document.object();
    const QJsonValue reason = object.value(QStringLiteral("reason"));
    const QJsonValue key = object.value(QStringLiteral("idempotencyKey"));
    if (body.size() > kMaxBody || parseError.error != QJsonParseError::NoError || !document.isObject()
        || !reason.isString() || reason.toString().trimmed().isEmpty() || !(key.isUndefined() || key.isString())
        || key.toString().size() > 200) {
        respond(responder, request, caller.identity, 400,
                errorBody(body.size() > kMaxBody ? QStringLiteral("the body is larger than 16 KiB")
                                                 : QStringLiteral("expected {\"reason\": \"...\", \"idempotencyKey\": \"...\"}")),
                audited);
        return;
    }
    audited.insert(QStringLiteral("reason"), reason.toString().left(1000));
    if (!m_runner) {
        respond(responder, request, caller.identity, 422, errorBody(QStringLiteral("this agent has no actions")), audited);
        return;
    }
    RestartRequest restart{operationId, reason.toString().trimmed(), key.toString(), caller.identity};
    const LaunchResult result = m_runner->restart(restart);
    if (!result.ok()) {
        respond(responder, request, caller.identity, result.status, errorBody(result.error), audited);
        return;
    }
    audited.insert(QStringLiteral("operationId"), result.operationId);
    const QJsonObject answer{{QStringLiteral("operationId"), result.operationId}, {QStringLiteral("restartOf"), result.restartOf}};
    respond(responder, request, caller.identity, 202, QJsonDocument(answer).toJson(QJsonDocument::Compact), audited);
}

void AgentServer::serveOplog(const QHttpServerRequest &request, QHttpServerResponder &&responder, const Caller &caller)
{
    const QUrlQuery query = request.query();
    const QString id = query.queryItemValue(QStringLiteral("log"));
    const QString path = request.url().path() + QLatin1Char('?') + request.url().query();
    int log = -1;
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        if (m_config.oplogs[i].id == id)
            log = i;
    if (log < 0) {
        respond(responder, request, caller.identity, 404, errorBody(QStringLiteral("no oplog \"%1\"").arg(id)));
        return;
    }
    bool ok = true;
    const QString fromText = query.queryItemValue(QStringLiteral("from"));
    const uint64_t from = fromText.isEmpty() ? 0 : fromText.toULongLong(&ok);
    bool waitOk = true;
    const QString waitText = query.queryItemValue(QStringLiteral("wait"));
    const int wait = waitText.isEmpty() ? 0 : waitText.toInt(&waitOk);
    if (!ok || !waitOk || wait < 0) {
        respond(responder, request, caller.identity, 400, errorBody(QStringLiteral("from and wait must be whole numbers")));
        return;
    }
    refreshLog(log);
    const QString epoch = epochOf(log);
    const QByteArray clientEpoch = request.value("X-Oplog-Epoch");
    const uint64_t size = m_logs[size_t(log)].size;
    if ((!clientEpoch.isEmpty() && QString::fromLatin1(clientEpoch) != epoch) || from > size) {
        const Headers headers{{"X-Oplog-Epoch", epoch.toLatin1()}, {"X-Oplog-Size", QByteArray::number(qulonglong(size))}};
        send(responder, 409, errorBody(QStringLiteral("the oplog changed (rotated or truncated): read it again from 0")), headers);
        audit(request.remoteAddress().toString(), caller.identity, QStringLiteral("GET"), path, 409);
        return;
    }
    if (wait > 0 && !hasCompleteLine(log, from)) { // hold the request until a whole line is appended, or the wait ends
        Waiter waiter;
        waiter.socket = responder.socket();
        waiter.responder = std::make_shared<QHttpServerResponder>(std::move(responder));
        waiter.log = log;
        waiter.from = from;
        waiter.epoch = epoch;
        waiter.deadline = QDateTime::currentMSecsSinceEpoch() + qint64(std::min(wait, kMaxWaitSeconds)) * 1000;
        waiter.remote = request.remoteAddress().toString();
        waiter.identity = caller.identity;
        waiter.path = path;
        waiter.checkedSize = m_logs[size_t(log)].size;
        m_waiters.push_back(std::move(waiter));
        return;
    }
    answerOplog(responder, log, from, request.remoteAddress().toString(), caller.identity, path);
}

void AgentServer::answerOplog(QHttpServerResponder &responder, int log, uint64_t from, const QString &remote,
                              const QString &identity, const QString &path)
{
    QFile file(m_config.oplogs[log].path);
    QByteArray body;
    uint64_t next = from;
    if (file.open(QIODevice::ReadOnly) && file.seek(qint64(from))) {
        body = file.read(kMaxChunk);
        qsizetype end = body.lastIndexOf('\n') + 1;
        if (end == 0 && body.size() == kMaxChunk) { // one line longer than a chunk: it comes whole, up to 16 MiB
            body += file.read(kMaxLine - kMaxChunk);
            end = body.indexOf('\n') + 1;
            if (end == 0 && body.size() >= kMaxLine) { // too long for any reader: skip to its end, once it has one
                qint64 at = qint64(from) + body.size();
                bool ended = false;
                QByteArray rest;
                do {
                    rest = file.read(1 << 20);
                    const qsizetype nl = rest.indexOf('\n');
                    if (nl >= 0) {
                        at += nl + 1;
                        ended = true;
                        break;
                    }
                    at += rest.size();
                } while (!rest.isEmpty());
                body.clear();
                next = ended ? uint64_t(at) : from; // still being written: nothing to give yet
                end = -1;
            }
        }
        if (end >= 0) {
            body.truncate(end);
            next = from + uint64_t(body.size());
        }
    }
    const Headers headers{{"X-Oplog-Epoch", epochOf(log).toLatin1()},
                          {"X-Oplog-Size", QByteArray::number(qulonglong(m_logs[size_t(log)].size))},
                          {"X-Oplog-Next", QByteArray::number(qulonglong(next))}};
    send(responder, 200, body, headers, "application/x-ndjson");
    audit(remote, identity, QStringLiteral("GET"), path, 200);
}

bool AgentServer::hasCompleteLine(int log, uint64_t from) const
{
    if (m_logs[size_t(log)].size <= from)
        return false;
    QFile file(m_config.oplogs[log].path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(qint64(from)))
        return true; // let the answer say what is wrong
    // A line ends somewhere ahead: look as far as a line may be long, and a little more (a longer one is skipped).
    for (qint64 looked = 0; looked <= kMaxLine; looked += 1 << 20) {
        const QByteArray piece = file.read(1 << 20);
        if (piece.contains('\n'))
            return true;
        if (piece.size() < (1 << 20))
            return false;
    }
    return true;
}

void AgentServer::pollWaiters()
{
    if (m_waiters.empty())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        refreshLog(i);
    std::vector<Waiter> still;
    for (Waiter &w : m_waiters) {
        if (!w.socket || w.socket->state() != QAbstractSocket::ConnectedState) {
            // The client went away: the request is dropped, and recorded as nginx records it, 499.
            audit(w.remote, w.identity, QStringLiteral("GET"), w.path, 499);
            continue;
        }
        const bool changed = epochOf(w.log) != w.epoch;
        if (changed) {
            send(*w.responder, 409, errorBody(QStringLiteral("the oplog changed (rotated or truncated): read it again from 0")),
                 {{"X-Oplog-Epoch", epochOf(w.log).toLatin1()}});
            audit(w.remote, w.identity, QStringLiteral("GET"), w.path, 409);
        } else if (now >= w.deadline
                   // looked at again only when the log grew: an unfinished long line is not read on every tick
                   || (m_logs[size_t(w.log)].size != w.checkedSize && hasCompleteLine(w.log, w.from))) {
            answerOplog(*w.responder, w.log, w.from, w.remote, w.identity, w.path);
        } else {
            w.checkedSize = m_logs[size_t(w.log)].size;
            still.push_back(std::move(w));
        }
    }
    m_waiters = std::move(still);
}

} // namespace oplens::agent
