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

namespace {

// Whether an operation has one of the filter's statuses, worked out when one of its rows is first looked at and kept
// (-1 not known yet). The parts of the rows share it: a value is the same whichever part writes it.
class StatusPasses
{
public:
    StatusPasses(const Prepared &p) : m_prepared(p), m_passes(new std::atomic<int8_t>[p.data.operationCount()])
    {
        for (size_t op = 0; op < p.data.operationCount(); ++op)
            m_passes[op].store(-1, std::memory_order_relaxed);
    }
    bool passes(uint32_t op) const
    {
        int8_t known = m_passes[op].load(std::memory_order_relaxed);
        if (known < 0) {
            known = m_prepared.statusMatches(op) ? 1 : 0;
            m_passes[op].store(known, std::memory_order_relaxed);
        }
        return known != 0;
    }

private:
    const Prepared &m_prepared;
    std::unique_ptr<std::atomic<int8_t>[]> m_passes;
};

} // namespace

std::vector<uint32_t> filterEvents(const Dataset &data, const ViewFilter &filter, int64_t now,
                                   const CancelFlag *cancel, const Progress &progress)
{
    const Prepared p(data, filter, now);
    if (p.matcher && !p.matcher->valid())
        return {};
    const EventStore &s = data.events();
    const std::unique_ptr<StatusPasses> statusPass = filter.statuses ? std::make_unique<StatusPasses>(p) : nullptr;
    return keptInParts(p, s.size(), cancel, progress, [&](uint32_t r, MatchCache &cache) {
        if (!p.rowFieldsMatch(r))
            return false;
        if (filter.statuses) {
            const uint32_t op = s.operation(r);
            if (op == kNone || !statusPass->passes(op))
                return false;
        }
        return !p.matcher || p.textMatches(r, cache);
    });
}

std::vector<uint32_t> filterOperations(const Dataset &data, const ViewFilter &filter, int64_t now,
                                       const CancelFlag *cancel, const Progress &progress)
{
    const Prepared p(data, filter, now);
    if (p.matcher && !p.matcher->valid())
        return {};
    const EventStore &s = data.events();
    // The text: operations with an event that matches, each part of the rows marking its own table.
    const size_t parts = p.partsFor(s.size());
    std::vector<std::vector<char>> textMatched;
    if (p.matcher) {
        textMatched.assign(parts, std::vector<char>(data.operationCount(), 0));
        std::vector<MatchCache> caches(parts);
        const Progress half = progress ? Progress([&](int percent) { progress(percent / 2); }) : Progress();
        const bool complete = forEachRowInParts(s.size(), parts, cancel, half, [&](size_t part, uint32_t r) {
            const uint32_t op = s.operation(r);
            if (op != kNone && !textMatched[part][op] && p.textMatches(r, caches[part]))
                textMatched[part][op] = 1;
        });
        if (!complete)
            return {};
    }
    const auto anyPartMatched = [&](uint32_t op) {
        const auto matched = [op](const std::vector<char> &part) { return part[op] != 0; };
        return std::any_of(textMatched.begin(), textMatched.end(), matched);
    };
    const Progress rest = progress ? Progress([&](int percent) { progress(p.matcher ? 50 + percent / 2 : percent); })
                                   : Progress();
    return keptInParts(p, data.operationCount(), cancel, rest, [&](uint32_t op, MatchCache &) {
        return data.exists(op) && p.operationFieldsMatch(op) && p.statusMatches(op)
            && (!p.matcher || anyPartMatched(op));
    });
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
