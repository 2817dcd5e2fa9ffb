// What the console's batch-restart tests share (tests/ui/tst_batchrestart_console.cpp, tst_batchrestart_small.cpp):
// an agent on loopback whose actions are recording_stub, the seed of interrupted operations, a window on it, answers
// to the plan dialog and message boxes, the restarts' runs read back from an oplog, and main() on a 1024×700 screen.
#pragma once

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

namespace batchrestarttesting {

inline const QString kStub = QStringLiteral(RECORDING_STUB);
inline const QString kHost = QStringLiteral("mail3.example.com"); // the host the seed's events name

// An operation cut by a service restart an hour ago, as the service writes it.
inline QByteArray interrupted(const QString &id, const QString &module, const QString &name, const QString &volume, qint64 at)
{
    const QJsonObject parameters{{u"origin"_s, u"Cron"_s}, {u"volume"_s, volume}};
    return Event(id, u"Started"_s, at).module(module).name(name).parameters(parameters).set(u"requestedBy", u"zimbra"_s)
               .set(u"host", kHost).line()
        + Event(id, u"Interrupted"_s, at + 60000).module(module).name(name).parameters(parameters)
              .set(u"error", u"service restarted"_s).set(u"host", kHost).line();
}

// Three operations with an action (each runs `sleepMs`), and ZxGone Nothing, which has none.
inline QByteArray seed()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    return interrupted(u"scan-1"_s, u"ZxBackup"_s, u"SmartScan"_s, u"1"_s, t)
        + interrupted(u"move-2"_s, u"ZxPowerstore"_s, u"MoveBlobs"_s, u"2"_s, t + 1000)
        + interrupted(u"gone-3"_s, u"ZxGone"_s, u"Nothing"_s, u"3"_s, t + 2000)
        + interrupted(u"scan-4"_s, u"ZxBackup"_s, u"SmartScan"_s, u"4"_s, t + 3000);
}

inline QJsonObject action(const QString &module, const QString &name, int sleepMs, int exitStatus = 0)
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
inline std::unique_ptr<testservers::Agent> startAgent(const QString &dir, int sleepMs, const QString &runnerLog = u"main"_s)
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

inline std::unique_ptr<MainWindow> openAgents(const QList<const testservers::Agent *> &agents)
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

inline std::unique_ptr<MainWindow> openAgent(const testservers::Agent &agent)
{
    return openAgents({&agent});
}

inline uint32_t opOf(const MainWindow &w, const QString &id)
{
    const auto data = w.session()->data();
    return data->findOperation(0, id.toStdString());
}

// The row of the notification of operation `id`, or an invalid index.
inline QModelIndex notificationOf(const MainWindow &w, const QString &id)
{
    const uint32_t op = opOf(w, id);
    return op == kNone ? QModelIndex() : w.notificationsPane()->model()->indexOf(op);
}

// Answers the plan dialog about to open: `check` looks at it once the agents answered, then it is run or cancelled.
inline void answerNextPlan(std::function<void(RestartPlanDialog *)> check)
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
inline void answerNextBox(const QString &name, std::function<void(QMessageBox *)> answer, int triesLeft = 500)
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
inline QRect rectIn(const QWidget *widget, const QWidget *ancestor)
{
    return QRect(widget->mapTo(ancestor, QPoint(0, 0)), widget->size());
}

// The new operations of the agent's `log` file that restart another, as (started, ended) times, by start.
inline QList<QPair<qint64, qint64>> restartRuns(const QString &log)
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

inline QString progressAt(const RestartsPane *pane, int row)
{
    return pane->table()->item(row, RestartsPane::ProgressColumn)->text();
}

} // namespace batchrestarttesting

using namespace batchrestarttesting;

// The smallest screen the README promises the console works on, 1024×700, when run offscreen (as CTest runs it): the
// offscreen platform reads its screens from a file as it starts.
template <typename TestClass>
int batchRestartTestMain(int argc, char **argv)
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
    TestClass test;
    return QTest::qExec(&test, argc, argv);
}
