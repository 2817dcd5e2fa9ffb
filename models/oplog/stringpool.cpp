#include "stringpool.h"

#include <algorithm>
#include <cstring>

namespace oplens {

std::array<uint32_t, 1024> StringPool::filledWithNone()
{
    std::array<uint32_t, 1024> slots;
    slots.fill(kNone);
    return slots;
}

size_t StringPool::recentSlot(std::string_view text)
{
    uint64_t head = 0, tail = 0;
    std::memcpy(&head, text.data(), std::min<size_t>(8, text.size()));
    if (text.size() > 8)
        std::memcpy(&tail, text.data() + text.size() - 8, 8);
    const uint64_t x = (head * 0x9E3779B97F4A7C15ull) ^ ((tail + text.size()) * 0xC2B2AE3D27D4EB4Full);
    return size_t((x ^ (x >> 29)) * 0xBF58476D1CE4E5B9ull >> 54);
}

uint32_t StringPool::intern(std::string_view text)
{
    uint32_t &recent = m_recent[recentSlot(text)];
    if (recent != kNone && *m_strings[recent] == text)
        return recent;
    if (auto it = m_index.find(text); it != m_index.end())
        return recent = it->second;
    auto it = m_index.emplace(std::string(text), uint32_t(m_strings.size())).first;
    m_strings.push_back(&it->first);
    return recent = it->second;
}

uint32_t StringPool::find(std::string_view text) const
{
    auto it = m_index.find(text);
    return it == m_index.end() ? kNone : it->second;
}

QString StringPool::text(uint32_t id) const
{
    const std::string_view v = view(id);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

size_t StringPool::approximateBytes() const
{
    size_t bytes = m_strings.size() * (sizeof(void *) + 64) + m_index.bucket_count() * sizeof(void *);
    for (const std::string *s : m_strings)
        bytes += s->capacity() > 15 ? s->capacity() + 1 : 0;
    return bytes;
}

size_t ShapeTable::hash(const EventShape &shape)
{
    uint64_t words[4] = {0, 0, 0, 0};
    std::memcpy(words, &shape, sizeof shape);
    uint64_t h = 0;
    for (const uint64_t w : words)
        h = (h ^ w) * 0x9E3779B97F4A7C15ull, h ^= h >> 29;
    return size_t(h ^ (h >> 32));
}

void ShapeTable::rehash(size_t slots)
{
    m_slots.assign(slots, kNone);
    for (uint32_t id = 0; id < m_shapes.size(); ++id) {
        size_t i = hash(m_shapes[id]) & (slots - 1);
        while (m_slots[i] != kNone)
            i = (i + 1) & (slots - 1);
        m_slots[i] = id;
    }
}

uint32_t ShapeTable::intern(const EventShape &shape)
{
    if (m_last != kNone && m_shapes[m_last] == shape)
        return m_last;
    if (m_slots.empty())
        m_slots.assign(64, kNone);
    const size_t mask = m_slots.size() - 1;
    size_t i = hash(shape) & mask;
    for (; m_slots[i] != kNone; i = (i + 1) & mask)
        if (m_shapes[m_slots[i]] == shape)
            return m_last = m_slots[i];
    m_slots[i] = m_last = uint32_t(m_shapes.size());
    m_shapes.push_back(shape);
    if (m_shapes.size() * 2 > m_slots.size())
        rehash(m_slots.size() * 2);
    return m_last;
}

} // namespace oplens
