// How statuses look: one colour and a round icon each, so every pane shows them alike.
#pragma once

#include "eventkinds.h"

#include <QColor>
#include <QIcon>

class QLabel;

namespace oplens::ui {

QColor statusColor(Status status, bool stale = false);
QIcon statusIcon(Status status, bool stale = false);
// The amber box around "check why the service restarted first" wherever it is said.
void styleAsWarning(QLabel *label);
// "Running (stale)" and the like.
QString statusLabel(Status status, bool stale = false, bool restarted = false);

} // namespace oplens::ui
