// oplens: the desktop console. `oplens [SOURCE...]` opens oplogs; `--screenshot FILE.png` saves the window once
// they are loaded and exits; `--notifications` prints what the Notifications pane shows, for machines without display.
#include "mainwindow.h"
#include "workspaces.h"
#include "notificationspane.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFile>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Decided before QApplication exists: printing needs no display.
    for (int i = 1; i < argc; ++i)
        if (qstrcmp(argv[i], "--notifications") == 0)
            qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("OpLens"));
    QApplication::setApplicationName(QStringLiteral("oplens"));
    QApplication::setApplicationVersion(QStringLiteral(OPLENS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("OpLens console: which operations were interrupted."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Load the sources, save the window as a PNG and exit."),
                                        QStringLiteral("FILE.png"));
    const QCommandLineOption notifications(QStringLiteral("notifications"),
                                           QStringLiteral("Print what the Notifications pane shows and exit."));
    const QCommandLineOption agent(QStringLiteral("agent"), QStringLiteral("Open an agent's oplog (agent+https://host:port#log); repeatable."),
                                   QStringLiteral("URL"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"),
                                       QStringLiteral("Remote sources' bearer token (or OPLENS_TOKEN)."), QStringLiteral("FILE"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("Web servers: HTTP Basic user (with --password-file)."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption passwordFile(QStringLiteral("password-file"), QStringLiteral("Web servers: the Basic password."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption cacert(QStringLiteral("cacert"), QStringLiteral("Trust this CA for remote sources as well as the system's."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption workspace(QStringLiteral("workspace"), QStringLiteral("Open a saved workspace."), QStringLiteral("FILE"));
    parser.addOptions({screenshot, notifications, agent, tokenFile, user, passwordFile, cacert, workspace});
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("Oplog files, http(s):// URLs of oplog files, agent+https://host:port#LOG."),
                                 QStringLiteral("[SOURCE...]"));
    parser.process(app);

    oplens::ui::MainWindow window;
    QStringList files;
    QList<oplens::RemoteSpec> remotes;
    QByteArray token = qgetenv("OPLENS_TOKEN").trimmed(), password;
    for (const auto &[option, secret] : {std::pair{&tokenFile, &token}, std::pair{&passwordFile, &password}}) {
        if (!parser.isSet(*option))
            continue;
        QString error;
        *secret = oplens::readSecretFile(parser.value(*option), &error);
        if (secret->isEmpty()) {
            std::fprintf(stderr, "oplens: --%s: %s\n", qPrintable(option->names().first()), qPrintable(error));
            return 1;
        }
    }
    for (const QString &source : parser.positionalArguments() + parser.values(agent)) {
        if (!oplens::RemoteSpec::isRemote(source)) {
            files << source;
            continue;
        }
        QString error;
        auto spec = oplens::RemoteSpec::fromUrl(source, &error);
        if (spec && spec->kind == oplens::RemoteSpec::Kind::File && spec->auth == oplens::RemoteSpec::Auth::None) {
            if (parser.isSet(user)) {
                spec->auth = oplens::RemoteSpec::Auth::Basic;
                spec->user = parser.value(user);
            } else if (parser.isSet(tokenFile)) { // OPLENS_TOKEN alone is for agents: not sent to any web server
                spec->auth = oplens::RemoteSpec::Auth::Bearer;
            }
        }
        if (spec) {
            spec->secret = spec->auth == oplens::RemoteSpec::Auth::Basic ? password : token;
            spec->caFile = parser.value(cacert);
            if (spec->needsSecret() && spec->secret.isEmpty())
                error = QStringLiteral("%1 needs %2").arg(source, spec->auth == oplens::RemoteSpec::Auth::Basic
                                                                      ? QStringLiteral("--password-file")
                                                                      : QStringLiteral("--token-file or OPLENS_TOKEN"));
        }
        if (!spec || !error.isEmpty()) {
            std::fprintf(stderr, "oplens: %s\n", qPrintable(error));
            return 1;
        }
        remotes << *spec;
    }
    const bool batch = parser.isSet(screenshot) || parser.isSet(notifications);
    if (batch && files.isEmpty() && remotes.isEmpty() && !parser.isSet(workspace)) {
        std::fprintf(stderr, "oplens: --screenshot and --notifications need at least one SOURCE or a --workspace\n");
        return 1;
    }
    if (batch) {
        QObject::connect(&window, &oplens::ui::MainWindow::idle, &app, [&] {
            bool unreadable = false;
            if (parser.isSet(notifications)) {
                // A source that could not be read is no all-clear: say so, and exit 2 like oplensctl.
                for (const oplens::SourceState &s : window.session()->sources()) {
                    const QString error = s.remote && !s.remote->state().error.isEmpty() ? s.remote->state().error : s.error;
                    if (!error.isEmpty()) {
                        std::fprintf(stderr, "oplens: %s: %s\n", qPrintable(s.path), qPrintable(error));
                        unreadable = true;
                    }
                    for (const oplens::ReadProblem &p : s.problems)
                        std::fprintf(stderr, "oplens: %s: %s: skipped: %s\n", qPrintable(s.path), qPrintable(p.place()), qPrintable(p.reason));
                }
                const QStringList lines = window.notificationsPane()->model()->lines();
                std::printf("%s\n", qPrintable(window.notificationsDock()->windowTitle()));
                for (const QString &line : lines)
                    std::printf("  %s\n", qPrintable(line));
                if (lines.isEmpty())
                    std::printf(unreadable ? "  nothing interrupted in what could be read\n" : "  nothing was interrupted\n");
            }
            if (parser.isSet(screenshot)) {
                const QString path = parser.value(screenshot);
                if (!window.grab().save(path)) {
                    std::fprintf(stderr, "oplens: could not write %s\n", qPrintable(path));
                    app.exit(1);
                    return;
                }
            }
            app.exit(unreadable ? 2 : 0);
        }, Qt::QueuedConnection);
        QTimer::singleShot(120 * 1000, &app, [&] {
            std::fprintf(stderr, "oplens: loading took longer than two minutes; giving up\n");
            app.exit(1);
        });
    }
    if (parser.isSet(workspace)) {
        QString error;
        if (!oplens::readWorkspace(parser.value(workspace), &error)) {
            std::fprintf(stderr, "oplens: --workspace: %s\n", qPrintable(error));
            return 1;
        }
    }
    window.workspaces()->setInteractive(!batch);
    window.workspaces()->setCommandLineSecrets(token, parser.isSet(tokenFile), parser.value(user), password);
    window.show();
    if (parser.isSet(workspace))
        window.workspaces()->openWorkspace(parser.value(workspace));
    window.openFiles(files);
    for (const auto &spec : remotes)
        window.workspaces()->openRemote(spec);
    window.workspaces()->endCommandLine(); // a workspace opened later from the menu gets none of its secrets
    return app.exec();
}
