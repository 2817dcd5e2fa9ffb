// Appending to an oplog as writers must (docs/oplog.md section 1): whole lines, one write() each, made durable.
#pragma once

#include <QString>
#include <map>
#include <cstdint>
#include <optional>
#include <string>

namespace oplens {

// Appends `line` (one JSON object; the line ending is added) with O_APPEND, a single write() and fsync().
// Returns an empty string, or why it failed.
QString appendOplogLine(const QString &path, std::string line);

// One event as OpLens's runners write it, in docs/oplog.md's field order; `humanStartTime` comes from `startTime`.
struct RunnerEvent {
    QString module, name, operationId, type, requestedBy, host, restartOf, runner;
    std::string parameters;     // a JSON object's text; left out when empty or {}
    int64_t opStartTime = -1;   // left out when negative
    int64_t startTime = 0;
    std::map<std::string, std::string> extra; // more fields (pid, bootId, error, ...), each as JSON text
};
// Appends `event` as one line (appendOplogLine); empty, or why it failed.
QString appendRunnerEvent(const QString &path, const RunnerEvent &event);

// This machine's boot, from /proc/sys/kernel/random/boot_id.
QString currentBootId();
QString newOperationId();
// When process `pid` started (epoch ms), or nullopt when no such process runs (a zombie does not run).
std::optional<int64_t> processStartTime(int64_t pid);

} // namespace oplens
