// A report of a filtered view for people: one HTML page that stands alone, and the same as PDF (Qt's own writer).
// It gives the filter, the counts by status and by module, where the data came from, the timeline of the view's
// operations (inline SVG in the HTML, vectors in the PDF) and the table. No widgets: the console writes it in a worker,
// oplensctl export on its own thread; painting text needs a QGuiApplication.
#pragma once

#include "exporter.h"

namespace oplens {

enum class ReportFormat { Html, Pdf };

// The table of a report lists at most this many rows (the counts cover every row): a PDF of millions of rows
// helps no one, and CSV or JSON carry them all.
constexpr size_t kReportRowLimit = 5000;

// The report as HTML; `sources` is the provenance (describeSources()). `forPdf`: long words get invisible break
// points (U+200B) so that QTextDocument can fit the table to the page; browsers wrap them with CSS instead.
QString reportHtml(const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf = false,
                   const std::atomic_bool *cancel = nullptr, const ExportProgress &progress = {});

// Writes the report to `path` through a temporary file renamed when complete, as exportTo() does.
// Safe to call from a worker thread.
ExportResult writeReport(const ExportRequest &request, ReportFormat format, const QString &path,
                         const std::atomic_bool *cancel = nullptr, const ExportProgress &progress = {});
// The same to an open device (standard output): what is written stays written. `bytes` counts what was written
// (on a sequential device, 0).
ExportResult writeReport(const ExportRequest &request, ReportFormat format, QIODevice &device,
                         const std::atomic_bool *cancel = nullptr, const ExportProgress &progress = {});

} // namespace oplens
