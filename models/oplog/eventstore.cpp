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

uint64_t makeRunKey(uint16_t source, uint32_t module, uint32_t name, uint64_t parameters)
{
    uint64_t x = (uint64_t(module) << 32 | name) * 0x9E3779B97F4A7C15ull + source;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= (x >> 29) ^ parameters;
    x *= 0x94D049BB133111EBull;
    return (x ^ (x >> 32)) | 1;
}

} // namespace

uint32_t EventStore::internOptional(const std::optional<std::string_view> &text)
{
    return text ? m_strings.intern(*text) : kNone;
}

TextRef EventStore::addParameters(uint32_t op, std::string_view parameters, uint16_t source, uint32_t module,
                                  uint32_t name)
{
    if (op == kNone)
        return m_text.add(parameters);
    if (m_lastParameters.size() <= op)
        m_lastParameters.resize(std::max<size_t>(size_t(op) + 1, m_lastParameters.size() * 2), 0);
    TextRef &last = m_lastParameters[op];
    if (last == 0 || m_text.view(last) != parameters) {
        last = m_text.add(parameters);
        if (m_runKeys.size() <= op)
            m_runKeys.resize(size_t(op) + 1, 0);
        m_runKeys[op] = makeRunKey(source, module, name, parametersHash(parameters));
    }
    return last;
}

namespace {
// Room for `n` in all: at least half as much again as now when it must grow, so that appends of a few rows each (a
// followed log) move the columns once in a while, not at every append (a 2M-row store is 120 MB to copy).
template <typename Column>
void makeRoom(Column &column, size_t n)
{
    if (n > column.capacity())
        column.reserve(std::max(n, column.capacity() + column.capacity() / 2));
}
} // namespace

void EventStore::reserve(size_t rows)
{
    const size_t n = size() + rows;
    makeRoom(m_time, n);
    makeRoom(m_opStartTime, n);
    for (auto *column : {&m_op, &m_module, &m_name, &m_type, &m_requestedBy, &m_host, &m_origin, &m_restartOf, &m_position})
        makeRoom(*column, n);
    makeRoom(m_parameters, n);
    makeRoom(m_otherFields, n);
    makeRoom(m_source, n);
    makeRoom(m_kind, n);
    makeRoom(m_startTimeIsText, n);
    makeRoom(m_runKeys, m_ids.size() + rows); // at most one new operation per row
}

void EventStore::append(const ParsedEvent &e, uint16_t source)
{
    const EventKind kind = eventKindFromType(e.type);
    const uint32_t op = e.operationId ? m_ids.intern(source, *e.operationId) : kNone;
    m_time.push_back(e.startTime);
    m_opStartTime.push_back(e.opStartTime);
    m_op.push_back(op);
    m_module.push_back(m_strings.intern(e.module));
    m_name.push_back(m_strings.intern(e.name));
    m_type.push_back(m_strings.intern(e.type));
    m_kind.push_back(uint8_t(kind));
    m_requestedBy.push_back(internOptional(e.requestedBy));
    m_host.push_back(internOptional(e.host));
    m_origin.push_back(internOptional(e.origin));
    m_restartOf.push_back(e.restartOf ? m_ids.intern(source, *e.restartOf) : kNone);
    m_position.push_back(e.position);
    m_parameters.push_back(addParameters(op, e.parameters, source, m_module.back(), m_name.back()));
    m_otherFields.push_back(m_text.add(e.otherFields));
    m_source.push_back(source);
    m_startTimeIsText.push_back(e.startTimeIsText);
}

void EventStore::appendBatch(EventStore &&batch, uint16_t source)
{
    // (The first load, into an empty dataset, moves the whole batch instead: Dataset::appendBatch.)
    copyRows(batch, {}, int(source));
    batch = EventStore();
}

void EventStore::copyRows(const EventStore &from, const std::vector<char> &keepSource, int asSource)
{
    // Translate the interned values of `from` into this store's: strings at once (few), operation ids when first met.
    std::vector<uint32_t> strings(from.m_strings.size());
    for (uint32_t i = 0; i < strings.size(); ++i)
        strings[i] = m_strings.intern(from.m_strings.view(i));
    std::vector<uint32_t> ids(from.m_ids.size(), kNone);
    auto mapString = [&](uint32_t id) { return id == kNone ? kNone : strings[id]; };
    auto mapId = [&](uint32_t id, uint16_t source) {
        if (id == kNone)
            return kNone;
        if (ids[id] == kNone)
            ids[id] = m_ids.intern(source, from.m_ids.text(id));
        return ids[id];
    };
    const size_t n = from.size();
    reserve(n);
    for (size_t r = 0; r < n; ++r) {
        const uint16_t fromSource = from.m_source[r];
        if (!keepSource.empty() && (fromSource >= keepSource.size() || !keepSource[fromSource]))
            continue;
        const uint16_t source = asSource >= 0 ? uint16_t(asSource) : fromSource;
        m_time.push_back(from.m_time[r]);
        m_opStartTime.push_back(from.m_opStartTime[r]);
        const uint32_t op = mapId(from.m_op[r], source);
        m_op.push_back(op);
        m_module.push_back(mapString(from.m_module[r]));
        m_name.push_back(mapString(from.m_name[r]));
        m_type.push_back(mapString(from.m_type[r]));
        m_kind.push_back(from.m_kind[r]);
        m_requestedBy.push_back(mapString(from.m_requestedBy[r]));
        m_host.push_back(mapString(from.m_host[r]));
        m_origin.push_back(mapString(from.m_origin[r]));
        m_restartOf.push_back(mapId(from.m_restartOf[r], source));
        m_position.push_back(from.m_position[r]);
        m_parameters.push_back(addParameters(op, from.m_text.view(from.m_parameters[r]), source, m_module.back(),
                                             m_name.back()));
        m_otherFields.push_back(m_text.add(from.m_text.view(from.m_otherFields[r])));
        m_source.push_back(source);
        m_startTimeIsText.push_back(from.m_startTimeIsText[r]);
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
    const size_t perRow = 2 * sizeof(int64_t) + 9 * sizeof(uint32_t) + 2 * sizeof(TextRef) + sizeof(uint16_t) + 1;
    return m_time.capacity() * perRow + m_text.bytesUsed();
}

} // namespace oplens
