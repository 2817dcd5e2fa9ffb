// The one colour of each status, wherever it is shown: the console's panes, the timeline, the reports.
#pragma once

#include "eventkinds.h"

#include <QColor>

namespace oplens {

QColor statusColor(Status status, bool stale = false);

} // namespace oplens
