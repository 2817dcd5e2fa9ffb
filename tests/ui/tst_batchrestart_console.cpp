// Restarting several operations at once from the console (issue 16), against real agents on loopback whose actions
// are recording_stub: the plan dialog (its verdicts follow the agent's GET /v1/actions: "no action for …"), the
// Restarts pane as the batch runs, the new operations in the tables and the old ones out of Notifications; one at a
// time per server and servers side by side, as the agents' oplogs show it; Stop remaining leaves what was launched; a
// runner log the console did not follow is opened to see the restarts end; a local file through the local catalog.
#include "consolefixture.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "restartdialog.h"
#include "restarter.h"
#include "restartplandialog.h"
#include "restartspane.h"
#include "tablepane.h"
#include "testoplog.h"
#include "testservers.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDateTime>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QScreen>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QHeaderView>
#include <QTableView>
#include <QTreeView>

using namespace oplens;
using namespace oplens::ui;
using namespace Qt::StringLiterals;
using testoplog::Event;

namespace {

const QString kStub = QStringLiteral(RECORDING_STUB);
const QString kHost = QStringLiteral("mail3.example.com"); // the host the seed's events name

// An operation cut by a service restart an hour ago, as the service writes it.
QByteArray interrupted(const QString &id, const QString &module, const QString &name, const QString &volume, qint64 at)
{
    const QJsonObject parameters{{u"origin"_s, u"Cron"_s}, {u"volume"_s, volume}};
    return Event(id, u"Started"_s, at).module(module).name(name).parameters(parameters).set(u"requestedBy", u"zimbra"_s)
               .set(u"host", kHost).line()
        + Event(id, u"Interrupted"_s, at + 60000).module(module).name(name).parameters(parameters)
              .set(u"error", u"service restarted"_s).set(u"host", kHost).line();
}

// Three operations with an action (each runs `sleepMs`), and ZxGone Nothing, which has none.
QByteArray seed()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    return interrupted(u"scan-1"_s, u"ZxBackup"_s, u"SmartScan"_s, u"1"_s, t)
        + interrupted(u"move-2"_s, u"ZxPowerstore"_s, u"MoveBlobs"_s, u"2"_s, t + 1000)
        + interrupted(u"gone-3"_s, u"ZxGone"_s, u"Nothing"_s, u"3"_s, t + 2000)
        + interrupted(u"scan-4"_s, u"ZxBackup"_s, u"SmartScan"_s, u"4"_s, t + 3000);
}

QJsonObject action(const QString &module, const QString &name, int sleepMs, int exitStatus = 0)
{
    QJsonArray argv{kStub, u"--sleep-ms"_s, QString::number(sleepMs)};
    if (exitStatus != 0) {
        argv.append(u"--exit"_s);
        argv.append(QString::number(exitStatus));
    }
    argv.append(name);
    return {{u"module"_s, module}, {u"name"_s, name}, {u"argv"_s, argv}};
}

// The agent of one test: the seed oplog in "main", restarts recorded in `runnerLog`.
std::unique_ptr<testservers::Agent> startAgent(const QString &dir, int sleepMs, const QString &runnerLog = u"main"_s)
{
    auto agent = std::make_unique<testservers::Agent>(dir, seed());
    agent->config.insert(u"actions"_s, QJsonArray{action(u"ZxBackup"_s, u"SmartScan"_s, sleepMs),
                                                  action(u"ZxPowerstore"_s, u"MoveBlobs"_s, sleepMs)});
    agent->config.insert(u"runnerOplog"_s, runnerLog);
    agent->environment.insert(u"OPLENS_STUB_RECORD"_s, dir + u"/argv.jsonl"_s);
    if (!agent->start())
        qWarning("the agent did not start: %s", qPrintable(agent->err()));
    return agent;
}

std::unique_ptr<MainWindow> openAgents(const QList<const testservers::Agent *> &agents)
{
    auto w = consolefixture::openWindow();
    for (const testservers::Agent *agent : agents) {
        QString error;
        RemoteSpec spec = *RemoteSpec::fromUrl(u"agent+%1#main"_s.arg(agent->url()), &error);
        spec.secret = testservers::kOperatorToken;
        w->session()->openRemote(spec);
    }
    if (!QTest::qWaitFor([&] { return w->isIdle(); }, 20000))
        qWarning("the agents' oplogs did not load");
    return w;
}

std::unique_ptr<MainWindow> openAgent(const testservers::Agent &agent)
{
    return openAgents({&agent});
}

uint32_t opOf(const MainWindow &w, const QString &id)
{
    const auto data = w.session()->data();
    return data->findOperation(0, id.toStdString());
}

// The row of the notification of operation `id`, or an invalid index.
QModelIndex notificationOf(const MainWindow &w, const QString &id)
{
    const uint32_t op = opOf(w, id);
    return op == kNone ? QModelIndex() : w.notificationsPane()->model()->indexOf(op);
}

// Answers the plan dialog about to open: `check` looks at it once the agents answered, then it is run or cancelled.
void answerNextPlan(std::function<void(RestartPlanDialog *)> check)
{
    QTimer::singleShot(0, [check] {
        auto *dialog = qobject_cast<RestartPlanDialog *>(QApplication::activeModalWidget());
        if (!dialog) {
            answerNextPlan(check); // not open yet
            return;
        }
        if (dialog->isAsking()) // for a look: what it says while the agents have not answered
            consolefixture::saveScreenshot(dialog, u"batch-restart-plan-asking"_s);
        if (!QTest::qWaitFor([dialog] { return !dialog->isAsking(); }, 10000))
            qWarning("the agent's actions never came");
        check(dialog);
    });
}

// Answers the message box `name` about to open (a modal one, or one opened with open()).
void answerNextBox(const QString &name, std::function<void(QMessageBox *)> answer, int triesLeft = 500)
{
    QTimer::singleShot(10, [=] {
        QMessageBox *box = nullptr;
        for (QWidget *top : QApplication::topLevelWidgets())
            if (top->objectName() == name && top->isVisible())
                box = qobject_cast<QMessageBox *>(top);
        if (!box && triesLeft > 0)
            answerNextBox(name, answer, triesLeft - 1);
        else if (box)
            answer(box);
    });
}

// The rectangle of `widget` in `ancestor`'s coordinates.
QRect rectIn(const QWidget *widget, const QWidget *ancestor)
{
    return QRect(widget->mapTo(ancestor, QPoint(0, 0)), widget->size());
}

// The new operations of the agent's `log` file that restart another, as (started, ended) times, by start.
QList<QPair<qint64, qint64>> restartRuns(const QString &log)
{
    QMap<QString, QPair<qint64, qint64>> runs;
    for (const QJsonObject &event : testoplog::jsonLines(log)) {
        const QString id = event.value(u"operationId"_s).toString();
        const QString type = event.value(u"type"_s).toString();
        if (event.contains(u"restartOf"_s) && !runs.contains(id))
            runs.insert(id, {-1, -1});
        if (!runs.contains(id))
            continue;
        if (type == u"Started"_s)
            runs[id].first = qint64(event.value(u"startTime"_s).toDouble());
        else if (type == u"Finished"_s || type == u"Failed"_s)
            runs[id].second = qint64(event.value(u"startTime"_s).toDouble());
    }
    QList<QPair<qint64, qint64>> sorted = runs.values();
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

QString progressAt(const RestartsPane *pane, int row)
{
    return pane->table()->item(row, RestartsPane::ProgressColumn)->text();
}

} // namespace

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

// The smallest screen the README promises the console works on, 1024×700, when run offscreen (as CTest runs it): the
// offscreen platform reads its screens from a file as it starts.
int main(int argc, char **argv)
{
    QTemporaryDir config;
    if (qgetenv("QT_QPA_PLATFORM") == "offscreen") {
        const QString path = config.filePath(u"screens.json"_s);
        testfiles::writeFile(path, R"({"screens": [{"name": "small", "x": 0, "y": 0, "width": 1024, "height": 700}]})");
        qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + path.toUtf8());
    }
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    QApplication::setQuitOnLastWindowClosed(false); // a test closes its window to see whether quitting asks
    TestBatchRestartConsole test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_batchrestart_console.moc"
