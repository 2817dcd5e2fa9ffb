#include "agentserver.h"

#include "alerter.h"

#include "requestbody.h"

#include <QDateTime>
#include <QFile>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrlQuery>

namespace oplens::agent {

namespace {

constexpr qsizetype kMaxAuditedMethod = 32;

// The listener's limits (docs/agent.md section 1, "Limits"); the idle timeout is the config's.
HttpServer::Limits limitsOf(const Config &config)
{
    HttpServer::Limits limits;
    limits.idleSeconds = unsigned(config.idleTimeoutSeconds);
    return limits;
}

// "/v1/operations/ID/restart" with suffix "/restart" -> ID; empty for any other path.
QString operationTarget(const QByteArray &path, const QByteArray &suffix)
{
    static const QByteArray prefix = "/v1/operations/";
    if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.size() <= prefix.size() + suffix.size())
        return {};
    const QByteArray id = path.mid(prefix.size(), path.size() - prefix.size() - suffix.size());
    return id.contains('/') ? QString() : QString::fromUtf8(id);
}

QString restartTarget(const QByteArray &path) { return operationTarget(path, "/restart"); }
QString acknowledgeTarget(const QByteArray &path) { return operationTarget(path, "/acknowledge"); }

} // namespace

AgentServer::AgentServer(Config config, AgentParts parts, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_parts(std::move(parts)), m_runner(m_parts.runner),
      m_authenticator(m_config.tokens), m_serviceStartedAt(kNoTime),
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
    if (m_runner)
        connect(m_runner, &Runner::operationEnded, this, [this](const QString &, bool succeeded) {
            ++m_restarts[succeeded ? QStringLiteral("finished") : QStringLiteral("failed")];
        });
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

QByteArray AgentServer::errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
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
    if (caller->metricsOnly && !(read && request.path == "/metrics"))
        respond(call, 403, errorBody(QStringLiteral("the metrics token may only read /metrics")));
    else if (read && request.path == "/metrics")
        serveMetrics(call);
    else if (read && request.path == "/v1/acknowledgements")
        serveAcknowledgements(call);
    else if (const QString ack = acknowledgeTarget(request.path); !ack.isEmpty() && request.method == "POST")
        serveAcknowledge(call, ack);
    else if (!ack.isEmpty() && request.method == "DELETE")
        serveUnacknowledge(call, ack);
    else if (read && request.path == "/v1/status")
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
    ++m_answered[status];
    m_parts.audit->append(line);
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
                             {QStringLiteral("oplogs"), logs},
                             {QStringLiteral("alerts"), m_alerter ? m_alerter->statusJson() : Alerter::notConfiguredJson()}};
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
    const auto refuse = [&](int status, const QString &error) {
        ++m_restarts[QStringLiteral("refused")];
        respond(call, status, errorBody(error), audited);
    };
    if (!call.caller.operatorRole)
        return refuse(403, QStringLiteral("the token's role is viewer: restarting needs operator"));
    const std::optional<RestartBody> body = parseRestartBody({call.request.body.constData(), size_t(call.request.body.size())});
    const QString reason = body ? QString::fromStdString(body->reason).trimmed() : QString();
    if (reason.isEmpty()) // not that JSON, or a reason of Unicode spaces only
        return refuse(400, QStringLiteral("expected {\"reason\": \"...\", \"idempotencyKey\": \"...\"}"));
    audited.insert(QStringLiteral("reason"), reason.left(1000));
    if (!m_runner)
        return refuse(422, QStringLiteral("this agent has no actions"));
    const RestartRequest restart{operationId, reason, QString::fromStdString(body->idempotencyKey), call.caller.identity};
    const LaunchResult result = m_runner->restart(restart);
    if (!result.ok()) // 404, 409, 422; 503 while the runner oplog cannot be written
        return refuse(result.status, result.error);
    ++m_restarts[QStringLiteral("accepted")];
    audited.insert(QStringLiteral("operationId"), result.operationId);
    // `log`: where the new operation is recorded, for a client that follows it to its end.
    const QJsonObject answer{{QStringLiteral("operationId"), result.operationId}, {QStringLiteral("restartOf"), result.restartOf},
                             {QStringLiteral("log"), m_config.oplogs[m_config.runnerOplog].id}};
    respond(call, 202, QJsonDocument(answer).toJson(QJsonDocument::Compact), audited);
}

} // namespace oplens::agent
