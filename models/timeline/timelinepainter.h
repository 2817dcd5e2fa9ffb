// Draws a timeline with QPainter on any device: the console's widget, an SVG for the HTML report, a PDF page.
// Where each lane and sub-row sits and what time each x is (TimelineGeometry), and the drawing itself.
#pragma once

#include "timelinedensity.h"
#include "timelinelayout.h"

#include <QBrush>
#include <QColor>
#include <QRectF>
#include <vector>

class QPainter;

namespace oplens {

// The colours the timeline takes from its surroundings (the widget's palette, or a white page).
struct TimelineColors {
    QColor background, text, mutedText, grid, laneShade, highlight;
    static TimelineColors light(); // a printed page
};

// Where things are: the plot (bars) right of the lane labels and under the axis, time across, sub-rows down.
class TimelineGeometry
{
public:
    static constexpr double kAxisHeight = 52, kMarkerStrip = 18, kRowHeight = 14, kBarHeight = 10, kLaneGap = 8, kMinLabelWidth = 90;

    TimelineGeometry() = default;
    // `area` is the whole picture; `labelWidth` the room for lane labels at its left; `scrollY` how far the lanes are
    // scrolled up.
    TimelineGeometry(const TimelineLayout &layout, const QRectF &area, double labelWidth, int64_t from, int64_t to,
                     double scrollY = 0);

    QRectF area() const { return m_area; }
    QRectF plot() const { return m_plot; } // under the axis, right of the labels
    int64_t from() const { return m_from; }
    int64_t to() const { return m_to; }
    double x(int64_t time) const;
    int64_t timeAt(double x) const;
    double msPerPixel() const;
    double laneTop(uint32_t lane) const;   // in the area's coordinates, scrolled
    double laneHeight(uint32_t lane) const;
    double rowTop(uint32_t row) const;     // row of TimelineLayout::rowCount()
    double contentHeight() const { return m_contentHeight; } // every lane, unscrolled
    // The sub-row (of rowCount()) at `y`, or -1 between lanes and outside.
    int rowAt(double y) const;
    int laneAt(double y) const;
    QRectF barRect(const TimelineBar &bar) const; // at least 2 px wide, so that a short run is seen

private:
    QRectF m_area, m_plot;
    int64_t m_from = 0, m_to = 1;
    double m_scrollY = 0, m_contentHeight = 0;
    std::vector<double> m_laneTop;   // unscrolled, relative to the plot's top; one more at the end
    std::vector<uint32_t> m_rowLane; // the lane of each sub-row
    std::vector<uint32_t> m_laneFirstRow;
};

// What one frame draws: bars (nullptr density) or density, and what is selected and under the pointer.
struct TimelineFrame {
    const TimelineLayout *layout = nullptr;
    const Dataset *data = nullptr;            // when set, bars wide enough say their operation's name
    const TimelineDensity *density = nullptr; // when set, drawn instead of bars (it may cover another range: scaled;
                                              // an invalid one draws nothing)
    TimelineGeometry geometry;
    TimelineColors colors;
    bool utc = false;
    uint32_t selectedBar = kNone, hoveredBar = kNone;
    int64_t brushFrom = kNoTime, brushTo = kNoTime; // the range being brushed
    bool showNow = false;                           // following: a marker at the layout's now
    bool vectorDensity = false;                     // density as rectangles (SVG, PDF) rather than one image a lane
};

// Draws the axis, the lanes and their labels, the bars or the density, the restart links and the markers.
void paintTimeline(QPainter &painter, const TimelineFrame &frame);

// What each colour means, in a strip `area` high (kTimelineLegendHeight): under the console's timeline and a report's.
void paintTimelineLegend(QPainter &painter, const QRectF &area, const TimelineColors &colors);
QColor timelineMarkerColor(TimelineMarker::Kind kind);
QBrush timelineUnknownBrush(); // the hatch over an Interrupted run after its last event

// A still picture of a whole layout for a report (timelinefigure.cpp): its size at `width` (every lane, nothing scrolled), and the drawing
// into `area` of that size. Bars when they can be told apart, else density; light colours.
double timelineFigureHeight(const TimelineLayout &layout);
constexpr double kTimelineFigureLabelWidth = 150, kTimelineLegendHeight = 24;
void paintTimelineFigure(QPainter &painter, const QRectF &area, const TimelineLayout &layout, bool utc);
// The frame of such a figure in `area` (no legend), its lanes scrolled up by `scrollY`: the whole extent with a little
// margin, bars or density (kept in `density`) by how crowded it is. A figure cut over several pages draws each with it.
TimelineFrame timelineFigureFrame(const TimelineLayout &layout, const QRectF &area, bool utc, double scrollY,
                                  TimelineDensity &density);

} // namespace oplens
