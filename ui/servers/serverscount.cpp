// The Servers view's counting pass (serversmodel.h), a pure function of a dataset and the open sources' paths: it runs
// in a worker.
#include "serversmodel.h"

#include <algorithm>
#include <numeric>

namespace oplens::ui {

namespace {

// The count column of a status; -1 for Unknown, which has none.
int columnOf(Status status)
{
    switch (status) {
    case Status::Interrupted: return ServersModel::Interrupted;
    case Status::Failed: return ServersModel::Failed;
    case Status::Aborted: return ServersModel::Aborted;
    case Status::Running: return ServersModel::Running;
    case Status::Queued: return ServersModel::Queued;
    case Status::Finished: return ServersModel::Finished;
    case Status::Unknown: break;
    }
    return -1;
}

// Where (module, name) pairs are numbered while counting: array lookups only, no hashing per operation.
struct PairIndex {
    explicit PairIndex(size_t strings) : moduleSlot(strings, -1) {}
    int32_t find(uint32_t module, uint32_t name)
    {
        int32_t &slot = moduleSlot[module];
        if (slot < 0) {
            slot = int32_t(names.size());
            names.emplace_back(moduleSlot.size(), -1);
        }
        int32_t &pair = names[size_t(slot)][name];
        if (pair < 0) {
            pair = int32_t(pairs.size());
            pairs.push_back({module, name});
        }
        return pair;
    }
    std::vector<int32_t> moduleSlot;
    std::vector<std::vector<int32_t>> names;
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
};
} // namespace

// One pass over the operations: a few array lookups each (about 10 ms a million operations). The groups of a row
// are indexed by pair while counting, then kept in module and name order.
std::vector<ServersModel::Row> ServersModel::count(const Dataset *data, const QStringList &paths)
{
    std::vector<Row> rows(size_t(paths.size()));
    for (int i = 0; i < paths.size(); ++i)
        rows[size_t(i)].path = paths[i];
    if (!data)
        return rows;
    const EventStore &store = data->events();
    // By name: a removed source's slot has none, and a dataset being replaced may have sources the session has not.
    std::vector<int> rowOf(size_t(store.sourceCount()), -1);
    for (int s = 0; s < store.sourceCount(); ++s) {
        rowOf[size_t(s)] = store.sourceName(uint16_t(s)).isEmpty() ? -1 : int(paths.indexOf(store.sourceName(uint16_t(s))));
        if (rowOf[size_t(s)] >= 0)
            rows[size_t(rowOf[size_t(s)])].serviceStart = data->lastServiceStart(uint16_t(s));
    }
    PairIndex pairs(store.strings().size());
    std::vector<std::vector<int32_t>> groupOf(rows.size()); // per row: pair -> its group, or -1
    for (uint32_t op = 0; op < data->operationCount(); ++op) {
        if (!data->exists(op))
            continue;
        const uint16_t source = data->source(op);
        const int r = source < rowOf.size() ? rowOf[source] : -1;
        if (r < 0)
            continue;
        Row &row = rows[size_t(r)];
        const Operation &o = data->operation(op);
        const int32_t pair = pairs.find(data->module(op), data->name(op));
        auto &slots = groupOf[size_t(r)];
        if (slots.size() <= size_t(pair))
            slots.resize(pairs.pairs.size(), -1);
        if (slots[size_t(pair)] < 0) {
            slots[size_t(pair)] = int32_t(row.groups.size());
            row.groups.push_back({pairs.pairs[size_t(pair)].first, pairs.pairs[size_t(pair)].second});
        }
        const uint32_t g = uint32_t(slots[size_t(pair)]);
        Group &group = row.groups[g];
        if (const int column = columnOf(o.status); column >= 0) {
            ++row.counts[size_t(column - Interrupted)];
            ++group.counts[size_t(column - Interrupted)];
        }
        if (o.status == Status::Finished && o.endedAt != kNoTime && (group.lastFinished == kNoTime || o.endedAt > group.lastFinished)) {
            group.lastFinished = o.endedAt;
            group.lastFinishedOp = op;
        }
        if (o.status == Status::Interrupted || o.status == Status::Running)
            row.watched.push_back({op, g});
        if (const uint32_t host = data->host(op); host != kNone && row.hosts.size() < kHostsKept
            && std::find(row.hosts.begin(), row.hosts.end(), host) == row.hosts.end())
            row.hosts.push_back(host);
    }
    for (Row &row : rows) {
        if (row.hosts.size() == 1)
            row.host = store.string(row.hosts.front());
        const auto key = [&](const Group &g) { return store.string(g.module) + QLatin1Char(' ') + store.string(g.name); };
        std::vector<size_t> order(row.groups.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return key(row.groups[a]).compare(key(row.groups[b]), Qt::CaseInsensitive) < 0;
        });
        std::vector<uint32_t> newIndex(order.size());
        std::vector<Group> sorted;
        sorted.reserve(order.size());
        for (size_t i = 0; i < order.size(); ++i) {
            newIndex[order[i]] = uint32_t(i);
            sorted.push_back(row.groups[order[i]]);
        }
        row.groups = std::move(sorted);
        for (Watched &w : row.watched)
            w.group = newIndex[w.group];
    }
    return rows;
}

} // namespace oplens::ui
