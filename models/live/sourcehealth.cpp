#include "sourcehealth.h"

#include <QFileInfo>

namespace oplens {

namespace {
constexpr int kReasonsShown = 3;

// Read whole, but is it an oplog? No events at all, or more skipped lines than events.
void judgeContent(const SourceState &s, SourceHealth &h)
{
    const size_t skipped = s.problems.size();
    if (s.events == 0 && skipped == 0) {
        h.kind = SourceHealth::Kind::Trouble;
        h.problem = QStringLiteral("the oplog holds no events");
        return;
    }
    if (skipped == 0)
        return;
    for (size_t i = 0; i < std::min<size_t>(skipped, kReasonsShown); ++i)
        h.reasons << QStringLiteral("%1: %2").arg(s.problems[i].place(), s.problems[i].reason);
    h.notAnOplog = s.events == 0 || skipped > s.events;
    if (!h.notAnOplog && skipped <= kFewSkippedLines)
        return;
    h.kind = SourceHealth::Kind::Trouble;
    h.problem = h.notAnOplog ? QStringLiteral("not an oplog? %1 of %2 lines skipped (%3)")
                                   .arg(skipped).arg(skipped + s.events).arg(h.reasons.first())
                             : QStringLiteral("%1 lines skipped (%2)").arg(skipped).arg(h.reasons.first());
}

void judgeRemote(const SourceState &s, SourceHealth &h)
{
    const RemoteSource::State &r = s.remote->state();
    switch (r.phase) {
    case RemoteSource::Phase::Paused: h.kind = SourceHealth::Kind::Paused; return;
    case RemoteSource::Phase::Retrying:
    case RemoteSource::Phase::Failed:
        h.kind = SourceHealth::Kind::Trouble;
        h.problem = QStringLiteral("could not read the oplog: %1").arg(r.error.isEmpty() ? QStringLiteral("failed") : r.error);
        return;
    case RemoteSource::Phase::NeedsSecret:
        h.kind = SourceHealth::Kind::Trouble;
        h.problem = QStringLiteral("waiting for its %1").arg(s.remote->spec().auth == RemoteSpec::Auth::Basic
                                                                  ? QStringLiteral("password") : QStringLiteral("token"));
        return;
    case RemoteSource::Phase::Connecting:
    case RemoteSource::Phase::Downloading: h.kind = SourceHealth::Kind::Loading; return;
    case RemoteSource::Phase::UpToDate: break;
    }
    if (!s.error.isEmpty()) { // downloaded, but its local copy could not be read: nothing known, not "no events"
        h.kind = SourceHealth::Kind::Trouble;
        h.problem = QStringLiteral("could not read the downloaded oplog: %1").arg(s.error);
        return;
    }
    if (s.mirror.isEmpty() || s.lastRead.isNull()) {
        h.kind = SourceHealth::Kind::Loading;
        return;
    }
    h.kind = SourceHealth::Kind::Read;
    judgeContent(s, h);
}
} // namespace

QString SourceHealth::banner() const
{
    return QStringLiteral("%1: %2 — nothing is known about %1").arg(name, problem);
}

QString sourceShortName(const SourceState &source)
{
    if (source.remote) { // its host, and the port when one is given: two agents on one host stay apart
        const QUrl &url = source.remote->spec().url;
        return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
    }
    return QFileInfo(source.path).fileName();
}

SourceHealth sourceHealth(const SourceState &s)
{
    SourceHealth h;
    h.name = sourceShortName(s);
    if (s.remote) {
        judgeRemote(s, h);
        return h;
    }
    if (!s.error.isEmpty()) {
        h.kind = SourceHealth::Kind::Trouble;
        h.problem = QStringLiteral("could not read the oplog: %1").arg(s.error);
        return h;
    }
    if (s.lastRead.isNull())
        return h; // Loading
    h.kind = SourceHealth::Kind::Read;
    judgeContent(s, h);
    return h;
}

QString SessionHealth::allClear() const
{
    if (read == 0 && !troubled.isEmpty())
        return QStringLiteral("No source could be read: nothing is known about what ran.");
    if (read == 0)
        return loading > 0 ? QStringLiteral("Loading…") : QStringLiteral("Nothing loaded yet.");
    QString text = read == 1 ? QStringLiteral("Nothing interrupted or stale in the one source read")
                             : QStringLiteral("Nothing interrupted or stale in the %1 sources read").arg(read);
    QStringList besides;
    if (!troubled.isEmpty())
        besides << QStringLiteral("%1 with the problems above").arg(troubled.size());
    if (loading > 0)
        besides << QStringLiteral("%1 still loading").arg(loading);
    if (paused > 0)
        besides << QStringLiteral("%1 paused").arg(paused);
    return besides.isEmpty() ? text + QLatin1Char('.') : QStringLiteral("%1 (%2).").arg(text, besides.join(QLatin1String(", ")));
}

SessionHealth sessionHealth(const QList<SourceState> &sources)
{
    SessionHealth health;
    for (const SourceState &s : sources) {
        const SourceHealth h = sourceHealth(s);
        switch (h.kind) {
        case SourceHealth::Kind::Trouble: health.troubled << h; break;
        case SourceHealth::Kind::Read: ++health.read; break;
        case SourceHealth::Kind::Loading: ++health.loading; break;
        case SourceHealth::Kind::Paused: ++health.paused; break;
        }
    }
    return health;
}

} // namespace oplens
