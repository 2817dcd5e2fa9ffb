#include "eventstore.h"

#include "parameterskey.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace oplens {

uint16_t EventStore::addSource(const QString &name)
{
    if (m_sources.size() >= 0xFFFF)
        throw std::length_error("too many sources");
    m_sources.append(name);
    return uint16_t(m_sources.size() - 1);
}

namespace {

// The run key without its source: made from the texts, so that a batch's keys hold in the store it is appended to.
uint64_t runKeyOf(std::string_view module, std::string_view name, uint64_t parameters)
{
    const std::hash<std::string_view> hash;
    uint64_t x = hash(module) * 0x9E3779B97F4A7C15ull + hash(name);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= (x >> 29) ^ parameters;
    x *= 0x94D049BB133111EBull;
    return (x ^ (x >> 32)) | 1;
}

// XORed into the keys of a source's operations; even, so that a key stays odd (never 0); 0 for source 0, so that a
// batch's keys (all its source 0) take their source by one XOR.
uint64_t sourceSalt(uint16_t source)
{
    uint64_t x = uint64_t(source) * 0xD6E8FEB86659FD93ull;
    x ^= x >> 32;
    return (x * 0x9E3779B97F4A7C15ull) & ~uint64_t(1);
}

// Room for `n` in all: at least half as much again as now when it must grow, so that appends of a few rows each (a
// followed log) move the columns once in a while, not at every append.
template <typename Column>
void makeRoom(Column &column, size_t n)
{
    if (n > column.capacity())
        column.reserve(std::max(n, column.capacity() + column.capacity() / 2));
}

template <typename T>
void appendAll(PageVector<T> &to, const PageVector<T> &from)
{
    to.append(from.begin(), from.end());
}

} // namespace

template <typename T>
T EventStore::Sparse<T>::at(Row r) const
{
    const auto it = std::lower_bound(rows.begin(), rows.end(), r);
    return it != rows.end() && *it == r ? values[size_t(it - rows.begin())] : T();
}

int64_t EventStore::opStartTime(Row r) const
{
    const int32_t delta = m_opStartDelta[r];
    if (delta == kNoOpStart)
        return kNoTime;
    return delta == kFarOpStart ? m_farOpStart.at(r) : m_time[r] + delta;
}

uint32_t EventStore::restartOf(Row r) const
{
    return shape(r).flags & EventShape::kHasRestartOf ? m_restartOf.at(r) : kNone;
}

void EventStore::growOperations(uint32_t op)
{
    if (op < m_runKeys.size())
        return;
    makeRoom(m_runKeys, size_t(op) + 1);
    makeRoom(m_lastParameters, size_t(op) + 1);
    m_runKeys.resize(size_t(op) + 1, 0);
    m_lastParameters.resize(size_t(op) + 1, 0);
}

uint32_t EventStore::addParameters(uint32_t op, std::string_view parameters, const EventShape &shape)
{
    if (op == kNone)
        return m_parameterTexts.intern(m_text, parameters);
    growOperations(op);
    uint32_t &last = m_lastParameters[op];
    if ((last & kTextNumber) == 0 || m_text.view(m_parameterTexts.ref(last & kTextNumber)) != parameters) {
        const uint32_t text = m_parameterTexts.intern(m_text, parameters);
        if (text >= kSetAgain)
            throw std::length_error("too many distinct parameters");
        last = text | (m_runKeys[op] != 0 ? kSetAgain : 0);
        m_runKeys[op] = runKeyOf(m_strings.view(shape.module), m_strings.view(shape.name), parametersHash(parameters))
            ^ sourceSalt(shape.source);
    }
    return last & kTextNumber;
}

void EventStore::reserve(size_t rows)
{
    const size_t n = size() + rows;
    makeRoom(m_time, n);
    makeRoom(m_opStartDelta, n);
    for (auto *column : {&m_op, &m_shape, &m_position, &m_parameters})
        makeRoom(*column, n);
    makeRoom(m_otherFields, n);
    makeRoom(m_runKeys, m_ids.size() + rows); // at most one new operation per row
    makeRoom(m_lastParameters, m_ids.size() + rows);
}

// The previous row's text when it is the same: the usual other field, a human-readable time to the second, repeats
// for every event of the same second.
uint32_t EventStore::addOtherFields(std::string_view text)
{
    if (m_otherTexts.empty() || m_text.view(m_otherTexts.back()) != text)
        m_otherTexts.push_back(m_text.add(text));
    return uint32_t(m_otherTexts.size() - 1);
}

void EventStore::pushRow(int64_t time, int64_t opStartTime, uint32_t op, const EventShape &shape, uint32_t restartOf,
                         uint32_t position, uint32_t parameters, uint32_t otherFields)
{
    const auto row = Row(m_time.size());
    int64_t delta = 0;
    if (opStartTime == kNoTime) {
        m_opStartDelta.push_back(kNoOpStart);
    } else if (!__builtin_sub_overflow(opStartTime, time, &delta) && delta > kFarOpStart && delta <= INT32_MAX) {
        m_opStartDelta.push_back(int32_t(delta));
    } else {
        m_opStartDelta.push_back(kFarOpStart);
        m_farOpStart.add(row, opStartTime);
    }
    m_time.push_back(time);
    m_op.push_back(op);
    m_shape.push_back(m_shapes.intern(shape));
    if (shape.flags & EventShape::kHasRestartOf)
        m_restartOf.add(row, restartOf);
    m_position.push_back(position);
    m_parameters.push_back(parameters);
    m_otherFields.push_back(otherFields);
}

void EventStore::append(const ParsedEvent &e, uint16_t source)
{
    const uint32_t op = e.operationId ? m_ids.intern(source, *e.operationId) : kNone;
    EventShape shape;
    shape.module = m_strings.intern(e.module);
    shape.name = m_strings.intern(e.name);
    shape.type = m_strings.intern(e.type);
    shape.kind = uint8_t(eventKindFromType(e.type));
    shape.requestedBy = e.requestedBy ? m_strings.intern(*e.requestedBy) : kNone;
    shape.host = e.host ? m_strings.intern(*e.host) : kNone;
    shape.origin = e.origin ? m_strings.intern(*e.origin) : kNone;
    shape.source = source;
    shape.flags = (e.startTimeIsText ? EventShape::kStartTimeIsText : 0) | (e.restartOf ? EventShape::kHasRestartOf : 0);
    const uint32_t restart = e.restartOf ? m_ids.intern(source, *e.restartOf) : kNone;
    const uint32_t parameters = addParameters(op, e.parameters, shape);
    pushRow(e.startTime, e.opStartTime, op, shape, restart, e.position, parameters, addOtherFields(e.otherFields));
}

void EventStore::appendBatch(EventStore &&batch, uint16_t source)
{
    // Each distinct value of the batch mapped once: strings, shapes (with their new source), operation ids, texts.
    std::vector<uint32_t> strings(batch.m_strings.size());
    for (uint32_t i = 0; i < strings.size(); ++i)
        strings[i] = m_strings.intern(batch.m_strings.view(i));
    const auto mapString = [&](uint32_t id) { return id == kNone ? kNone : strings[id]; };
    std::vector<uint32_t> shapes(batch.m_shapes.size());
    for (uint32_t i = 0; i < shapes.size(); ++i) {
        EventShape s = batch.m_shapes[i];
        for (uint32_t *id : {&s.module, &s.name, &s.type, &s.requestedBy, &s.host, &s.origin})
            *id = mapString(*id);
        s.source = source;
        shapes[i] = m_shapes.intern(s);
    }
    const std::vector<uint32_t> ids = m_ids.internAll(batch.m_ids, source);
    // A piece of a file read in parallel brings megabytes of text: its blocks are adopted. A followed log's few new
    // lines are copied, which costs less than a new block of address space at every append.
    const bool adopt = batch.m_text.textBytes() >= kAdoptTextBytes;
    const TextRef shift = adopt ? m_text.adopt(std::move(batch.m_text)) : 0;
    std::vector<uint32_t> texts(batch.m_parameterTexts.size(), 0);
    if (adopt)
        texts = m_parameterTexts.internAllStored(m_text, batch.m_parameterTexts, shift);
    else
        for (uint32_t i = 1; i < texts.size(); ++i)
            texts[i] = m_parameterTexts.intern(m_text, batch.m_text.view(batch.m_parameterTexts.ref(i)));

    const auto otherBase = uint32_t(m_otherTexts.size());
    if (adopt)
        for (const TextRef ref : batch.m_otherTexts)
            m_otherTexts.push_back(TextArena::shifted(ref, shift));
    const auto base = Row(size());
    const size_t n = batch.size();
    reserve(n);
    appendAll(m_time, batch.m_time);
    appendAll(m_opStartDelta, batch.m_opStartDelta);
    appendAll(m_position, batch.m_position);
    for (size_t r = 0; r < n; ++r) {
        const uint32_t op = batch.m_op[r];
        m_op.push_back(op == kNone ? kNone : ids[op]);
        m_shape.push_back(shapes[batch.m_shape[r]]);
        m_parameters.push_back(texts[batch.m_parameters[r]]);
        m_otherFields.push_back(adopt ? otherBase + batch.m_otherFields[r] : addOtherFields(batch.otherFields(Row(r))));
    }
    for (size_t k = 0; k < batch.m_restartOf.rows.size(); ++k)
        m_restartOf.add(base + batch.m_restartOf.rows[k], ids[batch.m_restartOf.values[k]]);
    for (size_t k = 0; k < batch.m_farOpStart.rows.size(); ++k)
        m_farOpStart.add(base + batch.m_farOpStart.rows[k], batch.m_farOpStart.values[k]);
    // The batch's run keys and last parameters win where it stored parameters (its keys are those of source 0), but
    // for an operation that it set once to what this store has: appended one by one, its events would not have made
    // the key again.
    const uint64_t salt = sourceSalt(source);
    for (uint32_t i = 0; i < batch.m_runKeys.size(); ++i) {
        if (batch.m_runKeys[i] == 0)
            continue;
        const uint32_t op = ids[i], text = texts[batch.m_lastParameters[i] & kTextNumber];
        growOperations(op);
        const bool setAgain = batch.m_lastParameters[i] & kSetAgain;
        if (!setAgain && (m_lastParameters[op] & kTextNumber) == text && text != 0)
            continue;
        m_lastParameters[op] = text | (setAgain || m_runKeys[op] != 0 ? kSetAgain : 0);
        m_runKeys[op] = batch.m_runKeys[i] ^ salt;
    }
    batch = EventStore();
}

void EventStore::copyRows(const EventStore &from, const std::vector<char> &keepSource, int asSource)
{
    // Translate the interned values of `from` into this store's: strings at once (few), the rest when first met.
    std::vector<uint32_t> strings(from.m_strings.size());
    for (uint32_t i = 0; i < strings.size(); ++i)
        strings[i] = m_strings.intern(from.m_strings.view(i));
    std::vector<uint32_t> ids(from.m_ids.size(), kNone);
    const auto mapId = [&](uint32_t id, uint16_t source) {
        if (id == kNone)
            return kNone;
        if (ids[id] == kNone)
            ids[id] = m_ids.internFrom(from.m_ids, id, source);
        return ids[id];
    };
    const size_t n = from.size();
    reserve(n);
    for (size_t r = 0; r < n; ++r) {
        const Row row = Row(r);
        const uint16_t fromSource = from.source(row);
        if (!keepSource.empty() && (fromSource >= keepSource.size() || !keepSource[fromSource]))
            continue;
        EventShape shape = from.shape(row);
        for (uint32_t *id : {&shape.module, &shape.name, &shape.type, &shape.requestedBy, &shape.host, &shape.origin})
            *id = *id == kNone ? kNone : strings[*id];
        shape.source = asSource >= 0 ? uint16_t(asSource) : fromSource;
        const uint32_t op = mapId(from.m_op[r], shape.source);
        const uint32_t restart = mapId(from.restartOf(row), shape.source);
        const uint32_t parameters = addParameters(op, from.parameters(row), shape);
        pushRow(from.m_time[r], from.opStartTime(row), op, shape, restart, from.m_position[r], parameters,
                addOtherFields(from.otherFields(row)));
    }
}

std::string EventStore::otherField(Row r, std::string_view key) const
{
    const std::string_view fields = otherFields(r);
    if (fields.empty() || fields.find(key) == std::string_view::npos)
        return {};
    std::string object;
    object.reserve(fields.size() + 2);
    object.append("{").append(fields).append("}");
    const auto parsed = nlohmann::json::parse(object, nullptr, false);
    if (!parsed.is_object())
        return {};
    const auto it = parsed.find(std::string(key));
    return it == parsed.end() ? std::string() : it->dump();
}

std::optional<std::string> EventStore::otherString(Row r, std::string_view key) const
{
    const std::string raw = otherField(r, key);
    if (raw.empty() || raw.front() != '"')
        return std::nullopt;
    return nlohmann::json::parse(raw).get<std::string>();
}

void EventStore::addToPositions(uint64_t by)
{
    for (uint32_t &position : m_position)
        position = uint32_t(std::min<uint64_t>(position + by, UINT32_MAX));
}

size_t EventStore::approximateBytes() const
{
    size_t bytes = 0;
    for (const auto &[part, partBytes] : memoryParts())
        bytes += partBytes;
    return bytes;
}

std::vector<std::pair<const char *, size_t>> EventStore::memoryParts() const
{
    const size_t n = size();
    size_t otherText = 0;
    for (const TextRef ref : m_otherTexts)
        otherText += ref & TextArena::kMaxLength;
    const size_t sparse = (m_restartOf.rows.size() + m_farOpStart.rows.size()) * sizeof(Row)
        + m_restartOf.values.size() * sizeof(uint32_t) + m_farOpStart.values.size() * sizeof(int64_t);
    return {{"column time", n * sizeof(int64_t)},
            {"column opStartTime", n * sizeof(int32_t)},
            {"column operation", n * sizeof(uint32_t)},
            {"column shape", n * sizeof(uint32_t)},
            {"column position", n * sizeof(uint32_t)},
            {"column parameters", n * sizeof(uint32_t)},
            {"column otherFields", n * sizeof(uint32_t)},
            {"other fields' distinct texts", m_otherTexts.size() * sizeof(TextRef)},
            {"restartOf and far opStartTimes", sparse},
            {"text otherFields", otherText},
            {"text parameters", m_parameterTexts.textBytes()},
            {"parameters table", m_parameterTexts.bytesUsed()},
            {"shapes and strings", m_shapes.approximateBytes() + m_strings.approximateBytes()},
            {"operation ids", m_ids.keyBytes()},
            {"operation ids table", m_ids.tableBytes()},
            {"per operation (run keys, last parameters)",
             m_runKeys.size() * sizeof(uint64_t) + m_lastParameters.size() * sizeof(uint32_t)}};
}

} // namespace oplens
