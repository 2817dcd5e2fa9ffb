#include "operationids.h"

#include "stringpool.h"

#include <functional>

namespace oplens {

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1; // upper case is kept as text so the id reads back exactly as written
}
uint64_t mix(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}
} // namespace

bool OperationIds::parseUuid(std::string_view id, Key &key)
{
    if (id.size() != 36)
        return false;
    uint64_t parts[2] = {0, 0};
    int nibble = 0;
    for (size_t i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (id[i] != '-') return false;
            continue;
        }
        const int v = hexValue(id[i]);
        if (v < 0) return false;
        parts[nibble / 16] = (parts[nibble / 16] << 4) | uint64_t(v);
        ++nibble;
    }
    key.hi = parts[0];
    key.lo = parts[1];
    key.uuid = true;
    return true;
}

uint64_t OperationIds::hash(const Key &key, std::string_view text)
{
    if (key.uuid)
        return mix(key.hi ^ mix(key.lo) ^ key.source);
    return mix(std::hash<std::string_view>()(text) ^ key.source);
}

bool OperationIds::equal(const Key &stored, const Key &probe, std::string_view probeText) const
{
    if (stored.source != probe.source || stored.uuid != probe.uuid)
        return false;
    if (stored.uuid)
        return stored.hi == probe.hi && stored.lo == probe.lo;
    return m_text.view(stored.lo) == probeText;
}

uint32_t OperationIds::lookup(const Key &probe, std::string_view probeText, size_t &slot) const
{
    if (m_slots.empty())
        return kNone;
    const size_t mask = m_slots.size() - 1;
    for (slot = hash(probe, probeText) & mask;; slot = (slot + 1) & mask) {
        const uint32_t index = m_slots[slot];
        if (index == kNone || equal(m_keys[index], probe, probeText))
            return index;
    }
}

uint32_t OperationIds::find(uint16_t source, std::string_view id) const
{
    Key probe;
    probe.source = source;
    parseUuid(id, probe);
    size_t slot = 0;
    return lookup(probe, id, slot);
}

uint32_t OperationIds::intern(uint16_t source, std::string_view id)
{
    Key probe;
    probe.source = source;
    parseUuid(id, probe);
    size_t slot = 0;
    if (const uint32_t found = lookup(probe, id, slot); found != kNone)
        return found;
    if ((m_keys.size() + 1) * 2 > m_slots.size()) {
        grow();
        lookup(probe, id, slot);
    }
    if (!probe.uuid)
        probe.lo = m_text.add(id);
    const auto index = uint32_t(m_keys.size());
    m_keys.push_back(probe);
    m_slots[slot] = index;
    return index;
}

void OperationIds::grow()
{
    std::vector<uint32_t> slots(m_slots.empty() ? 1024 : m_slots.size() * 2, kNone);
    const size_t mask = slots.size() - 1;
    for (uint32_t index = 0; index < m_keys.size(); ++index) {
        const Key &key = m_keys[index];
        size_t slot = hash(key, key.uuid ? std::string_view() : m_text.view(key.lo)) & mask;
        while (slots[slot] != kNone)
            slot = (slot + 1) & mask;
        slots[slot] = index;
    }
    m_slots.swap(slots);
}

int OperationIds::compare(uint32_t a, uint32_t b) const
{
    const Key &ka = m_keys[a], &kb = m_keys[b];
    if (ka.uuid && kb.uuid) { // lower-case hex sorts like the bytes
        if (ka.hi != kb.hi) return ka.hi < kb.hi ? -1 : 1;
        if (ka.lo != kb.lo) return ka.lo < kb.lo ? -1 : 1;
        return 0;
    }
    return text(a).compare(text(b));
}

std::string OperationIds::text(uint32_t index) const
{
    if (index == kNone || index >= m_keys.size())
        return {};
    const Key &key = m_keys[index];
    if (!key.uuid)
        return std::string(m_text.view(key.lo));
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int nibble = 0; nibble < 32; ++nibble) {
        if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20)
            out.push_back('-');
        const uint64_t part = nibble < 16 ? key.hi : key.lo;
        out.push_back(digits[(part >> (4 * (15 - nibble % 16))) & 0xF]);
    }
    return out;
}

} // namespace oplens
