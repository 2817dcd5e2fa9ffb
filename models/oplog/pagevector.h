// A vector of plain values in a mapping of its own, for the store's columns and the operations table: it grows by
// remapping its pages (mremap: no copy, even of a 2M-row column appended a few rows to), its pages cost nothing until
// written, and freeing it gives them back at once (a parallel read's pieces leave no heap fragments behind).
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>
#include <sys/mman.h>
#include <type_traits>
#include <utility>
#include <unistd.h>

namespace oplens {

template <typename T>
class PageVector
{
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
    PageVector() = default;
    PageVector(const PageVector &other) { append(other.begin(), other.end()); }
    PageVector(PageVector &&other) noexcept { swap(other); }
    PageVector &operator=(const PageVector &other)
    {
        if (this != &other) {
            m_size = 0;
            append(other.begin(), other.end());
        }
        return *this;
    }
    PageVector &operator=(PageVector &&other) noexcept
    {
        PageVector(std::move(other)).swap(*this);
        return *this;
    }
    ~PageVector()
    {
        if (m_data)
            munmap(m_data, m_capacity * sizeof(T));
    }
    void swap(PageVector &other) noexcept
    {
        std::swap(m_data, other.m_data);
        std::swap(m_size, other.m_size);
        std::swap(m_capacity, other.m_capacity);
    }

    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    bool empty() const { return m_size == 0; }
    T *data() { return m_data; }
    const T *data() const { return m_data; }
    T *begin() { return m_data; }
    T *end() { return m_data + m_size; }
    const T *begin() const { return m_data; }
    const T *end() const { return m_data + m_size; }
    T &operator[](size_t i) { return m_data[i]; }
    const T &operator[](size_t i) const { return m_data[i]; }
    T &back() { return m_data[m_size - 1]; }
    const T &back() const { return m_data[m_size - 1]; }

    void push_back(const T &value)
    {
        if (m_size == m_capacity)
            reserve(std::max<size_t>(m_capacity * 2, 1));
        m_data[m_size++] = value;
    }
    void append(const T *first, const T *last)
    {
        const size_t n = size_t(last - first);
        if (m_size + n > m_capacity)
            reserve(std::max(m_size + n, m_capacity * 2));
        std::copy(first, last, m_data + m_size);
        m_size += n;
    }
    void resize(size_t n, const T &value = T())
    {
        if (n > m_capacity)
            reserve(std::max(n, m_capacity * 2));
        if (n > m_size)
            std::fill(m_data + m_size, m_data + n, value);
        m_size = n;
    }
    void clear() { m_size = 0; }
    // Room for `n` in all, rounded up to whole pages.
    void reserve(size_t n)
    {
        if (n <= m_capacity)
            return;
        static const size_t page = size_t(sysconf(_SC_PAGESIZE));
        const size_t bytes = (n * sizeof(T) + page - 1) / page * page;
        void *data = m_data ? mremap(m_data, m_capacity * sizeof(T), bytes, MREMAP_MAYMOVE)
                            : mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                                   -1, 0);
        if (data == MAP_FAILED)
            throw std::bad_alloc();
        m_data = static_cast<T *>(data);
        m_capacity = bytes / sizeof(T);
    }

private:
    T *m_data = nullptr;
    size_t m_size = 0;
    size_t m_capacity = 0;
};

} // namespace oplens
