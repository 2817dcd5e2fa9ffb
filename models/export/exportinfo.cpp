// What an export says besides its rows: the table's columns and cells, where the data came from (sizes and
// SHA-256 of local files), exportInfo, and the summary of a report by status and by module.
#include "exporter.h"

#include "celltext.h"
#include "exportcommon.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QTimeZone>
#include <QUrl>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace oplens {

namespace {

using ordered_json = nlohmann::ordered_json;
using exportcommon::cancelled;
using exportcommon::kChunk;
using exportcommon::utf8;

// A report's rows by status, in severity order as the Status column sorts, with Stale before the other Running ones;
// events of no operation (ServiceStarted markers) last.
enum class Slot { Interrupted, Failed, Aborted, Stale, Running, Queued, Finished, Unknown, NoOperation, Count };

Slot statusSlot(const Dataset &d, uint32_t op, int64_t now)
{
    if (d.isStale(op, now))
        return Slot::Stale;
    switch (d.operation(op).status) {
    case Status::Interrupted: return Slot::Interrupted;
    case Status::Failed: return Slot::Failed;
    case Status::Aborted: return Slot::Aborted;
    case Status::Running: return Slot::Running;
    case Status::Queued: return Slot::Queued;
    case Status::Finished: return Slot::Finished;
    case Status::Unknown: break;
    }
    return Slot::Unknown;
}

// The counts as the rows are read, before they are labelled and ordered.
struct Tally {
    std::vector<ViewSummary::Count> statuses = std::vector<ViewSummary::Count>(size_t(Slot::Count));
    std::unordered_map<uint32_t, ViewSummary::Count> modules; // by module string id

    ViewSummary::Count &status(Slot slot) { return statuses[size_t(slot)]; }
};

// An Events view: every event counts; an operation counts once, at the first of its events in the view. False when
// cancelled.
bool tallyEvents(const ExportRequest &request, const std::atomic_bool *cancel, Tally &tally, ViewSummary &summary)
{
    const Dataset &d = *request.data;
    const EventStore &s = d.events();
    std::vector<uint8_t> seen(d.operationCount(), 0);
    for (size_t i = 0; i < request.rows.size(); ++i) {
        if ((i & 65535) == 0 && cancelled(cancel))
            return false;
        const uint32_t index = request.rows[i];
        const uint32_t op = s.operation(index);
        ViewSummary::Count &module = tally.modules[s.module(index)];
        ++module.events;
        ++summary.events;
        if (op == kNone) {
            ++tally.status(Slot::NoOperation).events;
            continue;
        }
        ViewSummary::Count &status = tally.status(statusSlot(d, op, request.now));
        ++status.events;
        if (!seen[op]) {
            seen[op] = 1;
            ++status.operations;
            ++module.operations;
            ++summary.operations;
        }
    }
    return true;
}

// An Operations view: each operation counts with all of its events. False when cancelled.
bool tallyOperations(const ExportRequest &request, const std::atomic_bool *cancel, Tally &tally, ViewSummary &summary)
{
    const Dataset &d = *request.data;
    for (size_t i = 0; i < request.rows.size(); ++i) {
        if ((i & 65535) == 0 && cancelled(cancel))
            return false;
        const uint32_t index = request.rows[i];
        const uint32_t count = d.operation(index).eventCount;
        ViewSummary::Count &status = tally.status(statusSlot(d, index, request.now));
        ViewSummary::Count &module = tally.modules[d.module(index)];
        ++status.operations;
        status.events += count;
        ++module.operations;
        module.events += count;
        ++summary.operations;
        summary.events += count;
    }
    return true;
}

// The statuses present, labelled, in severity order; the modules labelled, most operations first.
void listCounts(Tally &tally, const EventStore &s, ViewSummary &summary)
{
    const QString labels[size_t(Slot::Count)] = {statusText(Status::Interrupted), statusText(Status::Failed),
                                                  statusText(Status::Aborted),     statusText(Status::Running, true),
                                                  statusText(Status::Running),     statusText(Status::Queued),
                                                  statusText(Status::Finished),    statusText(Status::Unknown),
                                                  QStringLiteral("No operation (ServiceStarted)")};
    for (size_t i = 0; i < tally.statuses.size(); ++i) {
        if (tally.statuses[i].operations == 0 && tally.statuses[i].events == 0)
            continue;
        tally.statuses[i].label = labels[i];
        summary.byStatus.push_back(tally.statuses[i]);
    }
    for (auto &[id, count] : tally.modules) {
        count.label = s.string(id);
        summary.byModule.push_back(count);
    }
    std::sort(summary.byModule.begin(), summary.byModule.end(), [](const auto &a, const auto &b) {
        return a.operations != b.operations ? a.operations > b.operations
             : a.events != b.events         ? a.events > b.events
                                            : a.label < b.label;
    });
}

} // namespace

QList<int> tableColumns(const ExportRequest &request)
{
    const int count = request.kind == ViewKind::Events ? int(EventColumn::Count) : int(OperationColumn::Count);
    QList<int> columns;
    if (!request.allFields)
        for (const int c : request.columns)
            if (c >= 0 && c < count && !columns.contains(c))
                columns << c;
    if (columns.isEmpty())
        for (int c = 0; c < count; ++c)
            columns << c;
    return columns;
}

QString columnTitle(ViewKind kind, int column)
{
    return QString::fromLatin1(kind == ViewKind::Events ? columnTitle(EventColumn(column))
                                                               : columnTitle(OperationColumn(column)));
}

void appendCell(std::string &out, const ExportRequest &request, uint32_t index, int column)
{
    if (request.kind == ViewKind::Events)
        appendEventCell(out, *request.data, index, EventColumn(column), request.utc);
    else
        appendOperationCell(out, *request.data, index, OperationColumn(column), request.now, request.utc);
}

QStringList exportSources(const ExportRequest &request)
{
    if (!request.sourcePaths.isEmpty() || !request.data)
        return request.sourcePaths;
    return request.data->events().sourceNames();
}

std::vector<SourceInfo> describeSources(const QStringList &sources, const std::atomic_bool *cancel,
                                        const std::function<void(uint64_t, uint64_t)> &progress)
{
    std::vector<SourceInfo> infos;
    uint64_t total = 0, done = 0;
    for (const QString &source : sources) {
        SourceInfo info;
        info.location = source;
        const QUrl url(source);
        const QString scheme = url.scheme();
        if (source == QLatin1String("-")) {
            info.location = QStringLiteral("-");
        } else if (scheme == QLatin1String("file")) {
            info.location = url.toLocalFile();
            info.local = true;
        } else if (scheme.size() > 1) { // http://, https://, agent+https://, ssh://; a one-letter scheme is a drive
            // An ssh:// user says which account read the file (the source's name keeps it); an http user may not.
            info.location = url.toString(scheme == QLatin1String("ssh") ? QUrl::RemovePassword : QUrl::RemoveUserInfo);
        } else {
            info.local = true;
        }
        if (info.local) {
            const QFileInfo file(info.location);
            info.location = file.absoluteFilePath();
            info.size = file.exists() ? file.size() : -1;
            total += uint64_t(std::max<int64_t>(0, info.size));
        }
        infos.push_back(info);
    }
    for (SourceInfo &info : infos) {
        if (!info.local || info.size < 0)
            continue;
        QFile file(info.location);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QCryptographicHash hash(QCryptographicHash::Sha256);
        QByteArray chunk(int(kChunk), Qt::Uninitialized);
        bool complete = true;
        for (;;) {
            if (cancelled(cancel))
                return infos;
            const qint64 n = file.read(chunk.data(), chunk.size());
            if (n < 0)
                complete = false;
            if (n <= 0)
                break;
            hash.addData(QByteArrayView(chunk.constData(), n));
            done += uint64_t(n);
            if (progress)
                progress(std::min(done, total), total);
        }
        if (complete) {
            info.sha256 = QString::fromLatin1(hash.result().toHex());
            info.size = int64_t(file.pos()); // what was hashed, should the file have grown meanwhile
        }
    }
    return infos;
}

QString timeZoneName(bool utc)
{
    if (utc)
        return QStringLiteral("UTC");
    const QByteArray id = QTimeZone::systemTimeZoneId();
    return id.isEmpty() ? QStringLiteral("local") : QString::fromUtf8(id);
}

QString exportTimeText(int64_t epochMs, bool utc)
{
    const QDateTime t = utc ? QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc())
                            : QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::systemTimeZone());
    return t.toOffsetFromUtc(t.offsetFromUtc()).toString(Qt::ISODate);
}

std::string exportInfoJson(const ExportRequest &request, const std::vector<SourceInfo> &sources, uint64_t rows,
                           uint64_t events)
{
    const int64_t at = request.exportedAt ? request.exportedAt : QDateTime::currentMSecsSinceEpoch();
    ordered_json info;
    info["view"] = request.kind == ViewKind::Events ? "events" : "operations";
    info["filter"] = utf8(request.filter.describe());
    if (!request.sort.isEmpty())
        info["sort"] = utf8(request.sort);
    info["rows"] = rows;
    info["events"] = events;
    ordered_json list = ordered_json::array();
    for (const SourceInfo &s : sources) {
        ordered_json source;
        if (s.local) {
            source["path"] = utf8(s.location);
            if (s.size >= 0)
                source["size"] = s.size;
            if (!s.sha256.isEmpty())
                source["sha256"] = utf8(s.sha256);
        } else if (s.location == QLatin1String("-")) {
            source["path"] = "-";
            source["note"] = "standard input";
        } else {
            source["url"] = utf8(s.location);
        }
        list.push_back(source);
    }
    info["sources"] = list;
    info["timeZone"] = utf8(timeZoneName(request.utc));
    info["exportedAt"] = utf8(exportTimeText(at, request.utc));
    info["exportedAtMs"] = at;
    info["oplensVersion"] = OPLENS_VERSION;
    return info.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

ViewSummary summarize(const ExportRequest &request, const std::atomic_bool *cancel)
{
    ViewSummary summary;
    if (!request.data)
        return summary;
    Tally tally;
    const bool counted = request.kind == ViewKind::Events ? tallyEvents(request, cancel, tally, summary)
                                                          : tallyOperations(request, cancel, tally, summary);
    if (counted) // cancelled: the totals so far, no lists
        listCounts(tally, request.data->events(), summary);
    return summary;
}

} // namespace oplens
