// How statuses look: one colour and a round icon each, so every pane shows them alike.
#pragma once

#include "eventkinds.h"
#include "statuscolor.h" // statusColor(): one colour per status, in models/timeline

#include <QColor>
#include <QIcon>

class QLabel;

namespace oplens::ui {

QIcon statusIcon(Status status, bool stale = false);
// The amber box around "check why the service restarted first" wherever it is said.
void styleAsWarning(QLabel *label);
// The red box of what is not known: a source that could not be read is said before anything else.
void styleAsError(QLabel *label);
// "Running (stale)" and the like.
QString statusLabel(Status status, bool stale = false, bool restarted = false);

} // namespace oplens::ui
