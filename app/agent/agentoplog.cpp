// oplensd's oplogs served by byte range with long-polling (docs/agent.md section 3, GET /v1/oplog), and what the
// agent knows of each oplog's file: its size, its epoch (one life of the file), whether a whole line follows.
#include "agentserver.h"

#include "fileidentity.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QUrlQuery>

namespace oplens::agent {

namespace {

constexpr qint64 kMaxChunk = 8 << 20;
constexpr qint64 kMaxLine = (16 << 20) + 1;
constexpr int kMaxWaitSeconds = 60;

const QString kChanged = QStringLiteral("the oplog changed (rotated or truncated): read it again from 0");

} // namespace

void AgentServer::watchLogs()
{
    const QStringList watched = m_watcher.files();
    for (const OplogConfig &log : std::as_const(m_config.oplogs))
        if (!watched.contains(log.path) && QFileInfo::exists(log.path))
            m_watcher.addPath(log.path);
}

// GET /v1/oplog?log=ID&from=OFFSET[&wait=SECONDS]
void AgentServer::serveOplog(const Call &call)
{
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    const QString id = query.queryItemValue(QStringLiteral("log"), QUrl::FullyDecoded);
    int log = -1;
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        if (m_config.oplogs[i].id == id)
            log = i;
    if (log < 0) {
        respond(call, 404, errorBody(QStringLiteral("no oplog \"%1\"").arg(id.left(200))));
        return;
    }
    bool ok = true;
    const QString fromText = query.queryItemValue(QStringLiteral("from"));
    const uint64_t from = fromText.isEmpty() ? 0 : fromText.toULongLong(&ok);
    bool waitOk = true;
    const QString waitText = query.queryItemValue(QStringLiteral("wait"));
    const int wait = waitText.isEmpty() ? 0 : waitText.toInt(&waitOk);
    if (!ok || !waitOk || wait < 0) {
        respond(call, 400, errorBody(QStringLiteral("from and wait must be whole numbers")));
        return;
    }
    refreshLog(log);
    const QString epoch = epochOf(log);
    const QByteArray clientEpoch = call.request.header("X-Oplog-Epoch");
    const uint64_t size = m_logs[size_t(log)].size;
    const bool stale = (!clientEpoch.isEmpty() && QString::fromLatin1(clientEpoch) != epoch) || from > size;
    if (stale || !startsALine(log, from)) {
        const HttpHeaders headers{{"X-Oplog-Epoch", epoch.toLatin1()}, {"X-Oplog-Size", QByteArray::number(qulonglong(size))}};
        send(call.reply, 409, errorBody(stale ? kChanged
                                              : QStringLiteral("offset %1 is not the start of a line: read the oplog again from 0").arg(from)),
             headers);
        audit(call.origin, 409);
        return;
    }
    if (wait > 0 && !hasCompleteLine(log, from)) { // hold the request until a whole line is appended, or the wait ends
        Waiter waiter;
        waiter.reply = call.reply;
        waiter.origin = call.origin;
        waiter.log = log;
        waiter.from = from;
        waiter.epoch = epoch;
        waiter.deadline = QDateTime::currentMSecsSinceEpoch() + qint64(std::min(wait, kMaxWaitSeconds)) * 1000;
        waiter.checkedSize = size;
        m_waiters.push_back(std::move(waiter));
        return;
    }
    answerOplog(call.reply, call.origin, log, from);
}

void AgentServer::answerOplog(const HttpReply &reply, const Origin &origin, int log, uint64_t from)
{
    QFile file(m_config.oplogs[log].path);
    QByteArray body;
    uint64_t next = from;
    if (file.open(QIODevice::ReadOnly) && file.seek(qint64(from))) {
        body = file.read(kMaxChunk);
        qsizetype end = body.lastIndexOf('\n') + 1;
        if (end == 0 && body.size() == kMaxChunk) { // one line longer than a chunk: it comes whole, up to 16 MiB
            body += file.read(kMaxLine - kMaxChunk);
            end = body.indexOf('\n') + 1;
            if (end == 0 && body.size() >= kMaxLine) { // too long for any reader: skip to its end, once it has one
                qint64 at = qint64(from) + body.size();
                bool ended = false;
                QByteArray rest;
                do {
                    rest = file.read(1 << 20);
                    const qsizetype nl = rest.indexOf('\n');
                    if (nl >= 0) {
                        at += nl + 1;
                        ended = true;
                        break;
                    }
                    at += rest.size();
                } while (!rest.isEmpty());
                body.clear();
                next = ended ? uint64_t(at) : from; // still being written: nothing to give yet
                end = -1;
            }
        }
        if (end >= 0) {
            body.truncate(end);
            next = from + uint64_t(body.size());
        }
    }
    const HttpHeaders headers{{"X-Oplog-Epoch", epochOf(log).toLatin1()},
                              {"X-Oplog-Size", QByteArray::number(qulonglong(m_logs[size_t(log)].size))},
                              {"X-Oplog-Next", QByteArray::number(qulonglong(next))}};
    send(reply, 200, body, headers, "application/x-ndjson");
    audit(origin, 200);
}

void AgentServer::pollWaiters()
{
    watchLogs();
    if (m_waiters.empty())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        refreshLog(i);
    std::vector<Waiter> still;
    for (Waiter &w : m_waiters) {
        if (!w.reply.isOpen())
            continue; // the listener stopped
        if (w.reply.clientGone()) {
            // The client went away: the request is dropped, and recorded as nginx records it, 499.
            w.reply.drop();
            audit(w.origin, 499);
            continue;
        }
        const bool changed = epochOf(w.log) != w.epoch;
        if (changed) {
            send(w.reply, 409, errorBody(kChanged), {{"X-Oplog-Epoch", epochOf(w.log).toLatin1()}});
            audit(w.origin, 409);
        } else if (now >= w.deadline
                   // looked at again only when the log grew: an unfinished long line is not read on every tick
                   || (m_logs[size_t(w.log)].size != w.checkedSize && hasCompleteLine(w.log, w.from))) {
            answerOplog(w.reply, w.origin, w.log, w.from);
        } else {
            w.checkedSize = m_logs[size_t(w.log)].size;
            still.push_back(std::move(w));
        }
    }
    m_waiters = std::move(still);
}

// ---- the oplogs' files ---------------------------------------------------------------------------------------------

void AgentServer::refreshLog(int log)
{
    LogState &state = m_logs[size_t(log)];
    const QString path = m_config.oplogs[log].path;
    const uint64_t identity = fileIdentity(path);
    const auto size = uint64_t(std::max<qint64>(0, QFileInfo(path).size()));
    // The generation lives in memory only; the first line's digest also tells a file truncated and written again
    // (while the agent was down, or between two looks) from the same file grown.
    QString head;
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray start = file.read(4096);
        const qsizetype end = start.indexOf('\n');
        if (end >= 0)
            head = QString::fromLatin1(QCryptographicHash::hash(start.left(end), QCryptographicHash::Sha256).toHex().left(12));
    }
    const bool rewritten = !state.head.isEmpty() && !head.isEmpty() && head != state.head;
    if (identity != state.identity || size < state.size || rewritten)
        ++state.generation; // replaced, shrunk or rewritten: another life of the file
    state.identity = identity;
    state.size = size;
    state.head = head;
}

QString AgentServer::epochOf(int log)
{
    const LogState &state = m_logs[size_t(log)];
    return QStringLiteral("%1-%2-%3").arg(state.identity, 0, 16).arg(state.generation).arg(state.head);
}

bool AgentServer::hasCompleteLine(int log, uint64_t from) const
{
    if (m_logs[size_t(log)].size <= from)
        return false;
    QFile file(m_config.oplogs[log].path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(qint64(from)))
        return true; // let the answer say what is wrong
    // A line ends somewhere ahead: look as far as a line may be long, and a little more (a longer one is skipped).
    for (qint64 looked = 0; looked <= kMaxLine; looked += 1 << 20) {
        const QByteArray piece = file.read(1 << 20);
        if (piece.contains('\n'))
            return true;
        if (piece.size() < (1 << 20))
            return false;
    }
    return true;
}

bool AgentServer::startsALine(int log, uint64_t from) const
{
    if (from == 0)
        return true;
    QFile file(m_config.oplogs[log].path);
    char before = '\n';
    if (!file.open(QIODevice::ReadOnly) || !file.seek(qint64(from - 1)) || !file.getChar(&before))
        return true; // let the answer say what is wrong
    return before == '\n';
}

} // namespace oplens::agent
