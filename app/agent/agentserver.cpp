#include "agentserver.h"

#include "fileidentity.h"
#include "requestbody.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrlQuery>

namespace oplens::agent {

namespace {

constexpr qint64 kMaxChunk = 8 << 20;
constexpr qint64 kMaxLine = (16 << 20) + 1;
constexpr int kMaxWaitSeconds = 60;
constexpr qsizetype kMaxAuditedMethod = 32;

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
}

// The listener's limits (docs/agent.md section 1, "Limits"); the idle timeout is the config's.
HttpServer::Limits limitsOf(const Config &config)
{
    HttpServer::Limits limits;
    limits.idleSeconds = unsigned(config.idleTimeoutSeconds);
    return limits;
}

// "/v1/operations/ID/restart" -> ID; empty for any other path.
QString restartTarget(const QByteArray &path)
{
    static const QByteArray prefix = "/v1/operations/", suffix = "/restart";
    if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.size() <= prefix.size() + suffix.size())
        return {};
    const QByteArray id = path.mid(prefix.size(), path.size() - prefix.size() - suffix.size());
    return id.contains('/') ? QString() : QString::fromUtf8(id);
}

const QString kChanged = QStringLiteral("the oplog changed (rotated or truncated): read it again from 0");

} // namespace

AgentServer::AgentServer(Config config, Runner *runner, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_runner(runner), m_authenticator(m_config.tokens),
      m_audit(m_config.auditLog, m_config.auditMaxBytes), m_serviceStartedAt(kNoTime),
      m_http(limitsOf(m_config),
             [this](HttpRequest &head) { return screen(head); },
             [this](HttpRequest &&request, HttpReply reply) { handle(std::move(request), std::move(reply)); },
             [this](const HttpRequest &head, int status, int notReported) { refused(head, status, notReported); })
{
    m_logs.resize(size_t(m_config.oplogs.size()));
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        refreshLog(i);
    m_poll.setInterval(250);
    connect(&m_poll, &QTimer::timeout, this, &AgentServer::pollWaiters);
    m_poll.start();
    // A write to an oplog wakes the long-polls within a millisecond or so (inotify), not at the next tick; a burst of
    // writes makes one look (a zero-time single shot).
    m_wake.setSingleShot(true);
    m_wake.setInterval(0);
    connect(&m_wake, &QTimer::timeout, this, &AgentServer::pollWaiters);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] {
        if (!m_waiters.empty())
            m_wake.start();
    });
    watchLogs();
}

void AgentServer::watchLogs()
{
    const QStringList watched = m_watcher.files();
    for (const OplogConfig &log : std::as_const(m_config.oplogs))
        if (!watched.contains(log.path) && QFileInfo::exists(log.path))
            m_watcher.addPath(log.path);
}

AgentServer::~AgentServer()
{
    m_http.stop(); // no callback of the listener runs after this
}

QString AgentServer::listen()
{
    QByteArray certificatePem, keyPem;
    if (m_config.tls()) {
        QFile certificateFile(m_config.certificate), keyFile(m_config.key);
        if (!certificateFile.open(QIODevice::ReadOnly))
            return QStringLiteral("tls.certificate: %1: %2").arg(m_config.certificate, certificateFile.errorString());
        if (!keyFile.open(QIODevice::ReadOnly))
            return QStringLiteral("tls.key: %1: %2").arg(m_config.key, keyFile.errorString());
        certificatePem = certificateFile.readAll();
        keyPem = keyFile.readAll();
        // Checked here for a clear line; GnuTLS (in the listener) reads the same PEM texts.
        if (QSslCertificate::fromData(certificatePem, QSsl::Pem).isEmpty())
            return QStringLiteral("tls.certificate: no PEM certificate in %1").arg(m_config.certificate);
        if (QSslKey(keyPem, QSsl::Ec, QSsl::Pem).isNull() && QSslKey(keyPem, QSsl::Rsa, QSsl::Pem).isNull())
            return QStringLiteral("tls.key: no PEM EC or RSA key in %1 (an encrypted key is not supported)").arg(m_config.key);
    }
    m_http.setTrustedProxies(m_config.trustedProxies);
    return m_http.listen(m_config.address, m_config.port, certificatePem, keyPem);
}

void AgentServer::setServiceStartedAt(int64_t epochMs)
{
    m_serviceStartedAt = epochMs;
}

// ---- requests ------------------------------------------------------------------------------------------------------

std::optional<HttpResponse> AgentServer::screen(HttpRequest &head)
{
    // Every path: a request without a valid token to an unknown path counts as a failed attempt too.
    Authentication authentication = m_authenticator.authenticate(head.remote, head.header("Authorization"),
                                                                 QDateTime::currentMSecsSinceEpoch());
    if (!authentication.caller)
        return HttpServer::errorResponse(authentication.status, authentication.error);
    head.admitted = *authentication.caller;
    return std::nullopt;
}

AgentServer::Origin AgentServer::originOf(const HttpRequest &request, const QString &identity)
{
    // `/v1/oplog` with its query (which part of which log), other paths without; cut to 512 bytes.
    const QByteArray path = request.path == "/v1/oplog" ? request.path + '?' + request.query : request.path;
    return {request.remote, identity, QString::fromLatin1(request.method.left(kMaxAuditedMethod)), AuditLog::cutPath(path)};
}

void AgentServer::refused(const HttpRequest &head, int status, int notAuditedBefore)
{
    const Caller *caller = std::any_cast<Caller>(&head.admitted);
    QJsonObject extra;
    if (notAuditedBefore > 0) // a flood: the listener counted these instead of queueing them
        extra.insert(QStringLiteral("refusedNotAudited"), notAuditedBefore);
    if (const QString id = restartTarget(head.path); !id.isEmpty())
        extra.insert(QStringLiteral("restartOf"), AuditLog::cutPath(id.toUtf8()));
    audit(originOf(head, caller ? caller->identity : QString()), status, extra);
}

void AgentServer::handle(HttpRequest &&request, HttpReply reply)
{
    const Caller *caller = std::any_cast<Caller>(&request.admitted);
    if (!caller) { // cannot happen: screen() admits with a caller
        send(reply, 401, errorBody(QStringLiteral("no token: send Authorization: Bearer TOKEN")));
        return;
    }
    const Call call{request, reply, *caller, originOf(request, caller->identity)};
    const bool read = request.method == "GET" || request.method == "HEAD"; // HEAD: GET's headers, no body
    if (read && request.path == "/v1/status")
        serveStatus(call);
    else if (read && request.path == "/v1/oplog")
        serveOplog(call);
    else if (read && request.path == "/v1/actions")
        serveActions(call);
    else if (const QString id = restartTarget(request.path); request.method == "POST" && !id.isEmpty())
        serveRestart(call, id);
    else
        respond(call, 404, errorBody(QStringLiteral("no such endpoint")));
}

void AgentServer::send(const HttpReply &reply, int status, const QByteArray &body, const HttpHeaders &headers,
                       const QByteArray &type)
{
    HttpResponse response{status, {{"Content-Type", type}, {"Cache-Control", "no-store"}}, body};
    response.headers += headers;
    reply.send(std::move(response));
}

void AgentServer::respond(const Call &call, int status, const QByteArray &json, const QJsonObject &auditExtra)
{
    send(call.reply, status, json);
    audit(call.origin, status, auditExtra);
}

void AgentServer::audit(const Origin &origin, int status, const QJsonObject &extra)
{
    QJsonObject line{{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                     {QStringLiteral("remote"), origin.remote},
                     {QStringLiteral("identity"), origin.identity.isEmpty() ? QJsonValue() : QJsonValue(origin.identity)},
                     {QStringLiteral("method"), origin.method},
                     {QStringLiteral("path"), origin.path},
                     {QStringLiteral("status"), status}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        line.insert(it.key(), it.value());
    m_audit.append(line);
}

// ---- endpoints -----------------------------------------------------------------------------------------------------

// GET /v1/status: the agent, the service's start, whether restarts can be recorded, and each oplog's size and epoch.
void AgentServer::serveStatus(const Call &call)
{
    QJsonArray logs;
    for (int i = 0; i < m_config.oplogs.size(); ++i) {
        refreshLog(i);
        logs.append(QJsonObject{{QStringLiteral("id"), m_config.oplogs[i].id},
                                {QStringLiteral("size"), qint64(m_logs[size_t(i)].size)},
                                {QStringLiteral("epoch"), epochOf(i)}});
    }
    const QString problem = m_runner ? m_runner->recordingProblem() : QString();
    const QJsonObject status{{QStringLiteral("agent"), QStringLiteral(OPLENS_VERSION)},
                             {QStringLiteral("host"), QHostInfo::localHostName()},
                             {QStringLiteral("now"), QDateTime::currentMSecsSinceEpoch()},
                             {QStringLiteral("service"), m_config.serviceName},
                             {QStringLiteral("serviceStartedAt"), m_serviceStartedAt == kNoTime ? QJsonValue() : QJsonValue(qint64(m_serviceStartedAt))},
                             {QStringLiteral("recording"), QJsonObject{{QStringLiteral("ok"), problem.isEmpty()},
                                                                       {QStringLiteral("problem"), problem}}},
                             {QStringLiteral("oplogs"), logs}};
    respond(call, 200, QJsonDocument(status).toJson(QJsonDocument::Compact));
}

// GET /v1/actions: the catalog, each action with the names of its parameters.
void AgentServer::serveActions(const Call &call)
{
    QJsonArray actions;
    for (const Action &a : m_config.actions.actions()) {
        QJsonArray parameters;
        for (const auto &p : a.parameters)
            parameters.append(p.first);
        actions.append(QJsonObject{{QStringLiteral("module"), a.module}, {QStringLiteral("name"), a.name},
                                   {QStringLiteral("parameters"), parameters}});
    }
    respond(call, 200, QJsonDocument(actions).toJson(QJsonDocument::Compact));
}

// POST /v1/operations/ID/restart: operators only, with a reason; the Runner launches it. The listener has refused a
// body over 16 KiB already (413).
void AgentServer::serveRestart(const Call &call, const QString &operationId)
{
    QJsonObject audited{{QStringLiteral("restartOf"), AuditLog::cutPath(operationId.toUtf8())}};
    if (!call.caller.operatorRole) {
        respond(call, 403, errorBody(QStringLiteral("the token's role is viewer: restarting needs operator")), audited);
        return;
    }
    const std::optional<RestartBody> body = parseRestartBody({call.request.body.constData(), size_t(call.request.body.size())});
    const QString reason = body ? QString::fromStdString(body->reason).trimmed() : QString();
    if (reason.isEmpty()) { // not that JSON, or a reason of Unicode spaces only
        respond(call, 400, errorBody(QStringLiteral("expected {\"reason\": \"...\", \"idempotencyKey\": \"...\"}")), audited);
        return;
    }
    audited.insert(QStringLiteral("reason"), reason.left(1000));
    if (!m_runner) {
        respond(call, 422, errorBody(QStringLiteral("this agent has no actions")), audited);
        return;
    }
    const RestartRequest restart{operationId, reason, QString::fromStdString(body->idempotencyKey), call.caller.identity};
    const LaunchResult result = m_runner->restart(restart);
    if (!result.ok()) { // 404, 409, 422; 503 while the runner oplog cannot be written
        respond(call, result.status, errorBody(result.error), audited);
        return;
    }
    audited.insert(QStringLiteral("operationId"), result.operationId);
    const QJsonObject answer{{QStringLiteral("operationId"), result.operationId}, {QStringLiteral("restartOf"), result.restartOf}};
    respond(call, 202, QJsonDocument(answer).toJson(QJsonDocument::Compact), audited);
}

// GET /v1/oplog?log=ID&from=OFFSET[&wait=SECONDS]
void AgentServer::serveOplog(const Call &call)
{
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    const QString id = query.queryItemValue(QStringLiteral("log"), QUrl::FullyDecoded);
    int log = -1;
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        if (m_config.oplogs[i].id == id)
            log = i;
    if (log < 0) {
        respond(call, 404, errorBody(QStringLiteral("no oplog \"%1\"").arg(id.left(200))));
        return;
    }
    bool ok = true;
    const QString fromText = query.queryItemValue(QStringLiteral("from"));
    const uint64_t from = fromText.isEmpty() ? 0 : fromText.toULongLong(&ok);
    bool waitOk = true;
    const QString waitText = query.queryItemValue(QStringLiteral("wait"));
    const int wait = waitText.isEmpty() ? 0 : waitText.toInt(&waitOk);
    if (!ok || !waitOk || wait < 0) {
        respond(call, 400, errorBody(QStringLiteral("from and wait must be whole numbers")));
        return;
    }
    refreshLog(log);
    const QString epoch = epochOf(log);
    const QByteArray clientEpoch = call.request.header("X-Oplog-Epoch");
    const uint64_t size = m_logs[size_t(log)].size;
    const bool stale = (!clientEpoch.isEmpty() && QString::fromLatin1(clientEpoch) != epoch) || from > size;
    if (stale || !startsALine(log, from)) {
        const HttpHeaders headers{{"X-Oplog-Epoch", epoch.toLatin1()}, {"X-Oplog-Size", QByteArray::number(qulonglong(size))}};
        send(call.reply, 409, errorBody(stale ? kChanged
                                              : QStringLiteral("offset %1 is not the start of a line: read the oplog again from 0").arg(from)),
             headers);
        audit(call.origin, 409);
        return;
    }
    if (wait > 0 && !hasCompleteLine(log, from)) { // hold the request until a whole line is appended, or the wait ends
        Waiter waiter;
        waiter.reply = call.reply;
        waiter.origin = call.origin;
        waiter.log = log;
        waiter.from = from;
        waiter.epoch = epoch;
        waiter.deadline = QDateTime::currentMSecsSinceEpoch() + qint64(std::min(wait, kMaxWaitSeconds)) * 1000;
        waiter.checkedSize = size;
        m_waiters.push_back(std::move(waiter));
        return;
    }
    answerOplog(call.reply, call.origin, log, from);
}

void AgentServer::answerOplog(const HttpReply &reply, const Origin &origin, int log, uint64_t from)
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
    const HttpHeaders headers{{"X-Oplog-Epoch", epochOf(log).toLatin1()},
                              {"X-Oplog-Size", QByteArray::number(qulonglong(m_logs[size_t(log)].size))},
                              {"X-Oplog-Next", QByteArray::number(qulonglong(next))}};
    send(reply, 200, body, headers, "application/x-ndjson");
    audit(origin, 200);
}

void AgentServer::pollWaiters()
{
    watchLogs();
    if (m_waiters.empty())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        refreshLog(i);
    std::vector<Waiter> still;
    for (Waiter &w : m_waiters) {
        if (!w.reply.isOpen())
            continue; // the listener stopped
        if (w.reply.clientGone()) {
            // The client went away: the request is dropped, and recorded as nginx records it, 499.
            w.reply.drop();
            audit(w.origin, 499);
            continue;
        }
        const bool changed = epochOf(w.log) != w.epoch;
        if (changed) {
            send(w.reply, 409, errorBody(kChanged), {{"X-Oplog-Epoch", epochOf(w.log).toLatin1()}});
            audit(w.origin, 409);
        } else if (now >= w.deadline
                   // looked at again only when the log grew: an unfinished long line is not read on every tick
                   || (m_logs[size_t(w.log)].size != w.checkedSize && hasCompleteLine(w.log, w.from))) {
            answerOplog(w.reply, w.origin, w.log, w.from);
        } else {
            w.checkedSize = m_logs[size_t(w.log)].size;
            still.push_back(std::move(w));
        }
    }
    m_waiters = std::move(still);
}

// ---- the oplogs' files ---------------------------------------------------------------------------------------------

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

bool AgentServer::startsALine(int log, uint64_t from) const
{
    if (from == 0)
        return true;
    QFile file(m_config.oplogs[log].path);
    char before = '\n';
    if (!file.open(QIODevice::ReadOnly) || !file.seek(qint64(from - 1)) || !file.getChar(&before))
        return true; // let the answer say what is wrong
    return before == '\n';
}

} // namespace oplens::agent
