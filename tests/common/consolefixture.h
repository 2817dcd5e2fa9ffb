// What the console's tests (tests/ui) and its benchmark share: the demo oplogs, a loaded MainWindow, screenshots
// under the build folder, and a meter of how long the GUI thread could not repaint. A library of its own
// (oplens_consolefixture, built with OPLENS_GUI only) so that the engine's tests never link widgets.
#pragma once

#include "mainwindow.h"

#include <QElapsedTimer>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

class QWidget;

namespace consolefixture {

// Settings (acknowledgements, layout, recent files, trusted certificates) in QStandardPaths' test folders, cleared:
// never the user's.
void useTestSettings();

// Runs oplens-demo --out `dir`: the paths of the oplogs it wrote (mail1.example.com, then mail2.example.com), or
// an empty list (and a warning) when it failed.
QStringList writeDemo(const QString &dir);

struct WindowOptions {
    int pollMs = 100;           // the session's follow interval; 0 leaves the console's own
    int remotePollMs = 0;       // remote sources' interval; 0 leaves the console's own
    QSize size;                 // empty: the window's own
    int loadTimeoutMs = 20000;  // how long openWindow() waits for the files to load
};

// A shown MainWindow with `files` open and loaded (idle); when they do not load in time it warns, and the test's
// own checks then fail.
std::unique_ptr<oplens::ui::MainWindow> openWindow(const QStringList &files = {}, const WindowOptions &options = {});

// Where saveScreenshot() writes `name` (SCREENSHOTS/name.png); the folder exists once this returns.
QString screenshotPath(const QString &name, const QString &extension = QStringLiteral("png"));
// Saves what `widget` shows as SCREENSHOTS/name.png, for a person to look at; false when it cannot be written.
bool saveScreenshot(QWidget *widget, const QString &name);

// The operations of open source `source` (its name) in the window's data; -1 while it is not in the data.
int operationsOf(const oplens::ui::MainWindow &w, const QString &source);

// Ticks every 10 ms on the GUI thread: the gaps between ticks are how long the event loop was blocked (the window
// could not repaint or take input). `onTick` runs at every tick (to sample the window's state meanwhile).
class GapMeter
{
public:
    explicit GapMeter(std::function<void()> onTick = {});
    // Forgets the gaps so far: the next gap counts from now.
    void reset();
    // Stops ticking; the gaps measured so far stay.
    void stop();
    // The largest gap (ms) since construction or reset(), counting the one still open while it ticks.
    double largestGapMs();
    // The gap (ms) that `percent` % of the gaps do not exceed (99: the 99th percentile), counting the open one.
    double percentileGapMs(int percent);
    int ticks() const { return int(m_gaps.size()); }

private:
    void tick();
    std::vector<double> sortedGaps();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gaps;
    std::function<void()> m_onTick;
};

} // namespace consolefixture
