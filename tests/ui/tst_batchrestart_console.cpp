// Restarting several operations at once from the console (issue 16), against real agents on loopback whose actions
// are recording_stub: the plan dialog (its verdicts follow the agent's GET /v1/actions: "no action for …"), the
// Restarts pane as the batch runs, the new operations in the tables and the old ones out of Notifications; one at a
// time per server and servers side by side, as the agents' oplogs show it; Stop remaining leaves what was launched; a
// runner log the console did not follow is opened to see the restarts end; a local file through the local catalog.
#include "batchrestarttesting.h"

class TestBatchRestartConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY2(QFileInfo(kStub).isExecutable(), RECORDING_STUB);
    }

    // Three notifications selected, one without an action: the plan says why that one is not restarted; the two others
    // run, their new operations appear and the old ones leave Notifications.
    void restartThreeFromNotifications()
    {
        QTemporaryDir dir;
        auto agent = startAgent(dir.path(), 300);
        auto window = openAgent(*agent);
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        QTreeView *list = w.notificationsPane()->view();
        const QStringList chosen{u"scan-1"_s, u"gone-3"_s, u"move-2"_s};
        for (const QString &id : chosen) {
            const QModelIndex index = notificationOf(w, id);
            QVERIFY2(index.isValid(), qPrintable(id));
            list->selectionModel()->setCurrentIndex(index, QItemSelectionModel::Select);
        }
        QCOMPARE(w.notificationsPane()->selectedOperations().size(), size_t(3));
        QCOMPARE(w.restartAction()->text(), u"&Restart 3…"_s);
        QVERIFY(w.restartAction()->isEnabled());
        QCOMPARE(w.notificationsPane()->findChild<QPushButton *>(u"restartButton"_s)->text(), u"Restart 3…"_s);

        QStringList verdicts;
        QString buttonBefore, buttonAfter, title;
        QStringList move2; // its parameters, their tooltip, its server
        answerNextPlan([&](RestartPlanDialog *dialog) {
            title = dialog->windowTitle();
            const QTableWidgetItem *cell = dialog->table()->item(1, RestartPlanDialog::ParametersColumn);
            move2 = {cell->text(), cell->toolTip(), dialog->table()->item(1, RestartPlanDialog::ServerColumn)->text()};
            for (int row = 0; row < dialog->table()->rowCount(); ++row)
                verdicts << dialog->table()->item(row, RestartPlanDialog::VerdictColumn)->text();
            buttonBefore = dialog->runButton()->isEnabled() ? u"enabled"_s : u"disabled"_s;
            QTest::keyClicks(dialog->reasonField(), u"disk checked after the crash"_s);
            buttonAfter = dialog->runButton()->text();
            consolefixture::saveScreenshot(dialog, u"batch-restart-plan"_s);
            dialog->runButton()->click();
        });
        list->setFocus();
        QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(title, u"Restart 3 operations"_s);
        // The oldest first; the one without an action says so, in the agent's words of its catalog.
        QCOMPARE(verdicts.size(), 3);
        QCOMPARE(verdicts[0], u"will restart"_s);
        QCOMPARE(verdicts[1], u"will restart"_s);
        QVERIFY2(verdicts[2].startsWith(u"no action for ZxGone Nothing on the agent at 127.0.0.1:"_s), qPrintable(verdicts[2]));
        QCOMPARE(buttonBefore, u"disabled"_s); // no reason yet
        QCOMPARE(buttonAfter, u"Restart 2"_s);
        QCOMPARE(move2.value(0), u"volume=2"_s); // what tells runs apart, without origin; the JSON in its tooltip
        QVERIFY2(move2.value(1).contains(u"\"origin\":\"Cron\""_s), qPrintable(move2.value(1)));
        QCOMPARE(move2.value(2), u"%1 (%2)"_s.arg(kHost, agent->url().section(u"//"_s, 1).section(u'/', 0, 0)));

        RestartsPane *pane = w.restartsPane();
        QVERIFY(w.restartsDock()->isVisible());
        QCOMPARE(pane->table()->rowCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(pane->batch()->isDone(), 30000);
        QCOMPARE(progressAt(pane, 0), u"finished"_s);
        QCOMPARE(progressAt(pane, 1), u"finished"_s);
        QCOMPARE(progressAt(pane, 2), u"refused"_s);
        QCOMPARE(pane->table()->item(1, RestartsPane::OperationColumn)->text(), u"ZxPowerstore MoveBlobs · volume=2"_s);
        QCOMPARE(pane->table()->item(1, RestartsPane::ServerColumn)->text(), move2.value(2));
        QVERIFY2(pane->summaryLabel()->text().contains(u"2 of 3 launched: 2 finished, 1 refused"_s), qPrintable(pane->summaryLabel()->text()));
        QVERIFY2(pane->summaryLabel()->text().contains(u"Refused: ZxGone Nothing (gone-3): no action for ZxGone Nothing"_s),
                 qPrintable(pane->summaryLabel()->text()));
        QCOMPARE(w.statusBar()->currentMessage(), u"Restarts: 2 of 3 launched: 2 finished, 1 refused"_s);

        // The new operations are in the tables, as restarts of the old ones, which leave Notifications.
        for (int row : {0, 1}) {
            const BatchEntry &entry = pane->batch()->entries()[size_t(row)];
            const uint32_t fresh = opOf(w, entry.newId), old = opOf(w, entry.item.operationId);
            QVERIFY(fresh != kNone);
            QCOMPARE(w.session()->data()->operation(fresh).restartOf, old);
            QCOMPARE(w.session()->data()->operation(fresh).status, Status::Finished);
            QTRY_VERIFY(w.operationsPane()->shows(fresh));
            QTRY_VERIFY(!notificationOf(w, entry.item.operationId).isValid());
        }
        QVERIFY(notificationOf(w, u"gone-3"_s).isValid()); // refused: still there
        // A row of the pane shows its new operation in Details; the refused one its old operation.
        pane->table()->setCurrentCell(1, 0);
        QCOMPARE(w.detailsPane()->operation(), opOf(w, pane->batch()->entries()[1].newId));
        pane->table()->setCurrentCell(2, 0);
        QCOMPARE(w.detailsPane()->operation(), opOf(w, u"gone-3"_s));
        QVERIFY(consolefixture::saveScreenshot(&w, u"batch-restart-pane"_s));
    }

    // Max at once 1 (the default): on one server each starts after the previous one ended, as the agent's oplog
    // shows. Restart All Interrupted in View… takes the view's Interrupted ones. The agent records restarts in a log
    // the console did not follow: it is opened, and the batch sees each end there.
    void oneAtATimeFromTheAgentsOplog()
    {
        QTemporaryDir dir;
        auto agent = startAgent(dir.path(), 700, u"service"_s);
        auto window = openAgent(*agent);
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        // The Operations table takes several rows too (Ctrl+click); Details shows the last one clicked.
        QTableView *table = w.operationsPane()->view();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 0)).center());
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, table->visualRect(table->model()->index(2, 0)).center());
        QCOMPARE(w.operationsPane()->selectedOperations().size(), size_t(2));
        QCOMPARE(w.detailsPane()->operation(), w.operationsPane()->currentOperation());
        QCOMPARE(w.restartAction()->text(), u"&Restart 2…"_s);
        int rows = 0, maxAtOnce = 0;
        answerNextPlan([&](RestartPlanDialog *dialog) {
            rows = dialog->table()->rowCount();
            maxAtOnce = dialog->maxAtOnceField()->value();
            QTest::keyClicks(dialog->reasonField(), u"one after another"_s);
            dialog->runButton()->click();
        });
        w.findChild<QAction *>(u"restartAllInterruptedAction"_s)->trigger();
        QCOMPARE(rows, 4);
        QCOMPARE(maxAtOnce, 1);
        RestartsPane *pane = w.restartsPane();
        QVERIFY(pane->batch());
        QTRY_VERIFY_WITH_TIMEOUT(pane->batch()->isDone(), 40000);
        QCOMPARE(pane->batch()->count(RestartProgress::Finished), 3);
        QVERIFY2(pane->summaryLabel()->text().contains(u"Opened agent+%1#service"_s.arg(agent->url())),
                 qPrintable(pane->summaryLabel()->text()));
        const auto runs = restartRuns(agent->serviceLog);
        QCOMPARE(runs.size(), 3);
        for (int i = 0; i < runs.size(); ++i) {
            QVERIFY2(runs[i].first > 0 && runs[i].second >= runs[i].first, "each started and ended");
            if (i > 0)
                QVERIFY2(runs[i].first >= runs[i - 1].second, "each started after the previous one ended");
        }
    }

    // Servers side by side: with Max at once 1, each agent runs one at a time, and the two agents at the same time.
    void serversRunSideBySide()
    {
        QTemporaryDir first, second;
        auto a = startAgent(first.path(), 1000), b = startAgent(second.path(), 1000);
        auto window = openAgents({a.get(), b.get()});
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        QStringList servers;
        answerNextPlan([&](RestartPlanDialog *dialog) {
            for (const PlanItem &item : dialog->plan())
                if (!servers.contains(item.server))
                    servers << item.server;
            QTest::keyClicks(dialog->reasonField(), u"both servers"_s);
            dialog->runButton()->click();
        });
        w.restartAllInterrupted();
        QCOMPARE(servers.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(w.restartsPane()->batch()->isDone(), 40000);
        QCOMPARE(w.restartsPane()->batch()->count(RestartProgress::Finished), 6);
        const auto runsA = restartRuns(a->oplog), runsB = restartRuns(b->oplog);
        QCOMPARE(runsA.size(), 3);
        QCOMPARE(runsB.size(), 3);
        for (const auto *runs : {&runsA, &runsB})
            for (int i = 1; i < runs->size(); ++i)
                QVERIFY2((*runs)[i].first >= (*runs)[i - 1].second, "one at a time on each server");
        QVERIFY2(runsB[0].first < runsA[0].second && runsA[0].first < runsB[0].second, "the two servers' first runs overlap");
    }

    // One restart through its own dialog follows the runner log too: the new operation is selected once it arrives
    // in the log the agent records it in.
    void singleRestartFollowsTheRunnerLog()
    {
        QTemporaryDir dir;
        auto agent = startAgent(dir.path(), 100, u"service"_s);
        auto window = openAgent(*agent);
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        QTimer::singleShot(0, [] {
            QTRY_VERIFY(qobject_cast<RestartDialog *>(QApplication::activeModalWidget()));
            auto *dialog = qobject_cast<RestartDialog *>(QApplication::activeModalWidget());
            QTest::keyClicks(dialog->reasonField(), u"alone"_s);
            dialog->accept();
        });
        const uint32_t old = opOf(w, u"scan-1"_s);
        w.restartOperation(old);
        const QString service = u"agent+%1#service"_s.arg(agent->url());
        QTRY_VERIFY_WITH_TIMEOUT(w.detailsPane()->operation() != old && w.detailsPane()->operation() != kNone, 15000);
        const auto data = w.session()->data();
        const uint32_t fresh = w.detailsPane()->operation();
        QCOMPARE(data->events().sourceName(data->source(fresh)), service);
        QCOMPARE(data->events().string(data->name(fresh)), u"SmartScan"_s);
    }

    // Stop remaining: what was launched runs to its end, the rest is never sent.
    void stopRemainingLeavesWhatWasLaunched()
    {
        QTemporaryDir dir;
        auto agent = startAgent(dir.path(), 2500);
        auto window = openAgent(*agent);
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        answerNextPlan([&](RestartPlanDialog *dialog) {
            QTest::keyClicks(dialog->reasonField(), u"then stopped"_s);
            dialog->runButton()->click();
        });
        w.restartAllInterrupted();
        RestartsPane *pane = w.restartsPane();
        QTRY_VERIFY_WITH_TIMEOUT(pane->batch()->entries()[0].launched(), 10000);
        QVERIFY(pane->stopButton()->isEnabled());
        // A second batch meanwhile is answered in a box, not only in the status bar; no plan opens.
        QString busy;
        answerNextBox(u"restartsBusy"_s, [&](QMessageBox *box) {
            busy = box->text();
            consolefixture::saveScreenshot(box, u"batch-restart-busy"_s);
            box->close();
        });
        w.restartAllInterrupted();
        QTRY_VERIFY(!busy.isEmpty());
        QCOMPARE(busy, u"The last batch is still launching its restarts (2 waiting)."_s);
        QVERIFY(!qobject_cast<RestartPlanDialog *>(QApplication::activeModalWidget()));
        // Quitting now asks (two wait); Cancel keeps the console and the batch.
        QString question, consequence;
        answerNextBox(u"quitWithRestarts"_s, [&](QMessageBox *box) {
            question = box->text();
            consequence = box->informativeText();
            consolefixture::saveScreenshot(box, u"batch-restart-quit"_s);
            box->button(QMessageBox::Cancel)->click();
        });
        QVERIFY(!w.close());
        QCOMPARE(question, u"2 restarts have not started yet. Quit anyway?"_s);
        QCOMPARE(consequence, u"Those launched go on; the others are not started."_s);
        QVERIFY(w.isVisible());
        QCOMPARE(progressAt(pane, 1), u"waiting"_s);
        QTest::mouseClick(pane->stopButton(), Qt::LeftButton);
        QCOMPARE(progressAt(pane, 1), u"not started"_s);
        QCOMPARE(progressAt(pane, 3), u"not started"_s);
        QVERIFY(!pane->stopButton()->isEnabled());
        QVERIFY(consolefixture::saveScreenshot(w.restartsDock(), u"batch-restart-stopped"_s));
        QTRY_COMPARE_WITH_TIMEOUT(progressAt(pane, 0), u"finished"_s, 20000);
        QCOMPARE(restartRuns(agent->oplog).size(), 1); // only the first was ever sent
        QVERIFY(notificationOf(w, u"move-2"_s).isValid());
        QVERIFY(notificationOf(w, u"scan-4"_s).isValid());
        // Nothing waits any more: nothing to ask, the window closes.
        bool asked = false;
        answerNextBox(u"quitWithRestarts"_s, [&](QMessageBox *box) {
            asked = true;
            box->button(QMessageBox::Cancel)->click();
        }, 20);
        QVERIFY(w.close());
        QTest::qWait(300);
        QVERIFY(!asked);
        consolefixture::useTestSettings(); // the next windows start from the first layout, not the one it saved
    }
};

int main(int argc, char **argv)
{
    return batchRestartTestMain<TestBatchRestartConsole>(argc, argv);
}

#include "tst_batchrestart_console.moc"
