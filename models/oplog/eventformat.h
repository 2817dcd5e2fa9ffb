// An event as the suite prints it (`getOperationLog`'s text layout) and as one JSON object.
#pragma once

#include "dataset.h"

#include <QTimeZone>
#include <string>

namespace oplens {

struct EventExtras {
    QString status;   // get-unfinished-operation-log adds the operation's status
    QString source;   // merged views add where the event comes from
};

// The `key value` block of one event, keys padded so the values line up; ends with a blank line.
void appendEventText(std::string &out, const EventStore &store, EventStore::Row row, const EventExtras &extras,
                     const QTimeZone &zone);
// One JSON object with every field the event was read with, on one line.
void appendEventJson(std::string &out, const EventStore &store, EventStore::Row row, const EventExtras &extras);

// `dd/MM/yyyy HH:mm:ss`, the suite's humanStartTime.
QString humanTime(int64_t epochMs, const QTimeZone &zone);

} // namespace oplens
