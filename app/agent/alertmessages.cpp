#include "alertmessages.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QTimeZone>

namespace oplens::agent {

namespace {

const QString kWarning = QStringLiteral("Check why the service went down before restarting: an operation run again "
                                        "into the same fault fails again, or does harm.");

QString field(const AlertItem &item, const char *key) { return item.value(QLatin1String(key)).toString(); }

// Oplog text on one line: control characters (CR, LF, tabs, ...) become spaces.
QString oneLine(QString text)
{
    for (QChar &c : text)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c == QChar(0x2028) || c == QChar(0x2029))
            c = QLatin1Char(' ');
    return text;
}

QString utc(const QJsonValue &ms)
{
    if (!ms.isDouble())
        return QStringLiteral("unknown");
    return QDateTime::fromMSecsSinceEpoch(ms.toInteger(), QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString rfc3339(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs); }

QString parametersText(const AlertItem &item)
{
    const QJsonObject parameters = item.value(QStringLiteral("parameters")).toObject();
    return parameters.isEmpty() ? QStringLiteral("none")
                                : QString::fromUtf8(QJsonDocument(parameters).toJson(QJsonDocument::Compact));
}

// The command line that restarts it through this agent; empty for a Stale operation (it still runs).
QString restartCommand(const AlertItem &item, const MessageContext &context)
{
    if (field(item, "kind") == QLatin1String("stale"))
        return {};
    return QStringLiteral("oplensctl restart %1 --reason \"WHY\" %2#%3 --token-file TOKEN_FILE")
        .arg(oneLine(field(item, "operationId")), context.agentSource, oneLine(field(item, "log")));
}

QString kindWords(const QString &kind)
{
    if (kind == QLatin1String("stale"))
        return QStringLiteral("stale (running too long)");
    if (kind == QLatin1String("failed"))
        return QStringLiteral("restart failed");
    return QStringLiteral("interrupted");
}

QString plainText(const QList<AlertItem> &items, const MessageContext &context)
{
    QString text = alertSubject(context.host, items).mid(9) + QStringLiteral("\n\n");
    for (const AlertItem &item : items) {
        text += QStringLiteral("%1 %2: %3\n").arg(oneLine(field(item, "module")), oneLine(field(item, "name")),
                                                  kindWords(field(item, "kind")));
        text += QStringLiteral("  id:         %1\n").arg(oneLine(field(item, "operationId")));
        text += QStringLiteral("  log:        %1\n").arg(oneLine(field(item, "log")));
        if (!field(item, "host").isEmpty())
            text += QStringLiteral("  host:       %1\n").arg(oneLine(field(item, "host")));
        text += QStringLiteral("  started:    %1\n").arg(utc(item.value(QStringLiteral("startedAt"))));
        text += QStringLiteral("  status:     %1\n").arg(oneLine(field(item, "status")));
        text += QStringLiteral("  evidence:   %1\n").arg(oneLine(field(item, "evidence")));
        text += QStringLiteral("  parameters: %1\n").arg(oneLine(parametersText(item)));
        if (!field(item, "restartOf").isEmpty())
            text += QStringLiteral("  restart of: %1\n").arg(oneLine(field(item, "restartOf")));
        if (const QString command = restartCommand(item, context); !command.isEmpty())
            text += QStringLiteral("  restart:    %1\n").arg(command);
        text += QLatin1Char('\n');
    }
    return text + kWarning + QStringLiteral("\nIn the restart command, say why in --reason and give a file holding an "
                                            "operator token as TOKEN_FILE.\n");
}

QString slackEscaped(const QString &text)
{
    QString out = oneLine(text);
    out.replace(QLatin1Char('&'), QLatin1String("&amp;"));
    out.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    out.replace(QLatin1Char('>'), QLatin1String("&gt;"));
    return out;
}

QByteArray slackBody(const QList<AlertItem> &items, const MessageContext &context)
{
    QString text = QStringLiteral("*%1*\n").arg(slackEscaped(alertSubject(context.host, items)));
    for (const AlertItem &item : items)
        text += QStringLiteral("• %1 %2 `%3` (log %4), started %5, %6: %7\n")
                    .arg(slackEscaped(field(item, "module")), slackEscaped(field(item, "name")),
                         slackEscaped(field(item, "operationId")), slackEscaped(field(item, "log")),
                         utc(item.value(QStringLiteral("startedAt"))), kindWords(field(item, "kind")),
                         slackEscaped(field(item, "evidence")));
    text += slackEscaped(kWarning);
    return QJsonDocument(QJsonObject{{QStringLiteral("text"), text}}).toJson(QJsonDocument::Compact);
}

QString alertName(const QString &kind)
{
    if (kind == QLatin1String("stale"))
        return QStringLiteral("OplensOperationStale");
    if (kind == QLatin1String("failed"))
        return QStringLiteral("OplensRestartFailed");
    return QStringLiteral("OplensOperationInterrupted");
}

QByteArray alertmanagerBody(const QList<AlertItem> &items, const MessageContext &context)
{
    QJsonArray alerts;
    for (const AlertItem &item : items) {
        const QString host = field(item, "host").isEmpty() ? context.host : field(item, "host");
        const QJsonObject labels{{QStringLiteral("alertname"), alertName(field(item, "kind"))},
                                 {QStringLiteral("host"), host},
                                 {QStringLiteral("module"), field(item, "module")},
                                 {QStringLiteral("name"), field(item, "name")},
                                 {QStringLiteral("operationId"), field(item, "operationId")},
                                 {QStringLiteral("status"), field(item, "status")},
                                 {QStringLiteral("log"), field(item, "log")}};
        const QString summary = QStringLiteral("%1 %2 on %3: %4").arg(field(item, "module"), field(item, "name"), host,
                                                                      kindWords(field(item, "kind")));
        const QString description = QStringLiteral("%1; parameters %2. %3")
                                        .arg(field(item, "evidence"), parametersText(item), kWarning);
        const QJsonValue ended = item.value(QStringLiteral("endedAt"));
        const qint64 startsAt = ended.isDouble() && field(item, "kind") != QLatin1String("stale")
            ? ended.toInteger() : item.value(QStringLiteral("detectedAt")).toInteger();
        alerts.append(QJsonObject{{QStringLiteral("labels"), labels},
                                  {QStringLiteral("annotations"), QJsonObject{{QStringLiteral("summary"), summary},
                                                                             {QStringLiteral("description"), description}}},
                                  {QStringLiteral("startsAt"), rfc3339(startsAt)}});
    }
    return QJsonDocument(alerts).toJson(QJsonDocument::Compact);
}

QByteArray jsonBody(const AlertBatch &batch, const QList<AlertItem> &items, const MessageContext &context)
{
    QJsonArray alerts;
    for (const AlertItem &item : items)
        alerts.append(item);
    return QJsonDocument(QJsonObject{{QStringLiteral("host"), context.host}, {QStringLiteral("batch"), batch.id},
                                     {QStringLiteral("createdAt"), batch.createdAt},
                                     {QStringLiteral("subject"), alertSubject(context.host, items)},
                                     {QStringLiteral("alerts"), alerts}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

QString alertSubject(const QString &host, const QList<AlertItem> &items)
{
    QString kind = items.isEmpty() ? QString() : field(items.first(), "kind");
    for (const AlertItem &item : items)
        if (field(item, "kind") != kind)
            kind.clear();
    const qsizetype n = items.size();
    QString what;
    if (kind == QLatin1String("interrupted"))
        what = n == 1 ? QStringLiteral("1 operation interrupted") : QStringLiteral("%1 operations interrupted").arg(n);
    else if (kind == QLatin1String("stale"))
        what = n == 1 ? QStringLiteral("1 operation stale") : QStringLiteral("%1 operations stale").arg(n);
    else if (kind == QLatin1String("failed"))
        what = n == 1 ? QStringLiteral("1 restart failed") : QStringLiteral("%1 restarts failed").arg(n);
    else
        what = n == 1 ? QStringLiteral("1 operation needs attention") : QStringLiteral("%1 operations need attention").arg(n);
    return QStringLiteral("[OpLens] %1: %2").arg(oneLine(host), what);
}

QByteArray rfc2822Date(qint64 epochMs)
{
    return QLocale::c()
        .toString(QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc()), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss +0000"))
        .toLatin1();
}

QByteArray headerValue(const QString &text)
{
    const QString line = oneLine(text);
    bool ascii = true;
    for (const QChar c : line)
        ascii = ascii && c.unicode() < 0x80;
    if (ascii)
        return line.toLatin1();
    // RFC 2047: encoded words of at most 75 characters (45 bytes of UTF-8 each), folded; a character is never split.
    QByteArray out;
    QByteArray chunk;
    const auto flush = [&] {
        if (chunk.isEmpty())
            return;
        out += (out.isEmpty() ? "" : "\n ") + QByteArray("=?UTF-8?B?") + chunk.toBase64() + "?=";
        chunk.clear();
    };
    for (qsizetype i = 0; i < line.size(); ++i) {
        const qsizetype width = line[i].isHighSurrogate() && i + 1 < line.size() ? 2 : 1;
        const QByteArray character = line.mid(i, width).toUtf8();
        if (chunk.size() + character.size() > 45)
            flush();
        chunk += character;
        i += width - 1;
    }
    flush();
    return out;
}

QByteArray emailMessage(const EmailChannel &email, const AlertBatch &batch, const QList<AlertItem> &items,
                        const MessageContext &context)
{
    const QString domain = email.from.mid(email.from.lastIndexOf(QLatin1Char('@')) + 1);
    QByteArray message;
    message += "From: " + headerValue(email.from) + "\n";
    message += "To: " + headerValue(email.to.join(QStringLiteral(", "))) + "\n";
    message += "Subject: " + headerValue(alertSubject(context.host, items)) + "\n";
    message += "Date: " + rfc2822Date(batch.createdAt) + "\n";
    message += "Message-ID: <oplens-" + headerValue(batch.id) + "@" + headerValue(domain) + ">\n";
    message += "Auto-Submitted: auto-generated\n";
    message += "MIME-Version: 1.0\n";
    message += "Content-Type: text/plain; charset=utf-8\n";
    message += "Content-Transfer-Encoding: 8bit\n";
    message += "\n";
    return message + plainText(items, context).toUtf8();
}

QByteArray webhookBody(WebhookFormat format, const AlertBatch &batch, const QList<AlertItem> &items,
                       const MessageContext &context)
{
    switch (format) {
    case WebhookFormat::Slack: return slackBody(items, context);
    case WebhookFormat::Alertmanager: return alertmanagerBody(items, context);
    case WebhookFormat::Json: break;
    }
    return jsonBody(batch, items, context);
}

} // namespace oplens::agent
