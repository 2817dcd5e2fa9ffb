// The fields of one event that have no column of their own (docs/oplog.md section 2), as the parser meets them:
// in file order, each key once (the last value wins). Finding a key takes constant time however many an event has,
// and at most kMaxKept are kept: a line of 200,000 distinct keys is read in linear time (section 5).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace oplens {

class OtherFields
{
public:
    static constexpr size_t kMaxKept = 1000;

    void clear();
    // Keeps `raw` for `key`: replaces the value of a key kept already, adds a new key while fewer than kMaxKept are.
    void keep(std::string_view key, std::string_view raw);
    void drop(std::string_view key); // the key got its own column after all
    size_t droppedKeys() const { return m_dropped; } // new keys not kept: past kMaxKept

    template <typename F>
    void forEach(F &&f) const // f(key, raw) in file order
    {
        for (size_t i = 0; i < m_used; ++i)
            if (m_entries[i].live)
                f(std::string_view(m_entries[i].key), std::string_view(m_entries[i].raw));
    }

private:
    struct Entry {
        std::string key, raw;
        bool live = false;
    };
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    // Few keys are searched in a row; the index is built only past this many entries.
    static constexpr size_t kLinearSearch = 16;

    size_t find(std::string_view key) const; // the live entry's index, or m_used
    void append(std::string_view key, std::string_view raw);
    void compact();

    std::vector<Entry> m_entries; // reused from event to event: their strings keep their capacity
    size_t m_used = 0;            // entries of this event, dropped ones included
    size_t m_live = 0;
    size_t m_dropped = 0;
    bool m_indexed = false;
    std::unordered_map<std::string, size_t, Hash, std::equal_to<>> m_index; // live keys, once m_indexed
};

} // namespace oplens
