#include "textarena.h"

#include <cstring>
#include <new>
#include <stdexcept>
#include <sys/mman.h>

namespace oplens {

void TextArena::Unmap::operator()(char *block) const { munmap(block, kBlockSize); }

TextRef TextArena::add(std::string_view text)
{
    if (text.empty())
        return 0;
    if (text.size() > kMaxLength)
        throw std::length_error("text longer than 16 MiB");
    if (m_used + text.size() > kBlockSize) {
        void *block = mmap(nullptr, kBlockSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (block == MAP_FAILED)
            throw std::bad_alloc();
        m_blocks.emplace_back(static_cast<char *>(block));
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
