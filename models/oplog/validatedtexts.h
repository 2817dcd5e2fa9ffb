// The parameters texts an OplogParser found valid lately, with the origin it read in them: an operation's events
// repeat its parameters and many operations have the same ones, so the same bytes are checked once, not at every
// event (checking them again was a tenth of the parse's instructions). Same bytes, same answer: only exact copies
// are taken from here.
#pragma once

#include <array>
#include <functional>
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
    static size_t slotOf(std::string_view text) { return std::hash<std::string_view>()(text) % kSlots; }
    std::array<Entry, kSlots> m_entries;
};

} // namespace oplens
