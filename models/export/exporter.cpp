// The export itself: the view written as CSV, JSON Lines or JSON to a device in large pieces, or to a file through a
// temporary one. What the files say besides the rows (columns, provenance, exportInfo, the summary) is in
// exportinfo.cpp.
#include "exporter.h"

#include "celltext.h"
#include "eventformat.h"
#include "exportcommon.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QTimeZone>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_set>

namespace oplens {

namespace {

using ordered_json = nlohmann::ordered_json;
using exportcommon::cancelled;
using exportcommon::kChunk;
using exportcommon::utf8;

// Reports the percentage of `done` out of `total` within [from, to], only when it changes.
class Percent
{
public:
    explicit Percent(const ExportProgress &progress) : m_progress(progress) {}
    void operator()(uint64_t done, uint64_t total, int from = 0, int to = 100)
    {
        if (!m_progress)
            return;
        const int percent = from + (total ? int(double(done) / double(total) * (to - from)) : to - from);
        if (percent == m_last)
            return;
        m_last = percent;
        m_progress(percent);
    }

private:
    const ExportProgress &m_progress;
    int m_last = -1;
};

// Holds the text and hands it to the device in large pieces.
class Writer
{
public:
    explicit Writer(QIODevice &device) : m_device(device) { m_buffer.reserve(kChunk + (kChunk >> 2)); }
    std::string &buffer() { return m_buffer; }
    uint64_t bytes() const { return m_bytes + m_buffer.size(); }
    bool failed() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    bool maybeFlush() { return m_buffer.size() < kChunk || flush(); }
    bool flush()
    {
        if (failed())
            return false;
        size_t done = 0;
        while (done < m_buffer.size()) {
            const qint64 n = m_device.write(m_buffer.data() + done, qint64(m_buffer.size() - done));
            if (n <= 0) {
                m_error = m_device.errorString();
                if (m_error.isEmpty() || m_error == QLatin1String("Unknown error"))
                    m_error = QStringLiteral("the data could not be written");
                return false;
            }
            done += size_t(n);
        }
        m_bytes += m_buffer.size();
        m_buffer.clear();
        return true;
    }

private:
    QIODevice &m_device;
    std::string m_buffer;
    uint64_t m_bytes = 0;
    QString m_error;
};

// Every event of the listed operations, each operation's events in time order, operations in view order. An
// operation Interrupted by a ServiceStarted marker brings the marker (once): read back, it has the same status.
std::vector<uint32_t> eventsOfOperations(const Dataset &data, const std::vector<uint32_t> &ops,
                                         const std::atomic_bool *cancel)
{
    const EventStore &s = data.events();
    std::vector<uint32_t> slot(data.operationCount(), kNone);
    for (size_t i = 0; i < ops.size(); ++i)
        if (ops[i] < slot.size())
            slot[ops[i]] = uint32_t(i);
    std::vector<uint32_t> start(ops.size() + 1, 0);
    for (uint32_t r = 0; r < s.size(); ++r) {
        const uint32_t op = s.operation(r);
        if (op != kNone && slot[op] != kNone)
            ++start[slot[op] + 1];
    }
    for (size_t i = 0; i < ops.size(); ++i)
        start[i + 1] += start[i];
    std::vector<uint32_t> grouped(start.back());
    std::vector<uint32_t> cursor(start.begin(), start.end() - 1);
    for (uint32_t r = 0; r < s.size(); ++r) {
        const uint32_t op = s.operation(r);
        if (op != kNone && slot[op] != kNone)
            grouped[cursor[slot[op]]++] = r;
    }
    std::vector<uint32_t> rows;
    rows.reserve(grouped.size());
    std::unordered_set<uint32_t> markers;
    const auto earlier = [&data](uint32_t a, uint32_t b) { return data.earlier(a, b); };
    for (size_t i = 0; i < ops.size(); ++i) {
        if ((i & 4095) == 0 && cancelled(cancel))
            return {};
        std::sort(grouped.begin() + start[i], grouped.begin() + start[i + 1], earlier);
        rows.insert(rows.end(), grouped.begin() + start[i], grouped.begin() + start[i + 1]);
        const Operation &o = data.operation(ops[i]);
        if (o.evidence == Evidence::ServiceStarted && o.evidenceRow != kNone && markers.insert(o.evidenceRow).second)
            rows.push_back(o.evidenceRow);
    }
    return rows;
}

void appendRecordEnd(std::string &out) { out.append("\r\n"); }

// Events, every field: the readable columns first, then what the table does not show.
const char *const kEventFields[] = {"module", "name", "operationId", "type", "startTime", "humanStartTime",
                                    "requestedBy", "host", "parameters", "OpStartTime", "restartOf", "error",
                                    "otherFields", "source"};

void appendEventFields(std::string &out, const Dataset &data, uint32_t r, bool utc, std::string &cell)
{
    const EventStore &s = data.events();
    std::string human, error, others;
    bool haveHuman = false;
    if (!s.otherFields(r).empty()) {
        auto object = ordered_json::parse("{" + std::string(s.otherFields(r)) + "}", nullptr, false);
        if (object.is_object()) {
            if (const auto it = object.find("humanStartTime"); it != object.end() && it->is_string()) {
                human = it->get<std::string>();
                haveHuman = true;
                object.erase(it);
            }
            if (const auto it = object.find("error"); it != object.end() && it->is_string()) {
                error = it->get<std::string>();
                object.erase(it);
            }
            if (!object.empty())
                others = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
    }
    if (!haveHuman)
        human = utf8(humanTime(s.time(r), utc ? QTimeZone::utc() : QTimeZone::systemTimeZone()));
    const auto field = [&](std::string_view text, bool last = false) {
        appendCsvCell(out, text);
        if (!last)
            out.push_back(',');
    };
    field(s.strings().view(s.module(r)));
    field(s.strings().view(s.name(r)));
    field(s.operationId(r));
    field(s.strings().view(s.type(r)));
    field(std::to_string(s.time(r)));
    field(human);
    field(s.strings().view(s.requestedBy(r)));
    field(s.strings().view(s.host(r)));
    field(s.parameters(r));
    field(s.opStartTime(r) != kNoTime ? std::to_string(s.opStartTime(r)) : std::string());
    field(s.restartOf(r) != kNone ? s.ids().text(s.restartOf(r)) : std::string());
    field(error);
    field(others);
    cell.clear();
    cell.append(utf8(s.sourceName(s.source(r))));
    field(cell, true);
}

const char *const kOperationExtraFields[] = {"Parameters", "Restart of", "Restarted as", "Reason"};

void appendOperationExtras(std::string &out, const Dataset &d, uint32_t op)
{
    const EventStore &s = d.events();
    const Operation &o = d.operation(op);
    out.push_back(',');
    appendCsvCell(out, s.parameters(o.firstRow));
    out.push_back(',');
    appendCsvCell(out, o.restartOf != kNone ? s.ids().text(o.restartOf) : std::string());
    out.push_back(',');
    appendCsvCell(out, o.restartedAs != kNone ? s.ids().text(o.restartedAs) : std::string());
    out.push_back(',');
    appendCsvCell(out, o.status == Status::Interrupted ? utf8(d.interruptionReason(op)) : std::string());
}

ExportResult writeCsv(const ExportRequest &request, Writer &writer, const std::atomic_bool *cancel, Percent &percent)
{
    ExportResult result;
    const Dataset &data = *request.data;
    std::string &out = writer.buffer();
    if (request.bom)
        out.append("\xEF\xBB\xBF");
    const bool events = request.kind == ViewKind::Events;
    const QList<int> columns = tableColumns(request);
    // The header line.
    bool first = true;
    const auto title = [&](std::string_view text) {
        if (!first)
            out.push_back(',');
        first = false;
        appendCsvCell(out, text);
    };
    if (request.allFields && events) {
        for (const char *name : kEventFields)
            title(name);
    } else {
        for (const int c : columns)
            title(utf8(columnTitle(request.kind, c)));
        if (request.allFields)
            for (const char *name : kOperationExtraFields)
                title(name);
    }
    appendRecordEnd(out);

    std::string cell;
    const size_t n = request.rows.size();
    for (size_t i = 0; i < n; ++i) {
        if ((i & 1023) == 0) {
            if (cancelled(cancel)) {
                result.cancelled = true;
                return result;
            }
            percent(i, n);
        }
        const uint32_t index = request.rows[i];
        if (request.allFields && events) {
            appendEventFields(out, data, index, request.utc, cell);
        } else {
            for (int k = 0; k < columns.size(); ++k) {
                if (k > 0)
                    out.push_back(',');
                cell.clear();
                appendCell(cell, request, index, columns[k]);
                appendCsvCell(out, cell);
            }
            if (request.allFields)
                appendOperationExtras(out, data, index);
        }
        appendRecordEnd(out);
        if (!writer.maybeFlush())
            return result;
        ++result.rows;
    }
    return result;
}

ExportResult writeJson(const ExportRequest &request, Writer &writer, const std::atomic_bool *cancel, Percent &percent)
{
    ExportResult result;
    const Dataset &data = *request.data;
    const bool lines = request.format == ExportRequest::Format::JsonLines;
    std::vector<SourceInfo> sources;
    int from = 0;
    if (!lines) { // provenance first: hashing the sources is the slow part for big files
        sources = describeSources(exportSources(request), cancel, [&](uint64_t done, uint64_t total) {
            percent(done, total, 0, 30);
        });
        from = 30;
    }
    std::vector<uint32_t> grouped;
    const bool operations = request.kind == ViewKind::Operations;
    if (operations)
        grouped = eventsOfOperations(data, request.rows, cancel);
    if (cancelled(cancel)) {
        result.cancelled = true;
        return result;
    }
    const std::vector<uint32_t> &rows = operations ? grouped : request.rows;
    std::string &out = writer.buffer();
    if (!lines)
        out.append("{\"operationList\": [\n");
    const size_t n = rows.size();
    for (size_t i = 0; i < n; ++i) {
        if ((i & 1023) == 0) {
            if (cancelled(cancel)) {
                result.cancelled = true;
                return result;
            }
            percent(i, n, from, 100);
        }
        appendEventJson(out, data.events(), rows[i], {});
        out.append(lines || i + 1 == n ? "\n" : ",\n");
        if (!writer.maybeFlush())
            return result;
        ++result.events;
    }
    result.rows = operations ? request.rows.size() : result.events;
    if (!lines) {
        out.append("],\n\"exportInfo\": ");
        out.append(exportInfoJson(request, sources, result.rows, result.events));
        out.append("}\n");
    }
    return result;
}

ExportResult write(const ExportRequest &request, QIODevice &device, const std::atomic_bool *cancel,
                   const ExportProgress &progress)
{
    Writer writer(device);
    Percent percent(progress);
    percent(0, 1);
    ExportResult result;
    if (!request.data) {
        result.error = QStringLiteral("nothing to export");
        return result;
    }
    result = request.format == ExportRequest::Format::Csv ? writeCsv(request, writer, cancel, percent)
                                                          : writeJson(request, writer, cancel, percent);
    if (cancelled(cancel))
        result.cancelled = true;
    if (!result.cancelled && !writer.failed())
        writer.flush();
    if (writer.failed())
        result.error = writer.error();
    result.bytes = writer.bytes();
    if (result.ok())
        percent(1, 1);
    return result;
}

} // namespace

ExportResult exportTo(const ExportRequest &request, QIODevice &device, const std::atomic_bool *cancel,
                      const ExportProgress &progress)
{
    return write(request, device, cancel, progress);
}

QString openForExport(QSaveFile &file)
{
    const QString path = file.fileName();
    if (QFileInfo(path).isDir())
        return QStringLiteral("cannot write %1: it is a folder").arg(path);
    if (file.open(QIODevice::WriteOnly))
        return {};
    const QFileInfo folder(QFileInfo(path).absolutePath());
    const QString why = !folder.exists() ? QStringLiteral("the folder %1 does not exist").arg(folder.filePath())
                      : !folder.isDir()  ? QStringLiteral("%1 is not a folder").arg(folder.filePath())
                                         : file.errorString();
    return QStringLiteral("cannot write %1: %2").arg(path, why);
}

ExportResult exportTo(const ExportRequest &request, const QString &path, const std::atomic_bool *cancel,
                      const ExportProgress &progress)
{
    ExportResult result;
    QSaveFile file(path); // a temporary file beside it, renamed over it by commit()
    if (result.error = openForExport(file); !result.error.isEmpty())
        return result;
    result = write(request, file, cancel, progress);
    if (!result.ok()) {
        file.cancelWriting(); // the temporary file is removed, the target left as it was
        if (!result.error.isEmpty())
            result.error = QStringLiteral("cannot write %1: %2").arg(path, result.error);
        return result;
    }
    if (!file.commit())
        result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return result;
}

void appendCsvCell(std::string &out, std::string_view cell)
{
    // A leading = + - @ tab or CR makes spreadsheets read a formula (CSV injection): a quote first keeps it text.
    const bool formula = !cell.empty()
        && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r');
    const bool quote = formula || cell.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out.append(cell);
        return;
    }
    out.push_back('"');
    if (formula)
        out.push_back('\'');
    for (const char c : cell) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

} // namespace oplens
