// The small things a demanding admin noticed (issue 11): help without a display, a small screen, the status filter,
// the Parameters column and cell menu, the Help menu, the Ended column of interrupted operations, restart words,
// and the demo writer's size options.
#include "consolefixture.h"
#include "mainwindow.h"

#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace oplens::ui;
using consolefixture::openWindow;

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

// `program args` with no display at all: no DISPLAY, no Wayland, no QT_QPA_PLATFORM.
Run runWithoutDisplay(const QString &program, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QLatin1String(name));
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestConsoleDetails : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QStringList m_demo;

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        m_demo = consolefixture::writeDemo(m_dir.path());
        QCOMPARE(m_demo.size(), 2);
    }

    void cleanup() { QSettings().clear(); }

    void helpAndVersionNeedNoDisplay()
    {
        const Run help = runWithoutDisplay(QStringLiteral(OPLENS), {QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        QVERIFY2(help.out.contains(QStringLiteral("--screenshot <FILE.png>")), qPrintable(help.out + help.err));
        QVERIFY(help.out.contains(QStringLiteral("--notifications")));
        const Run version = runWithoutDisplay(QStringLiteral(OPLENS), {QStringLiteral("--version")});
        QCOMPARE(version.code, 0);
        QCOMPARE(version.out.trimmed(), QStringLiteral("oplens " OPLENS_VERSION));
    }
};

QTEST_MAIN(TestConsoleDetails)
#include "tst_console_details.moc"
