// Append-only storage for the raw JSON text kept per event (parameters, other fields).
// Blocks never move, so a TextRef stays valid and the arena grows without copying.
#pragma once

#include "pagevector.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace oplens {

// Packed reference: 40-bit offset, 24-bit length. 0 is the empty text.
using TextRef = uint64_t;

class TextArena
{
public:
    static constexpr size_t kMaxLength = (size_t(1) << 24) - 1;

    TextRef add(std::string_view text);
    std::string_view view(TextRef ref) const;
    size_t bytesUsed() const { return m_blocks.size() * kBlockSize; }
    // Bytes of text in it (and those left unused at the end of blocks that it adopted).
    size_t textBytes() const { return m_blocks.empty() ? 0 : (m_blocks.size() - 1) * kBlockSize + m_used; }
    // Takes the blocks of `other` (emptied) without copying their text: its refs plus the returned shift are valid here.
    // What was left of this arena's last block stays unused (address space only: its pages were never touched), so a
    // small arena's text is better copied: 40-bit offsets are 32768 blocks.
    TextRef adopt(TextArena &&other);
    static TextRef shifted(TextRef ref, TextRef shift) { return ref == 0 ? 0 : ref + shift; }

private:
    static constexpr size_t kBlockSize = size_t(32) << 20;
    // Blocks are mapped, not allocated: their pages cost nothing until written, and a sanitizer's allocator does not
    // poison 32 MiB of shadow for each (a store of three events would otherwise cost as much as a full one).
    struct Unmap {
        void operator()(char *block) const;
    };
    std::vector<std::unique_ptr<char, Unmap>> m_blocks;
    size_t m_used = kBlockSize; // bytes used in the last block; full when there is none
};

// Distinct texts, each stored once in an arena and numbered densely; 0 is the empty text. Many operations share
// their parameters (the same job run every night): each distinct text costs its bytes once.
class TextTable
{
public:
    uint32_t intern(TextArena &arena, std::string_view text);
    // The same for every text of `other` whose blocks `arena` adopted with `shift` (its refs are kept, no bytes are
    // copied): the number here of each, 0 for other's 0.
    std::vector<uint32_t> internAllStored(const TextArena &arena, const TextTable &other, TextRef shift);
    TextRef ref(uint32_t index) const { return index == 0 ? 0 : m_refs[index - 1]; }
    size_t size() const { return m_refs.size() + 1; }
    size_t bytesUsed() const { return m_refs.size() * sizeof(TextRef) + m_slots.size() * sizeof(uint32_t); }
    size_t textBytes() const;

private:
    uint32_t find(const TextArena &arena, std::string_view text, size_t hash, size_t &slot) const;
    uint32_t add(const TextArena &arena, TextRef ref, size_t slot);
    void rehash(const TextArena &arena, size_t slots);

    PageVector<TextRef> m_refs;   // of texts 1..n
    PageVector<uint32_t> m_slots; // 0 or a text number; size is a power of two, at most half full
};

} // namespace oplens
