// The parts of filtering shared by the whole-view filters (viewfilter.cpp) and the incremental ones (viewdelta.cpp):
// internal to models/view.
#pragma once

#include "parallelparts.h"
#include "textmatcher.h"
#include "viewfilter.h"

#include <array>
#include <atomic>
#include <memory>
#include <numeric>

namespace oplens::filtermatch {

inline constexpr size_t kStep = 1 << 16; // rows between progress reports and cancel checks

// Everything about a filter that can be worked out once, before looking at rows.
struct Prepared {
    const Dataset &data;
    const ViewFilter &filter;
    int64_t now;
    std::vector<char> module, name, source; // allowed ids; empty = all
    std::vector<char> stringMatches;        // pool id -> matches the text
    std::vector<char> idMatches;            // operation -> its id matches the text
    std::unique_ptr<TextMatcher> matcher;

    // `everyOperation`: the filter looks at every operation, so ids are matched once each up front; else (a few
    // operations of an append) each when asked.
    Prepared(const Dataset &d, const ViewFilter &f, int64_t n, bool everyOperation = true) : data(d), filter(f), now(n)
    {
        const EventStore &store = data.events();
        const StringPool &pool = store.strings();
        auto allow = [&](const QStringList &names, std::vector<char> &allowed) {
            if (names.isEmpty())
                return;
            allowed.assign(pool.size(), 0);
            for (const QString &n : names)
                if (const uint32_t id = pool.find(n.toStdString()); id != kNone)
                    allowed[id] = 1;
        };
        allow(filter.modules, module);
        allow(filter.names, name);
        if (!filter.sources.isEmpty()) {
            source.assign(size_t(store.sourceCount()), 0);
            for (int s = 0; s < store.sourceCount(); ++s)
                source[size_t(s)] = filter.sources.contains(store.sourceName(uint16_t(s)));
        }
        if (!filter.text.isEmpty()) {
            matcher = std::make_unique<TextMatcher>(filter.text, filter.regex);
            if (!matcher->valid())
                return; // nothing matches: the filters return no rows without looking
            stringMatches.resize(pool.size());
            for (uint32_t id = 0; id < pool.size(); ++id)
                stringMatches[id] = matcher->matches(pool.view(id));
            if (!everyOperation)
                return;
            idMatches.resize(data.operationCount());
            // Text that holds anything but hex digits and '-' is in no UUID: skip spelling them out.
            const bool uuidsCanMatch = filter.regex
                || filter.text.toLower().toStdString().find_first_not_of("0123456789abcdef-") == std::string::npos;
            const OperationIds &ids = store.ids();
            parallel::forEachPart(idMatches.size(), partsFor(idMatches.size()), [&](size_t, size_t begin, size_t end) {
                for (size_t op = begin; op < end; ++op)
                    idMatches[op] = data.exists(uint32_t(op)) && (uuidsCanMatch || !ids.isUuid(uint32_t(op)))
                        && matcher->matches(ids.text(uint32_t(op)));
            });
        }
    }

    // How many parts side by side a pass over `count` items takes: one for a regular expression (a
    // QRegularExpression is matched from one thread at a time).
    size_t partsFor(size_t count) const { return filter.regex ? 1 : parallel::partCount(count); }

    bool stringMatch(uint32_t id) const { return id != kNone && stringMatches[id]; }

    // `cache`: what this thread's matcher said of the parameters' texts seen last.
    bool textMatches(EventStore::Row r, MatchCache &cache) const
    {
        const EventStore &s = data.events();
        const uint32_t op = s.operation(r);
        return stringMatch(s.module(r)) || stringMatch(s.name(r)) || stringMatch(s.requestedBy(r))
            || (op != kNone && idMatch(op))
            || cache.matches(s.parameters(r), [this](std::string_view text) { return matcher->matches(text); });
    }

    bool idMatch(uint32_t op) const
    {
        return op < idMatches.size() ? idMatches[op] != 0 : matcher->matches(data.events().ids().text(op));
    }

    // An operation's module, name, source and time range (it overlaps the filter's); not its status or text.
    bool operationFieldsMatch(uint32_t op) const
    {
        const EventStore &s = data.events();
        const Operation &o = data.operation(op);
        if (!module.empty() && !module[s.module(o.firstRow)]) return false;
        if (!name.empty() && !name[s.name(o.firstRow)]) return false;
        if (!source.empty() && !source[s.source(o.firstRow)]) return false;
        const auto [begin, end] = data.span(op, now);
        return (filter.since == kNoTime || end >= filter.since) && (filter.until == kNoTime || begin <= filter.until);
    }

    // An event's module, name, source and time; not its status or text.
    bool rowFieldsMatch(EventStore::Row r) const
    {
        const EventStore &s = data.events();
        if (!module.empty() && !module[s.module(r)]) return false;
        if (!name.empty() && !name[s.name(r)]) return false;
        if (!source.empty() && !source[s.source(r)]) return false;
        const int64_t t = s.time(r);
        return (filter.since == kNoTime || t >= filter.since) && (filter.until == kNoTime || t <= filter.until);
    }

    bool statusMatches(uint32_t op) const
    {
        if (filter.statuses == 0)
            return true;
        if (op == kNone)
            return false;
        return (statusFlagsOf(data, op, now, filter.statuses) & filter.statuses) != 0;
    }
};

// Calls visit(part, i) for each i in [0, count), split in parts run side by side (parallelparts.h): a part's visits
// are in order. Progress is the first part's; false when `cancel` was set (checked every kStep in each part).
template <typename Visit>
bool forEachRowInParts(size_t count, size_t parts, const CancelFlag *cancel, const Progress &progress, Visit visit)
{
    std::atomic_bool cancelled{false};
    parallel::forEachPart(count, parts, [&](size_t part, size_t begin, size_t end) {
        for (size_t start = begin; start < end; start += kStep) {
            if (cancelled.load(std::memory_order_relaxed) || (cancel && cancel->load(std::memory_order_relaxed))) {
                cancelled = true;
                return;
            }
            const size_t stop = std::min(end, start + kStep);
            for (size_t i = start; i < stop; ++i)
                visit(part, uint32_t(i));
            if (part == 0 && progress)
                progress(int((stop - begin) * 100 / (end - begin)));
        }
    });
    return !cancelled;
}

// The items of [0, count) that `keep(i, cache)` keeps, in order: each part fills its own list, joined in part order.
template <typename Keep>
std::vector<uint32_t> keptInParts(const Prepared &p, size_t count, const CancelFlag *cancel, const Progress &progress,
                                  Keep keep)
{
    const size_t parts = p.partsFor(count);
    std::vector<std::vector<uint32_t>> kept(parts);
    std::vector<MatchCache> caches(parts);
    const bool complete = forEachRowInParts(count, parts, cancel, progress, [&](size_t part, uint32_t i) {
        if (keep(i, caches[part]))
            kept[part].push_back(i);
    });
    std::vector<uint32_t> all;
    if (!complete)
        return all;
    all = std::move(kept[0]);
    for (size_t part = 1; part < parts; ++part)
        all.insert(all.end(), kept[part].begin(), kept[part].end());
    return all;
}

} // namespace oplens::filtermatch
