// oplens_console_bench's Timeline tab (console_bench.h): the time to lay out the Operations tab's result, then frames
// at many zoom levels and positions. A frame is a real paint on the GUI thread (the canvas's repaint(): paintEvent
// into the window's backing store and its flush). Each move of the view (fit, zoom, pan, scroll) gives two frames:
// one right after the move, timed with the move's own work (as a wheel event and its paint would be), while the
// density of the new range is still being binned (the last one is scaled meanwhile); and one once the pane settled.
#include "console_bench.h"
#include "timelinepane.h"

#include <QTabWidget>

#include <algorithm>
#include <cstdio>

using namespace oplens;
using namespace oplens::ui;

namespace consolebench {

namespace {

constexpr int64_t kDeepestSpanMs = 4000; // zooming in stops at a span of a few seconds
constexpr int kMaxZoomSteps = 40;

struct TimelineRun {
    TimelinePane *pane = nullptr;
    TimelineCanvas *canvas = nullptr;
    bool each = qEnvironmentVariableIntValue("OPLENS_BENCH_EACH") != 0;
    std::vector<double> frameMs;   // every frame
    std::vector<double> frameCpuMs; // every frame's CPU time on the GUI thread (without waiting for a core)
    std::vector<double> densityMs; // from a move until its density was binned, for the moves that had to bin
    size_t barFrames = 0;          // frames that drew bars rather than density
};

int64_t span(const TimelineRun &run) { return run.canvas->to() - run.canvas->from(); }

bool waitSettled(const TimelineRun &run)
{
    return waitUntil(run.pane, &TimelinePane::settled, [&] { return !run.pane->isBusy(); });
}

int notSettled()
{
    std::fprintf(stderr, "oplens_console_bench: the timeline did not settle within %d s\n", kTimeoutMs / 1000);
    return 2;
}

// A frame's wall and CPU time, from start() on.
struct FrameClock {
    QElapsedTimer wall;
    qint64 cpuBegan = 0;
    void start()
    {
        wall.start();
        cpuBegan = threadCpuNs();
    }
};

void recordFrame(TimelineRun &run, const char *what, const char *when, const FrameClock &clock)
{
    const double ms = double(clock.wall.nsecsElapsed()) / 1e6, cpuMs = double(threadCpuNs() - clock.cpuBegan) / 1e6;
    run.frameMs.push_back(ms);
    run.frameCpuMs.push_back(cpuMs);
    const bool density = run.canvas->showsDensity();
    run.barFrames += density ? 0 : 1;
    if (run.each)
        std::fprintf(stderr, "timeline frame: %s, %s, span %lld ms, %zu bars in view, %s: %.2f ms (cpu %.2f ms)\n",
                     what, when, static_cast<long long>(span(run)),
                     run.canvas->layout()->countVisible(run.canvas->from(), run.canvas->to()),
                     density ? "density" : "bars", ms, cpuMs);
}

// A move of the view and its frames (see the top of the file); false when the pane never settled.
bool step(TimelineRun &run, const char *what, const std::function<void()> &move)
{
    FrameClock clock;
    clock.start();
    move();
    const bool binning = run.pane->isBusy();
    run.canvas->repaint();
    recordFrame(run, what, "moved", clock);
    if (!waitSettled(run))
        return false;
    if (binning)
        run.densityMs.push_back(double(clock.wall.nsecsElapsed()) / 1e6);
    FrameClock paint;
    paint.start();
    run.canvas->repaint();
    recordFrame(run, what, "settled", paint);
    return true;
}

// Half a view to the right, twice; the lanes scrolled to the bottom and back to the top.
bool panAndScroll(TimelineRun &run)
{
    TimelineCanvas *c = run.canvas;
    const auto panRight = [c] {
        const int64_t half = (c->to() - c->from()) / 2;
        c->setRange(c->from() + half, c->to() + half);
    };
    if (!step(run, "pan", panRight) || !step(run, "pan", panRight))
        return false;
    return step(run, "scroll down", [c] { c->setScrollY(c->scrollRange()); })
           && step(run, "scroll up", [c] { c->setScrollY(0); });
}

// The start of the bar that `share` of the bars (in time order) start before: a busy time, where zooming in finds
// bars (a fitted view can be mostly empty: open bars run to now).
int64_t busyTime(const TimelineLayout &layout, double share)
{
    if (layout.bars().empty())
        return layout.first();
    std::vector<int64_t> starts;
    starts.reserve(layout.bars().size());
    for (const TimelineBar &bar : layout.bars())
        starts.push_back(bar.start);
    const auto nth = starts.begin() + std::ptrdiff_t(share * double(starts.size() - 1));
    std::nth_element(starts.begin(), nth, starts.end());
    return *nth;
}

// From everything in view, halving the span around `anchor` (a time) down to a few seconds; pans and scrolls there,
// then doubling back out to where it began, with pans again at the level of an hour.
bool zoomInAndOut(TimelineRun &run, int64_t anchor)
{
    TimelineCanvas *c = run.canvas;
    if (!step(run, "fit all", [c] { c->fitAll(); }))
        return false;
    const int64_t fitted = span(run);
    const auto x = [c, anchor] { return c->frameGeometry().x(anchor); }; // zoomAt keeps the time under x there
    for (int i = 0; i < kMaxZoomSteps && span(run) > kDeepestSpanMs; ++i)
        if (!step(run, "zoom in", [&] { c->zoomAt(x(), 0.5); }))
            return false;
    if (!panAndScroll(run))
        return false;
    bool pannedAtAnHour = false;
    for (int i = 0; i < kMaxZoomSteps && span(run) < fitted; ++i) {
        if (!step(run, "zoom out", [&] { c->zoomAt(x(), 2.0); }))
            return false;
        if (!pannedAtAnHour && span(run) >= 3600 * 1000) {
            pannedAtAnHour = true;
            if (!panAndScroll(run))
                return false;
        }
    }
    return true;
}

} // namespace

int runTimeline(MainWindow &window)
{
    TimelineRun run;
    run.pane = window.timelinePane();
    run.canvas = run.pane->canvas();
    // Switching to the tab starts the layout (a hidden pane lays out nothing): until the canvas has it.
    QElapsedTimer clock;
    clock.start();
    window.tabs()->setCurrentWidget(run.pane);
    const bool laidOut = waitUntil(run.canvas, &TimelineCanvas::viewChanged, [&] { return run.canvas->layout(); });
    const double layoutS = double(clock.nsecsElapsed()) / 1e9;
    if (!laidOut || !waitSettled(run))
        return notSettled();
    print("timeline layout", layoutS, "s", 2);
    std::printf("timeline canvas: %dx%d px, %zu bars, %zu lanes\n", run.canvas->width(), run.canvas->height(),
                run.canvas->layout()->bars().size(), run.canvas->layout()->lanes().size());
    for (const double share : {0.2, 0.5, 0.8})
        if (!zoomInAndOut(run, busyTime(*run.canvas->layout(), share)))
            return notSettled();
    print("timeline frame p50", percentile(run.frameMs, 50), "ms", 2);
    print("timeline frame p99", percentile(run.frameMs, 99), "ms", 2);
    print("timeline frame max", percentile(run.frameMs, 100), "ms", 2);
    print("timeline frame p99 cpu", percentile(run.frameCpuMs, 99), "ms", 2); // without waiting for a core
    print("timeline frames", double(run.frameMs.size()), "frames", 0);
    print("timeline bar frames", double(run.barFrames), "frames", 0);
    print("timeline density p50", percentile(run.densityMs, 50), "ms", 0);
    print("timeline density max", percentile(run.densityMs, 100), "ms", 0);
    return 0;
}

} // namespace consolebench
