#include "clicommon.h"

#include "oplogreader.h"
#include "remotesource.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QUrl>

#include <cstdio>

namespace oplens::cli {

void error(const QString &message)
{
    std::fprintf(stderr, "oplensctl: %s\n", message.toLocal8Bit().constData());
}

void Output::flush()
{
    if (!m_buffer.empty())
        std::fwrite(m_buffer.data(), 1, m_buffer.size(), stdout);
    m_buffer.clear();
    std::fflush(stdout);
}

void addReadingOptions(QCommandLineParser &parser, bool json)
{
    parser.addOptions({
        {QStringLiteral("module"), QStringLiteral("Only events of module M (repeatable)."), QStringLiteral("M")},
        {QStringLiteral("name"), QStringLiteral("Only events of operation name N (repeatable)."), QStringLiteral("N")},
        {QStringLiteral("status"),
         QStringLiteral("Only operations with status S (repeatable): %1.").arg(statusFlagNames().join(QLatin1String(", "))),
         QStringLiteral("S")},
        {QStringLiteral("since"), QStringLiteral("Only events at or after T (ISO 8601 or epoch ms)."), QStringLiteral("T")},
        {QStringLiteral("until"), QStringLiteral("Only events at or before T (ISO 8601 or epoch ms)."), QStringLiteral("T")},
        {QStringLiteral("grep"),
         QStringLiteral("Only events whose module, name, operationId, requestedBy or parameters contain TEXT "
                        "(case-insensitive)."),
         QStringLiteral("TEXT")},
        {QStringLiteral("limit"), QStringLiteral("Print at most N events."), QStringLiteral("N")},
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
    });
    if (json)
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print {\"operationList\": [...]} instead of text.")});
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("Oplog files (any shape of oplog.md), file:///path, - for standard "
                                                "input, http(s):// URLs of oplog files, or agent+https://host:port#LOG. "
                                                "Several are merged."),
                                 QStringLiteral("SOURCE..."));
}

std::optional<ReadingOptions> readingOptions(const QCommandLineParser &parser)
{
    ReadingOptions o;
    if (parser.isSet(QStringLiteral("workspace"))) {
        QString why;
        const auto workspace = readWorkspace(parser.value(QStringLiteral("workspace")), &why);
        if (!workspace) {
            error(QStringLiteral("--workspace: %1").arg(why));
            return std::nullopt;
        }
        o.sourceSpecs = workspace->sources;
        o.filter = workspace->filter;
        o.filter.sources.clear(); // names of the console's sources; here every source given is read and shown
    }
    for (const QString &location : parser.positionalArguments().mid(1)) {
        WorkspaceSource source;
        source.location = location;
        if (location.startsWith(QLatin1String("file://")))
            source.location = QUrl(location).toLocalFile();
        // A web server gets credentials only when the command line gives them for it: --user, or --token-file
        // (OPLENS_TOKEN alone is for agents). A workspace's sources say their own.
        QString ignored;
        const auto named = RemoteSpec::isRemote(location) ? RemoteSpec::fromUrl(location, &ignored) : std::nullopt;
        if (named && named->kind == RemoteSpec::Kind::File && named->auth == RemoteSpec::Auth::None) { // a user in the URL says Basic
            if (parser.isSet(QStringLiteral("user"))) {
                source.auth = RemoteSpec::Auth::Basic;
                source.user = parser.value(QStringLiteral("user"));
            } else if (parser.isSet(QStringLiteral("token-file"))) {
                source.auth = RemoteSpec::Auth::Bearer;
            }
        }
        o.sourceSpecs << source;
    }
    if (o.sourceSpecs.isEmpty()) {
        error(QStringLiteral("no SOURCE given (see --help)"));
        return std::nullopt;
    }
    o.user = parser.value(QStringLiteral("user"));
    o.caFile = parser.value(QStringLiteral("cacert"));
    o.token = qEnvironmentVariable("OPLENS_TOKEN").trimmed().toUtf8();
    for (const char *key : {"token-file", "password-file"}) {
        if (!parser.isSet(QLatin1String(key)))
            continue;
        QString why;
        const QByteArray secret = readSecretFile(parser.value(QLatin1String(key)), &why);
        if (secret.isEmpty()) {
            error(QStringLiteral("--%1: %2").arg(QLatin1String(key), why));
            return std::nullopt;
        }
        (qstrcmp(key, "token-file") == 0 ? o.token : o.password) = secret;
    }
    o.tokenFromFile = parser.isSet(QStringLiteral("token-file"));
    if (!o.user.isEmpty() && o.password.isEmpty()) {
        error(QStringLiteral("--user needs --password-file"));
        return std::nullopt;
    }
    for (WorkspaceSource &source : o.sourceSpecs) {
        if (source.isRemote()) {
            QString why;
            const auto spec = source.remoteSpec(&why);
            if (!spec) {
                error(why);
                return std::nullopt;
            }
            o.sources << spec->name();
        } else {
            o.sources << source.location;
        }
    }
    o.filter.modules += parser.values(QStringLiteral("module"));
    o.filter.names += parser.values(QStringLiteral("name"));
    for (const QString &s : parser.values(QStringLiteral("status"))) {
        const uint32_t flag = statusFlagFromName(s);
        if (!flag) {
            error(QStringLiteral("unknown status \"%1\": use one of %2").arg(s, statusFlagNames().join(QLatin1String(", "))));
            return std::nullopt;
        }
        o.filter.statuses |= flag;
    }
    for (const char *key : {"since", "until"}) {
        const QString name = QLatin1String(key);
        if (!parser.isSet(name))
            continue;
        const auto t = parseTimeArgument(parser.value(name));
        if (!t) {
            error(QStringLiteral("--%1: \"%2\" is neither ISO 8601 nor epoch milliseconds").arg(name, parser.value(name)));
            return std::nullopt;
        }
        (name == QLatin1String("since") ? o.filter.since : o.filter.until) = *t;
    }
    if (parser.isSet(QStringLiteral("grep"))) {
        o.filter.text = parser.value(QStringLiteral("grep"));
        o.filter.regex = false;
    }
    if (parser.isSet(QStringLiteral("limit"))) {
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

namespace {
// The spec of a remote source with its secret: the source's own file, else the command line's.
std::optional<RemoteSpec> withSecret(const WorkspaceSource &source, const ReadingOptions &options, QString *why)
{
    auto spec = source.remoteSpec(why);
    if (!spec)
        return std::nullopt;
    if (spec->caFile.isEmpty())
        spec->caFile = options.caFile;
    const bool bearer = spec->auth == RemoteSpec::Auth::Bearer;
    const QString file = bearer ? source.tokenFile : source.passwordFile;
    const QByteArray token = spec->kind == RemoteSpec::Kind::Agent || options.tokenFromFile ? options.token : QByteArray();
    // --password-file belongs to --user: another user named by a URL or a workspace does not get it.
    const QByteArray password = options.user.isEmpty() || options.user == spec->user ? options.password : QByteArray();
    spec->secret = file.isEmpty() ? (bearer ? token : password) : readSecretFile(file, why);
    if (spec->auth != RemoteSpec::Auth::None && spec->secret.isEmpty()) {
        if (why->isEmpty())
            *why = bearer ? spec->kind == RemoteSpec::Kind::Agent ? QStringLiteral("needs a token: --token-file F or OPLENS_TOKEN")
                                                                  : QStringLiteral("needs a token: --token-file F")
                          : QStringLiteral("needs a password: --password-file F");
        return std::nullopt;
    }
    return spec;
}
} // namespace

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
        const auto spec = withSecret(source, options, &refused[size_t(i)]);
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

    for (int i = 0; i < options.sourceSpecs.size(); ++i) {
        const QString &name = options.sources[i];
        const uint16_t index = loaded.data.addSource(name);
        ReadRequest request;
        request.path = options.sourceSpecs[i].location;
        if (options.sourceSpecs[i].isRemote()) {
            const RemoteSource *remote = remotes[size_t(i)].get();
            if (!remote || !remote->state().ready) {
                error(QStringLiteral("%1: %2").arg(name, remote ? remote->state().error : refused[size_t(i)]));
                if (remote && !remote->state().certificate.isNull())
                    std::fprintf(stderr, "%s\n  Trust its CA with --cacert FILE, or this one certificate in the console.\n",
                                 qPrintable(remote->state().certificate.describe()));
                ++loaded.unreadable;
                continue;
            }
            request.path = remote->mirrorPath();
            if (remote->state().serviceStartedAt != kNoTime)
                loaded.data.setServiceStartedAt(index, remote->state().serviceStartedAt);
        }
        const ReadResult result = readOplog(request, loaded.data.events(), index);
        if (!result.error.isEmpty()) {
            error(QStringLiteral("%1: %2").arg(name, result.error));
            ++loaded.unreadable;
            continue;
        }
        for (const ReadProblem &p : result.problems)
            error(QStringLiteral("%1: %2: skipped: %3").arg(name, p.place(), p.reason));
        loaded.skipped += result.problems.size();
        if (options.assumeInterrupted || options.sourceSpecs[i].assumeInterrupted)
            loaded.data.setAssumeInterrupted(index, true);
    }
    loaded.data.aggregate();
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
