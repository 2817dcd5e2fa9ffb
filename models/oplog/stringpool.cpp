#include "stringpool.h"

namespace oplens {

uint32_t StringPool::intern(std::string_view text)
{
    if (auto it = m_index.find(text); it != m_index.end())
        return it->second;
    auto it = m_index.emplace(std::string(text), uint32_t(m_strings.size())).first;
    m_strings.push_back(&it->first);
    return it->second;
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

} // namespace oplens
