// `acknowledge` and `unacknowledge`: shared acknowledgements on an agent (docs/agent.md section 9, docs/cli.md).
#pragma once

#include <QStringList>

namespace oplens::cli {

// `acknowledge OPERATION_ID [--comment TEXT] agent+https://host:port#LOG`: POST to the agent; prints who and when.
int acknowledgeCommand(const QStringList &args);
// `unacknowledge OPERATION_ID agent+https://host:port#LOG`: DELETE on the agent; the notification shows again.
int unacknowledgeCommand(const QStringList &args);

} // namespace oplens::cli
