#include "timelinedensity.h"

#include <algorithm>

namespace oplens {

DensityClass densityClassOf(Status status, bool stale)
{
    if (stale)
        return DensityClass::Stale;
    switch (status) {
    case Status::Queued: return DensityClass::Queued;
    case Status::Running: return DensityClass::Running;
    case Status::Finished: return DensityClass::Finished;
    case Status::Failed: return DensityClass::Failed;
    case Status::Aborted: return DensityClass::Aborted;
    case Status::Interrupted: return DensityClass::Interrupted;
    case Status::Unknown: break;
    }
    return DensityClass::Unknown;
}

namespace {

constexpr size_t kClasses = size_t(DensityClass::Count);

// The column of `time`, clamped to the range's columns.
int columnOf(int64_t time, int64_t from, int64_t span, int columns)
{
    if (time <= from)
        return 0;
    const int64_t offset = time - from;
    const int64_t column = offset >= span ? columns - 1 : int64_t(double(offset) * columns / double(span));
    return int(std::clamp<int64_t>(column, 0, columns - 1));
}

} // namespace

// Each bar adds one to its first column and takes it back after its last (per lane and class); a running sum per
// lane then gives every column's count: the work grows with the bars shown plus the columns, not their product.
TimelineDensity binTimeline(const TimelineLayout &layout, int64_t from, int64_t to, int columns,
                            const std::atomic_bool *cancel)
{
    TimelineDensity density;
    if (columns <= 0 || to <= from)
        return density;
    const uint32_t lanes = uint32_t(layout.lanes().size());
    const size_t cells = size_t(lanes) * size_t(columns);
    const size_t stride = size_t(columns) + 1;
    std::vector<int32_t> steps(size_t(lanes) * kClasses * stride, 0); // lane, class, column
    const int64_t span = to - from;
    const auto &bars = layout.bars();
    std::vector<uint32_t> inRange;
    for (uint32_t row = 0; row < layout.rowCount(); ++row) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return {};
        inRange.clear();
        layout.barsIn(row, from, to, inRange);
        for (const uint32_t i : inRange) {
            const TimelineBar &bar = bars[i];
            const size_t base = (size_t(bar.lane) * kClasses + size_t(densityClassOf(bar.status, bar.stale))) * stride;
            ++steps[base + size_t(columnOf(bar.start, from, span, columns))];
            --steps[base + size_t(columnOf(bar.end, from, span, columns)) + 1];
        }
    }
    density.from = from;
    density.to = to;
    density.columns = columns;
    density.lanes = lanes;
    density.counts.assign(cells, 0);
    density.urgent.assign(cells, DensityClass::None);
    density.common.assign(cells, DensityClass::None);
    std::vector<uint32_t> commonCount(cells, 0);
    for (uint32_t lane = 0; lane < lanes; ++lane)
        for (size_t c = 1; c < kClasses; ++c) {
            const int32_t *step = &steps[(size_t(lane) * kClasses + c) * stride];
            int64_t running = 0;
            for (int column = 0; column < columns; ++column) {
                running += step[column];
                if (running <= 0)
                    continue;
                const size_t cell = size_t(lane) * size_t(columns) + size_t(column);
                density.counts[cell] += uint32_t(running);
                density.urgent[cell] = DensityClass(c); // classes ascend: the last one present is the most urgent
                if (uint32_t(running) >= commonCount[cell]) { // a tie goes to the more urgent
                    commonCount[cell] = uint32_t(running);
                    density.common[cell] = DensityClass(c);
                }
            }
        }
    density.maxCount = density.counts.empty() ? 0 : *std::max_element(density.counts.begin(), density.counts.end());
    return density;
}

} // namespace oplens
