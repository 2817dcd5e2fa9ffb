// RemoteSource's side of SSH (docs/cli.md "Sources"): a piece of at most kSshPiece bytes per command, starting
// a few bytes before the copy's end (overlapStart, as for a web server's file). The header of each piece says the file's size and device:inode: another inode
// means the name now holds another file (rotated), a smaller size that it was truncated; either way the copy is read
// again. The overlapping bytes must match too (writeBody), which catches a file rewritten in place.
#include "remotesource.h"

#include "sshread.h"

#include <QTemporaryFile>

namespace oplens {

namespace {
// Bytes are written to the copy as they come, so progress shows within a piece; each piece costs one remote command
// (the login shell starting: 0.1-0.4 s measured here), so a piece is a few MiB, not one.
constexpr qint64 kSshPiece = 8 << 20;
} // namespace

void RemoteSource::requestSsh()
{
    const qint64 from = overlapStart();
    m_bodyStart = m_bodyPos = from;
    m_mirroredAtRequest = m_state.mirrored;
    m_requestClock.start();
    auto *read = new SshRead(m_spec.sshTarget(), this);
    m_ssh = read;
    connect(read, &SshRead::headerRead, this, &RemoteSource::sshHeader);
    connect(read, &SshRead::dataRead, this, &RemoteSource::sshData);
    connect(read, &SshRead::finished, this, &RemoteSource::sshFinished);
    read->start(m_spec.sshPath(), from, kSshPiece);
}

void RemoteSource::sshHeader()
{
    const SshFileInfo info = m_ssh->info();
    QString replaced;
    if (!m_sshIdentity.isEmpty() && info.identity != m_sshIdentity)
        replaced = QStringLiteral("read again from the start: the file on the server was replaced (rotated: another inode)");
    else if (info.size < m_state.mirrored)
        replaced = QStringLiteral("read again from the start: the file on the server shrank (truncated)");
    if (!replaced.isEmpty()) {
        dropRequest();
        replaceMirror(replaced); // asks again at once
        return;
    }
    m_sshIdentity = info.identity;
    m_state.remoteSize = info.size;
    if (info.size > m_state.mirrored && (m_state.mirrored == 0 || !m_state.ready))
        m_state.phase = Phase::Downloading; // the Sources pane shows how much of the size is copied
}

void RemoteSource::sshData()
{
    if (!writeBody(m_ssh->takeData())) {
        dropRequest();
        if (m_state.phase == Phase::Connecting) // the mirror was replaced: read the new file from the start
            request();
        return;
    }
    emitChanged(true);
}

void RemoteSource::sshFinished()
{
    SshRead *read = m_ssh;
    m_ssh = nullptr;
    read->disconnect(this);
    read->deleteLater();
    if (read->failure().problem != SshProblem::None) {
        fail(read->failure().message);
        return;
    }
    // A piece that succeeded brought all the header announced (SshRead), so at least the overlap: the copy's end is
    // reached, and a file shorter than the copy was caught by its size in sshHeader.
    const bool newData = m_state.mirrored > m_mirroredAtRequest;
    if (newData && m_state.remoteSize > m_state.mirrored) {
        request(); // the next piece
        return;
    }
    m_state.remoteSize = std::max(m_state.remoteSize, m_state.mirrored);
    succeeded(newData);
}

} // namespace oplens
