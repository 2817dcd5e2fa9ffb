// Restart from the console against a real agent on loopback, and with a local action catalog.
#include "detailspane.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "restartdialog.h"
#include "restarter.h"
#include "tablepane.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace oplens::ui;

namespace {

const QByteArray kToken = "console-test-token";

quint16 freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

// Answers the restart dialog that is about to open: fills the reason and confirms.
void confirmNextRestart(const QString &reason)
{
    QTimer::singleShot(0, [reason] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (auto *dialog = qobject_cast<RestartDialog *>(w); dialog && dialog->isVisible()) {
                QTest::keyClicks(dialog->reasonField(), reason);
                QDir().mkpath(QStringLiteral(SCREENSHOTS));
                dialog->grab().save(QStringLiteral(SCREENSHOTS "/restart-dialog.png"));
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
    QProcess m_agent;
    quint16 m_port = 0;

    QString file(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QProcess demo;
        demo.start(QStringLiteral(OPLENS_DEMO), {QStringLiteral("--out"), m_dir.path()});
        QVERIFY(demo.waitForFinished(30000));
        QVERIFY(QFile::copy(file("mail1.example.com.jsonl"), file("pristine.jsonl"))); // before the agent writes to it
        m_port = freePort();
        const QByteArray hash = QCryptographicHash::hash(kToken, QCryptographicHash::Sha256).toHex();
        QFile config(file("agent.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral(R"({"listen": "127.0.0.1:%1", "oplogs": [{"id": "main", "path": "mail1.example.com.jsonl"}],
 "runnerOplog": "main", "runAsRoot": true,
 "tokens": [{"identity": "tester@example.com", "role": "operator", "sha256": "%2"}],
 "actions": [{"module": "ZxBackup", "name": "SmartScan", "argv": ["/bin/sleep", "1"]},
             {"module": "ZxBackup", "name": "RestoreOnNewAccount", "argv": ["/bin/sleep", "1"]}]})")
                         .arg(m_port)
                         .arg(QString::fromLatin1(hash))
                         .toUtf8());
        config.close();
        m_agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_agent.start(QStringLiteral(OPLENSD), {QStringLiteral("--config"), file("agent.json")});
        QVERIFY(m_agent.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT([this] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            return probe.waitForConnected(100);
        }(), 10000);
    }

    void cleanupTestCase()
    {
        m_agent.terminate();
        m_agent.waitForFinished(5000);
        QSettings().clear();
    }

    void restartThroughTheAgent()
    {
        MainWindow w;
        w.show();
        w.session()->setPollInterval(100);
        QString error;
        RemoteSpec agent = *RemoteSpec::fromUrl(QStringLiteral("agent+http://127.0.0.1:%1#main").arg(m_port), &error);
        agent.secret = kToken;
        w.session()->openRemote(agent);
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        NotificationsPane *pane = w.notificationsPane();
        const int row = rowOf(pane, QStringLiteral("RestoreOnNewAccount"));
        QVERIFY(row >= 0);
        const uint32_t old = pane->model()->operationAt(row);
        const QString oldId = w.session()->data()->events().ids().qtext(old);
        pane->view()->setCurrentIndex(pane->model()->index(row));
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
        QCOMPARE(data->events().string(data->events().requestedBy(data->operation(fresh).firstRow)), QStringLiteral("tester@example.com"));
        QTRY_COMPARE_WITH_TIMEOUT(w.session()->data()->operation(fresh).status, Status::Finished, 15000);
        data = w.session()->data();
        QVERIFY(data->isRestarted(old));
        QCOMPARE(rowOf(pane, oldId), -1);
        QCOMPARE(rowOf(pane, QStringLiteral("RestoreOnNewAccount")), -1); // it left the Notifications pane
        QDir().mkpath(QStringLiteral(SCREENSHOTS));
        QVERIFY(w.grab().save(QStringLiteral(SCREENSHOTS "/restarted.png")));
    }

    void refusalIsShownWithItsReason()
    {
        MainWindow w;
        w.show();
        QString error;
        RemoteSpec agent = *RemoteSpec::fromUrl(QStringLiteral("agent+http://127.0.0.1:%1#main").arg(m_port), &error);
        agent.secret = kToken;
        w.session()->openRemote(agent);
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        // mail1's SmartScan is still running with the same parameters: the agent refuses (409).
        NotificationsPane *pane = w.notificationsPane();
        const int row = rowOf(pane, QStringLiteral("SmartScan on mail1"));
        QVERIFY(row >= 0);
        confirmNextRestart(QStringLiteral("trying"));
        w.restartOperation(pane->model()->operationAt(row));
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w.findChild<QMessageBox *>(QStringLiteral("restartRefused"))) != nullptr, 10000);
        QVERIFY2(box->text().contains(QStringLiteral("409")) && box->text().contains(QStringLiteral("already queued or running")),
                 qPrintable(box->text()));
        QDir().mkpath(QStringLiteral(SCREENSHOTS));
        QVERIFY(w.grab().save(QStringLiteral(SCREENSHOTS "/refused.png")));
        box->close();
    }

    void restartWithTheLocalCatalog()
    {
        const QString log = file("local.jsonl");
        QFile::remove(log);
        QVERIFY(QFile::copy(file("pristine.jsonl"), log));
        QFile::setPermissions(log, QFile::ReadOwner | QFile::WriteOwner);
        QFile catalog(file("actions.json"));
        QVERIFY(catalog.open(QIODevice::WriteOnly));
        catalog.write(R"({"actions": [{"module": "ZxBackup", "name": "RestoreOnNewAccount", "argv": ["/bin/true"]}]})");
        catalog.close();
        MainWindow w;
        w.show();
        w.session()->setPollInterval(100);
        w.openFiles({log});
        QTRY_VERIFY_WITH_TIMEOUT(w.isIdle(), 20000);
        NotificationsPane *pane = w.notificationsPane();
        const int row = rowOf(pane, QStringLiteral("RestoreOnNewAccount"));
        QVERIFY(row >= 0);
        const uint32_t old = pane->model()->operationAt(row);
        Restarter::setCatalogPath({});
        Restarter restarter(w.session());
        QVERIFY(restarter.refusal(old).contains(QStringLiteral("local action catalog")));
        Restarter::setCatalogPath(catalog.fileName());
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
