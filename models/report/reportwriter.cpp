// The report's pieces built from the view: the front matter, the timeline and the table (reportoutput.cpp joins them
// into HTML, reportpdf.cpp paints the PDF).
#include "reportwriter.h"

#include "celltext.h"
#include "reportdocument.h"
#include "reporttimeline.h"
#include "statuscolor.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QLocale>
#include <QSaveFile>

#include <numeric>

namespace oplens {

namespace {

constexpr int kParametersShown = 500; // as the Events table shows them

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
svg.timeline { display: block; max-width: 100%; height: auto; }
)";

// Builds a report's pieces from the view: the table's texts first (they size its columns), then the head, the front
// matter (what was asked, the counts, the sources) and the table, as HTML rows or as the cells writePdf() paints.
class ReportBuilder
{
public:
    ReportBuilder(Report &report, const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf,
                  const std::atomic_bool *cancel, const ExportProgress &progress);
    bool build(); // false when cancelled

private:
    QString cellText(const QString &text) const { return esc(m_forPdf ? breakable(text) : text); }
    void step(int percent);
    bool readTexts();
    void writeHead();
    void writeAsked(const ViewSummary &summary);
    void writeCounts(const QString &title, const QString &what, const std::vector<ViewSummary::Count> &list);
    void writeSources();
    bool writeTimeline();
    void writeTableStart();
    void fillPdfTable();
    bool writeHtmlRows();

    Report &m_report;
    const ExportRequest &m_request;
    const std::vector<SourceInfo> &m_sources;
    const bool m_forPdf, m_events;
    const std::atomic_bool *m_cancel;
    const ExportProgress &m_progress;
    int m_lastPercent = -1;
    const QList<int> m_columns;
    const qsizetype m_width;
    const size_t m_total, m_shown;
    const QString m_view;
    std::vector<QString> m_texts; // the table's cells, row by row, as appendCell() gives them (Parameters cut)
    std::vector<double> m_widths;
    double m_sum = 0, m_pointSize = 8;
    QString m_exported;
};

ReportBuilder::ReportBuilder(Report &report, const ExportRequest &request, const std::vector<SourceInfo> &sources,
                             bool forPdf, const std::atomic_bool *cancel, const ExportProgress &progress)
    : m_report(report), m_request(request), m_sources(sources), m_forPdf(forPdf),
      m_events(request.kind == ViewKind::Events), m_cancel(cancel), m_progress(progress),
      m_columns(tableColumns(request)), m_width(m_columns.size()), m_total(request.rows.size()),
      m_shown(std::min(m_total, kReportRowLimit)),
      m_view(m_events ? QStringLiteral("Events") : QStringLiteral("Operations"))
{
}

bool ReportBuilder::build()
{
    const ViewSummary summary = summarize(m_request, m_cancel);
    if (!readTexts())
        return false;
    m_widths = fitColumns(m_request, m_columns, m_texts, m_pointSize);
    m_sum = std::accumulate(m_widths.begin(), m_widths.end(), 0.0);
    writeHead();
    writeAsked(summary);
    writeCounts(QStringLiteral("By status"), QStringLiteral("Status"), summary.byStatus);
    writeCounts(QStringLiteral("By module"), QStringLiteral("Module"), summary.byModule);
    writeSources();
    if (!writeTimeline())
        return false;
    writeTableStart();
    if (m_forPdf) {
        fillPdfTable();
    } else if (!writeHtmlRows()) {
        return false;
    }
    step(100);
    return true;
}

void ReportBuilder::step(int percent)
{
    if (m_progress && percent != m_lastPercent)
        m_progress(m_lastPercent = percent);
}

// The texts of the rows shown, in view order. False when cancelled.
bool ReportBuilder::readTexts()
{
    m_texts.resize(m_shown * size_t(m_width));
    std::string cell;
    for (size_t i = 0; i < m_shown; ++i) {
        if ((i & 255) == 0) {
            if (reportCancelled(m_cancel))
                return false;
            step(int(i * 50 / std::max<size_t>(1, m_shown)));
        }
        for (qsizetype k = 0; k < m_width; ++k) {
            cell.clear();
            appendCell(cell, m_request, m_request.rows[i], m_columns[k]);
            QString text = QString::fromStdString(cell);
            if (m_events && EventColumn(m_columns[k]) == EventColumn::Parameters && text.size() > kParametersShown)
                text = text.left(kParametersShown) + QChar(0x2026);
            m_texts[i * size_t(m_width) + size_t(k)] = text;
        }
    }
    return true;
}

void ReportBuilder::writeHead()
{
    const int64_t at = m_request.exportedAt ? m_request.exportedAt : QDateTime::currentMSecsSinceEpoch();
    m_exported = QStringLiteral("%1 by OpLens %2").arg(exportTimeText(at, m_request.utc), QStringLiteral(OPLENS_VERSION));
    m_report.head = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>OpLens report: %1</title>\n"
                                   "<style>%2table.view th, table.view td { font-size: %3pt; }\n"
                                   "table.view td.p { font-size: %4pt; }\n</style>\n</head><body>\n")
                        .arg(m_view, QString::fromLatin1(kStyle), QString::number(m_pointSize),
                             QString::number(m_pointSize * 15 / 16));
    m_report.footer = QStringLiteral("OpLens report: %1 view · %2 · exported %3")
                          .arg(m_view, m_request.filter.describe(), m_exported);
}

// What was asked, and when.
void ReportBuilder::writeAsked(const ViewSummary &summary)
{
    QString &front = m_report.front;
    front += QStringLiteral("<h1>OpLens report: %1 view</h1>\n<table>\n").arg(m_view);
    const auto row = [&](const QString &key, const QString &value) {
        front += QStringLiteral("<tr><td class=\"k\">%1</td><td>%2</td></tr>\n").arg(key, value);
    };
    row(QStringLiteral("Filter"), esc(m_request.filter.describe()));
    if (!m_request.sort.isEmpty())
        row(QStringLiteral("Sorted by"), esc(m_request.sort));
    row(QStringLiteral("Shown"),
        m_events ? QStringLiteral("%1 events of %2 operations").arg(number(summary.events), number(summary.operations))
                 : QStringLiteral("%1 operations (%2 events)").arg(number(summary.operations), number(summary.events)));
    row(QStringLiteral("Times in"), esc(timeZoneName(m_request.utc)));
    row(QStringLiteral("Exported"), esc(m_exported));
    front += QStringLiteral("</table>\n");
}

void ReportBuilder::writeCounts(const QString &title, const QString &what, const std::vector<ViewSummary::Count> &list)
{
    QString &front = m_report.front;
    front += QStringLiteral("<h2>%1</h2>\n<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n"
                            "<thead><tr><th>%2</th><th>Operations</th><th>Events</th></tr></thead>\n")
                 .arg(title, what);
    for (const ViewSummary::Count &c : list)
        front += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td><td class=\"n\">%3</td></tr>\n")
                     .arg(esc(c.label), number(c.operations), number(c.events));
    front += QStringLiteral("</table>\n");
}

// Where the data came from.
void ReportBuilder::writeSources()
{
    QString &front = m_report.front;
    front += QStringLiteral("<h2>Sources</h2>\n<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n"
                            "<thead><tr><th>Path or URL</th><th>Size (bytes)</th><th>SHA-256</th></tr></thead>\n");
    for (const SourceInfo &s : m_sources)
        front += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td><td class=\"p\">%3</td></tr>\n")
                     .arg(cellText(s.location == QLatin1String("-") ? QStringLiteral("standard input") : s.location),
                          s.size >= 0 ? number(uint64_t(s.size)) : QString(), esc(s.sha256));
    front += QStringLiteral("</table>\n");
}

// Every operation of the view on the timeline: the HTML's inline SVG, or the layout the PDF draws. False when
// cancelled.
bool ReportBuilder::writeTimeline()
{
    m_report.utc = m_request.utc;
    m_report.timeline = reportTimeline(m_request, m_cancel);
    if (reportCancelled(m_cancel))
        return false;
    if (!m_forPdf)
        m_report.timelineSection = timelineSectionHtml(m_report.timeline, m_request.utc);
    return true;
}

// The table's heading, and its header row sized by fitColumns().
void ReportBuilder::writeTableStart()
{
    m_report.tableHeading = QStringLiteral("<h2>%1</h2>\n").arg(m_view);
    if (m_shown < m_total)
        m_report.tableHeading += QStringLiteral("<p class=\"note\">The first %1 of %2 rows. The counts above cover every "
                                                "row; export as CSV or JSON for all of them.</p>\n")
                                     .arg(number(m_shown), number(m_total));
    m_report.tableOpen = QStringLiteral("<table class=\"grid view\" width=\"100%\" cellspacing=\"0\" cellpadding=\"3\">\n<thead><tr>");
    for (qsizetype k = 0; k < m_width; ++k)
        m_report.tableOpen += QStringLiteral("<th width=\"%1%\">%2</th>")
                                  .arg(m_widths[size_t(k)] * 100 / m_sum, 0, 'f', 2)
                                  .arg(esc(columnTitle(m_request.kind, m_columns[k])));
    m_report.tableOpen += QStringLiteral("</tr></thead>\n");
}

// The table as writePdf() paints it: headers, widths, fonts, and every cell with its break points and colour.
void ReportBuilder::fillPdfTable()
{
    Report::Table &t = m_report.table;
    t.title = m_view;
    if (m_shown < m_total)
        t.note = QStringLiteral("The first %1 of %2 rows. The counts cover every row; export as CSV or JSON for all "
                                "of them.").arg(number(m_shown), number(m_total));
    for (qsizetype k = 0; k < m_width; ++k) {
        t.headers << columnTitle(m_request.kind, m_columns[k]);
        t.mono.push_back(m_events && EventColumn(m_columns[k]) == EventColumn::Parameters);
        t.right.push_back(!m_events && OperationColumn(m_columns[k]) == OperationColumn::Events);
    }
    t.widths = m_widths;
    t.pointSize = m_pointSize;
    t.rows = m_shown;
    t.cells.reserve(m_texts.size());
    t.colors.reserve(m_texts.size());
    for (size_t i = 0; i < m_texts.size(); ++i) {
        t.cells.push_back(breakable(m_texts[i]));
        const QColor color = cellColor(m_request, m_request.rows[i / size_t(m_width)], m_columns[qsizetype(i % size_t(m_width))]);
        t.colors.push_back(color.isValid() ? color.rgb() : 0);
    }
}

// The table's rows as HTML, coloured as the console shows them. False when cancelled.
bool ReportBuilder::writeHtmlRows()
{
    m_report.rows.reserve(m_shown);
    for (size_t i = 0; i < m_shown; ++i) {
        if ((i & 255) == 0) {
            if (reportCancelled(m_cancel))
                return false;
            step(50 + int(i * 50 / std::max<size_t>(1, m_shown)));
        }
        const uint32_t index = m_request.rows[i];
        QString html = QStringLiteral("<tr>");
        for (qsizetype k = 0; k < m_width; ++k) {
            const int c = m_columns[k];
            const QColor color = cellColor(m_request, index, c);
            html += QStringLiteral("<td");
            if (m_events && EventColumn(c) == EventColumn::Parameters)
                html += QStringLiteral(" class=\"p\"");
            else if (!m_events && OperationColumn(c) == OperationColumn::Events)
                html += QStringLiteral(" class=\"n\"");
            if (color.isValid())
                html += QStringLiteral(" style=\"color:%1\"").arg(color.name());
            html += QStringLiteral(">%1</td>").arg(cellText(m_texts[i * size_t(m_width) + size_t(k)]));
        }
        html += QStringLiteral("</tr>\n");
        m_report.rows.push_back(std::move(html));
    }
    return true;
}

} // namespace

bool buildReport(Report &report, const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf,
                 const std::atomic_bool *cancel, const ExportProgress &progress)
{
    return ReportBuilder(report, request, sources, forPdf, cancel, progress).build();
}

} // namespace oplens
