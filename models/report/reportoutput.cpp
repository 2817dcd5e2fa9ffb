// The report written out: as one HTML page, or as PDF, to a file (whole or not at all) or to an open device.
#include "reportwriter.h"

#include "reportdocument.h"

#include <QFileInfo>
#include <QSaveFile>

namespace oplens {

namespace {

// The HTML page: the front matter, the timeline, the table.
QString joinHtml(const Report &report)
{
    QString html = report.head + report.front + report.timelineSection + report.tableHeading + report.tableOpen;
    for (const QString &row : report.rows)
        html += row;
    return html + Report::tableClose + Report::tail;
}

// Builds the report and writes it to `device`; the error (without the place), or empty (also when cancelled).
QString writeReportBody(const ExportRequest &request, ReportFormat format, QIODevice &device,
                        const std::atomic_bool *cancel, const ExportProgress &progress)
{
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
    if (reportCancelled(cancel) || !buildReport(report, request, sources, pdf, cancel, building))
        return {};
    if (pdf)
        return writePdf(report, device, cancel, paging);
    const QByteArray bytes = joinHtml(report).toUtf8();
    if (device.write(bytes) != bytes.size())
        return device.errorString();
    return {};
}

} // namespace

QString reportHtml(const ExportRequest &request, const std::vector<SourceInfo> &sources, bool forPdf,
                   const std::atomic_bool *cancel, const ExportProgress &progress)
{
    Report report;
    if (!buildReport(report, request, sources, forPdf, cancel, progress))
        return {};
    return joinHtml(report);
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
    if (const QString error = writeReportBody(request, format, file, cancel, progress); !error.isEmpty())
        result.error = QStringLiteral("cannot write %1: %2").arg(path, error);
    else if (!reportCancelled(cancel) && file.error() != QFileDevice::NoError)
        result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    if (reportCancelled(cancel))
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

ExportResult writeReport(const ExportRequest &request, ReportFormat format, QIODevice &device,
                         const std::atomic_bool *cancel, const ExportProgress &progress)
{
    ExportResult result;
    if (!request.data) {
        result.error = QStringLiteral("nothing to export");
        return result;
    }
    const qint64 before = device.pos();
    result.error = writeReportBody(request, format, device, cancel, progress);
    result.cancelled = reportCancelled(cancel);
    if (!result.ok())
        return result;
    result.rows = request.rows.size();
    result.bytes = uint64_t(std::max<qint64>(0, device.pos() - before));
    if (progress)
        progress(100);
    return result;
}

} // namespace oplens
