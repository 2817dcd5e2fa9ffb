#include "batchrestart.h"

#include <QCoreApplication>
#include <QUuid>
#include <algorithm>
#include <set>
#include <unordered_map>

namespace oplens {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("BatchRestart", text);
}

bool isTerminal(RestartProgress p)
{
    return p == RestartProgress::Finished || p == RestartProgress::Failed || p == RestartProgress::Refused
        || p == RestartProgress::NotStarted;
}

// How a launched restart ended, in the words of its last events.
QString endOf(const Dataset &data, uint32_t op)
{
    const Operation &o = data.operation(op);
    if (o.status == Status::Interrupted)
        return data.interruptionReason(op);
    QString why = statusName(o.status);
    if (const auto error = data.events().otherString(o.statusRow, "error"))
        why += QStringLiteral(": ") + QString::fromStdString(*error);
    return why;
}

} // namespace

QString progressName(RestartProgress progress)
{
    switch (progress) {
    case RestartProgress::Waiting: return tr("waiting");
    case RestartProgress::Sending: return tr("sending");
    case RestartProgress::Queued: return tr("queued");
    case RestartProgress::Running: return tr("running");
    case RestartProgress::Finished: return tr("finished");
    case RestartProgress::Failed: return tr("failed");
    case RestartProgress::Refused: return tr("refused");
    case RestartProgress::NotStarted: return tr("not started");
    }
    return {};
}

BatchRestart::BatchRestart(std::vector<PlanItem> plan, QString reason, BatchOptions options, LaunchRestart launch,
                           QObject *parent)
    : QObject(parent), m_reason(std::move(reason)), m_options(options), m_launch(std::move(launch))
{
    m_options.maxPerServer = std::clamp(m_options.maxPerServer, 1, 100);
    m_options.staggerMs = std::max(0, m_options.staggerMs);
    m_entries.reserve(plan.size());
    for (PlanItem &item : plan) {
        BatchEntry entry;
        entry.idempotencyKey = QUuid::createUuid().toString(QUuid::WithoutBraces); // one per restart, kept for retries
        if (!item.canRestart()) {
            entry.progress = RestartProgress::Refused;
            entry.message = item.refusal;
        }
        entry.item = std::move(item);
        m_entries.push_back(std::move(entry));
    }
    m_stagger.setSingleShot(true);
    connect(&m_stagger, &QTimer::timeout, this, &BatchRestart::pump);
    m_clock.start();
}

void BatchRestart::start()
{
    if (m_started)
        return;
    m_started = true;
    pump();
    checkDone();
}

int BatchRestart::count(RestartProgress progress) const
{
    return int(std::count_if(m_entries.begin(), m_entries.end(), [progress](const BatchEntry &e) { return e.progress == progress; }));
}

bool BatchRestart::isLaunching() const
{
    return count(RestartProgress::Waiting) + count(RestartProgress::Sending) > 0;
}

bool BatchRestart::isDone() const
{
    return std::all_of(m_entries.begin(), m_entries.end(), [](const BatchEntry &e) { return isTerminal(e.progress); });
}

int BatchRestart::active(const QString &server) const
{
    return int(std::count_if(m_entries.begin(), m_entries.end(), [&](const BatchEntry &e) {
        return e.item.server == server
            && (e.progress == RestartProgress::Sending || e.progress == RestartProgress::Queued || e.progress == RestartProgress::Running);
    }));
}

bool BatchRestart::mayStart(const QString &server, qint64 *waitMs) const
{
    *waitMs = 0;
    if (active(server) >= m_options.maxPerServer)
        return false; // a slot frees when one ends: observe() or noteEnded() pumps again
    const auto last = m_lastStart.find(server);
    if (last == m_lastStart.end() || m_options.staggerMs == 0)
        return true;
    *waitMs = last->second + m_options.staggerMs - m_clock.elapsed();
    return *waitMs <= 0;
}

// Starts what the limits allow, server by server in plan order; wakes up again when the nearest stagger has passed.
void BatchRestart::pump()
{
    if (!m_started)
        return;
    std::set<QString> blocked; // a server whose next entry waits: later ones keep their turn
    qint64 soonest = -1;
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const BatchEntry &entry = m_entries[size_t(i)];
        if (entry.progress != RestartProgress::Waiting || blocked.count(entry.item.server))
            continue;
        qint64 waitMs = 0;
        if (mayStart(entry.item.server, &waitMs)) {
            send(i);
            continue;
        }
        blocked.insert(entry.item.server);
        if (waitMs > 0 && (soonest < 0 || waitMs < soonest))
            soonest = waitMs;
    }
    if (soonest > 0)
        m_stagger.start(int(std::min<qint64>(soonest, 24 * 3600 * 1000)));
}

void BatchRestart::send(int index)
{
    BatchEntry &entry = m_entries[size_t(index)];
    if (entry.attempts == 0) {
        m_lastStart[entry.item.server] = m_clock.elapsed();
        setProgress(index, RestartProgress::Sending);
    }
    ++entry.attempts;
    m_inLaunch = true;
    m_launch(entry.item, m_reason, entry.idempotencyKey, this, [this, index](const LaunchAnswer &answer) {
        if (m_inLaunch) // never within pump(), which is walking the entries
            QTimer::singleShot(0, this, [this, index, answer] { answered(index, answer); });
        else
            answered(index, answer);
    });
    m_inLaunch = false;
}

void BatchRestart::answered(int index, const LaunchAnswer &answer)
{
    BatchEntry &entry = m_entries[size_t(index)];
    if (entry.progress != RestartProgress::Sending)
        return;
    if (answer.launched() && answer.operationId.isEmpty()) {
        setProgress(index, RestartProgress::Failed, tr("maybe launched: the answer (202) of %1 names no new operation").arg(entry.item.server));
    } else if (answer.launched()) {
        entry.newId = answer.operationId;
        entry.recordedIn = answer.recordedIn.isEmpty() ? entry.item.source : answer.recordedIn;
        setProgress(index, RestartProgress::Queued, tr("launched as %1").arg(answer.operationId));
        QTimer::singleShot(0, this, [this] { Q_EMIT lookAgain(); });
    } else if (answer.status == 0 && entry.attempts <= m_options.retries) {
        // No answer: sent again with the same key, which the agent answers with its first answer if it had one.
        const int delay = m_options.retryDelayMs << std::min(entry.attempts - 1, 10);
        QTimer::singleShot(delay, this, [this, index] { send(index); });
        return;
    } else if (answer.status == 0 && !answer.reached) { // never arrived: the connection was refused, or the name unknown
        setProgress(index, RestartProgress::Failed, tr("not launched: %1").arg(answer.error));
    } else if (answer.status == 0) { // the request may have arrived and only its answer been lost
        setProgress(index, RestartProgress::Failed,
                    tr("maybe launched: no answer from %1 after %2 tries (%3); its Queued event would carry "
                       "idempotencyKey %4").arg(entry.item.server).arg(entry.attempts).arg(answer.error, entry.idempotencyKey));
    } else if (answer.status >= 500) {
        setProgress(index, RestartProgress::Failed, tr("not launched: %1").arg(answer.error));
    } else {
        setProgress(index, RestartProgress::Refused, answer.error);
    }
    pump();
    checkDone();
}

void BatchRestart::setProgress(int index, RestartProgress progress, const QString &message)
{
    BatchEntry &entry = m_entries[size_t(index)];
    if (entry.progress == progress && (message.isEmpty() || entry.message == message))
        return;
    entry.progress = progress;
    if (!message.isEmpty())
        entry.message = message;
    Q_EMIT entryChanged(index);
    if (progress == RestartProgress::Failed && m_options.stopOnFailure)
        stopRemaining(tr("not started: the restart of %1 (%2) failed").arg(entry.item.operationId, entry.item.name));
}

void BatchRestart::stopRemaining(const QString &why)
{
    const QString message = why.isEmpty() ? tr("not started: stopped") : why;
    for (int i = 0; i < int(m_entries.size()); ++i)
        if (m_entries[size_t(i)].progress == RestartProgress::Waiting)
            setProgress(i, RestartProgress::NotStarted, message);
    m_stagger.stop();
    checkDone();
}

void BatchRestart::observe(const Dataset &data)
{
    std::unordered_map<QString, uint16_t> sources;
    for (int s = 0; s < data.events().sourceCount(); ++s)
        sources.emplace(data.events().sourceName(uint16_t(s)), uint16_t(s));
    bool changed = false;
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const BatchEntry &entry = m_entries[size_t(i)];
        if (!entry.launched() || isTerminal(entry.progress))
            continue;
        const auto source = sources.find(entry.recordedIn);
        const uint32_t op = source == sources.end() ? kNone : data.findOperation(source->second, entry.newId.toStdString());
        if (op == kNone || !data.exists(op))
            continue;
        const Status status = data.operation(op).status;
        const RestartProgress now = status == Status::Queued ? RestartProgress::Queued
            : status == Status::Running                      ? RestartProgress::Running
            : status == Status::Finished                     ? RestartProgress::Finished
            : status == Status::Unknown                      ? entry.progress
                                                             : RestartProgress::Failed;
        if (now == entry.progress)
            continue;
        setProgress(i, now, isTerminal(now) ? endOf(data, op) : QString());
        changed = true;
    }
    if (changed) {
        pump();
        checkDone();
    }
}

void BatchRestart::noteEnded(const QString &newId, bool succeeded, const QString &why)
{
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const BatchEntry &entry = m_entries[size_t(i)];
        if (entry.newId != newId || isTerminal(entry.progress))
            continue;
        setProgress(i, succeeded ? RestartProgress::Finished : RestartProgress::Failed,
                    succeeded ? statusName(Status::Finished) : why);
        pump();
        checkDone();
        return;
    }
}

void BatchRestart::checkDone()
{
    if (!m_started)
        return;
    if (!m_announcedLaunched && !isLaunching()) {
        m_announcedLaunched = true;
        Q_EMIT allLaunched();
    }
    if (!m_announcedDone && isDone()) {
        m_announcedDone = true;
        Q_EMIT finished();
    }
}

QString BatchRestart::summary() const
{
    const std::pair<RestartProgress, const char *> parts[] = {
        {RestartProgress::Finished, "%1 finished"},   {RestartProgress::Failed, "%1 failed"},
        {RestartProgress::Running, "%1 running"},     {RestartProgress::Queued, "%1 queued"},
        {RestartProgress::Sending, "%1 being sent"},  {RestartProgress::Waiting, "%1 waiting"},
        {RestartProgress::Refused, "%1 refused"},     {RestartProgress::NotStarted, "%1 not started"},
    };
    QStringList words;
    for (const auto &[progress, text] : parts)
        if (const int n = count(progress); n > 0)
            words << tr(text).arg(n);
    if (m_entries.empty())
        return tr("nothing to restart");
    const auto launched = std::count_if(m_entries.begin(), m_entries.end(), [](const BatchEntry &e) { return e.launched(); });
    return tr("%1 of %2 launched: %3").arg(launched).arg(m_entries.size()).arg(words.join(QStringLiteral(", ")));
}

} // namespace oplens
