#include "ackcommands.h"

#include "agentclient.h"
#include "clicommon.h"
#include "credentials.h"

#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>

#include <cstdio>
#include <optional>

namespace oplens::cli {

namespace {

enum class Verb { Acknowledge, Unacknowledge };

const QString kTimeoutOption = QStringLiteral("timeout");

// The agent of SOURCE, with the token and CA of the command line; nullopt (the message printed) when SOURCE is not
// an agent or the command line lacks what it needs.
std::optional<RemoteSpec> agentOf(const QString &source, const QCommandLineParser &parser, const QString &subcommand)
{
    if (!source.startsWith(QLatin1String("agent+"), Qt::CaseInsensitive)) {
        error(RemoteSpec::isRemote(source)
                  ? QStringLiteral("%1 is an oplog %2, read-only: %3 goes through that server's agent "
                                   "(agent+https://host:port#LOG)").arg(source, readOnlyWhere(source), subcommand)
                  : QStringLiteral("%1 is a local file: its acknowledgements live in the console that made them "
                                   "(Notifications > Acknowledge); %2 works with an agent's oplog (agent+https://host:port#LOG)")
                        .arg(source, subcommand));
        return std::nullopt;
    }
    QString why;
    const auto credentials = CommandLineCredentials::fromParser(parser, &why);
    const auto spec = credentials ? commandLineRemote(source, *credentials, &why) : std::nullopt;
    if (!spec)
        error(why);
    return spec;
}

// Sends the request and waits for its answer: 0 done, 2 no answer, 4 refused by the agent.
int sendAndWait(const RemoteSpec &spec, Verb verb, const QString &operationId, const QString &comment, int timeout)
{
    QNetworkAccessManager network;
    AgentClient agent(spec, &network);
    agent.setTimeout(timeout); // a server that never answers ends the command with an error, not a hang
    if (const QString refused = agent.refusal(); !refused.isEmpty()) {
        error(refused);
        return Usage;
    }
    std::optional<AcknowledgementAnswer> answer;
    QEventLoop loop;
    const auto done = [&](const AcknowledgementAnswer &a) {
        answer = a;
        loop.quit();
    };
    if (verb == Verb::Acknowledge)
        agent.acknowledge(operationId, spec.log, comment, &loop, done);
    else
        agent.unacknowledge(operationId, spec.log, &loop, done);
    if (!answer)
        loop.exec();
    const QString what = verb == Verb::Acknowledge ? QStringLiteral("acknowledge") : QStringLiteral("unacknowledge");
    if (answer->status == 0) { // no answer: the agent could not be reached
        error(QStringLiteral("%1: %2").arg(spec.name(), answer->error));
        return Unreadable;
    }
    if (!answer->ok()) {
        error(QStringLiteral("%1 refused: %2").arg(what, answer->error));
        return Refused;
    }
    if (verb == Verb::Unacknowledge) {
        std::printf("%s unacknowledged on %s\n", qPrintable(operationId), qPrintable(spec.name()));
        return Ok;
    }
    const Acknowledgement ack = answer->acknowledgements.empty() ? Acknowledgement{} : answer->acknowledgements.front();
    const QString at = ack.at > 0 ? QDateTime::fromMSecsSinceEpoch(ack.at, Qt::UTC).toString(Qt::ISODate) : QStringLiteral("?");
    std::printf("%s acknowledged on %s by %s at %s%s\n", qPrintable(operationId), qPrintable(spec.name()),
                qPrintable(ack.by.isEmpty() ? QStringLiteral("?") : ack.by), qPrintable(at),
                qPrintable(ack.comment.isEmpty() ? QString() : QStringLiteral(": ") + ack.comment));
    return Ok;
}

int acknowledgementCommand(const QStringList &args, Verb verb)
{
    const bool acknowledging = verb == Verb::Acknowledge;
    const QString subcommand = acknowledging ? QStringLiteral("acknowledge") : QStringLiteral("unacknowledge");
    QCommandLineParser parser;
    if (acknowledging)
        parser.addOption({QStringLiteral("comment"), QStringLiteral("Why, for whoever looks next (optional; at most 2,000 "
                                                                    "characters)."), QStringLiteral("TEXT")});
    parser.addOptions({
        {QStringLiteral("token-file"), QStringLiteral("The agent's bearer token, role operator (or OPLENS_TOKEN)."), QStringLiteral("FILE")},
        {QStringLiteral("cacert"), QStringLiteral("Trust this CA as well as the system's."), QStringLiteral("FILE")},
        {kTimeoutOption, QStringLiteral("Give up on an agent that has not answered after this long (default 30)."),
         QStringLiteral("SECONDS")},
    });
    parser.addPositionalArgument(QStringLiteral("OPERATION_ID"), QStringLiteral("The operation whose notification it is."));
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("agent+https://host:port#LOG (LOG defaults to main)."));
    const QString description = acknowledging
        ? QStringLiteral("Acknowledge an operation's notification on its agent (docs/agent.md section 9): every console "
                         "following that agent sees who acknowledged it, when and why, and stops listing it.")
        : QStringLiteral("Take back an acknowledgement on the agent: the notification shows again in every console.");
    if (const int status = parseArguments(parser, args, description); status >= 0)
        return status;
    const QStringList positional = parser.positionalArguments().mid(1);
    if (positional.size() != 2 || positional[0].trimmed().isEmpty()) {
        error(QStringLiteral("%1 takes OPERATION_ID and one SOURCE (see --help)").arg(subcommand));
        return Usage;
    }
    bool timeoutOk = true;
    const int timeout = parser.isSet(kTimeoutOption) ? parser.value(kTimeoutOption).toInt(&timeoutOk) : 30;
    if (!timeoutOk || timeout < 1 || timeout > 3600) {
        error(QStringLiteral("--timeout: a number of seconds from 1 to 3600"));
        return Usage;
    }
    const auto spec = agentOf(positional[1], parser, subcommand);
    if (!spec)
        return Usage;
    const QString comment = acknowledging ? parser.value(QStringLiteral("comment")).trimmed() : QString();
    return sendAndWait(*spec, verb, positional[0].trimmed(), comment, timeout);
}

} // namespace

int acknowledgeCommand(const QStringList &args)
{
    return acknowledgementCommand(args, Verb::Acknowledge);
}

int unacknowledgeCommand(const QStringList &args)
{
    return acknowledgementCommand(args, Verb::Unacknowledge);
}

} // namespace oplens::cli
