#pragma once

#include <QStringList>

namespace oplens::cli {

// `restart`: restarts operations, one or many, through their agents or with a local action catalog (docs/cli.md).
int restartCommand(const QStringList &args);

} // namespace oplens::cli
