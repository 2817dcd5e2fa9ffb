// The console under QT_QPA_PLATFORM=offscreen: real windows, QTest input, screenshots under the build folder.
#include "consolefixture.h"
#include "detailspane.h"
#include "eventsmodel.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "operationsmodel.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QCheckBox>
#include <QToolButton>
#include <QTreeView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace oplens;
using namespace oplens::ui;

using consolefixture::openWindow;
using consolefixture::saveScreenshot;
using testfiles::appendFile;
using testfiles::readAll;
using testfiles::writeFile;
using testoplog::Event;

namespace {

// An event of a cron job, as the service writes it.
QByteArray lineOf(const QString &type, const QString &id, qint64 time, const QString &name = QStringLiteral("SmartScan"))
{
    return Event(id, type, time)
        .name(name)
        .parameters({{QStringLiteral("origin"), QStringLiteral("Cron")}})
        .set(u"requestedBy", QStringLiteral("zimbra"))
        .line();
}

int notificationCount(MainWindow &w) { return w.notificationsPane()->model()->unacknowledgedCount(); }

// What the demo files hold, counted from their lines: the demo ends at the time it is made, so how many nightly runs
// its four weeks hold depends on the hour and the date.
struct Counts {
    size_t events = 0, operations = 0;
};
Counts countsIn(const QStringList &paths)
{
    Counts counts;
    for (const QString &path : paths) {
        const QByteArray text = readAll(path);
        if (text.isEmpty())
            return {};
        QSet<QString> ids;
        for (QByteArray line : text.split('\n')) {
            line = line.trimmed();
            if (line.isEmpty())
                continue;
            ++counts.events;
            const QString id = QJsonDocument::fromJson(line).object().value(QStringLiteral("operationId")).toString();
            if (!id.isEmpty())
                ids.insert(id);
        }
        counts.operations += size_t(ids.size());
    }
    return counts;
}

} // namespace

class TestConsole : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_demo;

    int eventsNamed(const QString &name) const
    {
        int count = 0;
        for (const QString &path : m_demo)
            count += QString::fromUtf8(readAll(path)).count(QStringLiteral("\"name\":\"%1\"").arg(name));
        return count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings(); // settings in a test folder, not the user's
        QVERIFY(m_dir.isValid());
        m_demo = consolefixture::writeDemo(m_dir.path());
        QCOMPARE(m_demo.size(), 2);
    }

    void cleanup() { QSettings().clear(); }

    void demoShowsWhatWasInterrupted()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        // Two interrupted by the crash on mail1, but that night's SmartScan is superseded by the next night's run:
        // one RestoreOnNewAccount to look at, and one MoveBlobs stale on mail2, each in a group of its own.
        NotificationsModel *model = w->notificationsPane()->model();
        QCOMPARE(notificationCount(*w), 2);
        QCOMPARE(w->notificationsDock()->windowTitle(), QStringLiteral("Notifications (2)"));
        const QStringList lines = model->lines();
        QCOMPARE(lines.filter(QStringLiteral("Interrupted")).size(), 1);
        QCOMPARE(lines.filter(QStringLiteral("service restarted at")).size(), 1);
        QCOMPARE(lines.filter(QStringLiteral("Stale")).size(), 1);
        QCOMPARE(model->rowCount(), 2);
        // The newest group first: the stale MoveBlobs began 6 h ago, the crash was 3 days ago.
        QVERIFY(model->index(0, 0).data().toString().startsWith(QStringLiteral("mail2.example.com · running too long · 1 operation")));
        QVERIFY(model->index(1, 0).data().toString().contains(QStringLiteral("mail1.example.com · service restarted")));
        QCOMPARE(model->supersededCount(), 1);
        auto *showSuperseded = w->notificationsPane()->findChild<QCheckBox *>(QStringLiteral("showSuperseded"));
        QCOMPARE(showSuperseded->text(), QStringLiteral("Show superseded (1)"));
        showSuperseded->setChecked(true);
        const QStringList superseded = model->lines().filter(QStringLiteral("superseded by the run of"));
        QCOMPARE(superseded.size(), 1);
        QVERIFY(superseded.first().startsWith(QStringLiteral("ZxBackup SmartScan on mail1.example.com")));
        QVERIFY2(model->index(1, 0).data().toString().contains(QStringLiteral("· 2 operations")), qPrintable(model->groupedLines().join(QLatin1Char(10))));
        QCOMPARE(notificationCount(*w), 2); // still nothing more to act on
        showSuperseded->setChecked(false);
        QVERIFY(lines.filter(QStringLiteral("Stale")).first().contains(QStringLiteral("MoveBlobs on mail2.example.com")));
        const Counts counts = countsIn(m_demo);
        QVERIFY(counts.operations > 100);
        QCOMPARE(w->operationsPane()->total(), counts.operations);
        QCOMPARE(w->operationsPane()->shown(), counts.operations);
        QCOMPARE(w->eventsPane()->total(), counts.events);
        QCOMPARE(w->sourcesPane()->tree()->topLevelItemCount(), 2);
        for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(w->operationsPane()->model()),
                                          static_cast<QAbstractItemModel *>(w->eventsPane()->model()),
                                          static_cast<QAbstractItemModel *>(w->notificationsPane()->model())})
            QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("demo")));
    }

    void typingInTheFilterNarrowsTheRows()
    {
        auto w = openWindow(m_demo);
        QAbstractItemModelTester tester(w->operationsPane()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTest::keyClick(w.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(w->filterBar()->searchField()->hasFocus());
        QTest::keyClicks(w->filterBar()->searchField(), QStringLiteral("restoreonnew"));
        QTRY_COMPARE(w->operationsPane()->shown(), size_t(6)); // 4 on mail1, 2 on mail2
        for (int row = 0; row < 6; ++row)
            QCOMPARE(w->operationsPane()->model()->index(row, int(OperationColumn::Name)).data().toString(),
                     QStringLiteral("RestoreOnNewAccount"));
        QTRY_VERIFY(w->counts()->text().startsWith(QStringLiteral("Showing 6 of %1").arg(countsIn(m_demo).operations)));
        w->tabs()->setCurrentIndex(1);
        QTRY_COMPARE(w->eventsPane()->shown(), size_t(eventsNamed(QStringLiteral("RestoreOnNewAccount"))));
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("filtered")));
        w->filterBar()->searchField()->clear();
        QTRY_COMPARE(w->eventsPane()->shown(), countsIn(m_demo).events);
    }

    void selectingShowsDetails()
    {
        auto w = openWindow(m_demo);
        QTreeView *notifications = w->notificationsPane()->view();
        const uint32_t op = w->notificationsPane()->model()->shownOperations().at(0); // the interrupted one
        w->notificationsPane()->selectOperation(op);
        QTest::keyClick(notifications, Qt::Key_Return);
        QTRY_COMPARE(w->operationsPane()->currentOperation(), op);
        QTRY_COMPARE(w->detailsPane()->operation(), op);
        QTreeWidget *tree = w->detailsPane()->tree();
        QStringList sections;
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            sections << tree->topLevelItem(i)->text(0);
        QVERIFY2(sections.contains(QStringLiteral("Parameters")), qPrintable(sections.join(QLatin1Char(','))));
        QVERIFY(sections.filter(QStringLiteral("Events (")).size() == 1);
        QVERIFY(w->detailsPane()->operationJson().contains(QStringLiteral("\"operationList\"")));
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("details")));
    }

    void acknowledgingSurvivesReopening()
    {
        {
            auto w = openWindow(m_demo);
            QCOMPARE(notificationCount(*w), 2);
            w->notificationsPane()->selectOperation(w->notificationsPane()->model()->shownOperations().at(0));
            auto *acknowledge = w->notificationsPane()->findChild<QToolButton *>(QStringLiteral("acknowledgeButton"));
            QVERIFY(acknowledge);
            QCOMPARE(acknowledge->text(), QStringLiteral("Acknowledge"));
            QTest::mouseClick(acknowledge, Qt::LeftButton);
            QCOMPARE(notificationCount(*w), 1);
            QCOMPARE(w->notificationsDock()->windowTitle(), QStringLiteral("Notifications (1)"));
            w->close();
        }
        auto again = openWindow(m_demo);
        QCOMPARE(notificationCount(*again), 1);
        QCOMPARE(again->notificationsPane()->model()->notificationCount(), 1);
        again->notificationsPane()->model()->setShowAcknowledged(true);
        QCOMPARE(again->notificationsPane()->model()->notificationCount(), 2);
    }

    void followedFileShowsAppendedLines()
    {
        const QString path = m_dir.filePath(QStringLiteral("followed.jsonl"));
        QFile::remove(path);
        QVERIFY(QFile::copy(m_demo[0], path));
        auto w = openWindow({path});
        QVERIFY(w->session()->sources().first().follow); // the newest file opened is followed
        const size_t before = w->operationsPane()->total();
        const int interrupted = notificationCount(*w);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(appendFile(path, lineOf(QStringLiteral("Started"), QStringLiteral("follow-1"), now)));
        QTRY_COMPARE_WITH_TIMEOUT(w->operationsPane()->total(), before + 1, 5000);
        // A half-written line waits for its line ending.
        const QByteArray restart = Event({}, "ServiceStarted", now + 1000).module("ZxCore").name("ServiceStarted").line();
        const qsizetype half = restart.indexOf("\"type\""); // {"module":"ZxCore","name":"ServiceStarted",
        QVERIFY(half > 0);
        QVERIFY(appendFile(path, restart.left(half)));
        QTest::qWait(300);
        QCOMPARE(notificationCount(*w), interrupted);
        QSignalSpy spy(w->session(), &Session::newInterruptions);
        QVERIFY(appendFile(path, restart.mid(half)));
        // The restart interrupts the new operation and the SmartScan that mail1 was running.
        QTRY_COMPARE_WITH_TIMEOUT(notificationCount(*w), interrupted + 2, 5000);
        QCOMPARE(spy.count(), 1);
        const QStringList fresh = spy.first().first().toStringList();
        QCOMPARE(fresh.size(), 2);
        QVERIFY(fresh.first().contains(QStringLiteral("service restarted")));
        QVERIFY(w->session()->sources().first().problems.empty());
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("followed")));
    }

    void truncatedFileIsReadAgain()
    {
        const QString path = m_dir.filePath(QStringLiteral("truncated.jsonl"));
        QFile::remove(path);
        QVERIFY(QFile::copy(m_demo[1], path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        auto w = openWindow({path});
        QCOMPARE(w->eventsPane()->total(), countsIn({path}).events);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(writeFile(path, lineOf(QStringLiteral("Started"), QStringLiteral("t-1"), now) // same file, shorter
                                    + lineOf(QStringLiteral("Finished"), QStringLiteral("t-1"), now + 10)));
        QTRY_COMPARE_WITH_TIMEOUT(w->eventsPane()->total(), size_t(2), 5000);
        QCOMPARE(w->operationsPane()->total(), size_t(1));
        QCOMPARE(w->session()->sources().first().notice, QStringLiteral("read again from the start: the file shrank"));
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("truncated")));
    }

    void badLinesAreListedInSources()
    {
        const QString path = m_dir.filePath(QStringLiteral("bad.jsonl"));
        QVERIFY(writeFile(path, lineOf(QStringLiteral("Started"), QStringLiteral("b-1"), 1700000000000) + "not json at all\n"
                                    + lineOf(QStringLiteral("Finished"), QStringLiteral("b-1"), 1700000001000)));
        auto w = openWindow({path});
        QCOMPARE(w->operationsPane()->total(), size_t(1));
        QTreeWidgetItem *source = w->sourcesPane()->tree()->topLevelItem(0);
        QVERIFY(source);
        QTreeWidgetItem *skipped = source->child(0);
        QVERIFY(skipped);
        QCOMPARE(skipped->text(1), QStringLiteral("1"));
        QCOMPARE(skipped->child(0)->text(0), QStringLiteral("line 2"));
        QVERIFY(skipped->child(0)->text(SourcesPane::State).startsWith(QStringLiteral("not valid JSON")));
    }

    void layoutAndFiltersAreKept()
    {
        {
            auto w = openWindow(m_demo);
            QTest::keyClicks(w->filterBar()->searchField(), QStringLiteral("MoveBlobs"));
            QTRY_VERIFY(w->operationsPane()->shown() < w->operationsPane()->total());
            w->operationsPane()->view()->horizontalHeader()->resizeSection(int(OperationColumn::Host), 333);
            w->close();
        }
        auto again = openWindow(m_demo);
        QCOMPARE(again->filterBar()->searchField()->text(), QStringLiteral("MoveBlobs"));
        QTRY_VERIFY(again->operationsPane()->shown() < again->operationsPane()->total());
        QCOMPARE(again->operationsPane()->view()->horizontalHeader()->sectionSize(int(OperationColumn::Host)), 333);
    }
};

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
