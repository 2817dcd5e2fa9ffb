#pragma once

#include <QString>
#include <cstdint>
#include <vector>

namespace oplens {

// One event that could not be read (docs/oplog.md section 5): where it is and why.
struct ReadProblem {
    uint64_t position = 0; // 1-based line, or 0-based element index when `element`, or a byte offset when `tail`
    bool element = false;
    QString reason;
    bool tail = false;     // text after the end of the list of events (an array or the wrapper)

    QString place() const
    {
        if (tail)
            return QStringLiteral("byte %1, after the list").arg(position);
        return element ? QStringLiteral("element %1").arg(position) : QStringLiteral("line %1").arg(position);
    }
};

// The problems of one source, in bounded memory however many bad lines it has (docs/oplog.md section 5): the first
// kDetailed with their places and reasons, the rest only counted by reason. size() counts them all.
class ReadProblems
{
public:
    static constexpr size_t kDetailed = 1000;
    static constexpr size_t kReasonsCounted = 20; // past these, another reason is counted as "other reasons"

    void add(ReadProblem problem);
    void add(const ReadProblems &more); // a follow-up read's problems, after these
    // Moves the places on: lines and elements by `positions`, tails by `bytes` (a piece read after others).
    void shiftPlaces(uint64_t positions, uint64_t bytes);

    size_t size() const { return m_total; }
    bool empty() const { return m_total == 0; }
    size_t notDetailed() const { return m_total - m_detailed.size(); }

    // The detailed problems, in the order found: at most kDetailed.
    const std::vector<ReadProblem> &detailed() const { return m_detailed; }
    const ReadProblem &operator[](size_t i) const { return m_detailed[i]; }
    const ReadProblem &front() const { return m_detailed.front(); }
    std::vector<ReadProblem>::const_iterator begin() const { return m_detailed.begin(); }
    std::vector<ReadProblem>::const_iterator end() const { return m_detailed.end(); }

    // The problems not detailed, by reason, most frequent first: "3,998,000 not valid JSON: …".
    struct ReasonCount {
        QString reason; // empty for the reasons past kReasonsCounted
        size_t count = 0;
    };
    std::vector<ReasonCount> notDetailedByReason() const;
    // "… and 3,998,000 more bad lines: 3,998,000 not valid JSON: …"; empty when every problem is detailed.
    QString notDetailedSummary() const;

private:
    void count(const QString &reason, size_t times);

    std::vector<ReadProblem> m_detailed;
    std::vector<ReasonCount> m_counts; // in the order first seen
    size_t m_otherReasons = 0;
    size_t m_total = 0;
    bool m_elementsNotDetailed = false;
};

} // namespace oplens
