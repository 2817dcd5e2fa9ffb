// The report's timeline: which operations the view shows, their layout, and the figure as inline SVG.
#include "reporttimeline.h"

#include "timelinepainter.h"

#include <QBuffer>
#include <QPainter>
#include <QSvgGenerator>

#include <cmath>

namespace oplens {

QFont timelineFigureFont()
{
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(11);
    font.setStyleStrategy(QFont::PreferNoShaping);
    return font;
}

std::vector<uint32_t> viewOperations(const ExportRequest &request)
{
    if (!request.data)
        return {};
    if (request.kind == ViewKind::Operations)
        return request.rows;
    const EventStore &events = request.data->events();
    std::vector<bool> seen(request.data->operationCount(), false);
    std::vector<uint32_t> ops;
    for (const uint32_t row : request.rows) {
        const uint32_t op = events.operation(row);
        if (op == kNone || op >= seen.size() || seen[op])
            continue;
        seen[op] = true;
        ops.push_back(op);
    }
    return ops;
}

TimelineLayout reportTimeline(const ExportRequest &request, const std::atomic_bool *cancel)
{
    if (!request.data)
        return {};
    return TimelineLayout::build(*request.data, viewOperations(request), request.now, cancel);
}

QString noTimelineText()
{
    return QStringLiteral("No operation in this view: there is no timeline to draw.");
}

namespace {

// The figure as the SVG document QSvgGenerator writes, drawn at kTimelineFigureWidth CSS pixels.
QByteArray timelineSvgDocument(const TimelineLayout &layout, bool utc)
{
    const double height = std::ceil(timelineFigureHeight(layout));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setResolution(96); // its user units are CSS pixels
    generator.setSize(QSize(int(kTimelineFigureWidth), int(height)));
    generator.setViewBox(QRectF(0, 0, kTimelineFigureWidth, height));
    generator.setTitle(QStringLiteral("Timeline"));
    generator.setDescription(QStringLiteral("The view's operations by server, as bars from start to end"));
    QPainter painter;
    if (!painter.begin(&generator))
        return {};
    painter.setFont(timelineFigureFont());
    paintTimelineFigure(painter, QRectF(0, 0, kTimelineFigureWidth, height), layout, utc);
    painter.end();
    return buffer.data();
}

} // namespace

QString timelineSectionHtml(const TimelineLayout &layout, bool utc)
{
    QString html = QStringLiteral("<h2>Timeline</h2>\n");
    if (layout.bars().empty())
        return html + QStringLiteral("<p class=\"note\">%1</p>\n").arg(noTimelineText());
    QString svg = QString::fromUtf8(timelineSvgDocument(layout, utc));
    // Inline, the XML declaration has no place; the root element shrinks with a narrow window (style in the head).
    const qsizetype root = svg.indexOf(QStringLiteral("<svg"));
    if (root < 0)
        return html + QStringLiteral("<p class=\"note\">The timeline could not be drawn.</p>\n");
    svg.remove(0, root);
    svg.insert(4, QStringLiteral(" class=\"timeline\" role=\"img\" aria-label=\"Timeline\""));
    return html + QStringLiteral("<p class=\"note\">One lane per server; each operation a bar from its start to its "
                                 "end (a running one to the time of export), in the colour of its status.</p>\n")
        + svg + QLatin1Char('\n');
}

} // namespace oplens
