// Appending to an oplog as writers must (oplog.md section 1): whole lines, one write() each, made durable.
#pragma once

#include <QString>
#include <cstdint>
#include <optional>
#include <string>

namespace oplens {

// Appends `line` (one JSON object; the line ending is added) with O_APPEND, a single write() and fsync().
// Returns an empty string, or why it failed.
QString appendOplogLine(const QString &path, std::string line);

// This machine's boot, from /proc/sys/kernel/random/boot_id.
QString currentBootId();
QString newOperationId();
// When process `pid` started (epoch ms), or nullopt when no such process runs (a zombie does not run).
std::optional<int64_t> processStartTime(int64_t pid);

} // namespace oplens
