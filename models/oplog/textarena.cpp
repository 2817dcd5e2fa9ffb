#include "textarena.h"

#include <cstring>
#include <functional>
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

TextRef TextArena::adopt(TextArena &&other)
{
    if (other.m_blocks.empty())
        return 0;
    if ((m_blocks.size() + other.m_blocks.size()) * kBlockSize >= (uint64_t(1) << 40))
        throw std::length_error("text arena beyond 1 TiB");
    const TextRef shift = TextRef(m_blocks.size() * kBlockSize) << 24;
    for (auto &block : other.m_blocks)
        m_blocks.push_back(std::move(block));
    m_used = other.m_used;
    other.m_blocks.clear();
    other.m_used = kBlockSize;
    return shift;
}

namespace {
size_t hashText(std::string_view text) { return std::hash<std::string_view>()(text); }
} // namespace

uint32_t TextTable::find(const TextArena &arena, std::string_view text, size_t &slot) const
{
    const size_t mask = m_slots.size() - 1;
    for (slot = hashText(text) & mask;; slot = (slot + 1) & mask) {
        const uint32_t index = m_slots[slot];
        if (index == 0 || arena.view(m_refs[index - 1]) == text)
            return index;
    }
}

uint32_t TextTable::add(const TextArena &arena, TextRef ref, size_t slot)
{
    m_refs.push_back(ref);
    const auto index = uint32_t(m_refs.size());
    m_slots[slot] = index;
    if (m_refs.size() * 2 > m_slots.size()) { // rehash at half full
        PageVector<uint32_t> slots;
        slots.resize(m_slots.size() * 2, 0);
        const size_t mask = slots.size() - 1;
        for (uint32_t i = 1; i <= m_refs.size(); ++i) {
            size_t s = hashText(arena.view(m_refs[i - 1])) & mask;
            while (slots[s] != 0)
                s = (s + 1) & mask;
            slots[s] = i;
        }
        m_slots.swap(slots);
    }
    return index;
}

uint32_t TextTable::intern(TextArena &arena, std::string_view text)
{
    if (text.empty())
        return 0;
    if (m_slots.empty())
        m_slots.resize(64, 0);
    size_t slot = 0;
    if (const uint32_t found = find(arena, text, slot); found != 0)
        return found;
    return add(arena, arena.add(text), slot);
}

uint32_t TextTable::internStored(const TextArena &arena, TextRef ref)
{
    if (ref == 0)
        return 0;
    if (m_slots.empty())
        m_slots.resize(64, 0);
    size_t slot = 0;
    if (const uint32_t found = find(arena, arena.view(ref), slot); found != 0)
        return found;
    return add(arena, ref, slot);
}

size_t TextTable::textBytes() const
{
    size_t bytes = 0;
    for (const TextRef ref : m_refs)
        bytes += ref & TextArena::kMaxLength;
    return bytes;
}

} // namespace oplens
