// What the console says of a source's state and lag: one wording for the Sources pane and the Servers view.
#pragma once

#include "session.h"

#include <QString>

namespace oplens::ui {

// "Following", "Reading 45 % (…)", "Retrying in 8 s (2 failed attempts)", "Not an oplog? …", ", crash snapshot".
QString sourceStateText(const SourceState &source);
// How old the copy shown may be: "live", "12 s", "3 min", or "–" when nothing is known.
QString sourceLagText(const SourceState &source, qint64 nowMs);
// When new events last arrived (or the server last answered, for a remote source without news).
QDateTime sourceLastUpdate(const SourceState &source);
// "< 1 s", "45 s", "12 min", "3 h": a duration as the panes say it.
QString shortDuration(qint64 ms);

} // namespace oplens::ui
