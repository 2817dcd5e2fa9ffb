// sortEvents and sortOperations (viewfilter.h): each item's key worked out once (sortkeys.h), then sorted as integers
// with counting passes. Ascending, the order is (key, tie order); descending is its exact reverse.
#include "viewfilter.h"

#include "radixsort.h"
#include "sortkeys.h"

#include <algorithm>
#include <numeric>

namespace oplens {

namespace {

using radix::KeyedItem;

// The positions of `keys` in (key, position) order. Keys already in order (the rows of one file by time) cost one look.
std::vector<uint32_t> stableOrder(const std::vector<uint64_t> &keys)
{
    std::vector<uint32_t> positions(keys.size());
    if (std::is_sorted(keys.begin(), keys.end())) {
        std::iota(positions.begin(), positions.end(), 0u);
        return positions;
    }
    std::vector<KeyedItem> keyed(keys.size());
    for (size_t i = 0; i < keys.size(); ++i)
        keyed[i] = {keys[i], uint32_t(i), 0};
    radix::sortStable(keyed);
    for (size_t i = 0; i < keys.size(); ++i)
        positions[i] = keyed[i].item;
    return positions;
}

// `out`: items[tieOrder[i]] sorted stably by their keys (keys[p] is items[p]'s). Keys of a narrow range (ranks of
// interned strings or of texts, severities) are counted into place in one pass; others go through radixsort.h.
void sortByColumn(const std::vector<uint32_t> &items, const std::vector<uint32_t> &tieOrder,
                  const std::vector<uint64_t> &keys, std::vector<uint32_t> &out, bool descending)
{
    const size_t n = items.size();
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
        for (const uint32_t p : tieOrder)
            out[next[size_t(keys[p] - lowest)]++] = items[p];
    } else {
        std::vector<KeyedItem> keyed(n);
        for (size_t i = 0; i < n; ++i)
            keyed[i] = {keys[tieOrder[i]], items[tieOrder[i]], 0};
        radix::sortStable(keyed);
        for (size_t i = 0; i < n; ++i)
            out[i] = keyed[i].item;
    }
    if (descending)
        std::reverse(out.begin(), out.end());
}

// Sorts `items` by the tie key `tieOf` then index, then (unless `byTieOnly`) stably by `columnKeys`, both worked out
// over the items in ascending order: the store's and the operations' tables are read front to back, not at random.
template <typename TieOf, typename ColumnKeys>
void sortItems(std::vector<uint32_t> &items, bool descending, bool byTieOnly, TieOf tieOf, ColumnKeys columnKeys)
{
    if (!std::is_sorted(items.begin(), items.end()))
        std::sort(items.begin(), items.end());
    std::vector<uint64_t> ties(items.size());
    for (size_t i = 0; i < items.size(); ++i)
        ties[i] = tieOf(items[i]);
    const std::vector<uint32_t> tieOrder = stableOrder(ties);
    std::vector<uint32_t> out;
    if (byTieOnly) {
        out.resize(items.size());
        for (size_t i = 0; i < items.size(); ++i)
            out[i] = items[tieOrder[i]];
        if (descending)
            std::reverse(out.begin(), out.end());
    } else {
        sortByColumn(items, tieOrder, columnKeys(items), out, descending);
    }
    items = std::move(out);
}

} // namespace

void sortEvents(const Dataset &data, std::vector<uint32_t> &rows, EventColumn column, bool descending)
{
    const EventStore &s = data.events();
    // Ties keep the order in which events apply: (startTime, row).
    sortItems(rows, descending, column == EventColumn::Time || column == EventColumn::Count,
              [&](uint32_t r) { return radix::ordered(s.time(r)); },
              [&](const std::vector<uint32_t> &items) { return sortkeys::EventKey(data, column).keys(items); });
}

void sortOperations(const Dataset &data, std::vector<uint32_t> &ops, OperationColumn column, bool descending,
                    int64_t now)
{
    // Ties: (startedAt, operation). Started is its own tie order.
    sortItems(ops, descending, column == OperationColumn::Started || column == OperationColumn::Count,
              [&](uint32_t op) { return radix::ordered(data.operation(op).startedAt); },
              [&](const std::vector<uint32_t> &items) {
                  return sortkeys::OperationKey(data, column, now).keys(items);
              });
}

} // namespace oplens
