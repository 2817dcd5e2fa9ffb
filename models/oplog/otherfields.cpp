#include "otherfields.h"

namespace oplens {

void OtherFields::clear()
{
    m_used = m_live = m_dropped = 0;
    if (m_indexed) {
        m_index.clear();
        m_indexed = false;
    }
}

size_t OtherFields::find(std::string_view key) const
{
    if (m_indexed) {
        const auto it = m_index.find(key);
        return it == m_index.end() ? m_used : it->second;
    }
    for (size_t i = 0; i < m_used; ++i)
        if (m_entries[i].live && m_entries[i].key == key)
            return i;
    return m_used;
}

void OtherFields::keep(std::string_view key, std::string_view raw)
{
    if (const size_t i = find(key); i < m_used) {
        m_entries[i].raw.assign(raw); // duplicate keys: the last one wins
        return;
    }
    if (m_live >= kMaxKept) {
        ++m_dropped;
        return;
    }
    append(key, raw);
}

void OtherFields::drop(std::string_view key)
{
    const size_t i = find(key);
    if (i == m_used)
        return;
    m_entries[i].live = false;
    --m_live;
    if (m_indexed)
        m_index.erase(m_index.find(key));
}

void OtherFields::append(std::string_view key, std::string_view raw)
{
    // Keys dropped and kept again, over and over, would leave dead entries without end: squeeze them out.
    if (m_used >= 2 * kMaxKept)
        compact();
    if (m_used == m_entries.size())
        m_entries.emplace_back();
    Entry &e = m_entries[m_used];
    e.key.assign(key);
    e.raw.assign(raw);
    e.live = true;
    if (m_indexed)
        m_index.emplace(e.key, m_used);
    ++m_used;
    ++m_live;
    if (!m_indexed && m_used > kLinearSearch) {
        for (size_t i = 0; i < m_used; ++i)
            if (m_entries[i].live)
                m_index.emplace(m_entries[i].key, i);
        m_indexed = true;
    }
}

void OtherFields::compact()
{
    size_t kept = 0;
    for (size_t i = 0; i < m_used; ++i)
        if (m_entries[i].live)
            std::swap(m_entries[kept++], m_entries[i]);
    m_used = kept;
    if (m_indexed) {
        m_index.clear();
        for (size_t i = 0; i < m_used; ++i)
            m_index.emplace(m_entries[i].key, i);
    }
}

} // namespace oplens
