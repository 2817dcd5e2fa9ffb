#pragma once

#include <QStringList>

namespace oplens::cli {

// `get-operation-log`: every event, newest first (the suite's getOperationLog).
int getOperationLog(const QStringList &args);
// `get-unfinished-operation-log`: the latest event of each unfinished operation, newest first, with its status.
int getUnfinishedOperationLog(const QStringList &args);

} // namespace oplens::cli
