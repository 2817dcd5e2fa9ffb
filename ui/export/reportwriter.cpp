#include "reportwriter.h"

#include "celltext.h"
#include "statusstyle.h"

#include <QDateTime>
#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QFileInfo>
#include <QLocale>
#include <QPageLayout>
#include <QPageSize>
#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QTextLayout>

#include <numeric>

namespace oplens::ui {

namespace {

constexpr int kParametersShown = 500; // as the Events table shows them

bool cancelled(const std::atomic_bool *cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

QString esc(const QString &text) { return text.toHtmlEscaped(); }

// Break points QTextDocument does not find itself (it breaks at spaces, and after a hyphen that a letter follows):
// after , : ; / & = ? _ . before a letter, between a lower-case and an upper-case letter, and every 20 characters of
// a word without any.
QString breakable(const QString &text)
{
    static const QString after = QStringLiteral(",:;/&=?_.");
    QString out;
    out.reserve(text.size() + text.size() / 8);
    int run = 0;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        out += c;
        const QChar next = i + 1 < n ? text[i + 1] : QChar();
        if (c.isSpace() || (c == QLatin1Char('-') && next.isLetter())) {
            run = 0;
            continue;
        }
        ++run;
        if (next.isNull() || next.isSpace())
            continue;
        if ((after.contains(c) && next.isLetter()) || (c.isLower() && next.isUpper()) || run >= 20) {
            out += QChar(0x200B);
            run = 0;
        }
    }
    return out;
}

// 2 000 000: grouped by narrow spaces, which read the same in every language.
QString number(uint64_t n)
{
    static const QLocale english(QLocale::English);
    return english.toString(qulonglong(n)).replace(QLatin1Char(','), QChar(0x202F));
}

// The colour a cell's text takes in the table, as the console shows it; invalid for none.
QColor cellColor(const ExportRequest &request, uint32_t index, int column)
{
    const Dataset &d = *request.data;
    if (request.kind == ViewKind::Operations) {
        if (OperationColumn(column) != OperationColumn::Status)
            return {};
        return statusColor(d.operation(index).status, d.isStale(index, request.now));
    }
    if (EventColumn(column) != EventColumn::Type)
        return {};
    const auto status = statusForKind(d.events().kind(index));
    return status ? statusColor(*status) : QColor();
}

// A landscape A4 page, less its margins: the PDF's, and what the HTML's table is sized for.
constexpr double kMarginMm = 12;
constexpr double kPageWidthPt = (297 - 2 * kMarginMm) / 25.4 * 72;

// The widths (pt) of the table's columns, and the size of its font, for a landscape A4 page. Each column is as wide
// as its longest text over L lines, and at least its longest unbreakable word (as breakable() cuts them), for the
// smallest whole L that fits; the font shrinks from 8 pt towards 6 pt while that takes more than two lines. The room
// left goes to the columns that then fit their longest text on one line.
std::vector<double> fitColumns(const ExportRequest &request, const QList<int> &columns, const std::vector<QString> &texts,
                               double &pointSize)
{
    constexpr double kPage = kPageWidthPt - 8;          // pt, with some room
    constexpr double kPadding = 10;                   // pt a column takes for its padding and borders
    const size_t count = size_t(columns.size());
    QImage device(1, 1, QImage::Format_RGB32); // 72 dpi: widths in points
    device.setDotsPerMeterX(2835);
    device.setDotsPerMeterY(2835);
    QFont sans(QStringLiteral("DejaVu Sans")), bold(sans), mono(QStringLiteral("DejaVu Sans Mono"));
    sans.setPointSizeF(8);
    bold.setPointSizeF(8);
    bold.setBold(true);
    mono.setPointSizeF(7.5);
    const QFontMetricsF sansMetrics(sans, &device), boldMetrics(bold, &device), monoMetrics(mono, &device);
    std::vector<double> least(count, 0.0), most(count, 0.0);
    const auto measure = [&](size_t k, const QString &text, const QFontMetricsF &metrics) {
        const QString cut = breakable(text);
        qsizetype start = 0;
        for (qsizetype i = 0; i <= cut.size(); ++i) {
            const bool end = i == cut.size() || cut[i].isSpace() || cut[i] == QChar(0x200B);
            const bool hyphen = !end && cut[i] == QLatin1Char('-') && i + 1 < cut.size() && cut[i + 1].isLetter();
            if (!end && !hyphen)
                continue;
            const qsizetype stop = hyphen ? i + 1 : i;
            least[k] = std::max(least[k], metrics.horizontalAdvance(cut.mid(start, stop - start)) * 1.04);
            start = stop + (hyphen ? 0 : 1);
        }
        most[k] = std::max(most[k], metrics.horizontalAdvance(text) * 1.04);
    };
    for (size_t k = 0; k < count; ++k)
        measure(k, columnTitle(request.kind, columns[qsizetype(k)]), boldMetrics);
    for (size_t i = 0; i < texts.size(); ++i) {
        const size_t k = i % count;
        const bool parameters = request.kind == ViewKind::Events
            && EventColumn(columns[qsizetype(k)]) == EventColumn::Parameters;
        measure(k, texts[i], parameters ? monoMetrics : sansMetrics);
    }
    // The total width at `lines` lines a cell, at `size` pt.
    const auto total = [&](double size, double lines) {
        double sum = 0;
        for (size_t k = 0; k < count; ++k)
            sum += std::max(least[k], most[k] / lines) * size / 8 + kPadding;
        return sum;
    };
    // Lines are whole: the fewest that fit, at the largest size where that is at most two.
    int lines = 1;
    for (pointSize = 8;; pointSize -= 0.5) {
        for (lines = 1; lines < 64 && total(pointSize, lines) > kPage; ++lines) {}
        if (lines <= 2 || pointSize <= 6)
            break;
    }
    std::vector<double> widths(count);
    for (size_t k = 0; k < count; ++k)
        widths[k] = std::max(least[k], most[k] / lines) * pointSize / 8 + kPadding;
    // The room left: first to the columns that need the least more to take one line, then to all alike.
    // (A page too narrow even for the longest words leaves the rest to wrapping anywhere.)
    double left = kPage - std::accumulate(widths.begin(), widths.end(), 0.0);
    std::vector<size_t> order(count);
    std::iota(order.begin(), order.end(), size_t(0));
    const auto need = [&](size_t k) { return most[k] * pointSize / 8 + kPadding - widths[k]; };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return need(a) < need(b); });
    for (const size_t k : order) {
        if (need(k) > 0 && need(k) <= left) {
            left -= need(k);
            widths[k] += need(k);
        }
    }
    for (double &w : widths)
        w += std::max(0.0, left) / double(count);
    return widths;
}

// Only what both browsers and QTextDocument (the PDF) read alike.
const char kStyle[] = R"(
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 9pt; color: #202020; }
h1 { font-size: 15pt; margin-bottom: 4pt; }
h2 { font-size: 11pt; margin-top: 12pt; margin-bottom: 4pt; }
table.grid { border-collapse: collapse; }
table.grid th { background-color: #e8e8e8; font-weight: bold; text-align: left; }
table.grid th, table.grid td { font-size: 8pt; border: 1px solid #b0b0b0; padding: 2px 4px; vertical-align: top; }
td.n { text-align: right; }
td.p { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; word-break: break-all; }
td.k { font-weight: bold; padding-right: 10pt; }
p.note { color: #606060; }
)";

// The report in pieces: the HTML joins them; the PDF lays out the front matter with QTextDocument and paints the
// table itself (QTextDocument takes about a millisecond a row to parse and lay out a table).
struct Report {
    QString head;          // up to <body>
    QString front;         // title, what was asked, the counts, the sources
    QString tableHeading;  // the view's name, and a note when rows were left out
    QString tableOpen;     // <table> and its header row
    std::vector<QString> rows;
    QString footer;        // one line for the PDF's pages
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

// Builds the report; false when cancelled.
bool buildReport(Report &report, const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf,
                 const std::atomic_bool *cancel, const ExportProgress &progress)
{
    const auto cellText = [forPdf](const QString &text) { return esc(forPdf ? breakable(text) : text); };
    const bool events = request.kind == ViewKind::Events;
    const ViewSummary summary = summarize(request, cancel);
    int lastPercent = -1;
    const auto step = [&](int percent) {
        if (progress && percent != lastPercent)
            progress(lastPercent = percent);
    };

    // The table's texts first, to size its columns.
    const QList<int> columns = tableColumns(request);
    const qsizetype width = columns.size();
    const size_t total = request.rows.size();
    const size_t shown = std::min(total, kReportRowLimit);
    std::vector<QString> texts(shown * size_t(width));
    std::string cell;
    for (size_t i = 0; i < shown; ++i) {
        if ((i & 255) == 0) {
            if (cancelled(cancel))
                return false;
            step(int(i * 50 / std::max<size_t>(1, shown)));
        }
        for (qsizetype k = 0; k < width; ++k) {
            cell.clear();
            appendCell(cell, request, request.rows[i], columns[k]);
            QString text = QString::fromStdString(cell);
            if (events && EventColumn(columns[k]) == EventColumn::Parameters && text.size() > kParametersShown)
                text = text.left(kParametersShown) + QChar(0x2026);
            texts[i * size_t(width) + size_t(k)] = text;
        }
    }
    double pointSize = 8;
    const std::vector<double> widths = fitColumns(request, columns, texts, pointSize);
    const double sum = std::accumulate(widths.begin(), widths.end(), 0.0);

    const int64_t at = request.exportedAt ? request.exportedAt : QDateTime::currentMSecsSinceEpoch();
    const QString view = events ? QStringLiteral("Events") : QStringLiteral("Operations");
    const QString exported = QStringLiteral("%1 by OpLens %2").arg(exportTimeText(at, request.utc), QStringLiteral(OPLENS_VERSION));
    report.head = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>OpLens report: %1</title>\n"
                                 "<style>%2table.view th, table.view td { font-size: %3pt; }\n"
                                 "table.view td.p { font-size: %4pt; }\n</style>\n</head><body>\n")
                      .arg(view, QString::fromLatin1(kStyle), QString::number(pointSize), QString::number(pointSize * 15 / 16));
    report.footer = QStringLiteral("OpLens report: %1 view · %2 · exported %3").arg(view, request.filter.describe(), exported);

    // What was asked, and when.
    QString &front = report.front;
    front += QStringLiteral("<h1>OpLens report: %1 view</h1>\n<table>\n").arg(view);
    const auto row = [&](const QString &key, const QString &value) {
        front += QStringLiteral("<tr><td class=\"k\">%1</td><td>%2</td></tr>\n").arg(key, value);
    };
    row(QStringLiteral("Filter"), esc(request.filter.describe()));
    if (!request.sort.isEmpty())
        row(QStringLiteral("Sorted by"), esc(request.sort));
    row(QStringLiteral("Shown"), events ? QStringLiteral("%1 events of %2 operations").arg(number(summary.events), number(summary.operations))
                                        : QStringLiteral("%1 operations (%2 events)").arg(number(summary.operations), number(summary.events)));
    row(QStringLiteral("Times in"), esc(timeZoneName(request.utc)));
    row(QStringLiteral("Exported"), esc(exported));
    front += QStringLiteral("</table>\n");

    // The counts.
    const auto counts = [&](const QString &title, const QString &what, const std::vector<ViewSummary::Count> &list) {
        front += QStringLiteral("<h2>%1</h2>\n<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n"
                                "<thead><tr><th>%2</th><th>Operations</th><th>Events</th></tr></thead>\n")
                     .arg(title, what);
        for (const ViewSummary::Count &c : list)
            front += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td><td class=\"n\">%3</td></tr>\n")
                         .arg(esc(c.label), number(c.operations), number(c.events));
        front += QStringLiteral("</table>\n");
    };
    counts(QStringLiteral("By status"), QStringLiteral("Status"), summary.byStatus);
    counts(QStringLiteral("By module"), QStringLiteral("Module"), summary.byModule);

    // Where the data came from.
    front += QStringLiteral("<h2>Sources</h2>\n<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n"
                            "<thead><tr><th>Path or URL</th><th>Size (bytes)</th><th>SHA-256</th></tr></thead>\n");
    for (const SourceInfo &s : sources)
        front += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td><td class=\"p\">%3</td></tr>\n")
                     .arg(cellText(s.location == QLatin1String("-") ? QStringLiteral("standard input") : s.location),
                          s.size >= 0 ? number(uint64_t(s.size)) : QString(), esc(s.sha256));
    front += QStringLiteral("</table>\n");

    // The table, in view order.
    report.tableHeading = QStringLiteral("<h2>%1</h2>\n").arg(view);
    if (shown < total)
        report.tableHeading += QStringLiteral("<p class=\"note\">The first %1 of %2 rows. The counts above cover every "
                                              "row; export as CSV or JSON for all of them.</p>\n")
                                   .arg(number(shown), number(total));
    report.tableOpen = QStringLiteral("<table class=\"grid view\" width=\"100%\" cellspacing=\"0\" cellpadding=\"3\">\n<thead><tr>");
    for (qsizetype k = 0; k < width; ++k)
        report.tableOpen += QStringLiteral("<th width=\"%1%\">%2</th>")
                                .arg(widths[size_t(k)] * 100 / sum, 0, 'f', 2)
                                .arg(esc(columnTitle(request.kind, columns[k])));
    report.tableOpen += QStringLiteral("</tr></thead>\n");
    if (forPdf) { // painted by writePdf()
        Report::Table &t = report.table;
        t.title = view;
        if (shown < total)
            t.note = QStringLiteral("The first %1 of %2 rows. The counts cover every row; export as CSV or JSON for all "
                                    "of them.").arg(number(shown), number(total));
        for (qsizetype k = 0; k < width; ++k) {
            t.headers << columnTitle(request.kind, columns[k]);
            t.mono.push_back(events && EventColumn(columns[k]) == EventColumn::Parameters);
            t.right.push_back(!events && OperationColumn(columns[k]) == OperationColumn::Events);
        }
        t.widths = widths;
        t.pointSize = pointSize;
        t.rows = shown;
        t.cells.reserve(texts.size());
        t.colors.reserve(texts.size());
        for (size_t i = 0; i < texts.size(); ++i) {
            t.cells.push_back(breakable(texts[i]));
            const QColor color = cellColor(request, request.rows[i / size_t(width)], columns[qsizetype(i % size_t(width))]);
            t.colors.push_back(color.isValid() ? color.rgb() : 0);
        }
        step(100);
        return true;
    }
    report.rows.reserve(shown);
    for (size_t i = 0; i < shown; ++i) {
        if ((i & 255) == 0) {
            if (cancelled(cancel))
                return false;
            step(50 + int(i * 50 / std::max<size_t>(1, shown)));
        }
        const uint32_t index = request.rows[i];
        QString html = QStringLiteral("<tr>");
        for (qsizetype k = 0; k < width; ++k) {
            const int c = columns[k];
            const QColor color = cellColor(request, index, c);
            html += QStringLiteral("<td");
            if (events && EventColumn(c) == EventColumn::Parameters)
                html += QStringLiteral(" class=\"p\"");
            else if (!events && OperationColumn(c) == OperationColumn::Events)
                html += QStringLiteral(" class=\"n\"");
            if (color.isValid())
                html += QStringLiteral(" style=\"color:%1\"").arg(color.name());
            html += QStringLiteral(">%1</td>").arg(cellText(texts[i * size_t(width) + size_t(k)]));
        }
        html += QStringLiteral("</tr>\n");
        report.rows.push_back(std::move(html));
    }
    step(100);
    return true;
}

// Writes the PDF: the front matter (a QTextDocument) on its own pages, then the table painted row by row, whole rows
// a page under its header row; a footer on every page.
QString writePdf(const Report &report, QIODevice &device, const std::atomic_bool *cancel, const ExportProgress &progress)
{
    QPdfWriter pdf(&device);
    pdf.setResolution(96); // CSS pixels are device pixels
    pdf.setCreator(QStringLiteral("OpLens %1").arg(QStringLiteral(OPLENS_VERSION)));
    pdf.setTitle(report.footer.section(QStringLiteral(" · "), 0, 0));
    pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                  QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm), QPageLayout::Millimeter));
    const QRectF paint = pdf.pageLayout().paintRectPixels(pdf.resolution());
    const double pt = pdf.resolution() / 72.0; // device pixels a point
    const double footerHeight = 16 * pt;
    const double pageWidth = paint.width(), pageHeight = paint.height() - footerHeight;

    // No ligatures: text copied or extracted from the PDF reads as the data ("fi", not U+FB01).
    QFont plain(QStringLiteral("DejaVu Sans"));
    plain.setStyleStrategy(QFont::PreferNoShaping);
    QTextDocument front;
    front.setDefaultFont(plain);
    front.documentLayout()->setPaintDevice(&pdf);
    front.setDocumentMargin(0);
    front.setHtml(report.head + report.front + Report::tail);
    front.setTextWidth(pageWidth);
    front.setPageSize(QSizeF(pageWidth, pageHeight));
    const int frontPages = front.pageCount();

    // The table: each cell's text laid out in its column; rows go to pages whole.
    const Report::Table &t = report.table;
    const size_t columns = size_t(t.headers.size());
    const double sum = std::accumulate(t.widths.begin(), t.widths.end(), 0.0);
    std::vector<double> x(columns + 1, 0.0);
    for (size_t k = 0; k < columns; ++k)
        x[k + 1] = x[k] + t.widths[k] / sum * pageWidth;
    QFont sans(plain), mono(QStringLiteral("DejaVu Sans Mono")), bold(sans), heading(sans), small(sans);
    mono.setStyleStrategy(QFont::PreferNoShaping);
    sans.setPointSizeF(t.pointSize);
    mono.setPointSizeF(t.pointSize * 15 / 16);
    bold.setPointSizeF(t.pointSize);
    bold.setBold(true);
    heading.setPointSizeF(11);
    heading.setBold(true);
    small.setPointSizeF(7);
    const double padX = 3 * pt, padY = 1.5 * pt;
    QTextOption wrap;
    wrap.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    // Lays out one cell at (0, 0) of its column's inner width; returns its height.
    const auto layoutCell = [&](QTextLayout &layout, size_t column) {
        QTextOption option = wrap;
        option.setAlignment(column < t.right.size() && t.right[column] ? Qt::AlignRight : Qt::AlignLeft);
        layout.setTextOption(option);
        layout.beginLayout();
        double y = 0;
        const double inner = std::max(1.0, x[column + 1] - x[column] - 2 * padX);
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(inner);
            line.setPosition(QPointF(0, y));
            y += line.height();
        }
        layout.endLayout();
        return y;
    };
    struct Row {
        std::vector<std::unique_ptr<QTextLayout>> cells;
        double height = 0;
    };
    const auto makeRow = [&](const QStringList &texts, const QFont &font, size_t row) {
        Row r;
        for (size_t k = 0; k < columns; ++k) {
            const bool fixed = row != size_t(-1) && k < t.mono.size() && t.mono[k];
            auto layout = std::make_unique<QTextLayout>(texts[qsizetype(k)], fixed ? mono : font, &pdf);
            r.height = std::max(r.height, layoutCell(*layout, k));
            r.cells.push_back(std::move(layout));
        }
        r.height += 2 * padY;
        return r;
    };
    const Row header = makeRow(t.headers, bold, size_t(-1));
    const QColor border(0xB0, 0xB0, 0xB0), headerFill(0xE8, 0xE8, 0xE8), text(0x20, 0x20, 0x20);
    const auto drawRow = [&](QPainter &painter, const Row &row, double top, size_t index, bool isHeader) {
        const double height = std::min(row.height, pageHeight - top);
        painter.save();
        if (isHeader)
            painter.fillRect(QRectF(0, top, x[columns], height), headerFill);
        for (size_t k = 0; k < columns; ++k) {
            const QRectF cell(x[k], top, x[k + 1] - x[k], height);
            painter.setPen(QPen(border, 0.75 * pt));
            painter.drawRect(cell);
            const QRgb rgb = isHeader ? 0 : t.colors[index * columns + k];
            painter.setPen(rgb ? QColor(rgb) : text);
            painter.save();
            painter.setClipRect(cell);
            row.cells[k]->draw(&painter, QPointF(x[k] + padX, top + padY));
            painter.restore();
        }
        painter.restore();
    };

    QPainter painter;
    if (!painter.begin(&pdf))
        return QStringLiteral("the PDF could not be started");
    // Pages are numbered as they are drawn; the total comes from a first pass over the rows' heights.
    std::vector<double> heights(t.rows);
    const double headingHeight = QFontMetricsF(heading, &pdf).height() * 1.6
        + (t.note.isEmpty() ? 0 : QFontMetricsF(small, &pdf).height() * 1.6);
    int tablePages = 1;
    {
        double y = headingHeight + header.height;
        for (size_t i = 0; i < t.rows; ++i) {
            if ((i & 63) == 0) {
                if (cancelled(cancel))
                    return {};
                if (progress)
                    progress(int(i * 50 / std::max<size_t>(1, t.rows)));
            }
            QStringList texts;
            for (size_t k = 0; k < columns; ++k)
                texts << t.cells[i * columns + k];
            double h = 0;
            for (size_t k = 0; k < columns; ++k) {
                QTextLayout layout(texts[qsizetype(k)], t.mono[k] ? mono : sans, &pdf);
                h = std::max(h, layoutCell(layout, k));
            }
            heights[i] = h + 2 * padY;
            if (y + heights[i] > pageHeight && y > header.height + 0.5) {
                ++tablePages;
                y = header.height;
            }
            y += heights[i];
        }
    }
    const int total = frontPages + tablePages;
    int number = 0;
    const auto footer = [&] {
        ++number;
        painter.save();
        painter.setFont(small);
        painter.setPen(QColor(0x60, 0x60, 0x60));
        const QFontMetricsF metrics(small, &pdf);
        const QRectF line(0, pageHeight + 6 * pt, pageWidth, footerHeight - 6 * pt);
        const QString pageText = QStringLiteral("page %1 of %2").arg(number).arg(total);
        const double room = pageWidth - metrics.horizontalAdvance(pageText) - 20 * pt;
        painter.drawText(line, Qt::AlignRight | Qt::AlignVCenter, pageText);
        painter.drawText(QRectF(line.left(), line.top(), room, line.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(report.footer, Qt::ElideRight, room));
        painter.restore();
    };
    for (int p = 0; p < frontPages; ++p) {
        if (p > 0)
            pdf.newPage();
        painter.save();
        painter.translate(0, -p * pageHeight);
        front.drawContents(&painter, QRectF(0, p * pageHeight, pageWidth, pageHeight));
        painter.restore();
        footer();
    }
    pdf.newPage();
    painter.setFont(heading);
    painter.setPen(text);
    const double headingLine = QFontMetricsF(heading, &pdf).height();
    painter.drawText(QRectF(0, 0, pageWidth, headingLine), Qt::AlignLeft | Qt::AlignVCenter, t.title);
    if (!t.note.isEmpty()) {
        painter.setFont(small);
        painter.setPen(QColor(0x60, 0x60, 0x60));
        painter.drawText(QRectF(0, headingLine * 1.3, pageWidth, QFontMetricsF(small, &pdf).height()),
                         Qt::AlignLeft | Qt::AlignVCenter, t.note);
    }
    double y = headingHeight;
    drawRow(painter, header, y, 0, true);
    y += header.height;
    for (size_t i = 0; i < t.rows; ++i) {
        if ((i & 63) == 0) {
            if (cancelled(cancel)) {
                painter.end();
                return {};
            }
            if (progress)
                progress(50 + int(i * 50 / std::max<size_t>(1, t.rows)));
        }
        if (y + heights[i] > pageHeight && y > header.height + 0.5) {
            footer();
            pdf.newPage();
            y = 0;
            drawRow(painter, header, y, 0, true);
            y += header.height;
        }
        QStringList texts;
        for (size_t k = 0; k < columns; ++k)
            texts << t.cells[i * columns + k];
        const Row row = makeRow(texts, sans, i);
        drawRow(painter, row, y, i, false);
        y += row.height;
    }
    footer();
    painter.end();
    return {};
}

} // namespace

QString reportHtml(const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf,
                   const std::atomic_bool *cancel, const ExportProgress &progress)
{
    Report report;
    if (!buildReport(report, request, sources, forPdf, cancel, progress))
        return {};
    QString html = report.head + report.front + report.tableHeading + report.tableOpen;
    for (const QString &row : report.rows)
        html += row;
    return html + Report::tableClose + Report::tail;
}

ExportResult writeReport(const ExportRequest &request, ReportFormat format, const QString &path,
                         const std::atomic_bool *cancel, const ExportProgress &progress)
{
    ExportResult result;
    if (!request.data) {
        result.error = QStringLiteral("nothing to export");
        return result;
    }
    QSaveFile file(path); // a temporary file beside it, renamed over it by commit()
    if (result.error = openForExport(file); !result.error.isEmpty())
        return result;
    // Percentages: provenance 0-20, the HTML 20-50 (or to 100), the PDF's pages 50-100.
    const bool pdf = format == ReportFormat::Pdf;
    const auto part = [&progress](int from, int to) {
        return ExportProgress([&progress, from, to](int percent) {
            if (progress)
                progress(from + percent * (to - from) / 100);
        });
    };
    if (progress)
        progress(0);
    const ExportProgress hashing = part(0, 20), building = part(20, pdf ? 50 : 100), paging = part(50, 100);
    const std::vector<SourceInfo> sources = describeSources(exportSources(request), cancel,
        [&hashing](uint64_t done, uint64_t total) { hashing(total ? int(done * 100 / total) : 100); });
    Report report;
    const bool built = !cancelled(cancel) && buildReport(report, request, sources, pdf, cancel, building);
    if (built) {
        if (pdf) {
            const QString error = writePdf(report, file, cancel, paging);
            if (!error.isEmpty())
                result.error = QStringLiteral("cannot write %1: %2").arg(path, error);
        } else {
            QString html = report.head + report.front + report.tableHeading + report.tableOpen;
            for (const QString &row : report.rows)
                html += row;
            html += Report::tableClose + Report::tail;
            const QByteArray bytes = html.toUtf8();
            if (file.write(bytes) != bytes.size())
                result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        }
        if (result.error.isEmpty() && file.error() != QFileDevice::NoError)
            result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    }
    if (cancelled(cancel))
        result.cancelled = true;
    if (!result.ok()) {
        file.cancelWriting(); // the temporary file is removed, the target left as it was
        return result;
    }
    if (!file.commit()) {
        result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return result;
    }
    result.rows = request.rows.size();
    result.bytes = uint64_t(QFileInfo(path).size());
    if (progress)
        progress(100);
    return result;
}

} // namespace oplens::ui
