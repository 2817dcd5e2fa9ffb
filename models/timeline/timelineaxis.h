// The timeline's time axis: ticks at round times whose step fits the zoom (seconds to years), in local time or UTC.
#pragma once

#include <QString>
#include <cstdint>
#include <vector>

namespace oplens {

struct TimelineTick {
    int64_t time = 0;
    QString label;      // "23:15", "Nov 23", "2026"
    bool major = false; // a day, month or year begins: drawn stronger, its label says the date
};

struct TimelineAxis {
    std::vector<TimelineTick> ticks; // in time order, within [from, to]
    QString context;                 // what the labels leave out: the date of `from` ("Mon 23 Nov 2026"), its year
    int64_t stepMs = 0;              // about (months and years vary)
};

// The ticks of [from, to] over `width` pixels, at least `minSpacing` pixels apart.
TimelineAxis timelineAxis(int64_t from, int64_t to, double width, bool utc, double minSpacing = 80);
// "2026-11-23 01:00:03", with a "Z" in UTC: tooltips and labels of markers.
QString timelineTimeText(int64_t epochMs, bool utc);

} // namespace oplens
