// The parameters texts an OplogParser found valid lately, with the origin it read in them: an operation's events
// repeat its parameters and many operations have the same ones, so the same bytes are checked once, not at every
// event (checking them again was a tenth of the parse's instructions). Same bytes, same answer: only exact copies
// are taken from here.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace oplens {

class ValidatedTexts
{
public:
    struct Entry {
        std::string text, origin;
        bool hasOrigin = false;
    };

    const Entry *find(std::string_view text) const
    {
        const Entry &entry = m_entries[slotOf(text)];
        return !text.empty() && entry.text == text ? &entry : nullptr;
    }

    void add(std::string_view text, bool hasOrigin, std::string_view origin)
    {
        if (text.size() > kMaxText)
            return;
        Entry &entry = m_entries[slotOf(text)];
        entry.text.assign(text);
        entry.hasOrigin = hasOrigin;
        entry.origin.assign(origin);
    }

private:
    static constexpr size_t kSlots = 512, kMaxText = 1024; // at most ~0.6 MB a parser
    // Every byte counts (texts often differ in one digit), eight at a time: a third of std::hash's instructions.
    static size_t slotOf(std::string_view text)
    {
        uint64_t x = text.size() * 0x9E3779B97F4A7C15ull, word = 0;
        size_t at = 0;
        for (; at + 8 <= text.size(); at += 8) {
            std::memcpy(&word, text.data() + at, 8);
            x = (x ^ word) * 0xBF58476D1CE4E5B9ull;
            x ^= x >> 31;
        }
        word = 0;
        std::memcpy(&word, text.data() + at, text.size() - at);
        x = (x ^ word) * 0x94D049BB133111EBull;
        return size_t(x ^ (x >> 29)) % kSlots;
    }
    std::array<Entry, kSlots> m_entries;
};

} // namespace oplens
