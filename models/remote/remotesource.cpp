#include "remotesource.h"

#include "mirrorfile.h"
#include "networkerror.h"
#include "sshread.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTemporaryFile>

#include <algorithm>

namespace oplens {

namespace {
constexpr qint64 kOverlap = 64;     // bytes of the copy's end asked for again: they must match
constexpr int kMaxBackoffSeconds = 60;
// What one readyRead may bring: the network thread waits when the GUI thread is busy, instead of piling up tens of MB
// that one readAll() would then copy at once.
constexpr qint64 kReadBuffer = 2 << 20;

// "bytes 100-199/1234" or "bytes */1234": (first byte or -1, total or -1).
std::pair<qint64, qint64> contentRange(const QByteArray &header)
{
    const QByteArray value = header.trimmed();
    if (!value.startsWith("bytes "))
        return {-1, -1};
    const qsizetype slash = value.indexOf('/');
    const QByteArray range = value.mid(6, slash < 0 ? -1 : slash - 6);
    bool ok = false;
    const qint64 total = slash < 0 ? -1 : value.mid(slash + 1).toLongLong(&ok);
    const qint64 first = range == "*" ? -1 : range.left(range.indexOf('-')).toLongLong();
    return {first, ok ? total : -1};
}

// The first bytes of an oplog, past any whitespace: a JSON object (a line, or {"operationList": ...}) or an array.
bool looksLikeOplog(const QByteArray &start, bool *decided)
{
    for (const char c : start) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        *decided = true;
        return c == '{' || c == '[' || c == '\xEF'; // \xEF: a UTF-8 byte order mark
    }
    *decided = false;
    return true;
}
} // namespace

QString phaseName(RemoteSource::Phase phase)
{
    switch (phase) {
    case RemoteSource::Phase::Connecting: return QStringLiteral("Connecting");
    case RemoteSource::Phase::Downloading: return QStringLiteral("Reading");
    case RemoteSource::Phase::UpToDate: return QStringLiteral("Up to date");
    case RemoteSource::Phase::Retrying: return QStringLiteral("Retrying");
    case RemoteSource::Phase::Paused: return QStringLiteral("Paused");
    case RemoteSource::Phase::Failed: return QStringLiteral("Failed");
    case RemoteSource::Phase::NeedsSecret: return QStringLiteral("Waiting for credentials");
    }
    return {};
}

RemoteSource::RemoteSource(RemoteSpec spec, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent), m_spec(std::move(spec)), m_network(network)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RemoteSource::request);
    m_mirror = newMirror();
    if (m_spec.kind == RemoteSpec::Kind::Ssh)
        m_pollMs = 1000; // an append shows within 2 s: a poll costs one command on the open connection
}

RemoteSource::~RemoteSource()
{
    dropRequest();
}

bool RemoteSource::busy() const
{
    return m_reply || m_ssh;
}

void RemoteSource::dropRequest()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    if (m_ssh) {
        m_ssh->disconnect(this);
        m_ssh->deleteLater(); // kills its ssh
        m_ssh = nullptr;
    }
}

QString RemoteSource::mirrorPath() const { return m_mirror->fileName(); }

void RemoteSource::start()
{
    request();
}

// What no retry can mend: checked before every request (Retry now and F5 included).
QString RemoteSource::refusal() const
{
    if (!m_spec.refused.isEmpty())
        return m_spec.refused;
    if (!m_mirror->isOpen())
        return QStringLiteral("cannot create a local copy in %1: %2").arg(mirrorFolder(), m_mirror->errorString());
    if (const QString why = m_spec.checkTransport(); !why.isEmpty())
        return why;
    if (!m_spec.caFile.isEmpty() && QSslCertificate::fromPath(m_spec.caFile).isEmpty())
        return QStringLiteral("the CA file %1 holds no PEM certificate").arg(m_spec.caFile);
    return {};
}

void RemoteSource::setSecret(const QByteArray &secret)
{
    m_spec.secret = secret;
    if (m_state.phase == Phase::NeedsSecret) {
        m_state.phase = Phase::Connecting;
        request();
    }
}

void RemoteSource::giveUp(const QString &why)
{
    m_timer.stop();
    fail(why, nullptr, true);
}

void RemoteSource::setFollow(bool follow)
{
    m_follow = follow;
    if (follow && m_state.ready && !busy() && m_state.phase == Phase::UpToDate)
        request();
}

void RemoteSource::setRetry(bool retry) { m_retry = retry; }

void RemoteSource::setPaused(bool paused)
{
    if (paused == (m_state.phase == Phase::Paused))
        return;
    if (paused) {
        m_timer.stop();
        dropRequest();
        m_state.phase = Phase::Paused;
        emitChanged();
        return;
    }
    m_state.phase = m_state.ready ? Phase::UpToDate : Phase::Connecting;
    m_state.failures = 0;
    emitChanged();
    request();
}

void RemoteSource::retryNow()
{
    if (m_state.phase != Phase::Retrying && m_state.phase != Phase::Failed)
        return;
    m_timer.stop();
    m_state.phase = m_state.ready ? Phase::UpToDate : Phase::Connecting;
    emitChanged();
    request();
}

void RemoteSource::schedule(int ms)
{
    m_timer.start(ms);
}

void RemoteSource::request()
{
    if (busy() || m_state.phase == Phase::Paused)
        return;
    if (m_spec.needsSecret() && m_spec.secret.isEmpty()) {
        m_state.phase = Phase::NeedsSecret; // until setSecret() or giveUp()
        emitChanged();
        Q_EMIT secretNeeded();
        return;
    }
    if (!m_mirror->isOpen() && m_state.mirrored == 0)
        m_mirror = newMirror(); // the disk may have room again
    if (const QString why = refusal(); !why.isEmpty()) {
        fail(why, nullptr, true); // until the admin mends it and retries
        return;
    }
    if (m_spec.kind == RemoteSpec::Kind::File)
        requestFile();
    else if (m_spec.kind == RemoteSpec::Kind::Ssh)
        requestSsh();
    else if (!m_statusKnown)
        requestAgentStatus();
    else
        requestAgentOplog();
}

void RemoteSource::requestFile()
{
    QNetworkRequest r = remoteRequest(m_spec, m_spec.url);
    r.setTransferTimeout(30 * 1000);
    if (m_state.mirrored > 0) {
        r.setRawHeader("Range", "bytes=" + QByteArray::number(overlapStart()) + '-');
        if (!m_etag.isEmpty())
            r.setRawHeader("If-None-Match", m_etag);
    }
    m_bodyStart = m_bodyPos = overlapStart();
    watch(sendRemote(m_network, r), int(Request::File));
}

qint64 RemoteSource::overlapStart() const
{
    return m_state.mirrored - std::min(m_state.mirrored, kOverlap);
}

// Every request: its kind for finished(), and a body that is read as it comes (at most kReadBuffer at a time) for the
// requests that bring oplog bytes. Sent just before: its certificate is checked against the trusted ones.
void RemoteSource::watch(QNetworkReply *reply, int kind)
{
    m_mirroredAtRequest = m_state.mirrored;
    m_bodyChecked = m_bodyRejected = false;
    m_requestClock.start();
    m_reply = reply;
    m_reply->setProperty("oplensRequest", kind);
    if (Request(kind) != Request::AgentStatus) {
        m_reply->setReadBufferSize(kReadBuffer);
        connect(m_reply, &QNetworkReply::readyRead, this, &RemoteSource::received);
    }
    connect(m_reply, &QNetworkReply::finished, this, &RemoteSource::finished);
}

void RemoteSource::received()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    if (!m_bodyChecked) {
        m_bodyChecked = true;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto kind = Request(reply->property("oplensRequest").toInt());
        m_bodyRejected = true;
        if (kind == Request::AgentOplog && status == 200) {
            m_bodyStart = m_state.mirrored;
            m_bodyRejected = false;
        } else if (kind == Request::File && status == 200) {
            m_bodyStart = 0;
            m_bodyRejected = false;
        } else if (kind == Request::File && status == 206) {
            const auto [first, total] = contentRange(reply->rawHeader("Content-Range"));
            m_state.remoteSize = total;
            m_bodyStart = first;
            m_bodyRejected = first < 0 || first > m_state.mirrored;
        }
        m_bodyPos = m_bodyStart;
        // Bytes are coming for a copy not caught up yet, also one resumed after a failure (which still said
        // "Retrying"): the Sources pane shows how much of the server's size is copied.
        if (!m_bodyRejected && (m_state.mirrored == 0 || !m_state.ready)) {
            m_state.phase = Phase::Downloading;
            if (status == 200 && reply->header(QNetworkRequest::ContentLengthHeader).isValid())
                m_state.remoteSize = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
            if (kind == Request::AgentOplog)
                m_state.remoteSize = reply->rawHeader("X-Oplog-Size").toLongLong();
        }
    }
    if (m_bodyRejected)
        return; // an answer without a body for the mirror: finished() reads it
    if (!writeBody(reply->readAll())) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
        m_reply = nullptr;
        if (m_state.phase == Phase::Connecting) // the mirror was replaced: read the new file from the start
            request();
        return;
    }
    emitChanged(true);
}

// The body's bytes before the copy's end must equal the copy's; the rest is appended. False: the reply was dropped
// (the file was replaced, or is not an oplog) and what comes next is already under way.
bool RemoteSource::writeBody(const QByteArray &data)
{
    const char *p = data.constData();
    qint64 n = data.size();
    if (m_bodyPos < m_state.mirrored && n > 0) {
        const qint64 length = std::min(n, m_state.mirrored - m_bodyPos);
        m_mirror->seek(m_bodyPos);
        if (m_mirror->read(length) != QByteArray::fromRawData(p, length)) {
            replaceMirror(QStringLiteral("read again from the start: the file on the server was replaced (rotated)"));
            return false;
        }
        p += length;
        n -= length;
        m_bodyPos += length;
    }
    if (n == 0)
        return true;
    if (m_state.mirrored == 0 && m_spec.kind != RemoteSpec::Kind::Agent) {
        bool decided = false;
        if (!looksLikeOplog(QByteArray::fromRawData(p, std::min<qint64>(n, 4096)), &decided) && decided) {
            QString start = QString::fromUtf8(p, std::min<qint64>(n, 40)).simplified();
            fail(QStringLiteral("not an oplog: the server sent \"%1…\" (an oplog starts with { or [)").arg(start));
            return false;
        }
    }
    m_mirror->seek(m_state.mirrored);
    if (m_mirror->write(p, n) != n || !m_mirror->flush()) {
        fail(QStringLiteral("cannot write the local copy %1: %2").arg(m_mirror->fileName(), m_mirror->errorString()));
        return false;
    }
    m_state.mirrored += n;
    m_bodyPos += n;
    m_state.lastData = QDateTime::currentDateTime();
    return true;
}

void RemoteSource::finished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    reply->disconnect(this);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto kind = Request(reply->property("oplensRequest").toInt());
    if (kind == Request::File)
        fileFinished(reply, status);
    else
        agentFinished(reply, status);
}

void RemoteSource::fileFinished(QNetworkReply *reply, int status)
{
    if (status == 304) {
        succeeded(false);
        return;
    }
    if (status == 416) {
        const qint64 total = contentRange(reply->rawHeader("Content-Range")).second;
        if (total >= 0 && total < m_state.mirrored)
            replaceMirror(QStringLiteral("read again from the start: the file on the server shrank (truncated or rotated)"));
        else
            succeeded(false);
        return;
    }
    if (reply->error() != QNetworkReply::NoError || (status != 200 && status != 206)) {
        fail(describeNetworkFailure(reply, m_spec), reply); // redirects too: they have no network error
        return;
    }
    if (m_bodyRejected) {
        fail(QStringLiteral("%1: an answer that does not continue the file").arg(status), reply);
        return;
    }
    if (m_bodyPos < m_state.mirrored) { // the file now ends before the copy does
        replaceMirror(QStringLiteral("read again from the start: the file on the server shrank (truncated or rotated)"));
        return;
    }
    if (status == 206 && m_state.remoteSize > m_state.mirrored && m_state.mirrored > m_mirroredAtRequest) {
        request(); // the server sent a part of the rest: ask for what follows
        return;
    }
    const qint64 before = m_state.remoteSize;
    m_etag = reply->rawHeader("ETag");
    if (status == 200 || before < m_state.mirrored)
        m_state.remoteSize = m_state.mirrored;
    succeeded(m_state.mirrored > m_mirroredAtRequest);
}

void RemoteSource::replaceMirror(const QString &why)
{
    m_mirror = newMirror(); // the old one is removed; a reader that has it open keeps reading its own copy
    m_state.mirrored = 0;
    m_state.remoteSize = -1;
    m_state.ready = false;
    m_state.notice = why;
    m_state.phase = Phase::Connecting;
    m_etag.clear();
    m_epoch.clear();
    m_sshIdentity.clear();
    m_statusKnown = false;
    Q_EMIT mirrorReplaced();
    emitChanged();
    request();
}

void RemoteSource::fail(const QString &why, QNetworkReply *reply, bool final)
{
    m_state.error = why;
    m_state.certificate = reply ? certificateProblemOf(reply) : CertificateProblem{};
    ++m_state.failures;
    m_statusKnown = false;
    if (!m_retry || final) {
        m_state.phase = Phase::Failed;
    } else {
        const int seconds = std::min(kMaxBackoffSeconds, 1 << std::min(m_state.failures - 1, 6));
        m_state.phase = Phase::Retrying;
        m_state.retryAt = QDateTime::currentMSecsSinceEpoch() + seconds * 1000;
        schedule(seconds * 1000);
    }
    emitChanged();
}

void RemoteSource::succeeded(bool newData)
{
    m_state.lastChecked = QDateTime::currentDateTime();
    if (newData)
        m_state.lastData = m_state.lastChecked;
    m_state.error.clear();
    m_state.certificate = {};
    m_state.failures = 0;
    m_state.phase = Phase::UpToDate;
    const bool first = !m_state.ready;
    m_state.ready = true;
    emitChanged();
    if (first)
        Q_EMIT caughtUp();
    if (!m_follow || m_state.phase == Phase::Paused)
        return;
    // An agent is long-polled: it answers when there is something new. One that answered at once with nothing (a
    // last line still being written) is asked again after a pause, not in a loop.
    if (m_spec.kind == RemoteSpec::Kind::Agent && (newData || m_requestClock.elapsed() >= 1000))
        request();
    else
        schedule(m_pollMs);
}

void RemoteSource::emitChanged(bool throttle)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (throttle && now - m_lastChangedSignal < 200)
        return;
    m_lastChangedSignal = now;
    Q_EMIT changed();
}

} // namespace oplens
