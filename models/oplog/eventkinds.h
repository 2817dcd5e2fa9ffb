// Event types and operation statuses of docs/oplog.md section 3.
#pragma once

#include <QString>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace oplens {

// An event or operation time that is not known (epoch milliseconds otherwise).
constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

// How long from `from` to `to` (ms): 0 when `to` is not later, and at most the largest int64: a file may say any 64-bit
// startTime, so durations of such times must not overflow.
inline int64_t elapsedMs(int64_t from, int64_t to)
{
    int64_t d = 0;
    return to <= from ? 0 : __builtin_sub_overflow(to, from, &d) ? std::numeric_limits<int64_t>::max() : d;
}

enum class EventKind : uint8_t { Queued, Started, Finished, Failed, Aborted, Interrupted, ServiceStarted, Other };

// The six statuses, plus Unknown for an operation whose events are all of unknown types.
enum class Status : uint8_t { Queued, Running, Finished, Failed, Aborted, Interrupted, Unknown };

EventKind eventKindFromType(std::string_view type);
// The status an event of this kind sets; nullopt for kinds that do not change it.
std::optional<Status> statusForKind(EventKind kind);
QString statusName(Status status);
std::optional<Status> statusFromName(const QString &name);

inline bool isTerminal(Status s)
{
    return s == Status::Finished || s == Status::Failed || s == Status::Aborted || s == Status::Interrupted;
}
inline bool isActive(Status s) { return s == Status::Queued || s == Status::Running; }
inline bool isRestartable(Status s) { return s == Status::Failed || s == Status::Aborted || s == Status::Interrupted; }

} // namespace oplens
