#include "viewdelta.h"

#include "filtermatch.h"
#include "sortkeys.h"

#include <algorithm>

namespace oplens {

using namespace filtermatch;

std::vector<uint32_t> filterOperationsAmong(const Dataset &data, const ViewFilter &filter, int64_t now,
                                            const std::vector<uint32_t> &candidates)
{
    const Prepared p(data, filter, now, false);
    MatchCache cache;
    std::vector<uint32_t> ops;
    if (p.matcher && !p.matcher->valid())
        return ops;
    for (const uint32_t op : candidates) {
        if (!data.exists(op) || !p.operationFieldsMatch(op) || !p.statusMatches(op))
            continue;
        if (p.matcher) {
            const std::vector<EventStore::Row> rows = data.rowsOf(op);
            if (std::none_of(rows.begin(), rows.end(), [&](EventStore::Row r) { return p.textMatches(r, cache); }))
                continue;
        }
        ops.push_back(op);
    }
    return ops;
}

std::vector<uint32_t> filterEventRows(const Dataset &data, const ViewFilter &filter, int64_t now,
                                      const std::vector<uint32_t> &candidates)
{
    const Prepared p(data, filter, now, false);
    MatchCache cache;
    std::vector<uint32_t> rows;
    if (p.matcher && !p.matcher->valid())
        return rows;
    const EventStore &s = data.events();
    for (const uint32_t r : candidates) {
        if (r >= s.size() || !p.rowFieldsMatch(r) || (filter.statuses && !p.statusMatches(s.operation(r))))
            continue;
        if (p.matcher && !p.textMatches(r, cache))
            continue;
        rows.push_back(r);
    }
    return rows;
}

std::vector<uint32_t> filterEventRange(const Dataset &data, const ViewFilter &filter, int64_t now, size_t from, size_t to)
{
    std::vector<uint32_t> candidates;
    for (size_t i = from; i < to && i < data.events().size(); ++i)
        candidates.push_back(uint32_t(i));
    return filterEventRows(data, filter, now, candidates);
}

namespace {

// The column's key first (sortkeys.h, as the whole sorts), then the tie order; descending is the exact reverse.
template <typename Key, typename TieLess>
ViewOrder orderBy(std::shared_ptr<const Key> key, TieLess tieLess, bool descending)
{
    const auto less = [key, tieLess](uint32_t a, uint32_t b) {
        const int c = key->compare(a, b);
        return c != 0 ? c < 0 : tieLess(a, b);
    };
    if (descending)
        return [less](uint32_t a, uint32_t b) { return less(b, a); };
    return less;
}

} // namespace

ViewOrder operationOrder(const Dataset &data, OperationColumn column, bool descending, int64_t now)
{
    const Dataset *d = &data;
    const auto tie = [d](uint32_t a, uint32_t b) {
        const int64_t ta = d->operation(a).startedAt, tb = d->operation(b).startedAt;
        return ta != tb ? ta < tb : a < b;
    };
    return orderBy(std::make_shared<const sortkeys::OperationKey>(data, column, now), tie, descending);
}

ViewOrder eventOrder(const Dataset &data, EventColumn column, bool descending)
{
    const Dataset *d = &data;
    const auto tie = [d](uint32_t a, uint32_t b) { return d->earlier(a, b); };
    return orderBy(std::make_shared<const sortkeys::EventKey>(data, column), tie, descending);
}

namespace {

// Walks both: items kept are equal in both; a dropped item still shown further on stays in place (changed) while the
// added items before it are inserted; one that is gone or moved is removed (and inserted where it went).
template <typename Dropped, typename PositionOf>
void diffViews(const std::vector<uint32_t> &before, const std::vector<uint32_t> &after, Dropped isDropped,
               PositionOf positionOf, ViewDiff &diff)
{
    size_t i = 0, j = 0;
    while (i < before.size() || j < after.size()) {
        if (i < before.size() && j < after.size() && before[i] == after[j]) {
            if (isDropped(before[i]))
                diff.changed.push_back(uint32_t(j));
            ++i, ++j;
            continue;
        }
        const bool beforeLeft = i < before.size();
        const bool aheadInAfter = beforeLeft && j < after.size() && isDropped(before[i]) && isDropped(after[j])
            && positionOf(before[i]) > int64_t(j);
        if (beforeLeft && (j == after.size() || (isDropped(before[i]) && !aheadInAfter)))
            diff.removed.push_back(uint32_t(i++));
        else
            diff.inserted.push_back(uint32_t(j++));
    }
}

} // namespace

std::vector<uint32_t> mergeView(const std::vector<uint32_t> &before, const std::vector<uint32_t> &dropped,
                                std::vector<uint32_t> added, const ViewOrder &order, ViewDiff &diff)
{
    const auto isDropped = [&](uint32_t item) { return std::binary_search(dropped.begin(), dropped.end(), item); };
    std::sort(added.begin(), added.end(), order);
    std::vector<uint32_t> after;
    after.reserve(before.size() + added.size());
    std::vector<std::pair<uint32_t, uint32_t>> addedAt; // (item, its position in `after`)
    size_t next = 0; // into added
    const auto takeAdded = [&] {
        addedAt.emplace_back(added[next], uint32_t(after.size()));
        after.push_back(added[next++]);
    };
    for (const uint32_t item : before) {
        if (isDropped(item))
            continue;
        while (next < added.size() && order(added[next], item))
            takeAdded();
        after.push_back(item);
    }
    while (next < added.size())
        takeAdded();
    std::sort(addedAt.begin(), addedAt.end());
    const auto positionOf = [&](uint32_t item) -> int64_t {
        const auto at = std::lower_bound(addedAt.begin(), addedAt.end(), std::pair(item, 0u));
        return at != addedAt.end() && at->first == item ? at->second : -1;
    };
    diffViews(before, after, isDropped, positionOf, diff);
    return after;
}

} // namespace oplens
