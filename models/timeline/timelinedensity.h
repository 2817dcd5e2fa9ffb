// The timeline zoomed out: per lane and pixel column, how many bars cover the column, the status most of them have, and
// the most urgent status among them. Computed in a worker for one range and width; the painter draws it instead of
// bars that would not be seen.
#pragma once

#include "timelinelayout.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace oplens {

// Most urgent last. A column is drawn in the colour most of its runs have, with a strip of the most urgent one's when
// that calls for the admin (Aborted and up) and is another.
enum class DensityClass : uint8_t { None, Unknown, Finished, Queued, Running, Aborted, Stale, Failed, Interrupted, Count };
DensityClass densityClassOf(Status status, bool stale);

struct TimelineDensity {
    int64_t from = 0, to = 0; // the range binned
    int columns = 0;
    uint32_t lanes = 0;
    std::vector<uint32_t> counts;      // lanes x columns, lane-major
    std::vector<DensityClass> urgent;  // lanes x columns: the most urgent class present
    std::vector<DensityClass> common;  // lanes x columns: the class most bars have (a tie: the more urgent)
    uint32_t maxCount = 0;
    bool valid() const { return columns > 0; }
    uint32_t count(uint32_t lane, int column) const { return counts[size_t(lane) * size_t(columns) + size_t(column)]; }
    DensityClass urgentAt(uint32_t lane, int column) const { return urgent[size_t(lane) * size_t(columns) + size_t(column)]; }
    DensityClass commonAt(uint32_t lane, int column) const { return common[size_t(lane) * size_t(columns) + size_t(column)]; }
};

// Bins every bar of `layout` that overlaps [from, to) into `columns` equal columns (a bar counts in every column it
// touches, a zero-length one in the column of its time). Invalid (no columns) when `cancel` was set meanwhile.
TimelineDensity binTimeline(const TimelineLayout &layout, int64_t from, int64_t to, int columns,
                            const std::atomic_bool *cancel = nullptr);

} // namespace oplens
