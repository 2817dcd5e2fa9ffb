// Whether an agent tells people who are not looking (docs/agent.md section 7): its channels and its last delivery, from
// the `alerts` of its GET /v1/status, asked now and then for each agent source (asynchronously). An agent whose status
// has no `alerts` (an older one) says nothing about alerts, and the Sources pane shows nothing.
#pragma once

#include "session.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace oplens::ui {

struct AlertStatus {
    bool known = false;      // the status had an `alerts` object
    bool configured = false;
    QStringList channels;    // "email mail-admins@example.com", "slack https://chat.example.com"
    int pending = 0;         // alerts waiting to be delivered
    bool delivered = false;  // a delivery was attempted: the fields below say how it went
    int64_t lastAt = 0;      // epoch ms
    QString lastChannel;
    bool lastOk = false;
    QString lastError;

    // The `alerts` of a /v1/status answer; not known when it has none or is not JSON.
    static AlertStatus fromStatus(const QByteArray &statusJson);
    // "email, slack — last delivery ok 2 min ago", "… last delivery failed 3 min ago: why", "no alerts configured".
    QString text(int64_t now) const;
    bool failing() const { return delivered && !lastOk; }
};

class AgentAlerts : public QObject
{
    Q_OBJECT
public:
    explicit AgentAlerts(Session *session, QObject *parent = nullptr);
    // What the source's agent last said (not known: nothing to show).
    AlertStatus of(const QString &sourcePath) const { return m_status.value(sourcePath); }

Q_SIGNALS:
    void changed();

private:
    void sourcesChanged();
    void poll();
    void fetch(const SourceState &source);

    Session *m_session;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QHash<QString, AlertStatus> m_status;
    QSet<QString> m_fetching;
    QHash<QString, qint64> m_asked; // per source: when its agent was last asked (epoch ms)
};

} // namespace oplens::ui
