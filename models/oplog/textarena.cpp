#include "textarena.h"

#include <cstring>
#include <stdexcept>

namespace oplens {

TextRef TextArena::add(std::string_view text)
{
    if (text.empty())
        return 0;
    if (text.size() > kMaxLength)
        throw std::length_error("text longer than 16 MiB");
    if (m_used + text.size() > kBlockSize) {
        m_blocks.emplace_back(new char[kBlockSize]); // left uninitialised: untouched pages cost no memory
        m_used = m_blocks.size() == 1 ? 1 : 0; // offset 0 of block 0 would read as the empty ref
    }
    const uint64_t offset = uint64_t(m_blocks.size() - 1) * kBlockSize + m_used;
    std::memcpy(m_blocks.back().get() + m_used, text.data(), text.size());
    m_used += text.size();
    return (offset << 24) | text.size();
}

std::string_view TextArena::view(TextRef ref) const
{
    if (ref == 0)
        return {};
    const uint64_t offset = ref >> 24;
    const size_t length = ref & kMaxLength;
    return {m_blocks[offset / kBlockSize].get() + offset % kBlockSize, length};
}

} // namespace oplens
