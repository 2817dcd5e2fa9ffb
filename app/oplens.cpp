// oplens: the desktop console. `oplens [SOURCE...]` opens oplogs; `--screenshot FILE.png` saves the window once
// they are loaded and exits; `--notifications` prints what the Notifications pane shows, for machines without display.
#include "mainwindow.h"
#include "notificationspane.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
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
    parser.addOptions({screenshot, notifications});
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("Oplog files to open."), QStringLiteral("[SOURCE...]"));
    parser.process(app);

    oplens::ui::MainWindow window;
    const QStringList sources = parser.positionalArguments();
    const bool batch = parser.isSet(screenshot) || parser.isSet(notifications);
    if (batch && sources.isEmpty()) {
        std::fprintf(stderr, "oplens: --screenshot and --notifications need at least one SOURCE\n");
        return 1;
    }
    if (batch) {
        QObject::connect(&window, &oplens::ui::MainWindow::idle, &app, [&] {
            if (parser.isSet(notifications)) {
                const QStringList lines = window.notificationsPane()->model()->lines();
                std::printf("%s\n", qPrintable(window.notificationsDock()->windowTitle()));
                for (const QString &line : lines)
                    std::printf("  %s\n", qPrintable(line));
                if (lines.isEmpty())
                    std::printf("  nothing was interrupted\n");
            }
            if (parser.isSet(screenshot)) {
                const QString path = parser.value(screenshot);
                if (!window.grab().save(path)) {
                    std::fprintf(stderr, "oplens: could not write %s\n", qPrintable(path));
                    app.exit(1);
                    return;
                }
            }
            app.exit(0);
        }, Qt::QueuedConnection);
        QTimer::singleShot(120 * 1000, &app, [&] {
            std::fprintf(stderr, "oplens: loading took longer than two minutes; giving up\n");
            app.exit(1);
        });
    }
    window.show();
    window.openFiles(sources);
    return app.exec();
}
