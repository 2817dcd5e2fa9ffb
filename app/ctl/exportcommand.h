#pragma once

#include <QStringList>

namespace oplens::cli {

// `export --format csv|jsonl|json [--view events|operations] [filters] [-o FILE] SOURCE...`: the filtered view as a
// file, or on standard output.
int exportCommand(const QStringList &args);

} // namespace oplens::cli
