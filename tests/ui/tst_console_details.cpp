// The small things a demanding admin noticed (issue 11): help without a display, a small screen, the status filter,
// the Parameters column and cell menu, the Help menu, the Ended column of interrupted operations, restart words,
// and the demo writer's size options.
#include "consolefixture.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "tablepane.h"

#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>

#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace oplens::ui;
using consolefixture::openWindow;
using consolefixture::saveScreenshot;

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

// `widget` is shown whole inside `window`: not clipped by its parents, not beyond the window's edge.
bool wholeIn(QWidget *widget, QWidget *window)
{
    const QRect rect(widget->mapTo(window, QPoint(0, 0)), widget->size());
    return widget->isVisible() && window->rect().contains(rect) && widget->visibleRegion().boundingRect() == widget->rect();
}

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

    // 1024×700 keeps the filter field usable and the count whole; the tables scroll rather than squeeze. The
    // screenshots at three sizes are for a person to look at.
    void smallScreenKeepsFilterAndCount()
    {
        for (const QSize size : {QSize(1024, 700), QSize(1600, 1000), QSize(2560, 1440)}) {
            consolefixture::WindowOptions options;
            options.size = size;
            auto w = openWindow(m_demo, options);
            QVERIFY(w->isIdle());
            QTest::qWait(50); // the layout follows the counts' new text
            QVERIFY(saveScreenshot(w.get(), QStringLiteral("details-%1x%2").arg(size.width()).arg(size.height())));
            QCOMPARE(w->size(), size);
            QLineEdit *search = w->filterBar()->searchField();
            QVERIFY2(search->width() >= search->minimumWidth() && search->minimumWidth() >= 200,
                     qPrintable(QStringLiteral("%1 < %2").arg(search->width()).arg(search->minimumWidth())));
            QVERIFY(wholeIn(search, w.get()));
            QLabel *counts = w->counts();
            QVERIFY(!counts->text().isEmpty());
            QVERIFY2(counts->width() >= counts->fontMetrics().horizontalAdvance(counts->text()),
                     qPrintable(QStringLiteral("%1: %2 px").arg(counts->text()).arg(counts->width())));
            QVERIFY2(wholeIn(counts, w.get()), qPrintable(QStringLiteral("%1,%2 %3").arg(counts->mapTo(w.get(), QPoint()).x()).arg(counts->width()).arg(counts->visibleRegion().boundingRect().width())));
            // The columns keep their widths: the table scrolls sideways instead.
            QHeaderView *header = w->operationsPane()->view()->horizontalHeader();
            QCOMPARE(header->sectionResizeMode(0), QHeaderView::Interactive);
            if (size.width() == 1024)
                QVERIFY(header->length() > w->operationsPane()->view()->viewport()->width());
        }
    }
};

QTEST_MAIN(TestConsoleDetails)
#include "tst_console_details.moc"
