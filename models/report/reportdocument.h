// Internal to the report writer: the report in pieces, as reportwriter.cpp builds it and reportpdf.cpp paints it.
#pragma once

#include "exporter.h"
#include "timelinelayout.h"

#include <QRgb>
#include <QString>
#include <QStringList>
#include <atomic>
#include <vector>

class QIODevice;

namespace oplens {

// A landscape A4 page, less its margins: the PDF's, and what the HTML's table is sized for.
constexpr double kMarginMm = 12;
constexpr double kPageWidthPt = (297 - 2 * kMarginMm) / 25.4 * 72;

inline bool reportCancelled(const std::atomic_bool *cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

// The report in pieces: the HTML joins them; the PDF lays out the front matter with QTextDocument and paints the
// timeline and the table itself (QTextDocument takes about a millisecond a row to parse and lay out a table).
struct Report {
    QString head;            // up to <body>
    QString front;           // title, what was asked, the counts, the sources
    QString timelineSection; // HTML only: its heading and the inline SVG (the PDF draws `timeline` itself)
    TimelineLayout timeline; // every operation of the view, one lane per server
    bool utc = false;        // the timeline's times
    QString tableHeading;    // the view's name, and a note when rows were left out
    QString tableOpen;       // <table> and its header row
    std::vector<QString> rows;
    QString footer;          // one line for the PDF's pages
    struct Table {
        QString title, note;
        QStringList headers;
        std::vector<double> widths; // relative
        std::vector<bool> mono, right;
        double pointSize = 8;
        size_t rows = 0;
        std::vector<QString> cells; // row by row, with breakable()'s break points
        std::vector<QRgb> colors;   // 0: the default
    } table;
    static inline const QString tableClose = QStringLiteral("</table>\n");
    static inline const QString tail = QStringLiteral("</body></html>\n");
};

// Builds the report's pieces (reportwriter.cpp): the HTML's, or the PDF's (`forPdf`: the table as cells to paint).
// False when cancelled.
bool buildReport(Report &report, const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf,
                 const std::atomic_bool *cancel, const ExportProgress &progress);

// Writes the PDF (reportpdf.cpp): the front matter on its own pages, the timeline after it (or on pages of its own
// when it does not fit), then the table painted row by row, whole rows a page under its header row; a footer on every
// page. The error, or empty (also when cancelled).
QString writePdf(const Report &report, QIODevice &device, const std::atomic_bool *cancel, const ExportProgress &progress);

} // namespace oplens
