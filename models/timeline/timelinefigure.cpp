// A still picture of a whole layout, for the reports (timelinepainter.h): its frame, its height, its legend.
#include "statuscolor.h"
#include "timelinepainter.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace oplens {

double timelineFigureHeight(const TimelineLayout &layout)
{
    const TimelineGeometry g(layout, QRectF(0, 0, 1000, 1000), kTimelineFigureLabelWidth, 0, 1);
    return TimelineGeometry::kAxisHeight + g.contentHeight() + kTimelineLegendHeight;
}

void paintTimelineLegend(QPainter &p, const QRectF &area, const TimelineColors &colors)
{
    struct Item {
        QColor color;
        QString text;
        bool hatched = false; // as an Interrupted run's bar after its last event
    };
    const Item items[] = {
        {statusColor(Status::Interrupted), QStringLiteral("Interrupted"), true},
        {statusColor(Status::Failed), QStringLiteral("Failed")},
        {statusColor(Status::Aborted), QStringLiteral("Aborted")},
        {statusColor(Status::Running, true), QStringLiteral("Stale")},
        {statusColor(Status::Running), QStringLiteral("Running")},
        {statusColor(Status::Queued), QStringLiteral("Queued")},
        {statusColor(Status::Finished), QStringLiteral("Finished")},
        {timelineMarkerColor(TimelineMarker::Kind::ServiceStarted), QStringLiteral("service start")},
        {timelineMarkerColor(TimelineMarker::Kind::AgentRecovery), QStringLiteral("agent recovery")},
    };
    const QFontMetricsF metrics(p.font());
    double x = area.left() + 6;
    for (const auto &[color, text, hatched] : items) {
        const QRectF swatch(x, area.center().y() - 5, 10, 10);
        p.fillRect(swatch, color);
        if (hatched)
            p.fillRect(swatch, timelineUnknownBrush());
        p.setPen(colors.text);
        const double width = metrics.horizontalAdvance(text);
        p.drawText(QRectF(x + 14, area.top(), width + 4, area.height()), Qt::AlignLeft | Qt::AlignVCenter, text);
        x += width + 32;
    }
}

TimelineFrame timelineFigureFrame(const TimelineLayout &layout, const QRectF &area, bool utc, double scrollY,
                                  TimelineDensity &density)
{
    const auto [from, to] = layout.fitRange();
    TimelineFrame frame;
    frame.layout = &layout;
    frame.geometry = TimelineGeometry(layout, area, kTimelineFigureLabelWidth, from, to, scrollY);
    frame.colors = TimelineColors::light();
    frame.utc = utc;
    frame.vectorDensity = true;
    // Bars while a bar gets about two pixels of its own; past that, how many ran when, per column.
    if (layout.countVisible(from, to) > size_t(frame.geometry.plot().width() / 2)) {
        density = binTimeline(layout, from, to, int(std::max(1.0, frame.geometry.plot().width())));
        frame.density = &density;
    }
    return frame;
}

void paintTimelineFigure(QPainter &painter, const QRectF &area, const TimelineLayout &layout, bool utc)
{
    if (layout.empty())
        return;
    const QRectF picture(area.left(), area.top(), area.width(), area.height() - kTimelineLegendHeight);
    TimelineDensity density;
    const TimelineFrame frame = timelineFigureFrame(layout, picture, utc, 0, density);
    paintTimeline(painter, frame);
    painter.save();
    paintTimelineLegend(painter, QRectF(area.left(), picture.bottom(), area.width(), kTimelineLegendHeight), frame.colors);
    painter.restore();
}

} // namespace oplens
