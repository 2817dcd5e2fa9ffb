// The agent's alerts (docs/agent.md section 7), on the main thread: every 1 to 5 s (a quarter of batchSeconds) it
// refreshes the shared OplogFollower (incrementally) and asks the AlertWatcher what newly calls for an alert; alerts
// gather into a batch for batchSeconds, then become one message per channel, kept in the state file (alertstate.h)
// before it is attempted, delivered asynchronously (alertdelivery.h), retried with backoff, and audited. Nothing here
// waits: the API is never delayed by a channel.
#pragma once

#include "agentconfig.h"
#include "alertmessages.h"
#include "alertstate.h"
#include "alertwatcher.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <map>
#include <memory>
#include <set>

class QNetworkAccessManager;

namespace oplens {
class OplogFollower;
}

namespace oplens::agent {

class AuditLog;

class Alerter : public QObject
{
    Q_OBJECT
public:
    // `statePath`: the state file (stateFileFor(config.auditLog)). `acknowledged` tells whether an operation was
    // acknowledged (the shared acknowledgements, docs/agent.md section 9); it may be empty.
    Alerter(const Config &config, std::shared_ptr<OplogFollower> follower, AuditLog *audit,
            AlertWatcher::Acknowledged acknowledged, QObject *parent = nullptr);
    ~Alerter() override;

    static QString stateFileFor(const QString &auditLog) { return auditLog + QStringLiteral(".alerts.json"); }

    // Reads the state file (without one, this is the first start: see AlertWatcher::setFirstStart, with the ids
    // this start's recovery marked Interrupted in the runner oplog) and starts watching. Empty, or why it cannot
    // start (the agent then stops). Nothing happens when alerts are not configured.
    QString start(const QStringList &recoveredIds);

    // /v1/status's "alerts": {"configured", "channels", "pending", "lastDelivery"}.
    QJsonObject statusJson() const;
    static QJsonObject notConfiguredJson();
    // (channel, result) -> deliveries since the agent started; channel "email", "json", "slack", "alertmanager";
    // result "sent" or "failed".
    std::map<std::pair<QString, QString>, quint64> deliveryCounts() const { return m_counts; }

private:
    struct Channel {
        QString key;         // in the state file: "email", "webhooks[0]", ...
        QString kind;        // "email", "json", "slack", "alertmanager"
        QString display;     // "email admins@example.com", "slack https://chat.example.com"
        int webhook = -1;    // index into the config's webhooks
    };

    void tick();
    void collect(int64_t now);   // new alerts into the collecting batch
    void closeBatch(int64_t now); // the batch becomes one pending message per channel
    void pump(int64_t now);       // starts the messages that are due, one at a time per channel
    void attempt(int pendingIndex, const QList<AlertItem> &items, int64_t now);
    void delivered(const QString &channel, const QString &batchId, int count, bool ok, const QString &error);
    void auditDelivery(const Channel &channel, const QString &batchId, int count, const QString &result,
                       const QString &error);
    const Channel *channelOf(const QString &key) const;
    void save();

    Config m_config;
    std::shared_ptr<OplogFollower> m_follower;
    AuditLog *m_audit;
    AlertWatcher m_watcher;
    AlertState m_state;
    MessageContext m_context;
    QList<Channel> m_channels;
    std::set<QString> m_busy; // channels with a delivery in flight
    std::map<std::pair<QString, QString>, quint64> m_counts;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_timer;       // every second: batches to close, messages due
    int64_t m_lastWatch = 0; // when the oplogs were last looked at
    QString m_saveError;
};

} // namespace oplens::agent
