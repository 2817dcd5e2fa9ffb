#include "agentalerts.h"

#include "agentclient.h"
#include "timedisplay.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

#include <algorithm>

namespace oplens::ui {

namespace {
// The last delivery changes at most every batch; asked every 15 of the session's remote poll intervals, at least
// every 30 s.
int pollMs(const Session *session)
{
    return std::clamp(session->remotePollInterval() * 15, 1000, 30000);
}

// A status answer is small; anything larger is not an agent's.
constexpr qint64 kMaxStatusBytes = 1 << 20;
} // namespace

AlertStatus AlertStatus::fromStatus(const QByteArray &statusJson)
{
    AlertStatus status;
    const QJsonValue alerts = QJsonDocument::fromJson(statusJson).object().value(QStringLiteral("alerts"));
    if (!alerts.isObject())
        return status;
    const QJsonObject object = alerts.toObject();
    status.known = true;
    status.configured = object.value(QStringLiteral("configured")).toBool();
    for (const QJsonValue &channel : object.value(QStringLiteral("channels")).toArray())
        if (channel.isString() && !channel.toString().isEmpty())
            status.channels << channel.toString().left(300);
    status.pending = std::max(0, object.value(QStringLiteral("pending")).toInt());
    const QJsonValue last = object.value(QStringLiteral("lastDelivery"));
    if (last.isObject()) {
        const QJsonObject delivery = last.toObject();
        status.delivered = true;
        status.lastAt = int64_t(delivery.value(QStringLiteral("at")).toDouble());
        status.lastChannel = delivery.value(QStringLiteral("channel")).toString().left(300);
        status.lastOk = delivery.value(QStringLiteral("ok")).toBool();
        status.lastError = delivery.value(QStringLiteral("error")).toString().left(500);
    }
    return status;
}

QString AlertStatus::text(int64_t now) const
{
    if (!configured)
        return QObject::tr("no alerts configured: nobody is told who is not looking at a console");
    QStringList kinds; // "email mail-admins@example.com" -> "email"
    for (const QString &channel : channels) {
        const QString kind = channel.section(QLatin1Char(' '), 0, 0);
        if (!kinds.contains(kind))
            kinds << kind;
    }
    QString delivery;
    if (!delivered)
        delivery = QObject::tr("nothing delivered yet");
    else if (lastOk)
        delivery = QObject::tr("last delivery ok %1").arg(TimeDisplay::ago(now - lastAt));
    else
        delivery = QObject::tr("last delivery failed %1%2: %3")
                       .arg(TimeDisplay::ago(now - lastAt),
                            channels.size() > 1 ? QStringLiteral(" (%1)").arg(lastChannel) : QString(), // which one
                            lastError.isEmpty() ? QObject::tr("no reason given") : lastError);
    const QString pendingText = pending > 0 ? QObject::tr(", %1 pending").arg(pending) : QString();
    return QObject::tr("Alerts: %1 — %2%3").arg(kinds.isEmpty() ? QObject::tr("configured") : kinds.join(QLatin1String(", ")),
                                               delivery, pendingText);
}

AgentAlerts::AgentAlerts(Session *session, QObject *parent) : QObject(parent), m_session(session)
{
    connect(m_session, &Session::sourcesChanged, this, &AgentAlerts::sourcesChanged);
    connect(&m_timer, &QTimer::timeout, this, &AgentAlerts::poll);
    m_timer.start(1000); // each source is asked when its last answer is older than pollMs()
}

// A new agent source is asked at once; a closed one is forgotten.
void AgentAlerts::sourcesChanged()
{
    QSet<QString> agents;
    for (const SourceState &s : m_session->sources()) {
        if (!s.isAgent())
            continue;
        agents.insert(s.path);
        if (!m_status.contains(s.path) && !m_fetching.contains(s.path))
            fetch(s);
    }
    bool forgot = false;
    for (auto it = m_status.begin(); it != m_status.end();) {
        forgot = forgot || !agents.contains(it.key());
        it = agents.contains(it.key()) ? std::next(it) : m_status.erase(it);
    }
    for (auto it = m_asked.begin(); it != m_asked.end();)
        it = agents.contains(it.key()) ? std::next(it) : m_asked.erase(it);
    if (forgot)
        Q_EMIT changed();
}

void AgentAlerts::poll()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const SourceState &s : m_session->sources())
        if (s.isAgent() && !m_fetching.contains(s.path) && s.remote->state().phase != RemoteSource::Phase::Paused
            && now - m_asked.value(s.path) >= pollMs(m_session))
            fetch(s);
}

void AgentAlerts::fetch(const SourceState &source)
{
    const QString path = source.path;
    AgentClient agent(source.remote->spec(), &m_network);
    if (!agent.refusal().isEmpty())
        return; // no token yet, or a refused transport: the source itself says why
    m_fetching.insert(path);
    m_asked.insert(path, QDateTime::currentMSecsSinceEpoch());
    QNetworkReply *reply = agent.status();
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received) {
        if (received > kMaxStatusBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, path] {
        reply->deleteLater();
        m_fetching.remove(path);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status != 200 || m_session->sourceIndex(path) < 0)
            return; // what was known stays; the source's own state says when its agent is unreachable
        const AlertStatus fresh = AlertStatus::fromStatus(reply->readAll());
        const AlertStatus old = m_status.value(path);
        m_status.insert(path, fresh);
        if (fresh.known != old.known || fresh.text(0) != old.text(0))
            Q_EMIT changed();
    });
}

} // namespace oplens::ui
