// SSH sources against a real sshd on loopback (issue 17; cli.md "Sources"): RemoteSource reading a file through the
// system's ssh with a private ssh_config: byte-exact in pieces, followed, rotation and truncation, a path full of shell
// metacharacters, one connection for every poll, an unknown or wrong key refused with what to do, a server that
// goes down and comes back (resumed, not read again).
// XDG_RUNTIME_DIR (the ControlMaster sockets) and XDG_CACHE_HOME (the mirrors) point into a temporary folder.
#include "remotesource.h"
#include "remotespec.h"
#include "testoplog.h"
#include "testservers.h"
#include "testssh.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QHostAddress>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace testfiles;
using oplens::RemoteSource;
using oplens::RemoteSpec;
using testoplog::Event;

namespace {

QByteArray oplogLines(int operations, qint64 time = 1700000000000)
{
    QByteArray out;
    for (int i = 0; i < operations; ++i) {
        const QString id = u"op-%1-%2"_s.arg(time).arg(i);
        out += Event(id, "Started", time + i * 1000).module(u"ZxBackup"_s).parameters({{u"origin"_s, u"Cron"_s}}).line();
        out += Event(id, "Finished", time + i * 1000 + 500).module(u"ZxBackup"_s).line();
    }
    return out;
}

} // namespace

class TestSshSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void readsTheWholeFileByteExactInPieces();
    void followsAppends();
    void rotationIsReadAgain();
    void truncationIsReadAgain();
    void pathWithShellMetacharacters();
    void pathFromTheLoginDirectory();
    void oneConnectionForEveryPoll();
    void sourcesOfOneServerStartTogether();
    void aDeadServerStallsNothingElse();
    void unknownHostKeyIsRefusedWithItsFingerprint();
    void changedHostKeyIsLoud();
    void wrongKeyIsRefused();
    void missingFileFolderAndNotAnOplog();
    void unreachableServer();
    void serverDownAndBackResumesWithoutReadingAgain();

private:
    std::unique_ptr<RemoteSource> source(const QString &path, bool follow, const QString &config = {});
    QString file(const QString &name) const { return m_files.path() + u'/' + name; }

    QTemporaryDir m_home, m_files, m_serverDir;
    std::unique_ptr<testservers::SshServer> m_server;
};

void TestSshSource::initTestCase()
{
    if (!testservers::haveSshd())
        QSKIP("sshd is not installed: scripts/setup.sh installs openssh-server");
    QVERIFY(m_home.isValid() && m_files.isValid() && m_serverDir.isValid());
    QDir(m_home.path()).mkpath(u"run"_s);
    QFile::setPermissions(m_home.path() + u"/run"_s, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", (m_home.path() + u"/run"_s).toUtf8());
    qputenv("XDG_CACHE_HOME", (m_home.path() + u"/cache"_s).toUtf8());
    m_server = std::make_unique<testservers::SshServer>(m_serverDir.path());
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));
}

void TestSshSource::cleanupTestCase()
{
    m_server.reset();
}

std::unique_ptr<RemoteSource> TestSshSource::source(const QString &path, bool follow, const QString &config)
{
    QString error;
    auto spec = RemoteSpec::fromUrl(m_server->url(path), &error);
    if (!spec)
        qWarning() << error;
    spec->sshConfig = config.isEmpty() ? m_server->clientConfig : config;
    auto remote = std::make_unique<RemoteSource>(*spec, nullptr);
    remote->setFollow(follow);
    remote->setRetry(follow);
    remote->setPollInterval(300);
    return remote;
}

void TestSshSource::readsTheWholeFileByteExactInPieces()
{
    QByteArray content = oplogLines(70000); // ~17 MB: three pieces
    QVERIFY(content.size() > (16 << 20));
    QVERIFY(writeFile(file(u"big.jsonl"_s), content));
    auto remote = source(file(u"big.jsonl"_s), false);
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    bool sawProgress = false;
    connect(remote.get(), &RemoteSource::changed, this, [&] {
        const auto &s = remote->state();
        sawProgress |= s.phase == RemoteSource::Phase::Downloading && s.remoteSize == content.size() && s.mirrored < s.remoteSize;
    });
    remote->start();
    QVERIFY2(caughtUp.wait(60000), qPrintable(remote->state().error));
    QCOMPARE(readAll(remote->mirrorPath()), content);
    QCOMPARE(remote->state().remoteSize, qint64(content.size()));
    QVERIFY(sawProgress);
}

void TestSshSource::followsAppends()
{
    const QString path = file(u"follow.jsonl"_s);
    QVERIFY(writeFile(path, oplogLines(3)));
    auto remote = source(path, true);
    remote->setPollInterval(1000); // the interval SSH sources use
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    remote->start();
    QVERIFY2(caughtUp.wait(20000), qPrintable(remote->state().error));
    const QByteArray more = oplogLines(2, 1800000000000);
    QVERIFY(appendFile(path, more));
    QElapsedTimer clock;
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(remote->state().mirrored == QFileInfo(path).size(), 5000);
    qInfo("append visible after %lld ms", clock.elapsed()); // a figure, not a bound: the machine may be busy
    QCOMPARE(readAll(remote->mirrorPath()), readAll(path));
}

void TestSshSource::rotationIsReadAgain()
{
    const QString path = file(u"rotate.jsonl"_s);
    QVERIFY(writeFile(path, oplogLines(5)));
    auto remote = source(path, true);
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    QSignalSpy replaced(remote.get(), &RemoteSource::mirrorReplaced);
    remote->start();
    QVERIFY2(caughtUp.wait(20000), qPrintable(remote->state().error));
    // Rotated: the old file moves away and a longer new one takes its name (a size check alone would not see it).
    QVERIFY(QFile::rename(path, path + u".1"_s));
    const QByteArray fresh = oplogLines(9, 1800000000000);
    QVERIFY(writeFile(path, fresh));
    QVERIFY(replaced.wait(10000));
    QVERIFY2(remote->state().notice.contains(u"rotated"_s), qPrintable(remote->state().notice));
    QTRY_COMPARE_WITH_TIMEOUT(readAll(remote->mirrorPath()), fresh, 10000);
}

void TestSshSource::truncationIsReadAgain()
{
    const QString path = file(u"truncate.jsonl"_s);
    QVERIFY(writeFile(path, oplogLines(20)));
    auto remote = source(path, true);
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    QSignalSpy replaced(remote.get(), &RemoteSource::mirrorReplaced);
    remote->start();
    QVERIFY2(caughtUp.wait(20000), qPrintable(remote->state().error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite)); // the same inode, emptied and written again, shorter
    QVERIFY(f.resize(0));
    const QByteArray shorter = oplogLines(2, 1800000000000);
    QCOMPARE(f.write(shorter), shorter.size());
    f.close();
    QVERIFY(replaced.wait(10000));
    QVERIFY2(remote->state().notice.contains(u"truncated"_s), qPrintable(remote->state().notice));
    QTRY_COMPARE_WITH_TIMEOUT(readAll(remote->mirrorPath()), shorter, 10000);
}

void TestSshSource::pathWithShellMetacharacters()
{
    const QString folder = file(u"a b'c\"d$HOME;e`id`&|"_s);
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + u"/-x $(touch pwned);' \\n.jsonl"_s;
    const QByteArray content = oplogLines(7);
    QVERIFY(writeFile(path, content));
    QDir::setCurrent(m_files.path());
    auto remote = source(path, false);
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    remote->start();
    QVERIFY2(caughtUp.wait(20000), qPrintable(remote->state().error));
    QCOMPARE(readAll(remote->mirrorPath()), content);
    QVERIFY(!QFileInfo::exists(QDir::homePath() + u"/pwned"_s));
    QVERIFY(!QFileInfo::exists(folder + u"/pwned"_s));
}

void TestSshSource::pathFromTheLoginDirectory()
{
    // /~/name is read from the login directory: a file there that no other test uses, removed afterwards.
    const QString name = u"oplens-ssh-test-%1.jsonl"_s.arg(QCoreApplication::applicationPid());
    const QString home = QDir::homePath() + u'/' + name;
    const QByteArray content = oplogLines(2);
    QVERIFY(writeFile(home, content));
    auto remote = source(u"/~/"_s + name, false);
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    remote->start();
    const bool read = caughtUp.wait(20000);
    QFile::remove(home);
    QVERIFY2(read, qPrintable(remote->state().error));
    QCOMPARE(readAll(remote->mirrorPath()), content);
}

void TestSshSource::oneConnectionForEveryPoll()
{
    // Every read goes through the server's one shared connection: sshd logs one login for many polls.
    const QString path = file(u"polled.jsonl"_s);
    QVERIFY(writeFile(path, oplogLines(3)));
    const auto logins = [this] { return m_server->log().count(u"Accepted publickey"_s); };
    auto remote = source(path, true);
    QSignalSpy changed(remote.get(), &RemoteSource::changed);
    remote->start();
    QTRY_VERIFY_WITH_TIMEOUT(remote->state().ready, 20000);
    const int before = logins();
    for (int i = 0; i < 5; ++i) {
        QVERIFY(appendFile(path, oplogLines(1, 1800000000000 + i * 10000)));
        QTRY_VERIFY_WITH_TIMEOUT(remote->state().mirrored == QFileInfo(path).size(), 5000);
    }
    QCOMPARE(logins(), before); // polls and reads after the first: no new login
    QVERIFY(before >= 1);
}

void TestSshSource::sourcesOfOneServerStartTogether()
{
    // Four sources of one server start at once, before any shared connection exists (they race to open it).
    // A configuration of their own: a connection of its own (the socket's name hashes the configuration's path).
    const QString config = m_server->writeClientConfig(u"ssh_config_together"_s, m_server->knownHosts, m_server->identity);
    std::vector<std::unique_ptr<RemoteSource>> sources;
    QList<QByteArray> contents;
    for (int i = 0; i < 4; ++i) {
        contents << oplogLines(10 + i, 1700000000000 + i * 1000000);
        QVERIFY(writeFile(file(u"together-%1.jsonl"_s.arg(i)), contents.last()));
        sources.push_back(source(file(u"together-%1.jsonl"_s.arg(i)), false, config));
    }
    for (auto &remote : sources)
        remote->start();
    for (int i = 0; i < 4; ++i) {
        QTRY_VERIFY2_WITH_TIMEOUT(sources[i]->state().ready, qPrintable(sources[i]->state().error), 20000);
        QCOMPARE(readAll(sources[i]->mirrorPath()), contents[i]);
    }
}

void TestSshSource::aDeadServerStallsNothingElse()
{
    // A server that accepts the connection and then says nothing (a hung host): the other source reads meanwhile.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QString error;
    auto spec = RemoteSpec::fromUrl(u"ssh://%1@127.0.0.1:%2/x.jsonl"_s.arg(m_server->user).arg(silent.serverPort()), &error);
    QVERIFY2(spec, qPrintable(error));
    spec->sshConfig = m_server->clientConfig;
    RemoteSource hung(*spec, nullptr);
    hung.start();
    QVERIFY(writeFile(file(u"alive.jsonl"_s), oplogLines(3)));
    auto alive = source(file(u"alive.jsonl"_s), false);
    alive->start();
    QTRY_VERIFY_WITH_TIMEOUT(alive->state().ready, 10000);
    QCOMPARE(hung.state().phase, RemoteSource::Phase::Connecting);
}

void TestSshSource::unknownHostKeyIsRefusedWithItsFingerprint()
{
    const QString emptyKnownHosts = m_serverDir.path() + u"/known_hosts_empty"_s;
    QVERIFY(writeFile(emptyKnownHosts, {}));
    const QString config = m_server->writeClientConfig(u"ssh_config_unknown"_s, emptyKnownHosts, m_server->identity);
    QVERIFY(writeFile(file(u"unknown.jsonl"_s), oplogLines(1)));
    auto remote = source(file(u"unknown.jsonl"_s), false, config);
    remote->start();
    QTRY_COMPARE_WITH_TIMEOUT(remote->state().phase, RemoteSource::Phase::Failed, 20000);
    const QString error = remote->state().error;
    QVERIFY2(error.contains(u"not known"_s) && error.contains(m_server->hostKeyFingerprint), qPrintable(error));
    QVERIFY2(error.contains(u"ssh -o StrictHostKeyChecking=ask -F"_s) && error.contains(u"-p %1"_s.arg(m_server->port)), qPrintable(error));
    QCOMPARE(readAll(emptyKnownHosts), QByteArray()); // nothing was added without the admin
    QCOMPARE(remote->state().mirrored, 0);
}

void TestSshSource::changedHostKeyIsLoud()
{
    // known_hosts holds another key for this server: an attacker in between, or a reinstalled server.
    const QString forged = m_serverDir.path() + u"/known_hosts_forged"_s;
    const QList<QByteArray> other = readAll(m_server->otherIdentity + u".pub"_s).split(' ');
    QVERIFY(writeFile(forged, "[127.0.0.1]:" + QByteArray::number(m_server->port) + ' ' + other.value(0) + ' ' + other.value(1) + '\n'));
    const QString config = m_server->writeClientConfig(u"ssh_config_forged"_s, forged, m_server->identity);
    QVERIFY(writeFile(file(u"changed.jsonl"_s), oplogLines(1)));
    auto remote = source(file(u"changed.jsonl"_s), false, config);
    remote->start();
    QTRY_COMPARE_WITH_TIMEOUT(remote->state().phase, RemoteSource::Phase::Failed, 20000);
    const QString error = remote->state().error;
    QVERIFY2(error.startsWith(u"WARNING: THE HOST KEY OF 127.0.0.1 HAS CHANGED"_s), qPrintable(error));
    QVERIFY2(error.contains(m_server->hostKeyFingerprint) && error.contains(forged), qPrintable(error));
}

void TestSshSource::wrongKeyIsRefused()
{
    const QString config = m_server->writeClientConfig(u"ssh_config_wrong"_s, m_server->knownHosts, m_server->otherIdentity);
    QVERIFY(writeFile(file(u"wrongkey.jsonl"_s), oplogLines(1)));
    auto remote = source(file(u"wrongkey.jsonl"_s), false, config);
    remote->start();
    QTRY_COMPARE_WITH_TIMEOUT(remote->state().phase, RemoteSource::Phase::Failed, 20000);
    const QString error = remote->state().error;
    QVERIFY2(error.startsWith(u"permission denied"_s), qPrintable(error));
    QVERIFY2(error.contains(m_server->user) && error.contains(m_server->otherIdentity), qPrintable(error));
}

void TestSshSource::missingFileFolderAndNotAnOplog()
{
    const QList<std::pair<QString, QString>> cases = {
        {file(u"nowhere.jsonl"_s), u"no such file on 127.0.0.1: "_s + file(u"nowhere.jsonl"_s)},
        {m_files.path(), u"is not a regular file"_s},
        {u"/dev/zero"_s, u"is not a regular file"_s},
        {file(u"page.html"_s), u"not an oplog: the server sent \"<html>"_s},
    };
    QVERIFY(writeFile(file(u"page.html"_s), "<html><body>hello</body></html>\n"));
    for (const auto &[path, expected] : cases) {
        auto remote = source(path, false);
        remote->start();
        QTRY_COMPARE_WITH_TIMEOUT(remote->state().phase, RemoteSource::Phase::Failed, 20000);
        QVERIFY2(remote->state().error.contains(expected), qPrintable(remote->state().error));
    }
}

void TestSshSource::unreachableServer()
{
    QString error;
    auto spec = RemoteSpec::fromUrl(u"ssh://%1@127.0.0.1:%2/x.jsonl"_s.arg(m_server->user).arg(testservers::freePort()), &error);
    QVERIFY2(spec, qPrintable(error));
    spec->sshConfig = m_server->clientConfig;
    RemoteSource remote(*spec, nullptr);
    remote.setRetry(false);
    remote.start();
    QTRY_COMPARE_WITH_TIMEOUT(remote.state().phase, RemoteSource::Phase::Failed, 20000);
    QVERIFY2(remote.state().error.startsWith(u"cannot reach 127.0.0.1 over SSH: "_s)
                 && remote.state().error.contains(u"Connection refused"_s), qPrintable(remote.state().error));
}

void TestSshSource::serverDownAndBackResumesWithoutReadingAgain()
{
    const QString path = file(u"restart.jsonl"_s);
    QVERIFY(writeFile(path, oplogLines(30)));
    auto remote = source(path, true);
    QSignalSpy caughtUp(remote.get(), &RemoteSource::caughtUp);
    QSignalSpy replaced(remote.get(), &RemoteSource::mirrorReplaced);
    remote->start();
    QVERIFY2(caughtUp.wait(20000), qPrintable(remote->state().error));
    m_server->stop();
    QTRY_COMPARE_WITH_TIMEOUT(remote->state().phase, RemoteSource::Phase::Retrying, 20000);
    QVERIFY2(remote->state().error.contains(u"127.0.0.1"_s), qPrintable(remote->state().error));
    const QByteArray more = oplogLines(4, 1800000000000);
    QVERIFY(appendFile(path, more));
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));
    remote->retryNow();
    QTRY_COMPARE_WITH_TIMEOUT(remote->state().mirrored, QFileInfo(path).size(), 20000);
    QCOMPARE(readAll(remote->mirrorPath()), readAll(path));
    QCOMPARE(replaced.count(), 0); // resumed where the copy ended
    QCOMPARE(remote->state().phase, RemoteSource::Phase::UpToDate);
}

QTEST_GUILESS_MAIN(TestSshSource)
#include "tst_sshsource.moc"
