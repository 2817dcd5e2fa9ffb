#include "notificationsmodel.h"

#include "statusstyle.h"
#include "timedisplay.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFont>
#include <QPalette>
#include <QHash>

namespace oplens::ui {

NotificationsModel::NotificationsModel(QObject *parent) : QAbstractItemModel(parent)
{
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this] {
        if (!m_groups.empty())
            rebuild(); // the groups' headings carry times too
    });
}

void NotificationsModel::refresh(std::shared_ptr<const DatasetSummary> summary)
{
    beginResetModel(); // before the data changes: slots of modelAboutToBeReset still see the old rows with the old data
    m_data = summary ? summary->data : nullptr;
    m_now = summary ? summary->now : 0;
    m_all.clear();
    if (m_data) {
        const OperationIds &ids = m_data->events().ids();
        m_all.reserve(summary->attention.size());
        for (const Attention &a : summary->attention) { // newest first
            const bool acknowledged = !m_acks.isEmpty() && m_acks.contains(sourceOf(a.op), ids.qtext(a.op));
            m_all.push_back({a.op, a.when, a.stale, acknowledged, a.superseded, groupKey(a.op, a.stale)});
        }
    }
    rebuildRows();
    endResetModel();
}

// Groups in the order of their newest notification (m_all is newest first), each listing its own newest first.
void NotificationsModel::rebuild()
{
    beginResetModel();
    rebuildRows();
    endResetModel();
}

void NotificationsModel::rebuildRows()
{
    m_shown.clear();
    m_groups.clear();
    m_where.clear();
    m_acknowledged.clear();
    m_unacknowledged = 0;
    m_acknowledgedCount = 0;
    m_superseded = 0;
    QHash<QString, size_t> groupOf;
    for (const Item &item : m_all) {
        m_acknowledged.insert(item.op, item.acknowledged);
        m_unacknowledged += item.acknowledged || item.superseded ? 0 : 1;
        m_acknowledgedCount += item.acknowledged && !item.superseded ? 1 : 0;
        if (!m_showAcknowledged && item.acknowledged)
            continue;
        m_superseded += item.superseded ? 1 : 0;
        if (!m_showSuperseded && item.superseded)
            continue;
        auto at = groupOf.constFind(item.group);
        if (at == groupOf.constEnd()) {
            at = groupOf.insert(item.group, m_groups.size());
            m_groups.push_back({item.group, groupHeading(item), {}, m_data->operation(item.op).status, item.stale});
        }
        Group &group = m_groups[at.value()];
        m_where.insert(item.op, {int(at.value()), int(group.items.size())});
        group.items.push_back(m_shown.size());
        m_shown.push_back(item);
    }
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

std::vector<uint32_t> NotificationsModel::shownOperations() const
{
    std::vector<uint32_t> out;
    for (const Group &g : m_groups)
        for (size_t i : g.items)
            out.push_back(m_shown[i].op);
    return out;
}

uint32_t NotificationsModel::operationAt(const QModelIndex &index) const
{
    if (!index.isValid() || isGroup(index))
        return kNoOperation;
    return m_shown[m_groups[size_t(index.internalId() - 1)].items[size_t(index.row())]].op;
}

QModelIndex NotificationsModel::indexOf(uint32_t op) const
{
    const auto it = m_where.constFind(op);
    return it == m_where.constEnd() ? QModelIndex() : createIndex(it->second, 0, quintptr(it->first + 1));
}

std::vector<uint32_t> NotificationsModel::operationsOf(const QModelIndexList &rows) const
{
    std::vector<uint32_t> out;
    for (const QModelIndex &index : rows) {
        if (isGroup(index)) {
            for (size_t i : m_groups[size_t(index.row())].items)
                out.push_back(m_shown[i].op);
        } else if (const uint32_t op = operationAt(index); op != kNoOperation) {
            out.push_back(op);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<uint32_t> NotificationsModel::unacknowledgedBefore(int64_t epochMs) const
{
    std::vector<uint32_t> out;
    for (const Item &item : m_shown)
        if (!item.acknowledged && item.when < epochMs)
            out.push_back(item.op);
    return out;
}

bool NotificationsModel::isAcknowledged(uint32_t op) const
{
    return m_acknowledged.value(op, false);
}

QList<NotificationsModel::Key> NotificationsModel::keysOf(const std::vector<uint32_t> &ops) const
{
    QList<Key> keys;
    if (!m_data)
        return keys;
    for (uint32_t op : ops)
        if (m_data->exists(op))
            keys.append({sourceOf(op), m_data->events().ids().qtext(op)});
    return keys;
}

std::vector<uint32_t> NotificationsModel::operationsOf(const QList<Key> &keys) const
{
    std::vector<uint32_t> ops;
    if (!m_data)
        return ops;
    const QStringList sources = m_data->events().sourceNames();
    for (const auto &[source, id] : keys) {
        const qsizetype index = sources.indexOf(source);
        const uint32_t op = index >= 0 ? m_data->findOperation(uint16_t(index), id.toStdString()) : kNone;
        if (op != kNone)
            ops.push_back(op);
    }
    return ops;
}

void NotificationsModel::acknowledge(const std::vector<uint32_t> &ops, bool acknowledged, const QString &comment)
{
    if (!m_data || ops.empty())
        return;
    std::vector<bool> chosen(m_data->operationCount());
    for (uint32_t op : ops)
        if (op < chosen.size())
            chosen[op] = true;
    m_acks.setMany(keysOf(ops), acknowledged, comment); // leaves the agents' alone
    for (Item &item : m_all)
        if (chosen[item.op] && !m_acks.isShared(sourceOf(item.op)))
            item.acknowledged = acknowledged;
    rebuild();
    Q_EMIT acknowledgementsChanged();
}

QList<NotificationsModel::Key> NotificationsModel::sharedKeysOf(const std::vector<uint32_t> &ops) const
{
    QList<Key> shared;
    for (const Key &key : keysOf(ops))
        if (m_acks.isShared(key.first))
            shared.append(key);
    return shared;
}

QString NotificationsModel::acknowledgementText(uint32_t op, int64_t now) const
{
    if (!m_data || !m_data->exists(op) || m_acks.isEmpty())
        return {};
    const std::optional<Acknowledgement> ack = m_acks.find(sourceOf(op), m_data->events().ids().qtext(op));
    return ack ? Acknowledgements::agoText(*ack, now) : QString();
}

void NotificationsModel::setSharedSources(const QSet<QString> &sources)
{
    if (sources == m_sharedSources)
        return; // said again at every change of a source's state
    m_sharedSources = sources;
    m_acks.setSharedSources(sources);
    reapplyAcknowledgements(false);
}

void NotificationsModel::setSharedAcknowledgements(const QString &source, const std::vector<Acknowledgement> &current)
{
    if (m_acks.setShared(source, current))
        reapplyAcknowledgements(true); // who, when or why may have changed too: the shown text says them
}

void NotificationsModel::putSharedAcknowledgement(const QString &source, const Acknowledgement &acknowledgement)
{
    m_acks.putShared(source, acknowledgement);
    reapplyAcknowledgements(true);
}

void NotificationsModel::removeSharedAcknowledgement(const QString &source, const QString &operationId)
{
    m_acks.removeShared(source, operationId);
    reapplyAcknowledgements(false);
}

void NotificationsModel::reapplyAcknowledgements(bool force)
{
    if (!m_data)
        return;
    bool changed = force;
    const OperationIds &ids = m_data->events().ids();
    for (Item &item : m_all) {
        const bool acknowledged = !m_acks.isEmpty() && m_acks.contains(sourceOf(item.op), ids.qtext(item.op));
        changed = changed || acknowledged != item.acknowledged;
        item.acknowledged = acknowledged;
    }
    if (!changed)
        return;
    rebuild();
    Q_EMIT acknowledgementsChanged();
}

QString NotificationsModel::sourceOf(uint32_t op) const
{
    return m_data->events().sourceName(m_data->source(op));
}

// One group per server (source and host) and cause: one service restart, one recorded reason, or running too long.
// Kept per operation while the dataset is the same and its evidence has not changed: a summary comes at each append,
// and an Interrupted event's reason is its JSON `error`, parsed again each time otherwise.
QString NotificationsModel::groupKey(uint32_t op, bool stale) const
{
    if (m_keysOf != m_data.get()) {
        m_keys.clear();
        m_keysOf = m_data.get();
    }
    const Operation &o = m_data->operation(op);
    const auto cached = m_keys.constFind(op);
    if (cached != m_keys.constEnd() && cached->stale == stale && cached->endedAt == o.endedAt
        && cached->evidenceRow == o.evidenceRow && cached->evidence == o.evidence)
        return cached->key;
    const QString key = makeGroupKey(op, stale);
    m_keys.insert(op, {key, o.endedAt, o.evidenceRow, o.evidence, stale});
    return key;
}

QString NotificationsModel::makeGroupKey(uint32_t op, bool stale) const
{
    // A server is a source and the host its events name: one file several servers write to has a group each.
    const QString source = sourceOf(op) + QLatin1Char('\n') + m_data->events().string(m_data->host(op));
    if (stale)
        return source + QStringLiteral("\nstale");
    if (m_data->isFailedRestart(op))
        return source + QStringLiteral("\nfailed restart");
    const Operation &o = m_data->operation(op);
    switch (o.evidence) {
    case Evidence::ServiceStarted:
    case Evidence::AgentReport: return source + QStringLiteral("\nrestart\n") + QString::number(o.endedAt);
    default: return source + QStringLiteral("\nreason\n") + m_data->interruptionReason(op);
    }
}

QString NotificationsModel::groupHeading(const Item &item) const
{
    const Dataset &d = *m_data;
    const uint32_t host = d.host(item.op);
    const QString server = host != kNone ? d.events().string(host) : QFileInfo(sourceOf(item.op)).fileName();
    if (item.stale)
        return tr("%1 · running too long").arg(server);
    if (d.isFailedRestart(item.op))
        return tr("%1 · restarts that failed").arg(server);
    const Operation &o = d.operation(item.op);
    if (o.evidence == Evidence::ServiceStarted || o.evidence == Evidence::AgentReport)
        return tr("%1 · service restarted %2").arg(server, TimeDisplay::instance().format(o.endedAt).left(16)); // to the minute
    const QString reason = d.interruptionReason(item.op, TimeDisplay::instance().utc());
    return reason.isEmpty() ? tr("%1 · interrupted").arg(server) : tr("%1 · %2").arg(server, reason);
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
    const bool utc = TimeDisplay::instance().utc();
    if (d.isFailedRestart(item.op)) {
        const auto error = d.events().otherString(d.operation(item.op).statusRow, "error");
        return tr("Restart of %1 %2 %3%4").arg(d.events().ids().qtext(d.operation(item.op).restartOf),
                                               statusName(d.operation(item.op).status).toLower(), when,
                                               error ? QStringLiteral(": ") + QString::fromStdString(*error) : QString());
    }
    if (item.superseded)
        return tr("Interrupted %1: %2; %3").arg(when, d.interruptionReason(item.op, utc), d.supersededReason(item.op, utc));
    return tr("Interrupted %1: %2").arg(when, d.interruptionReason(item.op, utc));
}

QString NotificationsModel::ackedSuffix(const Item &item) const
{
    const QString acked = item.acknowledged ? acknowledgementText(item.op, QDateTime::currentMSecsSinceEpoch()) : QString();
    return acked.isEmpty() ? QString() : QStringLiteral(" — ") + acked;
}

QStringList NotificationsModel::lines() const
{
    QStringList out;
    for (const Group &g : m_groups)
        for (size_t i : g.items)
            out << QStringLiteral("%1 — %2%3").arg(m_data->title(m_shown[i].op), why(m_shown[i]), ackedSuffix(m_shown[i]));
    return out;
}

QStringList NotificationsModel::groupedLines() const
{
    QStringList out;
    for (int g = 0; g < int(m_groups.size()); ++g) {
        out << index(g, 0).data().toString();
        for (size_t i : m_groups[size_t(g)].items)
            out << QStringLiteral("  %1 — %2%3").arg(m_data->title(m_shown[i].op), why(m_shown[i]), ackedSuffix(m_shown[i]));
    }
    return out;
}

// internalId 0: a group's row; g + 1: a notification in group g.
QModelIndex NotificationsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0)
        return {};
    if (!parent.isValid())
        return size_t(row) < m_groups.size() ? createIndex(row, 0, quintptr(0)) : QModelIndex();
    if (!isGroup(parent) || size_t(row) >= m_groups[size_t(parent.row())].items.size())
        return {};
    return createIndex(row, 0, quintptr(parent.row() + 1));
}

QModelIndex NotificationsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int NotificationsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    return isGroup(parent) ? int(m_groups[size_t(parent.row())].items.size()) : 0;
}

int NotificationsModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant NotificationsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (isGroup(index))
        return size_t(index.row()) < m_groups.size() ? groupData(m_groups[size_t(index.row())], role) : QVariant();
    const Group &g = m_groups[size_t(index.internalId() - 1)];
    return itemData(m_shown[g.items[size_t(index.row())]], role);
}

QVariant NotificationsModel::groupData(const Group &group, int role) const
{
    switch (role) {
    case GroupKeyRole: return group.key;
    case OperationRole: return QVariant::fromValue(kNoOperation);
    case Qt::DisplayRole: {
        int acknowledged = 0;
        for (size_t i : group.items)
            acknowledged += m_shown[i].acknowledged ? 1 : 0;
        const size_t n = group.items.size();
        QString text = n == 1 ? tr("%1 · 1 operation").arg(group.heading) : tr("%1 · %2 operations").arg(group.heading).arg(n);
        return acknowledged > 0 ? tr("%1 (%2 acknowledged)").arg(text).arg(acknowledged) : text;
    }
    case Qt::DecorationRole: return statusIcon(group.status, group.stale);
    case Qt::FontRole: {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    case Qt::ToolTipRole: // the heading may be cut in a narrow pane
        return tr("%1\nSelect the group to acknowledge all of its notifications at once").arg(groupData(group, Qt::DisplayRole).toString());
    default: return {};
    }
}

QVariant NotificationsModel::itemData(const Item &item, int role) const
{
    const Status status = m_data->operation(item.op).status;
    switch (role) {
    case OperationRole: return item.op;
    case AcknowledgedRole: return item.acknowledged;
    case SupersededRole: return item.superseded;
    case Qt::DisplayRole: {
        const QString text = QStringLiteral("%1\n%2").arg(m_data->title(item.op), why(item));
        const QString acked = item.acknowledged ? acknowledgementText(item.op, QDateTime::currentMSecsSinceEpoch()) : QString();
        return acked.isEmpty() ? text : QStringLiteral("%1\n%2").arg(text, acked);
    }
    case Qt::DecorationRole: return statusIcon(status, item.stale);
    case Qt::ForegroundRole:
        if (item.acknowledged || item.superseded) // nothing to do about it
            return QPalette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole: {
        const QString id = m_data->events().ids().qtext(item.op);
        const QString acknowledged = item.acknowledged ? QLatin1Char('\n') + m_acks.describe(sourceOf(item.op), id) : QString();
        return tr("Operation %1 from %2%3").arg(id, sourceOf(item.op), acknowledged);
    }
    default: return {};
    }
}

} // namespace oplens::ui
