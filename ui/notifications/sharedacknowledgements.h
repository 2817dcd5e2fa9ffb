// Agent sources' acknowledgements are their agent's (docs/agent.md section 9): this console asks each agent for the
// current list at every poll interval (so another console's acknowledgement shows within it), and sends the admin's
// acknowledgements and withdrawals, one request per operation. Every request is asynchronous (the GUI thread never
// waits); each answer goes to the Notifications model as it comes, and a request that fails is said, never dropped.
#pragma once

#include "notificationsmodel.h"
#include "session.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace oplens::ui {

class SharedAcknowledgements : public QObject
{
    Q_OBJECT
public:
    SharedAcknowledgements(Session *session, NotificationsModel *model, QObject *parent = nullptr);

    // POST (or DELETE) on each operation's agent; the answers update the model, and sent() says how it went.
    void send(const QList<NotificationsModel::Key> &keys, bool acknowledged, const QString &comment);
    // Asks every agent source for its list now (then again each poll interval).
    void pollNow();
    int requestsInFlight() const { return m_sending + int(m_fetching.size()); }
    // Every agent source that can be asked has answered once (or failed to): what a screenshot or a printout waits for.
    bool settled() const;

Q_SIGNALS:
    // While sending: "Acknowledging 3 notifications on their agents…".
    void progress(const QString &message);
    // Every request of one send() answered: what was done, and one line per failure ("mail1 …: 403: …").
    void sent(const QString &message, const QStringList &failures);
    // A list could not be fetched (once per new error text of a source), or can again (empty `error`).
    void fetchProblem(const QString &source, const QString &error);
    // A source's agent answered (or failed) for the first time: settled() may have changed.
    void fetched();

private:
    struct Batch {
        bool acknowledged = false;
        int left = 0, done = 0;
        QStringList failures;
    };
    void sourcesChanged();
    void poll();
    void fetch(const SourceState &source);
    void sendOne(const SourceState &source, const QString &operationId, const QString &comment,
                 const std::shared_ptr<Batch> &batch);
    void answered(const std::shared_ptr<Batch> &batch);

    Session *m_session;
    NotificationsModel *m_model;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QSet<QString> m_fetching;          // sources whose list is being fetched
    QHash<QString, int> m_changes;     // per source: changes this console made (a list asked before one is stale)
    QHash<QString, QString> m_problem; // per source: the last fetch error said
    QSet<QString> m_answered;          // sources whose agent answered at least once
    int m_sending = 0;
};

} // namespace oplens::ui
