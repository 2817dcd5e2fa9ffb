#include "textrank.h"

#include "parallelparts.h"
#include "radixsort.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace oplens::textrank {

namespace {

using radix::KeyedItem;

// A text being sorted: where it is (no trip through the list of texts for each look) and its key at some depth.
struct TextItem {
    uint64_t key;
    const char *data;
    uint32_t size;
    uint32_t item; // index in the list of texts
    uint32_t tail; // how many bytes of the key are the text's own
};

// The 8 bytes of `text` from `depth`, big-endian (so that integers order like the bytes), zeros past its end; `rest`:
// how many of them are the text's own (8 when it may go on).
uint64_t pieceAt(const TextItem &text, size_t depth, uint32_t &rest)
{
    const size_t left = depth < text.size ? text.size - depth : 0;
    rest = uint32_t(std::min<size_t>(left, 8));
    if (left >= 8) {
        uint64_t word;
        std::memcpy(&word, text.data + depth, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        word = __builtin_bswap64(word); // the first byte most significant
#endif
        return word;
    }
    uint64_t key = 0;
    for (size_t i = 0; i < 8; ++i)
        key = key << 8 | (i < left ? static_cast<unsigned char>(text.data[depth + i]) : 0u);
    return key;
}

constexpr size_t kWindow = 2; // pieces read from a text at each visit

// Sets each item's key (and tail) to its piece at the first depth, from `depth` on in steps of 8, where the items'
// pieces are not all the same and going on; returns that depth. Long shared beginnings ("{\"origin\":\"Cron\",...")
// are stepped over without sorting.
size_t keyAtFirstDifference(std::vector<TextItem> &part, size_t depth, std::vector<uint64_t> &window,
                            std::vector<uint32_t> &rests)
{
    const size_t n = part.size();
    window.resize(n * kWindow);
    rests.resize(n * kWindow);
    for (;;) {
        size_t common = kWindow; // leading pieces the same in every item so far, and going on
        for (size_t i = 0; i < n; ++i) {
            if (i + 16 < n)
                __builtin_prefetch(part[i + 16].data + depth);
            uint64_t *pieces = window.data() + i * kWindow;
            uint32_t *rest = rests.data() + i * kWindow;
            for (size_t k = 0; k < kWindow; ++k)
                pieces[k] = pieceAt(part[i], depth + 8 * k, rest[k]);
            for (size_t k = 0; k < common; ++k) {
                if (i == 0 ? rest[k] < 8 : (pieces[k] != window[k] || rest[k] != rests[k])) {
                    common = k;
                    break;
                }
            }
        }
        if (common < kWindow) {
            for (size_t i = 0; i < n; ++i)
                part[i].key = window[i * kWindow + common], part[i].tail = rests[i * kWindow + common];
            return depth + 8 * common;
        }
        depth += 8 * kWindow;
    }
}

struct Range {
    size_t begin, end, depth; // items[begin, end) are equal in their first `depth` bytes
    size_t size() const { return end - begin; }
};

// The scratch space of one thread.
struct Scratch {
    std::vector<TextItem> part;
    std::vector<KeyedItem> keyed;
    std::vector<uint64_t> window;
    std::vector<uint32_t> rests;
};

bool pieceLess(const TextItem &a, const TextItem &b) { return a.key != b.key ? a.key < b.key : a.tail < b.tail; }

// Writes `part` sorted by its pieces to `out`. Counting passes pay for their tables of counts only on many items, and
// move 16-byte keys, not the texts' items; the order among equal pieces is free.
void sortByPiece(std::vector<TextItem> &part, std::vector<TextItem>::iterator out, std::vector<KeyedItem> &keyed)
{
    if (part.size() >= 65536) {
        keyed.resize(part.size());
        for (size_t i = 0; i < part.size(); ++i)
            keyed[i] = {part[i].key, uint32_t(i), part[i].tail};
        radix::sortStable(keyed);
        for (size_t i = 0; i < part.size(); ++i)
            *out++ = part[keyed[i].item];
    } else {
        std::sort(part.begin(), part.end(), pieceLess);
        std::copy(part.begin(), part.end(), out);
    }
}

// After a range was sorted by its pieces at `depth`: marks in `starts` where a new text begins, and adds to `todo` the
// runs still equal that go on (sorted one piece deeper later: a list, not recursion, as a text may be megabytes). A
// piece shorter than 8 bytes ends its texts: those equal in it are equal.
void markRuns(const std::vector<TextItem> &items, const Range r, size_t depth, std::vector<char> &starts,
              std::vector<Range> &todo)
{
    size_t runStart = r.begin;
    for (size_t i = r.begin + 1; i <= r.end; ++i) {
        if (i < r.end && items[i].key == items[i - 1].key && items[i].tail == items[i - 1].tail)
            continue;
        if (i < r.end)
            starts[i] = 1;
        if (i - runStart > 1 && items[runStart].tail == 8)
            todo.push_back({runStart, i, depth + 8});
        runStart = i;
    }
}

// Sorts a range by what follows its equal beginning (see markRuns).
void refine(std::vector<TextItem> &items, const Range r, std::vector<char> &starts, std::vector<Range> &todo,
            Scratch &scratch)
{
    const auto at = [&](size_t i) { return items.begin() + ptrdiff_t(i); };
    if (r.size() <= 16) { // a few texts: compare what is left of them
        const auto suffix = [&](const TextItem &i) {
            return i.size > r.depth ? std::string_view(i.data + r.depth, i.size - r.depth) : std::string_view();
        };
        std::sort(at(r.begin), at(r.end), [&](const TextItem &a, const TextItem &b) { return suffix(a) < suffix(b); });
        for (size_t i = r.begin + 1; i < r.end; ++i)
            starts[i] = suffix(items[i - 1]) != suffix(items[i]);
        return;
    }
    std::vector<TextItem> &part = scratch.part;
    part.assign(at(r.begin), at(r.end));
    const size_t depth = keyAtFirstDifference(part, r.depth, scratch.window, scratch.rests);
    sortByPiece(part, at(r.begin), scratch.keyed);
    markRuns(items, r, depth, starts, todo);
}

// Sorts every range of `todo` and what it leads to. The biggest ranges are refined here first until none holds more
// than a quarter of the texts; the rest are dealt out to one part per core, balanced by size (parts touch disjoint
// items and `starts`).
void sortAll(std::vector<TextItem> &items, std::vector<char> &starts, std::vector<Range> todo)
{
    Scratch scratch;
    const auto bySize = [](const Range &a, const Range &b) { return a.size() < b.size(); };
    while (!todo.empty()) {
        const auto biggest = std::max_element(todo.begin(), todo.end(), bySize);
        if (biggest->size() <= items.size() / 4 && todo.size() > 1)
            break;
        const Range r = *biggest;
        todo.erase(biggest);
        refine(items, r, starts, todo, scratch);
    }
    const size_t parts = std::min(parallel::partCount(items.size()), std::max<size_t>(1, todo.size()));
    std::vector<std::vector<Range>> dealt(parts);
    std::vector<size_t> load(parts, 0);
    std::sort(todo.begin(), todo.end(), [&](const Range &a, const Range &b) { return bySize(b, a); });
    for (const Range &r : todo) {
        const size_t lightest = size_t(std::min_element(load.begin(), load.end()) - load.begin());
        dealt[lightest].push_back(r);
        load[lightest] += r.size();
    }
    parallel::forEachPart(parts, parts, [&](size_t p, size_t, size_t) {
        std::vector<Range> &mine = dealt[p];
        Scratch own;
        while (!mine.empty()) {
            const Range r = mine.back();
            mine.pop_back();
            refine(items, r, starts, mine, own);
        }
    });
}

} // namespace

std::vector<uint32_t> rankTexts(const std::vector<std::string_view> &texts)
{
    const size_t n = texts.size();
    std::vector<TextItem> items(n);
    for (size_t i = 0; i < n; ++i)
        items[i] = {0, texts[i].data(), uint32_t(std::min<size_t>(texts[i].size(), UINT32_MAX)), uint32_t(i), 0};
    std::vector<char> starts(n, 0); // by sorted position: a text unlike the one before
    if (n > 0)
        sortAll(items, starts, {Range{0, n, 0}});
    std::vector<uint32_t> rank(n);
    uint32_t current = 0;
    for (size_t i = 0; i < n; ++i) {
        current += i > 0 && starts[i];
        rank[items[i].item] = current;
    }
    return rank;
}

} // namespace oplens::textrank
