#include "readcommands.h"

#include "clicommon.h"
#include "eventformat.h"
#include "viewdelta.h"

#include <QDateTime>

#include <algorithm>

namespace oplens::cli {

namespace {

enum class Listing { AllEvents, Unfinished };

int list(const QStringList &args, Listing listing)
{
    QCommandLineParser parser;
    addReadingOptions(parser);
    const QString description = listing == Listing::AllEvents
        ? QStringLiteral("Print every event of the oplogs, newest first (the suite's getOperationLog).")
        : QStringLiteral("Print the latest event of each unfinished operation (Queued, Running or Interrupted), "
                         "newest first, with its status (the suite's getUnfinishedOperationLog).");
    if (const int status = parseArguments(parser, args, description); status >= 0)
        return status;
    const auto options = readingOptions(parser);
    if (!options)
        return Usage;

    Loaded loaded = load(*options);
    const Dataset &data = loaded.data;
    const EventStore &store = data.events();
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<uint32_t> rows;
    if (listing == Listing::Unfinished) {
        // Only the latest event of each unfinished operation can be listed: those few rows are filtered, not all.
        for (uint32_t op = 0; op < data.operationCount(); ++op)
            if (data.exists(op) && data.isUnfinished(op))
                rows.push_back(data.operation(op).latestRow);
        std::sort(rows.begin(), rows.end());
        rows = filterEventRows(data, options->filter, now, rows);
    } else {
        rows = filterEvents(data, options->filter, now);
    }
    sortEvents(data, rows, EventColumn::Time, true);
    if (options->limit >= 0 && rows.size() > size_t(options->limit))
        rows.resize(size_t(options->limit));

    const bool merged = store.sourceCount() > 1;
    const QTimeZone zone = QTimeZone::systemTimeZone();
    Output output;
    std::string &out = output.buffer();
    out.append(options->json ? "{\"operationList\": [\n" : "operationList\n\n");
    for (size_t i = 0; i < rows.size(); ++i) {
        const uint32_t r = rows[i];
        EventExtras extras;
        if (listing == Listing::Unfinished)
            extras.status = statusName(data.operation(store.operation(r)).status);
        if (merged)
            extras.source = store.sourceName(store.source(r));
        if (options->json) {
            appendEventJson(out, store, r, extras);
            out.append(i + 1 < rows.size() ? ",\n" : "\n");
        } else {
            appendEventText(out, store, r, extras, zone);
        }
        output.maybeFlush();
    }
    if (options->json)
        out.append("]}\n");
    output.flush();
    return loadStatus(loaded, *options);
}

} // namespace

int getOperationLog(const QStringList &args) { return list(args, Listing::AllEvents); }
int getUnfinishedOperationLog(const QStringList &args) { return list(args, Listing::Unfinished); }

} // namespace oplens::cli
