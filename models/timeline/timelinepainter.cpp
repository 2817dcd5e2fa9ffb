// Draws a timeline frame (timelinepainter.h): lanes, axis, bars or density, links, markers. Only what is in view is
// looked at: each sub-row's bars are found by binary search, so a frame costs what it shows.
#include "timelinepainter.h"

#include "statuscolor.h"
#include "timelineaxis.h"

#include <QFontMetricsF>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace oplens {

namespace {

constexpr double kFar = 1e6; // pixels: a bar that runs far out of view is cut here (painters dislike huge numbers)

// Bar names and markers' labels: a size smaller than the lanes' and the axis'.
void useSmallFont(QPainter &p)
{
    QFont small = p.font();
    if (small.pointSizeF() > 0)
        small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.8));
    else
        small.setPixelSize(std::max(8, small.pixelSize() * 4 / 5));
    p.setFont(small);
}

QRectF clampedX(QRectF r, const QRectF &plot)
{
    const double left = std::max(r.left(), plot.left() - kFar), right = std::min(r.right(), plot.right() + kFar);
    r.setLeft(left);
    r.setRight(std::max(right, left + 1));
    return r;
}

void paintLanes(QPainter &p, const TimelineFrame &f)
{
    const TimelineGeometry &g = f.geometry;
    const auto &lanes = f.layout->lanes();
    const QRectF plot = g.plot();
    p.save();
    p.setClipRect(QRectF(g.area().left(), plot.top(), g.area().width(), plot.height()), Qt::IntersectClip);
    const QFontMetricsF metrics(p.font());
    for (uint32_t lane = 0; lane < lanes.size(); ++lane) {
        const double top = g.laneTop(lane), height = g.laneHeight(lane);
        if (top > plot.bottom() || top + height < plot.top())
            continue;
        if (lane % 2 == 1)
            p.fillRect(QRectF(g.area().left(), top, g.area().width(), height), f.colors.laneShade);
        p.setPen(f.colors.grid);
        p.drawLine(QPointF(g.area().left(), top + height), QPointF(g.area().right(), top + height));
        p.setPen(f.colors.text);
        const QRectF label(g.area().left() + 6, top, plot.left() - g.area().left() - 12, std::min(height, 2 * TimelineGeometry::kRowHeight + 6));
        p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(lanes[lane].label, Qt::ElideMiddle, label.width()));
    }
    p.restore();
}

void paintAxis(QPainter &p, const TimelineFrame &f)
{
    const TimelineGeometry &g = f.geometry;
    const QRectF plot = g.plot();
    const TimelineAxis axis = timelineAxis(g.from(), g.to(), plot.width(), f.utc);
    const double axisTop = g.area().top();
    p.save();
    p.setPen(f.colors.mutedText);
    const QFontMetricsF metrics(p.font());
    const double labelsHeight = TimelineGeometry::kAxisHeight - TimelineGeometry::kMarkerStrip;
    const QRectF contextBox(g.area().left() + 6, axisTop, plot.left() - g.area().left() - 10, labelsHeight);
    p.drawText(contextBox, Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(axis.context, Qt::ElideRight, contextBox.width()));
    for (const TimelineTick &tick : axis.ticks) {
        const double x = std::round(g.x(tick.time)) + 0.5;
        p.setPen(tick.major ? f.colors.mutedText : f.colors.grid);
        p.drawLine(QPointF(x, axisTop + labelsHeight - 4), QPointF(x, plot.bottom()));
        QFont font = p.font();
        font.setBold(tick.major);
        p.setFont(font);
        p.setPen(tick.major ? f.colors.text : f.colors.mutedText);
        const double width = metrics.horizontalAdvance(tick.label) + 8;
        if (x + width / 2 <= g.area().right() && x - width / 2 >= plot.left())
            p.drawText(QRectF(x - width / 2, axisTop + 2, width, labelsHeight - 6), Qt::AlignCenter, tick.label);
    }
    p.setPen(f.colors.mutedText);
    p.drawLine(QPointF(plot.left(), plot.top() - 0.5), QPointF(plot.right(), plot.top() - 0.5));
    p.restore();
}

// The bars in view, sub-row by sub-row, each sub-row's in start order (by index in the layout's bars).
std::vector<uint32_t> barsInView(const TimelineFrame &f)
{
    const TimelineGeometry &g = f.geometry;
    const int64_t pad = int64_t(std::ceil(3 * g.msPerPixel())); // bars at least 2 px wide reach a little left
    std::vector<uint32_t> inView;
    for (uint32_t row = 0; row < f.layout->rowCount(); ++row) {
        const double top = g.rowTop(row);
        if (top <= g.plot().bottom() && top + TimelineGeometry::kRowHeight >= g.plot().top())
            f.layout->barsIn(row, g.from() - pad, g.to() + pad, inView);
    }
    return inView;
}

// An Interrupted run: after its last event it is not known when it died, only that the service's restart (the
// evidence) ended it: that part is hatched (which also tells it from a Failed run's plain dark red), and the end is a
// red cut taller than the bar.
void paintCut(QPainter &p, const TimelineFrame &f, const TimelineBar &bar, const QRectF &rect)
{
    const QColor cut(0xB7, 0x1C, 0x1C);
    const double lastSeen = std::clamp(f.geometry.x(bar.lastSeen), rect.left(), rect.right());
    if (rect.right() - lastSeen >= 2) {
        const QRectF unknown(lastSeen, rect.top(), rect.right() - lastSeen, rect.height());
        p.fillRect(unknown, timelineUnknownBrush()); // still red: no Failed look-alike
    }
    const double x = rect.right();
    p.setPen(QPen(cut, 2.5));
    p.drawLine(QPointF(x, rect.top() - 3), QPointF(x, rect.bottom() + 3));
    p.drawLine(QPointF(x - 4, rect.top() - 3), QPointF(x + 4, rect.bottom() + 3));
}

void paintBar(QPainter &p, const TimelineFrame &f, const TimelineBar &bar, const QRectF &rect)
{
    const QColor color = statusColor(bar.status, bar.stale);
    if (bar.open) { // still running: it fades towards now
        QLinearGradient fade(rect.topLeft(), rect.topRight());
        fade.setColorAt(0, color);
        fade.setColorAt(std::max(0.0, 1 - 24 / std::max(rect.width(), 1.0)), color);
        QColor light = color;
        light.setAlpha(90);
        fade.setColorAt(1, light);
        p.fillRect(rect, fade);
    } else {
        p.fillRect(rect, color);
    }
    if (bar.startedAt > bar.start) { // its wait in the queue, before it started: paler
        QRectF queued = rect;
        queued.setRight(std::clamp(f.geometry.x(bar.startedAt), rect.left(), rect.right()));
        QColor wait = f.colors.background;
        wait.setAlpha(150);
        p.fillRect(queued, wait);
    }
    if (bar.cutShort)
        paintCut(p, f, bar, rect);
}

// The operation's name on a bar with room for it, unless a name drawn on its sub-row reaches its place: bars of a
// sub-row come in start order, and where they overlap (an overflowing lane, open bars running to now) one name is
// shaped and drawn, not hundreds on top of each other (text is what a frame of bars costs).
void paintName(QPainter &p, const TimelineFrame &f, const TimelineBar &bar, const QRectF &rect,
               const QFontMetricsF &metrics, double &nameEnd)
{
    const QRectF inside = rect.intersected(f.geometry.plot()).adjusted(4, 0, -4, 0);
    if (rect.width() <= 70 || inside.width() <= 40 || inside.left() < nameEnd)
        return;
    const QString name = metrics.elidedText(f.data->events().string(f.data->name(bar.op)), Qt::ElideRight, inside.width());
    p.drawText(inside, Qt::AlignLeft | Qt::AlignVCenter, name);
    nameEnd = inside.left() + metrics.horizontalAdvance(name) + 4;
}

void paintBars(QPainter &p, const TimelineFrame &f)
{
    const auto &bars = f.layout->bars();
    const TimelineGeometry &g = f.geometry;
    useSmallFont(p);
    const std::vector<uint32_t> inView = barsInView(f); // looked up once for the three passes
    // Restart links first, under the bars: from the end of what was cut short to the start of its restart.
    for (const uint32_t i : inView) {
        const TimelineBar &bar = bars[i];
        if (bar.restartOf == kNone)
            continue;
        const QRectF from = clampedX(g.barRect(bars[bar.restartOf]), g.plot()), to = clampedX(g.barRect(bar), g.plot());
        QColor link = statusColor(bar.status, bar.stale);
        link.setAlpha(160);
        p.setPen(QPen(link, 1.2, Qt::DashLine));
        p.drawLine(QPointF(from.right(), from.center().y()), QPointF(to.left(), to.center().y()));
    }
    for (const uint32_t i : inView)
        paintBar(p, f, bars[i], clampedX(g.barRect(bars[i]), g.plot()));
    if (!f.data)
        return;
    // The names over every bar, so that no later bar covers one.
    const QFontMetricsF metrics(p.font());
    std::vector<double> nameEnd(f.layout->rowCount(), -1e9); // per sub-row, where its last name ends
    p.setPen(QColor(Qt::white));
    for (const uint32_t i : inView) {
        const TimelineBar &bar = bars[i];
        double &end = nameEnd[f.layout->lanes()[bar.lane].firstRow + bar.subRow];
        paintName(p, f, bar, clampedX(g.barRect(bar), g.plot()), metrics, end);
    }
}

// The bar under the pointer and the selected one, outlined: over bars and over density alike.
void paintSelection(QPainter &p, const TimelineFrame &f)
{
    const auto &bars = f.layout->bars();
    for (const uint32_t i : {f.hoveredBar, f.selectedBar}) {
        if (i >= bars.size())
            continue;
        QRectF rect = clampedX(f.geometry.barRect(bars[i]), f.geometry.plot()).adjusted(-2, -2, 2, 2);
        if (rect.width() < 7) // a run of a pixel among thousands is still found
            rect.adjust(-(7 - rect.width()) / 2, 0, (7 - rect.width()) / 2, 0);
        p.setPen(QPen(i == f.selectedBar ? f.colors.highlight : f.colors.text, i == f.selectedBar ? 2.5 : 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(rect);
    }
}

// How strongly a column shows: more bars, darker, on a log scale so that a lone run is still seen.
int densityAlpha(uint32_t count, uint32_t maxCount)
{
    if (count == 0)
        return 0;
    const double share = std::log1p(double(count)) / std::log1p(double(std::max(maxCount, 1u)));
    return int(70 + 185 * std::clamp(share, 0.0, 1.0));
}

QColor densityColor(DensityClass c)
{
    switch (c) {
    case DensityClass::Stale: return statusColor(Status::Running, true);
    case DensityClass::Interrupted: return statusColor(Status::Interrupted);
    case DensityClass::Failed: return statusColor(Status::Failed);
    case DensityClass::Aborted: return statusColor(Status::Aborted);
    case DensityClass::Running: return statusColor(Status::Running);
    case DensityClass::Queued: return statusColor(Status::Queued);
    case DensityClass::Finished: return statusColor(Status::Finished);
    default: break;
    }
    return statusColor(Status::Unknown);
}

// A column's strip: the most urgent status among its runs when it calls for the admin and most runs have another.
DensityClass stripOf(const TimelineDensity &d, uint32_t lane, int c)
{
    const DensityClass urgent = d.urgentAt(lane, c);
    return urgent >= DensityClass::Aborted && urgent != d.commonAt(lane, c) ? urgent : DensityClass::None;
}

constexpr double kStripHeight = 3;

// One lane's columns [c0, c1) as images of a pixel a column stretched over `rect` (theirs): the runs' common colour,
// darker where more ran, and the urgent strip along the top.
void paintDensityImage(QPainter &p, const TimelineDensity &d, uint32_t lane, int c0, int c1, const QRectF &rect)
{
    QImage fill(c1 - c0, 1, QImage::Format_ARGB32_Premultiplied), strip(c1 - c0, 1, QImage::Format_ARGB32_Premultiplied);
    auto *fillLine = reinterpret_cast<QRgb *>(fill.scanLine(0));
    auto *stripLine = reinterpret_cast<QRgb *>(strip.scanLine(0));
    bool anyStrip = false;
    for (int c = c0; c < c1; ++c) {
        QColor color = densityColor(d.commonAt(lane, c));
        color.setAlpha(densityAlpha(d.count(lane, c), d.maxCount));
        fillLine[c - c0] = qPremultiply(color.rgba());
        const DensityClass urgent = stripOf(d, lane, c);
        stripLine[c - c0] = urgent == DensityClass::None ? 0 : densityColor(urgent).rgba();
        anyStrip = anyStrip || urgent != DensityClass::None;
    }
    p.drawImage(rect, fill);
    if (anyStrip)
        p.drawImage(QRectF(rect.left(), rect.top(), rect.width(), kStripHeight), strip);
}

// The same as rectangles, one per run of columns that look alike: for vector devices (SVG, PDF).
void paintDensityRects(QPainter &p, const TimelineDensity &d, uint32_t lane, int c0, int c1, double left,
                       double columnWidth, const QRectF &rect)
{
    const auto level = [&](int c) { return densityAlpha(d.count(lane, c), d.maxCount) / 32; };
    for (int c = c0; c < c1;) {
        const DensityClass cls = d.commonAt(lane, c), urgent = stripOf(d, lane, c);
        const int alpha = level(c);
        int end = c + 1;
        while (end < c1 && d.commonAt(lane, end) == cls && level(end) == alpha && stripOf(d, lane, end) == urgent)
            ++end;
        const QRectF run(left + c * columnWidth, rect.top(), (end - c) * columnWidth, rect.height());
        if (cls != DensityClass::None) {
            QColor color = densityColor(cls);
            color.setAlpha(std::min(255, alpha * 32 + 16));
            p.fillRect(run, color);
        }
        if (urgent != DensityClass::None)
            p.fillRect(QRectF(run.left(), run.top(), run.width(), kStripHeight), densityColor(urgent));
        c = end;
    }
}

// Per lane, the columns in view. A density of another range (the last one while a new one is binned, or a wider one
// binned for panning) lands where its times are.
void paintDensity(QPainter &p, const TimelineFrame &f)
{
    const TimelineDensity &d = *f.density;
    const TimelineGeometry &g = f.geometry;
    const double left = g.x(d.from), columnWidth = (g.x(d.to) - left) / d.columns;
    if (!(columnWidth > 0))
        return;
    const int c0 = int(std::clamp(std::floor((g.plot().left() - left) / columnWidth), 0.0, double(d.columns)));
    const int c1 = int(std::clamp(std::ceil((g.plot().right() - left) / columnWidth), double(c0), double(d.columns)));
    if (c1 <= c0)
        return;
    for (uint32_t lane = 0; lane < d.lanes && lane < f.layout->lanes().size(); ++lane) {
        const QRectF rect(left + c0 * columnWidth, g.laneTop(lane) + TimelineGeometry::kLaneGap / 2, (c1 - c0) * columnWidth,
                          g.laneHeight(lane) - TimelineGeometry::kLaneGap);
        if (rect.bottom() < g.plot().top() || rect.top() > g.plot().bottom())
            continue;
        if (f.vectorDensity)
            paintDensityRects(p, d, lane, c0, c1, left, columnWidth, rect);
        else
            paintDensityImage(p, d, lane, c0, c1, rect);
    }
}

// The frame marks now (following) and now is in its range.
bool nowInView(const TimelineFrame &f)
{
    const int64_t now = f.layout->now();
    return f.showNow && now >= f.geometry.from() && now <= f.geometry.to();
}

// Where "now" is said, in the strip under the axis' times.
QRectF nowLabelBox(const TimelineGeometry &g, int64_t now)
{
    const double x = std::round(g.x(now)) + 0.5;
    return {std::min(x - 18, g.plot().right() - 36), g.plot().top() - TimelineGeometry::kMarkerStrip, 36,
            TimelineGeometry::kMarkerStrip - 2};
}

// The markers in view (they are in time order).
std::pair<std::vector<TimelineMarker>::const_iterator, std::vector<TimelineMarker>::const_iterator>
markersInView(const TimelineFrame &f)
{
    const auto &markers = f.layout->markers();
    const auto first = std::lower_bound(markers.begin(), markers.end(), f.geometry.from(),
                                        [](const TimelineMarker &m, int64_t t) { return m.time < t; });
    const auto last = std::upper_bound(first, markers.end(), f.geometry.to(),
                                       [](int64_t t, const TimelineMarker &m) { return t < m.time; });
    return {first, last};
}

// A dashed line over every lane for each start of a service, solid in its own lane: under the bars, so that the red
// cut of what it cut short stays seen.
void paintMarkerLines(QPainter &p, const TimelineFrame &f)
{
    const TimelineGeometry &g = f.geometry;
    const QRectF plot = g.plot();
    const auto [first, last] = markersInView(f);
    for (auto it = first; it != last; ++it) {
        const double x = std::round(g.x(it->time)) + 0.5;
        const QColor color = timelineMarkerColor(it->kind);
        QColor faint = color;
        faint.setAlpha(110);
        p.setPen(QPen(faint, 1, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const double laneTop = g.laneTop(it->lane), laneBottom = laneTop + g.laneHeight(it->lane);
        p.setPen(QPen(color, 2));
        p.drawLine(QPointF(x, std::max(laneTop, plot.top())), QPointF(x, std::min(laneBottom, plot.bottom())));
    }
}

// Each marker's label in the strip under the axis' times (never over bars), when there is room for it: right of its
// line, else left of it, where no other label (or "now") is.
void paintMarkerLabels(QPainter &p, const TimelineFrame &f)
{
    const TimelineGeometry &g = f.geometry;
    const QRectF plot = g.plot();
    p.save();
    useSmallFont(p);
    const QFontMetricsF metrics(p.font());
    const bool manyLanes = f.layout->lanes().size() > 1;
    double labelEnd = -1e9;
    const QRectF nowBox = nowInView(f) ? nowLabelBox(g, f.layout->now()) : QRectF();
    const auto [first, last] = markersInView(f);
    for (auto it = first; it != last; ++it) {
        const TimelineMarker &m = *it;
        const double x = std::round(g.x(m.time)) + 0.5;
        const QColor color = timelineMarkerColor(m.kind);
        QString text = m.label + QStringLiteral(" ") + timelineTimeText(m.time, f.utc).mid(11, 5);
        if (manyLanes)
            text = f.layout->lanes()[m.lane].label.section(QLatin1Char('.'), 0, 0) + QStringLiteral(": ") + text;
        const double width = metrics.horizontalAdvance(text) + 8;
        QRectF box(std::min(x - 1, plot.right() - width), plot.top() - TimelineGeometry::kMarkerStrip - 1, width,
                   TimelineGeometry::kMarkerStrip - 2);
        if (box.intersects(nowBox))
            box.moveRight(x + 1);
        p.setPen(QPen(color, 2));
        p.drawLine(QPointF(x, box.bottom()), QPointF(x, plot.top()));
        if (box.left() < labelEnd || box.left() < plot.left() || box.intersects(nowBox))
            continue; // another label is there: the line and the tooltip say it
        QColor back = f.colors.background;
        back.setAlpha(235);
        p.fillRect(box, back);
        p.setPen(color);
        p.drawText(box, Qt::AlignCenter, text);
        labelEnd = box.right() + 4;
    }
    p.restore();
}

void paintNowAndBrush(QPainter &p, const TimelineFrame &f)
{
    const TimelineGeometry &g = f.geometry;
    const QRectF plot = g.plot();
    if (nowInView(f)) {
        const int64_t now = f.layout->now();
        const double x = std::round(g.x(now)) + 0.5;
        p.setPen(QPen(f.colors.highlight, 1.5));
        p.drawLine(QPointF(x, plot.top() - 6), QPointF(x, plot.bottom()));
        p.drawText(nowLabelBox(g, now), Qt::AlignCenter, QStringLiteral("now"));
    }
    if (f.brushFrom != kNoTime && f.brushTo != kNoTime) {
        const double a = g.x(std::min(f.brushFrom, f.brushTo)), b = g.x(std::max(f.brushFrom, f.brushTo));
        QColor fill = f.colors.highlight;
        fill.setAlpha(50);
        const QRectF rect = clampedX(QRectF(a, plot.top(), std::max(b - a, 1.0), plot.height()), plot);
        p.fillRect(rect, fill);
        p.setPen(QPen(f.colors.highlight, 1));
        p.drawRect(rect);
    }
}

} // namespace

void paintTimeline(QPainter &painter, const TimelineFrame &frame)
{
    painter.save();
    painter.fillRect(frame.geometry.area(), frame.colors.background);
    if (!frame.layout || frame.layout->lanes().empty()) {
        painter.restore();
        return;
    }
    // Clips only narrow the caller's (a PDF page's slice of a figure).
    painter.setClipRect(frame.geometry.area(), Qt::IntersectClip);
    paintLanes(painter, frame);
    paintAxis(painter, frame);
    painter.save();
    painter.setClipRect(frame.geometry.plot(), Qt::IntersectClip);
    paintMarkerLines(painter, frame);
    if (!frame.density)
        paintBars(painter, frame);
    else if (frame.density->valid())
        paintDensity(painter, frame); // an invalid one: not binned yet, nothing drawn rather than every bar
    paintSelection(painter, frame);
    painter.restore();
    paintMarkerLabels(painter, frame);
    paintNowAndBrush(painter, frame);
    painter.restore();
}

QColor timelineMarkerColor(TimelineMarker::Kind kind)
{
    return kind == TimelineMarker::Kind::AgentRecovery ? QColor(0x00, 0x83, 0x8F) : QColor(0x8E, 0x24, 0xAA);
}

QBrush timelineUnknownBrush() { return QBrush(QColor(0x6D, 0x0F, 0x0F, 170), Qt::BDiagPattern); }

} // namespace oplens
