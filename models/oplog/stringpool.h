// Interned strings for the few distinct modules, names, types, users, hosts and origins, and the few distinct
// combinations of them that events have (EventShape).
#pragma once

#include <QString>
#include <array>
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
    size_t approximateBytes() const;

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> m_index;
    std::vector<const std::string *> m_strings; // keys of m_index: node keys never move
    // The strings met last, by a look at a few of their bytes: six interns an event, nearly always of strings met
    // before, cost a hash of the whole text and a walk of the map's nodes without it.
    static size_t recentSlot(std::string_view text);
    std::array<uint32_t, 1024> m_recent = filledWithNone();
    static std::array<uint32_t, 1024> filledWithNone();
};

// What an event shares with many others: its interned module, name, type, requestedBy, host and origin (kNone when
// absent), source, kind and flags. A store keeps one 32-bit shape number per event instead of ~27 bytes.
struct EventShape {
    static constexpr uint8_t kStartTimeIsText = 1, kHasRestartOf = 2;
    uint32_t module = kNone, name = kNone, type = kNone, requestedBy = kNone, host = kNone, origin = kNone;
    uint16_t source = 0;
    uint8_t kind = 0;
    uint8_t flags = 0;
    bool operator==(const EventShape &) const = default;
};
static_assert(sizeof(EventShape) == 28, "no padding: shapes are hashed and compared as bytes");

// The distinct shapes, numbered densely (a few thousand in a big log).
class ShapeTable
{
public:
    uint32_t intern(const EventShape &shape);
    const EventShape &operator[](uint32_t id) const { return m_shapes[id]; }
    size_t size() const { return m_shapes.size(); }
    size_t approximateBytes() const { return m_shapes.size() * sizeof(EventShape) + m_slots.size() * sizeof(uint32_t); }

private:
    static size_t hash(const EventShape &shape);
    void rehash(size_t slots);

    std::vector<EventShape> m_shapes;
    std::vector<uint32_t> m_slots; // kNone or a shape number; size is a power of two, at most half full
    uint32_t m_last = kNone;       // consecutive events often have the same shape
};

} // namespace oplens
