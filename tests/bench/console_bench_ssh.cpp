// oplens_console_bench --ssh URL [--ssh-config FILE] (console_bench.h): an oplog read over SSH, from opening it until
// the window is idle with its operations shown, with the GUI thread's gaps meanwhile and the progress the Sources
// pane showed.
#include "console_bench.h"
#include "consolefixture.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "workspaces.h"

#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>

using namespace oplens;
using namespace oplens::ui;

namespace consolebench {

namespace {

// Read whole, shown, and nothing left to do.
bool loaded(MainWindow &window)
{
    const auto &sources = window.session()->sources();
    return window.isIdle() && sources.size() == 1 && sources[0].remote
        && sources[0].remote->state().phase == RemoteSource::Phase::UpToDate && sources[0].events > 0
        && !sources[0].lastRead.isNull();
}

} // namespace

int runSsh(const RemoteSpec &spec)
{
    std::printf("ssh: %s (ssh_config: %s)\n", qPrintable(spec.name()),
                spec.sshConfig.isEmpty() ? "ssh's own" : qPrintable(spec.sshConfig));
    std::fflush(stdout);
    MainWindow window;
    window.show();
    window.workspaces()->setInteractive(false); // an ssh source never asks for a secret: nothing to answer
    QStringList reading;        // the Sources pane's distinct "Reading N% (…)" states
    qint64 firstReadingNs = -1; // when the first one was shown
    bool downloaded = false;
    QElapsedTimer clock;
    consolefixture::GapMeter download; // while the copy is made: stopped once it caught up
    consolefixture::GapMeter whole([&] {
        const QString state = window.sourcesPane()->stateText(0);
        if (state.startsWith(QLatin1String("Reading")) && (reading.isEmpty() || reading.last() != state)) {
            reading << state;
            if (firstReadingNs < 0)
                firstReadingNs = clock.nsecsElapsed();
        }
        const auto &sources = window.session()->sources();
        if (!downloaded && !sources.isEmpty() && sources[0].remote
            && sources[0].remote->state().phase == RemoteSource::Phase::UpToDate) {
            downloaded = true;
            download.stop();
            print("ssh copied", double(clock.nsecsElapsed()) / 1e6, "ms", 0);
        }
    });
    clock.start();
    window.workspaces()->openRemote(spec);
    QTimer look; // the condition is looked at every 20 ms: no sleep on the GUI thread, unlike QTest::qWaitFor
    look.start(20);
    if (!waitUntil(&look, &QTimer::timeout, [&] { return loaded(window); })) {
        const auto &sources = window.session()->sources();
        std::fprintf(stderr, "oplens_console_bench: not loaded within %d s: %s\n", kTimeoutMs / 1000,
                     sources.isEmpty() || !sources[0].remote ? "no source" : qPrintable(sources[0].remote->state().error));
        return 2;
    }
    const double loadMs = double(clock.nsecsElapsed()) / 1e6;
    whole.stop();
    const RemoteSource::State &state = window.session()->sources()[0].remote->state();
    print("ssh file size", double(state.remoteSize) / 1e6, "MB");
    print("ssh load until idle", loadMs, "ms", 0);
    print("ssh load gui longest gap", whole.largestGapMs(), "ms");
    print("ssh load gui gap p99", whole.percentileGapMs(99), "ms");
    print("ssh copy gui longest gap", download.largestGapMs(), "ms");
    print("ssh first progress shown", firstReadingNs < 0 ? -1.0 : double(firstReadingNs) / 1e6, "ms", 0);
    print("ssh progress states shown", double(reading.size()), "states", 0);
    if (!reading.isEmpty())
        std::printf("ssh progress: %s … %s\n", qPrintable(reading.first()), qPrintable(reading.last()));
    print("rss anon after load", double(rssAnonKb()) / 1024, "MB");
    std::printf("operations loaded: %zu operations\nevents loaded: %zu events\n", window.operationsPane()->total(),
                window.eventsPane()->total());
    return 0;
}

} // namespace consolebench
