#include "viewdelta.h"

#include "filtermatch.h"

#include <algorithm>

namespace oplens {

using namespace filtermatch;

std::vector<uint32_t> filterOperationsAmong(const Dataset &data, const ViewFilter &filter, int64_t now,
                                            const std::vector<uint32_t> &candidates)
{
    const Prepared p(data, filter, now, false);
    std::vector<uint32_t> ops;
    if (p.matcher && !p.matcher->valid())
        return ops;
    for (const uint32_t op : candidates) {
        if (!data.exists(op) || !p.operationFieldsMatch(op) || !p.statusMatches(op))
            continue;
        if (p.matcher) {
            const std::vector<EventStore::Row> rows = data.rowsOf(op);
            if (std::none_of(rows.begin(), rows.end(), [&](EventStore::Row r) { return p.textMatches(r); }))
                continue;
        }
        ops.push_back(op);
    }
    return ops;
}

std::vector<uint32_t> filterEventRange(const Dataset &data, const ViewFilter &filter, int64_t now, size_t from, size_t to)
{
    const Prepared p(data, filter, now, false);
    std::vector<uint32_t> rows;
    if (p.matcher && !p.matcher->valid())
        return rows;
    const EventStore &s = data.events();
    for (size_t i = from; i < to && i < s.size(); ++i) {
        const auto r = uint32_t(i);
        if (!p.rowFieldsMatch(r) || (filter.statuses && !p.statusMatches(s.operation(r))))
            continue;
        if (p.matcher && !p.textMatches(r)) continue;
        rows.push_back(r);
    }
    return rows;
}

namespace {

template <typename Key>
ViewOrder orderBy(Key key, std::function<bool(uint32_t, uint32_t)> tieLess, bool descending)
{
    const auto less = [key, tieLess](uint32_t a, uint32_t b) {
        const auto ka = key(a), kb = key(b);
        if (ka != kb)
            return ka < kb;
        return tieLess(a, b);
    };
    if (descending)
        return [less](uint32_t a, uint32_t b) { return less(b, a); };
    return less;
}

} // namespace

ViewOrder operationOrder(const Dataset &data, OperationColumn column, bool descending, int64_t now)
{
    const Dataset *d = &data;
    const EventStore *s = &data.events();
    auto rank = std::make_shared<const std::vector<uint32_t>>(ranksOf(s->strings()));
    const auto rankOf = [rank](uint32_t id) { return id == kNone ? int64_t(0) : int64_t((*rank)[id]) + 1; };
    const auto tie = [d](uint32_t a, uint32_t b) {
        const int64_t ta = d->operation(a).startedAt, tb = d->operation(b).startedAt;
        return ta != tb ? ta < tb : a < b;
    };
    const auto first = [d](uint32_t op) { return d->operation(op).firstRow; };
    switch (column) {
    case OperationColumn::Status: return orderBy([d](uint32_t op) { return severity(d->operation(op).status); }, tie, descending);
    case OperationColumn::Ended: return orderBy([d](uint32_t op) { return d->operation(op).endedAt; }, tie, descending);
    case OperationColumn::Duration: return orderBy([d, now](uint32_t op) { return d->duration(op, now); }, tie, descending);
    case OperationColumn::Host: return orderBy([=](uint32_t op) { return rankOf(s->host(first(op))); }, tie, descending);
    case OperationColumn::Module: return orderBy([=](uint32_t op) { return rankOf(s->module(first(op))); }, tie, descending);
    case OperationColumn::Name: return orderBy([=](uint32_t op) { return rankOf(s->name(first(op))); }, tie, descending);
    case OperationColumn::RequestedBy: return orderBy([=](uint32_t op) { return rankOf(s->requestedBy(first(op))); }, tie, descending);
    case OperationColumn::Origin: return orderBy([=](uint32_t op) { return rankOf(s->origin(first(op))); }, tie, descending);
    case OperationColumn::Events: return orderBy([d](uint32_t op) { return d->operation(op).eventCount; }, tie, descending);
    case OperationColumn::OperationId: return orderBy([s](uint32_t op) { return s->ids().text(op); }, tie, descending);
    case OperationColumn::Source: return orderBy([=](uint32_t op) { return s->sourceName(d->source(op)); }, tie, descending);
    case OperationColumn::Parameters: return orderBy([=](uint32_t op) { return s->parameters(first(op)); }, tie, descending);
    case OperationColumn::Started:
    case OperationColumn::Count: break;
    }
    return orderBy([d](uint32_t op) { return d->operation(op).startedAt; }, tie, descending);
}

ViewOrder eventOrder(const Dataset &data, EventColumn column, bool descending)
{
    const Dataset *d = &data;
    const EventStore *s = &data.events();
    auto rank = std::make_shared<const std::vector<uint32_t>>(ranksOf(s->strings()));
    const auto rankOf = [rank](uint32_t id) { return id == kNone ? int64_t(0) : int64_t((*rank)[id]) + 1; };
    const auto tie = [d](uint32_t a, uint32_t b) { return d->earlier(a, b); };
    switch (column) {
    case EventColumn::Type: return orderBy([=](uint32_t r) { return rankOf(s->type(r)); }, tie, descending);
    case EventColumn::Host: return orderBy([=](uint32_t r) { return rankOf(s->host(r)); }, tie, descending);
    case EventColumn::Module: return orderBy([=](uint32_t r) { return rankOf(s->module(r)); }, tie, descending);
    case EventColumn::Name: return orderBy([=](uint32_t r) { return rankOf(s->name(r)); }, tie, descending);
    case EventColumn::RequestedBy: return orderBy([=](uint32_t r) { return rankOf(s->requestedBy(r)); }, tie, descending);
    case EventColumn::OperationId: return orderBy([s](uint32_t r) { return s->operationId(r); }, tie, descending);
    case EventColumn::Parameters: return orderBy([s](uint32_t r) { return s->parameters(r); }, tie, descending);
    case EventColumn::Source: return orderBy([s](uint32_t r) { return s->sourceName(s->source(r)); }, tie, descending);
    case EventColumn::Time:
    case EventColumn::Count: break;
    }
    return orderBy([](uint32_t) { return 0; }, tie, descending);
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
