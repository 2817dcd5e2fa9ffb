// Export of a filtered view (Operations or Events) as CSV, JSON Lines or JSON, written whole or not at all. No widgets:
// the console runs it in a worker, oplensctl export on its own thread.
#pragma once

#include "viewfilter.h"
#include "viewkind.h"

#include <QIODevice>
#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

class QSaveFile;

namespace oplens {

struct ExportRequest {
    enum class Format { Csv, JsonLines, Json };

    std::shared_ptr<const Dataset> data;
    ViewKind kind = ViewKind::Events;
    std::vector<uint32_t> rows; // row indexes (Events) or operations (Operations), in view order
    Format format = Format::Csv;
    bool allFields = false;     // CSV: every field instead of the table's columns
    QList<int> columns;         // CSV: the visible columns in view order when !allFields; empty = every column
    bool bom = false;           // CSV: a UTF-8 byte-order mark first, for spreadsheet programs
    ViewFilter filter;          // described in exportInfo and reports
    QString sort;               // "Started, newest first": how the rows are ordered, for exportInfo and reports
    QStringList sourcePaths;    // provenance; empty = the dataset's source names
    int64_t now = 0;            // the view's clock: durations and Stale
    int64_t exportedAt = 0;     // 0 = when the export runs
    bool utc = false;           // times in UTC instead of local time
};

struct ExportResult {
    QString error;          // why nothing was written
    bool cancelled = false; // nothing was written
    uint64_t rows = 0;      // rows of the view written
    uint64_t events = 0;    // events written (JSON Lines, JSON)
    uint64_t bytes = 0;

    bool ok() const { return error.isEmpty() && !cancelled; }
};

using ExportProgress = std::function<void(int percent)>;

// Opens `file` for writing; the error, naming the path and saying why, or empty.
QString openForExport(QSaveFile &file);

// Writes the view to `path` through a temporary file renamed when complete: a failure or a cancel leaves no file
// (and an existing file as it was). `progress` is called on the calling thread when the percentage changes.
ExportResult exportTo(const ExportRequest &request, const QString &path, const std::atomic_bool *cancel = nullptr,
                      const ExportProgress &progress = {});
// The same to an open device (standard output): what is written stays written.
ExportResult exportTo(const ExportRequest &request, QIODevice &device, const std::atomic_bool *cancel = nullptr,
                      const ExportProgress &progress = {});

// Where the data came from: a local file with its size and SHA-256 (now), or a URL, or "-" for standard input.
struct SourceInfo {
    QString location;   // path or URL
    bool local = false;
    int64_t size = -1;  // local files
    QString sha256;     // local files, hex; empty when it could not be read
};
std::vector<SourceInfo> describeSources(const QStringList &sources, const std::atomic_bool *cancel = nullptr,
                                        const std::function<void(uint64_t done, uint64_t total)> &progress = {});
QStringList exportSources(const ExportRequest &request); // sourcePaths, or the dataset's sources

// exportInfo of the JSON format: sources, filter, sort, time zone, time of export, OpLens version.
std::string exportInfoJson(const ExportRequest &request, const std::vector<SourceInfo> &sources, uint64_t rows,
                           uint64_t events);
QString timeZoneName(bool utc);  // "UTC", or the system zone's id ("Europe/Rome")
QString exportTimeText(int64_t epochMs, bool utc); // ISO 8601 with the offset: "2025-11-23T01:00:03+01:00"

// What a report says about the view: its operations by status, and operations and events by module.
struct ViewSummary {
    struct Count {
        QString label;
        uint64_t operations = 0;
        uint64_t events = 0;
    };
    std::vector<Count> byStatus; // in statusText order of severity, only those present
    std::vector<Count> byModule; // most operations first
    uint64_t operations = 0, events = 0;
};
ViewSummary summarize(const ExportRequest &request, const std::atomic_bool *cancel = nullptr);

// The table's columns the export writes when !allFields: `columns`, or all of them.
QList<int> tableColumns(const ExportRequest &request);
// The title of a column of the view's table.
QString columnTitle(ViewKind kind, int column);
// The text of a cell of the view's table (what the console shows; Parameters whole).
void appendCell(std::string &out, const ExportRequest &request, uint32_t index, int column);

// The CSV cell as RFC 4180 writes it, made inert for spreadsheets when it begins with = + - @ tab or CR.
void appendCsvCell(std::string &out, std::string_view cell);

} // namespace oplens
