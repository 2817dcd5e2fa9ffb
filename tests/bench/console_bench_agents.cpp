// oplens_console_bench --agents N (console_bench.h): N oplensd on loopback, each with its own oplog, open in one
// console while lines are appended to them; one is killed at half time.
#include "console_bench.h"
#include "consolefixture.h"
#include "credentials.h"
#include "serversmodel.h"
#include "serverspane.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "testoplog.h"
#include "testservers.h"
#include "workspaces.h"

#include <QDateTime>
#include <QDockWidget>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <memory>
#include <random>

using namespace oplens;
using namespace oplens::ui;
using testservers::Agent;

namespace consolebench {

namespace {

constexpr int kEventsPerAgent = 20000;
constexpr int kAppendEveryMs = 50;

// A UUID-like id from `rng` (the oplogs are the same from run to run).
QByteArray uuidFrom(std::mt19937_64 &rng)
{
    const uint64_t hi = rng(), lo = rng();
    return QByteArray::number(hi >> 32, 16).rightJustified(8, '0') + '-' + QByteArray::number(hi >> 16 & 0xFFFF, 16).rightJustified(4, '0')
           + "-4" + QByteArray::number(hi & 0xFFF, 16).rightJustified(3, '0') + '-'
           + QByteArray::number(0x8000 | (lo >> 48 & 0x3FFF), 16) + '-' + QByteArray::number(lo & 0xFFFFFFFFFFFFULL, 16).rightJustified(12, '0');
}

// Agent `n`'s oplog: `events` events over the last week, operations of several modules and names written as runners
// do (Queued, Started with a pid, then Finished, Failed or Interrupted); the last ones are still queued or running.
QByteArray agentOplog(int n, int events, int64_t now)
{
    struct Kind { const char *module, *name; };
    static const Kind kinds[] = {{"ZxBackup", "SmartScan"}, {"ZxPowerstore", "MoveBlobs"}, {"ZxAdmin", "DoMonthlyReportOperation"},
                                 {"ZxBackup", "RestoreOnNewAccount"}, {"ZxMobile", "ResetDevice"}, {"ZxBackup", "PurgeOldData"}};
    std::mt19937_64 rng(uint64_t(1000 + n));
    const QByteArray host = QStringLiteral("mail%1.example.com").arg(n + 1, 2, 10, QLatin1Char('0')).toUtf8();
    const int operations = (events + 2) / 3;
    const int64_t week = 7LL * 24 * 3600 * 1000, step = week / operations;
    QByteArray out;
    out.reserve(qsizetype(events) * 300);
    for (int i = 0, written = 0; written < events; ++i) {
        const Kind &kind = kinds[rng() % std::size(kinds)];
        const QByteArray id = uuidFrom(rng);
        const int64_t queued = now - week + i * step;
        const QByteArray origin = rng() % 10 < 7 ? "Cron" : "Admin";
        const auto event = [&](const char *type, int64_t time) {
            return testoplog::Event(id, type, time).module(kind.module).name(kind.name)
                .raw(",\"requestedBy\":\"" + QByteArray(origin == "Cron" ? "zimbra" : "admin@example.com")
                     + "\",\"host\":\"" + host + "\",\"parameters\":{\"origin\":\"" + origin + "\"}");
        };
        out += event("Queued", queued).line();
        if (++written == events)
            break;
        const int64_t started = queued + 1000 + int64_t(rng() % 4000);
        out += event("Started", started).raw(",\"pid\":" + QByteArray::number(1000 + int(rng() % 30000))).line();
        if (++written == events)
            break;
        const int64_t ended = started + int64_t(rng() % uint64_t(step / 2));
        const unsigned pick = unsigned(rng() % 100);
        out += pick < 4   ? event("Interrupted", ended).raw(",\"error\":\"the service stopped while it ran\"").line()
               : pick < 7 ? event("Failed", ended).raw(",\"exitCode\":1,\"error\":\"exit code 1\"").line()
                          : event("Finished", ended).raw(",\"exitCode\":0").line();
        ++written;
    }
    return out;
}

// Starts `count` agents in `root`; empty (and says why) when one does not start.
std::vector<std::unique_ptr<Agent>> startAgents(const QString &root, int count)
{
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<std::unique_ptr<Agent>> agents;
    for (int n = 0; n < count; ++n) {
        const QString dir = QDir(root).filePath(QStringLiteral("agent%1").arg(n));
        QDir().mkpath(dir);
        agents.push_back(std::make_unique<Agent>(dir, agentOplog(n, kEventsPerAgent, now)));
        if (!agents.back()->start()) {
            std::fprintf(stderr, "oplens_console_bench: agent %d did not start: %s\n", n, qPrintable(agents.back()->err()));
            return {};
        }
    }
    return agents;
}

// Opens every agent as `oplens agent+http://127.0.0.1:PORT#main --token-file F` does; their source names.
QStringList openAgents(MainWindow &window, const std::vector<std::unique_ptr<Agent>> &agents)
{
    CommandLineCredentials credentials;
    credentials.token = testservers::kViewerToken;
    window.workspaces()->setInteractive(false); // a missing token fails the source: no dialog
    window.workspaces()->setCommandLineCredentials(credentials);
    QStringList names;
    for (const auto &agent : agents) {
        QString error;
        const auto spec = commandLineRemote(QStringLiteral("agent+%1#main").arg(agent->url()), credentials, &error);
        if (!spec) {
            std::fprintf(stderr, "oplens_console_bench: %s\n", qPrintable(error));
            return {};
        }
        window.workspaces()->openRemote(*spec);
        names << spec->name();
    }
    window.workspaces()->endCommandLine();
    return names;
}

// Every source holds its events and the window is idle.
bool loaded(MainWindow &window, int count)
{
    const auto &sources = window.session()->sources();
    if (!window.isIdle() || sources.size() != count)
        return false;
    return std::all_of(sources.begin(), sources.end(), [](const SourceState &s) { return s.events >= kEventsPerAgent; });
}

// What the Servers view's row of `source` says in its State column (the Sources pane's row while it has none).
QString rowState(MainWindow &window, const QString &source)
{
    ServersModel *model = window.serversPane()->model();
    const int row = model->rowOfSource(source);
    return row >= 0 ? model->index(row, ServersModel::State).data().toString()
                    : window.sourcesPane()->stateText(window.session()->sourceIndex(source));
}

// Appends every 50 ms to a random live agent; kills one at half time and watches its row.
struct AgentAppender {
    MainWindow &window;
    AppendTracker &tracker;
    std::vector<std::unique_ptr<Agent>> &agents;
    QStringList names;
    int seconds;
    int killed = -1;
    qint64 killedNs = -1, noticedNs = -1;
    std::mt19937 rng{20250102};
    bool failed = false;

    void operator()(qint64 elapsedMs)
    {
        if (killed < 0 && elapsedMs >= seconds * 500LL) {
            killed = int(rng() % agents.size());
            agents[size_t(killed)]->crash(); // SIGKILL, and reaped
            killedNs = tracker.nowNs();
        }
        if (killed >= 0 && noticedNs < 0) {
            const QString state = rowState(window, names[killed]);
            if (state.startsWith(QLatin1String("Retrying")) || state.startsWith(QLatin1String("Failed")))
                noticedNs = tracker.nowNs();
        }
        while (!failed && tracker.count() < size_t(elapsedMs / kAppendEveryMs) + 1) {
            size_t n = rng() % agents.size();
            if (int(n) == killed)
                n = (n + 1) % agents.size();
            std::string id;
            failed = !appendLine(agents[n]->oplog, newOperationLine(rng, QDateTime::currentMSecsSinceEpoch(), &id));
            tracker.appended(names[qsizetype(n)], id);
        }
    }
};

} // namespace

int runAgents(int count, int seconds)
{
    std::printf("agents: %d\n", count);
    std::fflush(stdout);
    QTemporaryDir root;
    QElapsedTimer clock;
    clock.start();
    std::vector<std::unique_ptr<Agent>> agents = startAgents(root.path(), count);
    if (agents.empty())
        return 2;
    print("agents started", double(clock.nsecsElapsed()) / 1e6, "ms", 0);
    MainWindow window;
    window.show();
    window.serversDock()->show(); // fifty servers: the Servers view is what one looks at
    window.serversDock()->raise();
    consolefixture::GapMeter loadMeter;
    clock.start();
    const QStringList names = openAgents(window, agents);
    if (names.isEmpty() || !QTest::qWaitFor([&] { return loaded(window, count); }, kTimeoutMs)) {
        std::fprintf(stderr, "oplens_console_bench: the agents were not loaded within %d s\n", kTimeoutMs / 1000);
        return 2;
    }
    print("agents loaded until idle", double(clock.nsecsElapsed()) / 1e6, "ms", 0);
    print("load gui gap max", loadMeter.largestGapMs(), "ms", 0);
    loadMeter.stop();
    std::printf("operations loaded: %zu operations\nevents loaded: %zu events\n", window.operationsPane()->total(),
                window.eventsPane()->total());
    AppendTracker tracker(window.operationsPane());
    AgentAppender appender{window, tracker, agents, names, seconds};
    const FollowRun run{window, tracker, seconds, [&](qint64 elapsedMs) { appender(elapsedMs); }};
    const FollowResult result = follow(run);
    if (appender.failed) {
        std::fprintf(stderr, "oplens_console_bench: cannot append to an agent's oplog\n");
        return 2;
    }
    printFollowed(run, result);
    print("killed agent noticed", appender.noticedNs < 0 ? -1.0 : double(appender.noticedNs - appender.killedNs) / 1e6, "ms", 0);
    if (appender.killed >= 0) {
        print("append-to-visible missed on the killed agent", double(tracker.missed(names[appender.killed])), "lines", 0);
        printLatencies("append-to-visible after the kill", tracker.latencies(seconds * 1000.0, appender.killedNs));
    }
    return 0;
}

} // namespace consolebench
