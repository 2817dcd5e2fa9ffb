// Work over [0, count) split into contiguous parts, one per core (internal to models/view): each part runs on its own
// thread (the first on the caller's) and keeps its own results, which the caller joins in part order, so the result
// is the one a single loop gives.
#pragma once

#include <algorithm>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace oplens::parallel {

// Below this many items a part is not worth a thread.
inline constexpr size_t kMinPerPart = size_t(1) << 15;

inline size_t partCount(size_t count)
{
    const size_t cores = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    return std::max<size_t>(1, std::min(cores, count / kMinPerPart));
}

// Calls run(part, begin, end) for each part; returns when all are done. A thread that cannot be started leaves its
// part to the caller's thread.
template <typename Run>
void forEachPart(size_t count, size_t parts, Run run)
{
    const auto bounds = [&](size_t part) { return count * part / parts; };
    std::vector<std::thread> threads;
    std::vector<size_t> leftOver;
    for (size_t part = 1; part < parts; ++part) {
        try {
            threads.emplace_back([&run, part, b = bounds(part), e = bounds(part + 1)] { run(part, b, e); });
        } catch (const std::system_error &) {
            leftOver.push_back(part);
        }
    }
    const auto joinAll = [&] {
        for (std::thread &t : threads)
            t.join();
    };
    try {
        run(size_t(0), bounds(0), bounds(1));
        for (const size_t part : leftOver)
            run(part, bounds(part), bounds(part + 1));
    } catch (...) { // (no allocation left, say): the other parts still use what this frame holds
        joinAll();
        throw;
    }
    joinAll();
}

} // namespace oplens::parallel
