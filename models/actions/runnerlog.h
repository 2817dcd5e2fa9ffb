// The runner's own oplog as a place to record in (docs/agent.md section 4): room on its filesystem, and appends that
// leave either the whole line or nothing (a short write on a full disk is cut back to where the file ended).
#pragma once

#include "oplogwriter.h"

#include <QString>

namespace oplens {

// The margin a restart needs free on the runner oplog's filesystem by default (1 MiB).
constexpr qint64 kDefaultMinFreeBytes = 1024 * 1024;

// Why `path`'s filesystem has less than `minFreeBytes` free for its writer, or empty (also when it cannot be told:
// then the write itself reports).
QString freeSpaceProblem(const QString &path, qint64 minFreeBytes);

// appendRunnerEvent(), then, when it failed, the file truncated back to its size before: never a partial line.
// Returns empty, or why it failed in a few words ("No space left on device").
QString appendWholeOrNothing(const QString &path, const RunnerEvent &event);

} // namespace oplens
