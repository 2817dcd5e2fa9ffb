// oplens_console_bench while following (console_bench.h): when appended operations become visible, the GUI thread's
// gaps meanwhile, and the --file PATH --append-rate R run.
#include "console_bench.h"
#include "consolefixture.h"
#include "dataset.h"
#include "oplogwriter.h"
#include "tablepane.h"

#include <QAbstractItemModel>
#include <QAbstractTableModel>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QScopeGuard>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace oplens;
using namespace oplens::ui;

namespace consolebench {

// ---- AppendTracker -------------------------------------------------------------------------------------------------

AppendTracker::AppendTracker(TablePane *pane) : m_pane(pane)
{
    m_clock.start();
    QAbstractItemModel *model = pane->model();
    // Looked at once the signal's handlers are done (a burst of insertions is one look), before the next paint.
    const auto forced = [this] {
        if (m_scheduled)
            return;
        m_scheduled = true;
        QTimer::singleShot(0, &m_backstop, [this] {
            m_scheduled = false;
            check(true);
        });
    };
    m_connections = {
        QObject::connect(pane, &TablePane::resultShown, pane, forced),
        QObject::connect(model, &QAbstractItemModel::modelReset, pane, forced),
        QObject::connect(model, &QAbstractItemModel::rowsInserted, pane, forced),
        QObject::connect(model, &QAbstractItemModel::dataChanged, pane, forced),
        QObject::connect(model, &QAbstractItemModel::layoutChanged, pane, forced),
    };
    m_backstop.setTimerType(Qt::PreciseTimer);
    m_backstop.setInterval(20);
    QObject::connect(&m_backstop, &QTimer::timeout, &m_backstop, [this] { check(false); });
    m_backstop.start();
}

AppendTracker::~AppendTracker()
{
    for (const auto &connection : m_connections)
        QObject::disconnect(connection);
}

void AppendTracker::appended(const QString &source, const std::string &id)
{
    m_pending.push_back(m_appends.size());
    m_appends.push_back({source, id, m_clock.nsecsElapsed()});
}

void AppendTracker::check(bool force)
{
    if (m_pending.empty())
        return;
    const qint64 began = m_clock.nsecsElapsed(), beganCpu = threadCpuNs();
    const auto timed = qScopeGuard([&] {
        const qint64 spent = m_clock.nsecsElapsed() - began, spentCpu = threadCpuNs() - beganCpu;
        m_checkMaxNs = std::max(m_checkMaxNs, spent);
        m_checkMaxCpuNs = std::max(m_checkMaxCpuNs, spentCpu);
        m_checkTotalNs += spent;
    });
    const std::shared_ptr<const Dataset> data = m_pane->resultData();
    const std::vector<uint32_t> &rows = m_pane->resultRows();
    if (!data)
        return;
    if (!force && data.get() == m_lastData && rows.data() == m_lastRows && rows.size() == m_lastSize)
        return; // the table did not change since the last look
    m_lastData = data.get();
    m_lastRows = rows.data();
    m_lastSize = rows.size();
    // The pending appends' operations in `data` (its source indexes may not be the session's: by name).
    QHash<QString, uint16_t> sources;
    const QStringList names = data->events().sourceNames();
    for (qsizetype k = 0; k < names.size(); ++k)
        sources.insert(names[k], uint16_t(k));
    std::vector<std::pair<uint32_t, size_t>> wanted; // operation in `data`, index into m_appends
    for (const size_t i : m_pending) {
        const auto source = sources.constFind(m_appends[i].source);
        const uint32_t op = source == sources.cend() ? kNone : data->findOperation(*source, m_appends[i].id);
        if (op != kNone)
            wanted.emplace_back(op, i);
    }
    if (wanted.empty())
        return;
    // One pass over the rows, each looked up in a mark per operation (1: wanted, 2: shown).
    m_marks.resize(std::max(m_marks.size(), data->operationCount()));
    for (const auto &[op, i] : wanted)
        m_marks[op] = 1;
    for (const uint32_t row : rows)
        if (row < m_marks.size() && m_marks[row] == 1)
            m_marks[row] = 2;
    const qint64 now = m_clock.nsecsElapsed();
    for (const auto &[op, i] : wanted)
        if (m_marks[op] == 2)
            m_appends[i].seenNs = now;
    for (const auto &[op, i] : wanted)
        m_marks[op] = 0;
    std::erase_if(m_pending, [this](size_t i) { return m_appends[i].seenNs >= 0; });
}

std::vector<double> AppendTracker::latencies(double missedMs, qint64 fromNs) const
{
    std::vector<double> ms;
    for (const Append &a : m_appends)
        if (a.writtenNs >= fromNs)
            ms.push_back(a.seenNs < 0 ? missedMs : double(a.seenNs - a.writtenNs) / 1e6);
    return ms;
}

void AppendTracker::printEach() const
{
    for (const Append &a : m_appends)
        std::fprintf(stderr, "append %s %s written at %.0f ms: %.0f ms\n", qPrintable(a.source), a.id.c_str(),
                     double(a.writtenNs) / 1e6, a.seenNs < 0 ? -1.0 : double(a.seenNs - a.writtenNs) / 1e6);
}

size_t AppendTracker::missed(const QString &source) const
{
    return size_t(std::count_if(m_pending.begin(), m_pending.end(),
                                [&](size_t i) { return source.isEmpty() || m_appends[i].source == source; }));
}

// ---- following -----------------------------------------------------------------------------------------------------

void printLatencies(const char *prefix, const std::vector<double> &ms)
{
    print(qPrintable(QStringLiteral("%1 p50").arg(QLatin1String(prefix))), percentile(ms, 50), "ms", 0);
    print(qPrintable(QStringLiteral("%1 p99").arg(QLatin1String(prefix))), percentile(ms, 99), "ms", 0);
}

FollowResult follow(const FollowRun &run)
{
    consolefixture::GapMeter meter;
    QEventLoop loop;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(10);
    const qint64 startNs = run.tracker.nowNs(), endNs = startNs + qint64(run.seconds) * 1000000000;
    QObject::connect(&ticker, &QTimer::timeout, &loop, [&] {
        const qint64 now = run.tracker.nowNs();
        run.tick((std::min(now, endNs - 1) - startNs) / 1000000); // at the end: what was due until then
        if (now >= endNs)
            loop.quit();
    });
    meter.reset();
    ticker.start();
    loop.exec();
    ticker.stop();
    meter.stop();
    FollowResult result{meter.largestGapMs(), meter.percentileGapMs(99), run.tracker.count()};
    // The last appends: up to 5 s more to show.
    QTimer drain;
    drain.setInterval(20);
    QObject::connect(&drain, &QTimer::timeout, &loop, [&] {
        if (run.tracker.pending() == 0 || run.tracker.nowNs() >= endNs + qint64(5000) * 1000000)
            loop.quit();
    });
    drain.start();
    loop.exec();
    return result;
}

void printFollowed(const FollowRun &run, const FollowResult &result)
{
    const double missedMs = run.seconds * 1000.0;
    if (qEnvironmentVariableIsSet("OPLENS_BENCH_EACH"))
        run.tracker.printEach();
    print("appended", double(result.appended), "lines", 0);
    printLatencies("append-to-visible", run.tracker.latencies(missedMs));
    print("append-to-visible missed", double(run.tracker.missed()), "lines", 0);
    print("gui longest gap", result.longestGapMs, "ms", 0);
    print("gui gap p99", result.p99GapMs, "ms", 0);
    print("rss", double(rssAnonKb()) / 1024, "MB", 0);
    print("bench checks longest", run.tracker.checkMaxMs(), "ms", 2); // the bench's own work on the GUI thread
    print("bench checks longest cpu", run.tracker.checkMaxCpuMs(), "ms", 2); // without waiting for a core
    print("bench checks total", run.tracker.checkTotalMs(), "ms", 0);
}

// ---- what is appended ----------------------------------------------------------------------------------------------

std::string newOperationLine(std::mt19937 &rng, int64_t now, std::string *id)
{
    static const char *const kinds[][2] = {{"ZxBackup", "SmartScan"}, {"ZxPowerstore", "MoveBlobs"},
                                           {"ZxAdmin", "DoMonthlyReportOperation"}, {"ZxBackup", "RestoreOnNewAccount"}};
    const auto &kind = kinds[rng() % 4];
    *id = newOperationId().toStdString();
    char line[512];
    std::snprintf(line, sizeof line,
                  R"({"module":"%s","name":"%s","operationId":"%s","type":"Queued","startTime":%lld,)"
                  R"("requestedBy":"zimbra","parameters":{"origin":"Cron","bench":"follow"}})" "\n",
                  kind[0], kind[1], id->c_str(), static_cast<long long>(now));
    return line;
}

bool appendLine(const QString &path, const std::string &line)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    const bool written = file.write(line.data(), qint64(line.size())) == qint64(line.size());
    return file.flush() && written;
}

// ---- --file PATH --append-rate R -----------------------------------------------------------------------------------

int runFileFollow(const QString &path, double linesPerSecond, int seconds)
{
    QTemporaryDir dir;
    const QString copy = dir.filePath(QFileInfo(path).fileName());
    if (!dir.isValid() || !QFile::copy(path, copy)) {
        std::fprintf(stderr, "oplens_console_bench: cannot copy %s to %s\n", qPrintable(path), qPrintable(dir.path()));
        return 2;
    }
    print("append rate", linesPerSecond, "lines/s", 0);
    MainWindow window;
    window.show();
    QElapsedTimer clock;
    consolefixture::GapMeter loadMeter;
    clock.start();
    window.openFiles({copy});
    if (!waitIdle(window) || window.session()->sources().isEmpty()) {
        std::fprintf(stderr, "oplens_console_bench: loading did not finish within %d s\n", kTimeoutMs / 1000);
        return 2;
    }
    print("load until idle", double(clock.nsecsElapsed()) / 1e6, "ms");
    print("load gui gap max", loadMeter.largestGapMs(), "ms", 0);
    loadMeter.stop();
    std::printf("operations loaded: %zu operations\n", window.operationsPane()->total());
    const QString source = window.session()->sources().front().path;
    AppendTracker tracker(window.operationsPane());
    std::mt19937 rng(20250101);
    bool failed = false;
    const FollowRun run{window, tracker, seconds, [&](qint64 elapsedMs) {
        const auto due = size_t(double(elapsedMs) * linesPerSecond / 1000.0) + 1;
        while (tracker.count() < due && !failed) {
            std::string id;
            failed = !appendLine(copy, newOperationLine(rng, QDateTime::currentMSecsSinceEpoch(), &id));
            tracker.appended(source, id);
        }
    }};
    const FollowResult result = follow(run);
    if (failed) {
        std::fprintf(stderr, "oplens_console_bench: cannot append to %s\n", qPrintable(copy));
        return 2;
    }
    printFollowed(run, result);
    return 0;
}

} // namespace consolebench
