#include "exportcommand.h"

#include "clicommon.h"
#include "exporter.h"
#include "reportwriter.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>

#include <cstdio>
#include <optional>
#include <unistd.h>

namespace oplens::cli {

namespace {

void addExportOptions(QCommandLineParser &parser)
{
    addReadingOptions(parser, false);
    parser.addOptions({
        {QStringLiteral("format"), QStringLiteral("csv (the table), jsonl (the events, one a line), json "
                                                  "({\"operationList\": [...]} with exportInfo), or a report for "
                                                  "people: html (one page, with the timeline as SVG) or pdf (needs -o "
                                                  "when standard output is a terminal)."),
         QStringLiteral("F")},
        {QStringLiteral("view"), QStringLiteral("events (default: every event, newest first) or operations (one row "
                                                "each, newest first; jsonl and json write every event of each)."),
         QStringLiteral("V")},
        {{QStringLiteral("o"), QStringLiteral("output")},
         QStringLiteral("Write to FILE (through a temporary file, renamed when complete) instead of standard output."),
         QStringLiteral("FILE")},
        {QStringLiteral("all-fields"), QStringLiteral("csv: every field instead of the console table's columns.")},
        {QStringLiteral("bom"), QStringLiteral("csv: begin with a UTF-8 byte-order mark, for spreadsheet programs.")},
        {QStringLiteral("utc"), QStringLiteral("Times in UTC instead of local time.")},
    });
}

// --format (required) and --view; false after printing the usage error. `report`: set for html and pdf.
bool readFormatAndView(const QCommandLineParser &parser, ExportRequest &request, std::optional<ReportFormat> &report)
{
    const QString format = parser.value(QStringLiteral("format")).toLower();
    if (format == QLatin1String("csv")) {
        request.format = ExportRequest::Format::Csv;
    } else if (format == QLatin1String("jsonl")) {
        request.format = ExportRequest::Format::JsonLines;
    } else if (format == QLatin1String("json")) {
        request.format = ExportRequest::Format::Json;
    } else if (format == QLatin1String("html")) {
        report = ReportFormat::Html;
    } else if (format == QLatin1String("pdf")) {
        report = ReportFormat::Pdf;
    } else {
        error(parser.isSet(QStringLiteral("format"))
                  ? QStringLiteral("--format: \"%1\" is not csv, jsonl, json, html or pdf")
                        .arg(parser.value(QStringLiteral("format")))
                  : QStringLiteral("--format is required: csv, jsonl, json, html or pdf"));
        return false;
    }
    // A PDF is bytes no terminal shows: said before reading anything.
    if (report == ReportFormat::Pdf && !parser.isSet(QStringLiteral("output")) && isatty(STDOUT_FILENO)) {
        error(QStringLiteral("--format pdf: standard output is a terminal; give -o FILE, or send the output to a file "
                             "or a pipe"));
        return false;
    }
    const QString view = parser.value(QStringLiteral("view")).toLower();
    if (view.isEmpty() || view == QLatin1String("events")) {
        request.kind = ViewKind::Events;
    } else if (view == QLatin1String("operations")) {
        request.kind = ViewKind::Operations;
    } else {
        error(QStringLiteral("--view: \"%1\" is not events or operations").arg(parser.value(QStringLiteral("view"))));
        return false;
    }
    return true;
}

// -o FILE names a file in a folder that exists: said now rather than after reading every source. False after
// printing why not.
bool checkOutput(const QString &output)
{
    const QFileInfo folder(QFileInfo(output).absolutePath());
    if (output.isEmpty() || QFileInfo(output).isDir() || !folder.isDir()) {
        error(QStringLiteral("cannot write %1: %2")
                  .arg(output, output.isEmpty() || QFileInfo(output).isDir()
                                   ? QStringLiteral("not a file name")
                                   : QStringLiteral("the folder %1 does not exist").arg(folder.filePath())));
        return false;
    }
    return true;
}

// The view's rows: filtered, newest first, at most --limit of them.
void selectRows(ExportRequest &request, const Dataset &data, const ReadingOptions &options, int64_t now)
{
    if (request.kind == ViewKind::Events) {
        request.rows = filterEvents(data, options.filter, now);
        sortEvents(data, request.rows, EventColumn::Time, true);
        request.sort = QStringLiteral("Time, descending");
    } else {
        request.rows = filterOperations(data, options.filter, now);
        sortOperations(data, request.rows, OperationColumn::Started, true, now);
        request.sort = QStringLiteral("Started, descending");
    }
    if (options.limit >= 0 && request.rows.size() > size_t(options.limit))
        request.rows.resize(size_t(options.limit));
}

// To -o FILE, or to standard output, as data or as a report; false after printing why it failed.
bool writeExport(const ExportRequest &request, const std::optional<ReportFormat> &report,
                 const QCommandLineParser &parser)
{
    ExportResult result;
    if (parser.isSet(QStringLiteral("output"))) {
        const QString path = parser.value(QStringLiteral("output"));
        result = report ? writeReport(request, *report, path) : exportTo(request, path);
    } else {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            error(QStringLiteral("cannot write to standard output: %1").arg(out.errorString()));
            return false;
        }
        result = report ? writeReport(request, *report, out) : exportTo(request, out);
        if (!result.error.isEmpty())
            result.error = QStringLiteral("cannot write to standard output: %1").arg(result.error);
    }
    if (!result.ok()) {
        error(result.error);
        return false;
    }
    return true;
}

} // namespace

bool exportWritesReport(const QStringList &args)
{
    if (args.value(0) != QLatin1String("export"))
        return false;
    for (qsizetype i = 1; i < args.size() && args[i] != QLatin1String("--"); ++i) {
        const QString &arg = args[i];
        QString format;
        if (arg == QLatin1String("--format"))
            format = args.value(i + 1);
        else if (arg.startsWith(QLatin1String("--format=")))
            format = arg.mid(9);
        format = format.toLower();
        if (format == QLatin1String("html") || format == QLatin1String("pdf"))
            return true;
    }
    return false;
}

int exportCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addExportOptions(parser);
    const QString description = QStringLiteral(
        "Export the filtered view as CSV (RFC 4180, UTF-8), JSON Lines or JSON, or as the console's report (HTML or "
        "PDF: the filter, the counts, the sources, the timeline and the first 5000 rows). Exit status 2 also when the "
        "output cannot be written.");
    if (const int status = parseArguments(parser, args, description); status >= 0)
        return status;

    ExportRequest request;
    std::optional<ReportFormat> report;
    if (!readFormatAndView(parser, request, report))
        return Usage;
    if (report && !qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        // exportWritesReport() did not see the format as parseArguments() did: no text can be drawn.
        error(QStringLiteral("--format %1: give it as \"--format %1\"").arg(parser.value(QStringLiteral("format"))));
        return Usage;
    }
    const auto options = readingOptions(parser);
    if (!options)
        return Usage;
    if (parser.isSet(QStringLiteral("output")) && !checkOutput(parser.value(QStringLiteral("output"))))
        return Unreadable;

    Loaded loaded = load(*options);
    const auto data = std::make_shared<const Dataset>(std::move(loaded.data));
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    selectRows(request, *data, *options, now);
    request.data = data;
    request.filter = options->filter;
    request.sourcePaths = options->sources;
    request.allFields = parser.isSet(QStringLiteral("all-fields"));
    request.bom = parser.isSet(QStringLiteral("bom"));
    request.utc = parser.isSet(QStringLiteral("utc"));
    request.now = now;
    request.exportedAt = now;

    if (!writeExport(request, report, parser))
        return Unreadable;
    return loadStatus(loaded, *options);
}

} // namespace oplens::cli
