// Restarting several at once from the console (issue 16), on the smallest screen the README promises (1024×700): the
// plan fits with the columns that matter readable, a failure is named in the pane's summary, View > Restarts brings
// the pane to the front; and a local file restarted through the local catalog.
#include "batchrestarttesting.h"

class TestBatchRestartSmall : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY2(QFileInfo(kStub).isExecutable(), RECORDING_STUB);
    }

    // A local file's operations are restarted by this console with the local action catalog (its runner says how
    // each ended); one without an action in that catalog is refused, naming it.
    void localFileWithTheLocalCatalog()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(u"local.jsonl"_s), catalog = dir.filePath(u"actions.json"_s);
        QVERIFY(testfiles::writeFile(log, seed()));
        QVERIFY(testfiles::writeFile(catalog, QJsonDocument(QJsonObject{{u"actions"_s, QJsonArray{
            action(u"ZxBackup"_s, u"SmartScan"_s, 100), action(u"ZxPowerstore"_s, u"MoveBlobs"_s, 100)}}}).toJson()));
        Restarter::setCatalogPath(catalog);
        auto window = consolefixture::openWindow({log});
        MainWindow &w = *window;
        QString refusal;
        answerNextPlan([&](RestartPlanDialog *dialog) {
            refusal = dialog->table()->item(2, RestartPlanDialog::VerdictColumn)->text();
            QVERIFY(dialog->askingLabel()->isHidden()); // answered, and nothing went wrong asking
            dialog->maxAtOnceField()->setValue(2);
            dialog->stopOnFailureField()->setChecked(true);
            dialog->waitField()->setValue(0);
            QTest::keyClicks(dialog->reasonField(), u"local"_s);
            dialog->runButton()->click();
        });
        w.restartAllInterrupted();
        QCOMPARE(refusal, u"no action for ZxGone Nothing on the local catalog %1"_s.arg(catalog));
        RestartsPane *pane = w.restartsPane();
        QCOMPARE(pane->batch()->options().maxPerServer, 2); // as chosen in the plan
        QVERIFY(pane->batch()->options().stopOnFailure);
        QCOMPARE(pane->batch()->reason(), u"local"_s);
        QTRY_VERIFY_WITH_TIMEOUT(pane->batch()->isDone(), 30000);
        QCOMPARE(pane->batch()->count(RestartProgress::Finished), 3);
        QCOMPARE(pane->batch()->count(RestartProgress::Refused), 1);
        QCOMPARE(restartRuns(log).size(), 3);
        Restarter::setCatalogPath({});
    }
    // On the smallest screen the README promises (1024×700; main() gives the offscreen platform that screen): the plan
    // fits, Restart and the columns that matter are on it, a long refusal and long parameters are cut with their
    // tooltip. A restart that fails is named in the pane's summary with why; the message never repeats the progress.
    void planFitsTheSmallestScreen()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(u"local.jsonl"_s), catalog = dir.filePath(u"actions.json"_s);
        const qint64 t = QDateTime::currentMSecsSinceEpoch() - 1800 * 1000;
        const QString longVolume = u"/opt/zimbra/store/secondary/hsm-archive-volume-of-the-legal-department-2026"_s;
        QVERIFY(testfiles::writeFile(log, seed() + interrupted(u"long-5"_s, u"ZxPowerstore"_s,
                                                              u"MoveBlobsBetweenVolumesAndVerifyEveryBlobTwice"_s, longVolume, t)));
        QVERIFY(testfiles::writeFile(catalog, QJsonDocument(QJsonObject{{u"actions"_s, QJsonArray{
            action(u"ZxBackup"_s, u"SmartScan"_s, 100), action(u"ZxPowerstore"_s, u"MoveBlobs"_s, 100, 3)}}}).toJson()));
        Restarter::setCatalogPath(catalog);
        auto window = consolefixture::openWindow({log});
        MainWindow &w = *window;
        if (qgetenv("QT_QPA_PLATFORM").startsWith("offscreen"))
            QCOMPARE(w.screen()->availableGeometry().size(), QSize(1024, 700));
        QRect room, frame, run, table;
        QList<int> visible;
        QString longVerdict, evidenceHeader, maxTip, waitTip;
        bool scrollsSideways = true;
        answerNextPlan([&](RestartPlanDialog *dialog) {
            QTest::keyClicks(dialog->reasonField(), u"small screen"_s);
            room = dialog->screen()->availableGeometry();
            frame = dialog->frameGeometry();
            run = rectIn(dialog->runButton(), dialog);
            table = rectIn(dialog->table(), dialog);
            const QHeaderView *header = dialog->table()->horizontalHeader();
            for (const int c : {RestartPlanDialog::OperationColumn, RestartPlanDialog::VerdictColumn,
                                RestartPlanDialog::ParametersColumn, RestartPlanDialog::ServerColumn})
                if (header->sectionSize(c) >= 120 && header->sectionViewportPosition(c) + header->sectionSize(c) <= header->viewport()->width())
                    visible << c;
            longVerdict = dialog->table()->item(4, RestartPlanDialog::VerdictColumn)->toolTip();
            evidenceHeader = dialog->table()->horizontalHeaderItem(RestartPlanDialog::EvidenceColumn)->text();
            const auto *maxLabel = dialog->findChild<QLabel *>(u"maxAtOnceLabel"_s);
            const auto *waitLabel = dialog->findChild<QLabel *>(u"waitLabel"_s);
            maxTip = maxLabel ? maxLabel->toolTip() : QString();
            waitTip = waitLabel ? waitLabel->toolTip() : QString();
            consolefixture::saveScreenshot(dialog, u"batch-restart-plan-1024x700"_s);
            scrollsSideways = dialog->table()->horizontalScrollBar()->maximum() > 0;
            dialog->runButton()->click();
        });
        w.restartAllInterrupted();
        QVERIFY2(room.contains(frame), qPrintable(u"%1,%2 %3×%4 on a screen of %5×%6"_s.arg(frame.x()).arg(frame.y())
                     .arg(frame.width()).arg(frame.height()).arg(room.width()).arg(room.height())));
        QVERIFY2(QRect(QPoint(0, 0), frame.size()).contains(run), "Restart is in the dialog");
        QVERIFY2(table.height() >= 150, "the table has the room left");
        QCOMPARE(visible.size(), 4); // Operation, Verdict, Parameters and Server are on screen, each readable
        QVERIFY2(!scrollsSideways, "every column is in the table's width");
        QVERIFY2(longVerdict.startsWith(u"no action for ZxPowerstore MoveBlobsBetweenVolumesAndVerifyEveryBlobTwice on the local catalog"_s),
                 qPrintable(longVerdict));
        QCOMPARE(evidenceHeader, u"Evidence"_s);
        QVERIFY2(maxTip.contains(u"one server"_s), qPrintable(maxTip));
        QVERIFY2(waitTip.contains(u"between two starts"_s), qPrintable(waitTip));

        RestartsPane *pane = w.restartsPane();
        QTRY_VERIFY_WITH_TIMEOUT(pane->batch()->isDone(), 30000);
        QCOMPARE(pane->batch()->count(RestartProgress::Finished), 2);
        QCOMPARE(pane->batch()->count(RestartProgress::Failed), 1);
        QCOMPARE(pane->batch()->count(RestartProgress::Refused), 2);
        QCOMPARE(pane->table()->item(1, RestartsPane::ServerColumn)->text(), u"%1 (this computer)"_s.arg(kHost));
        // The finished ones say nothing more than "finished"; the failed one says why, without "Failed" again.
        QCOMPARE(pane->table()->item(0, RestartsPane::MessageColumn)->text(), QString());
        const BatchEntry &failed = pane->batch()->entries()[1];
        const QString why = pane->table()->item(1, RestartsPane::MessageColumn)->text();
        QVERIFY2(why.startsWith(u"exit status 3"_s), qPrintable(why));
        QCOMPARE(pane->table()->item(1, RestartsPane::MessageColumn)->toolTip(), why);
        const QString summary = pane->summaryLabel()->text();
        QVERIFY2(summary.contains(u"Failed: ZxPowerstore MoveBlobs (move-2 → %1): exit status 3"_s.arg(failed.newId)), qPrintable(summary));
        QVERIFY2(summary.contains(u"Refused: ZxGone Nothing (gone-3)"_s), qPrintable(summary));
        QVERIFY(consolefixture::saveScreenshot(w.restartsDock(), u"batch-restart-failed-1024x700"_s));
        Restarter::setCatalogPath({});
    }

    // View > Restarts brings the pane to the front, also when it is a tab behind Sources.
    void viewRestartsRaisesThePane()
    {
        auto window = consolefixture::openWindow();
        MainWindow &w = *window;
        QVERIFY(!w.restartsDock()->isVisible());
        w.restartsDock()->toggleViewAction()->trigger();
        QVERIFY(w.tabifiedDockWidgets(w.restartsDock()).contains(w.findChild<QDockWidget *>(u"sourcesDock"_s)));
        // A dock behind another tab stays "visible" to Qt: what is on screen says which one is in front.
        QTRY_VERIFY(!w.restartsDock()->visibleRegion().isEmpty());
        QVERIFY(w.findChild<QDockWidget *>(u"sourcesDock"_s)->visibleRegion().isEmpty());
    }
};

int main(int argc, char **argv)
{
    return batchRestartTestMain<TestBatchRestartSmall>(argc, argv);
}

#include "tst_batchrestart_small.moc"
