// Append-only storage for the raw JSON text kept per event (parameters, other fields).
// Blocks never move, so a TextRef stays valid and the arena grows without copying.
#pragma once

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

} // namespace oplens
