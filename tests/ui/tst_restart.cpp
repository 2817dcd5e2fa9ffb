// Restart from the console against a real agent on loopback, and with a local action catalog.
#include "consolefixture.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "restartdialog.h"
#include "restarter.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"
#include "testservers.h"

#include <QDir>
#include <QDockWidget>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace oplens::ui;

namespace {

// Answers the restart dialog that is about to open: fills the reason and confirms.
void confirmNextRestart(const QString &reason)
{
    QTimer::singleShot(0, [reason] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (auto *dialog = qobject_cast<RestartDialog *>(w); dialog && dialog->isVisible()) {
                QTest::keyClicks(dialog->reasonField(), reason);
                consolefixture::saveScreenshot(dialog, QStringLiteral("restart-dialog"));
                dialog->accept();
                return;
            }
        }
        confirmNextRestart(reason); // not open yet
    });
}

int rowOf(NotificationsPane *pane, const QString &text)
{
    const QStringList lines = pane->model()->lines();
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains(text))
            return i;
    return -1;
}

} // namespace

class TestRestart : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_pristine; // mail1's demo oplog, before the agent writes to its copy
    std::unique_ptr<testservers::Agent> m_agent;

    QString file(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

    // A loaded window on the agent's "main" oplog (mail1's demo oplog), as the operator.
    std::unique_ptr<MainWindow> openAgent() const
    {
        auto w = consolefixture::openWindow();
        QString error;
        RemoteSpec agent = *RemoteSpec::fromUrl(QStringLiteral("agent+%1#main").arg(m_agent->url()), &error);
        agent.secret = testservers::kOperatorToken;
        w->session()->openRemote(agent);
        if (!QTest::qWaitFor([&] { return w->isIdle(); }, 20000))
            qWarning("the agent's oplog did not load");
        return w;
    }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        const QStringList demo = consolefixture::writeDemo(m_dir.path());
        QCOMPARE(demo.size(), 2);
        m_pristine = demo.first();
        QVERIFY(QDir().mkpath(file("agent")));
        // Besides the demo: an interrupted SmartScan of another path, and one whose twin runs again now.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const auto scan = [](const char *id, const char *type, qint64 at, const char *path, const char *origin) {
            return testoplog::Event(QLatin1String(id), QLatin1String(type), at)
                .parameters({{QStringLiteral("origin"), QLatin1String(origin)}, {QStringLiteral("dataPath"), QLatin1String(path)}})
                .line();
        };
        const QByteArray extra = scan("agent-scan", "Started", now - 600000, "/b/", "Cron")
            + scan("agent-scan", "Interrupted", now - 540000, "/b/", "Cron") + scan("twin-old", "Started", now - 1200000, "/c/", "Cron")
            + scan("twin-old", "Interrupted", now - 1140000, "/c/", "Cron") + scan("twin-run", "Started", now - 300000, "/c/", "Restart");
        m_agent = std::make_unique<testservers::Agent>(file("agent"), testfiles::readAll(m_pristine) + extra);
        m_agent->config.insert(QStringLiteral("actions"), QJsonArray{
            QJsonObject{{QStringLiteral("module"), QStringLiteral("ZxBackup")}, {QStringLiteral("name"), QStringLiteral("SmartScan")},
                        {QStringLiteral("argv"), QJsonArray{QStringLiteral("/bin/sleep"), QStringLiteral("1")}}},
            QJsonObject{{QStringLiteral("module"), QStringLiteral("ZxBackup")}, {QStringLiteral("name"), QStringLiteral("RestoreOnNewAccount")},
                        {QStringLiteral("argv"), QJsonArray{QStringLiteral("/bin/sleep"), QStringLiteral("1")}}}});
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
    }

    void cleanupTestCase()
    {
        m_agent.reset(); // a graceful stop
        QSettings().clear();
    }

    void restartThroughTheAgent()
    {
        auto window = openAgent();
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        NotificationsPane *pane = w.notificationsPane();
        const int row = rowOf(pane, QStringLiteral("RestoreOnNewAccount"));
        QVERIFY(row >= 0);
        const uint32_t old = pane->model()->shownOperations().at(size_t(row));
        const QString oldId = w.session()->data()->events().ids().qtext(old);
        pane->selectOperation(old);
        auto *restart = pane->findChild<QPushButton *>(QStringLiteral("restartButton"));
        QVERIFY(restart);
        QTRY_VERIFY(restart->isEnabled());
        confirmNextRestart(QStringLiteral("mailbox store checked"));
        QTest::mouseClick(restart, Qt::LeftButton);
        // The new operation arrives through the followed oplog, is selected, and finishes.
        QTRY_VERIFY_WITH_TIMEOUT(w.detailsPane()->operation() != old && w.detailsPane()->operation() != 0xFFFFFFFFu, 15000);
        const uint32_t fresh = w.detailsPane()->operation();
        auto data = w.session()->data();
        QCOMPARE(data->operation(fresh).restartOf, old);
        QCOMPARE(data->events().string(data->events().requestedBy(data->operation(fresh).firstRow)), testservers::kOperator);
        QTRY_COMPARE_WITH_TIMEOUT(w.session()->data()->operation(fresh).status, Status::Finished, 15000);
        data = w.session()->data();
        QVERIFY(data->isRestarted(old));
        QCOMPARE(rowOf(pane, oldId), -1);
        QCOMPARE(rowOf(pane, QStringLiteral("RestoreOnNewAccount")), -1); // it left the Notifications pane
        QVERIFY(consolefixture::saveScreenshot(&w, QStringLiteral("restarted")));
    }

    // The dialog says what the agent will run, from its GET /v1/actions (never its argv), once the agent answers.
    void dialogShowsTheAgentsAction()
    {
        auto window = openAgent();
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        const uint32_t op = w.session()->data()->findOperation(0, "agent-scan");
        QVERIFY(op != kNone);
        QString plan;
        QTimer::singleShot(0, [&plan] {
            QTRY_VERIFY(qobject_cast<RestartDialog *>(QApplication::activeModalWidget()));
            auto *dialog = qobject_cast<RestartDialog *>(QApplication::activeModalWidget());
            QLabel *label = nullptr;
            QTRY_VERIFY((label = dialog->findChild<QLabel *>(QStringLiteral("restartPlan"))) != nullptr
                        && label->text() != QStringLiteral("Asking the agent…"));
            plan = label->text();
            dialog->reject();
        });
        w.restartOperation(op);
        QCOMPARE(plan, QStringLiteral("The agent's action for ZxBackup SmartScan (its command stays on the server)"));
        QVERIFY(!plan.contains(QStringLiteral("/bin/sleep")));
    }

    // What the agent would refuse is refused before anything is sent (restartRefusal, the one home of "why not"): a
    // twin with the same parameters running, an operation finished since. The Restart button says why.
    void refusalIsShownWithItsReason()
    {
        auto window = openAgent();
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        const auto data = w.session()->data();
        const uint32_t old = data->findOperation(0, "twin-old");
        QVERIFY(old != kNone);
        Restarter restarter(w.session());
        QCOMPARE(restarter.refusal(old), QStringLiteral("A SmartScan with the same parameters is already running (id twin-run)."));
        NotificationsPane *pane = w.notificationsPane();
        pane->model()->setShowSuperseded(true); // the crash night's SmartScan, superseded by a later night's run
        const int row = rowOf(pane, QStringLiteral("SmartScan on mail1"));
        QVERIFY(row >= 0);
        const uint32_t superseded = pane->model()->shownOperations().at(size_t(row));
        QVERIFY2(restarter.refusal(superseded).startsWith(QStringLiteral("Finished since: superseded by")),
                 qPrintable(restarter.refusal(superseded)));
        pane->selectOperation(old);
        auto *button = pane->findChild<QPushButton *>(QStringLiteral("restartButton"));
        QVERIFY(!button->isEnabled());
        QCOMPARE(button->toolTip(), restarter.refusal(old));
        const QByteArray before = testfiles::readAll(m_agent->oplog);
        bool dialogOpened = false;
        QTimer::singleShot(0, [&dialogOpened] {
            if (auto *dialog = qobject_cast<RestartDialog *>(QApplication::activeModalWidget())) {
                dialogOpened = true;
                dialog->reject();
            }
        });
        w.restartOperation(old);
        QCoreApplication::processEvents(); // the check above, had a dialog opened
        QVERIFY(!dialogOpened);
        QCOMPARE(testfiles::readAll(m_agent->oplog), before); // nothing was sent
        QVERIFY(consolefixture::saveScreenshot(&w, QStringLiteral("refused")));
    }

    void restartWithTheLocalCatalog()
    {
        const QString log = file("local.jsonl");
        QFile::remove(log);
        QVERIFY(QFile::copy(m_pristine, log));
        QFile::setPermissions(log, QFile::ReadOwner | QFile::WriteOwner);
        const QString catalog = file("actions.json");
        QVERIFY(testfiles::writeFile(catalog, R"({"actions": [{"module": "ZxBackup", "name": "RestoreOnNewAccount", "argv": ["/bin/true"]}]})"));
        auto window = consolefixture::openWindow({log});
        MainWindow &w = *window;
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        NotificationsPane *pane = w.notificationsPane();
        const int row = rowOf(pane, QStringLiteral("RestoreOnNewAccount"));
        QVERIFY(row >= 0);
        const uint32_t old = pane->model()->shownOperations().at(size_t(row));
        Restarter::setCatalogPath({});
        Restarter restarter(w.session());
        QVERIFY(restarter.refusal(old).contains(QStringLiteral("local action catalog")));
        Restarter::setCatalogPath(catalog);
        QVERIFY(restarter.refusal(old).isEmpty());
        confirmNextRestart(QStringLiteral("disk replaced"));
        w.restartOperation(old);
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->data()->isRestarted(old), 15000);
        const uint32_t fresh = w.session()->data()->operation(old).restartedAs;
        QTRY_COMPARE_WITH_TIMEOUT(w.session()->data()->operation(fresh).status, Status::Finished, 15000);
        Restarter::setCatalogPath({});
    }
};

QTEST_MAIN(TestRestart)
#include "tst_restart.moc"
