// sortEvents and sortOperations (viewfilter.h): each item's key worked out once (sortkeys.h), then sorted as integers
// with counting passes. Ascending, the order is (key, tie order); descending is its exact reverse.
#include "viewfilter.h"

#include "radixsort.h"
#include "sortkeys.h"

#include <algorithm>

namespace oplens {

namespace {

using radix::KeyedItem;

// `items` sorted by `keyOf` (an unsigned key of the same order), equal keys by index. Items already in that order
// (the rows of one file by time) cost one look.
template <typename KeyOf>
std::vector<uint32_t> byKeyThenIndex(std::vector<uint32_t> items, KeyOf keyOf)
{
    if (!std::is_sorted(items.begin(), items.end()))
        std::sort(items.begin(), items.end());
    bool ordered = true;
    for (size_t i = 1; i < items.size() && ordered; ++i)
        ordered = keyOf(items[i - 1]) <= keyOf(items[i]);
    if (ordered)
        return items;
    std::vector<KeyedItem> keyed(items.size());
    for (size_t i = 0; i < items.size(); ++i)
        keyed[i] = {keyOf(items[i]), items[i], 0};
    radix::sortStable(keyed);
    for (size_t i = 0; i < items.size(); ++i)
        items[i] = keyed[i].item;
    return items;
}

// `out`: the items of `order` (the tie order) sorted stably by their keys. Keys of a narrow range (ranks of interned
// strings or of texts, severities) are counted into place in one pass; others go through radixsort.h's passes.
void sortByColumn(const std::vector<uint32_t> &order, const std::vector<uint64_t> &keys, std::vector<uint32_t> &out,
                  bool descending)
{
    const size_t n = order.size();
    out.resize(n);
    uint64_t lowest = n > 0 ? keys[0] : 0, highest = lowest;
    for (const uint64_t k : keys)
        lowest = std::min(lowest, k), highest = std::max(highest, k);
    if (highest - lowest < std::max<uint64_t>(uint64_t(1) << 16, 2 * n)) {
        std::vector<uint32_t> next(size_t(highest - lowest) + 2, 0); // where the next item of each key goes
        for (const uint64_t k : keys)
            ++next[size_t(k - lowest) + 1];
        for (size_t k = 1; k < next.size(); ++k)
            next[k] += next[k - 1];
        for (size_t i = 0; i < n; ++i)
            out[next[size_t(keys[i] - lowest)]++] = order[i];
    } else {
        std::vector<KeyedItem> keyed(n);
        for (size_t i = 0; i < n; ++i)
            keyed[i] = {keys[i], order[i], 0};
        radix::sortStable(keyed);
        for (size_t i = 0; i < n; ++i)
            out[i] = keyed[i].item;
    }
    if (descending)
        std::reverse(out.begin(), out.end());
}

} // namespace

void sortEvents(const Dataset &data, std::vector<uint32_t> &rows, EventColumn column, bool descending)
{
    const EventStore &s = data.events();
    // Ties keep the order in which events apply: (startTime, row).
    std::vector<uint32_t> order = byKeyThenIndex(std::move(rows), [&](uint32_t r) { return radix::ordered(s.time(r)); });
    if (column == EventColumn::Time || column == EventColumn::Count) {
        if (descending)
            std::reverse(order.begin(), order.end());
        rows = std::move(order);
        return;
    }
    sortByColumn(order, sortkeys::EventKey(data, column).keys(order), rows, descending);
}

void sortOperations(const Dataset &data, std::vector<uint32_t> &ops, OperationColumn column, bool descending,
                    int64_t now)
{
    // Ties: (startedAt, operation).
    std::vector<uint32_t> order = byKeyThenIndex(std::move(ops), [&](uint32_t op) {
        return radix::ordered(data.operation(op).startedAt);
    });
    if (column == OperationColumn::Started || column == OperationColumn::Count) { // the tie order is the key's
        if (descending)
            std::reverse(order.begin(), order.end());
        ops = std::move(order);
        return;
    }
    sortByColumn(order, sortkeys::OperationKey(data, column, now).keys(order), ops, descending);
}

} // namespace oplens
