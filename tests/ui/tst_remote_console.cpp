// The console with remote sources on loopback: nginx serving oplog files over TLS with a CA made here, and oplensd.
// A merged view of a local file, nginx and an agent that goes down and comes back; a 200 MB oplog read while the
// window keeps answering; the Connect dialog's Test and certificate trust; a workspace saved and opened again.
#include "connectdialog.h"
#include "consolefixture.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "secretstore.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "testoplog.h"
#include "testservers.h"
#include "workspaces.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace oplens;
using namespace oplens::ui;
using namespace testfiles;
using consolefixture::operationsOf;
using namespace testservers;
using consolefixture::GapMeter;
using consolefixture::saveScreenshot;
using testoplog::Event;

namespace {

const QString kUser = QStringLiteral("auditor");
const QByteArray kPassword = "s3cret-do-not-log-me";

QByteArray lineOf(const QString &type, const QString &id, qint64 time, const QString &host)
{
    return Event(id, type, time)
        .parameters({{QStringLiteral("origin"), QStringLiteral("Cron")}, {QStringLiteral("host"), host}})
        .set(u"requestedBy", QStringLiteral("zimbra"))
        .line();
}

// `count` operations, Started then Finished, with ids that say where they come from.
QByteArray oplog(const QString &prefix, int count, qint64 from = 1700000000000)
{
    QByteArray text;
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("%1-%2").arg(prefix).arg(i);
        text += lineOf(QStringLiteral("Started"), id, from + i * 1000, prefix);
        text += lineOf(QStringLiteral("Finished"), id, from + i * 1000 + 500, prefix);
    }
    return text;
}

// Runs `answer` on the modal dialog of type T once one is shown, from a timer: never from a nested wait, which a
// dialog's own exec() would suspend.
template <typename T>
void whenShown(std::function<bool(T *)> answer)
{
    auto *poll = new QTimer(qApp);
    auto *started = new QElapsedTimer;
    started->start();
    QObject::connect(poll, &QTimer::timeout, qApp, [poll, started, answer] {
        auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget());
        if ((dialog && answer(dialog)) || started->elapsed() > 30000) {
            poll->stop();
            poll->deleteLater();
            delete started;
        }
    });
    poll->start(20);
}

// Clicks the button of the next message box whose text contains `button`.
void answerNextMessageBox(const QString &button)
{
    whenShown<QMessageBox>([button](QMessageBox *box) {
        for (QAbstractButton *b : box->buttons()) {
            if (b->text().contains(button)) {
                b->click();
                return true;
            }
        }
        return false;
    });
}

// Types `secret` into the next Connect dialog that asks for one, and connects; `asked` says it was asked.
void answerSecretDialog(const QByteArray &secret, bool *asked)
{
    whenShown<ConnectDialog>([secret, asked](ConnectDialog *dialog) {
        for (QLineEdit *edit : dialog->findChildren<QLineEdit *>())
            if (edit->echoMode() == QLineEdit::Password)
                edit->setText(QString::fromLatin1(secret));
        *asked = true;
        dialog->accept();
        return true;
    });
}

} // namespace

class TestRemoteConsole : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Pki m_pki, m_otherPki;
    QString m_www;
    std::unique_ptr<Nginx> m_nginx;

    QString site(const Pki &pki) const
    {
        return QStringLiteral("server {\n"
                              "    listen @LISTEN@ ssl;\n"
                              "    ssl_certificate %1;\n"
                              "    ssl_certificate_key %2;\n"
                              "    root %3;\n"
                              "    location /basic/ { auth_basic \"oplogs\"; auth_basic_user_file %4; }\n"
                              "}\n")
            .arg(pki.certificate, pki.key, m_www, m_dir.filePath(QStringLiteral("htpasswd")));
    }

    RemoteSpec fileSpec(const QString &path) const
    {
        QString error;
        auto spec = RemoteSpec::fromUrl(m_nginx->url() + path, &error);
        if (!spec)
            qWarning("%s", qPrintable(error));
        spec->caFile = m_pki.caCertificate;
        return *spec;
    }

    static RemoteSpec agentSpec(const Agent &agent)
    {
        QString error;
        auto spec = RemoteSpec::fromUrl(QStringLiteral("agent+%1#main").arg(agent.url()), &error);
        spec->secret = kViewerToken;
        return *spec;
    }

    static std::unique_ptr<MainWindow> window()
    {
        return consolefixture::openWindow({}, {.pollMs = 100, .remotePollMs = 200, .size = QSize(1600, 900)});
    }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings(); // settings, trusted certificates and mirrors in test folders
        QFile::remove(TrustedCertificates::defaultPath());
        QVERIFY(m_dir.isValid());
        if (!haveNginx())
            QSKIP("nginx is not installed (scripts/setup.sh installs nginx-light)");
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("pki"))) && QDir().mkpath(m_dir.filePath(QStringLiteral("other"))));
        QVERIFY(generatePki(m_dir.filePath(QStringLiteral("pki")), &m_pki));
        QVERIFY(generatePki(m_dir.filePath(QStringLiteral("other")), &m_otherPki, QStringLiteral("Another CA")));
        m_www = m_dir.filePath(QStringLiteral("www"));
        QVERIFY(QDir().mkpath(m_www + QStringLiteral("/basic")));
        const Exit hash = runToEnd(QStringLiteral(OPENSSL), {QStringLiteral("passwd"), QStringLiteral("-apr1"), QString::fromLatin1(kPassword)});
        QCOMPARE(hash.code, 0);
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("htpasswd")), (kUser + QLatin1Char(':') + hash.out.trimmed() + QLatin1Char('\n')).toUtf8()));
        m_nginx = std::make_unique<Nginx>(m_dir.path(), site(m_pki));
        QString why;
        QVERIFY2(m_nginx->start(&why), qPrintable(why));
    }

    void cleanupTestCase() { m_nginx.reset(); }
    void cleanup()
    {
        QSettings().clear();
        QFile::remove(TrustedCertificates::defaultPath());
    }

    // Three sources in one view; the agent goes down and comes back, and the others go on meanwhile.
    void mergedViewSurvivesAServerGoingDown()
    {
        QTemporaryDir dir;
        const QString local = dir.filePath(QStringLiteral("local.jsonl"));
        QVERIFY(writeFile(local, oplog(QStringLiteral("local"), 3)));
        QVERIFY(writeFile(m_www + QStringLiteral("/web.jsonl"), oplog(QStringLiteral("web"), 4)));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("agent"))));
        Agent agent(dir.filePath(QStringLiteral("agent")), oplog(QStringLiteral("agent"), 5));
        QVERIFY2(agent.start(), qPrintable(agent.err()));

        auto w = window();
        w->openFiles({local});
        const RemoteSpec web = fileSpec(QStringLiteral("/web.jsonl")), remoteAgent = agentSpec(agent);
        w->workspaces()->openRemote(web);
        w->workspaces()->openRemote(remoteAgent);
        QTRY_VERIFY_WITH_TIMEOUT(w->isIdle(), 20000);
        QTRY_COMPARE(operationsOf(*w, local), 3);
        QTRY_COMPARE(operationsOf(*w, web.name()), 4);
        QTRY_COMPARE(operationsOf(*w, remoteAgent.name()), 5);
        QTRY_COMPARE(w->operationsPane()->total(), size_t(12));
        // The Source column tells them apart.
        QSet<QString> shown;
        const int sourceColumn = int(OperationColumn::Source);
        for (int row = 0; row < w->operationsPane()->model()->rowCount(); ++row)
            shown << w->operationsPane()->model()->index(row, sourceColumn).data().toString();
        QCOMPARE(shown.size(), 3);
        const int agentIndex = w->session()->sourceIndex(remoteAgent.name());
        QTRY_VERIFY(w->sourcesPane()->stateText(agentIndex).startsWith(QStringLiteral("Connected")));

        // Down: its state says so and counts down to the next try; what it sent stays shown.
        QCOMPARE(agent.stop(), 0);
        QTRY_VERIFY2_WITH_TIMEOUT(w->sourcesPane()->stateText(agentIndex).startsWith(QStringLiteral("Retrying in")),
                                  qPrintable(w->sourcesPane()->stateText(agentIndex)), 15000);
        QVERIFY(!w->session()->sources()[agentIndex].remote->state().error.isEmpty());
        QCOMPARE(operationsOf(*w, remoteAgent.name()), 5);
        // The others go on: appended lines arrive while the agent is down.
        QVERIFY(appendFile(local, oplog(QStringLiteral("local-more"), 1)));
        QVERIFY(appendFile(m_www + QStringLiteral("/web.jsonl"), oplog(QStringLiteral("web-more"), 2)));
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, local), 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, web.name()), 6, 10000);
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("remote-agent-down")));

        // Back: the retry finds it, and it goes on from where its copy ended (not read again from the start).
        QVERIFY(appendFile(agent.oplog, oplog(QStringLiteral("agent-more"), 1)));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        QTRY_VERIFY_WITH_TIMEOUT(w->sourcesPane()->stateText(agentIndex).startsWith(QStringLiteral("Connected")), 40000);
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, remoteAgent.name()), 6, 10000);
        QVERIFY(w->session()->sources()[agentIndex].notice.isEmpty());
        QVERIFY(w->session()->sources()[agentIndex].remote->state().error.isEmpty());
        QTRY_COMPARE(w->operationsPane()->total(), size_t(16));
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("remote-merged")));
    }

    // 200 MB through nginx: the window keeps answering, and the Sources pane shows how far the reading is.
    void bigOplogDoesNotStallTheWindow()
    {
        QByteArray text;
        text.reserve(210 << 20);
        int operations = 0;
        while (text.size() < (200 << 20)) {
            text += oplog(QStringLiteral("big%1").arg(operations), 1, 1700000000000 + operations);
            ++operations;
        }
        QVERIFY(writeFile(m_www + QStringLiteral("/big.jsonl"), text));
        text.clear();
        text.squeeze();

        auto w = window();
        QElapsedTimer clock;
        QStringList states;
        const RemoteSpec big = fileSpec(QStringLiteral("/big.jsonl"));
        clock.start();
        GapMeter meter([&] { // the Sources pane's state, sampled at every tick
            const QString state = w->sourcesPane()->stateText(0);
            if (states.isEmpty() || states.last() != state)
                states << state;
        });
        w->workspaces()->openRemote(big);
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, big.name()), operations, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(w->isIdle(), 30000);
        meter.stop();
        const double maxGap = meter.largestGapMs();
        qInfo("200 MB over HTTPS: %d operations shown after %lld ms; the GUI thread's longest wait was %.1f ms",
              operations, clock.elapsed(), maxGap);
        const bool progressShown = std::any_of(states.begin(), states.end(), [](const QString &s) { return s.startsWith(QStringLiteral("Reading")); });
        QVERIFY2(progressShown, qPrintable(states.join(QLatin1String(" | "))));
        // A stall is the whole read on the GUI thread: seconds. A second is far above any one step of ours.
        QVERIFY2(maxGap < 1000, qPrintable(QStringLiteral("the window did not answer for %1 ms").arg(maxGap)));
        QFile::remove(m_www + QStringLiteral("/big.jsonl"));
    }

    // Test in the Connect dialog says what is wrong; a certificate can be trusted for its server after it is shown.
    void connectDialogTestsAndTrusts_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("withCa");
        QTest::addColumn<QString>("expected");
        QTest::newRow("an oplog") << QStringLiteral("/web.jsonl") << true << QStringLiteral("Connected: an oplog of");
        QTest::newRow("401") << QStringLiteral("/basic/web.jsonl") << true << QStringLiteral("401");
        QTest::newRow("not an oplog") << QStringLiteral("/page.html") << true << QStringLiteral("Not an oplog");
        QTest::newRow("404") << QStringLiteral("/missing.jsonl") << true << QStringLiteral("404");
        QTest::newRow("unknown CA") << QStringLiteral("/web.jsonl") << false << QStringLiteral("does not verify");
        QTest::newRow("refused") << QStringLiteral("https://127.0.0.1:1/web.jsonl") << true << QStringLiteral("connection refused");
        QTest::newRow("DNS") << QStringLiteral("https://nowhere.invalid/web.jsonl") << true << QStringLiteral("DNS");
    }
    void connectDialogTestsAndTrusts()
    {
        QFETCH(QString, url);
        QFETCH(bool, withCa);
        QFETCH(QString, expected);
        QVERIFY(writeFile(m_www + QStringLiteral("/web.jsonl"), oplog(QStringLiteral("web"), 4)));
        QVERIFY(writeFile(m_www + QStringLiteral("/basic/web.jsonl"), oplog(QStringLiteral("web"), 4)));
        QVERIFY(writeFile(m_www + QStringLiteral("/page.html"), "<!DOCTYPE html><html><body>It works!</body></html>\n"));
        ConnectDialog dialog;
        dialog.show();
        RemoteSpec spec = fileSpec(QStringLiteral("/web.jsonl"));
        spec.url = QUrl(url.startsWith(QLatin1String("https:")) ? url : m_nginx->url() + url);
        spec.caFile = withCa ? m_pki.caCertificate : QString();
        dialog.setSpec(spec);
        dialog.testButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult().contains(expected), 20000);
        QCOMPARE(dialog.trustButton()->isVisible(), !withCa);
        if (withCa)
            return;
        QVERIFY(dialog.testResult().contains(QStringLiteral("SHA-256: ") + certificateFingerprint(m_pki.server)));
        QVERIFY(saveScreenshot(&dialog, QStringLiteral("connect-untrusted")));
        answerNextMessageBox(QStringLiteral("Trust for"));
        dialog.trustButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult().contains(QStringLiteral("Connected: an oplog of")), 20000);
        QVERIFY(!dialog.trustButton()->isVisible());
        QVERIFY(saveScreenshot(&dialog, QStringLiteral("connect-trusted")));

        // The same server with another certificate: refused, and said to have changed.
        Nginx other(m_dir.filePath(QStringLiteral("other-nginx")), site(m_otherPki));
        QString why;
        QVERIFY2(other.start(&why), qPrintable(why));
        QString error;
        auto otherSpec = RemoteSpec::fromUrl(other.url() + QStringLiteral("/web.jsonl"), &error);
        QVERIFY(otherSpec);
        QVERIFY(TrustedCertificates().trust(
            certificateProblem(QStringLiteral("127.0.0.1:%1").arg(other.port), m_pki.server, {}), &error));
        dialog.setSpec(*otherSpec);
        dialog.testButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult().contains(QStringLiteral("not the one you trusted")), 20000);
    }

    // A secret goes to the keychain where there is one; where there is none (or it holds nothing), the console asks
    // again, and the source opens with what the admin types.
    void secretsComeFromTheKeychainOrTheAdmin()
    {
        QVERIFY(writeFile(m_www + QStringLiteral("/basic/web.jsonl"), oplog(QStringLiteral("web"), 4)));
        RemoteSpec spec = fileSpec(QStringLiteral("/basic/web.jsonl"));
        spec.auth = RemoteSpec::Auth::Basic;
        spec.user = kUser;
        const QString key = SecretStore::keyFor(spec);
        QVERIFY(key.contains(kUser) && !key.contains(QString::fromLatin1(kPassword)));
        bool written = false, writeDone = false;
        SecretStore::write(key, kPassword, this, [&](const QString &error) {
            written = error.isEmpty();
            writeDone = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(writeDone, 30000); // an answer, never a hang, with or without a keychain
        {
            ConnectDialog dialog; // "Remember" still counts once the dialog is closed
            RemoteSpec given = spec;
            given.secret = kPassword;
            dialog.setSpec(given);
            dialog.show();
            dialog.accept();
            QVERIFY(!dialog.isVisible());
            QVERIFY(dialog.rememberSecret());
        }
        QByteArray kept;
        bool readDone = false;
        SecretStore::read(key, this, [&](const QByteArray &secret, const QString &) {
            kept = secret;
            readDone = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(readDone, 30000);
        QCOMPARE(kept, written ? kPassword : QByteArray());
        SecretStore::remove(key);

        auto w = window();
        bool asked = false;
        if (!written) // no keychain: the console asks
            answerSecretDialog(kPassword, &asked);
        w->workspaces()->openRemote(spec);
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 4, 30000);
        QCOMPARE(asked, !written);

        // Batch modes never ask: the source fails and says why.
        auto batch = window();
        batch->workspaces()->setInteractive(false);
        if (!written) {
            batch->workspaces()->openRemote(spec);
            const int index = batch->session()->sourceIndex(spec.name());
            QTRY_VERIFY_WITH_TIMEOUT(batch->sourcesPane()->stateText(index).startsWith(QStringLiteral("Failed")), 30000);
            QVERIFY(batch->session()->sources()[index].remote->state().error.contains(QStringLiteral("no password")));
            QVERIFY(batch->session()->remotesSettled());
        }
    }

    // Sources, their credentials' files and the filter come back from a saved workspace.
    void workspaceRoundTrip()
    {
        QTemporaryDir dir;
        const QString local = dir.filePath(QStringLiteral("local.jsonl"));
        QVERIFY(writeFile(local, oplog(QStringLiteral("local"), 3)));
        QVERIFY(writeFile(m_www + QStringLiteral("/basic/web.jsonl"), oplog(QStringLiteral("web"), 4)));
        const QString passwordFile = dir.filePath(QStringLiteral("password"));
        QVERIFY(writeFile(passwordFile, kPassword + '\n'));
        const QString path = dir.filePath(QStringLiteral("servers.oplens.json"));
        // Written as an admin would for oplensctl and the console alike.
        Workspace workspace;
        WorkspaceSource file;
        file.location = local;
        WorkspaceSource web;
        web.location = m_nginx->url() + QStringLiteral("/basic/web.jsonl");
        web.auth = RemoteSpec::Auth::Basic;
        web.user = kUser;
        web.passwordFile = passwordFile;
        web.caFile = m_pki.caCertificate;
        workspace.sources = {file, web};
        workspace.filter.text = QStringLiteral("web-");
        QString error;
        QVERIFY2(writeWorkspace(path, workspace, &error), qPrintable(error));

        QString saved = dir.filePath(QStringLiteral("saved.oplens.json"));
        {
            auto w = window();
            // The password file is oplensctl's: the console asks (a workspace someone sent must not make it read a
            // local file and send it to their server).
            bool asked = false;
            answerSecretDialog(kPassword, &asked);
            QVERIFY(w->workspaces()->openWorkspace(path));
            QTRY_VERIFY_WITH_TIMEOUT(asked, 30000);
            QTRY_VERIFY_WITH_TIMEOUT(w->isIdle(), 20000);
            QTRY_COMPARE(operationsOf(*w, local), 3);
            QTRY_COMPARE(operationsOf(*w, m_nginx->url() + QStringLiteral("/basic/web.jsonl")), 4);
            QCOMPARE(w->filterBar()->searchField()->text(), QStringLiteral("web-"));
            QTRY_COMPARE(w->operationsPane()->shown(), size_t(4));
            w->operationsPane()->view()->setColumnHidden(int(OperationColumn::RequestedBy), true);
            w->filterBar()->searchField()->setText(QStringLiteral("local-1"));
            QVERIFY(w->workspaces()->saveWorkspace(saved));
        }
        const QByteArray text = readAll(saved);
        QVERIFY(!text.contains(kPassword)); // only where to read it
        QVERIFY(text.contains(passwordFile.toUtf8()));
        auto w = window();
        // As `oplens --user U --password-file F --workspace W` does: for that workspace's sources only.
        CommandLineCredentials credentials;
        credentials.user = kUser;
        credentials.password = kPassword;
        w->workspaces()->setCommandLineCredentials(credentials);
        QVERIFY(w->workspaces()->openWorkspace(saved));
        w->workspaces()->endCommandLine();
        QTRY_VERIFY_WITH_TIMEOUT(w->isIdle(), 20000);
        QCOMPARE(w->session()->sources().size(), 2);
        QTRY_COMPARE(operationsOf(*w, m_nginx->url() + QStringLiteral("/basic/web.jsonl")), 4);
        QCOMPARE(w->filterBar()->searchField()->text(), QStringLiteral("local-1"));
        QVERIFY(w->operationsPane()->view()->isColumnHidden(int(OperationColumn::RequestedBy)));
        QTRY_COMPARE(w->operationsPane()->shown(), size_t(1));
        // And in the File menu's recent workspaces.
        QCOMPARE(QSettings().value(QStringLiteral("recent/workspaces")).toStringList().value(0), QFileInfo(saved).absoluteFilePath());
    }
};

QTEST_MAIN(TestRemoteConsole)
#include "tst_remote_console.moc"
