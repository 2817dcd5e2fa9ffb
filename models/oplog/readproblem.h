#pragma once

#include <QString>
#include <cstdint>

namespace oplens {

// One event that could not be read (docs/oplog.md section 5): where it is and why.
struct ReadProblem {
    uint64_t position = 0; // 1-based line, or 0-based element index when `element`
    bool element = false;
    QString reason;

    QString place() const
    {
        return element ? QStringLiteral("element %1").arg(position) : QStringLiteral("line %1").arg(position);
    }
};

} // namespace oplens
