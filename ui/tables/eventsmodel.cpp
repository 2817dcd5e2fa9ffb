#include "eventsmodel.h"

#include "celltext.h"
#include "statusstyle.h"
#include "timedisplay.h"

namespace oplens::ui {

using Column = EventColumn;

EventsModel::EventsModel(QObject *parent) : ResultModel(parent) {}

int EventsModel::rowOfOperation(uint32_t op) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_data->events().operation(m_rows[i]) == op)
            return int(i);
    return -1;
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
        if (column == Column::Parameters) { // the start of it: export writes it whole
            const std::string_view p = s.parameters(r);
            return QString::fromUtf8(p.data(), qsizetype(std::min<size_t>(p.size(), 500)));
        }
        // The same text as export writes (celltext.h).
        return column < Column::Count ? eventCell(*m_data, r, column, TimeDisplay::instance().utc()) : QVariant();
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
    return section >= 0 && section < int(Column::Count) ? tr(columnTitle(Column(section))) : QVariant();
}

} // namespace oplens::ui
