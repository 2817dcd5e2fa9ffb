// Recovery after a crash or reboot (docs/agent.md section 5): the operations a runner wrote whose process is gone
// get an Interrupted event. A process still alive is left alone; running it twice adds nothing.
#pragma once

#include <QString>
#include <QStringList>

namespace oplens {

struct Recovered {
    QString operationId, module, name, reason;
};

struct RecoveryResult {
    QString error; // the oplog could not be read or written
    QList<Recovered> interrupted;
};

// `runnerName` is written on the Interrupted events (`oplensd`, `oplensctl`).
RecoveryResult recoverOplog(const QString &path, const QString &runnerName);

} // namespace oplens
