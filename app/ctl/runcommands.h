#pragma once

#include <QStringList>

namespace oplens::cli {

// `run`: runs a command as a recorded operation (Started, then Finished or Failed) in an oplog.
int runCommand(const QStringList &args);
// `recover`: records as Interrupted the operations of an oplog whose runner is gone.
int recoverCommand(const QStringList &args);

} // namespace oplens::cli
