#include "datasetsummary.h"

#include "viewfilter.h"

#include <algorithm>
#include <bit>

namespace oplens {

size_t DatasetSummary::countOf(uint32_t flag) const
{
    return std::has_single_bit(flag) ? byStatusFlag[size_t(std::countr_zero(flag))] : 0;
}

namespace {

QStringList textsOf(const Dataset &data, const std::vector<char> &present)
{
    QStringList list;
    for (uint32_t id = 0; id < present.size(); ++id)
        if (present[id])
            list << data.events().string(id);
    list.sort(Qt::CaseInsensitive);
    return list;
}

void countStatus(const Dataset &data, uint32_t op, int64_t now, DatasetSummary &summary)
{
    for (uint32_t flags = statusFlagsOf(data, op, now); flags != 0; flags &= flags - 1)
        ++summary.byStatusFlag[size_t(std::countr_zero(flags))];
}

// What the Notifications pane lists of `op`, if anything.
void noteAttention(const Dataset &data, uint32_t op, int64_t now, DatasetSummary &summary)
{
    const Operation &o = data.operation(op);
    if (o.status == Status::Interrupted && !data.isRestarted(op))
        summary.interrupted.push_back(op);
    const bool superseded = o.status == Status::Interrupted && data.isSuperseded(op);
    if (!superseded && !data.needsAttention(op, now))
        return;
    const bool stale = isActive(o.status); // else Interrupted, or a restart that failed: since it ended
    const int64_t last = data.events().time(o.statusRow);
    summary.attention.push_back({op, stale ? last : (o.endedAt != kNoTime ? o.endedAt : last), stale, superseded});
}

} // namespace

std::shared_ptr<const DatasetSummary> summarize(std::shared_ptr<const Dataset> data, int64_t now,
                                                const DatasetSummary *previous, const std::vector<uint16_t> &readWhole)
{
    auto summary = std::make_shared<DatasetSummary>();
    summary->data = data;
    summary->now = now;
    if (!data)
        return summary;
    const EventStore &store = data->events();
    summary->operationsBySource.assign(size_t(store.sourceCount()), 0);
    // Flags by string id: a set insert for each of a million operations costs far more.
    std::vector<char> modules(store.strings().size()), names(modules.size());
    for (uint32_t op = 0; op < data->operationCount(); ++op) {
        if (!data->exists(op))
            continue;
        ++summary->operations;
        if (const uint16_t source = data->source(op); source < summary->operationsBySource.size())
            ++summary->operationsBySource[source];
        modules[data->module(op)] = 1;
        names[data->name(op)] = 1;
        countStatus(*data, op, now, *summary);
        noteAttention(*data, op, now, *summary);
    }
    summary->modules = textsOf(*data, modules);
    summary->names = textsOf(*data, names);
    std::sort(summary->attention.begin(), summary->attention.end(), [](const Attention &a, const Attention &b) {
        return a.when != b.when ? a.when > b.when : a.op > b.op;
    });
    if (previous && previous->data == data) {
        for (const uint32_t op : summary->interrupted)
            if (!std::binary_search(previous->interrupted.begin(), previous->interrupted.end(), op)
                && std::find(readWhole.begin(), readWhole.end(), data->source(op)) == readWhole.end())
                summary->freshInterruptions << QStringLiteral("%1: %2").arg(data->title(op), data->interruptionReason(op));
    }
    return summary;
}

} // namespace oplens
