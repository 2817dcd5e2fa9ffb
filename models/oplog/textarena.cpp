#include "textarena.h"

#include <algorithm>
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

uint32_t TextTable::find(const TextArena &arena, std::string_view text, size_t hash, size_t &slot) const
{
    const size_t mask = m_slots.size() - 1;
    for (slot = hash & mask;; slot = (slot + 1) & mask) {
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
    if (m_refs.size() * 2 > m_slots.size()) // at most half full
        rehash(arena, m_slots.size() * 2);
    return index;
}

void TextTable::rehash(const TextArena &arena, size_t size)
{
    PageVector<uint32_t> slots;
    slots.resize(size, 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t i = 1; i <= m_refs.size(); ++i) {
        size_t s = hashText(arena.view(m_refs[i - 1])) & mask;
        while (slots[s] != 0)
            s = (s + 1) & mask;
        slots[s] = i;
    }
    m_slots.swap(slots);
}

std::vector<uint32_t> TextTable::internAllStored(const TextArena &arena, const TextTable &other, TextRef shift)
{
    const size_t n = other.m_refs.size();
    size_t size = std::max<size_t>(m_slots.size(), 64);
    while ((m_refs.size() + n + 1) * 2 > size)
        size *= 2;
    if (size != m_slots.size())
        rehash(arena, size); // no growth below: the slots' places hold
    const size_t mask = m_slots.size() - 1;
    std::vector<size_t> hashes(n);
    for (size_t i = 0; i < n; ++i)
        hashes[i] = hashText(arena.view(TextArena::shifted(other.m_refs[i], shift)));
    // Three loads depend on each other (a slot, the ref it names, its text): fetched 24, 16 and 8 texts ahead.
    std::vector<uint32_t> numbers(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
        if (i + 24 < n)
            __builtin_prefetch(&m_slots[hashes[i + 24] & mask]);
        if (i + 16 < n)
            if (const uint32_t index = m_slots[hashes[i + 16] & mask]; index != 0)
                __builtin_prefetch(&m_refs[index - 1]);
        if (i + 8 < n)
            if (const uint32_t index = m_slots[hashes[i + 8] & mask]; index != 0)
                __builtin_prefetch(arena.view(m_refs[index - 1]).data());
        const TextRef ref = TextArena::shifted(other.m_refs[i], shift);
        size_t slot = 0;
        const uint32_t found = find(arena, arena.view(ref), hashes[i], slot);
        numbers[i + 1] = found != 0 ? found : add(arena, ref, slot);
    }
    return numbers;
}

uint32_t TextTable::intern(TextArena &arena, std::string_view text)
{
    if (text.empty())
        return 0;
    if (m_slots.empty())
        m_slots.resize(64, 0);
    size_t slot = 0;
    if (const uint32_t found = find(arena, text, hashText(text), slot); found != 0)
        return found;
    return add(arena, arena.add(text), slot);
}

size_t TextTable::textBytes() const
{
    size_t bytes = 0;
    for (const TextRef ref : m_refs)
        bytes += ref & TextArena::kMaxLength;
    return bytes;
}

} // namespace oplens
