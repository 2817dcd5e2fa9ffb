// The operation ids of all sources, interned: each distinct (source, operationId) gets a dense index.
// UUIDs are kept as 16 bytes; any other id as text. An open-addressing table maps ids to indexes.
#pragma once

#include "pagevector.h"
#include "textarena.h"

#include <QString>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace oplens {

class OperationIds
{
public:
    uint32_t intern(uint16_t source, std::string_view id);
    uint32_t find(uint16_t source, std::string_view id) const; // kNone when absent
    // Interns `other`'s id `index` as an id of `source`: a UUID by its 16 bytes, without making its text.
    uint32_t internFrom(const OperationIds &other, uint32_t index, uint16_t source);
    // The same for every id of `other`, in its order: its index here for each.
    std::vector<uint32_t> internAll(const OperationIds &other, uint16_t source);
    std::string text(uint32_t index) const;
    QString qtext(uint32_t index) const { return QString::fromStdString(text(index)); }
    uint16_t source(uint32_t index) const { return m_keys[index].source; }
    bool isUuid(uint32_t index) const { return m_keys[index].uuid; }
    // A UUID's 16 bytes as two big-endian halves: lower-case hex text sorts like (high, low). Only when isUuid().
    uint64_t uuidHigh(uint32_t index) const { return m_keys[index].hi; }
    uint64_t uuidLow(uint32_t index) const { return m_keys[index].lo; }
    // Orders ids as their text would sort, without building the text for two UUIDs.
    int compare(uint32_t a, uint32_t b) const;
    size_t size() const { return m_keys.size(); }
    size_t keyBytes() const { return m_keys.size() * sizeof(Key); }
    size_t tableBytes() const { return m_slots.size() * sizeof(uint32_t); }

private:
    // 20 bytes, not 24: 800k of them for 2M events.
    struct __attribute__((packed, aligned(4))) Key {
        uint64_t hi = 0, lo = 0; // the UUID's bytes, or lo = TextRef of a textual id
        uint16_t source = 0;
        bool uuid = false;
    };
    static bool parseUuid(std::string_view id, Key &key);
    static uint64_t hash(const Key &key, std::string_view text);
    bool equal(const Key &stored, const Key &probe, std::string_view probeText) const;
    uint32_t lookup(const Key &probe, std::string_view probeText, uint64_t hash, size_t &slot) const;
    void grow(size_t keys);
    uint32_t insert(Key probe, std::string_view text, uint64_t hash);

    PageVector<Key> m_keys;
    PageVector<uint32_t> m_slots; // kNone or an index into m_keys; size is a power of two
    TextArena m_text;
};

} // namespace oplens
