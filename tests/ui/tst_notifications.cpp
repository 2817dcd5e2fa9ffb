// The Notifications pane's triage: groups by server and cause with counts, multi-selection, acknowledging a group or
// a selection with one comment, acknowledging everything older than a time, folding and selection kept across reloads.
#include "acknowledgedialog.h"
#include "consolefixture.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QSettings>
#include <QTreeView>

using namespace oplens;
using namespace oplens::ui;
using testoplog::eventLine;

namespace {
constexpr qint64 kHour = 3600 * 1000;
constexpr qint64 kDay = 24 * kHour;

// mailA: two service restarts (3 days ago: two operations cut; 1 day ago: one), one operation the agent recorded
// Interrupted 2 h ago, and a MoveBlobs running for 6 h where it usually takes 10 min.
QByteArray mailA(qint64 now)
{
    const QByteArray host = ",\"host\":\"mailA\"";
    QByteArray log;
    log += eventLine("a1", "Started", now - 3 * kDay - kHour, host, "ZxBackup", "RestoreOnNewAccount");
    log += eventLine("a2", "Started", now - 3 * kDay - kHour, host, "ZxBackup", "DoExternalRestore");
    log += testoplog::serviceStarted(now - 3 * kDay, host);
    log += eventLine("a3", "Started", now - kDay - kHour, host, "ZxBackup", "DoExport");
    log += testoplog::serviceStarted(now - kDay, host);
    for (int i = 0; i < 5; ++i) { // five runs of 10 min: the limit is 30 min (docs/oplog.md section 3)
        const QByteArray id = "m" + QByteArray::number(i);
        const qint64 at = now - (20 + i) * kHour;
        log += eventLine(id, "Started", at, host, "ZxPowerstore", "MoveBlobs")
             + eventLine(id, "Finished", at + 600000, host, "ZxPowerstore", "MoveBlobs");
    }
    log += eventLine("a5", "Started", now - 6 * kHour, host, "ZxPowerstore", "MoveBlobs");
    log += eventLine("a4", "Started", now - 3 * kHour, host, "ZxBackup", "DoImport")
         + testoplog::Event("a4", "Interrupted", now - 2 * kHour).name("DoImport").raw(host).set(u"error", QStringLiteral("agent stopped")).line();
    return log;
}

// mailB: one operation cut by a service restart 5 h ago.
QByteArray mailB(qint64 now)
{
    const QByteArray host = ",\"host\":\"mailB\"";
    return eventLine("b1", "Started", now - 6 * kHour, host, "ZxBackup", "RestoreOnNewAccount")
         + testoplog::serviceStarted(now - 5 * kHour, host);
}

QStringList groupHeadings(NotificationsModel *model)
{
    QStringList out;
    for (int g = 0; g < model->rowCount(); ++g)
        out << model->index(g, 0).data().toString();
    return out;
}

// Answers the next modal AcknowledgeDialog: `fill` sets its fields, then it is accepted.
void answerNextDialog(const std::function<void(AcknowledgeDialog *)> &fill)
{
    QTimer::singleShot(0, [fill] {
        QTRY_VERIFY(qobject_cast<AcknowledgeDialog *>(QApplication::activeModalWidget()));
        auto *dialog = qobject_cast<AcknowledgeDialog *>(QApplication::activeModalWidget());
        fill(dialog);
        dialog->accept();
    });
}
} // namespace

class TestNotifications : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QStringList m_files;

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_files = {m_dir.filePath(QStringLiteral("mailA.jsonl")), m_dir.filePath(QStringLiteral("mailB.jsonl"))};
        QVERIFY(testfiles::writeFile(m_files[0], mailA(now)));
        QVERIFY(testfiles::writeFile(m_files[1], mailB(now)));
    }

    void cleanup() { QSettings().clear(); }

    // One group per server and cause, the newest first, each with its count.
    void groupsByServerAndCause()
    {
        auto w = consolefixture::openWindow(m_files);
        NotificationsModel *model = w->notificationsPane()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY2(model->notificationCount() == 6, qPrintable(model->groupedLines().join(QLatin1Char(10))));
        const QStringList headings = groupHeadings(model);
        QCOMPARE(headings.size(), 5);
        QCOMPARE(headings[0], QStringLiteral("mailA · agent stopped · 1 operation"));
        QVERIFY2(headings[1].startsWith(QStringLiteral("mailB · service restarted ")) && headings[1].endsWith(QStringLiteral(" · 1 operation")),
                 qPrintable(headings[1]));
        QCOMPARE(headings[2], QStringLiteral("mailA · running too long · 1 operation"));
        QVERIFY2(headings[3].startsWith(QStringLiteral("mailA · service restarted ")) && headings[3].endsWith(QStringLiteral(" · 1 operation")),
                 qPrintable(headings[3]));
        QVERIFY2(headings[4].endsWith(QStringLiteral(" · 2 operations")), qPrintable(headings[4]));
        QCOMPARE(model->rowCount(model->index(4, 0)), 2);
        QVERIFY(w->notificationsPane()->view()->isExpanded(model->index(4, 0)));
        w->resize(1024, 700);
        QVERIFY(consolefixture::saveScreenshot(w.get(), QStringLiteral("notifications-grouped")));
    }

    // One file several servers write to: each server's notifications in a group of its own, named by its host
    // (helper-24 saw "srv0 · running too long · 3 operations" list srv0, srv2 and srv4).
    void aFileOfSeveralServersGroupsByHost()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QByteArray log;
        for (const QByteArray host : {"srv0", "srv2"})
            log += eventLine("op-" + host, "Started", now - 2 * kHour, ",\"host\":\"" + host + "\"")
                 + testoplog::serviceStarted(now - kHour, ",\"host\":\"" + host + "\"");
        const QString path = m_dir.filePath(QStringLiteral("shared.jsonl"));
        QVERIFY(testfiles::writeFile(path, log));
        auto w = consolefixture::openWindow({path});
        const QStringList headings = groupHeadings(w->notificationsPane()->model());
        QCOMPARE(headings.size(), 2);
        for (const QString &heading : headings)
            QVERIFY2(heading.endsWith(QStringLiteral(" · 1 operation")), qPrintable(heading));
        QVERIFY(headings[0].startsWith(QStringLiteral("srv")) && headings[1].startsWith(QStringLiteral("srv")) && headings[0] != headings[1]);
    }

    // helper-29: a restart that failed left Notifications with the operation it restarted: the work was not done, and
    // nothing said so. It is listed until it is restarted itself (or superseded).
    void aRestartThatFailedIsListed()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QByteArray host = ",\"host\":\"mailC\"";
        QByteArray log = eventLine("cut", "Started", now - 3 * kHour, host) + testoplog::serviceStarted(now - 2 * kHour, host)
            + eventLine("again", "Started", now - kHour, host + ",\"restartOf\":\"cut\"")
            + eventLine("again", "Failed", now - kHour + 5000, host + ",\"restartOf\":\"cut\",\"error\":\"exit status 3: volume missing\"");
        const QString path = m_dir.filePath(QStringLiteral("failedrestart.jsonl"));
        QVERIFY(testfiles::writeFile(path, log));
        auto w = consolefixture::openWindow({path});
        NotificationsModel *model = w->notificationsPane()->model();
        QCOMPARE(groupHeadings(model), QStringList{QStringLiteral("mailC · restarts that failed · 1 operation")});
        const QStringList lines = model->lines();
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].contains(QStringLiteral("Restart of cut failed ")) && lines[0].endsWith(QStringLiteral(": exit status 3: volume missing")),
                 qPrintable(lines[0]));
        // Restarted in its turn, and finished: nothing left to do.
        log += eventLine("third", "Started", now - 1000, host + ",\"restartOf\":\"again\"")
            + eventLine("third", "Finished", now - 500, host + ",\"restartOf\":\"again\"");
        QVERIFY(testfiles::writeFile(path, log));
        auto reread = consolefixture::openWindow({path});
        QCOMPARE(reread->notificationsPane()->model()->notificationCount(), 0);
    }

    // Selecting a group row and pressing Acknowledge asks for one comment and acknowledges all of its notifications;
    // the comment is kept across launches and shown in their tooltips.
    void acknowledgeAGroupWithOneComment()
    {
        {
            auto w = consolefixture::openWindow(m_files);
            NotificationsPane *pane = w->notificationsPane();
            NotificationsModel *model = pane->model();
            pane->view()->setCurrentIndex(model->index(4, 0)); // the restart of 3 days ago: two operations
            auto *acknowledge = pane->findChild<QToolButton *>(QStringLiteral("acknowledgeButton"));
            QCOMPARE(acknowledge->text(), QStringLiteral("Acknowledge 2…"));
            answerNextDialog([](AcknowledgeDialog *d) {
                QCOMPARE(d->windowTitle(), QStringLiteral("Acknowledge 2 notifications"));
                d->commentField()->setText(QStringLiteral("restored by hand"));
            });
            QTest::mouseClick(acknowledge, Qt::LeftButton, {}, QPoint(10, acknowledge->height() / 2));
            QCOMPARE(model->unacknowledgedCount(), 4);
            QCOMPARE(model->rowCount(), 4);
            QCOMPARE(w->notificationsDock()->windowTitle(), QStringLiteral("Notifications (4)"));
        }
        auto again = consolefixture::openWindow(m_files);
        NotificationsModel *model = again->notificationsPane()->model();
        QCOMPARE(model->unacknowledgedCount(), 4);
        model->setShowAcknowledged(true);
        const QModelIndex group = model->index(4, 0);
        QVERIFY2(group.data().toString().endsWith(QStringLiteral("2 operations (2 acknowledged)")), qPrintable(group.data().toString()));
        const QString tooltip = model->index(0, 0, group).data(Qt::ToolTipRole).toString();
        QVERIFY2(tooltip.contains(QStringLiteral("Acknowledged ")) && tooltip.contains(QStringLiteral(": restored by hand")), qPrintable(tooltip));
    }

    // Ctrl+click selects notifications of several groups; Acknowledge acts on all of them, and on them only.
    void acknowledgeASelectionAcrossGroups()
    {
        auto w = consolefixture::openWindow(m_files);
        NotificationsPane *pane = w->notificationsPane();
        NotificationsModel *model = pane->model();
        QTreeView *view = pane->view();
        const QModelIndex first = model->index(0, 0, model->index(0, 0)), second = model->index(0, 0, model->index(2, 0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(first).center());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, view->visualRect(second).center());
        const std::vector<uint32_t> chosen = pane->selectedOperations();
        QCOMPARE(chosen.size(), size_t(2));
        answerNextDialog([](AcknowledgeDialog *d) { d->commentField()->setText(QStringLiteral("known")); });
        pane->acknowledgeSelected();
        QCOMPARE(model->unacknowledgedCount(), 4);
        for (uint32_t op : chosen)
            QVERIFY(model->isAcknowledged(op) && !model->indexOf(op).isValid());
        QCOMPARE(groupHeadings(model).filter(QStringLiteral("agent stopped")).size(), 0);
    }

    // The data read again while the comment is typed (operations renumbered: here the sources in the other order)
    // changes nothing about which notifications the admin chose.
    void aReloadDuringTheDialogKeepsTheChoice()
    {
        auto w = consolefixture::openWindow(m_files);
        auto reversed = consolefixture::openWindow({m_files[1], m_files[0]});
        NotificationsPane *pane = w->notificationsPane();
        NotificationsModel *model = pane->model();
        pane->view()->setCurrentIndex(model->index(4, 0)); // mailA's restart 3 days ago: two operations
        const QList<NotificationsModel::Key> chosen = model->keysOf(pane->selectedOperations());
        QCOMPARE(chosen.size(), 2);
        const auto renumbered = reversed->session()->data();
        const std::vector<uint32_t> before = model->operationsOf(chosen);
        answerNextDialog([&](AcknowledgeDialog *) { pane->refresh(renumbered, QDateTime::currentMSecsSinceEpoch()); });
        pane->acknowledgeSelected();
        const std::vector<uint32_t> now = model->operationsOf(chosen);
        QCOMPARE(now.size(), size_t(2));
        QVERIFY(now != before); // renumbered indeed
        for (uint32_t op : now)
            QVERIFY(model->isAcknowledged(op));
        QCOMPARE(model->unacknowledgedCount(), 4);
        QCOMPARE(model->keysOf(pane->selectedOperations()).size(), 0); // they left the list, with their selection
    }

    // "Acknowledge everything older than…" counts what it will take as the time changes, then takes exactly that.
    void acknowledgeEverythingOlder()
    {
        auto w = consolefixture::openWindow(m_files);
        NotificationsPane *pane = w->notificationsPane();
        QString counted;
        answerNextDialog([&counted](AcknowledgeDialog *d) {
            d->beforeField()->setDateTime(QDateTime::currentDateTime().addSecs(-12 * 3600));
            counted = d->findChild<QLabel *>(QStringLiteral("acknowledgeCount"))->text();
            d->commentField()->setText(QStringLiteral("old crashes, checked"));
            QVERIFY(consolefixture::saveScreenshot(d, QStringLiteral("acknowledge-older")));
        });
        pane->acknowledgeOlder();
        QCOMPARE(counted, QStringLiteral("3 notifications began before that and will leave the list."));
        QCOMPARE(pane->model()->unacknowledgedCount(), 3); // the three of the last 6 hours are left
        const QStringList headings = groupHeadings(pane->model());
        QCOMPARE(headings.filter(QStringLiteral("service restarted")).size(), 1);
    }

    // A reload (a followed file grew) keeps the groups the admin folded and the notifications selected.
    void foldingAndSelectionSurviveAReload()
    {
        auto w = consolefixture::openWindow(m_files);
        NotificationsPane *pane = w->notificationsPane();
        NotificationsModel *model = pane->model();
        pane->view()->collapse(model->index(4, 0));
        const uint32_t op = model->operationAt(model->index(0, 0, model->index(1, 0)));
        pane->selectOperation(op);
        pane->refresh(w->session()->data(), QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!pane->view()->isExpanded(model->index(4, 0)));
        QVERIFY(pane->view()->isExpanded(model->index(3, 0)));
        QCOMPARE(pane->currentOperation(), op);
        QCOMPARE(pane->selectedOperations(), std::vector<uint32_t>{op});
    }
};

QTEST_MAIN(TestNotifications)
#include "tst_notifications.moc"
