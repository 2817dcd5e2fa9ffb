// What oplens_console_bench's parts share (console_bench.cpp: loading, filtering, sorting, reloading;
// console_bench_follow.cpp: following a local file while it grows; console_bench_agents.cpp: agents on loopback;
// console_bench_timeline.cpp: the Timeline tab's layout and frames; console_bench_ssh.cpp: an oplog read over SSH).
#pragma once

#include "mainwindow.h"
#include "remotespec.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace oplens::ui {
class TablePane;
}

namespace consolebench {

constexpr int kTimeoutMs = 300 * 1000;

void print(const char *name, double value, const char *unit, int decimals = 1);
size_t rssAnonKb();
// The CPU time of the calling thread: what some work cost, without the time the thread waited for a core.
qint64 threadCpuNs();
// The value that `percent` % of `values` do not exceed (GapMeter's rule); 0 for none.
double percentile(std::vector<double> values, int percent);

// Runs the event loop until `done` is true, checking whenever `sender` emits `signal`; false after the timeout.
template <typename Sender, typename Signal>
bool waitUntil(Sender *sender, Signal signal, const std::function<bool()> &done, int timeoutMs = kTimeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QObject::connect(sender, signal, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, [&] { loop.exit(1); });
    return loop.exec() == 0;
}

bool waitIdle(oplens::ui::MainWindow &window);

// When appended operations become visible: the Operations table has a row for them. Checked after every change of
// the table (a reset: resultShown, modelReset; insertions, changes, layout changes of its model), once the handlers of
// that change are done, and every 20 ms as a backstop (that one only when the table's rows changed since the last
// look). A check scans the table's rows once, looking only for the operations still pending.
class AppendTracker
{
public:
    explicit AppendTracker(oplens::ui::TablePane *pane);
    ~AppendTracker();
    AppendTracker(const AppendTracker &) = delete;
    AppendTracker &operator=(const AppendTracker &) = delete;

    // Operation `id` of source `source` (the session's name of it) was written just now.
    void appended(const QString &source, const std::string &id);
    void check(bool force);
    size_t pending() const { return m_pending.size(); }
    size_t count() const { return m_appends.size(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }
    // Append-to-visible (ms) of the appends written from `fromNs` on; those never seen count as `missedMs`.
    std::vector<double> latencies(double missedMs, qint64 fromNs = 0) const;
    // The appends not seen yet (of `source` only, when given).
    size_t missed(const QString &source = {}) const;
    // One line per append on stderr: its source, id, when it was written (ms since the tracker began) and its
    // append-to-visible (-1: never).
    void printEach() const;
    // What the checks cost the GUI thread (they run on it), in ms: the longest one and all of them, wall time; the
    // most CPU time one took (wall time beyond it is the thread waiting for a core).
    double checkMaxMs() const { return double(m_checkMaxNs) / 1e6; }
    double checkMaxCpuMs() const { return double(m_checkMaxCpuNs) / 1e6; }
    double checkTotalMs() const { return double(m_checkTotalNs) / 1e6; }

private:
    struct Append {
        QString source;
        std::string id;
        qint64 writtenNs = 0, seenNs = -1;
    };
    oplens::ui::TablePane *m_pane;
    QElapsedTimer m_clock;
    QTimer m_backstop;
    std::vector<Append> m_appends;
    std::vector<size_t> m_pending; // indexes into m_appends
    std::vector<QMetaObject::Connection> m_connections;
    const void *m_lastData = nullptr, *m_lastRows = nullptr;
    size_t m_lastSize = 0;
    bool m_scheduled = false; // a look after a change of the table is due
    qint64 m_checkMaxNs = 0, m_checkMaxCpuNs = 0, m_checkTotalNs = 0;
    std::vector<uint8_t> m_marks; // per operation of the dataset looked at: check()'s scratch, all 0 between checks
};

// Follows for `seconds` while `tick` (every 10 ms, given the ms since following began) appends what is due, with the
// GUI thread's gaps measured from the start to the end of appending; then waits up to 5 s more for the last appends
// to show.
struct FollowRun {
    oplens::ui::MainWindow &window;
    AppendTracker &tracker;
    int seconds = 30;
    std::function<void(qint64 elapsedMs)> tick;
};
struct FollowResult {
    double longestGapMs = 0, p99GapMs = 0;
    size_t appended = 0;
};
FollowResult follow(const FollowRun &run);
// Prints what both runs print: appended, append-to-visible p50 and p99 (an append never seen counts as the run's
// duration), append-to-visible missed, gui longest gap, gui gap p99, rss.
void printFollowed(const FollowRun &run, const FollowResult &result);
void printLatencies(const char *prefix, const std::vector<double> &ms); // "PREFIX p50", "PREFIX p99"

// A new operation's Queued event at `now` (epoch ms), line ending included; its id in `id`.
std::string newOperationLine(std::mt19937 &rng, int64_t now, std::string *id);
// Appends `line` with a plain write and a flush (no fsync), as a writer does; false when it cannot.
bool appendLine(const QString &path, const std::string &line);

// The parts' entry points: the exit code of the program.
int runAgents(int agents, int seconds);
int runSsh(const oplens::RemoteSpec &spec);
int runFileFollow(const QString &path, double linesPerSecond, int seconds);
// On a loaded window: switches to the Timeline tab, then frames at many zoom levels and positions.
int runTimeline(oplens::ui::MainWindow &window);

} // namespace consolebench
