#include "recovery.h"

#include "dataset.h"
#include "sourcereading.h"
#include "oplogwriter.h"

#include <QDateTime>
#include <QFileInfo>
#include <nlohmann/json.hpp>

#include <unistd.h>

namespace oplens {

namespace {

// Whether process `pid` is the one that wrote an event at `time`: it runs, and it began before (a process that began
// later reuses the pid). This process is never the one: recovery runs before its own runner writes.
bool stillRuns(qint64 pid, int64_t time)
{
    if (pid == ::getpid())
        return false;
    const auto started = processStartTime(pid);
    return started && *started <= time + 2000;
}

// Queued: its runner holds the queue. Left alone while that runner runs on this boot; a Queued event without
// runnerPid (older runners, other writers) is always recorded.
QString queueGoneBecause(const EventStore &s, EventStore::Row row, const QString &bootId)
{
    const auto boot = s.otherString(row, "bootId");
    bool ok = false;
    const qint64 runnerPid = QString::fromStdString(s.otherField(row, "runnerPid")).toLongLong(&ok);
    const bool sameBoot = boot && !bootId.isEmpty() && QString::fromStdString(*boot) == bootId;
    if (ok && sameBoot && stillRuns(runnerPid, s.time(row)))
        return {};
    return QStringLiteral("queued when its runner stopped");
}

// Why the process of an operation whose latest event is `row` no longer runs, or empty when it still does.
QString goneBecause(const EventStore &s, EventStore::Row row, const QString &bootId)
{
    if (s.kind(row) == EventKind::Queued)
        return queueGoneBecause(s, row, bootId);
    const auto boot = s.otherString(row, "bootId");
    if (boot && !bootId.isEmpty() && QString::fromStdString(*boot) != bootId)
        return QStringLiteral("the machine restarted while it ran");
    const std::string pidText = s.otherField(row, "pid");
    bool ok = false;
    const qint64 pid = QString::fromStdString(pidText).toLongLong(&ok);
    if (!ok)
        return QStringLiteral("its runner stopped and its process is unknown");
    const auto started = processStartTime(pid);
    if (!started)
        return QStringLiteral("its process (pid %1) is gone").arg(pid);
    // The process was started before its Started event was written; one that began later reuses the pid.
    if (*started > s.time(row) + 2000)
        return QStringLiteral("its process (pid %1) is gone; the pid now belongs to another process").arg(pid);
    return {};
}

} // namespace

RecoveryResult recoverOplog(const QString &path, const QString &runnerName)
{
    RecoveryResult result;
    if (!QFileInfo::exists(path))
        return result; // nothing ran yet
    Dataset data;
    std::vector<SourceRead> reads(1);
    reads[0].name = reads[0].path = path;
    readSources(reads, data);
    if (!reads[0].result.error.isEmpty()) {
        result.error = QStringLiteral("%1: %2").arg(path, reads[0].result.error);
        return result;
    }
    const EventStore &s = data.events();
    const QString bootId = currentBootId();
    for (uint32_t op = 0; op < data.operationCount(); ++op) {
        if (!data.exists(op))
            continue;
        const Operation &o = data.operation(op);
        const EventStore::Row latest = o.statusRow;
        if (latest == kNone || !isActive(*statusForKind(s.kind(latest))) || s.otherField(latest, "runner").empty())
            continue;
        const QString reason = goneBecause(s, latest, bootId);
        if (reason.isEmpty())
            continue;
        // The Interrupted event repeats what identifies the operation, as every event of it does.
        RunnerEvent event;
        event.module = s.string(s.module(latest));
        event.name = s.string(s.name(latest));
        event.operationId = QString::fromStdString(s.operationId(latest));
        event.type = QStringLiteral("Interrupted");
        event.requestedBy = s.string(s.requestedBy(latest));
        event.host = s.string(s.host(latest));
        event.restartOf = s.restartOf(latest) != kNone ? s.ids().qtext(s.restartOf(latest)) : QString();
        event.runner = runnerName;
        event.parameters = std::string(s.parameters(latest));
        event.opStartTime = s.opStartTime(latest) != kNoTime ? s.opStartTime(latest) : -1;
        event.startTime = std::max<int64_t>(QDateTime::currentMSecsSinceEpoch(), s.time(latest) + 1);
        event.extra["error"] = nlohmann::ordered_json(reason.toStdString()).dump();
        if (const QString error = appendRunnerEvent(path, event); !error.isEmpty()) {
            result.error = error;
            return result;
        }
        result.interrupted.append({QString::fromStdString(s.operationId(latest)), s.string(s.module(latest)),
                                   s.string(s.name(latest)), reason});
    }
    return result;
}

} // namespace oplens
