#include "resultmodel.h"

#include "timedisplay.h"

namespace oplens::ui {

ResultModel::ResultModel(QObject *parent) : QAbstractTableModel(parent)
{
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this] {
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
}

void ResultModel::setResult(const ViewQuery::Result &result)
{
    beginResetModel();
    m_data = result.data;
    m_rows = result.rows;
    m_total = result.total;
    m_now = result.now;
    endResetModel();
}

int ResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

} // namespace oplens::ui
