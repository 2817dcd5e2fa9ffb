// oplens: the desktop console. `oplens [SOURCE...]` opens oplogs; `--screenshot FILE.png` saves the window once
// they are loaded and exits; `--notifications` prints what the Notifications pane shows, for machines without display.
#include "mainwindow.h"
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
    const QCommandLineOption tokenFile(QStringLiteral("token-file"), QStringLiteral("The agents' bearer token (or OPLENS_TOKEN)."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption cacert(QStringLiteral("cacert"), QStringLiteral("Trust this CA for the agents as well as the system's."),
                                    QStringLiteral("FILE"));
    parser.addOptions({screenshot, notifications, agent, tokenFile, cacert});
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("Oplog files to open."), QStringLiteral("[SOURCE...]"));
    parser.process(app);

    oplens::ui::MainWindow window;
    const QStringList sources = parser.positionalArguments();
    QList<oplens::AgentEndpoint> agents;
    QByteArray token = qgetenv("OPLENS_TOKEN");
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "oplens: --token-file: %s\n", qPrintable(file.errorString()));
            return 1;
        }
        token = file.readAll().trimmed();
    }
    for (const QString &url : parser.values(agent)) {
        QString error;
        auto endpoint = oplens::AgentEndpoint::fromUrl(url, &error);
        if (!endpoint || token.isEmpty()) {
            std::fprintf(stderr, "oplens: %s\n", qPrintable(endpoint ? QStringLiteral("--agent needs --token-file or OPLENS_TOKEN") : error));
            return 1;
        }
        endpoint->token = token;
        endpoint->caFile = parser.value(cacert);
        agents << *endpoint;
    }
    const bool batch = parser.isSet(screenshot) || parser.isSet(notifications);
    if (batch && sources.isEmpty() && agents.isEmpty()) {
        std::fprintf(stderr, "oplens: --screenshot and --notifications need at least one SOURCE\n");
        return 1;
    }
    if (batch) {
        QObject::connect(&window, &oplens::ui::MainWindow::idle, &app, [&] {
            bool unreadable = false;
            if (parser.isSet(notifications)) {
                // A source that could not be read is no all-clear: say so, and exit 2 like oplensctl.
                for (const oplens::SourceState &s : window.session()->sources()) {
                    if (!s.error.isEmpty()) {
                        std::fprintf(stderr, "oplens: %s: %s\n", qPrintable(s.path), qPrintable(s.error));
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
    window.show();
    window.openFiles(sources);
    for (const auto &endpoint : agents)
        window.session()->openAgent(endpoint);
    return app.exec();
}
