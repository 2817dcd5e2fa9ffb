#include "consolefixture.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QWidget>

#include <algorithm>

namespace consolefixture {

void useTestSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
}

QStringList writeDemo(const QString &dir)
{
    QProcess demo;
    demo.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    demo.start(QStringLiteral(OPLENS_DEMO), {QStringLiteral("--out"), dir});
    if (!demo.waitForFinished(30000) || demo.exitStatus() != QProcess::NormalExit || demo.exitCode() != 0) {
        qWarning("oplens-demo failed: %s (exit code %d)", qPrintable(demo.errorString()), demo.exitCode());
        return {};
    }
    const QStringList paths{QDir(dir).filePath(QStringLiteral("mail1.example.com.jsonl")),
                            QDir(dir).filePath(QStringLiteral("mail2.example.com.jsonl"))};
    for (const QString &path : paths) {
        if (QFileInfo(path).size() <= 0) {
            qWarning("oplens-demo did not write %s", qPrintable(path));
            return {};
        }
    }
    return paths;
}

std::unique_ptr<oplens::ui::MainWindow> openWindow(const QStringList &files, const WindowOptions &options)
{
    auto window = std::make_unique<oplens::ui::MainWindow>();
    if (!options.size.isEmpty())
        window->resize(options.size);
    window->show();
    if (options.pollMs > 0)
        window->session()->setPollInterval(options.pollMs);
    if (options.remotePollMs > 0)
        window->session()->setRemotePollInterval(options.remotePollMs);
    if (files.isEmpty())
        return window;
    window->openFiles(files);
    if (!QTest::qWaitFor([&] { return window->isIdle(); }, options.loadTimeoutMs))
        qWarning() << "the console did not finish loading" << files;
    return window;
}

QString screenshotPath(const QString &name, const QString &extension)
{
    QDir().mkpath(QStringLiteral(SCREENSHOTS));
    const QString file = extension.isEmpty() ? name : name + QLatin1Char('.') + extension;
    return QDir(QStringLiteral(SCREENSHOTS)).filePath(file);
}

int operationsOf(const oplens::ui::MainWindow &w, const QString &source)
{
    const auto data = w.session()->data();
    const int index = w.session()->sourceIndex(source);
    if (!data || index < 0 || index >= data->events().sourceCount())
        return -1;
    int count = 0;
    for (uint32_t op = 0; op < data->operationCount(); ++op)
        if (data->exists(op) && data->source(op) == index)
            ++count;
    return count;
}

bool saveScreenshot(QWidget *widget, const QString &name)
{
    return widget && widget->grab().save(screenshotPath(name));
}

// ---- GapMeter ------------------------------------------------------------------------------------------------------

GapMeter::GapMeter(std::function<void()> onTick) : m_onTick(std::move(onTick))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(10);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
        tick();
        if (m_onTick)
            m_onTick();
    });
    m_clock.start();
    m_timer.start();
}

void GapMeter::reset()
{
    m_gaps.clear();
    m_last = m_clock.nsecsElapsed();
}

void GapMeter::stop()
{
    if (!m_timer.isActive())
        return;
    tick();
    m_timer.stop();
}

void GapMeter::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    m_gaps.push_back(double(now - m_last) / 1e6);
    m_last = now;
}

std::vector<double> GapMeter::sortedGaps()
{
    if (m_timer.isActive())
        tick(); // the gap still open counts
    std::vector<double> sorted = m_gaps;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

double GapMeter::largestGapMs()
{
    const std::vector<double> sorted = sortedGaps();
    return sorted.empty() ? 0.0 : sorted.back();
}

double GapMeter::percentileGapMs(int percent)
{
    const std::vector<double> sorted = sortedGaps();
    if (sorted.empty())
        return 0.0;
    return sorted[std::min(sorted.size() - 1, sorted.size() * size_t(percent) / 100)];
}

} // namespace consolefixture
