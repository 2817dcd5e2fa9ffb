// oplens_console_bench: how responsive the console stays on a big oplog, and how soon what is appended shows. It runs a
// MainWindow (offscreen unless QT_QPA_PLATFORM says otherwise) and prints one `name: value unit` line per figure.
// Settings are in QStandardPaths' test mode. A program: ctest never runs it. Use a Release build.
//
//   oplens_console_bench --file PATH    (write one with: oplens_bench --events 2000000 --file PATH --keep)
//   oplens_console_bench --url https://host/oplog.jsonl [--cacert CA.pem]    (the same file served by a web server)
//       The time until the window is idle, the largest and 99th-percentile gap between ticks of a 10 ms timer on the
//       GUI thread (how long the window could not repaint or take input), then the same for filter keystrokes, header
//       clicks, the switch to the Events tab and a reload (F5), and the process's RssAnon once loaded. Then the
//       Timeline tab (console_bench_timeline.cpp): the time until its layout is shown, and the frames' p50, p99 and
//       longest while the view is zoomed, panned and scrolled, and how long a zoom level waits for its density.
//   oplens_console_bench --file PATH --append-rate R [--seconds S]
//       Copies PATH to a temporary folder (PATH is never written), opens the copy (followed) and waits until idle, then
//       appends R lines a second (each a new operation's Queued event, written by a 10 ms timer, plain write + flush)
//       for S seconds (default 30).
//   oplens_console_bench --agents N [--seconds S]
//       Starts N oplensd on loopback (build/app/agent), each with its own oplog of 20,000 events, opens each as an agent
//       source as `oplens agent+http://127.0.0.1:PORT#main --token-file F` does (the session's own poll intervals, the
//       Servers view shown) and waits until every source is loaded and the window idle; then appends one line every 50 ms to a random agent's
//       oplog for S seconds (default 30). At half time one agent is killed (SIGKILL): the time until its row in the
//       Servers view says Retrying or Failed (-1: never), and append-to-visible of the appends after the kill (they go
//       to the live agents only).
//   oplens_console_bench --ssh ssh://[user@]host[:port]/path [--ssh-config FILE]
//       Opens that oplog as an SSH source (the console's own 1 s poll) and waits until it is copied, read and shown
//       with the window idle: `ssh load until idle`, the GUI thread's longest and 99th-percentile gap meanwhile
//       (`ssh load gui longest gap`, `ssh load gui gap p99`; `ssh copy gui longest gap` until the copy caught up), and
//       how many "Reading N %" states the Sources pane showed. Any sshd will do, e.g. one on loopback with keys of its
//       own (tests/common/testssh.cpp's configuration); --ssh-config is the ssh_config that reaches it.
//   Following prints: append-to-visible p50 and p99 (from the write until the Operations table has a row for the
//   operation; one not shown within 5 s of the end counts as the run's duration, and `append-to-visible missed` says
//   how many), the GUI thread's longest gap and 99th-percentile gap while appending, and the RssAnon at the end; then
//   what the bench's own checks of the table cost the GUI thread (`bench checks longest`, its CPU time
//   `bench checks longest cpu`, `bench checks total`).
//   With OPLENS_BENCH_EACH=1 in the environment, every append's figure goes to stderr too.
#include "console_bench.h"
#include "consolefixture.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "tablepane.h"
#include "workspaces.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <time.h>

using namespace oplens;
using namespace oplens::ui;
using consolefixture::GapMeter; // ticks every 10 ms on the GUI thread: its gaps are how long the event loop was blocked

namespace consolebench {

void print(const char *name, double value, const char *unit, int decimals)
{
    std::printf("%s: %.*f %s\n", name, decimals, value, unit);
    std::fflush(stdout);
}

size_t rssAnonKb()
{
    size_t kb = 0;
    if (FILE *f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f) && std::sscanf(line, "RssAnon: %zu kB", &kb) != 1) {}
        std::fclose(f);
    }
    return kb;
}

qint64 threadCpuNs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000000000 + t.tv_nsec;
}

double percentile(std::vector<double> values, int percent)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, values.size() * size_t(percent) / 100)];
}

bool waitIdle(MainWindow &window)
{
    return waitUntil(&window, &MainWindow::idle, [&] { return window.isIdle(); });
}

} // namespace consolebench

using namespace consolebench;

namespace {

constexpr int kDebounceMs = 250; // FilterBar's

int fail(const char *what)
{
    std::fprintf(stderr, "oplens_console_bench: %s did not finish within %d s\n", what, kTimeoutMs / 1000);
    return 2;
}

// The largest and 99th-percentile gap since the meter's reset(), counting the one still open.
void printGaps(const char *what, GapMeter &meter)
{
    const double largest = meter.largestGapMs(), p99 = meter.percentileGapMs(99);
    print(qPrintable(QStringLiteral("%1 gui gap max").arg(QLatin1String(what))), largest, "ms");
    print(qPrintable(QStringLiteral("%1 gui gap p99").arg(QLatin1String(what))), p99, "ms");
}

// Times `action` until `pane` shows its result, then until the whole window is idle; prints both and the GUI gaps.
bool measure(const char *what, MainWindow &window, TablePane *pane, GapMeter &meter, double subtractMs,
             const std::function<void()> &action)
{
    if (!waitIdle(window))
        return false;
    bool shown = false;
    const auto connection = QObject::connect(pane, &TablePane::resultShown, pane, [&] { shown = true; });
    meter.reset();
    QElapsedTimer clock;
    action();
    clock.start(); // from the last input event
    const bool ok = waitUntil(pane, &TablePane::resultShown, [&] { return shown; });
    QObject::disconnect(connection);
    const double shownMs = double(clock.nsecsElapsed()) / 1e6 - subtractMs;
    if (!ok || !waitIdle(window))
        return false;
    const double idleMs = double(clock.nsecsElapsed()) / 1e6 - subtractMs;
    print(qPrintable(QStringLiteral("%1 shown").arg(QLatin1String(what))), shownMs, "ms");
    print(qPrintable(QStringLiteral("%1 idle").arg(QLatin1String(what))), idleMs, "ms");
    printGaps(what, meter);
    std::printf("%s rows shown: %zu rows\n", what, pane->shown());
    return true;
}

void clickHeader(TablePane *pane, OperationColumn column)
{
    QHeaderView *header = pane->view()->horizontalHeader();
    const int section = int(column);
    const QPoint at(header->sectionViewportPosition(section) + header->sectionSize(section) / 2, header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
}

// Filter keystrokes, header clicks, the Events tab and F5 on a loaded window; the exit code.
int interact(MainWindow &window, GapMeter &meter)
{
    TablePane *operations = window.operationsPane();
    // Filter keystrokes: all typed at once (no event loop between them), as a fast typist would.
    QLineEdit *search = window.filterBar()->searchField();
    search->setFocus();
    const auto type = [&](const char *what, const QString &text) {
        return measure(what, window, operations, meter, kDebounceMs, [&] {
            search->selectAll();
            QTest::keyClicks(search, text);
        });
    };
    if (!type("filter 'smartscan'", QStringLiteral("smartscan")) || !type("filter 'user0042@'", QStringLiteral("user0042@")))
        return fail("filtering");
    window.filterBar()->clear();
    if (!waitIdle(window))
        return fail("clearing the filter");

    // Header clicks on the Operations table, with no filter.
    for (const auto &[what, column] : {std::pair{"sort by module", OperationColumn::Module},
                                       std::pair{"sort by duration", OperationColumn::Duration}})
        if (!measure(what, window, operations, meter, 0, [&] { clickHeader(operations, column); }))
            return fail(what);

    // The Events tab: its query ran with every filter, so this is the switch and a repaint.
    meter.reset();
    QElapsedTimer clock;
    clock.start();
    QTabBar *tabs = window.tabs()->tabBar();
    QTest::mouseClick(tabs, Qt::LeftButton, {}, tabs->tabRect(1).center());
    if (!waitIdle(window))
        return fail("the Events tab");
    window.eventsPane()->view()->viewport()->repaint();
    print("events tab shown", double(clock.nsecsElapsed()) / 1e6, "ms");
    printGaps("events tab", meter);

    // F5: the whole file read again while the old dataset is on screen, then replaced.
    if (!measure("reload (F5)", window, operations, meter, 0, [&] { QTest::keyClick(&window, Qt::Key_F5); }))
        return fail("reloading");
    return 0;
}

// Loads `path` (or `remote`) and measures until idle, then interact(); the exit code.
int runLoad(const QString &path, const std::optional<RemoteSpec> &remote)
{
    MainWindow window;
    window.show();
    GapMeter meter;
    // Loading: from openFiles() until both tables show their results.
    meter.reset();
    QElapsedTimer clock;
    clock.start();
    if (remote)
        window.workspaces()->openRemote(*remote);
    else
        window.openFiles({path});
    if (!waitIdle(window))
        return fail("loading");
    print("load until idle", double(clock.nsecsElapsed()) / 1e6, "ms");
    printGaps("load", meter);
    print("rss anon after load", double(rssAnonKb()) / 1024, "MB");
    std::printf("operations loaded: %zu operations\nevents loaded: %zu events\n", window.operationsPane()->total(),
                window.eventsPane()->total());
    const int code = interact(window, meter);
    return code != 0 ? code : runTimeline(window);
}

void addOptions(QCommandLineParser &cli)
{
    cli.setApplicationDescription(QStringLiteral("How responsive the console stays on a big oplog, and how soon "
                                                 "what is appended shows."));
    cli.addHelpOption();
    cli.addOption({QStringLiteral("file"), QStringLiteral("The oplog to open."), QStringLiteral("PATH")});
    cli.addOption({QStringLiteral("url"), QStringLiteral("An oplog on a web server to open instead."), QStringLiteral("URL")});
    cli.addOption({QStringLiteral("cacert"), QStringLiteral("The web server's CA."), QStringLiteral("PEM")});
    cli.addOption({QStringLiteral("ssh"), QStringLiteral("An oplog over SSH to open instead."), QStringLiteral("URL")});
    cli.addOption({QStringLiteral("ssh-config"), QStringLiteral("With --ssh: ssh's configuration (ssh -F)."),
                   QStringLiteral("FILE")});
    cli.addOption({QStringLiteral("append-rate"), QStringLiteral("With --file: follow a copy while R lines a second are "
                                                                 "appended."), QStringLiteral("R")});
    cli.addOption({QStringLiteral("agents"), QStringLiteral("Follow N agents on loopback while lines are appended."),
                   QStringLiteral("N")});
    cli.addOption({QStringLiteral("seconds"), QStringLiteral("How long to append (default 30)."), QStringLiteral("S"),
                   QStringLiteral("30")});
}

// The oplog file named by --file, printed; empty (and said why) when there is none.
QString fileOption(const QCommandLineParser &cli)
{
    const QString path = cli.value(QStringLiteral("file"));
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        std::fprintf(stderr, "oplens_console_bench: --file PATH of an existing oplog, --url URL, --ssh URL or --agents N is needed\n");
        return {};
    }
    std::printf("file: %s (%.1f MB)\n", qPrintable(path), double(QFileInfo(path).size()) / 1e6);
    return path;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("OpLens"));
    QApplication::setApplicationName(QStringLiteral("oplens-console-bench"));
    QSettings().clear(); // test-mode settings: every run starts from the defaults, with nothing acknowledged

    QCommandLineParser cli;
    addOptions(cli);
    cli.process(app);
    const int seconds = cli.value(QStringLiteral("seconds")).toInt();
    if (seconds <= 0) {
        std::fprintf(stderr, "oplens_console_bench: --seconds takes a positive number\n");
        return 1;
    }
    if (cli.isSet(QStringLiteral("agents"))) {
        const int agents = cli.value(QStringLiteral("agents")).toInt();
        if (agents <= 0 || agents > 500) {
            std::fprintf(stderr, "oplens_console_bench: --agents takes a number from 1 to 500\n");
            return 1;
        }
        return runAgents(agents, seconds);
    }
    if (cli.isSet(QStringLiteral("ssh"))) {
        QString error;
        std::optional<RemoteSpec> remote = RemoteSpec::fromUrl(cli.value(QStringLiteral("ssh")), &error);
        if (!remote || remote->kind != RemoteSpec::Kind::Ssh) {
            std::fprintf(stderr, "oplens_console_bench: --ssh: %s\n", remote ? "an ssh:// URL is needed" : qPrintable(error));
            return 1;
        }
        if (cli.isSet(QStringLiteral("ssh-config")))
            remote->sshConfig = QFileInfo(cli.value(QStringLiteral("ssh-config"))).absoluteFilePath();
        return runSsh(*remote);
    }
    if (cli.isSet(QStringLiteral("url"))) {
        QString error;
        std::optional<RemoteSpec> remote = RemoteSpec::fromUrl(cli.value(QStringLiteral("url")), &error);
        if (!remote) {
            std::fprintf(stderr, "oplens_console_bench: %s\n", qPrintable(error));
            return 1;
        }
        remote->caFile = cli.value(QStringLiteral("cacert"));
        std::printf("url: %s\n", qPrintable(remote->name()));
        return runLoad({}, remote);
    }
    const QString path = fileOption(cli);
    if (path.isEmpty())
        return 1;
    if (cli.isSet(QStringLiteral("append-rate"))) {
        const double rate = cli.value(QStringLiteral("append-rate")).toDouble();
        if (rate <= 0 || rate > 100000) {
            std::fprintf(stderr, "oplens_console_bench: --append-rate takes lines a second, from 1 to 100000\n");
            return 1;
        }
        return runFileFollow(path, rate, seconds);
    }
    return runLoad(path, std::nullopt);
}
