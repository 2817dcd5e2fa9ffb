// The Timeline tab (issue 15): the Operations tab's operations on lanes per server. A click on a bar selects it in
// Details and the tables, a selection elsewhere is brought into view, Shift-drag sets the filter's time range, the
// wheel zooms around the pointer, the filter applies, tooltips explain, and a zoomed-out view of many operations is
// drawn as density. Screenshots of the crash story and the demo for a person to judge.
#include "consolefixture.h"
#include "detailspane.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"
#include "timelinepane.h"

#include <QDateTime>
#include <numeric>
#include <QMenu>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

using namespace oplens;
using namespace oplens::ui;
using testoplog::eventLine;

namespace {
constexpr qint64 kMinute = 60 * 1000;

// The crash story: at 23:00 mailboxd restarted on mail1 and cut three operations short; SmartScan was restarted at
// 23:10 and finished. mail2 ran on, untouched.
QByteArray mail1(qint64 t0)
{
    const QByteArray host = ",\"host\":\"mail1.example.com\"";
    QByteArray log;
    log += eventLine("done", "Started", t0 - 60 * kMinute, host, "ZxBackup", "Purge")
         + eventLine("done", "Finished", t0 - 35 * kMinute, host, "ZxBackup", "Purge");
    log += eventLine("scan", "Started", t0 - 20 * kMinute, host, "ZxBackup", "SmartScan");
    log += eventLine("move", "Started", t0 - 10 * kMinute, host, "ZxPowerstore", "MoveBlobs");
    log += eventLine("restore", "Started", t0 - 5 * kMinute, host, "ZxBackup", "RestoreOnNewAccount");
    log += testoplog::eventLine(QByteArray(), "ServiceStarted", t0, host, "mailboxd", "ServiceStarted");
    log += eventLine("scan2", "Started", t0 + 10 * kMinute, host + ",\"restartOf\":\"scan\"", "ZxBackup", "SmartScan")
         + eventLine("scan2", "Finished", t0 + 40 * kMinute, host, "ZxBackup", "SmartScan");
    return log;
}

QByteArray mail2(qint64 t0)
{
    const QByteArray host = ",\"host\":\"mail2.example.com\"";
    QByteArray log;
    for (int i = 0; i < 4; ++i)
        log += eventLine("m2-" + QByteArray::number(i), "Started", t0 - (50 - 20 * i) * kMinute, host, "ZxMobile", "ResetDevice")
             + eventLine("m2-" + QByteArray::number(i), "Finished", t0 - (50 - 20 * i - 15) * kMinute, host, "ZxMobile", "ResetDevice");
    return log;
}

TimelineCanvas *showTimeline(MainWindow &w)
{
    w.tabs()->setCurrentWidget(w.timelinePane());
    TimelineCanvas *canvas = w.timelinePane()->canvas();
    if (!QTest::qWaitFor([&] { return canvas->layout() && !w.timelinePane()->isBusy(); }, 20000))
        qWarning("the timeline was not laid out in time");
    return canvas;
}

QPoint centreOf(TimelineCanvas *canvas, uint32_t op)
{
    const uint32_t bar = canvas->layout()->barOf(op);
    return bar == kNone ? QPoint() : canvas->frameGeometry().barRect(canvas->layout()->bars()[bar]).center().toPoint();
}

void wheel(QWidget *widget, QPoint at, int notches)
{
    QWheelEvent event(at, widget->mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &event);
}
} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_mail1, m_mail2;
    qint64 m_t0 = 0;

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        m_t0 = QDateTime(QDate(2026, 11, 29), QTime(23, 0)).toMSecsSinceEpoch();
        m_mail1 = m_dir.filePath(QStringLiteral("mail1.jsonl"));
        m_mail2 = m_dir.filePath(QStringLiteral("mail2.jsonl"));
        testfiles::writeFile(m_mail1, mail1(m_t0));
        testfiles::writeFile(m_mail2, mail2(m_t0));
    }

    void showsTheCrashStory();
    void clickSelectsInDetailsAndTables();
    void selectionElsewhereIsBroughtIntoView();
    void selectionOutlivesReadingAgain();
    void newestOperationsWin();
    void brushSetsTheTimeFilter();
    void wheelZoomKeepsThePointUnderThePointer();
    void filterApplies();
    void manyOperationsAreDrawnAsDensity();
    void demoScreenshot();
    void ctrl3ShowsTheTimeline();
    void followsADarkPalette();
    void extremeTimesAreDrawnWithoutHarm();
};

void TestTimeline::showsTheCrashStory()
{
    auto w = consolefixture::openWindow({m_mail1, m_mail2}, {.size = QSize(1400, 800)});
    TimelineCanvas *canvas = showTimeline(*w);
    QVERIFY(canvas->layout());
    const TimelineLayout &layout = *canvas->layout();
    QCOMPARE(layout.lanes().size(), size_t(2));
    QCOMPARE(layout.lanes()[0].label, QStringLiteral("mail1.example.com"));
    QCOMPARE(layout.lanes()[0].subRows, uint16_t(3)); // three runs at once before the restart
    QCOMPARE(layout.markers().size(), size_t(1));
    const auto data = w->session()->data();
    int cut = 0;
    for (const TimelineBar &bar : layout.bars())
        if (bar.cutShort) {
            ++cut;
            QCOMPARE(bar.end, m_t0); // each ends at the service start
        }
    QCOMPARE(cut, 3);
    // The restart is linked to what it restarts.
    const TimelineBar &restart = layout.bars()[layout.barOf(data->findOperation(0, "scan2"))];
    QCOMPARE(restart.restartOf, layout.barOf(data->findOperation(0, "scan")));
    // Hovering a cut bar says why it was cut.
    const QString tip = canvas->toolTipAt(centreOf(canvas, data->findOperation(0, "move")));
    QVERIFY2(tip.contains(QStringLiteral("MoveBlobs")) && tip.contains(QStringLiteral("Interrupted"))
                 && tip.contains(QStringLiteral("service restarted")),
             qPrintable(tip));
    // When it died is not known: after its last event (its start), by the restart. The bar says so (hatched after it).
    const TimelineBar &move = layout.bars()[layout.barOf(data->findOperation(0, "move"))];
    QCOMPARE(move.lastSeen, m_t0 - 10 * kMinute);
    QVERIFY2(tip.contains(QStringLiteral("Last event:")) && tip.contains(QStringLiteral("Cut short by:")) && !tip.contains(QStringLiteral("Ended")),
             qPrintable(tip));
    canvas->setRange(m_t0 - 70 * kMinute, m_t0 + 50 * kMinute);
    QVERIFY(consolefixture::saveScreenshot(w.get(), QStringLiteral("timeline-crash")));
}

void TestTimeline::clickSelectsInDetailsAndTables()
{
    auto w = consolefixture::openWindow({m_mail1, m_mail2});
    TimelineCanvas *canvas = showTimeline(*w);
    const uint32_t op = w->session()->data()->findOperation(0, "restore");
    const QPoint at = centreOf(canvas, op);
    QVERIFY(canvas->rect().contains(at));
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at);
    QCOMPARE(w->detailsPane()->operation(), op);
    QCOMPARE(w->operationsPane()->currentOperation(), op);
    QCOMPARE(canvas->selectedOperation(), op);
    // A click on nothing selects nothing new.
    QTest::mouseClick(canvas, Qt::LeftButton, {}, QPoint(canvas->width() - 5, canvas->height() - 5));
    QCOMPARE(w->detailsPane()->operation(), op);
}

void TestTimeline::selectionElsewhereIsBroughtIntoView()
{
    auto w = consolefixture::openWindow({m_mail1, m_mail2});
    TimelineCanvas *canvas = showTimeline(*w);
    const uint32_t op = w->session()->data()->findOperation(1, "m2-0");
    canvas->setRange(m_t0 + 100 * kMinute, m_t0 + 110 * kMinute); // far from it
    w->operationsPane()->selectOperation(op);                      // as if the admin clicked its row
    QCOMPARE(w->detailsPane()->operation(), op);
    QCOMPARE(canvas->selectedOperation(), op);
    const TimelineBar &bar = canvas->layout()->bars()[canvas->layout()->barOf(op)];
    QVERIFY(canvas->from() <= bar.start && bar.end <= canvas->to());
    QVERIFY(canvas->frameGeometry().plot().contains(centreOf(canvas, op)));
}

// A dataset read again numbers its operations anew: the selection stays on the same (source, operation id).
void TestTimeline::selectionOutlivesReadingAgain()
{
    const auto datasetOf = [this](const QByteArray &first) {
        auto data = std::make_shared<Dataset>();
        testoplog::parseInto(data->events(), data->addSource(m_mail1), first + mail1(m_t0));
        testoplog::parseInto(data->events(), data->addSource(m_mail2), mail2(m_t0));
        data->aggregate();
        return data;
    };
    const auto before = datasetOf({}), after = datasetOf(eventLine("new", "Started", m_t0 - 90 * kMinute));
    const auto layoutOf = [this](const Dataset &data) {
        std::vector<uint32_t> ops(data.operationCount());
        std::iota(ops.begin(), ops.end(), 0u);
        return std::make_shared<TimelineLayout>(TimelineLayout::build(data, ops, m_t0 + 60 * kMinute));
    };
    TimelineCanvas canvas;
    canvas.resize(1000, 400);
    canvas.setContent(before, layoutOf(*before));
    canvas.selectOperation(*before, before->findOperation(1, "m2-2"));
    canvas.setContent(after, layoutOf(*after));
    QVERIFY(after->findOperation(1, "m2-2") != before->findOperation(1, "m2-2")); // numbered anew
    QCOMPARE(canvas.selectedOperation(), after->findOperation(1, "m2-2"));
    // Selected in a newer dataset than the one drawn (the tab lays out the new one later): the same operation.
    canvas.setContent(before, layoutOf(*before));
    canvas.selectOperation(*after, after->findOperation(1, "m2-1"));
    QCOMPARE(canvas.selectedOperation(), before->findOperation(1, "m2-1"));
}

// Operations handed over faster than they are laid out (a followed source): each layout is shown when done, and the
// last one handed over is the one left.
void TestTimeline::newestOperationsWin()
{
    auto data = std::make_shared<Dataset>();
    testoplog::parseInto(data->events(), data->addSource(m_mail1), mail1(m_t0));
    data->aggregate();
    TimelinePane pane;
    pane.resize(1000, 400);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    int shown = 0;
    connect(&pane, &TimelinePane::settled, this, [&] { ++shown; });
    for (uint32_t count = 1; count <= 5; ++count) {
        std::vector<uint32_t> ops(count);
        std::iota(ops.begin(), ops.end(), 0u);
        pane.setOperations(data, ops, m_t0);
    }
    QTRY_VERIFY(!pane.isBusy() && pane.canvas()->layout());
    QCOMPARE(pane.canvas()->layout()->bars().size(), size_t(5));
    QVERIFY(shown >= 1);
}

void TestTimeline::brushSetsTheTimeFilter()
{
    auto w = consolefixture::openWindow({m_mail1, m_mail2});
    TimelineCanvas *canvas = showTimeline(*w);
    canvas->setRange(m_t0 - 70 * kMinute, m_t0 + 50 * kMinute);
    const TimelineGeometry g = canvas->frameGeometry();
    const QPoint from(int(g.x(m_t0 + 15 * kMinute)), int(g.plot().top() + 5)), to(int(g.x(m_t0 + 30 * kMinute)), from.y());
    QTest::mousePress(canvas, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(canvas, (from + to) / 2);
    QTest::mouseMove(canvas, to);
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::ShiftModifier, to);
    const ViewFilter filter = w->filterBar()->filter();
    QVERIFY2(std::abs(filter.since - (m_t0 + 15 * kMinute)) <= 2 * g.msPerPixel(), qPrintable(QString::number(filter.since - m_t0)));
    QVERIFY(std::abs(filter.until - (m_t0 + 30 * kMinute)) <= 2 * g.msPerPixel());
    // Only what ran then is left: the restarted SmartScan (23:10-23:40) and mail2's last run (23:10-23:25).
    QTRY_COMPARE(w->operationsPane()->shown(), size_t(2));
    QTRY_VERIFY(canvas->layout() && canvas->layout()->bars().size() == 2 && !w->timelinePane()->isBusy());
    QVERIFY(std::abs(canvas->from() - filter.since) <= 2 * g.msPerPixel()); // the view is the brushed range
    // "All time" takes the range away and shows everything again.
    auto *allTime = w->timelinePane()->findChild<QToolButton *>(QStringLiteral("timelineAllTime"));
    QVERIFY(allTime && allTime->isVisible());
    // A layout of the brushed operations still being built (a followed source's append) is not the one fitted.
    w->timelinePane()->setOperations(w->operationsPane()->resultData(), w->operationsPane()->resultRows(), m_t0 + 60 * kMinute);
    QVERIFY(w->timelinePane()->isBusy());
    allTime->click();
    QCOMPARE(w->filterBar()->filter().since, kNoTime);
    QTRY_COMPARE(w->operationsPane()->shown(), size_t(9));
    QTRY_VERIFY(!w->timelinePane()->isBusy() && canvas->layout()->bars().size() == 9);
    QVERIFY(canvas->from() <= m_t0 - 60 * kMinute && canvas->to() >= m_t0 + 40 * kMinute);
    QVERIFY(!allTime->isVisible());
}

void TestTimeline::wheelZoomKeepsThePointUnderThePointer()
{
    auto w = consolefixture::openWindow({m_mail1, m_mail2});
    TimelineCanvas *canvas = showTimeline(*w);
    canvas->setFocus();
    const QPoint at(int(canvas->frameGeometry().plot().left() + canvas->frameGeometry().plot().width() * 0.3), 80);
    const int64_t under = canvas->frameGeometry().timeAt(at.x());
    const int64_t span = canvas->to() - canvas->from();
    wheel(canvas, at, 2);
    QVERIFY(canvas->to() - canvas->from() < span * 0.7);
    QVERIFY(std::abs(canvas->frameGeometry().timeAt(at.x()) - under) <= canvas->frameGeometry().msPerPixel() + 1);
    wheel(canvas, at, -1);
    QVERIFY(std::abs(canvas->frameGeometry().timeAt(at.x()) - under) <= canvas->frameGeometry().msPerPixel() + 1);
    // Home fits everything again; + and - zoom around the middle.
    QTest::keyClick(canvas, Qt::Key_Home);
    QCOMPARE(canvas->to() - canvas->from(), span);
    QTest::keyClick(canvas, Qt::Key_Plus);
    QVERIFY(canvas->to() - canvas->from() < span);
    // With a run selected in view, + zooms around it: it stays where it is.
    QTest::keyClick(canvas, Qt::Key_Home);
    const uint32_t purge = w->session()->data()->findOperation(0, "done");
    w->operationsPane()->selectOperation(purge);
    const double before = centreOf(canvas, purge).x();
    QVERIFY(std::abs(before - canvas->frameGeometry().plot().center().x()) > 100); // not at the middle
    QTest::keyClick(canvas, Qt::Key_Plus);
    QVERIFY(std::abs(centreOf(canvas, purge).x() - before) <= 2);
}

void TestTimeline::filterApplies()
{
    auto w = consolefixture::openWindow({m_mail1, m_mail2});
    TimelineCanvas *canvas = showTimeline(*w);
    QCOMPARE(canvas->layout()->bars().size(), size_t(9));
    w->filterBar()->filterBy(QStringLiteral("status"), QStringLiteral("Interrupted"));
    QTRY_COMPARE(w->operationsPane()->shown(), size_t(3));
    QTRY_VERIFY(!w->timelinePane()->isBusy() && canvas->layout()->bars().size() == 3);
    QCOMPARE(canvas->layout()->lanes().size(), size_t(1)); // mail2 had none of them
    for (const TimelineBar &bar : canvas->layout()->bars())
        QVERIFY(w->operationsPane()->shows(bar.op));
}

void TestTimeline::manyOperationsAreDrawnAsDensity()
{
    QByteArray log;
    for (int i = 0; i < 12000; ++i) {
        const QByteArray id = "op" + QByteArray::number(i);
        const qint64 start = m_t0 + qint64(i) * 20000;
        log += eventLine(id, "Started", start) + eventLine(id, i % 97 == 0 ? "Failed" : "Finished", start + 90000);
    }
    const QString path = m_dir.filePath(QStringLiteral("many.jsonl"));
    testfiles::writeFile(path, log);
    auto w = consolefixture::openWindow({path});
    TimelineCanvas *canvas = showTimeline(*w);
    QVERIFY(canvas->wantsDensity());
    QTRY_VERIFY(!w->timelinePane()->isBusy());
    canvas->repaint();
    QVERIFY(canvas->showsDensity());
    QVERIFY(consolefixture::saveScreenshot(w->timelinePane(), QStringLiteral("timeline-density")));
    // Density is binned per zoom level a view's width beyond each side: a pan, and zooming back, need no new binning.
    QTest::keyClick(canvas, Qt::Key_Right);
    QVERIFY(canvas->wantsDensity() && !w->timelinePane()->isBusy());
    const QPoint middle = canvas->frameGeometry().plot().center().toPoint();
    wheel(canvas, middle, 1);
    QTRY_VERIFY(!w->timelinePane()->isBusy());
    wheel(canvas, middle, -1);
    QVERIFY(canvas->wantsDensity() && !w->timelinePane()->isBusy());
    // Zoomed in to a few minutes: bars again, and a click selects.
    canvas->setRange(m_t0 + 3600 * 1000, m_t0 + 3600 * 1000 + 5 * kMinute);
    QVERIFY(!canvas->wantsDensity());
    canvas->repaint();
    QVERIFY(!canvas->showsDensity());
    const uint32_t op = w->session()->data()->findOperation(0, "op181");
    QTest::mouseClick(canvas, Qt::LeftButton, {}, centreOf(canvas, op));
    QCOMPARE(w->detailsPane()->operation(), op);
    // Selected elsewhere while zoomed out over all of them: the view closes in on it, where it can be told apart.
    QTest::keyClick(canvas, Qt::Key_Home);
    QVERIFY(canvas->wantsDensity());
    const uint32_t far = w->session()->data()->findOperation(0, "op9000");
    w->operationsPane()->selectOperation(far);
    QCOMPARE(canvas->selectedOperation(), far);
    const TimelineBar &bar = canvas->layout()->bars()[canvas->layout()->barOf(far)];
    QVERIFY(canvas->from() <= bar.start && bar.end <= canvas->to());
    QVERIFY(!canvas->wantsDensity());
}

void TestTimeline::demoScreenshot()
{
    QTemporaryDir dir;
    const QStringList demo = consolefixture::writeDemo(dir.path());
    QCOMPARE(demo.size(), 2);
    auto w = consolefixture::openWindow(demo, {.size = QSize(1400, 800)});
    TimelineCanvas *canvas = showTimeline(*w);
    QCOMPARE(canvas->layout()->lanes().size(), size_t(2));
    QVERIFY(consolefixture::saveScreenshot(w.get(), QStringLiteral("timeline-demo")));
}

void TestTimeline::ctrl3ShowsTheTimeline()
{
    auto w = consolefixture::openWindow({m_mail1});
    QTest::keyClick(w.get(), Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(w->tabs()->currentWidget(), w->timelinePane());
    QTRY_VERIFY(w->timelinePane()->canvas()->layout() && !w->timelinePane()->isBusy());
    QTest::keyClick(w.get(), Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(w->tabs()->currentWidget(), w->operationsPane());
}

void TestTimeline::followsADarkPalette()
{
    const QPalette before = QApplication::palette();
    QPalette dark = before;
    dark.setColor(QPalette::Base, QColor(0x1E, 0x1E, 0x1E));
    dark.setColor(QPalette::AlternateBase, QColor(0x2A, 0x2A, 0x2A));
    dark.setColor(QPalette::Window, QColor(0x2D, 0x2D, 0x2D));
    dark.setColor(QPalette::Text, QColor(0xE6, 0xE6, 0xE6));
    dark.setColor(QPalette::WindowText, QColor(0xE6, 0xE6, 0xE6));
    dark.setColor(QPalette::Highlight, QColor(0x4F, 0x9D, 0xFF));
    QApplication::setPalette(dark);
    auto w = consolefixture::openWindow({m_mail1, m_mail2}, {.size = QSize(1400, 800)});
    TimelineCanvas *canvas = showTimeline(*w);
    canvas->setRange(m_t0 - 70 * kMinute, m_t0 + 50 * kMinute);
    const QImage image = canvas->grab().toImage();
    QApplication::setPalette(before);
    // The empty plot under the lanes is the dark base; the first lane's label is drawn in the light text colour.
    const QPointF blank(canvas->frameGeometry().plot().center().x(), canvas->frameGeometry().plot().bottom() - 5);
    QCOMPARE(image.pixelColor(blank.toPoint()).rgb(), QColor(0x1E, 0x1E, 0x1E).rgb());
    bool lightText = false;
    const int laneY = int(canvas->frameGeometry().laneTop(0) + 12);
    for (int x = 4; x < 120 && !lightText; ++x)
        lightText = qGray(image.pixel(x, laneY)) > 170;
    QVERIFY(lightText);
    QVERIFY(image.save(consolefixture::screenshotPath(QStringLiteral("timeline-dark"))));
}

// A file may say any 64-bit startTime: the timeline fits, zooms, pans, draws and explains such runs like others.
void TestTimeline::extremeTimesAreDrawnWithoutHarm()
{
    constexpr qint64 kMax = std::numeric_limits<qint64>::max(), kMin = std::numeric_limits<qint64>::min() + 1;
    QByteArray log = eventLine("min", "Started", kMin) + eventLine("min", "Finished", kMin + 5);
    log += eventLine("max", "Started", kMax - 5) + eventLine("max", "Finished", kMax);
    log += eventLine("whole", "Started", kMin) + eventLine("whole", "Failed", kMax);
    log += eventLine("now", "Started", m_t0) + testoplog::serviceStarted(kMax);
    const QString path = m_dir.filePath(QStringLiteral("extreme.jsonl"));
    QVERIFY(testfiles::writeFile(path, log));
    auto w = consolefixture::openWindow({path});
    TimelineCanvas *canvas = showTimeline(*w);
    QVERIFY(canvas->layout() && canvas->layout()->bars().size() == 4);
    QVERIFY(!canvas->grab().isNull());
    const QRectF plot = canvas->frameGeometry().plot();
    for (const double share : {0.0, 0.5, 1.0}) {
        wheel(canvas, QPoint(int(plot.left() + share * (plot.width() - 1)), int(plot.top() + 5)), 60); // deep in
        QVERIFY(canvas->to() - canvas->from() >= TimelineCanvas::kMinSpanMs);
        QVERIFY(!canvas->grab().isNull());
        for (int i = 0; i < 20; ++i)
            QTest::keyClick(canvas, share < 0.5 ? Qt::Key_Left : Qt::Key_Right);
        canvas->toolTipAt(plot.center());
        wheel(canvas, plot.center().toPoint(), -80); // far out
        QVERIFY(canvas->from() < canvas->to());
        QVERIFY(!canvas->grab().isNull());
        QTest::keyClick(canvas, Qt::Key_Home);
    }
    QTRY_VERIFY(!w->timelinePane()->isBusy());
    // Home shows what is believable (the run of 23:00), not the ten million centuries between the absurd times.
    QVERIFY(canvas->from() <= m_t0 && m_t0 <= canvas->to());
    QVERIFY(canvas->to() - canvas->from() < 400LL * 24 * 3600 * 1000);
    canvas->selectOperation(*w->session()->data(), w->session()->data()->findOperation(0, "max"));
    QVERIFY(!canvas->grab().isNull());
}

QTEST_MAIN(TestTimeline)
#include "tst_timeline_console.moc"
