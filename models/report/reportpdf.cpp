// The report as PDF, with Qt's own writer: the front matter laid out by QTextDocument, the timeline and the table
// painted by hand (QTextDocument would take about a millisecond a row, and draws no vectors).
#include "reportdocument.h"

#include "reporttimeline.h"
#include "timelinepainter.h"

#include <QAbstractTextDocumentLayout>
#include <QFont>
#include <QFontMetricsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

#include <memory>
#include <numeric>

namespace oplens {

namespace {

// Where the pages of lanes `height` high begin (figure pixels, from the first lane's top), the first with `firstRoom`,
// the others with `room`: at the top of the last lane that starts within the page, so that a lane is cut only when it
// is taller than a page. Ends with `height`.
std::vector<double> pageCuts(const TimelineLayout &layout, double height, double firstRoom, double room)
{
    const TimelineGeometry geometry(layout, QRectF(0, 0, kTimelineFigureWidth, height), kTimelineFigureLabelWidth, 0, 1);
    const auto lanes = uint32_t(layout.lanes().size());
    std::vector<double> cuts{0};
    for (double limit = firstRoom; height > limit + 0.5; limit = cuts.back() + room) {
        double cut = limit;
        for (uint32_t lane = 0; lane <= lanes; ++lane) {
            const double top = geometry.laneTop(lane) - geometry.plot().top();
            if (top > cuts.back() + 1 && top <= limit)
                cut = top;
        }
        cuts.push_back(cut);
    }
    cuts.push_back(height);
    return cuts;
}

// One report written to one device. Pages are numbered as they are drawn: the total comes from a first pass over the
// rows' heights.
class PdfReport
{
public:
    PdfReport(const Report &report, QIODevice &device);
    QString write(const std::atomic_bool *cancel, const ExportProgress &progress);

private:
    struct Row {
        std::vector<std::unique_ptr<QTextLayout>> cells;
        double height = 0;
    };

    void setUpPage();
    void layOutFront();
    void setUpTable();
    void planTimeline();
    void drawTimeline(double top, double sliceTop, double sliceHeight, bool withHeading);
    void drawTimelineLanes(const QRectF &area, double scrollY);
    void drawTimelinePages();
    double layoutCell(QTextLayout &layout, size_t column) const;
    Row makeRow(const QStringList &texts, const QFont &font, size_t row);
    QStringList rowTexts(size_t row) const;
    bool countTablePages(const std::atomic_bool *cancel, const ExportProgress &progress);
    void drawRow(const Row &row, double top, size_t index, bool isHeader);
    void drawFooter();
    void drawFront();
    void drawTableHeading();
    bool drawTable(const std::atomic_bool *cancel, const ExportProgress &progress);

    const Report &m_report;
    const Report::Table &m_table;
    const size_t m_columns;
    QPdfWriter m_pdf;
    double m_pt = 1, m_footerHeight = 0, m_pageWidth = 0, m_pageHeight = 0;
    QFont m_plain, m_sans, m_mono, m_bold, m_heading, m_small;
    QTextDocument m_front;
    int m_frontPages = 0;
    // The timeline: drawn scaled to the page (`m_figureScale` device pixels a figure pixel), after the front matter
    // when it fits there (`m_timelineTop` >= 0), else on pages of its own, each a slice of the figure.
    double m_figureHeight = 0, m_figureScale = 1, m_timelineHeadingHeight = 0, m_timelineTop = -1;
    // Its pages of its own: [m_slices[i], m_slices[i + 1]) of the figure, or when `m_sliced` (taller than two pages)
    // of its lanes, each page under an axis of its own.
    std::vector<double> m_slices;
    bool m_sliced = false;
    std::vector<double> m_x; // the columns' left edges, and the right edge of the last
    double m_padX = 0, m_padY = 0;
    QTextOption m_wrap;
    Row m_header;
    const QColor m_border{0xB0, 0xB0, 0xB0}, m_headerFill{0xE8, 0xE8, 0xE8}, m_text{0x20, 0x20, 0x20};
    std::vector<double> m_heights; // of the table's rows
    double m_headingHeight = 0;
    int m_tablePages = 1, m_pageNumber = 0;
    QPainter m_painter; // last: ended before the writer and the document go
};

PdfReport::PdfReport(const Report &report, QIODevice &device)
    : m_report(report), m_table(report.table), m_columns(size_t(report.table.headers.size())), m_pdf(&device)
{
    setUpPage();
    layOutFront();
    setUpTable();
    planTimeline();
}

void PdfReport::setUpPage()
{
    m_pdf.setResolution(96); // CSS pixels are device pixels
    m_pdf.setCreator(QStringLiteral("OpLens %1").arg(QStringLiteral(OPLENS_VERSION)));
    m_pdf.setTitle(m_report.footer.section(QStringLiteral(" · "), 0, 0));
    m_pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                    QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm), QPageLayout::Millimeter));
    const QRectF paint = m_pdf.pageLayout().paintRectPixels(m_pdf.resolution());
    m_pt = m_pdf.resolution() / 72.0; // device pixels a point
    m_footerHeight = 16 * m_pt;
    m_pageWidth = paint.width();
    m_pageHeight = paint.height() - m_footerHeight;
}

void PdfReport::layOutFront()
{
    // No ligatures: text copied or extracted from the PDF reads as the data ("fi", not U+FB01).
    m_plain = QFont(QStringLiteral("DejaVu Sans"));
    m_plain.setStyleStrategy(QFont::PreferNoShaping);
    m_front.setDefaultFont(m_plain);
    m_front.documentLayout()->setPaintDevice(&m_pdf);
    m_front.setDocumentMargin(0);
    m_front.setHtml(m_report.head + m_report.front + Report::tail);
    m_front.setTextWidth(m_pageWidth);
    m_front.setPageSize(QSizeF(m_pageWidth, m_pageHeight));
    m_frontPages = m_front.pageCount();
}

// The table: each cell's text laid out in its column; rows go to pages whole.
void PdfReport::setUpTable()
{
    const double sum = std::accumulate(m_table.widths.begin(), m_table.widths.end(), 0.0);
    m_x.assign(m_columns + 1, 0.0);
    for (size_t k = 0; k < m_columns; ++k)
        m_x[k + 1] = m_x[k] + m_table.widths[k] / sum * m_pageWidth;
    m_sans = m_plain;
    m_mono = QFont(QStringLiteral("DejaVu Sans Mono"));
    m_bold = m_heading = m_small = m_plain;
    m_mono.setStyleStrategy(QFont::PreferNoShaping);
    m_sans.setPointSizeF(m_table.pointSize);
    m_mono.setPointSizeF(m_table.pointSize * 15 / 16);
    m_bold.setPointSizeF(m_table.pointSize);
    m_bold.setBold(true);
    m_heading.setPointSizeF(11);
    m_heading.setBold(true);
    m_small.setPointSizeF(7);
    m_padX = 3 * m_pt;
    m_padY = 1.5 * m_pt;
    m_wrap.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_header = makeRow(m_table.headers, m_bold, size_t(-1));
}

// Where the timeline goes: after the front matter if it fits in what is left of its last page, else on a page of
// its own, shrunk to fit one page when that keeps it at least half its size, else its lanes over as many pages as they
// take.
void PdfReport::planTimeline()
{
    m_timelineHeadingHeight = QFontMetricsF(m_heading, &m_pdf).height() * 1.6;
    const bool nothing = m_report.timeline.bars().empty();
    m_figureScale = m_pageWidth / kTimelineFigureWidth;
    m_figureHeight = nothing ? QFontMetricsF(m_small, &m_pdf).height() * 1.5 / m_figureScale
                             : timelineFigureHeight(m_report.timeline);
    const double needed = m_timelineHeadingHeight + m_figureHeight * m_figureScale;
    const QTextBlock last = m_front.lastBlock();
    const double frontEnd = m_front.documentLayout()->blockBoundingRect(last).bottom() - (m_frontPages - 1) * m_pageHeight;
    const double top = frontEnd + 12 * m_pt;
    if (top + needed <= m_pageHeight) {
        m_timelineTop = top;
        return;
    }
    // A page of its own, the figure whole: shrunk to fit when that keeps it at least half its size.
    const double room = m_pageHeight - m_timelineHeadingHeight;
    if (nothing || room / (m_figureHeight * m_figureScale) >= 0.5) {
        m_figureScale = std::min(m_figureScale, room / m_figureHeight);
        m_slices = {0, m_figureHeight};
        return;
    }
    // Else its lanes over as many pages as they take, each under the axis.
    m_sliced = true;
    const double axis = TimelineGeometry::kAxisHeight;
    m_slices = pageCuts(m_report.timeline, m_figureHeight - axis - kTimelineLegendHeight, room / m_figureScale - axis,
                        m_pageHeight / m_figureScale - axis);
}

// The figure at `top` of the page, under the heading; when sliced, its lanes [sliceTop, sliceTop + sliceHeight)
// (figure pixels) under the axis.
void PdfReport::drawTimeline(double top, double sliceTop, double sliceHeight, bool withHeading)
{
    m_painter.save();
    if (withHeading) {
        m_painter.setFont(m_heading);
        m_painter.setPen(m_text);
        m_painter.drawText(QRectF(0, top, m_pageWidth, QFontMetricsF(m_heading, &m_pdf).height()),
                           Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("Timeline"));
        top += m_timelineHeadingHeight;
    }
    if (m_report.timeline.bars().empty()) {
        m_painter.setFont(m_small);
        m_painter.setPen(QColor(0x60, 0x60, 0x60));
        m_painter.drawText(QRectF(0, top, m_pageWidth, m_figureHeight * m_figureScale), Qt::AlignLeft | Qt::AlignTop,
                           noTimelineText());
        m_painter.restore();
        return;
    }
    m_painter.translate(0, top);
    m_painter.scale(m_figureScale, m_figureScale);
    m_painter.setFont(timelineFigureFont());
    const double width = m_pageWidth / m_figureScale; // the whole page's width, also when shrunk to fit
    // (A pixel less than the slice: the next page's first lane, which starts at its end, is not drawn here at all.)
    if (m_sliced)
        drawTimelineLanes(QRectF(0, 0, width, TimelineGeometry::kAxisHeight + sliceHeight - 1), sliceTop);
    else
        paintTimelineFigure(m_painter, QRectF(0, 0, width, m_figureHeight), m_report.timeline, m_report.utc);
    m_painter.restore();
}

// A page of a figure taller than two pages: the axis, and the lanes from `scrollY` (figure pixels) down, framed as the
// whole figure is (timelineFigureFrame) so that every page reads alike.
void PdfReport::drawTimelineLanes(const QRectF &area, double scrollY)
{
    TimelineDensity density;
    paintTimeline(m_painter, timelineFigureFrame(m_report.timeline, area, m_report.utc, scrollY, density));
}

// The timeline's pages of its own, when it did not fit after the front matter.
void PdfReport::drawTimelinePages()
{
    for (size_t i = 0; i + 1 < m_slices.size(); ++i) {
        m_pdf.newPage();
        drawTimeline(0, m_slices[i], m_slices[i + 1] - m_slices[i], i == 0);
        drawFooter();
    }
}

// Lays out one cell at (0, 0) of its column's inner width; returns its height.
double PdfReport::layoutCell(QTextLayout &layout, size_t column) const
{
    QTextOption option = m_wrap;
    option.setAlignment(column < m_table.right.size() && m_table.right[column] ? Qt::AlignRight : Qt::AlignLeft);
    layout.setTextOption(option);
    layout.beginLayout();
    double y = 0;
    const double inner = std::max(1.0, m_x[column + 1] - m_x[column] - 2 * m_padX);
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(inner);
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout.endLayout();
    return y;
}

// `row` is size_t(-1) for the header row, which has no fixed-width column.
PdfReport::Row PdfReport::makeRow(const QStringList &texts, const QFont &font, size_t row)
{
    Row r;
    for (size_t k = 0; k < m_columns; ++k) {
        const bool fixed = row != size_t(-1) && k < m_table.mono.size() && m_table.mono[k];
        auto layout = std::make_unique<QTextLayout>(texts[qsizetype(k)], fixed ? m_mono : font, &m_pdf);
        r.height = std::max(r.height, layoutCell(*layout, k));
        r.cells.push_back(std::move(layout));
    }
    r.height += 2 * m_padY;
    return r;
}

QStringList PdfReport::rowTexts(size_t row) const
{
    QStringList texts;
    for (size_t k = 0; k < m_columns; ++k)
        texts << m_table.cells[row * m_columns + k];
    return texts;
}

// The first pass: every row's height, and how many pages the table takes. False when cancelled.
bool PdfReport::countTablePages(const std::atomic_bool *cancel, const ExportProgress &progress)
{
    m_heights.assign(m_table.rows, 0.0);
    m_headingHeight = QFontMetricsF(m_heading, &m_pdf).height() * 1.6
        + (m_table.note.isEmpty() ? 0 : QFontMetricsF(m_small, &m_pdf).height() * 1.6);
    double y = m_headingHeight + m_header.height;
    for (size_t i = 0; i < m_table.rows; ++i) {
        if ((i & 63) == 0) {
            if (reportCancelled(cancel))
                return false;
            if (progress)
                progress(int(i * 50 / std::max<size_t>(1, m_table.rows)));
        }
        const QStringList texts = rowTexts(i);
        double h = 0;
        for (size_t k = 0; k < m_columns; ++k) {
            QTextLayout layout(texts[qsizetype(k)], m_table.mono[k] ? m_mono : m_sans, &m_pdf);
            h = std::max(h, layoutCell(layout, k));
        }
        m_heights[i] = h + 2 * m_padY;
        if (y + m_heights[i] > m_pageHeight && y > m_header.height + 0.5) {
            ++m_tablePages;
            y = m_header.height;
        }
        y += m_heights[i];
    }
    return true;
}

void PdfReport::drawRow(const Row &row, double top, size_t index, bool isHeader)
{
    const double height = std::min(row.height, m_pageHeight - top);
    m_painter.save();
    if (isHeader)
        m_painter.fillRect(QRectF(0, top, m_x[m_columns], height), m_headerFill);
    for (size_t k = 0; k < m_columns; ++k) {
        const QRectF cell(m_x[k], top, m_x[k + 1] - m_x[k], height);
        m_painter.setPen(QPen(m_border, 0.75 * m_pt));
        m_painter.drawRect(cell);
        const QRgb rgb = isHeader ? 0 : m_table.colors[index * m_columns + k];
        m_painter.setPen(rgb ? QColor(rgb) : m_text);
        m_painter.save();
        m_painter.setClipRect(cell);
        row.cells[k]->draw(&m_painter, QPointF(m_x[k] + m_padX, top + m_padY));
        m_painter.restore();
    }
    m_painter.restore();
}

void PdfReport::drawFooter()
{
    ++m_pageNumber;
    m_painter.save();
    m_painter.setFont(m_small);
    m_painter.setPen(QColor(0x60, 0x60, 0x60));
    const QFontMetricsF metrics(m_small, &m_pdf);
    const QRectF line(0, m_pageHeight + 6 * m_pt, m_pageWidth, m_footerHeight - 6 * m_pt);
    const int pages = m_frontPages + int(m_slices.empty() ? 0 : m_slices.size() - 1) + m_tablePages;
    const QString pageText = QStringLiteral("page %1 of %2").arg(m_pageNumber).arg(pages);
    const double room = m_pageWidth - metrics.horizontalAdvance(pageText) - 20 * m_pt;
    m_painter.drawText(line, Qt::AlignRight | Qt::AlignVCenter, pageText);
    m_painter.drawText(QRectF(line.left(), line.top(), room, line.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       metrics.elidedText(m_report.footer, Qt::ElideRight, room));
    m_painter.restore();
}

void PdfReport::drawFront()
{
    for (int p = 0; p < m_frontPages; ++p) {
        if (p > 0)
            m_pdf.newPage();
        m_painter.save();
        m_painter.translate(0, -p * m_pageHeight);
        m_front.drawContents(&m_painter, QRectF(0, p * m_pageHeight, m_pageWidth, m_pageHeight));
        m_painter.restore();
        if (p == m_frontPages - 1 && m_timelineTop >= 0)
            drawTimeline(m_timelineTop, 0, m_figureHeight, true);
        drawFooter();
    }
}

void PdfReport::drawTableHeading()
{
    m_painter.setFont(m_heading);
    m_painter.setPen(m_text);
    const double headingLine = QFontMetricsF(m_heading, &m_pdf).height();
    m_painter.drawText(QRectF(0, 0, m_pageWidth, headingLine), Qt::AlignLeft | Qt::AlignVCenter, m_table.title);
    if (!m_table.note.isEmpty()) {
        m_painter.setFont(m_small);
        m_painter.setPen(QColor(0x60, 0x60, 0x60));
        m_painter.drawText(QRectF(0, headingLine * 1.3, m_pageWidth, QFontMetricsF(m_small, &m_pdf).height()),
                           Qt::AlignLeft | Qt::AlignVCenter, m_table.note);
    }
}

// The table's rows, each under the header row of its page. False when cancelled.
bool PdfReport::drawTable(const std::atomic_bool *cancel, const ExportProgress &progress)
{
    double y = m_headingHeight;
    drawRow(m_header, y, 0, true);
    y += m_header.height;
    for (size_t i = 0; i < m_table.rows; ++i) {
        if ((i & 63) == 0) {
            if (reportCancelled(cancel))
                return false;
            if (progress)
                progress(50 + int(i * 50 / std::max<size_t>(1, m_table.rows)));
        }
        if (y + m_heights[i] > m_pageHeight && y > m_header.height + 0.5) {
            drawFooter();
            m_pdf.newPage();
            y = 0;
            drawRow(m_header, y, 0, true);
            y += m_header.height;
        }
        const Row row = makeRow(rowTexts(i), m_sans, i);
        drawRow(row, y, i, false);
        y += row.height;
    }
    return true;
}

QString PdfReport::write(const std::atomic_bool *cancel, const ExportProgress &progress)
{
    if (!m_painter.begin(&m_pdf))
        return QStringLiteral("the PDF could not be started");
    if (!countTablePages(cancel, progress))
        return {};
    drawFront();
    drawTimelinePages();
    m_pdf.newPage();
    drawTableHeading();
    if (!drawTable(cancel, progress)) {
        m_painter.end();
        return {};
    }
    drawFooter();
    m_painter.end();
    return {};
}

} // namespace

QString writePdf(const Report &report, QIODevice &device, const std::atomic_bool *cancel, const ExportProgress &progress)
{
    PdfReport pdf(report, device);
    return pdf.write(cancel, progress);
}

} // namespace oplens
