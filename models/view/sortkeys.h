// What each column of the tables sorts by (internal to models/view): the one home of the mapping from a column to a
// key, used by the whole sorts (viewsort.cpp: a key per item, then integers) and by the orders an update is merged
// with (viewdelta.cpp: two items compared), so that the two cannot differ.
#pragma once

#include "viewfilter.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace oplens::sortkeys {

// Status sorts by what needs the admin first: Interrupted, Failed, Aborted, Running, Queued, Finished, Unknown.
int64_t severity(Status status);

// Interned strings in the tables' order: case-insensitive, then exact (the same order at every call: "Move" and "move"
// must not swap between a whole sort and an update merged into it). Sorted once per distinct string.
std::vector<uint32_t> ranksOf(const StringPool &pool);

// A column's key of an event (EventKey) or an operation (OperationKey). Equal keys are ordered by the tie order of
// viewfilter.h, which the callers apply. Texts (operation ids, parameters) compare as bytes; every other column is an
// integer: interned strings by ranksOf() (absent ones first), sources by name.
class EventKey
{
public:
    EventKey(const Dataset &data, EventColumn column);
    // Negative, 0 or positive as row a's key is below, equal to or above row b's.
    int compare(uint32_t a, uint32_t b) const;
    // Each row's key as an unsigned integer of the same order (texts by their rank among `rows`).
    std::vector<uint64_t> keys(const std::vector<uint32_t> &rows) const;

private:
    bool byText() const { return m_column == EventColumn::OperationId || m_column == EventColumn::Parameters; }
    int64_t number(uint32_t row) const;

    const Dataset &m_data;
    EventColumn m_column;
    std::shared_ptr<const std::vector<uint32_t>> m_ranks; // ranksOf() of the pool, or of the sources by name
};

class OperationKey
{
public:
    OperationKey(const Dataset &data, OperationColumn column, int64_t now);
    int compare(uint32_t a, uint32_t b) const;
    std::vector<uint64_t> keys(const std::vector<uint32_t> &ops) const;

private:
    bool byText() const
    {
        return m_column == OperationColumn::OperationId || m_column == OperationColumn::Parameters;
    }
    int64_t number(uint32_t op) const;

    const Dataset &m_data;
    OperationColumn m_column;
    int64_t m_now;
    std::shared_ptr<const std::vector<uint32_t>> m_ranks;
};

} // namespace oplens::sortkeys
