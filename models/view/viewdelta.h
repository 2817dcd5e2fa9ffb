// A view kept up to date as the data grows (the console following a log): the rows an append added or changed are
// filtered on their own and merged into the sorted result, in the order sortOperations/sortEvents give, instead of
// filtering and sorting everything again.
#pragma once

#include "viewfilter.h"

#include <functional>

namespace oplens {

// The operations among `candidates` (sorted) that pass the filter.
std::vector<uint32_t> filterOperationsAmong(const Dataset &data, const ViewFilter &filter, int64_t now,
                                            const std::vector<uint32_t> &candidates);
// The rows in [from, to) that pass, in store order.
std::vector<uint32_t> filterEventRange(const Dataset &data, const ViewFilter &filter, int64_t now, size_t from, size_t to);
// The rows among `candidates` that pass, in their order: a few rows looked at without a pass over all of them.
std::vector<uint32_t> filterEventRows(const Dataset &data, const ViewFilter &filter, int64_t now,
                                      const std::vector<uint32_t> &candidates);

// True when `a` comes before `b`: the order sortOperations/sortEvents give, one comparison at a time.
using ViewOrder = std::function<bool(uint32_t a, uint32_t b)>;
ViewOrder operationOrder(const Dataset &data, OperationColumn column, bool descending, int64_t now);
ViewOrder eventOrder(const Dataset &data, EventColumn column, bool descending);

// How a view's rows went from `before` to `after`: positions removed from `before`, then positions inserted in
// `after` (ascending, applied after the removals), and positions in `after` of items changed in place.
struct ViewDiff {
    std::vector<uint32_t> removed, inserted, changed;
};

// `before` without the items in `dropped` (sorted), with `added` merged in by `order`; the diff says how it changed.
// Items in both `dropped` and `added` that keep their place are reported as changed.
std::vector<uint32_t> mergeView(const std::vector<uint32_t> &before, const std::vector<uint32_t> &dropped,
                                std::vector<uint32_t> added, const ViewOrder &order, ViewDiff &diff);

} // namespace oplens
