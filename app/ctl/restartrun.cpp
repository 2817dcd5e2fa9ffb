#include "restartrun.h"

#include "agentclient.h"
#include "clicommon.h"
#include "runner.h"
#include "session.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

namespace oplens::cli {

namespace {

std::atomic_bool g_interrupted{false};

extern "C" void noteInterrupt(int) { g_interrupted = true; }

bool hasEnded(RestartProgress p)
{
    return p == RestartProgress::Finished || p == RestartProgress::Failed || p == RestartProgress::Refused
        || p == RestartProgress::NotStarted;
}

// How a restart ended, without the status word the line already says ("failed: exit status 3", not "failed: Failed:
// exit status 3").
QString endReason(const QString &message)
{
    const QString failed = statusName(Status::Failed) + QStringLiteral(": ");
    return message.startsWith(failed) ? message.mid(failed.size()) : message;
}

class Run : public QObject
{
public:
    Run(std::vector<PlanItem> plan, const std::map<QString, RestartTarget> &targets, const RestartRunOptions &options);
    RestartOutcome exec();

private:
    void launch(const PlanItem &item, const QString &key, QObject *context, std::function<void(const LaunchAnswer &)> done);
    void launchHere(Runner *runner, const PlanItem &item, const QString &key, QObject *context,
                    std::function<void(const LaunchAnswer &)> done);
    void follow(RemoteSpec spec);
    void observe();
    void reportFollowing();
    void changed(int index);
    void tellWaiting();
    void allLaunched();
    void checkInterrupt();
    bool ownRestartsEnded() const;
    bool done() const;
    void maybeQuit();
    RestartOutcome outcome() const;

    RestartRunOptions m_options;
    QNetworkAccessManager m_network;
    std::map<QString, std::unique_ptr<AgentClient>> m_agents; // by source name
    std::map<QString, std::unique_ptr<Runner>> m_runners;    // by source name: local oplogs
    Session m_session;                                        // the agents' logs the new operations are recorded in
    std::unique_ptr<BatchRestart> m_batch;
    std::map<QString, int> m_lastStatus; // by idempotency key: the status of the last answer
    std::map<QString, QString> m_followProblem; // by followed log: the failure last said
    std::vector<bool> m_launchPrinted, m_endPrinted;
    QEventLoop m_loop;
    QTimer m_signalCheck;
    bool m_stopped = false, m_toldWaiting = false;
};

Run::Run(std::vector<PlanItem> plan, const std::map<QString, RestartTarget> &targets, const RestartRunOptions &options)
    : m_options(options)
{
    for (const PlanItem &item : plan) {
        const auto target = targets.find(item.source);
        if (!item.canRestart() || target == targets.end())
            continue;
        if (target->second.agent && !m_agents.count(item.source)) {
            auto client = std::make_unique<AgentClient>(*target->second.agent, &m_network);
            client->setTimeout(options.timeoutSeconds);
            m_agents.emplace(item.source, std::move(client));
        } else if (!target->second.agent && options.catalog && !m_runners.count(item.source)) {
            auto runner = std::make_unique<Runner>(QStringList{target->second.localPath}, 0, QStringLiteral("oplensctl"),
                                                   *options.catalog);
            connect(runner.get(), &Runner::operationEnded, this, [this](const QString &id, bool ok, const QString &why, int) {
                m_batch->noteEnded(id, ok, why);
            });
            m_runners.emplace(item.source, std::move(runner));
        }
    }
    m_launchPrinted.assign(plan.size(), false);
    m_endPrinted.assign(plan.size(), false);
    m_batch = std::make_unique<BatchRestart>(
        std::move(plan), options.reason, options.batch,
        [this](const PlanItem &item, const QString &, const QString &key, QObject *context,
               std::function<void(const LaunchAnswer &)> done) { launch(item, key, context, std::move(done)); });
    connect(m_batch.get(), &BatchRestart::entryChanged, this, &Run::changed);
    connect(m_batch.get(), &BatchRestart::lookAgain, this, &Run::observe); // its events may be in already
    connect(m_batch.get(), &BatchRestart::allLaunched, this, &Run::allLaunched);
    connect(m_batch.get(), &BatchRestart::finished, this, &Run::maybeQuit);
    connect(&m_session, &Session::dataReset, this, &Run::observe);
    connect(&m_session, &Session::dataAppended, this, &Run::observe);
    connect(&m_session, &Session::sourcesChanged, this, &Run::reportFollowing);
    connect(&m_signalCheck, &QTimer::timeout, this, &Run::checkInterrupt);
}

void Run::launch(const PlanItem &item, const QString &key, QObject *context, std::function<void(const LaunchAnswer &)> done)
{
    if (const auto runner = m_runners.find(item.source); runner != m_runners.end()) {
        launchHere(runner->second.get(), item, key, context, std::move(done));
        return;
    }
    AgentClient *agent = m_agents.at(item.source).get();
    agent->restart(item.operationId, m_options.reason, key, context, [this, agent, key, done](const RestartAnswer &answer) {
        m_lastStatus[key] = answer.status;
        LaunchAnswer launched{answer.status, answer.operationId, answer.error, {}, answer.reached};
        if (answer.launched()) {
            RemoteSpec log = agent->spec();
            if (!answer.log.isEmpty())
                log.log = answer.log; // where the agent records it: followed to see it end
            launched.recordedIn = log.name();
            follow(log);
        }
        done(launched);
    });
}

// This process is the runner: it answers at once, and says later how each run ended (noteEnded).
void Run::launchHere(Runner *runner, const PlanItem &item, const QString &key, QObject *context,
                     std::function<void(const LaunchAnswer &)> done)
{
    const LaunchResult result = runner->restart({item.operationId, m_options.reason, key, localIdentity()});
    m_lastStatus[key] = result.status;
    const LaunchAnswer answer{result.status, result.operationId, result.error, {}, true};
    QTimer::singleShot(0, context, [done, answer] { done(answer); }); // not inside the batch's own call
}

void Run::follow(RemoteSpec spec)
{
    if (m_session.sourceIndex(spec.name()) < 0)
        m_session.openRemote(spec);
}

void Run::observe()
{
    if (const auto data = m_session.data())
        m_batch->observe(*data);
}

// A followed log that fails is tried again for as long as the batch waits: said once per failure, so that a wait
// that cannot end is not silent.
void Run::reportFollowing()
{
    for (const SourceState &source : m_session.sources()) {
        if (!source.remote)
            continue;
        const RemoteSource::State &state = source.remote->state();
        const bool failing = state.phase == RemoteSource::Phase::Retrying || state.phase == RemoteSource::Phase::Failed;
        QString &said = m_followProblem[source.path];
        if (failing && said != state.error)
            error(QStringLiteral("%1: %2 (trying again; Ctrl+C stops waiting)").arg(source.path, state.error));
        said = failing ? state.error : QString();
    }
}

// One line per operation on standard output: launched, refused, not started, not launched; and its end, with --wait
// (else on standard error: this process's own runs, which it waits for).
void Run::changed(int index)
{
    const BatchEntry &entry = m_batch->entries()[size_t(index)];
    const QString &old = entry.item.operationId;
    if (entry.launched() && !m_launchPrinted[size_t(index)]) {
        m_launchPrinted[size_t(index)] = true;
        printResult(QStringLiteral("%1 %2").arg(old, entry.newId));
        tellWaiting();
    }
    if (!hasEnded(entry.progress) || m_endPrinted[size_t(index)])
        return;
    m_endPrinted[size_t(index)] = true;
    QString line;
    if (entry.progress == RestartProgress::Refused)
        line = QStringLiteral("%1 refused: %2").arg(old, entry.message);
    else if (!entry.launched()) // "not started: …" (stopped), "not launched: …" (it cannot record), "maybe launched: …"
        line = QStringLiteral("%1 %2").arg(old, entry.message);
    else if (entry.progress == RestartProgress::Finished)
        line = QStringLiteral("%1 finished").arg(entry.newId);
    else
        line = QStringLiteral("%1 failed: %2").arg(entry.newId, endReason(entry.message));
    if (entry.launched() && !m_options.wait)
        error(line);
    else
        printResult(line);
    maybeQuit();
}

// The batch may wait a long time for a free place: say so once, and how to stop it.
void Run::tellWaiting()
{
    const int waiting = m_batch->count(RestartProgress::Waiting);
    if (m_toldWaiting || waiting == 0)
        return;
    m_toldWaiting = true;
    error(QStringLiteral("%1 more wait for a free place (at most %2 at once per server%3): each starts when one ends; "
                         "Ctrl+C starts no more")
              .arg(waiting)
              .arg(m_options.batch.maxPerServer)
              .arg(m_options.batch.staggerMs > 0 ? QStringLiteral(", %1 s apart").arg(m_options.batch.staggerMs / 1000.0)
                                                 : QString()));
}

// With --wait, the wait for the ends may be long (a backup): say what it waits for, once.
void Run::allLaunched()
{
    maybeQuit();
    if (done())
        return;
    int running = 0;
    for (const BatchEntry &entry : m_batch->entries())
        running += entry.launched() && !hasEnded(entry.progress);
    if (running > 0)
        error(QStringLiteral("all launched; waiting for %1 to end%2; Ctrl+C stops waiting (they go on)")
                  .arg(running)
                  .arg(m_options.wait ? QStringLiteral(" (--wait)") : QStringLiteral(": this process runs them")));
}

// Ctrl+C starts no more; what was launched goes on (this process's own runs end with it).
void Run::checkInterrupt()
{
    if (!g_interrupted || m_stopped)
        return;
    m_stopped = true;
    error(QStringLiteral("stopped: no more restarts are started; those launched go on"));
    m_batch->stopRemaining(QStringLiteral("not started: stopped by Ctrl+C"));
    maybeQuit();
}

bool Run::ownRestartsEnded() const
{
    for (const BatchEntry &entry : m_batch->entries())
        if (entry.launched() && m_runners.count(entry.item.source) && !hasEnded(entry.progress))
            return false;
    return true;
}

// Everything launched (with --wait, and ended; after Ctrl+C, nothing still being sent), and this process's own runs
// ended: they would die with it.
bool Run::done() const
{
    const bool waited = m_options.wait && !m_stopped ? m_batch->isDone() : !m_batch->isLaunching();
    return waited && ownRestartsEnded();
}

void Run::maybeQuit()
{
    if (done())
        m_loop.quit();
}

RestartOutcome Run::outcome() const
{
    RestartOutcome outcome;
    outcome.stopped = m_stopped;
    for (const BatchEntry &entry : m_batch->entries()) {
        if (entry.progress == RestartProgress::Refused) {
            outcome.refused = true;
        } else if (entry.progress == RestartProgress::Failed && entry.launched()) {
            outcome.failed = true;
        } else if (entry.progress == RestartProgress::Failed) { // maybe launched (no answer), or the agent cannot record
            const auto status = m_lastStatus.find(entry.idempotencyKey);
            (status == m_lastStatus.end() || status->second == 0 ? outcome.unreachable : outcome.refused) = true;
        }
    }
    return outcome;
}

RestartOutcome Run::exec()
{
    for (size_t i = 0; i < m_batch->entries().size(); ++i)
        if (m_batch->entries()[i].progress == RestartProgress::Refused)
            changed(int(i)); // refused by the plan: said first
    struct sigaction action = {};
    action.sa_handler = noteInterrupt;
    action.sa_flags = SA_RESETHAND; // a second Ctrl+C ends the process at once
    struct sigaction before = {};
    ::sigaction(SIGINT, &action, &before);
    m_signalCheck.start(200);
    m_batch->start();
    if (!done())
        m_loop.exec();
    m_signalCheck.stop();
    ::sigaction(SIGINT, &before, nullptr);
    error(m_batch->summary());
    return outcome();
}

} // namespace

void RestartOutcome::add(const RestartOutcome &other)
{
    refused |= other.refused;
    failed |= other.failed;
    unreachable |= other.unreachable;
    stopped |= other.stopped;
}

int exitStatus(const RestartOutcome &outcome)
{
    if (outcome.stopped)
        return 130;
    if (outcome.failed)
        return 5;
    if (outcome.refused)
        return Refused;
    if (outcome.unreachable)
        return Unreadable;
    return Ok;
}

void printResult(const QString &line)
{
    std::printf("%s\n", printable(line).toLocal8Bit().constData());
    std::fflush(stdout);
}

RestartOutcome runRestarts(std::vector<PlanItem> plan, const std::map<QString, RestartTarget> &targets,
                           const RestartRunOptions &options)
{
    Run run(std::move(plan), targets, options);
    return run.exec();
}

} // namespace oplens::cli
