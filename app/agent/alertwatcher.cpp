#include "alertwatcher.h"

#include "oplogfollower.h"
#include "runner.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimeZone>

#include <algorithm>

namespace oplens::agent {

namespace {

const QString kInterrupted = QStringLiteral("interrupted");
const QString kStale = QStringLiteral("stale");
const QString kFailed = QStringLiteral("failed");

QString text(const EventStore &events, uint32_t id) { return id == kNone ? QString() : events.string(id); }

QString duration(int64_t ms)
{
    if (ms < 120000)
        return QStringLiteral("%1 s").arg(ms / 1000);
    if (ms < 7200000)
        return QStringLiteral("%1 min").arg(ms / 60000);
    return QStringLiteral("%1 h").arg(ms / 3600000);
}

QString utc(int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

} // namespace

AlertWatcher::AlertWatcher(std::shared_ptr<OplogFollower> follower, QStringList logIds, Acknowledged acknowledged)
    : m_follower(std::move(follower)), m_logIds(std::move(logIds)), m_acknowledged(std::move(acknowledged))
{
}

void AlertWatcher::setFirstStart(int source, const QStringList &recovered)
{
    m_firstStart = true;
    m_recoveredSource = source;
    m_recovered = QSet<QString>(recovered.begin(), recovered.end());
}

int AlertWatcher::sourceOf(const QString &log) const { return int(m_logIds.indexOf(log)); }

QString AlertWatcher::kindOf(const Dataset &data, uint32_t op, int64_t now) const
{
    if (!data.exists(op) || data.source(op) >= m_logIds.size())
        return {};
    const Operation &o = data.operation(op);
    if (o.status == Status::Interrupted)
        return data.isRestarted(op) || data.isSuperseded(op) ? QString() : kInterrupted;
    if (data.isStale(op, now))
        return kStale;
    // A restart this agent ran that failed, not restarted again.
    if (o.status == Status::Failed && !data.isRestarted(op) && data.events().restartOf(o.statusRow) != kNone
        && data.events().otherString(o.statusRow, "runner") == std::string("oplensd"))
        return kFailed;
    return {};
}

AlertItem AlertWatcher::itemOf(const Dataset &data, uint32_t op, const QString &kind, int64_t now) const
{
    const EventStore &events = data.events();
    const Operation &o = data.operation(op);
    QString evidence;
    if (kind == kInterrupted)
        evidence = data.interruptionReason(op);
    else if (kind == kStale)
        evidence = QStringLiteral("running since %1, longer than %2 (three times its usual, or 24 h)")
                       .arg(utc(events.time(o.statusRow)),
                            duration(data.staleLimit(data.source(op), data.module(op), data.name(op))));
    else
        evidence = QString::fromStdString(events.otherString(o.statusRow, "error").value_or("the restart failed"));
    const std::string_view parameters = parametersRunWith(data, op);
    AlertItem item{{QStringLiteral("log"), m_logIds.value(data.source(op))},
                   {QStringLiteral("operationId"), QString::fromStdString(events.ids().text(op))},
                   {QStringLiteral("kind"), kind},
                   {QStringLiteral("module"), text(events, data.module(op))},
                   {QStringLiteral("name"), text(events, data.name(op))},
                   {QStringLiteral("title"), data.title(op)},
                   {QStringLiteral("status"), statusName(o.status)},
                   {QStringLiteral("startedAt"), o.startedAt == kNoTime ? QJsonValue() : QJsonValue(qint64(o.startedAt))},
                   {QStringLiteral("evidence"), evidence},
                   {QStringLiteral("parameters"),
                    QJsonDocument::fromJson(QByteArray(parameters.data(), qsizetype(parameters.size()))).object()},
                   {QStringLiteral("detectedAt"), qint64(now)}};
    if (o.endedAt != kNoTime)
        item.insert(QStringLiteral("endedAt"), qint64(o.endedAt));
    if (const uint32_t host = data.host(op); host != kNone)
        item.insert(QStringLiteral("host"), events.string(host));
    if (const uint32_t by = events.requestedBy(o.statusRow); by != kNone)
        item.insert(QStringLiteral("requestedBy"), events.string(by));
    if (const uint32_t of = events.restartOf(o.statusRow); of != kNone)
        item.insert(QStringLiteral("restartOf"), QString::fromStdString(events.ids().text(of)));
    return item;
}

void AlertWatcher::look(const Dataset &data, uint32_t op, int64_t now, QSet<QString> &known, QList<AlertItem> &alerts,
                        bool *changed)
{
    const QString kind = kindOf(data, op, now);
    if (kind.isEmpty())
        return;
    const QString log = m_logIds.value(data.source(op));
    const QString id = QString::fromStdString(data.events().ids().text(op));
    const QString key = alertKey(log, id, kind);
    if (known.contains(key))
        return;
    known.insert(key);
    *changed = true;
    // On the first start, what already needed attention is only recorded, except what this start's recovery found.
    const bool baseline = m_firstStart
        && !(kind == kInterrupted && int(data.source(op)) == m_recoveredSource && m_recovered.contains(id));
    if (!baseline && !(m_acknowledged && m_acknowledged(log, id)))
        alerts.append(itemOf(data, op, kind, now));
}

void AlertWatcher::forget(const Dataset &data, int64_t now, QSet<QString> &known, bool *changed) const
{
    for (auto it = known.begin(); it != known.end();) {
        const QStringList parts = it->split(QLatin1Char('\n'));
        const int source = sourceOf(parts.value(0));
        const uint32_t op = source < 0 ? kNone : data.findOperation(uint16_t(source), parts.value(1).toStdString());
        if (op == kNone || kindOf(data, op, now) != parts.value(2)) {
            it = known.erase(it);
            *changed = true;
        } else {
            ++it;
        }
    }
}

QList<AlertItem> AlertWatcher::scan(QSet<QString> &known, int64_t now, bool *changed)
{
    *changed = false;
    QList<AlertItem> alerts;
    const Dataset &data = m_follower->data();
    const size_t rows = data.events().size();
    const bool fullRead = m_follower->generation() != m_generation;
    std::vector<uint32_t> touched;
    if (fullRead) {
        m_open.clear();
        for (uint32_t op = 0; op < data.operationCount(); ++op)
            touched.push_back(op);
    } else {
        for (size_t row = m_rows; row < rows; ++row)
            if (const uint32_t op = data.events().operation(EventStore::Row(row)); op != kNone)
                touched.push_back(op);
        touched.insert(touched.end(), m_open.begin(), m_open.end());
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    }
    std::vector<uint32_t> open;
    for (const uint32_t op : touched) {
        if (!data.exists(op))
            continue;
        look(data, op, now, known, alerts, changed);
        if (isActive(data.operation(op).status))
            open.push_back(op);
    }
    m_open = std::move(open); // every open operation was in `touched`
    if (fullRead || rows != m_rows)
        forget(data, now, known, changed);
    m_generation = m_follower->generation();
    m_rows = rows;
    m_firstStart = false;
    return alerts;
}

bool AlertWatcher::outdated(const AlertItem &item) const
{
    const QString log = item.value(QStringLiteral("log")).toString();
    const QString id = item.value(QStringLiteral("operationId")).toString();
    if (m_acknowledged && m_acknowledged(log, id))
        return true;
    const int source = sourceOf(log);
    const Dataset &data = m_follower->data();
    const uint32_t op = source < 0 ? kNone : data.findOperation(uint16_t(source), id.toStdString());
    return op != kNone && data.isRestarted(op);
}

} // namespace oplens::agent
