// Filters of docs/cli.md (shared by the console's filter bar) and sorting, as vectors of row or operation indexes.
#pragma once

#include "dataset.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <vector>

namespace oplens {

// Status choices: the six statuses plus the derived ones.
enum StatusFlag : uint32_t {
    StatusQueued = 1u << 0,
    StatusRunning = 1u << 1,
    StatusFinished = 1u << 2,
    StatusFailed = 1u << 3,
    StatusAborted = 1u << 4,
    StatusInterrupted = 1u << 5,
    StatusUnknown = 1u << 6,
    StatusUnfinished = 1u << 7,
    StatusStale = 1u << 8,
    StatusSuperseded = 1u << 9,
};
// The StatusFlags `op` has now (its status, Unfinished, Stale, Superseded): what the status filter and its counts
// see. Stale, which needs a lookup, only when `wanted` asks for it.
uint32_t statusFlagsOf(const Dataset &data, uint32_t op, int64_t now, uint32_t wanted = ~0u);
// "Unfinished", "Stale", "Superseded" and the status names of docs/oplog.md, any case; 0 for an unknown word.
uint32_t statusFlagFromName(const QString &name);
QStringList statusFlagNames();

struct ViewFilter {
    QStringList modules, names; // any of these; empty = all
    uint32_t statuses = 0;      // StatusFlag bits, any of them; 0 = all
    int64_t since = kNoTime, until = kNoTime;
    QString text;               // case-insensitive substring of module, name, id, requestedBy, parameters
    bool regex = false;         // `text` is a regular expression instead
    QStringList sources;        // source names; empty = all

    bool operator==(const ViewFilter &) const = default;
    QString describe() const;   // one line, for reports and the status bar
    // Why `text` cannot be a regular expression ("missing closing parenthesis at position 10"); empty when it can, or
    // when it is no regex. An invalid one matches nothing: callers refuse it rather than show an empty result.
    QString regexProblem() const;
};

using CancelFlag = std::atomic_bool;
using Progress = std::function<void(int percent)>;

// The rows that pass, in store order. A status filter keeps every event of the operations that have it.
std::vector<uint32_t> filterEvents(const Dataset &data, const ViewFilter &filter, int64_t now,
                                   const CancelFlag *cancel = nullptr, const Progress &progress = {});
// The operations that pass: the time range overlaps the operation, the text matches one of its events.
std::vector<uint32_t> filterOperations(const Dataset &data, const ViewFilter &filter, int64_t now,
                                       const CancelFlag *cancel = nullptr, const Progress &progress = {});

enum class EventColumn { Time, Type, Host, Module, Name, OperationId, RequestedBy, Parameters, Source, Count };
enum class OperationColumn {
    Status, Started, Ended, Duration, Host, Module, Name, RequestedBy, Origin, OperationId, Source, Events, Parameters,
    Count
};

// Equal keys keep the (startTime, row) order, reversed with the rest for descending sorts.
// Status sorts by what needs the admin first: Interrupted, Failed, Aborted, Running, Queued, Finished, Unknown.
void sortEvents(const Dataset &data, std::vector<uint32_t> &rows, EventColumn column, bool descending);
void sortOperations(const Dataset &data, std::vector<uint32_t> &ops, OperationColumn column, bool descending,
                    int64_t now);

// Parses `--since`/`--until` values: epoch milliseconds, or ISO 8601 (a date alone, or with a time; local time
// when no zone is given). nullopt when it is neither.
std::optional<int64_t> parseTimeArgument(const QString &text);

} // namespace oplens
