// `oplensctl restart ID... SOURCE...` and `--all-interrupted`: the arguments, the sources, the plan and its
// confirmation; restartrun.cpp runs it.
#include "restartcommand.h"

#include "agentclient.h"
#include "clicommon.h"
#include "networkerror.h"
#include "restartrun.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

#include <cmath>
#include <cstdio>
#include <set>
#include <unistd.h>

namespace oplens::cli {

namespace {

const char *const kFilters[] = {"module", "name", "since", "until", "grep"};

struct RestartSettings {
    QStringList ids;
    QStringList sourceArguments;
    bool allInterrupted = false;
    bool yes = false;
    QString actionsPath;
    RestartRunOptions run;
};

void addRestartOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("reason"), QStringLiteral("Why they are run again (recorded with each restart). Required."), QStringLiteral("TEXT")},
        {QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation.")},
        {QStringLiteral("all-interrupted"),
         QStringLiteral("Instead of IDs: every Interrupted operation of the SOURCEs (not restarted, not superseded) that "
                        "passes the filters.")},
        {QStringLiteral("max-parallel"), QStringLiteral("At most N launched and not ended per server (default 1)."), QStringLiteral("N")},
        {QStringLiteral("stagger"), QStringLiteral("At least this long between two starts on one server (default 0)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("stop-on-failure"), QStringLiteral("Once a restart fails, start no more.")},
        {QStringLiteral("wait"), QStringLiteral("Return once every launched restart ended, with its end (else once all are launched).")},
        {QStringLiteral("actions"), QStringLiteral("The action catalog to run a local oplog's restarts with."), QStringLiteral("FILE")},
        {QStringLiteral("timeout"), QStringLiteral("Give up on an agent that has not answered after this long (default 30)."),
         QStringLiteral("SECONDS")},
    });
    addFilterOptions(parser, false);
    addSourceOptions(parser);
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Interrupted, Failed or Aborted operations (first)."),
                                 QStringLiteral("[ID...]"));
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("agent+https://host:port#LOG (any number), a local oplog with --actions, or "
                                                "http(s):// and ssh:// oplogs (read-only: their operations are refused). The first "
                                                "argument with ://, a /, or naming a file, and the last, start the SOURCEs."),
                                 QStringLiteral("SOURCE..."));
}

// IDs come first. The SOURCEs start at the first argument that has "://" or a "/", is "-", or names an existing file;
// the last argument is always a SOURCE, unless a workspace gives them.
void splitArguments(const QStringList &positional, bool workspace, QStringList *ids, QStringList *sources)
{
    qsizetype first = workspace ? positional.size() : std::max<qsizetype>(0, positional.size() - 1);
    for (qsizetype i = 0; i < positional.size(); ++i) {
        const QString &a = positional[i];
        if (a.contains(QLatin1String("://")) || a.contains(QLatin1Char('/')) || a == QLatin1String("-") || QFileInfo(a).isFile()) {
            first = std::min(first, i);
            break;
        }
    }
    *ids = positional.mid(0, first);
    *sources = positional.mid(first);
}

// A number option within [low, high] (`fallback` when not given); nullopt after a usage error.
std::optional<double> numberOption(const QCommandLineParser &parser, const char *name, double low, double high, double fallback)
{
    const QString option = QLatin1String(name);
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < low || value > high) {
        error(QStringLiteral("--%1: a number from %2 to %3").arg(option).arg(low).arg(high));
        return std::nullopt;
    }
    return value;
}

std::optional<RestartSettings> readSettings(const QCommandLineParser &parser)
{
    RestartSettings s;
    splitArguments(parser.positionalArguments().mid(1), parser.isSet(QStringLiteral("workspace")), &s.ids, &s.sourceArguments);
    s.allInterrupted = parser.isSet(QStringLiteral("all-interrupted"));
    s.yes = parser.isSet(QStringLiteral("yes"));
    s.run.reason = parser.value(QStringLiteral("reason")).trimmed();
    s.run.wait = parser.isSet(QStringLiteral("wait"));
    s.run.batch.stopOnFailure = parser.isSet(QStringLiteral("stop-on-failure"));
    if (s.run.reason.isEmpty()) {
        error(QStringLiteral("--reason is required: say why they are run again"));
        return std::nullopt;
    }
    if (s.allInterrupted == !s.ids.isEmpty()) {
        error(s.allInterrupted ? QStringLiteral("give operation IDs or --all-interrupted, not both")
                               : QStringLiteral("give the operation IDs to restart, or --all-interrupted (see --help)"));
        return std::nullopt;
    }
    for (const char *filter : kFilters) {
        if (!s.allInterrupted && parser.isSet(QLatin1String(filter))) {
            error(QStringLiteral("--%1 selects operations for --all-interrupted only").arg(QLatin1String(filter)));
            return std::nullopt;
        }
    }
    const auto timeout = numberOption(parser, "timeout", 1, 3600, 30);
    const auto parallel = numberOption(parser, "max-parallel", 1, 100, 1);
    const auto stagger = numberOption(parser, "stagger", 0, 3600, 0);
    if (!timeout || !parallel || !stagger)
        return std::nullopt;
    if (*timeout != std::floor(*timeout) || *parallel != std::floor(*parallel)) {
        error(QStringLiteral("--timeout and --max-parallel take whole numbers"));
        return std::nullopt;
    }
    s.run.timeoutSeconds = int(*timeout);
    s.run.batch.maxPerServer = int(*parallel);
    s.run.batch.staggerMs = int(std::lround(*stagger * 1000));
    s.actionsPath = parser.value(QStringLiteral("actions"));
    if (!s.actionsPath.isEmpty()) {
        QString why;
        s.run.catalog = ActionCatalog::load(s.actionsPath, &why);
        if (!s.run.catalog) {
            error(why);
            return std::nullopt;
        }
    }
    return s;
}

// How the operations of one SOURCE (options.sourceSpecs[i]) are restarted.
struct SourceRole {
    RestartSource restart;
    RestartTarget target;
};

QString serverOf(const QUrl &url)
{
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

std::optional<SourceRole> roleOf(const WorkspaceSource &source, const QString &name, const ReadingOptions &options,
                                 const RestartSettings &settings)
{
    SourceRole role;
    RestartSource &r = role.restart;
    if (source.isRemote()) {
        QString why;
        const auto spec = completedSpec(source, options.credentials, &why);
        if (!spec) {
            error(QStringLiteral("%1: %2").arg(name, why));
            return std::nullopt;
        }
        if (spec->kind == RemoteSpec::Kind::Agent) {
            r.kind = RestartSource::Kind::Agent;
            r.server = serverOf(spec->url);
            r.actionsFrom = QStringLiteral("the agent at %1").arg(r.server);
            role.target.agent = spec;
        } else { // running it here would run a server's operation on this computer
            r.kind = RestartSource::Kind::ReadOnly;
            r.why = QStringLiteral("%1 is an oplog %2, read-only: restart through that server's agent "
                                   "(agent+https://host:port)").arg(name, readOnlyWhere(name));
        }
    } else if (source.location == QLatin1String("-")) {
        r.kind = RestartSource::Kind::ReadOnly;
        r.why = QStringLiteral("read from standard input: restart it from its oplog file with --actions, or through its agent");
    } else {
        r.kind = RestartSource::Kind::Local;
        r.server = QStringLiteral("this computer");
        role.target.localPath = source.location;
        if (settings.run.catalog) {
            r.actionsKnown = true;
            for (const Action &a : settings.run.catalog->actions())
                r.actions.insert({a.module, a.name});
            r.actionsFrom = QStringLiteral("the local catalog %1").arg(settings.actionsPath);
        } else {
            r.why = QStringLiteral("a local oplog needs --actions FILE, the catalog of what may be run");
        }
    }
    return role;
}

// Every SOURCE's role; a usage error (printed) when a remote one lacks its secret, or when no SOURCE could restart
// anything at all.
std::optional<std::vector<SourceRole>> rolesOf(const ReadingOptions &options, const RestartSettings &settings)
{
    std::vector<SourceRole> roles;
    QString nothing; // why none of them can restart
    for (int i = 0; i < options.sourceSpecs.size(); ++i) {
        auto role = roleOf(options.sourceSpecs[i], options.sources[i], options, settings);
        if (!role)
            return std::nullopt;
        if (role->restart.why.isEmpty())
            nothing = QStringLiteral("-");
        else if (nothing.isEmpty())
            nothing = role->restart.why;
        roles.push_back(std::move(*role));
    }
    if (nothing != QLatin1String("-")) {
        error(nothing);
        return std::nullopt;
    }
    return roles;
}

// What an agent answered to GET /v1/actions.
struct ActionsAnswer {
    bool known = false;
    std::set<std::pair<QString, QString>> actions;
    QString why; // when not known
};

// Asks every agent of `roles`, once per server and all at once, what it can restart.
std::map<QString, ActionsAnswer> askActions(const std::vector<SourceRole> &roles, int timeoutSeconds)
{
    QNetworkAccessManager network;
    QEventLoop loop;
    std::map<QString, std::pair<std::unique_ptr<AgentClient>, QNetworkReply *>> asked; // by server
    const auto allFinished = [&asked] {
        return std::all_of(asked.begin(), asked.end(), [](const auto &a) { return a.second.second->isFinished(); });
    };
    for (const SourceRole &role : roles) {
        if (!role.target.agent || asked.count(role.restart.server))
            continue;
        auto client = std::make_unique<AgentClient>(*role.target.agent, &network);
        client->setTimeout(timeoutSeconds);
        QNetworkReply *reply = client->actions();
        asked.emplace(role.restart.server, std::make_pair(std::move(client), reply));
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&] {
            if (allFinished())
                loop.quit();
        });
    }
    if (!allFinished())
        loop.exec();
    std::map<QString, ActionsAnswer> answers;
    for (auto &[server, request] : asked) {
        QNetworkReply *reply = request.second;
        ActionsAnswer &answer = answers[server];
        answer.known = reply->error() == QNetworkReply::NoError && parseActions(reply->readAll(), &answer.actions);
        if (!answer.known)
            answer.why = describeNetworkFailure(reply, request.first->spec());
        if (!answer.known && answer.why.isEmpty())
            answer.why = QStringLiteral("its answer to GET /v1/actions is not a list of actions");
        delete reply;
    }
    return answers;
}

// Gives each agent's SOURCEs the actions it answered, so that "no action" is known before anything runs. An agent
// that did not answer is reported and not read: its SOURCEs are taken out. False when one did not.
bool takeActions(std::vector<SourceRole> &roles, ReadingOptions &options, int timeoutSeconds)
{
    const std::map<QString, ActionsAnswer> answers = askActions(roles, timeoutSeconds);
    bool allAnswered = true;
    for (int i = int(roles.size()) - 1; i >= 0; --i) {
        SourceRole &role = roles[size_t(i)];
        if (!role.target.agent)
            continue;
        const ActionsAnswer &answer = answers.at(role.restart.server);
        role.restart.actionsKnown = answer.known;
        role.restart.actions = answer.actions;
        if (answer.known)
            continue;
        error(QStringLiteral("%1: %2").arg(options.sources[i], answer.why));
        allAnswered = false;
        roles.erase(roles.begin() + i);
        options.sourceSpecs.removeAt(i);
        options.sources.removeAt(i);
    }
    return allAnswered;
}

// The operations to restart: each ID in the one source that has it, or every Interrupted one that passes the filters.
// An ID in no source, or in more than one, is refused here (a line in `lines`).
std::vector<uint32_t> chooseOperations(const Dataset &data, const RestartSettings &settings, const ViewFilter &filter,
                                       bool someUnread, QStringList *lines, RestartOutcome *outcome)
{
    if (settings.allInterrupted)
        return interruptedToRestart(data, filterOperations(data, filter, QDateTime::currentMSecsSinceEpoch()));
    std::vector<uint32_t> ops;
    const EventStore &store = data.events();
    for (const QString &id : settings.ids) {
        std::vector<uint32_t> found;
        for (int s = 0; s < store.sourceCount(); ++s)
            if (const uint32_t op = data.findOperation(uint16_t(s), id.toStdString()); op != kNone && data.exists(op))
                found.push_back(op);
        if (found.size() == 1) {
            ops.push_back(found.front());
            continue;
        }
        QStringList in;
        for (const uint32_t op : found)
            in << store.sourceName(data.source(op));
        const QStringList read = store.sourceNames();
        if (found.empty() && read.isEmpty())
            *lines << QStringLiteral("%1 refused: not found: no SOURCE could be read").arg(id);
        else if (found.empty())
            *lines << QStringLiteral("%1 refused: no operation %1 in %2%3")
                          .arg(id, read.join(QLatin1String(", ")),
                               someUnread ? QStringLiteral(" (some SOURCEs could not be read)") : QString());
        else
            *lines << QStringLiteral("%1 refused: it is in more than one SOURCE (%2): give only the one to restart it from")
                          .arg(id, in.join(QLatin1String(", ")));
        (found.empty() && someUnread ? outcome->unreachable : outcome->refused) = true;
    }
    return ops;
}

// The plan on standard error: each operation with its server, parameters, evidence and verdict.
void printPlan(const std::vector<PlanItem> &plan, const QStringList &refusedIds, const QString &reason)
{
    QString text = QStringLiteral("Restart plan: %1; reason \"%2\"\n").arg(planSummary(plan), printable(reason));
    for (const PlanItem &item : plan) { // every field as printable(): a file's text never breaks a line in two
        text += QStringLiteral("  %1  %2 %3 on %4\n").arg(printable(item.operationId), printable(item.module), printable(item.name),
                                                            printable(item.server.isEmpty() ? item.source : serverText(item)));
        text += QStringLiteral("      parameters: %1\n").arg(item.parameters.isEmpty() ? QStringLiteral("none") : printable(item.parameters));
        text += QStringLiteral("      %1%2\n").arg(statusName(item.status),
                                                    item.evidence.isEmpty() ? QString() : QStringLiteral(": ") + printable(item.evidence));
        text += item.canRestart() ? QStringLiteral("      restart\n") : QStringLiteral("      refused: %1\n").arg(printable(item.refusal));
    }
    for (const QString &line : refusedIds)
        text += QStringLiteral("  %1\n").arg(printable(line));
    text += QStringLiteral("Check why the service went down before running them again.\n");
    std::fputs(text.toLocal8Bit().constData(), stderr);
}

// Asks on the terminal; without one, only --yes confirms.
bool confirmed(const std::vector<PlanItem> &plan, bool yes)
{
    if (yes)
        return true;
    if (!::isatty(STDIN_FILENO)) {
        error(QStringLiteral("not confirmed: pass --yes to restart without a terminal"));
        return false;
    }
    std::set<QString> servers;
    int count = 0;
    for (const PlanItem &item : plan) {
        if (item.canRestart()) {
            ++count;
            servers.insert(item.server);
        }
    }
    std::fprintf(stderr, "Restart %d operation%s on %d server%s? [y/N] ", count, count == 1 ? "" : "s", int(servers.size()),
                 servers.size() == 1 ? "" : "s");
    std::fflush(stderr);
    char answer[16] = {};
    if (std::fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y'))
        return true;
    error(QStringLiteral("not confirmed: nothing restarted"));
    return false;
}

} // namespace

int restartCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addRestartOptions(parser);
    const QString description = QStringLiteral(
        "Restart operations (docs/oplog.md section 4): for each, a new operation with the same module, name and "
        "parameters, through its agent or with a local action catalog. Shows the plan, asks, then prints one line per "
        "operation: OLD_ID NEW_ID when launched, OLD_ID refused: WHY, OLD_ID not started: WHY, OLD_ID not launched: WHY, OLD_ID maybe launched: WHY; "
        "with --wait, NEW_ID finished or NEW_ID failed: WHY when each ends.");
    if (const int status = parseArguments(parser, args, description); status >= 0)
        return status;
    const auto settings = readSettings(parser);
    auto options = settings ? readingOptions(parser, settings->sourceArguments) : std::nullopt;
    auto roles = options ? rolesOf(*options, *settings) : std::nullopt;
    if (!roles)
        return Usage;
    RestartOutcome outcome;
    outcome.unreachable = !takeActions(*roles, *options, settings->run.timeoutSeconds);
    const Loaded loaded = load(*options);
    outcome.unreachable |= loaded.unreadable > 0;
    if (options->strict && loaded.skipped > 0) {
        error(QStringLiteral("lines were skipped (--strict): nothing restarted"));
        return Skipped;
    }
    const Dataset &data = loaded.data;
    std::vector<RestartSource> sources(size_t(data.events().sourceCount()));
    std::map<QString, RestartTarget> targets;
    for (int s = 0; s < data.events().sourceCount(); ++s) {
        const qsizetype i = options->sources.indexOf(data.events().sourceName(uint16_t(s)));
        if (i < 0)
            continue;
        sources[size_t(s)] = (*roles)[size_t(i)].restart;
        targets[options->sources[i]] = (*roles)[size_t(i)].target;
    }
    QStringList refusedIds;
    const auto ops = chooseOperations(data, *settings, options->filter, outcome.unreachable, &refusedIds, &outcome);
    std::vector<PlanItem> plan = makeRestartPlan(data, ops, sources);
    if (plan.empty() && refusedIds.isEmpty()) {
        error(QStringLiteral("nothing to restart: no Interrupted operation passes the filters"));
        return exitStatus(outcome);
    }
    printPlan(plan, refusedIds, settings->run.reason);
    const bool anyToRestart = std::any_of(plan.begin(), plan.end(), [](const PlanItem &i) { return i.canRestart(); });
    if (anyToRestart && !confirmed(plan, settings->yes))
        return Refused;
    for (const QString &line : refusedIds)
        printResult(line);
    outcome.add(runRestarts(std::move(plan), targets, settings->run));
    return exitStatus(outcome);
}

} // namespace oplens::cli
