// oplensctl: the OpLens engine on the command line (docs/cli.md).
#include "ackcommands.h"
#include "exportcommand.h"
#include "readcommands.h"
#include "restartcommand.h"
#include "runcommands.h"
#include "clicommon.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace {

const char kUsage[] =
    "Usage: oplensctl SUBCOMMAND [options] SOURCE...\n"
    "\n"
    "Reads oplogs (the operation logs of mail-server suites) and tells which operations were interrupted.\n"
    "\n"
    "Subcommands:\n"
    "  get-operation-log             every event, newest first (the suite's getOperationLog)\n"
    "  get-unfinished-operation-log  the latest event of each unfinished operation, with its status\n"
    "  export --format F             the filtered view as csv, jsonl or json, or a report (html, pdf) with its\n"
    "                                timeline: to a file (-o) or standard output\n"
    "  restart ID... SOURCE...       run Interrupted, Failed or Aborted operations again (agents, or --actions),\n"
    "                                or --all-interrupted; --max-parallel N per server, --wait\n"
    "  run -- COMMAND [ARG]...       run COMMAND as a recorded operation in an oplog\n"
    "  recover --oplog FILE          record as Interrupted what a runner was running when it died\n"
    "  acknowledge OPERATION_ID      acknowledge its notification on its agent, for every console (--comment TEXT)\n"
    "  unacknowledge OPERATION_ID    take an agent's acknowledgement back: the notification shows again\n"
    "\n"
    "Sources: a file (or - for standard input), https://host/path (a web server's file),\n"
    "agent+https://host:port#LOG (an OpLens agent), ssh://[user@]host[:port]/path (a file read with ssh).\n"
    "Run 'oplensctl SUBCOMMAND --help' for its options.\n"
    "\n"
    "Exit status: 0 done; 1 usage error; 2 a source could not be read (or export's output written);\n"
    "3 --strict and lines were skipped; 4 a restart or acknowledgement was refused;\n"
    "5 a restarted operation failed; 130 restart stopped by Ctrl+C. `run` exits with its command's status.\n";

QtMessageHandler g_handler = nullptr;
bool g_startingGui = false;

// Qt warns of an unset XDG_RUNTIME_DIR (cron, su, a login without systemd): the offscreen platform never uses it, and
// ssh:// sources then keep their connections' sockets in Qt's private /tmp/runtime-USER. Not a problem of the user's,
// so not said (a cron job would mail it); while a GUI application starts, nothing about that folder is.
void withoutRuntimeDirWarning(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const bool runtimeDir = message.contains(QLatin1String("XDG_RUNTIME_DIR"));
    if (runtimeDir && (g_startingGui || message.contains(QLatin1String("XDG_RUNTIME_DIR not set"))))
        return;
    if (g_handler)
        g_handler(type, context, message);
}

// A report's text is drawn with fonts, which take a QGuiApplication: on the offscreen platform, so that no display is
// needed (and none is used). Every other subcommand keeps a QCoreApplication.
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char *argv[])
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (!oplens::cli::exportWritesReport(args))
        return std::make_unique<QCoreApplication>(argc, argv);
    static std::vector<char *> guiArgv(argv, argv + argc);
    static char platform[] = "-platform", offscreen[] = "offscreen";
    guiArgv.insert(guiArgv.begin() + 1, {platform, offscreen}); // before the subcommand's own arguments
    guiArgv.push_back(nullptr);
    static int guiArgc = argc + 2;
    g_startingGui = true;
    auto application = std::make_unique<QGuiApplication>(guiArgc, guiArgv.data());
    g_startingGui = false;
    return application;
}

} // namespace

int main(int argc, char *argv[])
{
    g_handler = qInstallMessageHandler(withoutRuntimeDirWarning);
    const std::unique_ptr<QCoreApplication> application = makeApplication(argc, argv);
    const QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("oplensctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPLENS_VERSION));
    const QStringList args = app.arguments().mid(1);
    const QString command = args.value(0);
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        std::fputs(kUsage, command.isEmpty() ? stderr : stdout);
        return command.isEmpty() ? oplens::cli::Usage : oplens::cli::Ok;
    }
    if (command == QLatin1String("--version")) {
        std::printf("oplensctl %s\n", OPLENS_VERSION);
        return oplens::cli::Ok;
    }
    const std::map<QString, std::function<int(const QStringList &)>> commands{
        {QStringLiteral("get-operation-log"), oplens::cli::getOperationLog},
        {QStringLiteral("get-unfinished-operation-log"), oplens::cli::getUnfinishedOperationLog},
        {QStringLiteral("export"), oplens::cli::exportCommand},
        {QStringLiteral("restart"), oplens::cli::restartCommand},
        {QStringLiteral("run"), oplens::cli::runCommand},
        {QStringLiteral("recover"), oplens::cli::recoverCommand},
        {QStringLiteral("acknowledge"), oplens::cli::acknowledgeCommand},
        {QStringLiteral("unacknowledge"), oplens::cli::unacknowledgeCommand},
    };
    const auto it = commands.find(command);
    if (it == commands.end()) {
        oplens::cli::error(QStringLiteral("unknown subcommand \"%1\" (see oplensctl --help)").arg(command));
        return oplens::cli::Usage;
    }
    return it->second(args);
}
