#include "sortkeys.h"

#include "parallelparts.h"
#include "radixsort.h"
#include "textrank.h"

#include <QString>

#include <algorithm>
#include <numeric>

namespace oplens::sortkeys {

namespace {

using radix::ordered;

std::vector<uint32_t> sourceRanks(const EventStore &store)
{
    const QStringList names = store.sourceNames();
    std::vector<uint32_t> order(size_t(names.size()));
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return names[a] < names[b]; });
    std::vector<uint32_t> rank(order.size());
    uint32_t current = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        current += i > 0 && names[order[i - 1]] != names[order[i]];
        rank[order[i]] = current;
    }
    return rank;
}

int64_t poolRank(const std::vector<uint32_t> &rank, uint32_t id) { return id == kNone ? 0 : int64_t(rank[id]) + 1; }

// The operations' ids as text, built on every core (a UUID is kept as 16 bytes and spelled out here).
struct IdTexts {
    std::vector<std::string> buffers; // one per part
    std::vector<std::string_view> views;
};

IdTexts idTexts(const OperationIds &ids, const std::vector<uint32_t> &ops)
{
    IdTexts out;
    const size_t parts = parallel::partCount(ops.size());
    out.buffers.resize(parts);
    std::vector<std::vector<uint32_t>> ends(parts);
    parallel::forEachPart(ops.size(), parts, [&](size_t part, size_t begin, size_t end) {
        std::string &buffer = out.buffers[part];
        buffer.reserve((end - begin) * 36);
        for (size_t i = begin; i < end; ++i) {
            buffer += ids.text(ops[i]); // kNone: empty
            ends[part].push_back(uint32_t(buffer.size()));
        }
    });
    out.views.reserve(ops.size());
    for (size_t part = 0; part < parts; ++part) {
        uint32_t start = 0;
        for (const uint32_t end : ends[part]) {
            out.views.emplace_back(out.buffers[part].data() + start, end - start);
            start = end;
        }
    }
    return out;
}

// Dense ranks of UUIDs (and kNone, the empty text, first) by their bytes, which order them as their text: no text is
// spelled out (that was most of a sort by id). Radix-sorted by the high half; equal high halves by the low one.
std::vector<uint32_t> uuidRanks(const OperationIds &ids, const std::vector<uint32_t> &ops)
{
    std::vector<radix::KeyedItem> byHigh;
    byHigh.reserve(ops.size());
    std::vector<uint32_t> rank(ops.size(), 0);
    for (size_t i = 0; i < ops.size(); ++i)
        if (ops[i] != kNone)
            byHigh.push_back({ids.uuidHigh(ops[i]), uint32_t(i), 0});
    radix::sortStable(byHigh);
    const auto low = [&](const radix::KeyedItem &item) { return ids.uuidLow(ops[item.item]); };
    uint32_t next = 1;
    for (size_t begin = 0, end; begin < byHigh.size(); begin = end) {
        for (end = begin + 1; end < byHigh.size() && byHigh[end].key == byHigh[begin].key; ++end) {}
        if (end - begin > 1)
            std::sort(byHigh.begin() + long(begin), byHigh.begin() + long(end),
                      [&](const radix::KeyedItem &a, const radix::KeyedItem &b) { return low(a) < low(b); });
        for (size_t i = begin; i < end; ++i) {
            if (i > begin && low(byHigh[i]) != low(byHigh[i - 1]))
                ++next;
            rank[byHigh[i].item] = next;
        }
        ++next;
    }
    return rank;
}

// Dense ranks of operation ids (kNone: the empty text) as their texts order them.
std::vector<uint32_t> idRanks(const OperationIds &ids, const std::vector<uint32_t> &ops)
{
    if (std::all_of(ops.begin(), ops.end(), [&](uint32_t op) { return op == kNone || ids.isUuid(op); }))
        return uuidRanks(ids, ops);
    const IdTexts texts = idTexts(ids, ops);
    return textrank::rankTexts(texts.views);
}

// Keys of `items` by a value each has (its number, below `count`), each distinct value ranked once: `rankOf` gets the
// distinct numbers in order of first sight and returns their dense ranks.
template <typename NumberOf, typename RankOf>
std::vector<uint64_t> keysOfDistinct(const std::vector<uint32_t> &items, size_t count, NumberOf numberOf, RankOf rankOf)
{
    std::vector<uint32_t> slot(count, kNone); // number -> index in `distinct`
    std::vector<uint32_t> distinct;
    std::vector<uint32_t> slotOfItem(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        const uint32_t number = numberOf(items[i]);
        uint32_t &s = slot[number];
        if (s == kNone) {
            s = uint32_t(distinct.size());
            distinct.push_back(number);
        }
        slotOfItem[i] = s;
    }
    const std::vector<uint32_t> rank = rankOf(distinct);
    std::vector<uint64_t> keys(items.size());
    for (size_t i = 0; i < items.size(); ++i)
        keys[i] = rank[slotOfItem[i]];
    return keys;
}

// Ranks of the ids of the operations of `items` (kNone: the empty text), as keys.
template <typename OperationOf>
std::vector<uint64_t> idKeys(const OperationIds &ids, size_t operationCount, const std::vector<uint32_t> &items,
                             OperationOf operationOf)
{
    const auto numberOf = [&](uint32_t item) {
        const uint32_t op = operationOf(item);
        return op == kNone ? uint32_t(operationCount) : op; // kNone numbered last
    };
    return keysOfDistinct(items, operationCount + 1, numberOf, [&](std::vector<uint32_t> distinct) {
        for (uint32_t &op : distinct)
            op = op == operationCount ? kNone : op;
        return idRanks(ids, distinct);
    });
}

// Ranks of the parameters of the rows of `items`, as keys. Equal texts have one number in the store (parametersOf):
// each distinct text is ranked once, however many rows and operations share it.
template <typename RowOf>
std::vector<uint64_t> parameterKeys(const EventStore &store, const std::vector<uint32_t> &items, RowOf rowOf)
{
    const size_t count = store.parametersCount() + 1;
    const auto numberOf = [&](uint32_t item) {
        return uint32_t(std::min<size_t>(store.parametersOf(rowOf(item)), count - 1));
    };
    return keysOfDistinct(items, count, numberOf, [&](const std::vector<uint32_t> &distinct) {
        std::vector<std::string_view> texts;
        texts.reserve(distinct.size());
        for (const uint32_t number : distinct)
            texts.push_back(store.parametersText(number));
        return textrank::rankTexts(texts);
    });
}

int compareIds(const OperationIds &ids, uint32_t a, uint32_t b)
{
    if (a != kNone && b != kNone)
        return ids.compare(a, b);
    return ids.text(a).compare(ids.text(b)); // kNone: the empty text
}

template <typename T>
int compareValues(T a, T b) { return a < b ? -1 : (b < a ? 1 : 0); }

} // namespace

int64_t severity(Status status)
{
    switch (status) {
    case Status::Interrupted: return 0;
    case Status::Failed: return 1;
    case Status::Aborted: return 2;
    case Status::Running: return 3;
    case Status::Queued: return 4;
    case Status::Finished: return 5;
    case Status::Unknown: break;
    }
    return 6;
}

std::vector<uint32_t> ranksOf(const StringPool &pool)
{
    std::vector<QString> texts(pool.size());
    for (uint32_t id = 0; id < pool.size(); ++id)
        texts[id] = pool.text(id);
    std::vector<uint32_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const int folded = texts[a].compare(texts[b], Qt::CaseInsensitive);
        return folded != 0 ? folded < 0 : texts[a] < texts[b];
    });
    std::vector<uint32_t> rank(pool.size());
    for (uint32_t i = 0; i < order.size(); ++i)
        rank[order[i]] = i;
    return rank;
}

EventKey::EventKey(const Dataset &data, EventColumn column) : m_data(data), m_column(column)
{
    if (column == EventColumn::Source)
        m_ranks = std::make_shared<const std::vector<uint32_t>>(sourceRanks(data.events()));
    else if (!byText() && column != EventColumn::Time && column != EventColumn::Count)
        m_ranks = std::make_shared<const std::vector<uint32_t>>(ranksOf(data.events().strings()));
}

int64_t EventKey::number(uint32_t r) const
{
    const EventStore &s = m_data.events();
    switch (m_column) {
    case EventColumn::Type: return poolRank(*m_ranks, s.type(r));
    case EventColumn::Host: return poolRank(*m_ranks, s.host(r));
    case EventColumn::Module: return poolRank(*m_ranks, s.module(r));
    case EventColumn::Name: return poolRank(*m_ranks, s.name(r));
    case EventColumn::RequestedBy: return poolRank(*m_ranks, s.requestedBy(r));
    case EventColumn::Source: return (*m_ranks)[s.source(r)];
    case EventColumn::OperationId:
    case EventColumn::Parameters:
    case EventColumn::Time:
    case EventColumn::Count: break; // Time: the tie order alone
    }
    return 0;
}

int EventKey::compare(uint32_t a, uint32_t b) const
{
    const EventStore &s = m_data.events();
    if (m_column == EventColumn::OperationId)
        return compareIds(s.ids(), s.operation(a), s.operation(b));
    if (m_column == EventColumn::Parameters)
        return s.parameters(a).compare(s.parameters(b));
    return compareValues(number(a), number(b));
}

std::vector<uint64_t> EventKey::keys(const std::vector<uint32_t> &rows) const
{
    const EventStore &s = m_data.events();
    if (m_column == EventColumn::OperationId)
        return idKeys(s.ids(), m_data.operationCount(), rows, [&](uint32_t r) { return s.operation(r); });
    if (m_column == EventColumn::Parameters)
        return parameterKeys(s, rows, [](uint32_t r) { return r; });
    std::vector<uint64_t> keys(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
        keys[i] = ordered(number(rows[i]));
    return keys;
}

OperationKey::OperationKey(const Dataset &data, OperationColumn column, int64_t now)
    : m_data(data), m_column(column), m_now(now)
{
    switch (column) {
    case OperationColumn::Source:
        m_ranks = std::make_shared<const std::vector<uint32_t>>(sourceRanks(data.events()));
        break;
    case OperationColumn::Host:
    case OperationColumn::Module:
    case OperationColumn::Name:
    case OperationColumn::RequestedBy:
    case OperationColumn::Origin:
        m_ranks = std::make_shared<const std::vector<uint32_t>>(ranksOf(data.events().strings()));
        break;
    default: break;
    }
}

int64_t OperationKey::number(uint32_t op) const
{
    const EventStore &s = m_data.events();
    const Operation &o = m_data.operation(op);
    switch (m_column) {
    case OperationColumn::Status: return severity(o.status);
    case OperationColumn::Started:
    case OperationColumn::Count: return o.startedAt;
    case OperationColumn::Ended: return o.endedAt;
    case OperationColumn::Duration: return m_data.duration(op, m_now);
    case OperationColumn::Host: return poolRank(*m_ranks, s.host(o.firstRow));
    case OperationColumn::Module: return poolRank(*m_ranks, s.module(o.firstRow));
    case OperationColumn::Name: return poolRank(*m_ranks, s.name(o.firstRow));
    case OperationColumn::RequestedBy: return poolRank(*m_ranks, s.requestedBy(o.firstRow));
    case OperationColumn::Origin: return poolRank(*m_ranks, s.origin(o.firstRow));
    case OperationColumn::Events: return o.eventCount;
    case OperationColumn::Source: return (*m_ranks)[m_data.source(op)];
    case OperationColumn::OperationId:
    case OperationColumn::Parameters: break; // texts
    }
    return 0;
}

int OperationKey::compare(uint32_t a, uint32_t b) const
{
    const EventStore &s = m_data.events();
    if (m_column == OperationColumn::OperationId)
        return compareIds(s.ids(), a, b);
    if (m_column == OperationColumn::Parameters)
        return s.parameters(m_data.operation(a).firstRow).compare(s.parameters(m_data.operation(b).firstRow));
    return compareValues(number(a), number(b));
}

std::vector<uint64_t> OperationKey::keys(const std::vector<uint32_t> &ops) const
{
    const EventStore &s = m_data.events();
    if (m_column == OperationColumn::OperationId)
        return idKeys(s.ids(), m_data.operationCount(), ops, [](uint32_t op) { return op; });
    if (m_column == OperationColumn::Parameters)
        return parameterKeys(s, ops, [&](uint32_t op) { return m_data.operation(op).firstRow; });
    std::vector<uint64_t> keys(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
        keys[i] = ordered(number(ops[i]));
    return keys;
}

} // namespace oplens::sortkeys
