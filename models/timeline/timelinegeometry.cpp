// Where lanes, sub-rows and times are in a timeline's picture (timelinepainter.h).
#include "timelinepainter.h"

#include <algorithm>
#include <cmath>

namespace oplens {

TimelineColors TimelineColors::light()
{
    return {QColor(0xFF, 0xFF, 0xFF), QColor(0x21, 0x21, 0x21), QColor(0x61, 0x61, 0x61), QColor(0xE0, 0xE0, 0xE0),
            QColor(0xF5, 0xF5, 0xF5), QColor(0x15, 0x65, 0xC0)};
}

TimelineGeometry::TimelineGeometry(const TimelineLayout &layout, const QRectF &area, double labelWidth, int64_t from,
                                   int64_t to, double scrollY)
    : m_area(area),
      m_plot(area.left() + labelWidth, area.top() + kAxisHeight, std::max(1.0, area.width() - labelWidth),
             std::max(1.0, area.height() - kAxisHeight)),
      m_from(from), m_to(std::max(to, from + 1)), m_scrollY(scrollY)
{
    const auto &lanes = layout.lanes();
    m_laneTop.reserve(lanes.size() + 1);
    double top = 0;
    for (const TimelineLane &lane : lanes) {
        m_laneTop.push_back(top);
        m_laneFirstRow.push_back(lane.firstRow);
        for (uint16_t r = 0; r < lane.subRows; ++r)
            m_rowLane.push_back(uint32_t(m_laneFirstRow.size() - 1));
        top += lane.subRows * kRowHeight + kLaneGap;
    }
    m_laneTop.push_back(top);
    m_contentHeight = top;
}

double TimelineGeometry::x(int64_t time) const
{
    return m_plot.left() + double(time - m_from) * m_plot.width() / double(m_to - m_from);
}

int64_t TimelineGeometry::timeAt(double xPos) const
{
    return m_from + int64_t(std::llround((xPos - m_plot.left()) * double(m_to - m_from) / m_plot.width()));
}

double TimelineGeometry::msPerPixel() const { return double(m_to - m_from) / m_plot.width(); }

double TimelineGeometry::laneTop(uint32_t lane) const
{
    return m_plot.top() - m_scrollY + (lane < m_laneTop.size() ? m_laneTop[lane] : m_contentHeight);
}

double TimelineGeometry::laneHeight(uint32_t lane) const
{
    return lane + 1 < m_laneTop.size() ? m_laneTop[lane + 1] - m_laneTop[lane] : 0;
}

double TimelineGeometry::rowTop(uint32_t row) const
{
    if (row >= m_rowLane.size())
        return m_plot.bottom();
    const uint32_t lane = m_rowLane[row];
    return laneTop(lane) + kLaneGap / 2 + (row - m_laneFirstRow[lane]) * kRowHeight;
}

int TimelineGeometry::laneAt(double y) const
{
    const double inContent = y - m_plot.top() + m_scrollY;
    if (y < m_plot.top() || inContent < 0 || inContent >= m_contentHeight)
        return -1;
    return int(std::upper_bound(m_laneTop.begin(), m_laneTop.end(), inContent) - m_laneTop.begin()) - 1;
}

int TimelineGeometry::rowAt(double y) const
{
    const int lane = laneAt(y);
    if (lane < 0)
        return -1;
    const double inLane = y - laneTop(uint32_t(lane)) - kLaneGap / 2;
    const int sub = int(std::floor(inLane / kRowHeight));
    const uint32_t lastRow = uint32_t(lane) + 1 < m_laneFirstRow.size() ? m_laneFirstRow[size_t(lane) + 1]
                                                                        : uint32_t(m_rowLane.size());
    if (inLane < 0 || sub < 0 || m_laneFirstRow[size_t(lane)] + uint32_t(sub) >= lastRow)
        return -1;
    return int(m_laneFirstRow[size_t(lane)]) + sub;
}

QRectF TimelineGeometry::barRect(const TimelineBar &bar) const
{
    const uint32_t row = m_laneFirstRow[bar.lane] + bar.subRow;
    const double left = x(bar.start), right = std::max(x(bar.end), left + 2);
    return {left, rowTop(row) + (kRowHeight - kBarHeight) / 2, right - left, kBarHeight};
}

} // namespace oplens
