#include "runcommands.h"

#include "clicommon.h"
#include "recovery.h"
#include "runner.h"

#include <QEventLoop>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace oplens::cli {

int runCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("module"), QStringLiteral("The operation's module. Required."), QStringLiteral("M")},
        {QStringLiteral("name"), QStringLiteral("The operation's name. Required."), QStringLiteral("N")},
        {QStringLiteral("param"), QStringLiteral("A parameter to record (repeatable)."), QStringLiteral("KEY=VALUE")},
        {QStringLiteral("oplog"), QStringLiteral("The oplog to record it in. Required."), QStringLiteral("FILE")},
    });
    parser.addPositionalArgument(QStringLiteral("--"), QStringLiteral("Then the command and its arguments, run without a shell."),
                                 QStringLiteral("-- COMMAND [ARG]..."));
    if (const int status = parseArguments(parser, args, QStringLiteral("Run COMMAND as a recorded operation: Started, then "
                                                                       "Finished or Failed with its exit code. Exits with its status.")); status >= 0)
        return status;
    const QStringList command = parser.positionalArguments().mid(1);
    for (const char *required : {"module", "name", "oplog"}) {
        if (parser.value(QLatin1String(required)).isEmpty()) {
            error(QStringLiteral("--%1 is required (see --help)").arg(QLatin1String(required)));
            return Usage;
        }
    }
    if (command.isEmpty()) {
        error(QStringLiteral("no COMMAND after -- (see --help)"));
        return Usage;
    }
    nlohmann::ordered_json parameters{{"origin", "CLI"}};
    for (const QString &param : parser.values(QStringLiteral("param"))) {
        const int equals = param.indexOf(QLatin1Char('='));
        if (equals <= 0) {
            error(QStringLiteral("--param %1: expected KEY=VALUE").arg(param));
            return Usage;
        }
        parameters[param.left(equals).toStdString()] = param.mid(equals + 1).toStdString();
    }
    Runner recorder({parser.value(QStringLiteral("oplog"))}, 0, QStringLiteral("oplensctl"), ActionCatalog());
    int exitStatus = 0;
    QEventLoop loop;
    QObject::connect(&recorder, &Runner::operationEnded, &loop, [&](const QString &id, bool ok, const QString &why, int exitCode) {
        if (!ok) {
            std::fprintf(stderr, "oplensctl: %s failed: %s\n", qPrintable(id), qPrintable(why));
            exitStatus = exitCode > 0 ? exitCode : 1; // the command's own status, or 1 when it has none
        }
    });
    QObject::connect(&recorder, &Runner::idle, &loop, &QEventLoop::quit);
    const LaunchResult result = recorder.run(parser.value(QStringLiteral("module")), parser.value(QStringLiteral("name")),
                                             parameters.dump(), command, localIdentity());
    if (!result.ok()) {
        error(result.error);
        return Unreadable;
    }
    std::fprintf(stderr, "oplensctl: operation %s\n", qPrintable(result.operationId));
    if (recorder.active() > 0)
        loop.exec();
    return exitStatus;
}

int recoverCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("oplog"), QStringLiteral("The oplog to recover. Required."), QStringLiteral("FILE")});
    if (const int status = parseArguments(parser, args, QStringLiteral("Record as Interrupted the operations of FILE whose runner "
                                                                       "is gone (docs/agent.md section 5), and print them.")); status >= 0)
        return status;
    if (parser.value(QStringLiteral("oplog")).isEmpty()) {
        error(QStringLiteral("--oplog FILE is required"));
        return Usage;
    }
    const RecoveryResult result = recoverOplog(parser.value(QStringLiteral("oplog")), QStringLiteral("oplensctl"));
    for (const Recovered &r : result.interrupted)
        std::printf("%s  %s %s: %s\n", qPrintable(r.operationId), qPrintable(r.module), qPrintable(r.name), qPrintable(r.reason));
    if (!result.error.isEmpty()) {
        error(result.error);
        return Unreadable;
    }
    if (result.interrupted.isEmpty())
        std::fprintf(stderr, "oplensctl: nothing was interrupted\n");
    return Ok;
}

} // namespace oplens::cli
