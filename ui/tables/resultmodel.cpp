#include "resultmodel.h"

#include "timedisplay.h"

namespace oplens::ui {

namespace {
// More separate ranges than this, or more row moves in all (each range moves the rows after it), and a reset costs
// less than inserting them one by one.
constexpr size_t kMostRanges = 64;
constexpr size_t kMostMoves = size_t(16) << 20;

// Consecutive positions as [first, last] ranges.
std::vector<std::pair<uint32_t, uint32_t>> rangesOf(const std::vector<uint32_t> &positions)
{
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (const uint32_t p : positions) {
        if (!ranges.empty() && ranges.back().second + 1 == p)
            ranges.back().second = p;
        else
            ranges.emplace_back(p, p);
    }
    return ranges;
}
} // namespace

ResultModel::ResultModel(QObject *parent) : QAbstractTableModel(parent)
{
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this] {
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
}

bool ResultModel::setResult(const ViewQuery::Result &result)
{
    const auto removed = rangesOf(result.diff.removed), inserted = rangesOf(result.diff.inserted);
    const size_t ranges = removed.size() + inserted.size();
    const bool inPlace = result.incremental && result.data == m_data && ranges <= kMostRanges
        && ranges * m_rows.size() <= kMostMoves;
    if (!inPlace) {
        beginResetModel();
        m_data = result.data;
        m_rows = result.rows;
        m_total = result.total;
        m_now = result.now;
        endResetModel();
        return false;
    }
    m_total = result.total;
    m_now = result.now;
    for (auto range = removed.rbegin(); range != removed.rend(); ++range) { // from the end: positions stay true
        beginRemoveRows({}, int(range->first), int(range->second));
        m_rows.erase(m_rows.begin() + range->first, m_rows.begin() + range->second + 1);
        endRemoveRows();
    }
    for (const auto &[first, last] : inserted) { // ascending: each lands where it is in the new rows
        beginInsertRows({}, int(first), int(last));
        m_rows.insert(m_rows.begin() + first, result.rows.begin() + first, result.rows.begin() + last + 1);
        endInsertRows();
    }
    for (const auto &[first, last] : rangesOf(result.diff.changed))
        Q_EMIT dataChanged(index(int(first), 0), index(int(last), columnCount() - 1));
    return true;
}

int ResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

} // namespace oplens::ui
