// oplens: the desktop console. `oplens [SOURCE...]` opens oplogs; `--screenshot FILE.png` saves the window once
// they are loaded and exits; `--notifications` prints what the Notifications pane shows, for machines without display.
#include "mainwindow.h"
#include "workspaces.h"
#include "notificationspane.h"
#include "credentials.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QTabWidget>
#include <QFile>
#include <QTimer>

#include <cstdio>

using namespace oplens;

namespace {

struct Options {
    QStringList files;
    QList<RemoteSpec> remotes;
    CommandLineCredentials credentials;
    QString screenshot, workspace;
    int tab = -1; // --view: the tab shown (0 Operations, 1 Events, 2 Timeline); -1 keeps the last one
    bool notifications = false;
    bool batch() const { return notifications || !screenshot.isEmpty(); }
};

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("OpLens console: which operations were interrupted."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("screenshot"), QStringLiteral("Load the sources, save the window as a PNG and exit."), QStringLiteral("FILE.png")},
        {QStringLiteral("view"), QStringLiteral("Show this tab: operations, events or timeline."), QStringLiteral("TAB")},
        {QStringLiteral("notifications"), QStringLiteral("Print what the Notifications pane shows and exit.")},
        {QStringLiteral("agent"), QStringLiteral("Open an agent's oplog (agent+https://host:port#log); repeatable."), QStringLiteral("URL")},
        {QStringLiteral("token-file"), QStringLiteral("Remote sources' bearer token (or OPLENS_TOKEN)."), QStringLiteral("FILE")},
        {QStringLiteral("user"), QStringLiteral("Web servers: HTTP Basic user (with --password-file)."), QStringLiteral("NAME")},
        {QStringLiteral("password-file"), QStringLiteral("Web servers: the Basic password."), QStringLiteral("FILE")},
        {QStringLiteral("cacert"), QStringLiteral("Trust this CA for remote sources as well as the system's."), QStringLiteral("FILE")},
        {QStringLiteral("ssh-config"), QStringLiteral("ssh's configuration (ssh -F) for ssh:// sources that name none."), QStringLiteral("FILE")},
        {QStringLiteral("workspace"), QStringLiteral("Open a saved workspace."), QStringLiteral("FILE")},
    });
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("Oplog files, http(s):// URLs of oplog files, agent+https://host:port#LOG, "
                                                "ssh://[user@]host[:port]/path."),
                                 QStringLiteral("[SOURCE...]"));
}

// The sources and modes of the command line; a usage error is printed and gives nullopt.
std::optional<Options> readOptions(const QCommandLineParser &parser)
{
    Options o;
    QString error;
    const auto credentials = CommandLineCredentials::fromParser(parser, &error);
    if (!credentials) {
        std::fprintf(stderr, "oplens: %s\n", qPrintable(error));
        return std::nullopt;
    }
    o.credentials = *credentials;
    for (const QString &source : parser.positionalArguments() + parser.values(QStringLiteral("agent"))) {
        if (!RemoteSpec::isRemote(source)) {
            o.files << source;
            continue;
        }
        const auto spec = commandLineRemote(source, o.credentials, &error);
        if (!spec) {
            std::fprintf(stderr, "oplens: %s\n", qPrintable(error));
            return std::nullopt;
        }
        o.remotes << *spec;
    }
    o.screenshot = parser.value(QStringLiteral("screenshot"));
    o.notifications = parser.isSet(QStringLiteral("notifications"));
    if (parser.isSet(QStringLiteral("view"))) {
        const QStringList tabs{QStringLiteral("operations"), QStringLiteral("events"), QStringLiteral("timeline")};
        o.tab = int(tabs.indexOf(parser.value(QStringLiteral("view")).toLower()));
        if (o.tab < 0) {
            std::fprintf(stderr, "oplens: --view: \"%s\" is not operations, events or timeline\n",
                         qPrintable(parser.value(QStringLiteral("view"))));
            return std::nullopt;
        }
    }
    o.workspace = parser.value(QStringLiteral("workspace"));
    if (o.batch() && o.files.isEmpty() && o.remotes.isEmpty() && o.workspace.isEmpty()) {
        std::fprintf(stderr, "oplens: --screenshot and --notifications need at least one SOURCE or a --workspace\n");
        return std::nullopt;
    }
    if (!o.workspace.isEmpty() && !readWorkspace(o.workspace, &error)) {
        std::fprintf(stderr, "oplens: --workspace: %s\n", qPrintable(error));
        return std::nullopt;
    }
    return o;
}

// Prints what the Notifications pane shows: first, what could not be read (that is no all-clear: exit 2). Skipped
// lines go to standard error with their places.
bool printNotifications(ui::MainWindow &window)
{
    for (const SourceState &s : window.session()->sources()) {
        for (const ReadProblem &p : s.problems)
            std::fprintf(stderr, "oplens: %s: %s: skipped: %s\n", qPrintable(s.path), qPrintable(p.place()), qPrintable(p.reason));
        if (s.problems.notDetailed() > 0) // past the first ReadProblems::kDetailed, only counted by reason
            std::fprintf(stderr, "oplens: %s: %s\n", qPrintable(s.path), qPrintable(s.problems.notDetailedSummary()));
    }
    const SessionHealth health = sessionHealth(window.session()->sources());
    std::printf("%s\n", qPrintable(window.notificationsDock()->windowTitle()));
    for (const SourceHealth &h : health.troubled)
        std::printf("  ! %s\n", qPrintable(h.banner()));
    const QStringList lines = window.notificationsPane()->model()->groupedLines(); // under their groups, as shown
    for (const QString &line : lines)
        std::printf("  %s\n", qPrintable(line));
    if (lines.isEmpty())
        std::printf("  %s\n", qPrintable(health.allClear()));
    if (const int acknowledged = window.notificationsPane()->model()->acknowledgedCount(); acknowledged > 0)
        std::printf("  (%d acknowledged: not listed)\n", acknowledged); // an agent's, maybe by another admin
    if (const int superseded = window.notificationsPane()->model()->supersededCount(); superseded > 0)
        std::printf("  (%d interrupted but superseded by a later finished run: not listed)\n", superseded);
    return !health.troubled.isEmpty();
}

// --notifications and --screenshot: once every source is loaded, print or save, and exit.
void exitWhenLoaded(QApplication &app, ui::MainWindow &window, const Options &options)
{
    QObject::connect(&window, &ui::MainWindow::idle, &app, [&app, &window, options] {
        const bool unreadable = options.notifications && printNotifications(window);
        if (!options.screenshot.isEmpty() && !window.grab().save(options.screenshot)) {
            std::fprintf(stderr, "oplens: could not write %s\n", qPrintable(options.screenshot));
            app.exit(1);
            return;
        }
        app.exit(unreadable ? 2 : 0);
    }, Qt::QueuedConnection);
    QTimer::singleShot(120 * 1000, &app, [&app] {
        std::fprintf(stderr, "oplens: loading took longer than two minutes; giving up\n");
        app.exit(1);
    });
}

void setNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("OpLens"));
    QCoreApplication::setApplicationName(QStringLiteral("oplens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPLENS_VERSION));
}

// --help and --version print and exit: answered by a QCoreApplication, which needs no display (QApplication aborts
// without one). Only options before a "--" count.
bool answersWithoutDisplay(int argc, char *argv[])
{
    static const char *const flags[] = {"-h", "-?", "--help", "--help-all", "-v", "--version"};
    for (int i = 1; i < argc && qstrcmp(argv[i], "--") != 0; ++i)
        for (const char *flag : flags)
            if (qstrcmp(argv[i], flag) == 0)
                return true;
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (answersWithoutDisplay(argc, argv)) {
        QCoreApplication core(argc, argv);
        setNames();
        QCommandLineParser parser;
        addOptions(parser);
        parser.process(core); // prints and exits
        return 0;
    }
    // Decided before QApplication exists: printing needs no display.
    for (int i = 1; i < argc; ++i)
        if (qstrcmp(argv[i], "--notifications") == 0)
            qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    setNames();

    QCommandLineParser parser;
    addOptions(parser);
    parser.process(app);
    const auto options = readOptions(parser);
    if (!options)
        return 1;

    ui::MainWindow window;
    if (options->batch())
        exitWhenLoaded(app, window, *options);
    if (options->tab >= 0)
        window.tabs()->setCurrentIndex(options->tab);
    window.workspaces()->setInteractive(!options->batch());
    window.workspaces()->setCommandLineCredentials(options->credentials);
    window.show();
    if (!options->workspace.isEmpty())
        window.workspaces()->openWorkspace(options->workspace);
    window.openFiles(options->files);
    for (const auto &spec : options->remotes)
        window.workspaces()->openRemote(spec);
    window.workspaces()->endCommandLine(); // a workspace opened later from the menu gets none of its secrets
    return app.exec();
}
