// oplens_bench: how fast OpLens's engine reads, aggregates, filters and sorts a big oplog, and what an event costs in
// memory. It writes a deterministic JSON Lines oplog of N events (~320 bytes each, fixed-seed RNG) and prints one
// `name: value unit` line per figure: the read floor (read() of 8 MiB chunks + memchr), readOplog into a Dataset and
// Dataset::aggregate() (time, events/s, MB/s), RssAnon growth and EventStore::approximateBytes() per event, filter and
// sort times, small files' load times, oplensctl's whole-process time and peak RSS, and jq's time on the same file.
// Files are read warm (page cache). A program: ctest never runs it.
//
//   oplens_bench [--events N] [--file PATH] [--keep]   N defaults to 2000000; an existing PATH is read as it is, a
//   missing one is written. A generated file is removed at the end unless --keep. Use a Release/RelWithDebInfo build.
#include "bench_restartplan.h"
#include "dataset.h"
#include "oplogreader.h"
#include "sourcereading.h"
#include "viewfilter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <numeric>
#include <optional>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

using namespace oplens;

namespace {

template <typename F>
double timed(F &&f)
{
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print(const char *name, double value, const char *unit, int decimals = 3)
{
    std::printf("%s: %.*f %s\n", name, decimals, value, unit);
    std::fflush(stdout);
}

// Resident anonymous memory of this process, in bytes (0 when /proc is not there).
size_t rssAnon()
{
    size_t kb = 0;
    if (FILE *f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f) && std::sscanf(line, "RssAnon: %zu kB", &kb) != 1) {}
        std::fclose(f);
    }
    return kb * 1024;
}

// Writes `count` events: operations of four kinds interleaved, as many run at once; a few ServiceStarted events.
bool generate(const QString &path, uint64_t count)
{
    FILE *out = std::fopen(QFile::encodeName(path).constData(), "wb");
    if (!out)
        return false;
    std::mt19937_64 rng(20240521);
    const auto below = [&](uint64_t n) { return rng() % n; };
    struct Kind { const char *module, *name; unsigned weight; };
    static const Kind kinds[] = {{"ZxBackup", "SmartScan", 35}, {"ZxPowerstore", "MoveBlobs", 30},
                                 {"ZxAdmin", "DoMonthlyReportOperation", 15}, {"ZxBackup", "RestoreOnNewAccount", 20}};
    static const char *hosts[] = {"mail1.example.com", "mail2.example.com", "mbox3.example.com"};
    // An event is head + type + startTime + middle + humanStartTime + tail; `next` is 0 Queued, 1 Started, 2 the end.
    struct Op { std::string head, middle, tail; int host, next; bool fails, abandoned; };
    std::vector<Op> active;
    std::string buffer;
    int64_t now = 1700000000000; // 2023-11-14
    char text[160];

    const auto human = [&](int64_t ms) {
        const time_t seconds = time_t(ms / 1000);
        tm t{};
        gmtime_r(&seconds, &t);
        std::snprintf(text, sizeof text, "%02d/%02d/%04d %02d:%02d:%02d", t.tm_mday, t.tm_mon + 1,
                      t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
        return std::string(text);
    };
    const auto uuid = [&] {
        const uint64_t hi = (rng() & ~0xF000ULL) | 0x4000ULL;               // version 4
        const uint64_t lo = (rng() & ~(3ULL << 62)) | (2ULL << 62);         // variant 10xx
        std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
                      (unsigned long long)(hi >> 16 & 0xFFFF), (unsigned long long)(hi & 0xFFFF),
                      (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xFFFFFFFFFFFFULL));
        return std::string(text);
    };
    const auto newOperation = [&] {
        unsigned pick = unsigned(below(100)), k = 0;
        while (pick >= kinds[k].weight)
            pick -= kinds[k++].weight;
        const int extra = 1 + int(below(3));
        const bool cron = k < 3 && below(10) < 7;
        const char *origin = cron ? "Cron" : (below(4) == 0 ? "CLI" : "Admin");
        const char *user = cron || origin[0] == 'C' ? "zimbra" : (below(2) ? "admin@example.com" : "ops@example.com");
        std::string params = std::string("{\"origin\":\"") + origin + '"';
        const auto add = [&](const char *format, auto value) {
            std::snprintf(text, sizeof text, format, value);
            params += text;
        };
        for (int i = 0; i < extra; ++i) {
            switch (k * 3 + unsigned(i)) {
            case 0: add(",\"fullScan\":%s", below(5) ? "false" : "true"); break;
            case 1: add(",\"notifications\":\"%s\"", below(2) ? "errors" : "all"); break;
            case 2: add(",\"retentionDays\":%d", 30 * (1 + int(below(3)))); break;
            case 3: add(",\"volume\":\"vol-%02d\"", int(below(16))); break;
            case 4: add(",\"policy\":\"hsm-age-%d\"", 30 * (1 + int(below(6)))); break;
            case 5: add(",\"maxMb\":%d", 1024 * (1 + int(below(64)))); break;
            case 6: add(",\"month\":\"2023-%02d\"", 1 + int(below(12))); break;
            case 7: add(",\"recipients\":\"%s\"", "admin@example.com"); break;
            case 8: add(",\"format\":\"%s\"", below(2) ? "html" : "pdf"); break;
            case 9: add(",\"sourceAccount\":\"user%04d@example.com\"", int(below(2000))); break;
            case 10: add(",\"destinationAccount\":\"restore%04d@example.com\"", int(below(2000))); break;
            default: add(",\"dateTime\":\"2023-11-%02dT03:00:00Z\"", 1 + int(below(13))); break;
            }
        }
        params += '}';
        Op op;
        op.head = std::string("{\"module\":\"") + kinds[k].module + "\",\"name\":\"" + kinds[k].name
            + "\",\"operationId\":\"" + uuid() + "\",\"type\":\"";
        op.middle = std::string(",\"OpStartTime\":") + std::to_string(now) + ",\"requestedBy\":\"" + user + '"';
        op.host = int(below(3));
        op.tail = ",\"parameters\":" + params + ",\"host\":\"" + hosts[op.host] + "\"}\n";
        op.next = int(below(2));         // half are queued first
        op.fails = below(100) < 8;
        op.abandoned = below(100) < 1;   // left Running
        return op;
    };
    const auto emit = [&](const Op &op, const char *type) {
        buffer.append(op.head).append(type).append("\",\"startTime\":").append(std::to_string(now)).append(op.middle);
        buffer.append(",\"humanStartTime\":\"").append(human(now)).append("\"").append(op.tail);
    };

    for (uint64_t written = 0; written < count; ++written) {
        now += 1 + int64_t(below(400));
        if (written % (count / 20 + 1) == count / 40) { // a restart: what runs on that host is left unfinished
            const int host = int(written / (count / 20 + 1) % 3);
            buffer += "{\"module\":\"ZxCore\",\"name\":\"Service\",\"type\":\"ServiceStarted\",\"startTime\":"
                + std::to_string(now) + ",\"humanStartTime\":\"" + human(now) + "\",\"host\":\"" + hosts[host]
                + "\"}\n";
            std::erase_if(active, [&](const Op &op) { return op.host == host; });
        } else if (active.size() < 8 || (active.size() < 200 && below(10) < 4)) {
            active.push_back(newOperation());
            Op &op = active.back();
            emit(op, op.next == 0 ? "Queued" : "Started");
            if (++op.next == 2 && op.abandoned)
                active.pop_back();
        } else {
            const size_t i = size_t(below(active.size()));
            Op &op = active[i];
            emit(op, op.next == 1 ? "Started" : (op.fails ? "Failed" : "Finished"));
            if (op.next++ == 2 || (op.next == 2 && op.abandoned)) {
                std::swap(op, active.back());
                active.pop_back();
            }
        }
        if (buffer.size() >= (size_t(8) << 20)) {
            std::fwrite(buffer.data(), 1, buffer.size(), out);
            buffer.clear();
        }
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out);
    return std::fclose(out) == 0;
}

// `count` events as a followed log brings them after the loaded ones: the next event of open operations (Started),
// the end of others (Finished, Failed: their parameters have Finished runs), new operations with the parameters of
// existing ones.
QByteArray followedEvents(const Dataset &data, int count, int round)
{
    const EventStore &store = data.events();
    std::vector<uint32_t> open;
    for (uint32_t op = 0; op < data.operationCount(); ++op)
        if (data.exists(op) && isActive(data.operation(op).status))
            open.push_back(op);
    int64_t time = store.time(EventStore::Row(store.size() - 1));
    QByteArray out;
    size_t next = size_t(round) * size_t(count);
    for (int i = 0; i < count; ++i) {
        const uint32_t op = open[next++ % open.size()];
        const EventStore::Row first = data.operation(op).firstRow;
        static const char *const types[] = {"Queued", "Started", "Started", "Finished", "Failed"};
        const char *type = types[i % 5];
        std::string id = store.ids().text(op);
        if (i % 5 < 2) { // a new operation: another id
            char fresh[40];
            std::snprintf(fresh, sizeof fresh, "00000000-0000-4000-8000-%04d%08d", round, i);
            id = fresh;
        }
        time += 1 + i % 300;
        out += "{\"module\":\"" + QByteArray::fromStdString(std::string(store.strings().view(store.module(first))))
            + "\",\"name\":\"" + QByteArray::fromStdString(std::string(store.strings().view(store.name(first))))
            + "\",\"operationId\":\"" + QByteArray::fromStdString(id) + "\",\"type\":\"" + type
            + "\",\"startTime\":" + QByteArray::number(time) + ",\"requestedBy\":\"zimbra\",\"parameters\":"
            + QByteArray::fromStdString(std::string(store.parameters(first))) + ",\"host\":\""
            + QByteArray::fromStdString(std::string(store.strings().view(store.host(first)))) + "\"}\n";
    }
    return out;
}

// Milliseconds of Dataset::appendBatch() of `events` (parsed first, as the follow path does in a worker).
double appendMs(Dataset &data, const QByteArray &events)
{
    Dataset batch;
    batch.addSource(QStringLiteral("follow"));
    OplogParser parser(batch.events(), 0, Container::Lines, data.rowCount(0) + 1);
    parser.push(events.constData(), size_t(events.size()));
    parser.finish();
    return timed([&] { data.appendBatch(std::move(batch), 0); }) * 1e3;
}

// The byte offset of the first line that starts at or after the middle of the file.
uint64_t middleLine(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(file.size() / 2))
        return 0;
    file.readLine();
    return uint64_t(file.pos());
}


// Best of 20: readSources() of one small file into a new Dataset, aggregate included (what opening it costs); -1
// when it reads no event.
double smallFileMs(const QString &path)
{
    double best = 1e9;
    for (int run = 0; run < 20; ++run) {
        Dataset small;
        std::vector<SourceRead> reads(1);
        reads[0].name = reads[0].path = path;
        best = std::min(best, timed([&] { readSources(reads, small); }));
        if (small.events().empty() || small.operationCount() == 0)
            return -1;
    }
    return best * 1e3;
}

// The whole process `oplensctl get-unfinished-operation-log FILE`, output to /dev/null (no shell): wall time in
// seconds and peak RSS in MB; nullopt when it could not run or failed.
std::optional<std::pair<double, double>> oplensctlUnfinished(const QString &path)
{
    const QByteArray file = QFile::encodeName(path);
    char program[] = OPLENSCTL, command[] = "get-unfinished-operation-log";
    char *argv[] = {program, command, const_cast<char *>(file.constData()), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    int status = 0;
    rusage usage{};
    const auto start = std::chrono::steady_clock::now();
    const int spawned = posix_spawn(&pid, program, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0 || wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return std::nullopt;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::pair(seconds, double(usage.ru_maxrss) * 1024 / 1e6); // ru_maxrss is in KiB
}

// The floor: the bytes and their line ends, nothing parsed.
void printReadFloor(const QString &path, double mb)
{
    uint64_t lines = 0;
    const double floor = timed([&] {
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
        std::vector<char> chunk(size_t(8) << 20);
        ssize_t n;
        while (fd >= 0 && (n = ::read(fd, chunk.data(), chunk.size())) > 0) {
            const char *p = chunk.data(), *end = p + n;
            for (; (p = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)))); ++p)
                ++lines;
        }
        if (fd >= 0)
            ::close(fd);
    });
    print("lines", double(lines), "lines", 0);
    print("read floor", floor, "s");
    print("read floor throughput", mb / floor, "MB/s", 0);
}

// Every filter over the whole dataset; the operations of the unfiltered Operations table.
std::vector<uint32_t> printFilters(const Dataset &data, int64_t now)
{
    const double n = double(data.events().size());
    const auto filterEventsBy = [&](const char *name, const ViewFilter &filter) {
        std::vector<uint32_t> rows;
        const double t = timed([&] { rows = filterEvents(data, filter, now); });
        print(name, t * 1e3, "ms", 1);
        print((std::string(name) + " matches").c_str(), 100.0 * double(rows.size()) / n, "% of events", 2);
    };
    ViewFilter text, module, unfinished;
    text.text = QStringLiteral("user00");
    module.modules = QStringList{QStringLiteral("ZxPowerstore")};
    unfinished.statuses = StatusUnfinished;
    filterEventsBy("filter text \"user00\"", text);
    filterEventsBy("filter module ZxPowerstore", module);
    filterEventsBy("filter status Unfinished", unfinished);
    std::vector<uint32_t> ops;
    print("filterOperations no filter", timed([&] { ops = filterOperations(data, ViewFilter(), now); }) * 1e3, "ms", 1);

    return ops;
}

void printSorts(const Dataset &data, std::vector<uint32_t> ops, int64_t now)
{
    std::vector<uint32_t> all(data.events().size());
    std::iota(all.begin(), all.end(), 0u);
    std::vector<uint32_t> rows = all;
    print("sortEvents Time descending", timed([&] { sortEvents(data, rows, EventColumn::Time, true); }) * 1e3, "ms", 1);
    rows = all;
    print("sortEvents Module", timed([&] { sortEvents(data, rows, EventColumn::Module, false); }) * 1e3, "ms", 1);
    const std::vector<uint32_t> allOps = ops;
    const double sortOps = timed([&] { sortOperations(data, ops, OperationColumn::Duration, true, now); });
    print("sortOperations Duration", sortOps * 1e3, "ms", 1);
    // Every other column of both tables, ascending, from the filters' order (rows and operations ascending).
    const std::pair<EventColumn, const char *> eventColumns[] = {
        {EventColumn::Type, "Type"}, {EventColumn::Host, "Host"}, {EventColumn::Name, "Name"},
        {EventColumn::OperationId, "OperationId"}, {EventColumn::RequestedBy, "RequestedBy"},
        {EventColumn::Parameters, "Parameters"}, {EventColumn::Source, "Source"}};
    for (const auto &[column, name] : eventColumns) {
        rows = all;
        const double t = timed([&] { sortEvents(data, rows, column, false); });
        print((std::string("sortEvents ") + name).c_str(), t * 1e3, "ms", 1);
    }
    const std::pair<OperationColumn, const char *> operationColumns[] = {
        {OperationColumn::Status, "Status"}, {OperationColumn::Started, "Started"}, {OperationColumn::Ended, "Ended"},
        {OperationColumn::Host, "Host"}, {OperationColumn::Module, "Module"}, {OperationColumn::Name, "Name"},
        {OperationColumn::RequestedBy, "RequestedBy"}, {OperationColumn::Origin, "Origin"},
        {OperationColumn::OperationId, "OperationId"}, {OperationColumn::Source, "Source"},
        {OperationColumn::Events, "Events"}, {OperationColumn::Parameters, "Parameters"}};
    for (const auto &[column, name] : operationColumns) {
        ops = allOps;
        const double t = timed([&] { sortOperations(data, ops, column, false, now); });
        print((std::string("sortOperations ") + name).c_str(), t * 1e3, "ms", 1);
    }

}

void printFollowing(Dataset &data, const QString &path)
{
    // Following: 1,000 events appended to the loaded dataset as the console's follow path does (store, operations,
    // Stale limits, Superseded). The first append after the load, then the median of four more.
    print("append 1000 events", appendMs(data, followedEvents(data, 1000, 0)), "ms", 2);
    std::vector<double> again;
    for (int round = 1; round <= 4; ++round)
        again.push_back(appendMs(data, followedEvents(data, 1000, round)));
    std::sort(again.begin(), again.end());
    print("append 1000 events again", (again[1] + again[2]) / 2, "ms", 2);
    // The parallel reader's serial step: the second half of the file, parsed into a store of its own, appended to the
    // store as a new source (its operations new to it), per million rows.
    ReadRequest half;
    half.path = path;
    half.offset = middleLine(path);
    EventStore piece;
    readOplog(half, piece, 0);
    const double pieceRows = double(piece.size());
    const uint16_t second = data.addSource(QStringLiteral("bench second half"));
    const double concatenate = timed([&] { data.events().appendBatch(std::move(piece), second); });
    print("concatenate 1M rows", concatenate * 1e3 * 1e6 / pieceRows, "ms", 1);

}

void printSmallFiles()
{
    // Nothing slower for small files: the 16-event seed sample and a file of 100 events.
    print("small file seed", smallFileMs(QStringLiteral(SEED_EXAMPLE)), "ms", 2);
    const QString hundred = QDir::temp().filePath(QStringLiteral("oplens-bench-100-%1.jsonl").arg(getpid()));
    if (generate(hundred, 100))
        print("small file 100 events", smallFileMs(hundred), "ms", 2);
    QFile::remove(hundred);
}

void printJq(const QString &path)
{
    if (QStandardPaths::findExecutable(QStringLiteral("jq")).isEmpty()) {
        std::printf("jq: not installed\n");
    } else {
        QProcess jq;
        jq.setStandardOutputFile(QProcess::nullDevice());
        const double t = timed([&] {
            jq.start(QStringLiteral("jq"), {QStringLiteral("-c"), QStringLiteral("select(.type==\"Failed\")"), path});
            jq.waitForFinished(-1);
        });
        if (jq.exitStatus() == QProcess::NormalExit && jq.exitCode() == 0)
            print("jq select Failed", t, "s");
        else
            std::printf("jq: failed (%s)\n", qPrintable(jq.errorString()));
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({QStringLiteral("events"), QStringLiteral("Events to generate."), QStringLiteral("N"),
                   QStringLiteral("2000000")});
    cli.addOption({QStringLiteral("file"), QStringLiteral("Oplog to read, written if absent."), QStringLiteral("F")});
    cli.addOption({QStringLiteral("keep"), QStringLiteral("Keep the generated file.")});
    cli.process(app);
    const uint64_t events = cli.value(QStringLiteral("events")).toULongLong();
    const QString path = cli.isSet(QStringLiteral("file"))
        ? cli.value(QStringLiteral("file"))
        : QDir::temp().filePath(QStringLiteral("oplens-bench-%1-%2.jsonl").arg(events).arg(getpid()));
    const bool generated = !QFile::exists(path);
    const auto removeGenerated = qScopeGuard([&] {
        if (generated && !cli.isSet(QStringLiteral("keep")))
            QFile::remove(path);
    });
    if (generated) {
        bool written = false;
        print("generate", timed([&] { written = events > 0 && generate(path, events); }), "s");
        if (!written) {
            std::fprintf(stderr, "cannot write %d events to %s\n", int(events), qPrintable(path));
            return 1;
        }
    }
    const double mb = double(QFileInfo(path).size()) / 1e6;
    print("file size", mb, "MB", 1);

    printReadFloor(path, mb);
    // Measured here (the file warm, nothing loaded yet), printed below: a child's peak RSS counts the memory of the
    // process it was spawned from (the kernel keeps the larger of the two at exec), which is small only now.
    const auto ctl = oplensctlUnfinished(path);

    Dataset data;
    const uint16_t source = data.addSource(QStringLiteral("bench"));
    const size_t rssBefore = rssAnon();
    ReadRequest request;
    request.path = path;
    ReadResult result;
    const double load = timed([&] { result = readOplog(request, data.events(), source); });
    const size_t rssLoaded = rssAnon();
    const double aggregate = timed([&] { data.aggregate(); });
    const size_t rssAggregated = rssAnon();
    if (!result.ok() || !result.problems.empty()) {
        std::fprintf(stderr, "read: %s, %zu problems\n", qPrintable(result.error), result.problems.size());
        return 1;
    }
    const double n = double(data.events().size());
    print("events", n, "events", 0);
    print("operations", double(data.operationCount()), "operations", 0);
    print("event size", mb * 1e6 / n, "bytes/event", 1);
    const auto rates = [&](const std::string &name, double s) {
        print(name.c_str(), s, "s");
        print((name + " speed").c_str(), n / s / 1e6, "M events/s", 2);
        print((name + " throughput").c_str(), mb / s, "MB/s", 0);
    };
    rates("load", load);
    rates("aggregate", aggregate);
    rates("load+aggregate", load + aggregate);
    print("RssAnon growth after load", double(rssLoaded - rssBefore) / n, "bytes/event", 1);
    print("RssAnon growth after aggregate", double(rssAggregated - rssBefore) / n, "bytes/event", 1);
    print("store approximateBytes", double(data.events().approximateBytes()) / n, "bytes/event", 1);
    for (const auto &[part, bytes] : data.memoryParts())
        print((std::string("store ") + part).c_str(), double(bytes) / n, "bytes/event", 1);

    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    printSorts(data, printFilters(data, now), now);
    printRestartPlan(data);
    printFollowing(data, path);
    printSmallFiles();
    if (ctl)
        std::printf("oplensctl unfinished: %.3f s, %.0f MB\n", ctl->first, ctl->second);
    else
        std::printf("oplensctl unfinished: failed\n");
    std::fflush(stdout);

    printJq(path);
    return 0;
}
