#include "alertdelivery.h"

#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>

namespace oplens::agent {

namespace {

// The first line of a program's complaint, cut: it goes to the audit and /v1/status.
QString firstLine(const QByteArray &text)
{
    const QString line = QString::fromUtf8(text.trimmed().split('\n').value(0)).trimmed();
    return line.size() > 200 ? line.left(200) + QStringLiteral("…") : line;
}

} // namespace

AlertDelivery::AlertDelivery(int timeoutSeconds, QObject *parent) : QObject(parent)
{
    m_limit.setSingleShot(true);
    m_limit.setInterval(timeoutSeconds * 1000);
    connect(&m_limit, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_process)
            m_process->kill(); // processEnded() follows
        if (m_reply)
            m_reply->abort(); // replyEnded() follows
    });
}

void AlertDelivery::finish(bool delivered, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    m_limit.stop();
    // Queued: even a failure found inside sendMail() or postWebhook() reaches a receiver connected after it returned.
    QMetaObject::invokeMethod(this, [this, delivered, error] {
        Q_EMIT finished(delivered, error);
        deleteLater();
    }, Qt::QueuedConnection);
}

AlertDelivery *AlertDelivery::sendMail(const EmailChannel &email, const QByteArray &message, int timeoutSeconds,
                                       QObject *parent)
{
    auto *delivery = new AlertDelivery(timeoutSeconds, parent);
    auto *process = new QProcess(delivery);
    delivery->m_process = process;
    process->setProgram(email.sendmail.first());
    process->setArguments(email.sendmail.mid(1));
    process->setProcessChannelMode(QProcess::SeparateChannels);
    process->setStandardOutputFile(QProcess::nullDevice());
    connect(process, &QProcess::finished, delivery, [delivery](int exitCode, QProcess::ExitStatus status) {
        delivery->processEnded(exitCode, status == QProcess::CrashExit);
    });
    connect(process, &QProcess::errorOccurred, delivery, [delivery, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) // no finished() follows
            delivery->finish(false, QStringLiteral("cannot run %1: %2").arg(process->program(), process->errorString()));
    });
    connect(process, &QProcess::started, delivery, [process, message] {
        process->write(message);
        process->closeWriteChannel();
    });
    delivery->m_limit.start();
    process->start(QIODevice::ReadWrite);
    return delivery;
}

void AlertDelivery::processEnded(int exitCode, bool crashed)
{
    const QString said = m_process ? firstLine(m_process->readAllStandardError()) : QString();
    if (m_timedOut)
        finish(false, QStringLiteral("sendmail gave no answer in %1 s: killed").arg(m_limit.interval() / 1000));
    else if (crashed)
        finish(false, QStringLiteral("sendmail was killed by a signal") + (said.isEmpty() ? QString() : QStringLiteral(": ") + said));
    else if (exitCode != 0)
        finish(false, QStringLiteral("sendmail exit status %1").arg(exitCode) + (said.isEmpty() ? QString() : QStringLiteral(": ") + said));
    else
        finish(true, {});
}

AlertDelivery *AlertDelivery::postWebhook(QNetworkAccessManager *network, const WebhookChannel &hook,
                                          const QByteArray &body, int timeoutSeconds, QObject *parent)
{
    auto *delivery = new AlertDelivery(timeoutSeconds, parent);
    delivery->m_target = displayUrl(hook.url);
    QNetworkRequest request(hook.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("User-Agent", "oplensd");
    if (!hook.bearerToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + hook.bearerToken);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutSeconds * 1000);
    if (!hook.caFile.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(hook.caFile, QSsl::Pem));
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = network->post(request, body);
    reply->setParent(delivery);
    delivery->m_reply = reply;
    connect(reply, &QNetworkReply::finished, delivery, &AlertDelivery::replyEnded);
    delivery->m_limit.start();
    return delivery;
}

void AlertDelivery::replyEnded()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_timedOut || m_reply->error() == QNetworkReply::OperationCanceledError
        || m_reply->error() == QNetworkReply::TimeoutError) {
        finish(false, QStringLiteral("%1 gave no answer in %2 s").arg(m_target).arg(m_limit.interval() / 1000));
    } else if (status >= 200 && status < 300) {
        finish(true, {});
    } else if (status != 0) {
        finish(false, QStringLiteral("%1 answered %2").arg(m_target).arg(status));
    } else {
        // Qt's error text may name the whole URL: only its kind is kept.
        const QString kind = QString::fromLatin1(QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(m_reply->error()));
        finish(false, QStringLiteral("%1: %2").arg(m_target, kind.isEmpty() ? QStringLiteral("network error") : kind));
    }
}

} // namespace oplens::agent
