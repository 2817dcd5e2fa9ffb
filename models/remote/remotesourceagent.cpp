// RemoteSource's side of the agent protocol (docs/agent.md section 3): /v1/status once per connection (the oplog must
// be served, and serviceStartedAt is evidence of a service restart), then /v1/oplog from the copy's end with the epoch
// last seen, long-polled once caught up. A 409 means the agent's file began a new life: the copy is read again.
#include "remotesource.h"

#include "agentclient.h"
#include "networkerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace oplens {

namespace {
constexpr int kAgentWaitSeconds = 25;
} // namespace

void RemoteSource::requestAgentStatus()
{
    watch(AgentClient(m_spec, m_network).status(), int(Request::AgentStatus));
}

void RemoteSource::requestAgentOplog()
{
    const bool wait = m_state.ready && m_follow;
    m_bodyStart = m_bodyPos = m_state.mirrored;
    watch(AgentClient(m_spec, m_network).oplog(m_state.mirrored, m_epoch, wait ? kAgentWaitSeconds : 0),
          int(Request::AgentOplog));
}

void RemoteSource::agentFinished(QNetworkReply *reply, int status)
{
    const auto kind = Request(reply->property("oplensRequest").toInt());
    if (status == 409 && kind == Request::AgentOplog && m_state.mirrored == 0) {
        m_epoch.clear(); // nothing read yet (e.g. the log was empty): just take the file's new life
        request();
        return;
    }
    if (status == 409 && kind == Request::AgentOplog) {
        replaceMirror(QStringLiteral("read again from the start: the agent's oplog was rotated or truncated"));
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        fail(describeNetworkFailure(reply, m_spec), reply);
        return;
    }
    if (kind == Request::AgentStatus) {
        const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
        QStringList logs;
        for (const QJsonValue &log : object.value(QStringLiteral("oplogs")).toArray())
            logs << log.toObject().value(QStringLiteral("id")).toString();
        if (!logs.contains(m_spec.log)) {
            fail(QStringLiteral("the agent has no oplog \"%1\" (it serves: %2)").arg(m_spec.log, logs.join(QLatin1String(", "))));
            return;
        }
        const QJsonValue started = object.value(QStringLiteral("serviceStartedAt"));
        m_state.serviceStartedAt = started.isDouble() ? int64_t(started.toDouble()) : kNoTime;
        m_statusKnown = true;
        request();
        return;
    }
    const QString epoch = QString::fromLatin1(reply->rawHeader("X-Oplog-Epoch"));
    const qint64 next = reply->rawHeader("X-Oplog-Next").toLongLong();
    const qint64 size = reply->rawHeader("X-Oplog-Size").toLongLong();
    if (!m_bodyRejected && next > m_state.mirrored && m_state.mirrored == m_mirroredAtRequest) {
        if (next > size)
            return fail(QStringLiteral("the agent's answer points past the end of its oplog (%1 of %2 bytes)").arg(next).arg(size));
        // The agent left out a line longer than its limit (docs/agent.md): a JSON string of the same length stands in for
        // it, so that offsets stay the agent's and the reader reports the line as skipped. Written in pieces.
        const QByteArray text = "\"the agent left out this line: it is longer than the agent's limit\"";
        m_bodyPos = m_state.mirrored;
        qint64 left = next - m_state.mirrored - 1;
        bool written = writeBody(text.left(left));
        left -= std::min<qint64>(left, text.size());
        while (written && left > 0) {
            const qint64 piece = std::min<qint64>(left, 1 << 20);
            written = writeBody(QByteArray(piece, ' '));
            left -= piece;
        }
        if (!written || !writeBody("\n"))
            return;
    }
    if (m_bodyRejected || next != m_state.mirrored) {
        fail(QStringLiteral("the agent's answer does not continue the copy (it ends at %1, the copy at %2)")
                 .arg(next).arg(m_state.mirrored));
        return;
    }
    m_epoch = epoch;
    m_state.remoteSize = size;
    // More than one answer holds: ask again at once, unless no whole line came (a last line without its end).
    if (next < size && next > m_mirroredAtRequest) {
        m_state.phase = Phase::Downloading;
        emitChanged(true);
        request();
        return;
    }
    succeeded(m_state.mirrored > m_mirroredAtRequest);
}


} // namespace oplens
