// The Servers view (issue 11, "Triage"): per server its operations counted by status, open notifications, last
// service start and the last good run of each module and name; clicking a count filters the tables through the
// filter bar.
#include "consolefixture.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "serverspane.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QDockWidget>
#include <QTreeView>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace oplens;
using namespace oplens::ui;
using testoplog::eventLine;

namespace {
constexpr qint64 kHour = 3600 * 1000;
constexpr qint64 kDay = 24 * kHour;

// mail1.example.com (its events name the host): one operation of each status, a Stale run, a service start.
QByteArray mail1(qint64 now)
{
    const QByteArray host = ",\"host\":\"mail1.example.com\"";
    QByteArray log;
    log += testoplog::serviceStarted(now - 40 * kHour, host);
    log += eventLine("a1", "Started", now - 3 * kDay, host) + eventLine("a1", "Finished", now - 3 * kDay + kHour, host);
    log += eventLine("a2", "Started", now - 2 * kDay - kHour, host) + eventLine("a2", "Finished", now - 2 * kDay - 600000, host);
    log += eventLine("a3", "Started", now - kHour, host) + eventLine("a3", "Interrupted", now - 50 * 60000, host);
    log += eventLine("a4", "Started", now - 2 * kHour, host, "ZxPowerstore", "MoveBlobs")
         + eventLine("a4", "Failed", now - kHour, host, "ZxPowerstore", "MoveBlobs");
    log += eventLine("a5", "Started", now - 30 * kHour, host, "ZxPowerstore", "MoveBlobs"); // Running, Stale
    log += eventLine("a6", "Queued", now - 5 * 60000, host, "ZxBackup", "Purge");
    log += eventLine("a7", "Started", now - 4 * kHour, host, "ZxBackup", "Purge")
         + eventLine("a7", "Aborted", now - 3 * kHour, host, "ZxBackup", "Purge");
    return log;
}

// mail2.jsonl (no host named): three interruptions, one good run, no service start.
QByteArray mail2(qint64 now)
{
    QByteArray log;
    for (const QByteArray id : {"b1", "b2", "b3"})
        log += eventLine(id, "Started", now - 5 * kHour) + eventLine(id, "Interrupted", now - 4 * kHour);
    // Finished before them: it supersedes none of them.
    log += eventLine("b4", "Started", now - 8 * kHour) + eventLine("b4", "Finished", now - 7 * kHour);
    return log;
}

uint count(const QModelIndex &index) { return index.data(ServersModel::CountRole).toUInt(); }

void click(QTreeView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
}
} // namespace

class TestServers : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_mail1, m_mail2;

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_mail1 = m_dir.filePath(QStringLiteral("mail1.jsonl"));
        m_mail2 = m_dir.filePath(QStringLiteral("mail2.jsonl"));
        QVERIFY(testfiles::writeFile(m_mail1, mail1(now)));
        QVERIFY(testfiles::writeFile(m_mail2, mail2(now)));
    }

    // Each server's row: its name, counts by status, open notifications, last service start; its module and name rows
    // with their counts and last good run. Acknowledging a notification lowers Open.
    void countsPerServer()
    {
        auto w = consolefixture::openWindow({m_mail1, m_mail2});
        ServersModel *model = w->serversPane()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 2);
        const int r1 = model->rowOfSource(m_mail1), r2 = model->rowOfSource(m_mail2);
        QVERIFY(r1 >= 0 && r2 >= 0);
        const auto at = [&](int row, int column) { return model->index(row, column); };
        QCOMPARE(at(r1, ServersModel::Server).data().toString(), QStringLiteral("mail1.example.com"));
        QCOMPARE(at(r2, ServersModel::Server).data().toString(), QStringLiteral("mail2.jsonl"));
        const QList<uint> expected1{1, 1, 1, 1, 1, 1, 2}; // Interrupted … Finished
        const QList<uint> expected2{3, 0, 0, 0, 0, 0, 1};
        for (int c = ServersModel::Interrupted; c <= ServersModel::Finished; ++c) {
            QCOMPARE(count(at(r1, c)), expected1[c - ServersModel::Interrupted]);
            QCOMPARE(count(at(r2, c)), expected2[c - ServersModel::Interrupted]);
        }
        QCOMPARE(at(r1, ServersModel::Open).data().toString(), QStringLiteral("2")); // a3 and the Stale a5
        QCOMPARE(at(r2, ServersModel::Open).data().toString(), QStringLiteral("3"));
        QVERIFY(at(r1, ServersModel::ServiceStart).data().toString() != QStringLiteral("–"));
        QCOMPARE(at(r2, ServersModel::ServiceStart).data().toString(), QStringLiteral("–"));
        QCOMPARE(at(r1, ServersModel::State).data().toString(), w->sourcesPane()->stateText(r1)); // the same words

        const QModelIndex server1 = at(r1, 0);
        QCOMPARE(model->rowCount(server1), 3);
        QCOMPARE(model->index(0, ServersModel::Server, server1).data().toString(), QStringLiteral("ZxBackup Purge"));
        const QModelIndex smartScan = model->index(1, ServersModel::Server, server1);
        QCOMPARE(smartScan.data().toString(), QStringLiteral("ZxBackup SmartScan"));
        QCOMPARE(model->index(1, ServersModel::LastGood, server1).data().toString(), QStringLiteral("2 days ago"));
        QCOMPARE(count(model->index(1, ServersModel::Finished, server1)), 2u);
        QCOMPARE(count(model->index(1, ServersModel::Interrupted, server1)), 1u);
        QCOMPARE(model->index(2, ServersModel::Server, server1).data().toString(), QStringLiteral("ZxPowerstore MoveBlobs"));
        QCOMPARE(model->index(2, ServersModel::LastGood, server1).data().toString(), QStringLiteral("never"));
        QCOMPARE(count(model->index(2, ServersModel::Stale, server1)), 1u);

        NotificationsPane *notifications = w->notificationsPane();
        notifications->selectOperation(notifications->model()->shownOperations().at(0));
        notifications->acknowledgeSelected();
        QTRY_COMPARE(at(r1, ServersModel::Open).data().toInt() + at(r2, ServersModel::Open).data().toInt(), 4);
    }

    // Clicking mail2's Interrupted count: the filter bar says mail2 and Interrupted, the Operations table shows its
    // three. A module and name row's count adds them to the filter. The screenshot is for a person to look at.
    void clickingACountFilters()
    {
        consolefixture::WindowOptions options;
        options.size = QSize(1600, 1000);
        auto w = consolefixture::openWindow({m_mail1, m_mail2}, options);
        w->serversDock()->show();
        w->serversDock()->raise();
        QTreeView *view = w->serversPane()->view();
        QTRY_VERIFY(view->isVisible());
        ServersModel *model = w->serversPane()->model();
        const int r2 = model->rowOfSource(m_mail2);
        click(view, model->index(r2, ServersModel::Interrupted));
        ViewFilter filter = w->filterBar()->filter();
        QCOMPARE(filter.sources, QStringList{m_mail2});
        QCOMPARE(filter.statuses, uint32_t(StatusInterrupted));
        auto *sourcesButton = w->filterBar()->findChild<QToolButton *>(QStringLiteral("sourcesFilter"));
        QVERIFY(sourcesButton && sourcesButton->isVisible());
        QVERIFY2(sourcesButton->text().contains(QStringLiteral("mail2.jsonl")), qPrintable(sourcesButton->text()));
        TablePane *operations = w->operationsPane();
        QTRY_COMPARE(operations->shown(), size_t(3));
        const auto data = w->session()->data();
        for (const uint32_t op : operations->resultRows()) {
            QCOMPARE(data->events().sourceName(data->source(op)), m_mail2);
            QCOMPARE(data->operation(op).status, Status::Interrupted);
        }

        const int r1 = model->rowOfSource(m_mail1);
        view->expand(model->index(r1, 0));
        click(view, model->index(1, ServersModel::Finished, model->index(r1, 0))); // mail1's SmartScan, Finished
        filter = w->filterBar()->filter();
        QCOMPARE(filter.sources, QStringList{m_mail1});
        QCOMPARE(filter.modules, QStringList{QStringLiteral("ZxBackup")});
        QCOMPARE(filter.names, QStringList{QStringLiteral("SmartScan")});
        QTRY_COMPARE(operations->shown(), size_t(2));
        QTRY_VERIFY(w->isIdle());
        view->horizontalScrollBar()->setValue(0); // the click scrolled to Finished: show the view from its start
        QVERIFY(consolefixture::saveScreenshot(w.get(), QStringLiteral("servers-1600x1000")));

        QTest::mouseClick(sourcesButton, Qt::LeftButton); // every server again
        QVERIFY(w->filterBar()->filter().sources.isEmpty());
        QVERIFY(!sourcesButton->isVisible());
        QTRY_COMPARE(operations->shown(), size_t(3)); // the Finished SmartScans of both servers: a1, a2 and b4
    }
};

QTEST_MAIN(TestServers)
#include "tst_servers.moc"
