#include "viewfilter.h"

#include "filtermatch.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>

namespace oplens {

using namespace filtermatch;


uint32_t statusFlagsOf(const Dataset &data, uint32_t op, int64_t now, uint32_t wanted)
{
    uint32_t flags = 1u << uint32_t(data.operation(op).status);
    if (data.isUnfinished(op))
        flags |= StatusUnfinished;
    if ((wanted & StatusStale) && data.isStale(op, now))
        flags |= StatusStale;
    if (data.isSuperseded(op))
        flags |= StatusSuperseded;
    return flags;
}

uint32_t statusFlagFromName(const QString &name)
{
    if (name.compare(QLatin1String("Unfinished"), Qt::CaseInsensitive) == 0)
        return StatusUnfinished;
    if (name.compare(QLatin1String("Stale"), Qt::CaseInsensitive) == 0)
        return StatusStale;
    if (name.compare(QLatin1String("Superseded"), Qt::CaseInsensitive) == 0)
        return StatusSuperseded;
    const auto status = statusFromName(name);
    return status && *status != Status::Unknown ? 1u << uint32_t(*status) : 0;
}

QStringList statusFlagNames()
{
    return {QStringLiteral("Queued"),      QStringLiteral("Running"),    QStringLiteral("Finished"),
            QStringLiteral("Failed"),      QStringLiteral("Aborted"),    QStringLiteral("Interrupted"),
            QStringLiteral("Unfinished"), QStringLiteral("Stale"),      QStringLiteral("Superseded")};
}

QString ViewFilter::describe() const
{
    QStringList parts;
    if (!sources.isEmpty())
        parts << QStringLiteral("source: %1").arg(sources.join(QLatin1String(", ")));
    if (!modules.isEmpty())
        parts << QStringLiteral("module: %1").arg(modules.join(QLatin1String(", ")));
    if (!names.isEmpty())
        parts << QStringLiteral("name: %1").arg(names.join(QLatin1String(", ")));
    if (statuses) {
        QStringList names;
        for (const QString &n : statusFlagNames())
            if (statuses & statusFlagFromName(n))
                names << n;
        parts << QStringLiteral("status: %1").arg(names.join(QLatin1String(", ")));
    }
    const auto iso = [](int64_t ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODate); };
    if (since != kNoTime)
        parts << QStringLiteral("since %1").arg(iso(since));
    if (until != kNoTime)
        parts << QStringLiteral("until %1").arg(iso(until));
    if (!text.isEmpty())
        parts << (regex ? QStringLiteral("matching /%1/") : QStringLiteral("containing \"%1\"")).arg(text);
    return parts.isEmpty() ? QStringLiteral("all events") : parts.join(QLatin1String("; "));
}

QString ViewFilter::regexProblem() const
{
    if (!regex || text.isEmpty())
        return {};
    const QRegularExpression pattern(text, QRegularExpression::CaseInsensitiveOption); // as TextMatcher compiles it
    if (pattern.isValid())
        return {};
    return QStringLiteral("%1 at position %2").arg(pattern.errorString()).arg(pattern.patternErrorOffset());
}

std::vector<uint32_t> filterEvents(const Dataset &data, const ViewFilter &filter, int64_t now,
                                   const CancelFlag *cancel, const Progress &progress)
{
    const Prepared p(data, filter, now);
    std::vector<uint32_t> rows;
    if (p.matcher && !p.matcher->valid())
        return rows;
    const EventStore &s = data.events();
    std::vector<int8_t> opStatus; // operation -> -1 unknown yet, 0 fails, 1 passes
    if (filter.statuses)
        opStatus.assign(data.operationCount(), -1);
    const bool complete = forEachRow(s.size(), cancel, progress, [&](uint32_t r) {
        if (!p.rowFieldsMatch(r)) return;
        if (filter.statuses) {
            const uint32_t op = s.operation(r);
            if (op == kNone) return;
            if (opStatus[op] < 0)
                opStatus[op] = p.statusMatches(op) ? 1 : 0;
            if (!opStatus[op]) return;
        }
        if (p.matcher && !p.textMatches(r)) return;
        rows.push_back(r);
    });
    if (!complete)
        rows.clear();
    return rows;
}

std::vector<uint32_t> filterOperations(const Dataset &data, const ViewFilter &filter, int64_t now,
                                       const CancelFlag *cancel, const Progress &progress)
{
    const Prepared p(data, filter, now);
    std::vector<uint32_t> ops;
    if (p.matcher && !p.matcher->valid())
        return ops;
    const EventStore &s = data.events();
    std::vector<char> textMatched;
    if (p.matcher) {
        textMatched.assign(data.operationCount(), 0);
        const Progress half = progress ? Progress([&](int percent) { progress(percent / 2); }) : Progress();
        const bool complete = forEachRow(s.size(), cancel, half, [&](uint32_t r) {
            const uint32_t op = s.operation(r);
            if (op != kNone && !textMatched[op] && p.textMatches(r))
                textMatched[op] = 1;
        });
        if (!complete)
            return ops;
    }
    const Progress rest = progress ? Progress([&](int percent) { progress(p.matcher ? 50 + percent / 2 : percent); })
                                   : Progress();
    const bool complete = forEachRow(data.operationCount(), cancel, rest, [&](uint32_t op) {
        if (!data.exists(op) || !p.operationFieldsMatch(op) || !p.statusMatches(op)) return;
        if (p.matcher && !textMatched[op]) return;
        ops.push_back(op);
    });
    if (!complete)
        ops.clear();
    return ops;
}

namespace {

// A row's sort key worked out once, so that sorting compares plain integers.
struct SortEntry {
    int64_t key;
    int64_t tie; // the (time, row) order, or the operation's start
    uint32_t index;
};

void sortEntries(std::vector<SortEntry> &entries, std::vector<uint32_t> &out, bool descending)
{
    std::sort(entries.begin(), entries.end(), [descending](const SortEntry &a, const SortEntry &b) {
        if (a.key != b.key)
            return descending ? a.key > b.key : a.key < b.key;
        if (a.tie != b.tie)
            return descending ? a.tie > b.tie : a.tie < b.tie;
        return descending ? a.index > b.index : a.index < b.index;
    });
    for (size_t i = 0; i < entries.size(); ++i)
        out[i] = entries[i].index;
}

// Ranks of texts that sort by comparison (ids, parameters, sources): one sort, then integers.
template <typename Text>
std::vector<int64_t> textRanks(const std::vector<uint32_t> &items, Text text)
{
    std::vector<uint32_t> order(items.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return text(items[a]) < text(items[b]); });
    std::vector<int64_t> rank(items.size());
    int64_t r = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        if (i > 0 && text(items[order[i - 1]]) != text(items[order[i]]))
            ++r;
        rank[order[i]] = r;
    }
    return rank;
}


} // namespace

void sortEvents(const Dataset &data, std::vector<uint32_t> &rows, EventColumn column, bool descending)
{
    const EventStore &s = data.events();
    // Ties keep the order in which events apply: (startTime, row).
    std::vector<uint32_t> timeOrder(rows);
    std::sort(timeOrder.begin(), timeOrder.end(), [&](uint32_t a, uint32_t b) { return data.earlier(a, b); });
    if (column == EventColumn::Time || column == EventColumn::Count) {
        if (descending)
            std::reverse(timeOrder.begin(), timeOrder.end());
        rows = std::move(timeOrder);
        return;
    }
    const std::vector<uint32_t> rank = ranksOf(s.strings());
    const auto rankOf = [&](uint32_t id) { return id == kNone ? int64_t(0) : int64_t(rank[id]) + 1; };
    std::vector<int64_t> texts;
    if (column == EventColumn::OperationId)
        texts = textRanks(timeOrder, [&](uint32_t r) { return s.operationId(r); });
    else if (column == EventColumn::Parameters)
        texts = textRanks(timeOrder, [&](uint32_t r) { return s.parameters(r); });
    else if (column == EventColumn::Source)
        texts = textRanks(timeOrder, [&](uint32_t r) { return s.sourceName(s.source(r)); });
    std::vector<SortEntry> entries(timeOrder.size());
    for (size_t i = 0; i < timeOrder.size(); ++i) {
        const uint32_t r = timeOrder[i];
        int64_t key = 0;
        switch (column) {
        case EventColumn::Type: key = rankOf(s.type(r)); break;
        case EventColumn::Host: key = rankOf(s.host(r)); break;
        case EventColumn::Module: key = rankOf(s.module(r)); break;
        case EventColumn::Name: key = rankOf(s.name(r)); break;
        case EventColumn::RequestedBy: key = rankOf(s.requestedBy(r)); break;
        default: key = texts[i]; break;
        }
        entries[i] = {key, int64_t(i), r};
    }
    sortEntries(entries, rows, descending);
}

void sortOperations(const Dataset &data, std::vector<uint32_t> &ops, OperationColumn column, bool descending,
                    int64_t now)
{
    const EventStore &s = data.events();
    const std::vector<uint32_t> rank = ranksOf(s.strings());
    const auto rankOf = [&](uint32_t id) { return id == kNone ? int64_t(0) : int64_t(rank[id]) + 1; };
    std::vector<int64_t> texts;
    if (column == OperationColumn::OperationId)
        texts = textRanks(ops, [&](uint32_t op) { return s.ids().text(op); });
    else if (column == OperationColumn::Source)
        texts = textRanks(ops, [&](uint32_t op) { return s.sourceName(data.source(op)); });
    else if (column == OperationColumn::Parameters)
        texts = textRanks(ops, [&](uint32_t op) { return s.parameters(data.operation(op).firstRow); });
    std::vector<SortEntry> entries(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
        const uint32_t op = ops[i];
        const Operation &o = data.operation(op);
        int64_t key = 0;
        switch (column) {
        case OperationColumn::Status: key = severity(o.status); break;
        case OperationColumn::Started:
        case OperationColumn::Count: key = o.startedAt; break;
        case OperationColumn::Ended: key = o.endedAt; break;
        case OperationColumn::Duration: key = data.duration(op, now); break;
        case OperationColumn::Host: key = rankOf(s.host(o.firstRow)); break;
        case OperationColumn::Module: key = rankOf(s.module(o.firstRow)); break;
        case OperationColumn::Name: key = rankOf(s.name(o.firstRow)); break;
        case OperationColumn::RequestedBy: key = rankOf(s.requestedBy(o.firstRow)); break;
        case OperationColumn::Origin: key = rankOf(s.origin(o.firstRow)); break;
        case OperationColumn::Events: key = o.eventCount; break;
        case OperationColumn::OperationId:
        case OperationColumn::Source:
        case OperationColumn::Parameters: key = texts[i]; break;
        }
        entries[i] = {key, o.startedAt, op};
    }
    sortEntries(entries, ops, descending);
}

std::optional<int64_t> parseTimeArgument(const QString &text)
{
    const QString t = text.trimmed();
    bool isNumber = false;
    const qint64 ms = t.toLongLong(&isNumber);
    if (isNumber)
        return ms;
    QDateTime when = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!when.isValid()) {
        // Exactly a date: Qt::ISODate would take the date in front of anything ("2014-05-13T25:00").
        const QDate date = QDate::fromString(t, QStringLiteral("yyyy-MM-dd"));
        if (date.isValid())
            when = date.startOfDay();
    }
    if (!when.isValid())
        return std::nullopt;
    return when.toMSecsSinceEpoch();
}

} // namespace oplens
