// `oplensctl` on ssh:// sources (issue 17; docs/cli.md "Sources") run as a process against a real sshd on loopback,
// with private ssh_config files (testssh.h): the same output as on the local file, a workspace merging an ssh:// file
// with a local file and an agent, ssh's refusals on standard error with the source's name, a path full of shell
// metacharacters, and restart and acknowledge refusing an ssh:// oplog as read-only. After each run no ssh of this test
// is left but the shared connection's master (which lingers 2 minutes by design).
// XDG_RUNTIME_DIR (the ControlMaster sockets) and XDG_CACHE_HOME (the mirrors) point into a temporary folder.
#include "oplensctlrun.h"
#include "testoplog.h"
#include "testservers.h"
#include "testssh.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <utility>

using namespace Qt::StringLiterals;
using namespace testfiles;
using oplensctlrun::Run;
using testoplog::Event;

namespace {

const qint64 kTime = 1764000000000; // 2025-11-24

// `operations` SmartScans with ids PREFIX-N, every other one Finished, then a service start: the rest Interrupted.
QByteArray oplog(const QString &prefix, int operations, qint64 time = kTime)
{
    QByteArray out;
    for (int i = 0; i < operations; ++i) {
        const QString id = u"%1-%2"_s.arg(prefix).arg(i);
        const qint64 t = time + i * 1000;
        out += Event(id, "Started", t).parameters({{u"origin"_s, u"Cron"_s}, {u"n"_s, i}}).set(u"requestedBy", u"zimbra"_s).line();
        if (i % 2 == 0)
            out += Event(id, "Finished", t + 500).line();
    }
    return out + testoplog::serviceStarted(time + operations * 1000);
}

// The ssh processes running: the clients (whose command line names `mention`, this test's ssh_config folder) and the
// ControlMasters (ssh retitles each "ssh: SOCKET [mux]", the socket in `controlFolder`).
struct SshProcesses {
    QStringList clients; // "PID: COMMAND LINE"
    int masters = 0;
};

SshProcesses sshProcesses(const QString &mention, const QString &controlFolder)
{
    SshProcesses found;
    for (const QString &pid : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        const QString cmdline = QString::fromUtf8(readAll(u"/proc/%1/cmdline"_s.arg(pid))).replace(QChar(0), QChar(u' '));
        if (cmdline.startsWith(u"ssh: "_s + controlFolder + u'/'))
            ++found.masters;
        else if (QFileInfo(cmdline.section(u' ', 0, 0)).fileName() == u"ssh"_s && cmdline.contains(mention))
            found.clients << pid + u": "_s + cmdline;
    }
    return found;
}

} // namespace

class TestOplensctlSsh : public QObject
{
    Q_OBJECT

    // A short runtime folder: a ControlMaster's socket path (with ssh's temporary suffix) must fit in 107 bytes.
    QTemporaryDir m_home{QDir::tempPath() + u"/olx-XXXXXX"_s};
    QTemporaryDir m_files, m_serverDir;
    std::unique_ptr<testservers::SshServer> m_server;
    QString m_unknownKeyConfig, m_wrongKeyConfig, m_emptyKnownHosts;

    QString file(const QString &name) const { return m_files.path() + u'/' + name; }
    QString controlFolder() const { return m_home.path() + u"/run/oplens-ssh"_s; }

    // oplensctl ARGS with the test's runtime and cache folders (`adjust` may change them); then no ssh of it may be
    // left but the masters.
    Run ctl(const QStringList &args, const std::function<void(QProcessEnvironment &)> &adjust = {})
    {
        const Run run = oplensctlrun::oplensctl(args, {}, [this, &adjust](QProcessEnvironment &env) {
            env.insert(u"XDG_RUNTIME_DIR"_s, m_home.path() + u"/run"_s);
            env.insert(u"XDG_CACHE_HOME"_s, m_home.path() + u"/cache"_s);
            if (adjust)
                adjust(env);
        });
        const QStringList left = sshProcesses(m_serverDir.path(), controlFolder()).clients;
        if (!left.isEmpty())
            qWarning("ssh left running after oplensctl %s:\n%s", qPrintable(args.join(u' ')), qPrintable(left.join(u'\n')));
        m_leftover |= !left.isEmpty();
        return run;
    }
    bool m_leftover = false;

private Q_SLOTS:
    void initTestCase()
    {
        if (!testservers::haveSshd())
            QSKIP("sshd is not installed: scripts/setup.sh installs openssh-server");
        QVERIFY(m_home.isValid() && m_files.isValid() && m_serverDir.isValid());
        QVERIFY(QDir(m_home.path()).mkpath(u"run"_s));
        QFile::setPermissions(m_home.path() + u"/run"_s, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        m_server = std::make_unique<testservers::SshServer>(m_serverDir.path());
        QString why;
        QVERIFY2(m_server->start(&why), qPrintable(why));
        m_emptyKnownHosts = m_serverDir.path() + u"/empty_known_hosts"_s;
        QVERIFY(writeFile(m_emptyKnownHosts, {}));
        m_unknownKeyConfig = m_server->writeClientConfig(u"unknown_key_config"_s, m_emptyKnownHosts, m_server->identity);
        m_wrongKeyConfig = m_server->writeClientConfig(u"wrong_key_config"_s, m_server->knownHosts, m_server->otherIdentity);
    }

    void cleanup() { QVERIFY2(!std::exchange(m_leftover, false), "an ssh process outlived oplensctl (see the warning)"); }

    void cleanupTestCase() { m_server.reset(); } // its connections die with it, and the masters with them

    // Over two pieces of 8 MiB: every subcommand prints byte for byte what it prints for the local file.
    void sameOutputAsTheLocalFile()
    {
        const QString path = file(u"big.jsonl"_s);
        const QByteArray content = oplog(u"big"_s, 40000);
        QVERIFY(content.size() > (8 << 20));
        QVERIFY(writeFile(path, content));
        const QString url = m_server->url(path);
        const QList<QStringList> commands{{u"get-operation-log"_s}, {u"get-operation-log"_s, u"--json"_s},
                                          {u"get-unfinished-operation-log"_s},
                                          {u"export"_s, u"--format"_s, u"jsonl"_s, u"--view"_s, u"operations"_s}};
        for (const QStringList &command : commands) {
            const Run local = ctl(command + QStringList{path});
            const Run remote = ctl(command + QStringList{u"--ssh-config"_s, m_server->clientConfig, url});
            QVERIFY2(remote.exitCode == 0, qPrintable(remote.err));
            QCOMPARE(local.exitCode, 0);
            QVERIFY2(remote.err.isEmpty(), qPrintable(remote.err));
            QVERIFY(local.out.contains(u"big-21999"_s));
            QVERIFY2(remote.bytes == local.bytes, qPrintable(command.join(u' ')));
        }
        // One shared connection for all those runs, still open for the next: the one ssh left, by design.
        QCOMPARE(sshProcesses(m_serverDir.path(), controlFolder()).masters, 1);
    }

    // A workspace with an ssh:// source (its own sshConfig), a local file and an agent: one merged view, each event
    // named by its source.
    void workspaceMergesSshLocalAndAgent()
    {
        QTemporaryDir agentDir;
        testservers::Agent agent(agentDir.path(), oplog(u"agent"_s, 4, kTime + 100));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        const QString tokenFile = file(u"token"_s);
        QVERIFY(writeFile(tokenFile, testservers::kViewerToken + '\n'));
        const QString sshPath = file(u"ws-ssh.jsonl"_s), localPath = file(u"ws-local.jsonl"_s);
        QVERIFY(writeFile(sshPath, oplog(u"ssh"_s, 4, kTime + 200)) && writeFile(localPath, oplog(u"local"_s, 4, kTime + 300)));
        const QString sshUrl = m_server->url(sshPath), agentUrl = u"agent+"_s + agent.url() + u"#main"_s;
        const QString workspace = file(u"servers.oplens.json"_s);
        const QJsonArray sources{QJsonObject{{u"url"_s, sshUrl}, {u"sshConfig"_s, m_server->clientConfig}},
                                 QJsonObject{{u"url"_s, localPath}},
                                 QJsonObject{{u"url"_s, agentUrl}, {u"tokenFile"_s, tokenFile}}};
        QVERIFY(writeFile(workspace, QJsonDocument(QJsonObject{{u"oplensWorkspace"_s, 1}, {u"sources"_s, sources}}).toJson()));

        // --ssh-config names a configuration that would fail: the workspace's own comes first.
        const Run run = ctl({u"get-operation-log"_s, u"--json"_s, u"--workspace"_s, workspace, u"--ssh-config"_s, m_unknownKeyConfig});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        const QJsonArray events = QJsonDocument::fromJson(run.bytes).object().value(u"operationList"_s).toArray();
        const QMap<QString, QString> sourceOf{{u"ssh"_s, sshUrl}, {u"local"_s, localPath}, {u"agent"_s, agentUrl}};
        QMap<QString, int> seen;
        for (const QJsonValue &value : events) {
            const QJsonObject e = value.toObject();
            const QString id = e.value(u"operationId"_s).toString();
            if (id.isEmpty())
                continue; // ServiceStarted
            const QString prefix = id.section(u'-', 0, 0);
            QCOMPARE(e.value(u"source"_s).toString(), sourceOf.value(prefix));
            ++seen[prefix];
        }
        QCOMPARE(seen, (QMap<QString, int>{{u"agent"_s, 6}, {u"local"_s, 6}, {u"ssh"_s, 6}}));
    }

    // A workspace source without sshConfig takes --ssh-config.
    void workspaceSourceTakesTheCommandLinesSshConfig()
    {
        const QString path = file(u"ws-plain.jsonl"_s);
        QVERIFY(writeFile(path, oplog(u"plain"_s, 2)));
        const QString workspace = file(u"plain.oplens.json"_s);
        const QJsonArray sources{QJsonObject{{u"url"_s, m_server->url(path)}}};
        QVERIFY(writeFile(workspace, QJsonDocument(QJsonObject{{u"oplensWorkspace"_s, 1}, {u"sources"_s, sources}}).toJson()));
        const Run good = ctl({u"get-operation-log"_s, u"--workspace"_s, workspace, u"--ssh-config"_s, m_server->clientConfig});
        QVERIFY2(good.exitCode == 0, qPrintable(good.err));
        QVERIFY(good.out.contains(u"plain-1"_s));
        const Run bad = ctl({u"get-operation-log"_s, u"--workspace"_s, workspace, u"--ssh-config"_s, m_unknownKeyConfig});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(m_server->hostKeyFingerprint), qPrintable(bad.err));
    }

    // An unknown host key: nothing read from that source, its fingerprint said, known_hosts untouched, even when the
    // configuration would accept a new key (accept-new); the other source is still printed, exit 2.
    void unknownHostKeyIsRefusedWithItsFingerprint_data()
    {
        QTest::addColumn<QString>("strict");
        QTest::newRow("StrictHostKeyChecking yes") << u"yes"_s;
        QTest::newRow("StrictHostKeyChecking accept-new") << u"accept-new"_s;
    }

    void unknownHostKeyIsRefusedWithItsFingerprint()
    {
        QFETCH(QString, strict);
        const QString config = m_serverDir.path() + u"/config-"_s + strict;
        QVERIFY(writeFile(config, readAll(m_unknownKeyConfig).replace("StrictHostKeyChecking yes", "StrictHostKeyChecking " + strict.toUtf8())));
        const QString path = file(u"hostkey.jsonl"_s), local = file(u"hostkey-local.jsonl"_s);
        QVERIFY(writeFile(path, oplog(u"remote"_s, 2)) && writeFile(local, oplog(u"local"_s, 2)));
        const QString url = m_server->url(path);
        const Run run = ctl({u"get-operation-log"_s, u"--ssh-config"_s, config, url, local});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.startsWith(u"oplensctl: "_s + url + u": the host key of 127.0.0.1 is not known"_s), qPrintable(run.err));
        QVERIFY2(run.err.contains(m_server->hostKeyFingerprint), qPrintable(run.err));
        QVERIFY(run.out.contains(u"local-1"_s));
        QVERIFY(!run.out.contains(u"remote-1"_s));
        QCOMPARE(QFileInfo(m_emptyKnownHosts).size(), 0);
    }

    // A key the server does not accept, a missing file, a folder, a file that is not an oplog: each said with the
    // source's name and what is wrong, exit 2.
    void failuresNameTheSourceAndWhy_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("says");
        QTest::newRow("wrong key") << u"ok.jsonl"_s << u"wrong"_s << u"permission denied: 127.0.0.1 refused the login of"_s;
        QTest::newRow("no such file") << u"missing.jsonl"_s << QString() << u"no such file on 127.0.0.1: %1"_s;
        QTest::newRow("a folder") << u"folder"_s << QString() << u"%1 on 127.0.0.1 is not a regular file (a folder, a device or a pipe)"_s;
        QTest::newRow("not an oplog") << u"text.txt"_s << QString() << u"not an oplog"_s;
    }

    void failuresNameTheSourceAndWhy()
    {
        QFETCH(QString, path);
        QFETCH(QString, config);
        QFETCH(QString, says);
        QVERIFY(writeFile(file(u"ok.jsonl"_s), oplog(u"ok"_s, 1)) && writeFile(file(u"text.txt"_s), "hello, world\n"));
        QVERIFY(QDir(m_files.path()).mkpath(u"folder"_s));
        const QString url = m_server->url(file(path));
        const Run run = ctl({u"get-operation-log"_s, u"--ssh-config"_s, config.isEmpty() ? m_server->clientConfig : m_wrongKeyConfig, url});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.startsWith(u"oplensctl: "_s + url + u": "_s), qPrintable(run.err));
        QVERIFY2(run.err.contains(says.contains(u"%1"_s) ? says.arg(file(path)) : says), qPrintable(run.err));
    }

    // The name is percent-encoded in the URL; the remote shell never parses it.
    void pathWithSpacesAndShellMetacharacters()
    {
        const QString name = u"a log 'quoted' \"twice\" $(id) `id` ;&|<>*?#%~ ünï.jsonl"_s;
        QVERIFY(writeFile(file(name), oplog(u"odd"_s, 2)));
        const QString url = m_server->url(file(name));
        QVERIFY2(url.contains(u"%20"_s) && url.contains(u"%23"_s) && url.contains(u"%3F"_s), qPrintable(url));
        const Run remote = ctl({u"get-operation-log"_s, u"--ssh-config"_s, m_server->clientConfig, url});
        QVERIFY2(remote.exitCode == 0, qPrintable(remote.err));
        QCOMPARE(remote.bytes, ctl({u"get-operation-log"_s, file(name)}).bytes);
        QVERIFY(remote.out.contains(u"odd-1"_s));
    }

    // restart never runs a server's operation here: alone, ssh:// is a usage error; beside a local oplog with its
    // catalog, the ssh:// source is read and its operation refused in the plan. acknowledge refuses it too.
    void restartAndAcknowledgeRefuseItAsReadOnly()
    {
        const QString path = file(u"restart.jsonl"_s);
        QVERIFY(writeFile(path, oplog(u"rs"_s, 2)));
        const QString url = m_server->url(path);
        const Run alone = ctl({u"restart"_s, u"rs-1"_s, u"--reason"_s, u"disk replaced"_s, u"--yes"_s,
                               u"--ssh-config"_s, m_server->clientConfig, url});
        QCOMPARE(alone.exitCode, 1);
        QVERIFY2(alone.err.contains(url + u" is an oplog read over SSH, read-only: restart through that server's agent"_s), qPrintable(alone.err));
        QVERIFY(alone.out.isEmpty());

        const QString local = file(u"restart-local.jsonl"_s), catalog = file(u"catalog.json"_s);
        QVERIFY(writeFile(local, oplog(u"lc"_s, 2)));
        QVERIFY(writeFile(catalog, R"([{"module": "ZxBackup", "name": "SmartScan", "argv": ["/bin/true"]}])"));
        const Run planned = ctl({u"restart"_s, u"rs-1"_s, u"--reason"_s, u"disk replaced"_s, u"--yes"_s, u"--actions"_s, catalog,
                                 u"--ssh-config"_s, m_server->clientConfig, url, local});
        QCOMPARE(planned.exitCode, 4);
        QVERIFY2(planned.out.startsWith(u"rs-1 refused: "_s + url + u" is an oplog read over SSH, read-only"_s), qPrintable(planned.out));
        QCOMPARE(readAll(local), oplog(u"lc"_s, 2)); // nothing ran

        for (const QString &verb : {u"acknowledge"_s, u"unacknowledge"_s}) {
            const Run ack = ctl({verb, u"rs-1"_s, url});
            QCOMPARE(ack.exitCode, 1);
            QVERIFY2(ack.err.contains(u"read over SSH, read-only: %1 goes through that server's agent"_s.arg(verb)), qPrintable(ack.err));
        }
    }

    // cron has no XDG_RUNTIME_DIR: the sockets go to Qt's private /tmp/runtime-USER, and nothing is said of it.
    void withoutRuntimeDirNothingIsSaid()
    {
        const QString path = file(u"cron.jsonl"_s);
        QVERIFY(writeFile(path, oplog(u"cron"_s, 2)));
        const Run run = ctl({u"get-operation-log"_s, u"--ssh-config"_s, m_server->clientConfig, m_server->url(path)},
                            [](QProcessEnvironment &env) { env.remove(u"XDG_RUNTIME_DIR"_s); });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        QVERIFY(run.out.contains(u"cron-1"_s));
    }

    // --ssh-config must name a readable file: a usage error before anything is read.
    void sshConfigMustBeAFile()
    {
        const Run run = ctl({u"get-operation-log"_s, u"--ssh-config"_s, file(u"no-such-config"_s), m_server->url(file(u"ok.jsonl"_s))});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"--ssh-config: %1: no such readable file"_s.arg(file(u"no-such-config"_s))), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestOplensctlSsh)
#include "tst_oplensctl_ssh.moc"
