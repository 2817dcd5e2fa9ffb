#include "eventsmodel.h"

#include "statusstyle.h"
#include "timedisplay.h"

#include <QFileInfo>

namespace oplens::ui {

using Column = EventColumn;

EventsModel::EventsModel(QObject *parent) : QAbstractTableModel(parent)
{
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this] {
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0));
    });
}

void EventsModel::setResult(const ViewQuery::Result &result)
{
    beginResetModel();
    m_data = result.data;
    m_rows = result.rows;
    m_total = result.total;
    endResetModel();
}

int EventsModel::rowOfOperation(uint32_t op) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_data->events().operation(m_rows[i]) == op)
            return int(i);
    return -1;
}

int EventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant EventsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const uint32_t r = m_rows[size_t(index.row())];
    const EventStore &s = m_data->events();
    const auto column = Column(index.column());
    if (role == OperationRole)
        return s.operation(r);
    if (role == RowRole)
        return r;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Column::Time: return TimeDisplay::instance().format(s.time(r));
        case Column::Type: return s.string(s.type(r));
        case Column::Host: return s.string(s.host(r));
        case Column::Module: return s.string(s.module(r));
        case Column::Name: return s.string(s.name(r));
        case Column::OperationId: return QString::fromStdString(s.operationId(r));
        case Column::RequestedBy: return s.string(s.requestedBy(r));
        case Column::Parameters: {
            const std::string_view p = s.parameters(r);
            return QString::fromUtf8(p.data(), qsizetype(std::min<size_t>(p.size(), 500)));
        }
        case Column::Source: return QFileInfo(s.sourceName(s.source(r))).fileName();
        case Column::Count: break;
        }
        return {};
    }
    if (role == Qt::ForegroundRole && column == Column::Type) {
        if (const auto status = statusForKind(s.kind(r)))
            return statusColor(*status);
    }
    if (role == Qt::ToolTipRole && column == Column::Source)
        return s.sourceName(s.source(r));
    return {};
}

QVariant EventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Time", "Type", "Host", "Module", "Name",
                                        "Operation id", "Requested by", "Parameters", "Source"};
    return section >= 0 && section < int(Column::Count) ? tr(names[section]) : QVariant();
}

} // namespace oplens::ui
