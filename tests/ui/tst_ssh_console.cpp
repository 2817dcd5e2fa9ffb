// The console with oplogs read over SSH (issue 17): a real sshd on loopback (tests/common/testssh.h) with a private
// ssh_config. An ssh:// source opened as the command line opens it (its --ssh-config applied by Workspaces), followed,
// its row in the Sources pane, a rotation's note; `oplens --ssh-config F --notifications ssh://…` itself; the Connect
// dialog's SSH kind (Test against the server, an unknown host key with its fingerprint, an ssh:// URL pasted into the
// URL field, a path with spaces); a workspace with an ssh source saved and opened again, never asking for a secret.
// XDG_RUNTIME_DIR (ssh's ControlMaster sockets) and XDG_CACHE_HOME (the mirrors) point into a temporary folder.
#include "connectdialog.h"
#include "consolefixture.h"
#include "credentials.h"
#include "mainwindow.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "testoplog.h"
#include "testssh.h"
#include "workspaces.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QScopeGuard>
#include <QTimer>
#include <QTreeWidget>

using namespace Qt::StringLiterals;
using namespace oplens;
using namespace oplens::ui;
using namespace testfiles;
using consolefixture::operationsOf;
using consolefixture::saveScreenshot;
using testoplog::Event;

namespace {

// `count` operations of `prefix`, Started then Finished a second apart.
QByteArray oplog(const QString &prefix, int count, qint64 from = 1700000000000)
{
    QByteArray text;
    for (int i = 0; i < count; ++i) {
        const QString id = u"%1-%2"_s.arg(prefix).arg(i);
        text += Event(id, "Started", from + i * 1000).module(u"ZxBackup"_s).name(u"SmartScan"_s).line();
        text += Event(id, "Finished", from + i * 1000 + 500).module(u"ZxBackup"_s).name(u"SmartScan"_s).line();
    }
    return text;
}

// The Sources pane's top-level row of source `index`.
QTreeWidgetItem *sourceRow(MainWindow &w, int index)
{
    auto *tree = w.sourcesPane()->findChild<QTreeWidget *>(u"sourcesTree"_s);
    return tree && index < tree->topLevelItemCount() ? tree->topLevelItem(index) : nullptr;
}

// Whether a Connect dialog (the secret prompt) is up anywhere.
bool connectDialogShown()
{
    const auto widgets = QApplication::topLevelWidgets();
    return std::any_of(widgets.begin(), widgets.end(), [](QWidget *w) { return qobject_cast<ConnectDialog *>(w) && w->isVisible(); });
}

QLineEdit *field(ConnectDialog &dialog, const QString &name) { return dialog.findChild<QLineEdit *>(name); }

} // namespace

class TestSshConsole : public QObject
{
    Q_OBJECT

    // ssh's ControlMaster socket is <runtime>/oplens-ssh/<8>-<40>.<16 while made>: a Unix socket's path holds 107 bytes.
    QTemporaryDir m_home{QDir::tempPath() + u"/ssh-XXXXXX"_s}, m_files, m_serverDir;
    std::unique_ptr<testservers::SshServer> m_server;

    QString file(const QString &name) const { return m_files.filePath(name); }
    RemoteSpec sshSpec(const QString &path, const QString &config) const
    {
        QString error;
        auto spec = RemoteSpec::fromUrl(m_server->url(path), &error);
        if (!spec)
            qWarning("%s", qPrintable(error));
        spec->sshConfig = config;
        return *spec;
    }
    static std::unique_ptr<MainWindow> window()
    {
        return consolefixture::openWindow({}, {.pollMs = 100, .remotePollMs = 0, .size = QSize(1600, 900)});
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_server.reset(); }
    void cleanup() { QSettings().clear(); }
    void followsAnSshSourceWithTheCommandLinesConfig();
    void commandLineSshConfig();
    void sourcesPaneSaysWhySshFails();
    void connectDialogTestsOverSsh();
    void connectDialogUnknownHostKey();
    void connectDialogTakesAPastedSshUrl();
    void fileConnectOpensAnSshSource();
    void workspaceKeepsAnSshSourceWithoutSecrets();
};

void TestSshConsole::initTestCase()
{
    if (!testservers::haveSshd())
        QSKIP("sshd is not installed: scripts/setup.sh installs openssh-server");
    consolefixture::useTestSettings();
    QVERIFY(m_home.isValid() && m_files.isValid() && m_serverDir.isValid());
    QVERIFY(QDir(m_home.path()).mkpath(u"run"_s));
    QFile::setPermissions(m_home.filePath(u"run"_s), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", m_home.filePath(u"run"_s).toUtf8());
    qputenv("XDG_CACHE_HOME", m_home.filePath(u"cache"_s).toUtf8());
    m_server = std::make_unique<testservers::SshServer>(m_serverDir.path());
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));
}

// Opened as `oplens --ssh-config F ssh://…` opens it: the spec names no ssh_config, the command line's is applied.
// Its operations show, an append shows (followed), the Sources pane says ssh and up to date; a rotation is noted.
void TestSshConsole::followsAnSshSourceWithTheCommandLinesConfig()
{
    QVERIFY(QDir(m_files.path()).mkpath(u"server one"_s));
    const QString path = file(u"server one/oplog.jsonl"_s); // a space: the URL is encoded, the path is the file's
    QVERIFY(writeFile(path, oplog(u"mail1"_s, 5)));
    auto w = window();
    CommandLineCredentials credentials;
    credentials.sshConfig = m_server->clientConfig;
    w->workspaces()->setCommandLineCredentials(credentials);
    const RemoteSpec spec = sshSpec(path, {});
    QVERIFY(spec.sshConfig.isEmpty());
    w->workspaces()->openRemote(spec);
    w->workspaces()->endCommandLine();
    const int index = w->session()->sourceIndex(spec.name());
    QVERIFY(index >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 5, 30000);
    QCOMPARE(w->session()->sources()[index].remote->spec().sshConfig, m_server->clientConfig);
    QTRY_COMPARE(w->operationsPane()->total(), size_t(5));

    QVERIFY(appendFile(path, oplog(u"mail1-more"_s, 1, 1800000000000)));
    QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 6, 10000);
    QTRY_COMPARE(w->operationsPane()->total(), size_t(6));
    QTRY_COMPARE(w->sourcesPane()->stateText(index), u"Connected, following"_s);
    QTreeWidgetItem *row = sourceRow(*w, index);
    QVERIFY(row);
    QCOMPARE(row->text(SourcesPane::Name), u"127.0.0.1:%1 · oplog.jsonl (ssh)"_s.arg(m_server->port)); // the kind at the end: kept when cut in the middle
    QTRY_COMPARE(sourceRow(*w, index)->text(SourcesPane::Events), u"12"_s);
    QCOMPARE(row->toolTip(SourcesPane::Name), spec.name());

    // Rotated: another file under the name, read again from its start, and the row says so.
    QVERIFY(replaceFile(path, oplog(u"mail1-rotated"_s, 2, 1900000000000)));
    QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 2, 15000);
    QTRY_VERIFY(sourceRow(*w, index) && sourceRow(*w, index)->childCount() > 0);
    row = sourceRow(*w, index);
    QVERIFY2(row->child(0)->text(SourcesPane::Name).startsWith(u"Note: read again"_s), qPrintable(row->child(0)->text(0)));
    QVERIFY2(row->child(0)->toolTip(SourcesPane::Name).contains(u"rotated"_s), qPrintable(row->child(0)->toolTip(0)));
    QVERIFY(row->child(0)->isFirstColumnSpanned());
    QTRY_COMPARE(w->sourcesPane()->stateText(index), u"Connected, following"_s);
    auto *dock = w->findChild<QDockWidget *>(u"sourcesDock"_s); // tabbed with the Servers view: brought to the front
    QVERIFY(dock);
    dock->raise();
    QTRY_VERIFY(!w->sourcesPane()->visibleRegion().isEmpty());
    QVERIFY(saveScreenshot(dock, u"ssh-sources-pane"_s));
    QVERIFY(saveScreenshot(w.get(), u"ssh-console"_s));
}

// The console's own command line: `oplens --ssh-config F --notifications ssh://…` reads the oplog through that
// configuration (the interrupted operation is listed); without it ssh does not know the server's key and it says so.
void TestSshConsole::commandLineSshConfig()
{
    const QString path = file(u"cli.jsonl"_s);
    QByteArray text = oplog(u"cli"_s, 2);
    text += Event(u"cli-restore"_s, "Started", 1700000100000).module(u"ZxBackup"_s).name(u"RestoreOnNewAccount"_s).line();
    text += Event(u"cli-restore"_s, "Interrupted", 1700000200000).module(u"ZxBackup"_s).name(u"RestoreOnNewAccount"_s).line();
    QVERIFY(writeFile(path, text));
    QTemporaryDir home;
    const auto run = [&](const QStringList &options) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment(); // XDG_RUNTIME_DIR: this test's
        env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));  // its settings, never the user's
        env.insert(u"XDG_CACHE_HOME"_s, home.filePath(u"cache"_s));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(OPLENS), options + QStringList{u"--notifications"_s, m_server->url(path)});
        if (!p.waitForFinished(60000))
            p.kill();
        return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
    };
    const auto [code, out] = run({u"--ssh-config"_s, m_server->clientConfig});
    QVERIFY2(code == 0, qPrintable(out));
    QVERIFY2(out.contains(u"RestoreOnNewAccount"_s) && !out.contains(u"! "_s), qPrintable(out));

    const QString unknown = m_server->writeClientConfig(u"cli_unknown_config"_s, m_serverDir.filePath(u"cli_known_hosts"_s),
                                                        m_server->identity);
    const auto [failedCode, failedOut] = run({u"--ssh-config"_s, unknown});
    QCOMPARE(failedCode, 2); // nothing known of it: no all-clear
    QVERIFY2(failedOut.contains(u"! "_s) && failedOut.contains(m_server->hostKeyFingerprint), qPrintable(failedOut));
    const auto [missingCode, missingOut] = run({u"--ssh-config"_s, file(u"no-such-config"_s)});
    QCOMPARE(missingCode, 1);
    QVERIFY2(missingOut.contains(u"--ssh-config"_s), qPrintable(missingOut));
}

// A server whose host key is not known: the row retries, and says why under it, whole in its tooltip.
void TestSshConsole::sourcesPaneSaysWhySshFails()
{
    const QString path = file(u"refused.jsonl"_s);
    QVERIFY(writeFile(path, oplog(u"refused"_s, 1)));
    const QString config = m_server->writeClientConfig(u"pane_unknown_config"_s, m_serverDir.filePath(u"pane_known_hosts"_s),
                                                       m_server->identity);
    auto w = window();
    const RemoteSpec spec = sshSpec(path, config);
    w->workspaces()->openRemote(spec);
    const int index = w->session()->sourceIndex(spec.name());
    QTRY_VERIFY_WITH_TIMEOUT(w->sourcesPane()->stateText(index).startsWith(u"Retrying in"_s), 30000);
    QTRY_VERIFY(sourceRow(*w, index) && sourceRow(*w, index)->childCount() > 0);
    QTreeWidgetItem *why = sourceRow(*w, index)->child(0);
    QVERIFY2(why->text(SourcesPane::Name).startsWith(u"Error: the host key of 127.0.0.1 is not known"_s), qPrintable(why->text(0)));
    QVERIFY2(why->toolTip(SourcesPane::Name).contains(m_server->hostKeyFingerprint), qPrintable(why->toolTip(0)));
    QVERIFY(why->isFirstColumnSpanned());
    QCOMPARE(operationsOf(*w, spec.name()), -1); // nothing read
    auto *dock = w->findChild<QDockWidget *>(u"sourcesDock"_s);
    dock->raise();
    QTRY_VERIFY(!w->sourcesPane()->visibleRegion().isEmpty());
    QVERIFY(saveScreenshot(dock, u"ssh-sources-pane-unknown-host"_s));
}

// Test over SSH, with the fields typed as an admin types them: "Connected" and the file's size; Connect gives the
// ssh:// spec (the path with its spaces, the ssh_config), and editing it fills the fields again.
void TestSshConsole::connectDialogTestsOverSsh()
{
    QVERIFY(QDir(m_files.path()).mkpath(u"dialog dir"_s));
    const QString path = file(u"dialog dir/oplog #1.jsonl"_s);
    const QByteArray text = oplog(u"dialog"_s, 3);
    QVERIFY(writeFile(path, text));
    ConnectDialog dialog;
    dialog.show();
    auto *kind = dialog.findChild<QComboBox *>();
    QVERIFY(kind);
    kind->setCurrentIndex(2);
    QVERIFY(kind->currentText().contains(u"SSH"_s));
    QVERIFY(field(dialog, u"sshHost"_s)->isVisible() && !field(dialog, u"url"_s)->isVisible());
    for (const QString &name : {u"sshHost"_s, u"sshUser"_s, u"sshPort"_s, u"sshPath"_s, u"sshConfig"_s}) // each given room
        QTRY_VERIFY2(field(dialog, name)->height() >= field(dialog, name)->sizeHint().height(), qPrintable(name));
    QTest::keyClicks(field(dialog, u"sshHost"_s), u"127.0.0.1"_s);
    QTest::keyClicks(field(dialog, u"sshUser"_s), m_server->user);
    QTest::keyClicks(field(dialog, u"sshPort"_s), QString::number(m_server->port));
    QTest::keyClicks(field(dialog, u"sshPath"_s), path);
    QTest::keyClicks(field(dialog, u"sshConfig"_s), m_server->clientConfig);
    dialog.testButton()->click();
    const QString size = QLocale::c().formattedDataSize(text.size(), 1, QLocale::DataSizeTraditionalFormat);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult().startsWith(u"Connected"_s), 20000);
    QVERIFY2(dialog.testResult().contains(size), qPrintable(dialog.testResult()));
    QVERIFY(saveScreenshot(&dialog, u"ssh-connect-connected"_s));
    QString error;
    const auto spec = dialog.spec(&error);
    QVERIFY2(spec, qPrintable(error));
    QCOMPARE(spec->kind, RemoteSpec::Kind::Ssh);
    QCOMPARE(spec->sshPath(), path);
    QCOMPARE(spec->url.userName(), m_server->user);
    QCOMPARE(spec->url.port(), int(m_server->port));
    QCOMPARE(spec->sshConfig, m_server->clientConfig);
    QVERIFY(!spec->needsSecret());
    QCOMPARE(spec->name(), sshSpec(path, {}).name()); // the same source as its URL names

    ConnectDialog again; // editing it: the SSH kind, its fields
    again.setSpec(*spec);
    QCOMPARE(again.findChild<QComboBox *>()->currentIndex(), 2);
    QCOMPARE(field(again, u"sshPath"_s)->text(), path);
    QCOMPARE(field(again, u"sshPort"_s)->text(), QString::number(m_server->port));
    QCOMPARE(field(again, u"sshConfig"_s)->text(), m_server->clientConfig);
    const auto same = again.spec(&error);
    QVERIFY2(same && same->name() == spec->name(), qPrintable(error));
}

// A server whose host key is not in known_hosts: Test says so with its fingerprint, in a result that wraps.
void TestSshConsole::connectDialogUnknownHostKey()
{
    const QString path = file(u"unknown.jsonl"_s);
    QVERIFY(writeFile(path, oplog(u"unknown"_s, 1)));
    const QString empty = m_serverDir.filePath(u"empty_known_hosts"_s);
    QVERIFY(writeFile(empty, {}));
    const QString config = m_server->writeClientConfig(u"unknown_config"_s, empty, m_server->identity);
    ConnectDialog dialog;
    dialog.show();
    dialog.setSpec(sshSpec(path, config));
    dialog.testButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog.testButton()->isEnabled(), 30000);
    const QString result = dialog.testResult();
    QVERIFY2(result.contains(m_server->hostKeyFingerprint), qPrintable(result));
    QVERIFY(!result.startsWith(u"Connected"_s));
    auto *label = dialog.findChild<QLabel *>(u"testResult"_s);
    QVERIFY(label && label->wordWrap());
    QApplication::processEvents();
    QVERIFY2(label->height() >= label->heightForWidth(label->width()), "the result is cut off");
    QVERIFY(dialog.geometry().contains(dialog.mapToParent(label->geometry().bottomRight())));
    QVERIFY(saveScreenshot(&dialog, u"ssh-connect-unknown-host"_s));
}

// An ssh:// URL typed or pasted into the URL field of the web server kind: the SSH kind, its fields filled.
void TestSshConsole::connectDialogTakesAPastedSshUrl()
{
    ConnectDialog dialog;
    dialog.show();
    QLineEdit *url = field(dialog, u"url"_s);
    url->setFocus();
    url->selectAll();
    QApplication::setActiveWindow(&dialog);
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QTest::keyClicks(url, u"ssh://admin@mail1.example.com:2222/~/logs/oplog%20a.jsonl"_s);
    QTest::keyClick(url, Qt::Key_Tab); // editing finished: the focus leaves it
    QCOMPARE(dialog.findChild<QComboBox *>()->currentIndex(), 2);
    QCOMPARE(field(dialog, u"sshHost"_s)->text(), u"mail1.example.com"_s);
    QCOMPARE(field(dialog, u"sshUser"_s)->text(), u"admin"_s);
    QCOMPARE(field(dialog, u"sshPort"_s)->text(), u"2222"_s);
    QCOMPARE(field(dialog, u"sshPath"_s)->text(), u"~/logs/oplog a.jsonl"_s);
    QString error;
    const auto spec = dialog.spec(&error);
    QVERIFY2(spec, qPrintable(error));
    QCOMPARE(spec->url, QUrl(u"ssh://admin@mail1.example.com:2222/~/logs/oplog%20a.jsonl"_s));
    QCOMPARE(spec->sshPath(), u"~/logs/oplog a.jsonl"_s);
    // A path without / is the login directory's, as scp has it; no host is said.
    field(dialog, u"sshPath"_s)->setText(u"oplog.jsonl"_s);
    QCOMPARE(dialog.spec(&error)->sshPath(), u"~/oplog.jsonl"_s);
    field(dialog, u"sshHost"_s)->clear();
    QVERIFY(!dialog.spec(&error));
    QCOMPARE(error, u"Give the server's host."_s);
}

// File > Connect… after the command line: the dialog shows --ssh-config, and what the admin fills in opens and is read.
// A workspace naming no ssh_config, opened later, gets --ssh-config too.
void TestSshConsole::fileConnectOpensAnSshSource()
{
    const QString path = file(u"connected.jsonl"_s);
    QVERIFY(writeFile(path, oplog(u"connected"_s, 3)));
    auto w = window();
    CommandLineCredentials credentials;
    credentials.sshConfig = m_server->clientConfig;
    w->workspaces()->setCommandLineCredentials(credentials);
    w->workspaces()->endCommandLine();
    QString shownConfig;
    bool answered = false;
    QTimer poll; // the dialog runs its own event loop (exec): answered from a timer
    connect(&poll, &QTimer::timeout, this, [&] {
        auto *dialog = qobject_cast<ConnectDialog *>(QApplication::activeModalWidget());
        if (!dialog || answered)
            return;
        answered = true;
        shownConfig = field(*dialog, u"sshConfig"_s)->text();
        dialog->setSpec(sshSpec(path, {})); // host, user, port and path; the ssh_config field kept
        dialog->accept();
    });
    poll.start(20);
    w->workspaces()->connectDialog();
    QVERIFY(answered);
    QCOMPARE(shownConfig, m_server->clientConfig);
    const QString name = sshSpec(path, {}).name();
    QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, name), 3, 30000);

    const QString saved = m_files.filePath(u"no-config.oplens.json"_s);
    Workspace workspace;
    workspace.sources = {WorkspaceSource{.location = name}};
    QString error;
    QVERIFY2(writeWorkspace(saved, workspace, &error), qPrintable(error));
    QVERIFY(!readAll(saved).contains("sshConfig"));
    auto later = window();
    later->workspaces()->setCommandLineCredentials(credentials);
    later->workspaces()->endCommandLine();
    QVERIFY(later->workspaces()->openWorkspace(saved));
    QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*later, name), 3, 30000);
}

// Saved: the url and its ssh_config, no auth and no secret; opened again, read without any prompt.
void TestSshConsole::workspaceKeepsAnSshSourceWithoutSecrets()
{
    const QString path = file(u"work space #2.jsonl"_s); // kept through the workspace's url as the file's name
    QVERIFY(writeFile(path, oplog(u"ws"_s, 4)));
    const RemoteSpec spec = sshSpec(path, m_server->clientConfig);
    const QString saved = m_files.filePath(u"ssh.oplens.json"_s);
    bool prompted = false;
    QTimer watch; // a secret prompt would be a Connect dialog
    connect(&watch, &QTimer::timeout, this, [&] { prompted |= connectDialogShown(); });
    watch.start(20);
    {
        auto w = window();
        w->workspaces()->openRemote(spec);
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 4, 30000);
        QVERIFY(w->workspaces()->saveWorkspace(saved));
    }
    const QJsonObject source = QJsonDocument::fromJson(readAll(saved)).object().value(u"sources"_s).toArray().at(0).toObject();
    QCOMPARE(source.value(u"url"_s).toString(), spec.name());
    QCOMPARE(source.value(u"sshConfig"_s).toString(), m_server->clientConfig);
    for (const char *key : {"auth", "user", "caFile", "tokenFile", "passwordFile", "secret", "token", "password"})
        QVERIFY2(!source.contains(QLatin1String(key)), key);
    QString error;
    const auto workspace = readWorkspace(saved, &error);
    QVERIFY2(workspace, qPrintable(error));
    QCOMPARE(workspace->sources.value(0).location, spec.name());
    QCOMPARE(workspace->sources.value(0).sshConfig, m_server->clientConfig);

    // Opened again, the workspace names an ssh configuration outside ~/.ssh: an ssh_config can run commands, so the
    // console does not use one that came with a workspace (it stays listed, with why).
    {
        auto w = window();
        QVERIFY(w->workspaces()->openWorkspace(saved));
        const int index = w->session()->sourceIndex(spec.name());
        QVERIFY(index >= 0);
        QTRY_COMPARE(w->session()->sources()[index].remote->state().phase, oplens::RemoteSource::Phase::Failed);
        QVERIFY2(w->session()->sources()[index].remote->state().error.contains(u"an ssh configuration can run commands"_s),
                 qPrintable(w->session()->sources()[index].remote->state().error));
        QVERIFY(operationsOf(*w, spec.name()) <= 0); // nothing read
        QTRY_VERIFY(sourceRow(*w, index) && sourceRow(*w, index)->childCount() > 0);
        QVERIFY2(sourceRow(*w, index)->child(0)->toolTip(SourcesPane::Name).contains(u"Choose it once in File > Connect"_s),
                 qPrintable(sourceRow(*w, index)->child(0)->toolTip(0)));
        auto *dock = w->findChild<QDockWidget *>(u"sourcesDock"_s);
        QVERIFY(dock);
        dock->raise();
        QTRY_VERIFY(!w->sourcesPane()->visibleRegion().isEmpty());
        QVERIFY(saveScreenshot(dock, u"ssh-sources-pane-refused-config"_s));
    }
    // Chosen once in File > Connect…, the same configuration is the admin's own: the workspace opens with it.
    watch.stop(); // this dialog is the admin's, not a prompt
    {
        auto w = window();
        bool answered = false;
        QTimer poll; // the dialog runs its own event loop (exec): answered from a timer
        connect(&poll, &QTimer::timeout, this, [&] {
            auto *dialog = qobject_cast<ConnectDialog *>(QApplication::activeModalWidget());
            if (!dialog || std::exchange(answered, true))
                return;
            dialog->setSpec(spec);
            dialog->accept();
        });
        poll.start(20);
        w->workspaces()->connectDialog();
        QVERIFY(answered);
    }
    watch.start(20);
    {
        auto w = window();
        QVERIFY(w->workspaces()->openWorkspace(saved));
        QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 4, 30000);
    }
    QSettings().clear(); // forgotten: refused again below unless it is in ~/.ssh

    // The same configuration in ~/.ssh (a home of the test's own) is the admin's: used.
    const QByteArray realHome = qgetenv("HOME");
    const auto restore = qScopeGuard([&] { qputenv("HOME", realHome); });
    qputenv("HOME", m_home.path().toUtf8());
    QVERIFY(QDir(m_home.path()).mkpath(u".ssh"_s));
    const QString own = m_home.filePath(u".ssh/fleet.config"_s);
    QVERIFY(QFile::copy(m_server->clientConfig, own));
    Workspace mine = *workspace;
    mine.sources[0].sshConfig = own;
    QVERIFY2(writeWorkspace(saved, mine, &error), qPrintable(error));
    auto w = window();
    QVERIFY(w->workspaces()->openWorkspace(saved));
    QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, spec.name()), 4, 30000);
    const int index = w->session()->sourceIndex(spec.name());
    QCOMPARE(w->session()->sources()[index].remote->spec().sshConfig, own);
    QTRY_COMPARE(w->sourcesPane()->stateText(index), u"Connected, following"_s);
    QVERIFY(!prompted);
}

QTEST_MAIN(TestSshConsole)
#include "tst_ssh_console.moc"
