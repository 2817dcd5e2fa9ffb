// What the agent's alerts must not forget across restarts (docs/agent.md section 7), kept in one JSON file beside the
// audit log and replaced atomically (QSaveFile: written whole, fsynced, renamed): the operations already alerted, the
// batch still collecting alerts, and each message (a batch for one channel) not yet delivered. A message is in the
// file before it is attempted and leaves it right after it was delivered, so a crash at any point loses nothing and
// sends nothing twice that was known to be delivered.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <optional>

namespace oplens::agent {

// One operation to alert about, as it was when found: log, operationId, kind (interrupted | stale | failed), module,
// name, status, startedAt, evidence, parameters, ... (alertwatcher.h fills it).
using AlertItem = QJsonObject;

// The key of "already alerted": log, operation id and kind.
QString alertKey(const QString &log, const QString &operationId, const QString &kind);
QString alertKey(const AlertItem &item);

// Alerts that arose within batchSeconds of the first.
struct AlertBatch {
    QString id;           // also the e-mail's Message-ID, so a retried message keeps it
    qint64 createdAt = 0; // epoch ms of its first alert
    QList<AlertItem> items;
};

// A batch to deliver to one channel ("email", "webhooks[0]", ...).
struct PendingMessage {
    AlertBatch batch;
    QString channel;
    int attempts = 0;    // failed attempts so far
    qint64 nextAt = 0;   // epoch ms of the next attempt
    QString lastError;
};

struct LastDelivery {
    qint64 at = 0;
    QString channel; // as /v1/status names it: "email admins@example.com", "slack https://chat.example.com"
    bool ok = false;
    QString error;
};

class AlertState
{
public:
    explicit AlertState(QString path) : m_path(std::move(path)) {}

    // Reads the file. False when there is none (the agent's first start with alerts); a file that cannot be read or
    // parsed is an error (`error` set): the agent stops rather than alert everything again or lose pending messages.
    bool load(QString *error);
    // Writes the file whole; empty, or why it could not be written.
    QString save() const;
    const QString &path() const { return m_path; }

    QSet<QString> known;                  // alertKey()s
    std::optional<AlertBatch> collecting; // the batch still gathering alerts
    QList<PendingMessage> pending;        // in the order they were made
    std::optional<LastDelivery> lastDelivery;

private:
    QString m_path;
};

} // namespace oplens::agent
