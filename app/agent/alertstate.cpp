#include "alertstate.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace oplens::agent {

namespace {

QJsonObject batchJson(const AlertBatch &batch)
{
    QJsonArray items;
    for (const AlertItem &item : batch.items)
        items.append(item);
    return {{QStringLiteral("id"), batch.id}, {QStringLiteral("createdAt"), batch.createdAt},
            {QStringLiteral("alerts"), items}};
}

AlertBatch batchOf(const QJsonObject &json)
{
    AlertBatch batch;
    batch.id = json.value(QStringLiteral("id")).toString();
    batch.createdAt = json.value(QStringLiteral("createdAt")).toInteger();
    for (const QJsonValue &item : json.value(QStringLiteral("alerts")).toArray())
        if (item.isObject())
            batch.items.append(item.toObject());
    return batch;
}

QJsonObject pendingJson(const PendingMessage &message)
{
    return {{QStringLiteral("batch"), batchJson(message.batch)}, {QStringLiteral("channel"), message.channel},
            {QStringLiteral("attempts"), message.attempts}, {QStringLiteral("nextAt"), message.nextAt},
            {QStringLiteral("lastError"), message.lastError}};
}

PendingMessage pendingOf(const QJsonObject &json)
{
    PendingMessage message;
    message.batch = batchOf(json.value(QStringLiteral("batch")).toObject());
    message.channel = json.value(QStringLiteral("channel")).toString();
    message.attempts = json.value(QStringLiteral("attempts")).toInt();
    message.nextAt = json.value(QStringLiteral("nextAt")).toInteger();
    message.lastError = json.value(QStringLiteral("lastError")).toString();
    return message;
}

} // namespace

QString alertKey(const QString &log, const QString &operationId, const QString &kind)
{
    return log + QLatin1Char('\n') + operationId + QLatin1Char('\n') + kind;
}

QString alertKey(const AlertItem &item)
{
    return alertKey(item.value(QStringLiteral("log")).toString(), item.value(QStringLiteral("operationId")).toString(),
                    item.value(QStringLiteral("kind")).toString());
}

bool AlertState::load(QString *error)
{
    QFile file(m_path);
    if (!file.exists())
        return false;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(m_path, file.errorString());
        return true;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject() || document.object().value(QStringLiteral("oplensAlerts")).toInt() != 1) {
        *error = QStringLiteral("%1: not an alert state file (%2); move it away to start afresh")
                     .arg(m_path, parseError.error ? parseError.errorString() : QStringLiteral("oplensAlerts is not 1"));
        return true;
    }
    const QJsonObject root = document.object();
    for (const QJsonValue &key : root.value(QStringLiteral("known")).toArray()) {
        const QJsonArray parts = key.toArray();
        known.insert(alertKey(parts.at(0).toString(), parts.at(1).toString(), parts.at(2).toString()));
    }
    if (root.value(QStringLiteral("collecting")).isObject())
        collecting = batchOf(root.value(QStringLiteral("collecting")).toObject());
    for (const QJsonValue &message : root.value(QStringLiteral("pending")).toArray())
        pending.append(pendingOf(message.toObject()));
    if (const QJsonObject last = root.value(QStringLiteral("lastDelivery")).toObject(); !last.isEmpty())
        lastDelivery = LastDelivery{last.value(QStringLiteral("at")).toInteger(), last.value(QStringLiteral("channel")).toString(),
                                    last.value(QStringLiteral("ok")).toBool(), last.value(QStringLiteral("error")).toString()};
    return true;
}

QString AlertState::save() const
{
    QJsonArray keys;
    for (const QString &key : known)
        keys.append(QJsonArray::fromStringList(key.split(QLatin1Char('\n'))));
    QJsonArray messages;
    for (const PendingMessage &message : pending)
        messages.append(pendingJson(message));
    QJsonObject root{{QStringLiteral("oplensAlerts"), 1}, {QStringLiteral("known"), keys},
                     {QStringLiteral("collecting"), collecting ? QJsonValue(batchJson(*collecting)) : QJsonValue()},
                     {QStringLiteral("pending"), messages}};
    if (lastDelivery)
        root.insert(QStringLiteral("lastDelivery"),
                    QJsonObject{{QStringLiteral("at"), lastDelivery->at}, {QStringLiteral("channel"), lastDelivery->channel},
                                {QStringLiteral("ok"), lastDelivery->ok}, {QStringLiteral("error"), lastDelivery->error}});
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: %2").arg(m_path, file.errorString());
    file.write(QJsonDocument(root).toJson(QJsonDocument::Compact));
    file.write("\n");
    if (!file.commit())
        return QStringLiteral("%1: %2").arg(m_path, file.errorString());
    return {};
}

} // namespace oplens::agent
