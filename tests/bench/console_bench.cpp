// oplens_console_bench: how responsive the console stays on a big oplog. It opens --file in a MainWindow (offscreen
// unless QT_QPA_PLATFORM says otherwise), and prints one `name: value unit` line per figure: the time until the window
// is idle, the largest and 99th-percentile gap between ticks of a 10 ms timer on the GUI thread (how long the window
// could not repaint or take input), then the same for filter keystrokes, header clicks and the switch to the Events
// tab and a reload (F5), and the process's RssAnon once loaded. Settings are in QStandardPaths' test mode. A program: ctest never runs it.
//
//   oplens_console_bench --file PATH    (write one with: oplens_bench --events 2000000 --file PATH --keep)
//   oplens_console_bench --url https://host/oplog.jsonl [--cacert CA.pem]    (the same file served by a web server)
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

#include <cstdio>
#include <functional>

using namespace oplens;
using namespace oplens::ui;
using consolefixture::GapMeter; // ticks every 10 ms on the GUI thread: its gaps are how long the event loop was blocked

namespace {

constexpr int kDebounceMs = 250;  // FilterBar's
constexpr int kTimeoutMs = 300 * 1000;

void print(const char *name, double value, const char *unit, int decimals = 1)
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

// Runs the event loop until `done` is true, checking whenever `sender` emits `signal`; false after the timeout.
template <typename Sender, typename Signal>
bool waitUntil(Sender *sender, Signal signal, const std::function<bool()> &done)
{
    if (done())
        return true;
    QEventLoop loop;
    QObject::connect(sender, signal, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(kTimeoutMs, &loop, [&] { loop.exit(1); });
    return loop.exec() == 0;
}

bool waitIdle(MainWindow &window)
{
    return waitUntil(&window, &MainWindow::idle, [&] { return window.isIdle(); });
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
    cli.setApplicationDescription(QStringLiteral("How responsive the console stays on a big oplog."));
    cli.addHelpOption();
    cli.addOption({QStringLiteral("file"), QStringLiteral("The oplog to open."), QStringLiteral("PATH")});
    cli.addOption({QStringLiteral("url"), QStringLiteral("An oplog on a web server to open instead."), QStringLiteral("URL")});
    cli.addOption({QStringLiteral("cacert"), QStringLiteral("The web server's CA."), QStringLiteral("PEM")});
    cli.process(app);
    const QString path = cli.value(QStringLiteral("file"));
    QString error;
    std::optional<oplens::RemoteSpec> remote;
    if (cli.isSet(QStringLiteral("url"))) {
        remote = oplens::RemoteSpec::fromUrl(cli.value(QStringLiteral("url")), &error);
        if (!remote) {
            std::fprintf(stderr, "oplens_console_bench: %s\n", qPrintable(error));
            return 1;
        }
        remote->caFile = cli.value(QStringLiteral("cacert"));
        std::printf("url: %s\n", qPrintable(remote->name()));
    } else if (path.isEmpty() || !QFileInfo::exists(path)) {
        std::fprintf(stderr, "oplens_console_bench: --file PATH of an existing oplog, or --url URL, is needed\n");
        return 1;
    } else {
        std::printf("file: %s (%.1f MB)\n", qPrintable(path), double(QFileInfo(path).size()) / 1e6);
    }

    const auto fail = [](const char *what) {
        std::fprintf(stderr, "oplens_console_bench: %s did not finish within %d s\n", what, kTimeoutMs / 1000);
        return 2;
    };
    MainWindow window;
    window.show();
    GapMeter meter;
    TablePane *operations = window.operationsPane();

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
    std::printf("operations loaded: %zu operations\nevents loaded: %zu events\n", operations->total(),
                window.eventsPane()->total());

    // Filter keystrokes: all typed at once (no event loop between them), as a fast typist would.
    QLineEdit *search = window.filterBar()->searchField();
    search->setFocus();
    const auto type = [&](const char *what, const QString &text) {
        return measure(what, window, operations, meter, kDebounceMs, [&] {
            search->selectAll();
            QTest::keyClicks(search, text);
        });
    };
    if (!type("filter 'smartscan'", QStringLiteral("smartscan")))
        return fail("filtering");
    if (!type("filter 'user0042@'", QStringLiteral("user0042@")))
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
