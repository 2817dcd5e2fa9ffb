// Interned strings for the few distinct modules, names, types, users, hosts and origins.
#pragma once

#include <QString>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace oplens {

constexpr uint32_t kNone = 0xFFFFFFFFu;

class StringPool
{
public:
    uint32_t intern(std::string_view text);
    uint32_t find(std::string_view text) const; // kNone when absent
    std::string_view view(uint32_t id) const { return id == kNone ? std::string_view() : *m_strings[id]; }
    QString text(uint32_t id) const;
    size_t size() const { return m_strings.size(); }

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> m_index;
    std::vector<const std::string *> m_strings; // keys of m_index: node keys never move
};

} // namespace oplens
