// oplensd_bench: figures for the agent's HTTP listener (issue 18), to compare two builds of oplensd on this machine.
//   oplensd_bench [--agent PATH] [--rounds N] [--dir DIR]
// Starts PATH (default: this build's oplensd) on loopback with a temporary config and its files in a new folder in
// DIR (default: the system's temporary folder; /dev/shm leaves the audit log's fsync out of the figures), then prints
//   - GET /v1/status latency: N requests on one kept-alive connection, and N/4 on a new connection each;
//   - long-poll wake-up: a held /v1/oplog?wait=30 answered after a line is appended (time from the append);
//   - the big-body trial: 4 connections each announcing a 1 GB body without a token and sending it as fast as they
//     can (at most 256 MiB each, 3 s): time to the first answer, and the agent's peak resident memory (VmRSS).
// A program that prints figures, never a test (design.md, Tests). Requests are written with tests/agent/rawhttp.h.
#include "rawhttp.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

const QByteArray kToken = "bench-token-0123456789";

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

struct Figures {
    double median = 0, p99 = 0, max = 0, mean = 0;
};

Figures figures(std::vector<double> ms)
{
    Figures f;
    if (ms.empty())
        return f;
    std::sort(ms.begin(), ms.end());
    f.median = ms[ms.size() / 2];
    f.p99 = ms[std::min(ms.size() - 1, size_t(double(ms.size()) * 0.99))];
    f.max = ms.back();
    for (double m : ms)
        f.mean += m;
    f.mean /= double(ms.size());
    return f;
}

void print(const char *what, const Figures &f, size_t count)
{
    std::printf("%-44s n=%-5zu median %7.3f ms  mean %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, count, f.median,
                f.mean, f.p99, f.max);
}

double elapsedMs(const QElapsedTimer &clock) { return double(clock.nsecsElapsed()) / 1e6; }

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QString agent = QStringLiteral(OPLENSD);
    int rounds = 2000;
    QString base = QDir::tempPath();
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--agent"))
            agent = args[++i];
        else if (args[i] == QLatin1String("--rounds"))
            rounds = args[++i].toInt();
        else if (args[i] == QLatin1String("--dir"))
            base = args[++i];
    }
    QTemporaryDir dir(base + QStringLiteral("/oplensd_bench-XXXXXX"));
    const QString oplog = dir.path() + QStringLiteral("/oplog.jsonl");
    QFile seed(oplog);
    seed.open(QIODevice::WriteOnly);
    seed.write("{\"operationId\":\"a\",\"type\":\"Started\",\"startTime\":1700000000000}\n");
    seed.close();
    const quint16 port = freePort();
    const QJsonObject config{
        {QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(port)},
        {QStringLiteral("oplogs"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("main")}, {QStringLiteral("path"), oplog}}}},
        {QStringLiteral("runAsRoot"), true},
        {QStringLiteral("tokens"), QJsonArray{QJsonObject{
            {QStringLiteral("identity"), QStringLiteral("bench")}, {QStringLiteral("role"), QStringLiteral("viewer")},
            {QStringLiteral("sha256"), QString::fromLatin1(QCryptographicHash::hash(kToken, QCryptographicHash::Sha256).toHex())}}}},
    };
    QFile configFile(dir.path() + QStringLiteral("/oplensd.json"));
    configFile.open(QIODevice::WriteOnly);
    configFile.write(QJsonDocument(config).toJson());
    configFile.close();

    QProcess process;
    process.setReadChannel(QProcess::StandardError);
    process.start(agent, {QStringLiteral("--config"), configFile.fileName()});
    QByteArray err;
    QElapsedTimer startClock;
    startClock.start();
    while (!err.contains("listening on") && startClock.elapsed() < 10000 && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(200);
        err += process.readAllStandardError();
    }
    if (!err.contains("listening on")) {
        std::fprintf(stderr, "oplensd_bench: %s did not start: %s\n", qPrintable(agent), err.constData());
        return 1;
    }
    const qint64 pid = process.processId();
    std::printf("agent %s (pid %lld), RSS at start %lld KiB\n", qPrintable(agent), pid, rssKiB(pid));
    const QByteArray status = rawhttp::requestBytes("GET", "/v1/status", kToken);

    { // kept-alive
        rawhttp::Connection c;
        c.connect(port);
        std::vector<double> ms;
        for (int i = 0; i < rounds; ++i) {
            QElapsedTimer clock;
            clock.start();
            const auto r = c.request(status);
            if (!r || r->status != 200) {
                std::fprintf(stderr, "oplensd_bench: /v1/status failed\n");
                return 1;
            }
            ms.push_back(elapsedMs(clock));
        }
        print("GET /v1/status, one kept-alive connection", figures(ms), ms.size());
    }
    { // a connection each
        std::vector<double> ms;
        for (int i = 0; i < rounds / 4; ++i) {
            QElapsedTimer clock;
            clock.start();
            rawhttp::Connection c;
            c.connect(port);
            const auto r = c.request(status);
            if (r && r->status == 200)
                ms.push_back(elapsedMs(clock));
        }
        print("GET /v1/status, a new connection each", figures(ms), ms.size());
    }
    { // long-poll wake-up
        std::vector<double> ms;
        for (int i = 0; i < 20; ++i) {
            const qint64 size = QFileInfo(oplog).size();
            rawhttp::Connection c;
            c.connect(port);
            c.send(rawhttp::requestBytes("GET", "/v1/oplog?log=main&wait=30&from=" + QByteArray::number(size), kToken));
            QThread::msleep(100 + 37 * (i % 7)); // held by now; appended at varying points of any polling period
            QFile file(oplog);
            file.open(QIODevice::Append);
            QElapsedTimer clock;
            clock.start();
            file.write("{\"operationId\":\"a\",\"type\":\"Queued\",\"startTime\":1700000000001}\n");
            file.close();
            const auto r = c.read(35000);
            if (r && r->status == 200 && !r->body.isEmpty())
                ms.push_back(elapsedMs(clock));
        }
        print("long-poll wake-up after an append", figures(ms), ms.size());
    }
    { // the big-body trial
        const qint64 before = rssKiB(pid);
        std::vector<rawhttp::Connection> connections(4);
        for (rawhttp::Connection &c : connections) {
            c.connect(port);
            c.send("POST /v1/operations/x/restart HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1073741824\r\n\r\n");
        }
        const QByteArray piece(1 << 20, 'x');
        std::vector<qint64> sent(4, 0);
        std::vector<double> answeredAt(4, -1);
        qint64 peak = before;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 3000 && std::count(answeredAt.begin(), answeredAt.end(), -1.0) > 0) {
            for (size_t i = 0; i < connections.size(); ++i) {
                if (answeredAt[i] >= 0)
                    continue;
                if (connections[i].readable())
                    answeredAt[i] = elapsedMs(clock);
                else if (sent[i] < (256 << 20) && connections[i].send(piece, 200))
                    sent[i] += piece.size();
                else if (sent[i] < (256 << 20))
                    answeredAt[i] = elapsedMs(clock); // refused: the agent closed
            }
            peak = std::max(peak, rssKiB(pid));
        }
        QThread::msleep(500);
        peak = std::max(peak, rssKiB(pid));
        qint64 total = 0;
        for (qint64 s : sent)
            total += s;
        double first = -1;
        for (double a : answeredAt)
            if (a >= 0 && (first < 0 || a < first))
                first = a;
        std::printf("big-body trial: 4 x 1 GB announced, %lld MiB sent in all; first answer after %.1f ms%s; "
                    "RSS %lld KiB before, peak %lld KiB (%+lld KiB)\n",
                    total >> 20, first, first < 0 ? " (none in 3 s)" : "", before, peak, peak - before);
        const auto answer = connections[0].read(1000);
        std::printf("  first connection's answer: %s\n", answer ? QByteArray::number(answer->status).constData() : "none");
    }
    process.terminate();
    process.waitForFinished(10000);
    return 0;
}
