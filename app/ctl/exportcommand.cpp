#include "exportcommand.h"

#include "clicommon.h"
#include "exporter.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace oplens::cli {

namespace {

void addExportOptions(QCommandLineParser &parser)
{
    addReadingOptions(parser, false);
    parser.addOptions({
        {QStringLiteral("format"), QStringLiteral("csv (the table), jsonl (the events, one a line) or json "
                                                  "({\"operationList\": [...]} with exportInfo)."),
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

// --format (required) and --view; false after printing the usage error.
bool readFormatAndView(const QCommandLineParser &parser, ExportRequest &request)
{
    const QString format = parser.value(QStringLiteral("format")).toLower();
    if (format == QLatin1String("csv")) {
        request.format = ExportRequest::Format::Csv;
    } else if (format == QLatin1String("jsonl")) {
        request.format = ExportRequest::Format::JsonLines;
    } else if (format == QLatin1String("json")) {
        request.format = ExportRequest::Format::Json;
    } else {
        error(parser.isSet(QStringLiteral("format"))
                  ? QStringLiteral("--format: \"%1\" is not csv, jsonl or json").arg(parser.value(QStringLiteral("format")))
                  : QStringLiteral("--format is required: csv, jsonl or json"));
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

// To -o FILE, or to standard output; false after printing why it failed.
bool writeExport(const ExportRequest &request, const QCommandLineParser &parser)
{
    ExportResult result;
    if (parser.isSet(QStringLiteral("output"))) {
        result = exportTo(request, parser.value(QStringLiteral("output")));
    } else {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            error(QStringLiteral("cannot write to standard output: %1").arg(out.errorString()));
            return false;
        }
        result = exportTo(request, out);
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

int exportCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addExportOptions(parser);
    const QString description = QStringLiteral(
        "Export the filtered view as CSV (RFC 4180, UTF-8), JSON Lines or JSON. Exit status 2 also when the output "
        "cannot be written.");
    if (const int status = parseArguments(parser, args, description); status >= 0)
        return status;

    ExportRequest request;
    if (!readFormatAndView(parser, request))
        return Usage;
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

    if (!writeExport(request, parser))
        return Unreadable;
    return loadStatus(loaded, *options);
}

} // namespace oplens::cli
