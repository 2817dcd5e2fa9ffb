#include "sourcetexts.h"

#include "sourcehealth.h"

#include <QLocale>
#include <QObject>

namespace oplens::ui {

namespace {
QString bytes(qint64 n)
{
    return QLocale().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}

// A source read whole that holds no events, or mostly skipped lines, is not "Following": say what it looks like.
QString contentVerdict(const SourceState &s)
{
    const SourceHealth health = sourceHealth(s);
    if (health.notAnOplog)
        return QObject::tr("Not an oplog? %1").arg(health.reasons.join(QLatin1String("; ")));
    if (s.events == 0 && s.problems.empty())
        return QObject::tr("No events");
    return {};
}

QString remoteStateText(const SourceState &s)
{
    const RemoteSource::State &r = s.remote->state();
    switch (r.phase) {
    case RemoteSource::Phase::Connecting: return QObject::tr("Connecting…");
    case RemoteSource::Phase::Downloading:
        return r.remoteSize > 0 ? QObject::tr("Reading %1% (%2 of %3)").arg(r.mirrored * 100 / r.remoteSize).arg(bytes(r.mirrored), bytes(r.remoteSize))
                                : QObject::tr("Reading %1").arg(bytes(r.mirrored));
    case RemoteSource::Phase::UpToDate:
        return s.mirror.isEmpty() || s.lastRead.isNull() ? QObject::tr("Loading…")
               : !contentVerdict(s).isEmpty()            ? contentVerdict(s)
               : s.follow                                ? QObject::tr("Connected, following")
                                                         : QObject::tr("Connected, loaded");
    case RemoteSource::Phase::Retrying:
        return QObject::tr("Retrying in %1 s (%2 failed)")
            .arg(std::max<qint64>(0, (r.retryAt - QDateTime::currentMSecsSinceEpoch() + 999) / 1000))
            .arg(r.failures == 1 ? QObject::tr("1 attempt") : QObject::tr("%1 attempts").arg(r.failures));
    case RemoteSource::Phase::Paused: return QObject::tr("Paused");
    case RemoteSource::Phase::Failed: return QObject::tr("Failed");
    case RemoteSource::Phase::NeedsSecret:
        return s.remote->spec().auth == RemoteSpec::Auth::Basic ? QObject::tr("Waiting for the password")
                                                                : QObject::tr("Waiting for the token");
    }
    return {};
}
} // namespace

QString shortDuration(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 1)
        return QObject::tr("< 1 s");
    if (s < 120)
        return QObject::tr("%1 s").arg(s);
    if (s < 7200)
        return QObject::tr("%1 min").arg(s / 60);
    return QObject::tr("%1 h").arg(s / 3600);
}

QString sourceStateText(const SourceState &s)
{
    QString state;
    if (s.remote)
        state = remoteStateText(s);
    else if (!s.error.isEmpty())
        state = QObject::tr("Error: %1").arg(s.error);
    else
        state = s.lastRead.isNull()            ? QObject::tr("Loading…")
                : !contentVerdict(s).isEmpty() ? contentVerdict(s)
                : s.follow                     ? QObject::tr("Following")
                                               : QObject::tr("Loaded");
    if (s.assumeInterrupted)
        state += QObject::tr(", crash snapshot");
    return state;
}

QString sourceLagText(const SourceState &s, qint64 nowMs)
{
    if (!s.remote)
        return s.follow && s.error.isEmpty() ? QObject::tr("live") : QStringLiteral("–");
    const RemoteSource::State &r = s.remote->state();
    const bool live = r.phase == RemoteSource::Phase::UpToDate && s.follow;
    return !r.lastChecked.isValid() ? QStringLiteral("–")
           : live && s.remote->spec().kind == RemoteSpec::Kind::Agent ? QObject::tr("live")
                                                                       : shortDuration(nowMs - r.lastChecked.toMSecsSinceEpoch());
}

QDateTime sourceLastUpdate(const SourceState &s)
{
    if (!s.remote)
        return s.lastRead;
    const RemoteSource::State &r = s.remote->state();
    return r.lastData.isValid() ? r.lastData : r.lastChecked;
}

} // namespace oplens::ui
