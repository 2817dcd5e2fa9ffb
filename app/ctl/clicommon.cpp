#include "clicommon.h"

#include "remotesource.h"
#include "sourcereading.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QUrl>

#include <cstdio>

namespace oplens::cli {

QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == '\n')
            out += QStringLiteral("\\n");
        else if (u == '\t')
            out += QStringLiteral("\\t");
        else if (u < 0x20 || u == 0x7F || (u >= 0x80 && u < 0xA0))
            out += QStringLiteral("\\x%1").arg(uint(u), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QString readOnlyWhere(const QString &url)
{
    return url.startsWith(QLatin1String("ssh://"), Qt::CaseInsensitive) ? QStringLiteral("read over SSH")
                                                                          : QStringLiteral("on a web server");
}

void error(const QString &message)
{
    std::fprintf(stderr, "oplensctl: %s\n", printable(message).toLocal8Bit().constData());
}

void Output::flush()
{
    if (!m_buffer.empty())
        std::fwrite(m_buffer.data(), 1, m_buffer.size(), stdout);
    m_buffer.clear();
    std::fflush(stdout);
}

void addFilterOptions(QCommandLineParser &parser, bool status)
{
    parser.addOptions({
        {QStringLiteral("module"), QStringLiteral("Only events of module M (repeatable)."), QStringLiteral("M")},
        {QStringLiteral("name"), QStringLiteral("Only events of operation name N (repeatable)."), QStringLiteral("N")},
    });
    if (status)
        parser.addOption({QStringLiteral("status"),
                          QStringLiteral("Only operations with status S (repeatable): %1.").arg(statusFlagNames().join(QLatin1String(", "))),
                          QStringLiteral("S")});
    parser.addOptions({
        {QStringLiteral("since"), QStringLiteral("Only events at or after T (ISO 8601 or epoch ms)."), QStringLiteral("T")},
        {QStringLiteral("until"), QStringLiteral("Only events at or before T (ISO 8601 or epoch ms)."), QStringLiteral("T")},
        {QStringLiteral("grep"),
         QStringLiteral("Only events whose module, name, operationId, requestedBy or parameters contain TEXT "
                        "(case-insensitive)."),
         QStringLiteral("TEXT")},
    });
}

void addSourceOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("assume-interrupted"),
         QStringLiteral("Read the logs as taken after a crash: every unfinished operation counts as Interrupted.")},
        {QStringLiteral("strict"), QStringLiteral("Exit with status 3 when lines were skipped.")},
        {QStringLiteral("workspace"),
         QStringLiteral("Read the sources and filters of a workspace saved by the console (more SOURCEs and filters "
                        "may be given)."),
         QStringLiteral("FILE")},
        {QStringLiteral("token-file"),
         QStringLiteral("Remote sources: a bearer token, read from F (or the OPLENS_TOKEN variable)."), QStringLiteral("F")},
        {QStringLiteral("user"), QStringLiteral("Web servers: HTTP Basic user (with --password-file)."), QStringLiteral("NAME")},
        {QStringLiteral("password-file"), QStringLiteral("Web servers: the Basic password, read from F."), QStringLiteral("F")},
        {QStringLiteral("cacert"), QStringLiteral("Remote sources: trust this CA as well as the system's."), QStringLiteral("F")},
        {QStringLiteral("ssh-config"),
         QStringLiteral("ssh:// sources: the ssh_config given to ssh (-F) instead of ~/.ssh/config (a workspace "
                        "source's sshConfig comes first)."),
         QStringLiteral("FILE")},
    });
}

void addReadingOptions(QCommandLineParser &parser, bool json)
{
    addFilterOptions(parser);
    parser.addOption({QStringLiteral("limit"), QStringLiteral("Print at most N events."), QStringLiteral("N")});
    addSourceOptions(parser);
    if (json)
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print {\"operationList\": [...]} instead of text.")});
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("Oplog files (any shape of docs/oplog.md), file:///path, - for standard "
                                                "input, http(s):// URLs of oplog files, ssh://[user@]host[:port]/path, or "
                                                "agent+https://host:port#LOG. Several are merged."),
                                 QStringLiteral("SOURCE..."));
}

namespace {
// The sources: a workspace's (with its filter), then the command line's, each web server given the command line's
// way to authenticate (credentials.h). A usage error is printed and gives false.
bool readSourceArguments(const QCommandLineParser &parser, const QStringList &locations, ReadingOptions &o)
{
    QString why;
    if (parser.isSet(QStringLiteral("workspace"))) {
        const auto workspace = readWorkspace(parser.value(QStringLiteral("workspace")), &why);
        if (!workspace) {
            error(QStringLiteral("--workspace: %1").arg(why));
            return false;
        }
        o.sourceSpecs = workspace->sources;
        o.filter = workspace->filter;
        o.filter.sources.clear(); // names of the console's sources; here every source given is read and shown
    }
    for (const QString &location : locations) {
        WorkspaceSource source;
        source.location = location.startsWith(QLatin1String("file://")) ? QUrl(location).toLocalFile() : location;
        if (auto named = RemoteSpec::isRemote(location) ? RemoteSpec::fromUrl(location, &why) : std::nullopt) {
            o.credentials.authenticate(*named); // a workspace's sources say their own
            source.auth = named->auth;
            source.user = named->user;
        }
        o.sourceSpecs << source;
    }
    if (o.sourceSpecs.isEmpty()) {
        error(QStringLiteral("no SOURCE given (see --help)"));
        return false;
    }
    for (const WorkspaceSource &source : std::as_const(o.sourceSpecs)) {
        if (!source.isRemote()) {
            o.sources << source.location;
            continue;
        }
        const auto spec = source.remoteSpec(&why);
        if (!spec) {
            error(why);
            return false;
        }
        o.sources << spec->name();
    }
    return true;
}

// --module, --name, --status, --since, --until, --grep into the filter. A usage error is printed and gives false.
bool readFilter(const QCommandLineParser &parser, ViewFilter &filter)
{
    filter.modules += parser.values(QStringLiteral("module"));
    filter.names += parser.values(QStringLiteral("name"));
    // isSet() and values() warn about an option not added; optionNames() lists only those given
    const QStringList statuses = parser.optionNames().contains(QStringLiteral("status")) ? parser.values(QStringLiteral("status")) : QStringList();
    for (const QString &s : statuses) {
        const uint32_t flag = statusFlagFromName(s);
        if (!flag) {
            error(QStringLiteral("unknown status \"%1\": use one of %2").arg(s, statusFlagNames().join(QLatin1String(", "))));
            return false;
        }
        filter.statuses |= flag;
    }
    for (const char *key : {"since", "until"}) {
        const QString name = QLatin1String(key);
        if (!parser.isSet(name))
            continue;
        const auto t = parseTimeArgument(parser.value(name));
        if (!t) {
            error(QStringLiteral("--%1: \"%2\" is neither ISO 8601 nor epoch milliseconds").arg(name, parser.value(name)));
            return false;
        }
        (name == QLatin1String("since") ? filter.since : filter.until) = *t;
    }
    if (parser.isSet(QStringLiteral("grep"))) {
        filter.text = parser.value(QStringLiteral("grep"));
        filter.regex = false;
    }
    return true;
}
} // namespace

std::optional<ReadingOptions> readingOptions(const QCommandLineParser &parser)
{
    return readingOptions(parser, parser.positionalArguments().mid(1));
}

std::optional<ReadingOptions> readingOptions(const QCommandLineParser &parser, const QStringList &sourceArguments)
{
    ReadingOptions o;
    QString why;
    const auto credentials = CommandLineCredentials::fromParser(parser, &why);
    if (!credentials) {
        error(why);
        return std::nullopt;
    }
    o.credentials = *credentials;
    if (!readSourceArguments(parser, sourceArguments, o) || !readFilter(parser, o.filter))
        return std::nullopt;
    // Only a workspace's filter can be a regex (--grep is a substring): an invalid one would print nothing at all.
    if (const QString problem = o.filter.regexProblem(); !problem.isEmpty()) {
        error(QStringLiteral("--workspace: the filter's text \"%1\" is not a valid regular expression: %2").arg(o.filter.text, problem));
        return std::nullopt;
    }
    if (parser.optionNames().contains(QStringLiteral("limit"))) {
        bool ok = false;
        o.limit = parser.value(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || o.limit < 0) {
            error(QStringLiteral("--limit: \"%1\" is not a count").arg(parser.value(QStringLiteral("limit"))));
            return std::nullopt;
        }
    }
    o.assumeInterrupted = parser.isSet(QStringLiteral("assume-interrupted"));
    o.strict = parser.isSet(QStringLiteral("strict"));
    o.json = parser.optionNames().contains(QStringLiteral("json")); // isSet() warns about an option not added
    return o;
}

std::optional<RemoteSpec> completedSpec(const WorkspaceSource &source, const CommandLineCredentials &credentials, QString *why)
{
    auto spec = source.remoteSpec(why);
    const QString &ownFile = spec && spec->auth == RemoteSpec::Auth::Basic ? source.passwordFile : source.tokenFile;
    if (!spec || !credentials.complete(*spec, ownFile, why))
        return std::nullopt;
    return spec;
}

Loaded load(const ReadingOptions &options)
{
    Loaded loaded;
    // Remote sources first, all at once: each into a local copy, read below like a file.
    QNetworkAccessManager network;
    std::vector<std::unique_ptr<RemoteSource>> remotes(size_t(options.sourceSpecs.size()));
    std::vector<QString> refused(remotes.size());
    int pending = 0;
    QEventLoop loop;
    for (int i = 0; i < options.sourceSpecs.size(); ++i) {
        const WorkspaceSource &source = options.sourceSpecs[i];
        if (!source.isRemote())
            continue;
        const auto spec = completedSpec(source, options.credentials, &refused[size_t(i)]);
        if (!spec)
            continue;
        auto remote = std::make_unique<RemoteSource>(*spec, &network);
        remote->setFollow(false);
        remote->setRetry(false);
        ++pending;
        RemoteSource *r = remote.get();
        QObject::connect(r, &RemoteSource::changed, &loop, [r, &pending, &loop] {
            if (r->property("done").toBool() || (!r->state().ready && r->state().phase != RemoteSource::Phase::Failed))
                return;
            r->setProperty("done", true);
            if (--pending == 0)
                loop.quit();
        });
        remotes[size_t(i)] = std::move(remote);
    }
    for (auto &remote : remotes)
        if (remote)
            remote->start();
    if (pending > 0)
        loop.exec();

    std::vector<SourceRead> reads(remotes.size());
    for (int i = 0; i < options.sourceSpecs.size(); ++i) {
        SourceRead &read = reads[size_t(i)];
        read.name = options.sources[i];
        read.path = options.sourceSpecs[i].location;
        read.assumeInterrupted = options.assumeInterrupted || options.sourceSpecs[i].assumeInterrupted;
        if (!options.sourceSpecs[i].isRemote())
            continue;
        const RemoteSource *remote = remotes[size_t(i)].get();
        if (!remote || !remote->state().ready) {
            error(QStringLiteral("%1: %2").arg(read.name, remote ? remote->state().error : refused[size_t(i)]));
            if (remote && !remote->state().certificate.isNull())
                std::fprintf(stderr, "%s\n  Trust its CA with --cacert FILE, or this one certificate in the console.\n",
                             qPrintable(remote->state().certificate.describe()));
            ++loaded.unreadable;
            read.skip = true;
            continue;
        }
        read.path = remote->mirrorPath();
        read.serviceStartedAt = remote->state().serviceStartedAt;
    }
    readSources(reads, loaded.data);
    for (const SourceRead &read : reads) {
        if (read.skip)
            continue;
        if (!read.result.error.isEmpty()) {
            error(QStringLiteral("%1: %2").arg(read.name, read.result.error));
            ++loaded.unreadable;
            continue;
        }
        for (const ReadProblem &p : read.result.problems)
            error(QStringLiteral("%1: %2: skipped: %3").arg(read.name, p.place(), p.reason));
        if (read.result.problems.notDetailed() > 0) // past the first ones kept, counted by reason
            error(QStringLiteral("%1: %2").arg(read.name, read.result.problems.notDetailedSummary()));
        loaded.skipped += read.result.problems.size();
    }
    return loaded;
}

int loadStatus(const Loaded &loaded, const ReadingOptions &options)
{
    if (loaded.unreadable > 0)
        return Unreadable;
    if (options.strict && loaded.skipped > 0)
        return Skipped;
    return Ok;
}

int parseArguments(QCommandLineParser &parser, const QStringList &args, const QString &description)
{
    parser.setApplicationDescription(description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    QStringList argv = args;
    argv.prepend(QStringLiteral("oplensctl"));
    if (!parser.parse(argv)) {
        error(QStringLiteral("%1 (see oplensctl %2 --help)").arg(parser.errorText(), args.value(0)));
        return Usage;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(QLatin1String("oplensctl [options]"), QStringLiteral("oplensctl %1 [options]").arg(args.value(0)));
        std::fputs(text.toLocal8Bit().constData(), stdout);
        return Ok;
    }
    return -1;
}

} // namespace oplens::cli
