#include "reportwriter.h"

#include "celltext.h"
#include "statusstyle.h"

#include <QLocale>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QTextOption>

namespace oplens::ui {

namespace {

constexpr int kParametersShown = 500; // as the Events table shows them

bool cancelled(const std::atomic_bool *cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

QString esc(const QString &text) { return text.toHtmlEscaped(); }

QString number(uint64_t n) { return QLocale::c().toString(qulonglong(n)).replace(QLatin1Char(','), QChar(0x202F)); }

// The colour a cell's text takes in the table, as the console shows it; invalid for none.
QColor cellColor(const ExportRequest &request, uint32_t index, int column)
{
    const Dataset &d = *request.data;
    if (request.kind == ViewQuery::Kind::Operations) {
        if (OperationColumn(column) != OperationColumn::Status)
            return {};
        return statusColor(d.operation(index).status, d.isStale(index, request.now));
    }
    if (EventColumn(column) != EventColumn::Type)
        return {};
    const auto status = statusForKind(d.events().kind(index));
    return status ? statusColor(*status) : QColor();
}

// Only what both browsers and QTextDocument (the PDF) read alike.
const char kStyle[] = R"(
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 9pt; color: #202020; }
h1 { font-size: 15pt; margin-bottom: 4pt; }
h2 { font-size: 11pt; margin-top: 12pt; margin-bottom: 4pt; }
table.grid { border-collapse: collapse; }
table.grid th { background-color: #e8e8e8; font-weight: bold; text-align: left; }
table.grid th, table.grid td { border: 1px solid #b0b0b0; padding: 2px 5px; vertical-align: top; }
td.n { text-align: right; }
td.p { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
td.k { font-weight: bold; padding-right: 10pt; }
p.note { color: #606060; }
)";

} // namespace

QString reportHtml(const ExportRequest &request, const std::vector<SourceInfo> &sources,
                   const std::atomic_bool *cancel, const ExportProgress &progress)
{
    const bool events = request.kind == ViewQuery::Kind::Events;
    const ViewSummary summary = summarize(request, cancel);
    const int64_t at = request.exportedAt ? request.exportedAt : QDateTime::currentMSecsSinceEpoch();
    const QString view = events ? QStringLiteral("Events") : QStringLiteral("Operations");
    QString html;
    html.reserve(1 << 20);
    html += QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>OpLens report: %1</title>\n"
                           "<style>%2</style>\n</head><body>\n")
                .arg(view, QString::fromLatin1(kStyle));
    html += QStringLiteral("<h1>OpLens report: %1 view</h1>\n").arg(view);

    // What was asked, and when.
    const auto row = [&](const QString &key, const QString &value) {
        html += QStringLiteral("<tr><td class=\"k\">%1</td><td>%2</td></tr>\n").arg(key, value);
    };
    html += QStringLiteral("<table>\n");
    row(QStringLiteral("Filter"), esc(request.filter.describe()));
    if (!request.sort.isEmpty())
        row(QStringLiteral("Sorted by"), esc(request.sort));
    row(QStringLiteral("Shown"), events ? QStringLiteral("%1 events of %2 operations").arg(number(summary.events), number(summary.operations))
                                        : QStringLiteral("%1 operations (%2 events)").arg(number(summary.operations), number(summary.events)));
    row(QStringLiteral("Times in"), esc(timeZoneName(request.utc)));
    row(QStringLiteral("Exported"), esc(QStringLiteral("%1 by OpLens %2").arg(exportTimeText(at, request.utc), QStringLiteral(OPLENS_VERSION))));
    html += QStringLiteral("</table>\n");

    // The counts.
    const auto counts = [&](const QString &title, const QString &what, const std::vector<ViewSummary::Count> &list) {
        html += QStringLiteral("<h2>%1</h2>\n<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n"
                               "<thead><tr><th>%2</th><th>Operations</th><th>Events</th></tr></thead>\n")
                    .arg(title, what);
        for (const ViewSummary::Count &c : list)
            html += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td><td class=\"n\">%3</td></tr>\n")
                        .arg(esc(c.label), number(c.operations), number(c.events));
        html += QStringLiteral("</table>\n");
    };
    counts(QStringLiteral("By status"), QStringLiteral("Status"), summary.byStatus);
    counts(QStringLiteral("By module"), QStringLiteral("Module"), summary.byModule);

    // The table, in view order.
    const QList<int> columns = tableColumns(request);
    const size_t total = request.rows.size();
    const size_t shown = std::min(total, kReportRowLimit);
    html += QStringLiteral("<h2>%1</h2>\n").arg(view);
    if (shown < total)
        html += QStringLiteral("<p class=\"note\">The first %1 of %2 rows. The counts above cover every row; export as "
                               "CSV or JSON for all of them.</p>\n")
                    .arg(number(shown), number(total));
    html += QStringLiteral("<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n<thead><tr>");
    for (const int c : columns)
        html += QStringLiteral("<th>%1</th>").arg(esc(columnTitle(request.kind, c)));
    html += QStringLiteral("</tr></thead>\n");
    std::string cell;
    int lastPercent = -1;
    for (size_t i = 0; i < shown; ++i) {
        if ((i & 255) == 0) {
            if (cancelled(cancel))
                return {};
            const int percent = int(i * 40 / std::max<size_t>(1, shown));
            if (progress && percent != lastPercent)
                progress(lastPercent = percent);
        }
        const uint32_t index = request.rows[i];
        html += QStringLiteral("<tr>");
        for (const int c : columns) {
            cell.clear();
            appendCell(cell, request, index, c);
            QString text = QString::fromStdString(cell);
            const bool parameters = events && EventColumn(c) == EventColumn::Parameters;
            if (parameters && text.size() > kParametersShown)
                text = text.left(kParametersShown) + QChar(0x2026);
            const QColor color = cellColor(request, index, c);
            html += QStringLiteral("<td");
            if (parameters)
                html += QStringLiteral(" class=\"p\"");
            else if (!events && OperationColumn(c) == OperationColumn::Events)
                html += QStringLiteral(" class=\"n\"");
            if (color.isValid())
                html += QStringLiteral(" style=\"color:%1\"").arg(color.name());
            html += QStringLiteral(">%1</td>").arg(esc(text));
        }
        html += QStringLiteral("</tr>\n");
    }
    html += QStringLiteral("</table>\n");

    // Where it came from.
    html += QStringLiteral("<h2>Sources</h2>\n<table class=\"grid\" cellspacing=\"0\" cellpadding=\"3\">\n"
                           "<thead><tr><th>Path or URL</th><th>Size (bytes)</th><th>SHA-256</th></tr></thead>\n");
    for (const SourceInfo &s : sources)
        html += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td><td class=\"p\">%3</td></tr>\n")
                    .arg(esc(s.location == QLatin1String("-") ? QStringLiteral("standard input") : s.location),
                         s.size >= 0 ? number(uint64_t(s.size)) : QString(), esc(s.sha256));
    html += QStringLiteral("</table>\n</body></html>\n");
    return html;
}

ExportResult writeReport(const ExportRequest &request, ReportFormat format, const QString &path,
                         const std::atomic_bool *cancel, const ExportProgress &progress)
{
    ExportResult result;
    if (!request.data) {
        result.error = QStringLiteral("nothing to export");
        return result;
    }
    if (QFileInfo(path).isDir()) {
        result.error = QStringLiteral("cannot write %1: it is a folder").arg(path);
        return result;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        const QFileInfo folder(QFileInfo(path).absolutePath());
        const QString why = !folder.exists() ? QStringLiteral("the folder %1 does not exist").arg(folder.filePath())
                                             : file.errorString();
        result.error = QStringLiteral("cannot write %1: %2").arg(path, why);
        return result;
    }
    // Percentages: provenance 0-20, the HTML 20-60, the PDF's layout and writing 60-100.
    const auto part = [&progress](int from, int to) {
        return ExportProgress([&progress, from, to](int percent) {
            if (progress)
                progress(from + percent * (to - from) / 100);
        });
    };
    if (progress)
        progress(0);
    const ExportProgress hashing = part(0, 20);
    const std::vector<SourceInfo> sources = describeSources(exportSources(request), cancel,
        [&hashing](uint64_t done, uint64_t total) { hashing(total ? int(done * 100 / total) : 100); });
    const ExportProgress building = part(20, format == ReportFormat::Html ? 100 : 60);
    const QString html = reportHtml(request, sources, cancel, [&building](int percent) { building(percent * 100 / 40); });
    if (cancelled(cancel)) {
        file.cancelWriting();
        result.cancelled = true;
        return result;
    }
    if (format == ReportFormat::Html) {
        const QByteArray bytes = html.toUtf8();
        if (file.write(bytes) != bytes.size())
            result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    } else {
        QTextDocument document;
        QTextOption option = document.defaultTextOption();
        option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere); // long ids and JSON wrap inside their cells
        document.setDefaultTextOption(option);
        document.setHtml(html);
        if (progress)
            progress(75);
        QPdfWriter pdf(&file);
        pdf.setCreator(QStringLiteral("OpLens %1").arg(QStringLiteral(OPLENS_VERSION)));
        pdf.setTitle(QStringLiteral("OpLens report: %1 view")
                         .arg(request.kind == ViewQuery::Kind::Events ? QStringLiteral("Events") : QStringLiteral("Operations")));
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(10, 10, 10, 10),
                                      QPageLayout::Millimeter));
        document.print(&pdf);
        if (file.error() != QFileDevice::NoError)
            result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    }
    if (cancelled(cancel))
        result.cancelled = true;
    if (!result.ok()) {
        file.cancelWriting();
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
