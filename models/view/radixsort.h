// Sorting integers keyed items in linear time (internal to models/view): the sorts of 2M events compare no texts
// and call no comparator, they move 16-byte items through a few counting passes.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace oplens::radix {

struct KeyedItem {
    uint64_t key;
    uint32_t item;
    uint32_t tail; // a second key, after `key` (a text's length left in its last piece); 0 when unused
};

// An int64 as a uint64 of the same order.
inline uint64_t ordered(int64_t value) { return uint64_t(value) ^ (uint64_t(1) << 63); }

// Sorts by (key, tail), stable: items of equal keys keep their order. Least significant digit first, 11 bits at a
// time (the tail, below 256, is a digit of its own); a digit that is the same in every item costs no pass (rank keys
// of a few hundred values take one), and items already in order cost one look.
// `Item`: KeyedItem, or any type with the same `key` and `tail`.
template <typename Item>
void sortStable(std::vector<Item> &items)
{
    const size_t n = items.size();
    const auto less = [](const Item &a, const Item &b) {
        return a.key != b.key ? a.key < b.key : a.tail < b.tail;
    };
    if (n < 2 || std::is_sorted(items.begin(), items.end(), less))
        return;
    if (n <= 512) { // counting passes (tables of 2048 counts) cost more than they save
        std::stable_sort(items.begin(), items.end(), less);
        return;
    }
    constexpr int kBits = 11; // 6 digits of 11 bits cover 64
    constexpr size_t kBuckets = size_t(1) << kBits;
    uint64_t lowest = items[0].key, highest = items[0].key;
    uint32_t tails = 0;
    for (const Item &i : items) {
        lowest = std::min(lowest, i.key);
        highest = std::max(highest, i.key);
        tails |= i.tail;
    }
    int keyDigits = 0; // the digits the keys' span needs
    for (uint64_t span = highest - lowest; span != 0; span >>= kBits)
        ++keyDigits;
    // Digit 0 is the tail, digits 1..6 the key's bits above its lowest value.
    std::vector<uint32_t> counts(size_t(keyDigits + 1) * kBuckets, 0);
    for (const Item &i : items) {
        ++counts[i.tail & 0xFF];
        const uint64_t k = i.key - lowest;
        for (int d = 0; d < keyDigits; ++d)
            ++counts[size_t(d + 1) * kBuckets + size_t((k >> (kBits * d)) & (kBuckets - 1))];
    }
    std::vector<Item> other(n);
    for (int d = tails == 0 ? 1 : 0; d <= keyDigits; ++d) {
        uint32_t *count = counts.data() + size_t(d) * kBuckets;
        if (std::find(count, count + kBuckets, uint32_t(n)) != count + kBuckets)
            continue; // every item has the same digit here
        uint32_t sum = 0;
        for (size_t b = 0; b < kBuckets; ++b) {
            const uint32_t here = count[b];
            count[b] = sum;
            sum += here;
        }
        if (d == 0) {
            for (const Item &i : items)
                other[count[i.tail & 0xFF]++] = i;
        } else {
            const int shift = kBits * (d - 1);
            for (const Item &i : items)
                other[count[((i.key - lowest) >> shift) & (kBuckets - 1)]++] = i;
        }
        items.swap(other);
    }
}

} // namespace oplens::radix
