// The session's remote sources (session.h): each read through its RemoteSource into a local mirror, which the
// session then reads like a local file.
#include "session.h"

namespace oplens {

int Session::openRemote(const RemoteSpec &spec)
{
    if (const int known = sourceIndex(spec.name()); known >= 0) { // open already: take the secret given now
        if (m_sources[known].remote && !spec.secret.isEmpty()) {
            m_sources[known].remote->setSecret(spec.secret);
            m_sources[known].remote->retryNow();
        }
        return known;
    }
    auto *remote = new RemoteSource(spec, m_network, this);
    remote->setPollInterval(m_remotePollMs);
    connect(remote, &RemoteSource::changed, this, [this, remote] { remoteChanged(remote); });
    connect(remote, &RemoteSource::mirrorReplaced, this, [this, remote] { remoteReplaced(remote); });
    connect(remote, &RemoteSource::caughtUp, this, [this, remote] { remoteCaughtUp(remote); });
    connect(remote, &RemoteSource::secretNeeded, this, [this, remote] { // queued: after openRemote() returned
        if (const int i = indexOf(remote); i >= 0)
            Q_EMIT secretNeeded(m_sources[i].path);
    }, Qt::QueuedConnection);
    SourceState source;
    source.path = spec.name();
    source.slot = uint16_t(m_slots++);
    source.remote = remote;
    source.follow = true;
    m_sources.append(source);
    Q_EMIT sourcesChanged();
    remote->start();
    return int(m_sources.size()) - 1;
}

bool Session::remotesSettled() const
{
    for (const SourceState &s : m_sources) {
        if (!s.remote)
            continue;
        const RemoteSource::Phase phase = s.remote->state().phase;
        const bool failing = phase == RemoteSource::Phase::Retrying || phase == RemoteSource::Phase::Failed; // NeedsSecret: not yet
        if (!failing && phase != RemoteSource::Phase::Paused && (s.mirror.isEmpty() || s.lastRead.isNull()))
            return false;
    }
    return true;
}

void Session::setRemotePollInterval(int ms)
{
    m_remotePollMs = ms;
    for (SourceState &s : m_sources)
        if (s.remote)
            s.remote->setPollInterval(ms);
}

int Session::indexOf(const RemoteSource *remote) const
{
    for (int i = 0; i < m_sources.size(); ++i)
        if (m_sources[i].remote == remote)
            return i;
    return -1;
}

void Session::setPaused(int index, bool paused)
{
    if (index < 0 || index >= m_sources.size() || !m_sources[index].remote)
        return;
    m_sources[index].remote->setPaused(paused);
}

void Session::retryNow(int index)
{
    if (index >= 0 && index < m_sources.size() && m_sources[index].remote)
        m_sources[index].remote->retryNow();
}

void Session::setSecret(int index, const QByteArray &secret)
{
    if (index >= 0 && index < m_sources.size() && m_sources[index].remote)
        m_sources[index].remote->setSecret(secret);
}

void Session::giveUp(int index, const QString &why)
{
    if (index >= 0 && index < m_sources.size() && m_sources[index].remote)
        m_sources[index].remote->giveUp(why);
}

void Session::remoteChanged(RemoteSource *remote)
{
    const int i = indexOf(remote);
    if (i < 0)
        return;
    const int64_t started = remote->state().serviceStartedAt;
    if (started != m_sources[i].reportedServiceStart && !m_sources[i].mirror.isEmpty()) {
        m_sources[i].reportedServiceStart = started;
        const uint16_t slot = m_sources[i].slot;
        mutate([this, slot, started] { // the agent saw the service start again: that may interrupt operations
            if (!m_data || m_data->events().sourceCount() <= slot || started == kNoTime)
                return; // not read yet: its read takes the new time
            m_data->setServiceStartedAt(slot, started);
            Q_EMIT dataAppended(Dataset::Change{m_data->events().size(), {}, true});
            summarizeLater();
        });
    }
    const SourceState &s = m_sources[i];
    if (s.follow && !s.mirror.isEmpty() && !s.lastRead.isNull() && uint64_t(remote->state().mirrored) > s.offset)
        pollSoon(); // its copy grew: shown now, not at the next tick
    Q_EMIT sourcesChanged();
}

void Session::remoteReplaced(RemoteSource *remote)
{
    const int i = indexOf(remote);
    if (i < 0)
        return;
    SourceState &s = m_sources[i];
    s.mirror.clear(); // stop following the old copy; the new one is read whole once it caught up
    s.offset = 0;
    s.notice = remote->state().notice;
    Q_EMIT message(QStringLiteral("%1: %2").arg(s.path, s.notice));
}

void Session::remoteCaughtUp(RemoteSource *remote)
{
    const int i = indexOf(remote);
    if (i < 0)
        return;
    SourceState &s = m_sources[i];
    s.mirror = remote->mirrorPath();
    s.offset = 0;
    s.lastRead = {}; // until the build has read it
    s.reportedServiceStart = remote->state().serviceStartedAt;
    enqueue({Job::Load, s.slot}, QStringLiteral("Reading %1").arg(remote->spec().url.host()));
}

} // namespace oplens
