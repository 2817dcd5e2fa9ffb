#include "notificationsmodel.h"

#include "statusstyle.h"
#include "timedisplay.h"

#include <QPalette>

namespace oplens::ui {

NotificationsModel::NotificationsModel(QObject *parent) : QAbstractListModel(parent)
{
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this] {
        if (!m_items.empty())
            Q_EMIT dataChanged(index(0), index(rowCount() - 1));
    });
}

void NotificationsModel::refresh(std::shared_ptr<const Dataset> data, int64_t now)
{
    m_data = std::move(data);
    m_now = now;
    m_all.clear();
    if (m_data) {
        const EventStore &s = m_data->events();
        for (uint32_t op = 0; op < m_data->operationCount(); ++op) {
            if (!m_data->exists(op))
                continue;
            const Operation &o = m_data->operation(op);
            // Superseded would need attention but for the later run: kept for "Show superseded".
            const bool superseded = o.status == Status::Interrupted && m_data->isSuperseded(op);
            if (!superseded && !m_data->needsAttention(op, now))
                continue;
            const bool stale = o.status != Status::Interrupted;
            const int64_t when = stale ? s.time(o.statusRow) : (o.endedAt != kNoTime ? o.endedAt : s.time(o.statusRow));
            const bool acknowledged = !m_acks.isEmpty() && m_acks.contains(sourceOf(op), s.ids().qtext(op));
            m_all.push_back({op, when, stale, acknowledged, superseded});
        }
        std::sort(m_all.begin(), m_all.end(), [](const Item &a, const Item &b) {
            return a.when != b.when ? a.when > b.when : a.op > b.op;
        });
    }
    rebuild();
}

void NotificationsModel::rebuild()
{
    beginResetModel();
    m_items.clear();
    m_unacknowledged = 0;
    m_superseded = 0;
    for (const Item &item : m_all) {
        m_unacknowledged += item.acknowledged || item.superseded ? 0 : 1;
        if (!m_showAcknowledged && item.acknowledged)
            continue;
        m_superseded += item.superseded ? 1 : 0;
        if (m_showSuperseded || !item.superseded)
            m_items.push_back(item);
    }
    endResetModel();
}

void NotificationsModel::setShowAcknowledged(bool show)
{
    if (show == m_showAcknowledged)
        return;
    m_showAcknowledged = show;
    rebuild();
}

void NotificationsModel::setShowSuperseded(bool show)
{
    if (show == m_showSuperseded)
        return;
    m_showSuperseded = show;
    rebuild();
}

void NotificationsModel::setAcknowledged(int row, bool acknowledged)
{
    if (row < 0 || size_t(row) >= m_items.size())
        return;
    const uint32_t op = m_items[size_t(row)].op;
    m_acks.set(sourceOf(op), m_data->events().ids().qtext(op), acknowledged);
    for (Item &item : m_all)
        if (item.op == op)
            item.acknowledged = acknowledged;
    rebuild();
}

QString NotificationsModel::sourceOf(uint32_t op) const
{
    return m_data->events().sourceName(m_data->source(op));
}

QString NotificationsModel::why(const Item &item) const
{
    const Dataset &d = *m_data;
    const QString when = TimeDisplay::instance().format(item.when);
    if (item.stale) {
        const int64_t limit = d.staleLimit(d.source(item.op), d.module(item.op), d.name(item.op));
        return tr("Stale: running since %1 (%2), longer than the %3 it usually needs at most")
            .arg(when, TimeDisplay::duration(m_now - item.when), TimeDisplay::duration(limit));
    }
    if (item.superseded)
        return tr("Interrupted %1: %2; %3").arg(when, d.interruptionReason(item.op), d.supersededReason(item.op));
    return tr("Interrupted %1: %2").arg(when, d.interruptionReason(item.op));
}

QStringList NotificationsModel::lines() const
{
    QStringList out;
    for (const Item &item : m_items)
        out << QStringLiteral("%1 — %2").arg(m_data->title(item.op), why(item));
    return out;
}

int NotificationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant NotificationsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_items.size())
        return {};
    const Item &item = m_items[size_t(index.row())];
    const Status status = m_data->operation(item.op).status;
    switch (role) {
    case OperationRole: return item.op;
    case AcknowledgedRole: return item.acknowledged;
    case SupersededRole: return item.superseded;
    case Qt::DisplayRole: return QStringLiteral("%1\n%2").arg(m_data->title(item.op), why(item));
    case Qt::DecorationRole: return statusIcon(status, item.stale);
    case Qt::ForegroundRole:
        if (item.acknowledged || item.superseded) // nothing to do about it
            return QPalette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole:
        return tr("Operation %1 from %2%3")
            .arg(m_data->events().ids().qtext(item.op), sourceOf(item.op),
                 item.acknowledged ? tr("\nAcknowledged") : QString());
    default: return {};
    }
}

} // namespace oplens::ui
