// oplensd: the agent on each server (docs/agent.md). Serves the server's oplogs, runs restarts from a whitelist, records
// what it runs, and at start records as Interrupted what it was running when it died.
#include "acknowledgementstore.h"
#include "agentconfig.h"
#include "agentserver.h"
#include "alerter.h"
#include "auditlog.h"
#include "eventformat.h"
#include "oplogfollower.h"
#include "oplogwriter.h"
#include "recovery.h"
#include "runner.h"
#include "servicestart.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHostInfo>
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

// Recovery before any request: what this agent ran when it died is recorded as Interrupted, then the agent's start
// marker is appended. Returns the ids recovered.
QStringList recoverRunnerOplog(const QString &oplog)
{
    const oplens::RecoveryResult recovered = oplens::recoverOplog(oplog, QStringLiteral("oplensd"));
    if (!recovered.error.isEmpty())
        die(QStringLiteral("recovery: %1").arg(recovered.error));
    QStringList ids;
    for (const oplens::Recovered &r : recovered.interrupted) {
        ids << r.operationId;
        std::fprintf(stderr, "oplensd: recovered %s (%s %s) as Interrupted: %s\n", qPrintable(r.operationId),
                     qPrintable(r.module), qPrintable(r.name), qPrintable(r.reason));
    }
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    nlohmann::ordered_json started{{"module", "oplensd"}, {"name", "ServiceStarted"}, {"startTime", now},
                                   {"humanStartTime", oplens::humanTime(now, QTimeZone::systemTimeZone()).toStdString()},
                                   {"type", "ServiceStarted"}, {"host", QHostInfo::localHostName().toStdString()},
                                   {"runner", "oplensd"}};
    if (const QString written = oplens::appendOplogLine(oplog, started.dump()); !written.isEmpty())
        die(written);
    return ids;
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

    QStringList paths;
    for (const auto &log : config->oplogs)
        paths << log.path;
    const auto oplogs = std::make_shared<oplens::OplogFollower>(paths);
    std::unique_ptr<oplens::Runner> runner;
    QStringList recoveredIds; // alerted even on the first start with alerts (docs/agent.md section 7)
    if (config->runnerOplog >= 0) {
        recoveredIds = recoverRunnerOplog(config->runnerOplogPath());
        runner = std::make_unique<oplens::Runner>(oplogs, config->runnerOplog, QStringLiteral("oplensd"), config->actions);
        runner->setMinFreeBytes(config->minFreeBytes);
    }

    oplens::agent::AuditLog audit(config->auditLog, config->auditMaxBytes);
    oplens::agent::AcknowledgementStore acknowledgements(config->acknowledgements);
    if (const QString unreadable = acknowledgements.load(); !unreadable.isEmpty())
        die(QStringLiteral("acknowledgements: %1").arg(unreadable));
    if (acknowledgements.skippedLines() > 0)
        std::fprintf(stderr, "oplensd: %s: %d lines could not be read and were skipped\n",
                     qPrintable(config->acknowledgements), acknowledgements.skippedLines());
    oplogs->refresh();
    oplens::agent::AgentServer server(*config, {oplogs, runner.get(), &acknowledgements, &audit});
    oplens::agent::ServiceStartWatcher serviceStart(config->startedAtCommand);
    QObject::connect(&serviceStart, &oplens::agent::ServiceStartWatcher::startedAt, &app, [&](qint64 startedAt) {
        server.setServiceStartedAt(startedAt);
        oplogs->setServiceStartedAt(startedAt);
    });
    serviceStart.start();
    serviceStart.waitForFirst(5000); // the first /v1/status already knows it; later queries never hold a request

    oplens::agent::Alerter alerter(*config, oplogs, &audit, [&acknowledgements](const QString &log, const QString &id) {
        return acknowledgements.isAcknowledged(log, id);
    });
    if (const QString cannot = alerter.start(recoveredIds); !cannot.isEmpty())
        die(cannot);
    server.setAlerter(&alerter);
    server.setAlertCounts([&alerter] { return alerter.deliveryCounts(); });

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
