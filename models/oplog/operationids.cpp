#include "operationids.h"

#include "stringpool.h"

#include <array>
#include <functional>

namespace oplens {

namespace {
uint64_t mix(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}
} // namespace

bool OperationIds::parseUuid(std::string_view id, Key &key)
{
    // A table instead of branches per character: this runs for every event read.
    static constexpr auto hex = [] {
        std::array<int8_t, 256> t{};
        for (auto &v : t) v = -1;
        for (int c = '0'; c <= '9'; ++c) t[size_t(c)] = int8_t(c - '0');
        for (int c = 'a'; c <= 'f'; ++c) t[size_t(c)] = int8_t(c - 'a' + 10); // upper case stays text: it reads back as written
        return t;
    }();
    static constexpr uint8_t digitAt[32] = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11, 12, 14, 15, 16, 17,
                                            19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
    if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-')
        return false;
    uint64_t parts[2] = {0, 0};
    int bad = 0;
    for (int half = 0; half < 2; ++half)
        for (int i = 0; i < 16; ++i) {
            const int v = hex[static_cast<unsigned char>(id[digitAt[half * 16 + i]])];
            bad |= v;
            parts[half] = (parts[half] << 4) | uint64_t(v & 0xF);
        }
    if (bad < 0)
        return false;
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

uint32_t OperationIds::lookup(const Key &probe, std::string_view probeText, uint64_t hash, size_t &slot) const
{
    if (m_slots.empty())
        return kNone;
    const size_t mask = m_slots.size() - 1;
    for (slot = hash & mask;; slot = (slot + 1) & mask) {
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
    return lookup(probe, id, hash(probe, id), slot);
}

uint32_t OperationIds::intern(uint16_t source, std::string_view id)
{
    Key probe;
    probe.source = source;
    parseUuid(id, probe);
    return insert(probe, id, hash(probe, id));
}

uint32_t OperationIds::internFrom(const OperationIds &other, uint32_t index, uint16_t source)
{
    Key probe = other.m_keys[index];
    probe.source = source;
    const std::string_view text = probe.uuid ? std::string_view() : other.m_text.view(probe.lo);
    return insert(probe, text, hash(probe, text));
}

std::vector<uint32_t> OperationIds::internAll(const OperationIds &other, uint16_t source)
{
    // Most are new: the table grows once, before; each probe's slot is fetched from memory a few ids ahead.
    const size_t n = other.size();
    grow(m_keys.size() + n);
    std::vector<uint64_t> hashes(n);
    for (size_t i = 0; i < n; ++i) {
        Key probe = other.m_keys[i];
        probe.source = source;
        hashes[i] = hash(probe, probe.uuid ? std::string_view() : other.m_text.view(probe.lo));
    }
    // Two loads depend on each other (the slot, then the key it names): the slot is fetched 16 ids ahead, its key 8.
    constexpr size_t kSlotAhead = 16, kKeyAhead = 8;
    const size_t mask = m_slots.size() - 1;
    std::vector<uint32_t> indexes(n);
    for (size_t i = 0; i < n; ++i) {
        if (i + kSlotAhead < n)
            __builtin_prefetch(&m_slots[hashes[i + kSlotAhead] & mask]);
        if (i + kKeyAhead < n)
            if (const uint32_t index = m_slots[hashes[i + kKeyAhead] & mask]; index != kNone)
                __builtin_prefetch(&m_keys[index]);
        Key probe = other.m_keys[i];
        probe.source = source;
        indexes[i] = insert(probe, probe.uuid ? std::string_view() : other.m_text.view(probe.lo), hashes[i]);
    }
    return indexes;
}

// `probe`'s index, added when new; `text`: a textual id's text (probe.lo is not a ref into this table's arena yet).
uint32_t OperationIds::insert(Key probe, std::string_view text, uint64_t hash)
{
    size_t slot = 0;
    if (const uint32_t found = lookup(probe, text, hash, slot); found != kNone)
        return found;
    if ((m_keys.size() + 1) * 2 > m_slots.size()) {
        grow(m_keys.size() + 1);
        lookup(probe, text, hash, slot);
    }
    if (!probe.uuid)
        probe.lo = m_text.add(text);
    const auto index = uint32_t(m_keys.size());
    m_keys.push_back(probe);
    m_slots[slot] = index;
    return index;
}

// Room for `keys` with the table at most half full.
void OperationIds::grow(size_t keys)
{
    size_t size = m_slots.empty() ? 1024 : m_slots.size();
    while (keys * 2 > size)
        size *= 2;
    if (size == m_slots.size())
        return;
    PageVector<uint32_t> slots;
    slots.resize(size, kNone);
    const size_t mask = slots.size() - 1, n = m_keys.size();
    const auto hashOf = [this](uint32_t index) {
        const Key &key = m_keys[index];
        return hash(key, key.uuid ? std::string_view() : m_text.view(key.lo));
    };
    // Each key's slot is fetched from memory 16 keys before it is written: the hashes wait in a ring.
    constexpr uint32_t kAhead = 16;
    uint64_t ring[kAhead];
    for (uint32_t index = 0; index < kAhead && index < n; ++index) {
        ring[index] = hashOf(index);
        __builtin_prefetch(&slots[ring[index] & mask], 1);
    }
    for (uint32_t index = 0; index < n; ++index) {
        size_t slot = ring[index % kAhead] & mask;
        if (index + kAhead < n) {
            ring[index % kAhead] = hashOf(index + kAhead);
            __builtin_prefetch(&slots[ring[index % kAhead] & mask], 1);
        }
        while (slots[slot] != kNone)
            slot = (slot + 1) & mask;
        slots[slot] = index;
    }
    m_slots.swap(slots);
    m_keys.reserve(keys);
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
