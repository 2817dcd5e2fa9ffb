// The parts of filtering shared by the whole-view filters (viewfilter.cpp) and the incremental ones (viewdelta.cpp):
// internal to models/view.
#pragma once

#include "viewfilter.h"

#include <array>
#include <memory>
#include <numeric>

namespace oplens::filtermatch {

inline constexpr size_t kStep = 1 << 16; // rows between progress reports and cancel checks

inline unsigned char foldAscii(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Case-insensitive (ASCII letters folded; the needle is lower-cased fully) substring or regex match.
// Horspool's search with a 256-entry skip table: this runs over every row's parameters.
class TextMatcher
{
public:
    TextMatcher(const QString &text, bool regex)
        : m_regex(regex ? QRegularExpression(text, QRegularExpression::CaseInsensitiveOption) : QRegularExpression()),
          m_isRegex(regex), m_needle(text.toLower().toStdString())
    {
        const size_t m = m_needle.size();
        m_skip.fill(m);
        for (size_t i = 0; i + 1 < m; ++i) {
            const auto c = static_cast<unsigned char>(m_needle[i]);
            m_skip[c] = m - 1 - i;
            if (c >= 'a' && c <= 'z')
                m_skip[c - 32] = m - 1 - i;
        }
    }
    bool valid() const { return !m_isRegex || m_regex.isValid(); }
    bool matches(std::string_view haystack) const
    {
        if (m_isRegex)
            return m_regex.match(QString::fromUtf8(haystack.data(), qsizetype(haystack.size()))).hasMatch();
        const size_t m = m_needle.size(), n = haystack.size();
        if (m == 0)
            return true;
        const auto *h = reinterpret_cast<const unsigned char *>(haystack.data());
        const auto *p = reinterpret_cast<const unsigned char *>(m_needle.data());
        for (size_t i = 0; i + m <= n; i += m_skip[h[i + m - 1]]) {
            size_t j = m - 1;
            while (foldAscii(h[i + j]) == p[j]) {
                if (j == 0)
                    return true;
                --j;
            }
        }
        return false;
    }

private:
    QRegularExpression m_regex;
    bool m_isRegex;
    std::string m_needle;
    std::array<size_t, 256> m_skip{};
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

    // `everyOperation`: the filter looks at every operation, so ids are matched once each up front; else (a few
    // operations of an append) each when asked.
    Prepared(const Dataset &d, const ViewFilter &f, int64_t n, bool everyOperation = true) : data(d), filter(f), now(n)
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
            if (!matcher->valid())
                return; // nothing matches: the filters return no rows without looking
            stringMatches.resize(pool.size());
            for (uint32_t id = 0; id < pool.size(); ++id)
                stringMatches[id] = matcher->matches(pool.view(id));
            if (!everyOperation)
                return;
            idMatches.resize(data.operationCount());
            // Text that holds anything but hex digits and '-' is in no UUID: skip spelling them out.
            const bool uuidsCanMatch = filter.regex
                || filter.text.toLower().toStdString().find_first_not_of("0123456789abcdef-") == std::string::npos;
            for (uint32_t op = 0; op < idMatches.size(); ++op)
                idMatches[op] = data.exists(op) && (uuidsCanMatch || !store.ids().isUuid(op))
                    && matcher->matches(store.ids().text(op));
        }
    }

    bool stringMatch(uint32_t id) const { return id != kNone && stringMatches[id]; }

    bool textMatches(EventStore::Row r) const
    {
        const EventStore &s = data.events();
        const uint32_t op = s.operation(r);
        return stringMatch(s.module(r)) || stringMatch(s.name(r)) || stringMatch(s.requestedBy(r))
            || (op != kNone && idMatch(op)) || matcher->matches(s.parameters(r));
    }

    bool idMatch(uint32_t op) const
    {
        return op < idMatches.size() ? idMatches[op] != 0 : matcher->matches(data.events().ids().text(op));
    }

    // An operation's module, name, source and time range (it overlaps the filter's); not its status or text.
    bool operationFieldsMatch(uint32_t op) const
    {
        const EventStore &s = data.events();
        const Operation &o = data.operation(op);
        if (!module.empty() && !module[s.module(o.firstRow)]) return false;
        if (!name.empty() && !name[s.name(o.firstRow)]) return false;
        if (!source.empty() && !source[s.source(o.firstRow)]) return false;
        const int64_t begin = s.time(o.firstRow);
        const int64_t end = o.endedAt != kNoTime ? o.endedAt : (isActive(o.status) ? now : s.time(o.latestRow));
        return (filter.since == kNoTime || end >= filter.since) && (filter.until == kNoTime || begin <= filter.until);
    }

    // An event's module, name, source and time; not its status or text.
    bool rowFieldsMatch(EventStore::Row r) const
    {
        const EventStore &s = data.events();
        if (!module.empty() && !module[s.module(r)]) return false;
        if (!name.empty() && !name[s.name(r)]) return false;
        if (!source.empty() && !source[s.source(r)]) return false;
        const int64_t t = s.time(r);
        return (filter.since == kNoTime || t >= filter.since) && (filter.until == kNoTime || t <= filter.until);
    }

    bool statusMatches(uint32_t op) const
    {
        if (filter.statuses == 0)
            return true;
        if (op == kNone)
            return false;
        return (statusFlagsOf(data, op, now, filter.statuses) & filter.statuses) != 0;
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

// Status sorts by what needs the admin first: Interrupted, Failed, Aborted, Running, Queued, Finished, Unknown.
inline int64_t severity(Status status)
{
    switch (status) {
    case Status::Interrupted: return 0;
    case Status::Failed: return 1;
    case Status::Aborted: return 2;
    case Status::Running: return 3;
    case Status::Queued: return 4;
    case Status::Finished: return 5;
    case Status::Unknown: break;
    }
    return 6;
}

inline std::vector<uint32_t> ranksOf(const StringPool &pool)
{
    std::vector<uint32_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0u);
    // Case-insensitive, then exact (the same order at every call: "Move" and "move" must not swap between a whole
    // sort and an update merged into it).
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const QString ta = pool.text(a), tb = pool.text(b);
        const int folded = ta.compare(tb, Qt::CaseInsensitive);
        return folded != 0 ? folded < 0 : ta < tb;
    });
    std::vector<uint32_t> rank(pool.size());
    for (uint32_t i = 0; i < order.size(); ++i)
        rank[order[i]] = i;
    return rank;
}


} // namespace oplens::filtermatch
