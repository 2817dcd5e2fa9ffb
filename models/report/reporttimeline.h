// The timeline of a report's view: the operations it shows laid out one lane per server, as inline SVG for the HTML
// report and drawn as vectors on the PDF's pages (reportpdf.cpp).
#pragma once

#include "exporter.h"
#include "timelinelayout.h"

#include <QFont>
#include <QString>
#include <atomic>
#include <vector>

namespace oplens {

// The width the figure is drawn at, in CSS pixels (the SVG's user units): about the width of the landscape A4 page
// the report is laid out for. The PDF scales it to its page.
constexpr double kTimelineFigureWidth = 1000;

// The figure's base font, on every device alike: DejaVu Sans at 11 CSS pixels, without ligatures (text taken from the
// PDF reads as the data).
QFont timelineFigureFont();

// The operations of the view: its rows (Operations), or the distinct operations of its events (Events), in view
// order. ServiceStarted markers have none.
std::vector<uint32_t> viewOperations(const ExportRequest &request);

// The layout of every operation of the view (not only the rows the table lists), at the view's clock. Empty when
// `cancel` was set meanwhile.
TimelineLayout reportTimeline(const ExportRequest &request, const std::atomic_bool *cancel = nullptr);

// The report's "Timeline" section: its heading and the figure as an <svg> element that stands alone (no scripts, no
// links, no files), or one line saying that the view has no operation to draw.
QString timelineSectionHtml(const TimelineLayout &layout, bool utc);

// What the section says when there is nothing to draw; the PDF says it too.
QString noTimelineText();

} // namespace oplens
