// One attempt to deliver one alert message (docs/agent.md section 7), asynchronous on the main thread's event loop so
// that it never holds a request: the `sendmail` argv as a QProcess (no shell; the message on its standard input; a
// non-zero exit is a failure, with the first line of its standard error), or a webhook POST through
// QNetworkAccessManager (TLS verified against the system's CAs plus the hook's caFile; a 2xx answer is delivered).
// Either is cut off after the timeout. finished() comes exactly once, later than start() returns; the object then
// deletes itself.
#pragma once

#include "alertconfig.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;
class QProcess;

namespace oplens::agent {

class AlertDelivery : public QObject
{
    Q_OBJECT
public:
    static AlertDelivery *sendMail(const EmailChannel &email, const QByteArray &message, int timeoutSeconds,
                                   QObject *parent);
    static AlertDelivery *postWebhook(QNetworkAccessManager *network, const WebhookChannel &hook, const QByteArray &body,
                                      int timeoutSeconds, QObject *parent);

Q_SIGNALS:
    // `error`: one line without secrets (no token, no URL path), empty when delivered.
    void finished(bool delivered, const QString &error);

private:
    explicit AlertDelivery(int timeoutSeconds, QObject *parent);
    void finish(bool delivered, const QString &error);
    void processEnded(int exitCode, bool crashed);
    void replyEnded();

    QTimer m_limit;
    QPointer<QProcess> m_process;
    QPointer<QNetworkReply> m_reply;
    QString m_target; // the URL without its secret, for errors
    bool m_done = false;
    bool m_timedOut = false;
};

} // namespace oplens::agent
