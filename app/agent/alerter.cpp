#include "alerter.h"

#include "alertdelivery.h"
#include "auditlog.h"
#include "oplogfollower.h"

#include <QDateTime>
#include <QHostInfo>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QUuid>

#include <algorithm>
#include <cstdio>

namespace oplens::agent {

namespace {

constexpr qint64 kMaxRetrySeconds = 3600;

// Where a restart command reaches this agent: its host name over TLS, else its loopback address (run on the server).
QString agentSource(const Config &config)
{
    if (config.tls())
        return QStringLiteral("agent+https://%1:%2").arg(QHostInfo::localHostName()).arg(config.port);
    const QString host = config.address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(config.address.toString()) : config.address.toString();
    return QStringLiteral("agent+http://%1:%2").arg(host).arg(config.port);
}

} // namespace

Alerter::Alerter(const Config &config, std::shared_ptr<OplogFollower> follower, AuditLog *audit,
                 AlertWatcher::Acknowledged acknowledged, QObject *parent)
    : QObject(parent), m_config(config), m_follower(follower), m_audit(audit),
      m_watcher(follower,
                [&config] {
                    QStringList ids;
                    for (const OplogConfig &log : config.oplogs)
                        ids << log.id;
                    return ids;
                }(),
                std::move(acknowledged)),
      m_state(stateFileFor(config.auditLog)), m_context{QHostInfo::localHostName(), agentSource(config)}
{
    const AlertsConfig &alerts = m_config.alerts;
    if (alerts.email)
        m_channels.append({QStringLiteral("email"), QStringLiteral("email"),
                           QStringLiteral("email ") + alerts.email->to.join(QStringLiteral(", ")), -1});
    for (int i = 0; i < alerts.webhooks.size(); ++i) {
        const QString kind = formatName(alerts.webhooks[i].format);
        m_channels.append({QStringLiteral("webhooks[%1]").arg(i), kind, kind + QLatin1Char(' ') + displayUrl(alerts.webhooks[i].url), i});
    }
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &Alerter::tick);
}

Alerter::~Alerter() = default;

QString Alerter::start(const QStringList &recoveredIds)
{
    if (!m_config.alerts.configured())
        return {};
    QString error;
    const bool existed = m_state.load(&error);
    if (!error.isEmpty())
        return QStringLiteral("alerts: %1").arg(error);
    if (!existed)
        m_watcher.setFirstStart(m_config.runnerOplog, recoveredIds);
    if (!m_config.alerts.webhooks.isEmpty())
        m_network = new QNetworkAccessManager(this);
    m_timer.start();
    tick();
    if (!existed)
        save(); // the next start is not a first start, even when nothing was found
    return {};
}

void Alerter::tick()
{
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    // Reading what the oplogs gained re-derives the engine's Stale limits over every finished run: not more often
    // than a quarter of the batch window (1 to 5 s), which is soon enough for an alert that waits for its batch.
    const int64_t watchEveryMs = 1000 * std::clamp(m_config.alerts.batchSeconds / 4, 1, 5);
    if (now - m_lastWatch >= watchEveryMs - 100) {
        m_lastWatch = now;
        m_follower->refresh();
        collect(now);
    }
    if (m_state.collecting && now - m_state.collecting->createdAt >= qint64(m_config.alerts.batchSeconds) * 1000)
        closeBatch(now);
    pump(now);
}

void Alerter::collect(int64_t now)
{
    bool changed = false;
    const QList<AlertItem> found = m_watcher.scan(m_state.known, now, &changed);
    if (!found.isEmpty()) {
        if (!m_state.collecting)
            m_state.collecting = AlertBatch{QUuid::createUuid().toString(QUuid::WithoutBraces), now, {}};
        m_state.collecting->items += found;
    }
    if (changed || !found.isEmpty())
        save();
}

void Alerter::closeBatch(int64_t now)
{
    for (const Channel &channel : std::as_const(m_channels))
        m_state.pending.append(PendingMessage{*m_state.collecting, channel.key, 0, now, {}});
    m_state.collecting.reset();
    save(); // each message is in the file before it is attempted
}

void Alerter::pump(int64_t now)
{
    for (int i = 0; i < m_state.pending.size();) {
        const PendingMessage &message = m_state.pending[i];
        const Channel *channel = channelOf(message.channel);
        if (!channel) { // the config no longer has it
            std::fprintf(stderr, "oplensd: alerts: dropping a message for %s, no longer configured\n",
                         qPrintable(message.channel));
            m_state.pending.removeAt(i);
            save();
            continue;
        }
        if (m_busy.count(message.channel) || message.nextAt > now) {
            ++i;
            continue;
        }
        QList<AlertItem> items;
        for (const AlertItem &item : message.batch.items)
            if (!m_watcher.outdated(item)) // acknowledged or restarted since: dropped
                items.append(item);
        if (items.isEmpty()) {
            auditDelivery(*channel, message.batch.id, int(message.batch.items.size()), QStringLiteral("dropped"),
                          QStringLiteral("every operation was acknowledged or restarted"));
            m_state.pending.removeAt(i);
            save();
            continue;
        }
        attempt(i, items, now);
        ++i;
    }
}

void Alerter::attempt(int pendingIndex, const QList<AlertItem> &items, int64_t now)
{
    Q_UNUSED(now);
    const PendingMessage &message = m_state.pending[pendingIndex];
    const Channel &channel = *channelOf(message.channel);
    const AlertsConfig &alerts = m_config.alerts;
    AlertDelivery *delivery = nullptr;
    if (channel.webhook < 0) {
        delivery = AlertDelivery::sendMail(*alerts.email, emailMessage(*alerts.email, message.batch, items, m_context),
                                           alerts.timeoutSeconds, this);
    } else {
        const WebhookChannel &hook = alerts.webhooks[channel.webhook];
        delivery = AlertDelivery::postWebhook(m_network, hook, webhookBody(hook.format, message.batch, items, m_context),
                                              alerts.timeoutSeconds, this);
    }
    m_busy.insert(message.channel);
    const QString key = message.channel, batchId = message.batch.id;
    const int count = int(items.size());
    connect(delivery, &AlertDelivery::finished, this, [this, key, batchId, count](bool ok, const QString &error) {
        delivered(key, batchId, count, ok, error);
    });
}

void Alerter::delivered(const QString &channelKey, const QString &batchId, int count, bool ok, const QString &error)
{
    m_busy.erase(channelKey);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    const auto it = std::find_if(m_state.pending.begin(), m_state.pending.end(), [&](const PendingMessage &m) {
        return m.channel == channelKey && m.batch.id == batchId;
    });
    const Channel *channel = channelOf(channelKey);
    if (it == m_state.pending.end() || !channel)
        return;
    if (ok) {
        m_state.pending.erase(it); // sent: never again, even after a crash right now
    } else {
        ++it->attempts;
        const qint64 delay = std::min<qint64>(kMaxRetrySeconds, qint64(m_config.alerts.retrySeconds) << std::min(it->attempts - 1, 12));
        it->nextAt = now + delay * 1000;
        it->lastError = error;
    }
    m_state.lastDelivery = LastDelivery{now, channel->display, ok, error};
    ++m_counts[{channel->kind, ok ? QStringLiteral("sent") : QStringLiteral("failed")}];
    save();
    auditDelivery(*channel, batchId, count, ok ? QStringLiteral("sent") : QStringLiteral("failed"), error);
    pump(now);
}

void Alerter::auditDelivery(const Channel &channel, const QString &batchId, int count, const QString &result,
                            const QString &error)
{
    if (!m_audit)
        return;
    QJsonObject line{{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                     {QStringLiteral("alert"), channel.kind},
                     {QStringLiteral("batch"), batchId},
                     {QStringLiteral("count"), count},
                     {QStringLiteral("result"), result}};
    if (channel.webhook < 0)
        line.insert(QStringLiteral("to"), QJsonArray::fromStringList(m_config.alerts.email->to));
    else
        line.insert(QStringLiteral("url"), displayUrl(m_config.alerts.webhooks[channel.webhook].url));
    if (!error.isEmpty())
        line.insert(QStringLiteral("error"), error);
    m_audit->append(line);
}

const Alerter::Channel *Alerter::channelOf(const QString &key) const
{
    for (const Channel &channel : m_channels)
        if (channel.key == key)
            return &channel;
    return nullptr;
}

void Alerter::save()
{
    const QString error = m_state.save();
    if (!error.isEmpty() && error != m_saveError)
        std::fprintf(stderr, "oplensd: alerts: cannot write the state file: %s\n", qPrintable(error));
    m_saveError = error;
}

QJsonObject Alerter::notConfiguredJson()
{
    return {{QStringLiteral("configured"), false}, {QStringLiteral("channels"), QJsonArray()},
            {QStringLiteral("pending"), 0}, {QStringLiteral("lastDelivery"), QJsonValue()}};
}

QJsonObject Alerter::statusJson() const
{
    QJsonArray channels;
    for (const Channel &channel : m_channels)
        channels.append(channel.display);
    int pending = int(m_state.pending.size());
    if (m_state.collecting)
        pending += int(m_channels.size());
    QJsonValue last;
    if (m_state.lastDelivery) {
        const LastDelivery &d = *m_state.lastDelivery;
        last = QJsonObject{{QStringLiteral("at"), d.at}, {QStringLiteral("channel"), d.channel},
                           {QStringLiteral("ok"), d.ok}, {QStringLiteral("error"), d.error.isEmpty() ? QJsonValue() : QJsonValue(d.error)}};
    }
    return {{QStringLiteral("configured"), m_config.alerts.configured()}, {QStringLiteral("channels"), channels},
            {QStringLiteral("pending"), pending}, {QStringLiteral("lastDelivery"), last}};
}

} // namespace oplens::agent
