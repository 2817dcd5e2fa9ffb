#include "viewfilter.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <functional>
#include <numeric>

namespace oplens {

namespace {

constexpr size_t kStep = 1 << 16; // rows between progress reports and cancel checks

unsigned char foldAscii(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Case-insensitive (ASCII letters folded; the needle is lower-cased fully) substring or regex match.
class TextMatcher
{
public:
    TextMatcher(const QString &text, bool regex)
        : m_regex(regex ? QRegularExpression(text, QRegularExpression::CaseInsensitiveOption) : QRegularExpression()),
          m_isRegex(regex), m_needle(text.toLower().toStdString()),
          m_searcher(m_needle.begin(), m_needle.end(), Hash(), Equal())
    {
    }
    bool valid() const { return !m_isRegex || m_regex.isValid(); }
    bool matches(std::string_view haystack) const
    {
        if (m_isRegex)
            return m_regex.match(QString::fromUtf8(haystack.data(), qsizetype(haystack.size()))).hasMatch();
        return std::search(haystack.begin(), haystack.end(), m_searcher) != haystack.end();
    }

private:
    struct Hash {
        size_t operator()(char c) const { return foldAscii(static_cast<unsigned char>(c)); }
    };
    struct Equal {
        bool operator()(char a, char b) const
        {
            return foldAscii(static_cast<unsigned char>(a)) == foldAscii(static_cast<unsigned char>(b));
        }
    };
    QRegularExpression m_regex;
    bool m_isRegex;
    std::string m_needle;
    std::boyer_moore_horspool_searcher<std::string::const_iterator, Hash, Equal> m_searcher;
};

// Everything about a filter that can be worked out once, before looking at rows.
struct Prepared {
    const Dataset &data;
    const ViewFilter &filter;
    int64_t now;
    std::vector<char> module, name, source; // allowed ids; empty = all
    std::vector<char> stringMatches;        // pool id -> matches the text
    std::vector<char> idMatches;            // operation -> its id matches the text
    std::unique_ptr<TextMatcher> matcher;

    Prepared(const Dataset &d, const ViewFilter &f, int64_t n) : data(d), filter(f), now(n)
    {
        const EventStore &store = data.events();
        const StringPool &pool = store.strings();
        auto allow = [&](const QStringList &names, std::vector<char> &allowed) {
            if (names.isEmpty())
                return;
            allowed.assign(pool.size(), 0);
            for (const QString &n : names)
                if (const uint32_t id = pool.find(n.toStdString()); id != kNone)
                    allowed[id] = 1;
        };
        allow(filter.modules, module);
        allow(filter.names, name);
        if (!filter.sources.isEmpty()) {
            source.assign(size_t(store.sourceCount()), 0);
            for (int s = 0; s < store.sourceCount(); ++s)
                source[size_t(s)] = filter.sources.contains(store.sourceName(uint16_t(s)));
        }
        if (!filter.text.isEmpty()) {
            matcher = std::make_unique<TextMatcher>(filter.text, filter.regex);
            stringMatches.resize(pool.size());
            for (uint32_t id = 0; id < pool.size(); ++id)
                stringMatches[id] = matcher->matches(pool.view(id));
            idMatches.resize(data.operationCount());
            for (uint32_t op = 0; op < idMatches.size(); ++op)
                idMatches[op] = data.exists(op) && matcher->matches(store.ids().text(op));
        }
    }

    bool stringMatch(uint32_t id) const { return id != kNone && stringMatches[id]; }

    bool textMatches(EventStore::Row r) const
    {
        const EventStore &s = data.events();
        const uint32_t op = s.operation(r);
        return stringMatch(s.module(r)) || stringMatch(s.name(r)) || stringMatch(s.requestedBy(r))
            || (op != kNone && idMatches[op]) || matcher->matches(s.parameters(r));
    }

    bool statusMatches(uint32_t op) const
    {
        if (filter.statuses == 0)
            return true;
        if (op == kNone)
            return false;
        const Status status = data.operation(op).status;
        uint32_t flags = 1u << uint32_t(status);
        if (data.isUnfinished(op))
            flags |= StatusUnfinished;
        if ((filter.statuses & StatusStale) && data.isStale(op, now))
            flags |= StatusStale;
        return (flags & filter.statuses) != 0;
    }
};

template <typename Visit>
bool forEachRow(size_t count, const CancelFlag *cancel, const Progress &progress, Visit visit)
{
    for (size_t start = 0; start < count; start += kStep) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return false;
        const size_t end = std::min(count, start + kStep);
        for (size_t i = start; i < end; ++i)
            visit(uint32_t(i));
        if (progress)
            progress(int(end * 100 / count));
    }
    return true;
}

std::vector<uint32_t> ranksOf(const StringPool &pool)
{
    std::vector<uint32_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return pool.text(a).compare(pool.text(b), Qt::CaseInsensitive) < 0;
    });
    std::vector<uint32_t> rank(pool.size());
    for (uint32_t i = 0; i < order.size(); ++i)
        rank[order[i]] = i;
    return rank;
}

} // namespace

uint32_t statusFlagFromName(const QString &name)
{
    if (name.compare(QLatin1String("Unfinished"), Qt::CaseInsensitive) == 0)
        return StatusUnfinished;
    if (name.compare(QLatin1String("Stale"), Qt::CaseInsensitive) == 0)
        return StatusStale;
    const auto status = statusFromName(name);
    return status && *status != Status::Unknown ? 1u << uint32_t(*status) : 0;
}

QStringList statusFlagNames()
{
    return {QStringLiteral("Queued"),      QStringLiteral("Running"),    QStringLiteral("Finished"),
            QStringLiteral("Failed"),      QStringLiteral("Aborted"),    QStringLiteral("Interrupted"),
            QStringLiteral("Unfinished"), QStringLiteral("Stale")};
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
        if (!p.module.empty() && !p.module[s.module(r)]) return;
        if (!p.name.empty() && !p.name[s.name(r)]) return;
        if (!p.source.empty() && !p.source[s.source(r)]) return;
        const int64_t t = s.time(r);
        if ((filter.since != kNoTime && t < filter.since) || (filter.until != kNoTime && t > filter.until)) return;
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
        if (!data.exists(op)) return;
        const Operation &o = data.operation(op);
        if (!p.module.empty() && !p.module[s.module(o.firstRow)]) return;
        if (!p.name.empty() && !p.name[s.name(o.firstRow)]) return;
        if (!p.source.empty() && !p.source[s.source(o.firstRow)]) return;
        const int64_t begin = s.time(o.firstRow);
        const int64_t end = o.endedAt != kNoTime ? o.endedAt : (isActive(o.status) ? now : s.time(o.latestRow));
        if ((filter.since != kNoTime && end < filter.since) || (filter.until != kNoTime && begin > filter.until)) return;
        if (!p.statusMatches(op)) return;
        if (p.matcher && !textMatched[op]) return;
        ops.push_back(op);
    });
    if (!complete)
        ops.clear();
    return ops;
}

void sortEvents(const Dataset &data, std::vector<uint32_t> &rows, EventColumn column, bool descending)
{
    const EventStore &s = data.events();
    const std::vector<uint32_t> rank = ranksOf(s.strings());
    const auto rankOf = [&](uint32_t id) { return id == kNone ? 0u : rank[id] + 1; };
    std::function<int(uint32_t, uint32_t)> key;
    switch (column) {
    case EventColumn::Time:
    case EventColumn::Count: key = [](uint32_t, uint32_t) { return 0; }; break;
    case EventColumn::Type: key = [&](uint32_t a, uint32_t b) { return int(rankOf(s.type(a))) - int(rankOf(s.type(b))); }; break;
    case EventColumn::Host: key = [&](uint32_t a, uint32_t b) { return int(rankOf(s.host(a))) - int(rankOf(s.host(b))); }; break;
    case EventColumn::Module: key = [&](uint32_t a, uint32_t b) { return int(rankOf(s.module(a))) - int(rankOf(s.module(b))); }; break;
    case EventColumn::Name: key = [&](uint32_t a, uint32_t b) { return int(rankOf(s.name(a))) - int(rankOf(s.name(b))); }; break;
    case EventColumn::RequestedBy: key = [&](uint32_t a, uint32_t b) { return int(rankOf(s.requestedBy(a))) - int(rankOf(s.requestedBy(b))); }; break;
    case EventColumn::OperationId:
        key = [&](uint32_t a, uint32_t b) {
            const uint32_t oa = s.operation(a), ob = s.operation(b);
            if (oa == ob) return 0;
            if (oa == kNone || ob == kNone) return oa == kNone ? -1 : 1;
            return s.ids().compare(oa, ob);
        };
        break;
    case EventColumn::Parameters: key = [&](uint32_t a, uint32_t b) { return s.parameters(a).compare(s.parameters(b)); }; break;
    case EventColumn::Source: key = [&](uint32_t a, uint32_t b) { return s.sourceName(s.source(a)).compare(s.sourceName(s.source(b))); }; break;
    }
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
        const int k = key(a, b);
        const bool less = k != 0 ? k < 0 : data.earlier(a, b);
        const bool greater = k != 0 ? k > 0 : data.earlier(b, a);
        return descending ? greater : less;
    });
}

void sortOperations(const Dataset &data, std::vector<uint32_t> &ops, OperationColumn column, bool descending,
                    int64_t now)
{
    const EventStore &s = data.events();
    const std::vector<uint32_t> rank = ranksOf(s.strings());
    const auto rankOf = [&](uint32_t id) { return id == kNone ? 0u : rank[id] + 1; };
    const auto cmp = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
    const auto first = [&](uint32_t op) { return data.operation(op).firstRow; };
    std::function<int(uint32_t, uint32_t)> key;
    switch (column) {
    case OperationColumn::Status: key = [&](uint32_t a, uint32_t b) { return cmp(statusName(data.operation(a).status), statusName(data.operation(b).status)); }; break;
    case OperationColumn::Started:
    case OperationColumn::Count: key = [&](uint32_t a, uint32_t b) { return cmp(data.operation(a).startedAt, data.operation(b).startedAt); }; break;
    case OperationColumn::Ended: key = [&](uint32_t a, uint32_t b) { return cmp(data.operation(a).endedAt, data.operation(b).endedAt); }; break;
    case OperationColumn::Duration: key = [&](uint32_t a, uint32_t b) { return cmp(data.duration(a, now), data.duration(b, now)); }; break;
    case OperationColumn::Host: key = [&](uint32_t a, uint32_t b) { return cmp(rankOf(s.host(first(a))), rankOf(s.host(first(b)))); }; break;
    case OperationColumn::Module: key = [&](uint32_t a, uint32_t b) { return cmp(rankOf(s.module(first(a))), rankOf(s.module(first(b)))); }; break;
    case OperationColumn::Name: key = [&](uint32_t a, uint32_t b) { return cmp(rankOf(s.name(first(a))), rankOf(s.name(first(b)))); }; break;
    case OperationColumn::RequestedBy: key = [&](uint32_t a, uint32_t b) { return cmp(rankOf(s.requestedBy(first(a))), rankOf(s.requestedBy(first(b)))); }; break;
    case OperationColumn::Origin: key = [&](uint32_t a, uint32_t b) { return cmp(rankOf(s.origin(first(a))), rankOf(s.origin(first(b)))); }; break;
    case OperationColumn::OperationId: key = [&](uint32_t a, uint32_t b) { return s.ids().compare(a, b); }; break;
    case OperationColumn::Source: key = [&](uint32_t a, uint32_t b) { return s.sourceName(data.source(a)).compare(s.sourceName(data.source(b))); }; break;
    case OperationColumn::Events: key = [&](uint32_t a, uint32_t b) { return cmp(data.operation(a).eventCount, data.operation(b).eventCount); }; break;
    }
    std::sort(ops.begin(), ops.end(), [&](uint32_t a, uint32_t b) {
        int k = key(a, b);
        if (k == 0)
            k = cmp(data.operation(a).startedAt, data.operation(b).startedAt);
        if (k == 0)
            k = cmp(a, b);
        return descending ? k > 0 : k < 0;
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
        const QDate date = QDate::fromString(t, Qt::ISODate);
        if (date.isValid())
            when = date.startOfDay();
    }
    if (!when.isValid())
        return std::nullopt;
    return when.toMSecsSinceEpoch();
}

} // namespace oplens
