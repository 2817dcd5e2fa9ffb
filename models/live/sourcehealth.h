// Whether "nothing interrupted" may be said of a source: the one rule behind the Notifications pane's red banner,
// the Sources pane's state, the window title and `oplens --notifications`' exit code. A source that could not be
// read, is retrying, waits for its secret, holds no events, or is mostly (or more than a few) skipped lines is in
// trouble: nothing is known about what ran there.
#pragma once

#include "session.h"

#include <QString>
#include <QStringList>

namespace oplens {

struct SourceHealth {
    enum class Kind { Read, Loading, Paused, Trouble };
    Kind kind = Kind::Loading;
    QString name;       // short: a file's name, a server's host
    QString problem;    // Trouble: one line, "could not read the oplog: Permission denied"
    bool notAnOplog = false; // read, but no events or mostly skipped lines
    QStringList reasons;     // notAnOplog: the first reasons lines were skipped, with their places

    bool trouble() const { return kind == Kind::Trouble; }
    // "mail3.jsonl: could not read the oplog: Permission denied — nothing is known about mail3.jsonl"
    QString banner() const;
};

// More skipped lines than this make a source untrustworthy even when most lines were read.
constexpr size_t kFewSkippedLines = 3;

QString sourceShortName(const SourceState &source);
SourceHealth sourceHealth(const SourceState &source);

// Over all sources: the troubled ones first, and how many were read, loading or paused.
struct SessionHealth {
    QList<SourceHealth> troubled;
    int read = 0, loading = 0, paused = 0;
    // "Nothing interrupted or stale in the 3 sources read" with what was not read; never an all-clear for a source
    // that was not read.
    QString allClear() const;
};
SessionHealth sessionHealth(const QList<SourceState> &sources);

} // namespace oplens
