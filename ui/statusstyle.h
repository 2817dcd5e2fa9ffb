// How statuses look: one colour and a round icon each, so every pane shows them alike.
#pragma once

#include "eventkinds.h"

#include <QColor>
#include <QIcon>

namespace oplens::ui {

QColor statusColor(Status status, bool stale = false);
QIcon statusIcon(Status status, bool stale = false);
// "Running (stale)" and the like.
QString statusLabel(Status status, bool stale = false, bool restarted = false);

} // namespace oplens::ui
