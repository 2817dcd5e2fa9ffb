// oplensd: the agent on each server (docs/agent.md). Serves the server's oplogs, runs restarts from a whitelist, records
// what it runs, and at start records as Interrupted what it was running when it died.
#include "agentconfig.h"
#include "agentserver.h"
#include "eventformat.h"
#include "oplogwriter.h"
#include "recovery.h"
#include "runner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHostInfo>
#include <QProcess>
#include <QSocketNotifier>
#include <QTimeZone>
#include <QTimer>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(signalPipe[1], &byte, 1);
}

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "oplensd: %s\n", qPrintable(message));
    std::exit(1);
}

// `systemctl show -P ActiveEnterTimestamp` prints "Thu 2026-11-26 04:00:00 UTC"; epoch seconds or ms work too.
std::optional<int64_t> parseStartedAt(QString text)
{
    text = text.trimmed();
    bool isNumber = false;
    const qint64 number = text.toLongLong(&isNumber);
    if (isNumber && number > 0)
        return number < 100'000'000'000LL ? number * 1000 : number;
    QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!when.isValid()) {
        const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.size() >= 3) {
            when = QDateTime::fromString(parts[1] + QLatin1Char(' ') + parts[2], QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            if (parts.size() >= 4 && (parts[3] == QLatin1String("UTC") || parts[3] == QLatin1String("GMT")))
                when.setTimeZone(QTimeZone::utc());
        }
    }
    return when.isValid() ? std::optional<int64_t>(when.toMSecsSinceEpoch()) : std::nullopt;
}

std::optional<int64_t> askServiceStartedAt(const QStringList &command)
{
    if (command.isEmpty())
        return std::nullopt;
    QProcess process;
    process.start(command.first(), command.mid(1), QIODevice::ReadOnly);
    if (!process.waitForFinished(5000) || process.exitCode() != 0) {
        process.kill();
        return std::nullopt;
    }
    return parseStartedAt(QString::fromUtf8(process.readAllStandardOutput()));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("oplensd"));
    const QStringList args = app.arguments();
    const int configAt = int(args.indexOf(QStringLiteral("--config")));
    if (args.contains(QStringLiteral("--help")) || configAt < 0 || configAt + 1 >= args.size()) {
        std::fprintf(args.contains(QStringLiteral("--help")) ? stdout : stderr,
                     "Usage: oplensd --config FILE\n\nThe OpLens agent: serves this server's oplogs over HTTP(S), runs "
                     "restarts from the\nconfigured whitelist of actions, and records them (docs/agent.md).\n");
        return args.contains(QStringLiteral("--help")) ? 0 : 1;
    }
    QString error;
    auto config = oplens::agent::loadConfig(args[configAt + 1], &error);
    if (!config)
        die(QStringLiteral("config: %1").arg(error));
    if (::geteuid() == 0 && !config->runAsRoot)
        die(QStringLiteral("refusing to run as root: run as a dedicated user (or set \"runAsRoot\": true in the config)"));

    // Recovery before any request: what this agent ran when it died is recorded as Interrupted.
    std::unique_ptr<oplens::Runner> runner;
    if (config->runnerOplog >= 0) {
        const QString oplog = config->runnerOplogPath();
        const oplens::RecoveryResult recovered = oplens::recoverOplog(oplog, QStringLiteral("oplensd"));
        if (!recovered.error.isEmpty())
            die(QStringLiteral("recovery: %1").arg(recovered.error));
        for (const oplens::Recovered &r : recovered.interrupted)
            std::fprintf(stderr, "oplensd: recovered %s (%s %s) as Interrupted: %s\n", qPrintable(r.operationId),
                         qPrintable(r.module), qPrintable(r.name), qPrintable(r.reason));
        const int64_t now = QDateTime::currentMSecsSinceEpoch();
        nlohmann::ordered_json started{{"module", "oplensd"}, {"name", "ServiceStarted"}, {"startTime", now},
                                       {"humanStartTime", oplens::humanTime(now, QTimeZone::systemTimeZone()).toStdString()},
                                       {"type", "ServiceStarted"}, {"host", QHostInfo::localHostName().toStdString()},
                                       {"runner", "oplensd"}};
        if (const QString written = oplens::appendOplogLine(oplog, started.dump()); !written.isEmpty())
            die(written);
        QStringList paths;
        for (const auto &log : config->oplogs)
            paths << log.path;
        runner = std::make_unique<oplens::Runner>(paths, config->runnerOplog, QStringLiteral("oplensd"), config->actions);
    }

    oplens::agent::AgentServer server(*config, runner.get());
    const auto refreshServiceStart = [&] {
        if (const auto startedAt = askServiceStartedAt(config->startedAtCommand)) {
            server.setServiceStartedAt(*startedAt);
            if (runner)
                runner->setServiceStartedAt(*startedAt);
        }
    };
    refreshServiceStart();
    QTimer serviceTimer;
    QObject::connect(&serviceTimer, &QTimer::timeout, &app, refreshServiceStart);
    if (!config->startedAtCommand.isEmpty())
        serviceTimer.start(60 * 1000);

    if (const QString listening = server.listen(); !listening.isEmpty())
        die(listening);

    // SIGTERM and SIGINT: end what runs, record it Interrupted ("agent stopped"), then exit.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        die(QStringLiteral("cannot set up signal handling"));
    QSocketNotifier notifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        notifier.setEnabled(false);
        if (runner)
            runner->stop(QStringLiteral("agent stopped"));
        app.quit();
    });
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    std::fprintf(stderr, "oplensd: listening on %s:%u (%s)\n", qPrintable(config->address.toString()), config->port,
                 config->tls() ? "https" : "http");
    return app.exec();
}
