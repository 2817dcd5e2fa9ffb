#include "operationsmodel.h"

#include "statusstyle.h"
#include "timedisplay.h"

#include <QFileInfo>

namespace oplens::ui {

using Column = OperationColumn;

OperationsModel::OperationsModel(QObject *parent) : QAbstractTableModel(parent)
{
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this] {
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
}

void OperationsModel::setResult(const ViewQuery::Result &result)
{
    beginResetModel();
    m_data = result.data;
    m_rows = result.rows;
    m_total = result.total;
    m_now = result.now;
    endResetModel();
}

int OperationsModel::rowOf(uint32_t op) const
{
    const auto it = std::find(m_rows.begin(), m_rows.end(), op);
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

int OperationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OperationsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant OperationsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const uint32_t op = m_rows[size_t(index.row())];
    const Dataset &d = *m_data;
    const EventStore &s = d.events();
    const Operation &o = d.operation(op);
    const auto column = Column(index.column());
    if (role == OperationRole)
        return op;
    const bool stale = d.isStale(op, m_now);
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Column::Status: return statusLabel(o.status, stale, d.isRestarted(op));
        case Column::Started: return TimeDisplay::instance().format(o.startedAt);
        case Column::Ended: return TimeDisplay::instance().format(o.endedAt);
        case Column::Duration: return TimeDisplay::duration(d.duration(op, m_now));
        case Column::Host: return s.string(d.host(op));
        case Column::Module: return s.string(d.module(op));
        case Column::Name: return s.string(d.name(op));
        case Column::RequestedBy: return s.string(s.requestedBy(o.firstRow));
        case Column::Origin: return s.string(s.origin(o.firstRow));
        case Column::OperationId: return s.ids().qtext(op);
        case Column::Source: return QFileInfo(s.sourceName(d.source(op))).fileName();
        case Column::Events: return o.eventCount;
        case Column::Count: break;
        }
        return {};
    }
    if (role == Qt::DecorationRole && column == Column::Status)
        return statusIcon(o.status, stale);
    if (role == Qt::ForegroundRole && column == Column::Status)
        return statusColor(o.status, stale);
    if (role == Qt::ToolTipRole) {
        if (column == Column::Status && o.status == Status::Interrupted)
            return d.interruptionReason(op);
        if (column == Column::Source)
            return s.sourceName(d.source(op));
    }
    if (role == Qt::TextAlignmentRole && column == Column::Events)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant OperationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Status", "Started", "Ended", "Duration", "Host", "Module",
                                        "Name", "Requested by", "Origin", "Operation id", "Source", "Events"};
    return section >= 0 && section < int(Column::Count) ? tr(names[section]) : QVariant();
}

} // namespace oplens::ui
