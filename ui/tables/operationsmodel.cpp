#include "operationsmodel.h"

#include "celltext.h"
#include "statusstyle.h"
#include "timedisplay.h"

#include <QFont>

namespace oplens::ui {

using Column = OperationColumn;

OperationsModel::OperationsModel(QObject *parent) : ResultModel(parent) {}

int OperationsModel::rowOfOperation(uint32_t op) const
{
    const auto it = std::find(m_rows.begin(), m_rows.end(), op);
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
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
        if (column == Column::Events)
            return o.eventCount;
        if (column == Column::Parameters) { // the start of it: export writes it whole
            const std::string_view p = s.parameters(o.firstRow);
            return QString::fromUtf8(p.data(), qsizetype(std::min<size_t>(p.size(), 500)));
        }
        // The same text as export writes (celltext.h).
        return column < Column::Count ? operationCell(d, op, column, m_now, TimeDisplay::instance().utc()) : QVariant();
    }
    if (role == Qt::DecorationRole && column == Column::Status)
        return statusIcon(o.status, stale);
    if (role == Qt::ForegroundRole && column == Column::Status)
        return statusColor(o.status, stale);
    // An Interrupted operation's end is the time of the evidence, not a logged end: italic, and said so.
    const bool evidence = column == Column::Ended && o.status == Status::Interrupted && o.endedAt != kNoTime;
    if (role == Qt::FontRole && evidence) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role == Qt::ToolTipRole) {
        if (evidence)
            return tr("Interrupted: evidence at %1 (%2)")
                .arg(timeText(o.endedAt, TimeDisplay::instance().utc()), d.interruptionReason(op, TimeDisplay::instance().utc()));
        if (column == Column::Status && o.status == Status::Interrupted)
            return d.interruptionReason(op, TimeDisplay::instance().utc());
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
    return section >= 0 && section < int(Column::Count) ? tr(columnTitle(Column(section))) : QVariant();
}

} // namespace oplens::ui
