#include "clicommon.h"

#include "oplogreader.h"

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
    });
    if (json)
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print {\"operationList\": [...]} instead of text.")});
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("Oplog files (any shape of oplog.md), file:///path, or - for "
                                                "standard input. Several are merged."),
                                 QStringLiteral("SOURCE..."));
}

std::optional<ReadingOptions> readingOptions(const QCommandLineParser &parser)
{
    ReadingOptions o;
    o.sources = parser.positionalArguments().mid(1);
    if (o.sources.isEmpty()) {
        error(QStringLiteral("no SOURCE given (see --help)"));
        return std::nullopt;
    }
    o.filter.modules = parser.values(QStringLiteral("module"));
    o.filter.names = parser.values(QStringLiteral("name"));
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
    o.filter.text = parser.value(QStringLiteral("grep"));
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

Loaded load(const ReadingOptions &options)
{
    Loaded loaded;
    for (const QString &source : options.sources) {
        const uint16_t index = loaded.data.addSource(source);
        const QUrl url(source);
        QString path = source;
        if (url.scheme() == QLatin1String("file")) {
            path = url.toLocalFile();
        } else if (url.scheme().startsWith(QLatin1String("http")) || url.scheme().startsWith(QLatin1String("agent+"))) {
            error(QStringLiteral("%1: remote sources are not supported by this version yet").arg(source));
            ++loaded.unreadable;
            continue;
        }
        ReadRequest request;
        request.path = path;
        const ReadResult result = readOplog(request, loaded.data.events(), index);
        if (!result.error.isEmpty()) {
            error(QStringLiteral("%1: %2").arg(source, result.error));
            ++loaded.unreadable;
            continue;
        }
        for (const ReadProblem &p : result.problems)
            error(QStringLiteral("%1: %2: skipped: %3").arg(source, p.place(), p.reason));
        loaded.skipped += result.problems.size();
        if (options.assumeInterrupted)
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
