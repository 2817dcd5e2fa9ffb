#include "runner.h"

#include "runnerlog.h"

#include <QDateTime>
#include <QProcess>
#include <QTimer>
#include <nlohmann/json.hpp>

#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace oplens {

namespace {

using ordered_json = nlohmann::ordered_json;
constexpr qsizetype kOutputKept = 2000; // the end of what a failed run printed, for its reason
constexpr int kRetryMs = 5000;          // how often events that found the oplog unwritable are tried again
constexpr int kStopGraceMs = 5000;      // SIGTERM, then SIGKILL after this

// One key's scope: the same key from another identity or for another operation is another request.
QString idempotencyScope(const QString &identity, const QString &operationId, const QString &key)
{
    return identity + QChar(0) + operationId + QChar(0) + key;
}

std::string jsonText(const QString &s) { return ordered_json(s.toStdString()).dump(); }

} // namespace

std::string comparableParameters(std::string_view parameters)
{
    nlohmann::json p = parameters.empty() ? nlohmann::json::object() : nlohmann::json::parse(parameters, nullptr, false);
    if (p.is_object())
        p.erase("origin");
    return p.dump();
}

namespace {

QString lastLine(const QByteArray &output)
{
    const QList<QByteArray> lines = output.trimmed().split('\n');
    return lines.isEmpty() ? QString() : QString::fromUtf8(lines.last()).trimmed().left(300);
}

} // namespace

struct Runner::Run {
    QString id, module, name, restartOf, requestedBy, host, reason, idempotencyKey;
    std::string parameters; // the JSON object's text
    QStringList argv;
    int timeoutSeconds = 0, maxConcurrent = 0;
    int64_t opStartTime = 0;
    QProcess *process = nullptr;
    QTimer *timer = nullptr;
    QByteArray output;
    bool timedOut = false;
    QString stopReason; // set when the runner stops it
};

Runner::Runner(const QStringList &oplogs, int runnerOplog, const QString &runnerName, ActionCatalog catalog,
               QObject *parent)
    : Runner(std::make_shared<OplogFollower>(oplogs), runnerOplog, runnerName, std::move(catalog), parent)
{
}

Runner::Runner(std::shared_ptr<OplogFollower> oplogs, int runnerOplog, const QString &runnerName, ActionCatalog catalog,
               QObject *parent)
    : QObject(parent), m_oplogs(std::move(oplogs)), m_runnerOplog(runnerOplog), m_runnerName(runnerName),
      m_catalog(std::move(catalog)), m_bootId(currentBootId()), m_minFreeBytes(kDefaultMinFreeBytes),
      m_retry(new QTimer(this))
{
    m_retry->setInterval(kRetryMs);
    connect(m_retry, &QTimer::timeout, this, [this] { recordUnrecorded(); });
    refresh();
    loadIdempotencyKeys();
}

Runner::~Runner()
{
    // Not a graceful stop: the children end with us (parent-death signal) and recovery records them.
    for (auto &[id, run] : m_runs)
        if (run->process)
            run->process->disconnect(this);
}

void Runner::setServiceStartedAt(int64_t epochMs)
{
    m_oplogs->setServiceStartedAt(epochMs);
}

void Runner::loadIdempotencyKeys()
{
    const EventStore &s = data().events();
    for (EventStore::Row r = 0; r < s.size(); ++r) {
        if (s.kind(r) != EventKind::Queued || s.otherFields(r).find("\"idempotencyKey\"") == std::string_view::npos)
            continue;
        const auto key = s.otherString(r, "idempotencyKey");
        if (!key || s.restartOf(r) == kNone)
            continue;
        const QString restartOf = s.ids().qtext(s.restartOf(r));
        m_idempotent[idempotencyScope(s.string(s.requestedBy(r)), restartOf, QString::fromStdString(*key))] =
            {202, {}, QString::fromStdString(s.operationId(r)), restartOf};
    }
}

bool Runner::sameOperationActive(const QString &module, const QString &name, std::string_view parameters) const
{
    const std::string wanted = comparableParameters(parameters);
    const EventStore &s = data().events();
    for (uint32_t op = 0; op < data().operationCount(); ++op) {
        if (!data().exists(op) || !isActive(data().operation(op).status))
            continue;
        if (s.string(data().module(op)) != module || s.string(data().name(op)) != name)
            continue;
        if (comparableParameters(parametersRunWith(data(), op)) == wanted)
            return true;
    }
    return false;
}

LaunchResult Runner::restart(const RestartRequest &request)
{
    const QString scope = idempotencyScope(request.identity, request.operationId, request.idempotencyKey);
    if (!request.idempotencyKey.isEmpty()) {
        if (const auto it = m_idempotent.find(scope); it != m_idempotent.end())
            return it->second;
    }
    refresh();
    uint32_t old = kNone;
    for (int i = 0; i < m_oplogs->paths().size() && old == kNone; ++i)
        old = data().findOperation(uint16_t(i), request.operationId.toStdString());
    if (old == kNone)
        return {404, QStringLiteral("no operation %1 in the oplogs").arg(request.operationId), {}, {}};
    const Operation &o = data().operation(old);
    const EventStore &s = data().events();
    if (!isRestartable(o.status))
        return {409, QStringLiteral("the operation is %1: only Interrupted, Failed or Aborted operations can be restarted")
                         .arg(statusName(o.status)), {}, {}};
    auto run = std::make_unique<Run>();
    run->module = s.string(data().module(old));
    run->name = s.string(data().name(old));
    run->host = s.string(data().host(old));
    const std::string_view ranWith = parametersRunWith(data(), old);
    ordered_json parameters = ordered_json::parse(ranWith.empty() ? std::string_view("{}") : ranWith, nullptr, false);
    if (!parameters.is_object())
        parameters = ordered_json::object();
    parameters["origin"] = "Restart";
    run->parameters = parameters.dump();
    if (sameOperationActive(run->module, run->name, run->parameters))
        return {409, QStringLiteral("%1 %2 with the same parameters is already queued or running").arg(run->module, run->name), {}, {}};
    if (o.restartedAs != kNone) // two admins, or one agent reached at two addresses: never run twice
        return {409, QStringLiteral("already restarted as %1 (%2): restart that one if it failed too")
                         .arg(s.ids().qtext(o.restartedAs), statusName(data().operation(o.restartedAs).status)), {}, {}};
    const Action *action = m_catalog.find(run->module, run->name);
    if (!action)
        return {422, QStringLiteral("no action for %1 %2 in the catalog").arg(run->module, run->name), {}, {}};
    QString why;
    const auto argv = ActionCatalog::argvFor(*action, run->parameters, &why);
    if (!argv)
        return {422, why, {}, {}};
    run->id = newOperationId();
    run->argv = *argv;
    run->restartOf = request.operationId;
    run->requestedBy = request.identity;
    run->reason = request.reason;
    run->idempotencyKey = request.idempotencyKey;
    run->timeoutSeconds = action->timeoutSeconds;
    run->maxConcurrent = action->maxConcurrent;
    if (const QString problem = readyToRecord(); !problem.isEmpty())
        return {503, problem, {}, {}};
    const LaunchResult result = queue(std::move(run), true);
    if (result.ok() && !request.idempotencyKey.isEmpty())
        m_idempotent[scope] = result;
    return result;
}

LaunchResult Runner::run(const QString &module, const QString &name, const std::string &parameters,
                         const QStringList &argv, const QString &identity)
{
    auto run = std::make_unique<Run>();
    run->id = newOperationId();
    run->module = module;
    run->name = name;
    run->parameters = parameters;
    run->argv = argv;
    run->requestedBy = identity;
    return queue(std::move(run), false);
}

LaunchResult Runner::queue(std::unique_ptr<Run> run, bool writeQueued)
{
    run->opStartTime = QDateTime::currentMSecsSinceEpoch();
    if (writeQueued) {
        std::map<std::string, std::string> fields;
        if (!run->reason.isEmpty())
            fields["reason"] = jsonText(run->reason);
        if (!run->idempotencyKey.isEmpty())
            fields["idempotencyKey"] = jsonText(run->idempotencyKey);
        // Which runner holds the queue: recovery leaves the Queued operations of a runner still alive alone.
        fields["runnerPid"] = std::to_string(::getpid());
        fields["bootId"] = jsonText(m_bootId);
        if (!write(*run, "Queued", fields).isEmpty())
            return {503, m_recordingProblem, {}, {}};
    }
    LaunchResult result{202, {}, run->id, run->restartOf};
    Run &ref = *run;
    m_runs[run->id] = std::move(run);
    if (writeQueued)
        startQueued(); // now, or when a slot of its action frees
    else
        start(ref);
    refresh();
    return result;
}

void Runner::startQueued()
{
    for (auto &[id, run] : m_runs) {
        if (run->process)
            continue;
        if (run->maxConcurrent > 0) {
            int running = 0;
            for (const auto &[otherId, other] : m_runs)
                running += other->process && other->module == run->module && other->name == run->name ? 1 : 0;
            if (running >= run->maxConcurrent)
                continue;
        }
        start(*run);
    }
}

void Runner::start(Run &run)
{
    auto *process = new QProcess(this);
    run.process = process;
    process->setProgram(run.argv.first());
    process->setArguments(run.argv.mid(1));
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->setStandardInputFile(QProcess::nullDevice());
    // The process dies with the runner, as operations die with the service: recovery then records it.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    const QString id = run.id;
    connect(process, &QProcess::started, this, [this, id, process] {
        const auto it = m_runs.find(id);
        if (it == m_runs.end())
            return;
        const QString error = write(*it->second, "Started", {{"pid", std::to_string(process->processId())}, {"bootId", jsonText(m_bootId)}});
        if (!error.isEmpty())
            startedUnrecorded(*it->second, error);
    });
    connect(process, &QProcess::readyRead, this, [this, id, process] {
        const auto it = m_runs.find(id);
        if (it == m_runs.end())
            return;
        QByteArray &output = it->second->output;
        output.append(process->readAll());
        if (output.size() > kOutputKept)
            output = output.right(kOutputKept);
    });
    connect(process, &QProcess::finished, this, [this, id](int exitCode, QProcess::ExitStatus status) {
        const auto it = m_runs.find(id);
        if (it == m_runs.end())
            return;
        Run &r = *it->second;
        if (!r.stopReason.isEmpty())
            ended(id, QStringLiteral("Interrupted"), r.stopReason, -1);
        else if (r.timedOut)
            ended(id, QStringLiteral("Failed"), QStringLiteral("timed out after %1 s").arg(r.timeoutSeconds), exitCode);
        else if (status == QProcess::CrashExit)
            ended(id, QStringLiteral("Failed"), QStringLiteral("killed by a signal"), -1);
        else if (exitCode != 0) {
            const QString tail = lastLine(r.output);
            ended(id, QStringLiteral("Failed"),
                  tail.isEmpty() ? QStringLiteral("exit status %1").arg(exitCode)
                                 : QStringLiteral("exit status %1: %2").arg(exitCode).arg(tail),
                  exitCode);
        } else
            ended(id, QStringLiteral("Finished"), {}, 0);
    });
    connect(process, &QProcess::errorOccurred, this, [this, id, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            ended(id, QStringLiteral("Failed"), QStringLiteral("cannot start %1: %2").arg(process->program(), process->errorString()), -1);
    });
    if (run.timeoutSeconds > 0) {
        run.timer = new QTimer(process);
        run.timer->setSingleShot(true);
        connect(run.timer, &QTimer::timeout, this, [this, id, process] {
            if (const auto it = m_runs.find(id); it != m_runs.end())
                it->second->timedOut = true;
            process->kill();
        });
        run.timer->start(run.timeoutSeconds * 1000);
    }
    process->start(QIODevice::ReadOnly);
}

void Runner::ended(const QString &id, const QString &type, const QString &error, int exitCode)
{
    const auto it = m_runs.find(id);
    if (it == m_runs.end())
        return;
    std::unique_ptr<Run> run = std::move(it->second);
    m_runs.erase(it);
    std::map<std::string, std::string> fields;
    if (exitCode >= 0 && type != QLatin1String("Interrupted"))
        fields["exitCode"] = std::to_string(exitCode);
    if (!error.isEmpty())
        fields["error"] = jsonText(error);
    write(*run, type.toLatin1().constData(), fields); // kept to be written later when it cannot be now
    if (run->process)
        run->process->deleteLater();
    Q_EMIT operationEnded(id, type == QLatin1String("Finished"), error, exitCode);
    startQueued();
    if (m_runs.empty())
        Q_EMIT idle();
}

void Runner::stop(const QString &reason)
{
    std::vector<QString> ids;
    for (const auto &[id, run] : m_runs)
        ids.push_back(id);
    for (const QString &id : ids) {
        const auto it = m_runs.find(id);
        if (it == m_runs.end())
            continue;
        Run &run = *it->second;
        run.stopReason = reason;
        if (!run.process || run.process->state() == QProcess::NotRunning) {
            ended(id, QStringLiteral("Interrupted"), reason, -1);
            continue;
        }
        QProcess *process = run.process;
        process->terminate();
        if (!process->waitForFinished(5000)) {
            process->kill();
            process->waitForFinished(2000);
        }
        ended(id, QStringLiteral("Interrupted"), reason, -1); // a no-op when finished() already recorded it
    }
}

QString Runner::write(const Run &run, const char *type, const std::map<std::string, std::string> &rawFields)
{
    RunnerEvent event{run.module, run.name, run.id, QLatin1String(type), run.requestedBy, run.host, run.restartOf,
                      m_runnerName, run.parameters, run.opStartTime, QDateTime::currentMSecsSinceEpoch(), rawFields};
    const QString error = record(event);
    // An operation's end is kept until it can be written; Queued is refused instead, and Started stops the run.
    const QLatin1String kind(type);
    if (!error.isEmpty() && kind != QLatin1String("Queued") && kind != QLatin1String("Started")) {
        m_unrecorded.push_back(event);
        m_retry->start();
    }
    return error;
}

// Appends `event` after the ones still waiting; sets or clears recordingProblem().
QString Runner::record(const RunnerEvent &event)
{
    if (!recordUnrecorded())
        return m_recordingProblem;
    if (const QString why = appendWholeOrNothing(oplogPath(), event); !why.isEmpty()) {
        m_recordingProblem = QStringLiteral("the runner oplog %1 cannot be written: %2").arg(oplogPath(), why);
        return m_recordingProblem;
    }
    m_recordingProblem.clear();
    return {};
}

bool Runner::recordUnrecorded()
{
    while (!m_unrecorded.empty()) {
        if (const QString why = appendWholeOrNothing(oplogPath(), m_unrecorded.front()); !why.isEmpty()) {
            m_recordingProblem = QStringLiteral("the runner oplog %1 cannot be written: %2").arg(oplogPath(), why);
            return false;
        }
        m_unrecorded.erase(m_unrecorded.begin());
    }
    m_retry->stop();
    m_recordingProblem.clear();
    return true;
}

// Before a restart is accepted: the waiting events written, and the margin free. Empty, or why not (503).
QString Runner::readyToRecord()
{
    if (!recordUnrecorded())
        return m_recordingProblem;
    if (const QString why = freeSpaceProblem(oplogPath(), m_minFreeBytes); !why.isEmpty()) {
        m_recordingProblem = QStringLiteral("the runner oplog %1 cannot be written: %2").arg(oplogPath(), why);
        return m_recordingProblem;
    }
    return {};
}

// A run whose start cannot be recorded must not go on unrecorded: it is stopped, and recorded Interrupted (now, or
// once the oplog can be written; if never, recovery records it from its Queued event).
void Runner::startedUnrecorded(Run &run, const QString &why)
{
    run.stopReason = QStringLiteral("stopped: its Started event could not be recorded (%1)").arg(why);
    QProcess *process = run.process;
    process->terminate();
    QTimer::singleShot(kStopGraceMs, process, [process] { process->kill(); });
}

QString localIdentity()
{
    const passwd *pw = ::getpwuid(::getuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString::number(::getuid());
}

std::string_view parametersRunWith(const Dataset &data, uint32_t op)
{
    const EventStore &s = data.events();
    const std::vector<Dataset::Row> rows = data.rowsOf(op);
    for (const EventKind kind : {EventKind::Started, EventKind::Queued})
        for (auto row = rows.rbegin(); row != rows.rend(); ++row)
            if (s.kind(*row) == kind && !s.parameters(*row).empty())
                return s.parameters(*row);
    return s.parameters(data.operation(op).latestRow);
}

} // namespace oplens
