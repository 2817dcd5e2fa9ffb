#include "runcommands.h"

#include "agentclient.h"
#include "clicommon.h"
#include "credentials.h"
#include "recovery.h"
#include "runner.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QUrl>
#include <QUuid>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <pwd.h>
#include <unistd.h>

namespace oplens::cli {

namespace {

QString localIdentity()
{
    if (const passwd *pw = ::getpwuid(::getuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return QString::number(::getuid());
}

// Asks on the terminal; without one, only --yes confirms.
bool confirmed(const QString &question, bool yes)
{
    if (yes)
        return true;
    if (!::isatty(STDIN_FILENO)) {
        error(QStringLiteral("not confirmed: pass --yes to restart without a terminal"));
        return false;
    }
    std::fprintf(stderr, "%s [y/N] ", question.toLocal8Bit().constData());
    std::fflush(stderr);
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

int restartLocal(const QString &source, const RestartRequest &request, const QString &actionsPath, bool yes)
{
    QString why;
    const auto catalog = ActionCatalog::load(actionsPath, &why);
    if (!catalog) {
        error(why);
        return Usage;
    }
    Runner runner({source}, 0, QStringLiteral("oplensctl"), *catalog);
    const Dataset &data = runner.data();
    const uint32_t op = data.findOperation(0, request.operationId.toStdString());
    if (op != kNone) {
        const EventStore &s = data.events();
        const std::string_view ranWith = parametersRunWith(data, op); // what the restart runs with
        const QString parameters = QString::fromUtf8(ranWith.data(), qsizetype(ranWith.size()));
        std::fprintf(stderr, "%s %s %s is %s%s\n  parameters: %s\n", qPrintable(s.string(data.module(op))),
                     qPrintable(s.string(data.name(op))), qPrintable(request.operationId),
                     qPrintable(statusName(data.operation(op).status)),
                     data.operation(op).status == Status::Interrupted ? qPrintable(QStringLiteral(": ") + data.interruptionReason(op)) : "",
                     qPrintable(parameters.isEmpty() ? QStringLiteral("none") : parameters));
        std::fprintf(stderr, "  Check why the service restarted or crashed before running it again.\n");
    }
    if (!confirmed(QStringLiteral("Restart it?"), yes))
        return Refused;
    const LaunchResult result = runner.restart(request);
    if (!result.ok()) {
        error(QStringLiteral("restart refused: %1").arg(result.error));
        return Refused;
    }
    std::printf("%s\n", qPrintable(result.operationId));
    std::fflush(stdout);
    // This process is the runner: it stays until the operation ends and records how.
    QEventLoop loop;
    QObject::connect(&runner, &Runner::operationEnded, &loop, [&](const QString &, bool ok, const QString &why, int) {
        std::fprintf(stderr, "oplensctl: %s %s%s\n", qPrintable(result.operationId), ok ? "finished" : "failed",
                     ok ? "" : qPrintable(QStringLiteral(": ") + why));
    });
    QObject::connect(&runner, &Runner::idle, &loop, &QEventLoop::quit);
    if (runner.active() > 0)
        loop.exec();
    return Ok;
}

int restartThroughAgent(const QString &source, const RestartRequest &request, const QCommandLineParser &parser, bool yes,
                        int timeout)
{
    QString why;
    const auto credentials = CommandLineCredentials::fromParser(parser, &why);
    const auto spec = credentials ? commandLineRemote(source, *credentials, &why) : std::nullopt;
    if (!spec) {
        error(why);
        return Usage;
    }
    QNetworkAccessManager network;
    AgentClient agent(*spec, &network);
    agent.setTimeout(timeout); // a server that never answers ends the command with an error, not a hang
    if (const QString refused = agent.refusal(); !refused.isEmpty()) {
        error(refused);
        return Usage;
    }
    if (!confirmed(QStringLiteral("Restart operation %1 on %2?").arg(request.operationId, spec->url.host()), yes))
        return Refused;
    std::optional<RestartAnswer> answer;
    QEventLoop loop;
    agent.restart(request.operationId, request.reason, request.idempotencyKey, &loop, [&](const RestartAnswer &a) {
        answer = a;
        loop.quit();
    });
    if (!answer)
        loop.exec();
    if (answer->launched()) {
        std::printf("%s\n", qPrintable(answer->operationId));
        return Ok;
    }
    if (answer->status == 0) { // no answer: the agent could not be reached
        error(QStringLiteral("%1: %2").arg(spec->name(), answer->error));
        return Unreadable;
    }
    error(QStringLiteral("restart refused: %1").arg(answer->error));
    return Refused;
}

} // namespace

int restartCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("reason"), QStringLiteral("Why it is run again (recorded with the restart). Required."), QStringLiteral("TEXT")},
        {QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation.")},
        {QStringLiteral("actions"), QStringLiteral("The action catalog to run a local oplog's restart with."), QStringLiteral("FILE")},
        {QStringLiteral("token-file"), QStringLiteral("The agent's bearer token (or OPLENS_TOKEN)."), QStringLiteral("FILE")},
        {QStringLiteral("cacert"), QStringLiteral("Trust this CA as well as the system's."), QStringLiteral("FILE")},
        {QStringLiteral("timeout"), QStringLiteral("Give up on an agent that has not answered after this long (default 30)."),
         QStringLiteral("SECONDS")},
    });
    parser.addPositionalArgument(QStringLiteral("OPERATION_ID"), QStringLiteral("The Interrupted, Failed or Aborted operation."));
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("agent+https://host:port, or a local oplog with --actions."));
    if (const int status = parseArguments(parser, args, QStringLiteral("Restart an operation (docs/oplog.md section 4): a new operation "
                                                                       "with the same module, name and parameters. Prints its id.")); status >= 0)
        return status;
    const QStringList positional = parser.positionalArguments().mid(1);
    if (positional.size() != 2) {
        error(QStringLiteral("restart takes OPERATION_ID and one SOURCE (see --help)"));
        return Usage;
    }
    RestartRequest request;
    request.operationId = positional[0];
    request.reason = parser.value(QStringLiteral("reason")).trimmed();
    request.idempotencyKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
    request.identity = localIdentity();
    if (request.reason.isEmpty()) {
        error(QStringLiteral("--reason is required: say why it is run again"));
        return Usage;
    }
    bool timeoutOk = true;
    const int timeout = parser.isSet(QStringLiteral("timeout")) ? parser.value(QStringLiteral("timeout")).toInt(&timeoutOk) : 30;
    if (!timeoutOk || timeout < 1 || timeout > 3600) {
        error(QStringLiteral("--timeout: a number of seconds from 1 to 3600"));
        return Usage;
    }
    const QString source = positional[1];
    const bool yes = parser.isSet(QStringLiteral("yes"));
    if (source.startsWith(QLatin1String("agent+"), Qt::CaseInsensitive))
        return restartThroughAgent(source, request, parser, yes, timeout);
    if (RemoteSpec::isRemote(source)) {
        error(QStringLiteral("%1 is an oplog on a web server, read-only: restart through that server's agent "
                             "(agent+https://host:port)").arg(source));
        return Usage;
    }
    if (!parser.isSet(QStringLiteral("actions"))) {
        error(QStringLiteral("a local oplog needs --actions FILE, the catalog of what may be run"));
        return Usage;
    }
    const QUrl url(source);
    return restartLocal(url.scheme() == QLatin1String("file") ? url.toLocalFile() : source, request,
                        parser.value(QStringLiteral("actions")), yes);
}

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
