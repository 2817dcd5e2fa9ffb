// Shared acknowledgements over the API (docs/agent.md section 9): operators acknowledge and withdraw, viewers list.
// The store (acknowledgementstore.h) makes each change durable before the answer.
#include "agentserver.h"

#include "oplogfollower.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <nlohmann/json.hpp>

namespace oplens::agent {

namespace {

QJsonObject toJson(const SharedAcknowledgement &a)
{
    return {{QStringLiteral("operationId"), a.operationId}, {QStringLiteral("log"), a.log},
            {QStringLiteral("by"), a.by}, {QStringLiteral("at"), a.at}, {QStringLiteral("comment"), a.comment}};
}

struct AcknowledgeBody {
    QString log, comment;
    bool hasLog = false;
};

// {"comment": "...", "log": "ID"}, both optional strings; nullopt for anything else.
std::optional<AcknowledgeBody> parseAcknowledgeBody(const QByteArray &bytes)
{
    if (bytes.contains('\0')) // nlohmann would stop reading there and accept what follows
        return std::nullopt;
    const nlohmann::json body = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (!body.is_object())
        return std::nullopt;
    AcknowledgeBody parsed;
    for (const auto &[key, value] : body.items()) {
        if ((key != "comment" && key != "log") || !value.is_string())
            return std::nullopt;
        const QString text = QString::fromStdString(value.get<std::string>());
        if (key == "log") {
            parsed.log = text;
            parsed.hasLog = true;
        } else {
            parsed.comment = text.trimmed();
        }
    }
    return parsed;
}

} // namespace

int AgentServer::logOfQuery(const Call &call, const QString &id)
{
    if (id.isEmpty() && m_config.oplogs.size() == 1)
        return 0; // one oplog: naming it is optional
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        if (m_config.oplogs[i].id == id)
            return i;
    respond(call, 404, errorBody(id.isEmpty() ? QStringLiteral("name the oplog: log=ID")
                                              : QStringLiteral("no oplog \"%1\"").arg(id.left(200))));
    return -1;
}

// POST /v1/operations/ID/acknowledge
void AgentServer::serveAcknowledge(const Call &call, const QString &operationId)
{
    QJsonObject audited{{QStringLiteral("operationId"), AuditLog::cutPath(operationId.toUtf8())}};
    if (!call.caller.operatorRole) {
        respond(call, 403, errorBody(QStringLiteral("the token's role is viewer: acknowledging needs operator")), audited);
        return;
    }
    const std::optional<AcknowledgeBody> body = parseAcknowledgeBody(call.request.body);
    if (!body) {
        respond(call, 400, errorBody(QStringLiteral("expected {\"comment\": \"...\", \"log\": \"ID\"}")), audited);
        return;
    }
    if (body->comment.toUcs4().size() > AcknowledgementStore::kMaxCommentLength) { // characters, not UTF-16 units
        respond(call, 400, errorBody(QStringLiteral("the comment is longer than %1 characters")
                                         .arg(AcknowledgementStore::kMaxCommentLength)), audited);
        return;
    }
    const int log = logOfQuery(call, body->log);
    if (log < 0)
        return;
    m_parts.oplogs->refresh();
    if (m_parts.oplogs->data().findOperation(uint16_t(log), operationId.toStdString()) == kNone) {
        respond(call, 404, errorBody(QStringLiteral("no operation %1 in oplog \"%2\"")
                                         .arg(operationId.left(200), m_config.oplogs[log].id)), audited);
        return;
    }
    const SharedAcknowledgement acknowledgement{m_config.oplogs[log].id, operationId, call.caller.identity, body->comment,
                                                QDateTime::currentMSecsSinceEpoch()};
    audited.insert(QStringLiteral("log"), acknowledgement.log);
    if (const QString error = m_parts.acknowledgements->acknowledge(acknowledgement); !error.isEmpty()) {
        respond(call, 503, errorBody(QStringLiteral("the acknowledgement could not be recorded: %1").arg(error)), audited);
        return;
    }
    respond(call, 200, QJsonDocument(toJson(acknowledgement)).toJson(QJsonDocument::Compact), audited);
}

// DELETE /v1/operations/ID/acknowledge?log=ID
void AgentServer::serveUnacknowledge(const Call &call, const QString &operationId)
{
    QJsonObject audited{{QStringLiteral("operationId"), AuditLog::cutPath(operationId.toUtf8())}};
    if (!call.caller.operatorRole) {
        respond(call, 403, errorBody(QStringLiteral("the token's role is viewer: unacknowledging needs operator")), audited);
        return;
    }
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    const int log = logOfQuery(call, query.queryItemValue(QStringLiteral("log"), QUrl::FullyDecoded));
    if (log < 0)
        return;
    const QString logId = m_config.oplogs[log].id;
    audited.insert(QStringLiteral("log"), logId);
    if (!m_parts.acknowledgements->isAcknowledged(logId, operationId)) {
        respond(call, 404, errorBody(QStringLiteral("operation %1 is not acknowledged").arg(operationId.left(200))), audited);
        return;
    }
    const QString error = m_parts.acknowledgements->unacknowledge(logId, operationId, call.caller.identity,
                                                                  QDateTime::currentMSecsSinceEpoch());
    if (!error.isEmpty()) {
        respond(call, 503, errorBody(QStringLiteral("the change could not be recorded: %1").arg(error)), audited);
        return;
    }
    const QJsonObject answer{{QStringLiteral("operationId"), operationId}, {QStringLiteral("log"), logId}};
    respond(call, 200, QJsonDocument(answer).toJson(QJsonDocument::Compact), audited);
}

// GET /v1/acknowledgements?log=ID: the current ones of that oplog, oldest first.
void AgentServer::serveAcknowledgements(const Call &call)
{
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    const int log = logOfQuery(call, query.queryItemValue(QStringLiteral("log"), QUrl::FullyDecoded));
    if (log < 0)
        return;
    QJsonArray list;
    for (const SharedAcknowledgement &a : m_parts.acknowledgements->ofLog(m_config.oplogs[log].id))
        list.append(toJson(a));
    respond(call, 200, QJsonDocument(list).toJson(QJsonDocument::Compact));
}

} // namespace oplens::agent
