// The text of each cell of the Operations and Events tables: what the console shows and what export writes, from one
// place so that an exported view reads exactly as it is shown.
#pragma once

#include "dataset.h"
#include "viewfilter.h"

#include <QString>
#include <string>

namespace oplens {

// "2025-11-23 01:00:03" in local time or UTC; empty for kNoTime.
QString timeText(int64_t epochMs, bool utc);
void appendTimeText(std::string &out, int64_t epochMs, bool utc);
// "1 h 05 min", "42 s", "350 ms"; empty for kNoTime or a negative duration.
QString durationText(int64_t ms);
// "Running (stale)", "Interrupted (restarted)" and the like.
QString statusText(Status status, bool stale = false, bool restarted = false);

// Column titles, in English: the tables translate them, export writes them as they are.
const char *columnTitle(EventColumn column);
const char *columnTitle(OperationColumn column);

// The text of one cell. The Source column gives the file's name, as the tables show it; Parameters the whole JSON text
// (an operation's: those of its first event).
void appendEventCell(std::string &out, const Dataset &data, uint32_t row, EventColumn column, bool utc);
void appendOperationCell(std::string &out, const Dataset &data, uint32_t op, OperationColumn column, int64_t now,
                         bool utc);
QString eventCell(const Dataset &data, uint32_t row, EventColumn column, bool utc);
QString operationCell(const Dataset &data, uint32_t op, OperationColumn column, int64_t now, bool utc);

} // namespace oplens
