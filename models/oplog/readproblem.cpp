// ReadProblems: the first problems in detail, the rest counted by reason (docs/oplog.md section 5).
#include "readproblem.h"

#include <QLocale>
#include <QStringList>

#include <algorithm>

namespace oplens {

namespace {
// Counts read the same in every locale: "3,998,000".
QString number(size_t n) { return QLocale(QLocale::English, QLocale::UnitedStates).toString(qulonglong(n)); }
} // namespace

void ReadProblems::add(ReadProblem problem)
{
    ++m_total;
    if (m_detailed.size() < kDetailed) {
        m_detailed.push_back(std::move(problem));
        return;
    }
    m_elementsNotDetailed = m_elementsNotDetailed || problem.element;
    count(problem.reason, 1);
}

void ReadProblems::add(const ReadProblems &more)
{
    for (const ReadProblem &p : more.m_detailed)
        add(p);
    for (const ReasonCount &c : more.m_counts)
        count(c.reason, c.count);
    m_otherReasons += more.m_otherReasons;
    m_total += more.notDetailed();
    m_elementsNotDetailed = m_elementsNotDetailed || more.m_elementsNotDetailed;
}

void ReadProblems::shiftPlaces(uint64_t positions, uint64_t bytes)
{
    for (ReadProblem &p : m_detailed)
        p.position += p.tail ? bytes : positions;
}

void ReadProblems::count(const QString &reason, size_t times)
{
    // A linear search: few reasons, and only lines past the first kDetailed bad ones come here.
    const auto it = std::find_if(m_counts.begin(), m_counts.end(), [&](const ReasonCount &c) { return c.reason == reason; });
    if (it != m_counts.end())
        it->count += times;
    else if (m_counts.size() < kReasonsCounted)
        m_counts.push_back({reason, times});
    else
        m_otherReasons += times;
}

std::vector<ReadProblems::ReasonCount> ReadProblems::notDetailedByReason() const
{
    std::vector<ReasonCount> counts = m_counts;
    std::stable_sort(counts.begin(), counts.end(), [](const ReasonCount &a, const ReasonCount &b) { return a.count > b.count; });
    if (m_otherReasons > 0)
        counts.push_back({QString(), m_otherReasons});
    return counts;
}

QString ReadProblems::notDetailedSummary() const
{
    if (notDetailed() == 0)
        return {};
    QStringList reasons;
    for (const ReasonCount &c : notDetailedByReason())
        reasons << QStringLiteral("%1 %2").arg(number(c.count), c.reason.isEmpty() ? QStringLiteral("for other reasons") : c.reason);
    return QStringLiteral("… and %1 more %2: %3")
        .arg(number(notDetailed()), m_elementsNotDetailed ? QStringLiteral("problems") : QStringLiteral("bad lines"),
             reasons.join(QStringLiteral("; ")));
}

} // namespace oplens
