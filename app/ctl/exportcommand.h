#pragma once

#include <QStringList>

namespace oplens::cli {

// `export --format csv|jsonl|json|html|pdf [--view events|operations] [filters] [-o FILE] SOURCE...`: the filtered
// view as a file, or on standard output.
int exportCommand(const QStringList &args);

// Whether these arguments (the subcommand first) ask export for a report: drawing its text takes a QGuiApplication,
// which main() then creates, on the offscreen platform.
bool exportWritesReport(const QStringList &args);

} // namespace oplens::cli
