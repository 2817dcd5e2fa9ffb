// oplensd_alert_bench: what watching for alerts costs the agent (issue 12, docs/agent.md section 7).
//   oplensd_alert_bench [--agent PATH] [--events N] [--rate LINES_PER_S] [--seconds S] [--dir DIR]
// Writes an oplog of N events (default 2,000,000: finished runs of a few modules, with parameters), then runs the agent
// on it twice, each time while the oplog grows by RATE lines a second (default 100) for S seconds (default 30), a
// ServiceStarted line every 10 s interrupting the runs left open:
//   - "following only": no alerts configured (the agent reads the oplog only when asked, as before alerts);
//   - "following, /metrics 1/s": no alerts, but GET /metrics every second (each scrape reads what the oplog gained:
//     the engine's cost of following it);
//   - "watching for alerts": alerts to a webhook (format json, batchSeconds 20: the oplog is read every 5 s)
//     answered by this program.
// For each it prints the time the agent took to start (its first read of the oplog), its CPU while the oplog grew
// (seconds of CPU per minute, and % of one core), its resident memory (VmRSS) at start and at its peak, and the posts
// and alerts the receiver got. A program that prints figures, never a test (design.md, Tests).
#include "webhookreceiver.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kToken = "bench-token-0123456789";
const char *const kModules[][2] = {{"ZxBackup", "SmartScan"}, {"ZxMove", "MoveBlobs"}, {"ZxAdmin", "Report"}, {"ZxIndex", "ReIndex"}};

quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

qint64 rssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

// User and system CPU of `pid`, in seconds.
double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
    return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(::sysconf(_SC_CLK_TCK));
}

QByteArray event(uint64_t op, const char *type, qint64 time, int module)
{
    char id[40];
    std::snprintf(id, sizeof id, "%08llx-0000-4000-8000-%012llx", (unsigned long long)(op >> 32), (unsigned long long)(op & 0xffffffffffffULL));
    return QByteArrayLiteral("{\"module\":\"") + kModules[module][0] + "\",\"name\":\"" + kModules[module][1]
        + "\",\"operationId\":\"" + id + "\",\"type\":\"" + type + "\",\"startTime\":" + QByteArray::number(time)
        + ",\"parameters\":{\"origin\":\"Cron\",\"dataPath\":\"/backup/" + QByteArray::number(op % 97)
        + "\"},\"host\":\"mail1.example.com\"}\n";
}

bool writeOplog(const QString &path, qint64 events, qint64 endAt)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    QByteArray chunk;
    const qint64 start = endAt - events * 1000; // one event a second, ending now
    for (qint64 i = 0; i < events / 2; ++i) {
        chunk += event(uint64_t(i), "Started", start + 2 * i * 1000 - 600000, int(i % 4)); // runs of 10 min
        chunk += event(uint64_t(i), "Finished", start + (2 * i + 1) * 1000, int(i % 4));
        if (chunk.size() > (8 << 20)) {
            file.write(chunk);
            chunk.clear();
        }
    }
    file.write(chunk);
    return file.error() == QFile::NoError;
}

struct Trial {
    double startSeconds = 0, cpu = 0;
    qint64 rssStart = 0, rssPeak = 0;
    int posts = 0, alerts = 0;
};

enum class Mode { FollowOnly, Scraped, Alerts };

QJsonObject config(const QTemporaryDir &dir, const QString &oplog, quint16 port, quint16 hookPort)
{
    const QString hash = QString::fromLatin1(QCryptographicHash::hash(kToken, QCryptographicHash::Sha256).toHex());
    QJsonObject cfg{{u"listen"_s, u"127.0.0.1:%1"_s.arg(port)},
                    {u"oplogs"_s, QJsonArray{QJsonObject{{u"id"_s, u"main"_s}, {u"path"_s, oplog}}}},
                    {u"runnerOplog"_s, u"main"_s}, {u"auditLog"_s, dir.filePath(u"audit.jsonl"_s)}, {u"runAsRoot"_s, true},
                    {u"tokens"_s, QJsonArray{QJsonObject{{u"identity"_s, u"bench"_s}, {u"role"_s, u"viewer"_s}, {u"sha256"_s, hash}}}}};
    if (hookPort)
        cfg.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 20},
                                            {u"webhooks"_s, QJsonArray{QJsonObject{{u"url"_s, u"http://127.0.0.1:%1/hook"_s.arg(hookPort)},
                                                                                   {u"format"_s, u"json"_s}}}}});
    return cfg;
}

// Starts the agent on `oplog`, grows the oplog for `seconds`, and measures.
Trial run(const QString &agent, const QString &oplog, Mode mode, int rate, int seconds, uint64_t &nextOp)
{
    const bool alerts = mode == Mode::Alerts;
    Trial trial;
    QTemporaryDir dir;
    testservers::WebhookReceiver receiver;
    QFile configFile(dir.filePath(QStringLiteral("agent.json")));
    configFile.open(QIODevice::WriteOnly);
    const quint16 port = freePort();
    configFile.write(QJsonDocument(config(dir, oplog, port, alerts ? receiver.port() : 0)).toJson());
    configFile.close();
    QProcess process;
    process.setReadChannel(QProcess::StandardError);
    process.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer clock;
    clock.start();
    process.start(agent, {QStringLiteral("--config"), configFile.fileName()});
    QByteArray err;
    while (!err.contains("listening on") && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        err += process.readAllStandardError();
    }
    trial.startSeconds = double(clock.elapsed()) / 1000.0;
    if (process.state() == QProcess::NotRunning) {
        std::fprintf(stderr, "oplensd_alert_bench: the agent did not start: %s\n", err.constData());
        return trial;
    }
    const qint64 pid = process.processId();
    QCoreApplication::processEvents();
    trial.rssStart = rssKiB(pid);
    const double cpuBefore = cpuSeconds(pid);
    QFile file(oplog);
    file.open(QIODevice::Append);
    int ticks = 0;
    std::vector<uint64_t> open;
    QTimer grow;
    QEventLoop loop;
    QObject::connect(&grow, &QTimer::timeout, &loop, [&] {
        QByteArray lines;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < rate / 10; i += 2) { // a finished run: two lines
            lines += event(nextOp, "Started", now, int(nextOp % 4)) + event(nextOp, "Finished", now, int(nextOp % 4));
            ++nextOp;
        }
        if (ticks % 10 == 0) { // one run a second left open, interrupted every 10 s
            lines += event(nextOp, "Started", now, int(nextOp % 4));
            open.push_back(nextOp++);
        }
        if (ticks % 100 == 99)
            lines += "{\"module\":\"mailboxd\",\"name\":\"ServiceStarted\",\"type\":\"ServiceStarted\",\"startTime\":" + QByteArray::number(now) + "}\n";
        file.write(lines);
        file.flush();
        trial.rssPeak = std::max(trial.rssPeak, rssKiB(pid));
        if (++ticks == seconds * 10)
            loop.quit();
    });
    grow.start(100);
    QNetworkAccessManager network;
    QTimer scrape;
    QObject::connect(&scrape, &QTimer::timeout, &loop, [&] {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(port)));
        request.setRawHeader("Authorization", "Bearer " + kToken);
        QNetworkReply *reply = network.get(request);
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    });
    if (mode == Mode::Scraped)
        scrape.start(1000);
    loop.exec();
    scrape.stop();
    grow.stop();
    trial.cpu = cpuSeconds(pid) - cpuBefore;
    QTimer::singleShot(alerts ? 30000 : 0, &loop, &QEventLoop::quit); // the last batch closes
    loop.exec();
    trial.posts = int(receiver.received.size());
    for (const testservers::ReceivedRequest &post : receiver.received)
        trial.alerts += int(QJsonDocument::fromJson(post.body).object().value(QStringLiteral("alerts")).toArray().size());
    if (qEnvironmentVariableIsSet("BENCH_DUMP"))
        for (const testservers::ReceivedRequest &post : receiver.received)
            std::printf("%s\n", post.body.constData());
    process.terminate();
    process.waitForFinished(15000);
    return trial;
}

void print(const char *name, const Trial &t, int rate, int seconds)
{
    std::printf("%-24s start %6.2f s | +%d lines/s for %d s: cpu %6.2f s/min (%5.2f %% of a core) | RSS start %7.1f MiB, "
                "peak %7.1f MiB | %d posts, %d alerts\n",
                name, t.startSeconds, rate, seconds, t.cpu * 60.0 / seconds, t.cpu * 100.0 / seconds,
                double(t.rssStart) / 1024.0, double(t.rssPeak) / 1024.0, t.posts, t.alerts);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto option = [&](const char *name, const QString &otherwise) {
        const int at = int(args.indexOf(QString::fromLatin1(name)));
        return at > 0 && at + 1 < args.size() ? args[at + 1] : otherwise;
    };
    const QString agent = option("--agent", QStringLiteral(OPLENSD));
    const qint64 events = option("--events", QStringLiteral("2000000")).toLongLong();
    const int rate = std::max(20, option("--rate", QStringLiteral("100")).toInt());
    const int seconds = std::max(1, option("--seconds", QStringLiteral("30")).toInt());
    QTemporaryDir dir(option("--dir", QDir::tempPath()) + QStringLiteral("/oplensd_alert_bench-XXXXXX"));
    const QString oplog = dir.filePath(QStringLiteral("oplog.jsonl"));
    for (const Mode mode : {Mode::FollowOnly, Mode::Scraped, Mode::Alerts}) {
        if (!writeOplog(oplog, events, QDateTime::currentMSecsSinceEpoch())) {
            std::fprintf(stderr, "oplensd_alert_bench: cannot write %s\n", qPrintable(oplog));
            return 1;
        }
        if (mode == Mode::FollowOnly)
            std::printf("oplog: %lld events, %.0f MiB; agent %s\n", events, double(QFile(oplog).size()) / 1048576.0, qPrintable(agent));
        uint64_t nextOp = uint64_t(events);
        const char *name = mode == Mode::Alerts ? "watching for alerts" : mode == Mode::Scraped ? "following, /metrics 1/s" : "following only";
        print(name, run(agent, oplog, mode, rate, seconds, nextOp), rate, seconds);
    }
    return 0;
}
