// The SSH reader's pieces without a server (issue 17): the remote script run by the local sh on files whose names are
// full of shell metacharacters (what a remote shell would do with it), the header, the ssh command line, and ssh's
// failures turned into words from what ssh really prints (OpenSSH 9.2, captured). Runs under the sanitizers.
#include "remotespec.h"
#include "ssherror.h"
#include "sshcommand.h"
#include "testfiles.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace oplens;

namespace {
struct ShellRun {
    int code = -1;
    QByteArray out;
};

// Runs `script` as ssh would on the server: `sh -s` with the script on standard input, in `folder`.
ShellRun runScript(const QByteArray &script, const QString &folder)
{
    QProcess sh;
    sh.setWorkingDirectory(folder);
    sh.start(u"/bin/sh"_s, {u"-s"_s});
    sh.write(script);
    sh.closeWriteChannel();
    if (!sh.waitForFinished(10000))
        return {};
    return {sh.exitCode(), sh.readAllStandardOutput()};
}
} // namespace

class TestSshCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptReadsAPieceWithItsHeader();
    void scriptQuotesEveryPath_data();
    void scriptQuotesEveryPath();
    void scriptSaysWhyItCannotRead();
    void headerParsing();
    void argumentsNeverRelaxChecks();
    void controlFolderIsPrivate();
    void unknownHostKeyGivesTheFingerprintAndTheCommand();
    void changedHostKeyIsLoud();
    void permissionDeniedSaysUserAndKeys();
    void unreachableAndOther();
    void urls();
};

void TestSshCommand::scriptReadsAPieceWithItsHeader()
{
    QTemporaryDir dir;
    const QString path = dir.path() + u"/oplog.jsonl"_s;
    QVERIFY(testfiles::writeFile(path, "0123456789abcdef"));
    const ShellRun run = runScript(sshReadScript(path, 4, 5), dir.path());
    QCOMPARE(run.code, 0);
    QVERIFY2(run.out.startsWith(kSshHeaderMarker), run.out.constData());
    const qsizetype end = run.out.indexOf('\n');
    SshFileInfo info;
    QVERIFY(parseSshHeader(run.out.mid(qsizetype(sizeof(kSshHeaderMarker)) - 1, end - qsizetype(sizeof(kSshHeaderMarker)) + 1), &info));
    QCOMPARE(info.size, 16);
    QVERIFY(info.identity.contains(u':'));
    QCOMPARE(run.out.mid(end + 1), QByteArray("45678"));
    // The header alone (the connection test's size), and a piece past the end: nothing.
    QCOMPARE(runScript(sshReadScript(path, 0, 0), dir.path()).out.count('\n'), 1);
    QCOMPARE(runScript(sshReadScript(path, 16, 10), dir.path()).out.mid(end + 1), QByteArray());
    // Never past the size stat gave: what is appended meanwhile waits for the next read.
    QCOMPARE(runScript(sshReadScript(path, 10, 100), dir.path()).out.mid(end + 1), QByteArray("abcdef"));
    QCOMPARE(sshPieceLength(16, 10, 100), 6);
    QCOMPARE(sshPieceLength(16, 4, 5), 5);
    QCOMPARE(sshPieceLength(16, 20, 5), 0);
}

void TestSshCommand::scriptQuotesEveryPath_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("spaces") << u"a b  c.jsonl"_s;
    QTest::newRow("quotes") << u"it's \"here\".jsonl"_s;
    QTest::newRow("dollar") << u"$HOME $(touch pwned) ${IFS}.jsonl"_s;
    QTest::newRow("semicolon") << u"x; touch pwned; y.jsonl"_s;
    QTest::newRow("backquote") << u"`touch pwned`.jsonl"_s;
    QTest::newRow("leading dash") << u"-n.jsonl"_s;
    QTest::newRow("newline") << u"two\nlines.jsonl"_s;
    QTest::newRow("glob") << u"*.jsonl"_s;
    QTest::newRow("backslash") << u"back\\slash\\'.jsonl"_s;
}

void TestSshCommand::scriptQuotesEveryPath()
{
    QFETCH(QString, name);
    QTemporaryDir dir;
    const QByteArray content = "{\"operationId\":\"x\"}\n";
    QVERIFY(testfiles::writeFile(dir.path() + u'/' + name, content));
    for (const QString &path : {dir.path() + u'/' + name, u"~/"_s + name}) { // ~/: from the login directory
        const ShellRun run = runScript(sshReadScript(path, 0, 1 << 20), dir.path());
        QCOMPARE(run.code, 0);
        QCOMPARE(run.out.mid(run.out.indexOf('\n') + 1), content);
    }
    QVERIFY(!QFile::exists(dir.path() + u"/pwned"_s));
}

void TestSshCommand::scriptSaysWhyItCannotRead()
{
    QTemporaryDir dir;
    QCOMPARE(runScript(sshReadScript(dir.path() + u"/missing"_s, 0, 10), dir.path()).code, int(kNoSuchFile));
    QCOMPARE(runScript(sshReadScript(dir.path(), 0, 10), dir.path()).code, int(kNotAFile));
    const QString fifo = dir.path() + u"/pipe"_s; // opening a pipe for reading would wait for a writer forever
    QCOMPARE(QProcess::execute(u"mkfifo"_s, {fifo}), 0);
    QCOMPARE(runScript(sshReadScript(fifo, 0, 10), dir.path()).code, int(kNotAFile));
    const SshTarget target{u"mail1"_s, u"zimbra"_s, 0, {}};
    QCOMPARE(describeSshScriptFailure(target, u"/x"_s, kNoSuchFile, {}).message, u"no such file on mail1: /x"_s);
    QVERIFY(describeSshScriptFailure(target, u"/x"_s, kNotReadable, {}).message.contains(u"cannot be read by zimbra"_s));
    QVERIFY(describeSshScriptFailure(target, u"/x"_s, 2, "sh: 1: tail: not found\n").message.endsWith(u"tail: not found"_s));
}

void TestSshCommand::headerParsing()
{
    SshFileInfo info;
    QVERIFY(parseSshHeader("12 2049 1234", &info));
    QCOMPARE(info.size, 12);
    QCOMPARE(info.identity, u"2049:1234"_s);
    QVERIFY(!parseSshHeader("12 2049", &info));
    QVERIFY(!parseSshHeader("-1 2 3", &info));
    QVERIFY(!parseSshHeader("stat: cannot", &info));
}

void TestSshCommand::argumentsNeverRelaxChecks()
{
    const SshTarget target{u"mail1"_s, u"zimbra"_s, 2222, u"/etc/fleet a/ssh_config"_s};
    const QStringList args = sshArguments(target, u"/run/user/1/oplens-ssh"_s, u"/tmp/log"_s);
    const QString joined = args.join(u' ');
    QVERIFY(joined.contains(u"-o BatchMode=yes"_s));
    QVERIFY(joined.contains(u"-o ControlMaster=auto"_s));
    QVERIFY(joined.contains(u"ControlPath=/run/user/1/oplens-ssh/"_s));
    QVERIFY(joined.contains(u"-o StrictHostKeyChecking=yes"_s)); // whatever a configuration says
    QVERIFY(joined.contains(u"-o UpdateHostKeys=no"_s));
    QCOMPARE(args.mid(args.indexOf(u"-F"_s), 2), (QStringList{u"-F"_s, u"/etc/fleet a/ssh_config"_s}));
    QCOMPARE(args.mid(args.size() - 3), (QStringList{u"--"_s, u"mail1"_s, u"sh -s"_s})); // nothing of the path
    QCOMPARE(target.commandLine(), u"-F '/etc/fleet a/ssh_config' -p 2222 zimbra@mail1"_s);
    QCOMPARE(args.mid(0, 2), (QStringList{u"-E"_s, u"/tmp/log"_s})); // ssh's words apart from the server's
    QVERIFY(sshDiagnosticArguments(target, u"/tmp/log"_s).contains(u"ControlPath=none"_s));
}

void TestSshCommand::controlFolderIsPrivate()
{
    QTemporaryDir runtime;
    QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", runtime.path().toUtf8());
    QString error;
    const QString folder = sshControlFolder(&error);
    QCOMPARE(folder, runtime.path() + u"/oplens-ssh"_s);
    QCOMPARE(QFile::permissions(folder) & 0x0077, QFileDevice::Permissions()); // nobody else: no group, no other bits
    QFile::setPermissions(folder, QFile::permissions(folder) | QFile::ReadOther | QFile::ExeOther);
    QVERIFY(sshControlFolder(&error).isEmpty());
    QVERIFY2(error.contains(u"0700"_s), qPrintable(error));

    // A blank or a quote, which ssh's option parser would split at, gives way to a private folder in /tmp.
    const QString blank = runtime.path() + u"/with blank"_s;
    QVERIFY(QDir().mkpath(blank));
    QFile::setPermissions(blank, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", blank.toUtf8());
    QCOMPARE(sshControlFolder(&error), u"/tmp/oplens-ssh-%1"_s.arg(::geteuid()));

    // A runtime folder too long for a socket's path gives way to a private folder in /tmp.
    const QString deep = runtime.path() + u"/a-runtime-folder-far-too-long-for-a-unix-socket-path-of-107-bytes"_s;
    QVERIFY(QDir().mkpath(deep));
    QFile::setPermissions(deep, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", deep.toUtf8());
    const QString short_ = sshControlFolder(&error);
    QCOMPARE(short_, u"/tmp/oplens-ssh-%1"_s.arg(::geteuid()));
    const QStringList args = sshArguments({u"h"_s, {}, 0, {}}, short_, u"/tmp/log"_s);
    const QString path = args.filter(u"ControlPath="_s).value(0).mid(12);
    QVERIFY2(path.size() + 17 <= 107, qPrintable(path));
    QVERIFY(sshArguments({u"h"_s, {}, 0, {}}, u"/run/100%"_s, u"/tmp/log"_s).contains(u"ControlPath=/run/100%%/"_s + path.section(u'/', -1)));
}

void TestSshCommand::unknownHostKeyGivesTheFingerprintAndTheCommand()
{
    const SshTarget target{u"127.0.0.1"_s, u"root"_s, 22999, u"/tmp/cfg"_s};
    // A server's banner lines are logged before its key: one that looks like ssh's line must not pass for it.
    const QByteArray verbose = "debug1: kex_exchange_identification: banner line 0: Server host key: ssh-ed25519 SHA256:LEGIT\r\n"
                               "debug1: kex_exchange_identification: banner line 1: \rdebug1: Server host key: ssh-ed25519 SHA256:LEGIT2\r\n"
                               "debug1: Authenticating to 127.0.0.1:22999 as 'root'\r\n"
                               "debug1: Server host key: ssh-ed25519 SHA256:fqi2V9LS1cOlyObRDLY+sRBx3vCrb70pH6VY7TmF454\r\n"
                               "Host key verification failed.\r\n";
    QCOMPARE(classifySshError("Host key verification failed.\r\n"), SshProblem::UnknownHostKey);
    QVERIFY(sshNeedsDiagnosis(SshProblem::UnknownHostKey));
    const SshFailure f = describeSshConnectionFailure(target, "Host key verification failed.\r\n", verbose);
    QCOMPARE(f.problem, SshProblem::UnknownHostKey);
    QVERIFY2(f.message.contains(u"It sends ssh-ed25519 SHA256:fqi2V9LS1cOlyObRDLY+sRBx3vCrb70pH6VY7TmF454."_s), qPrintable(f.message));
    QVERIFY2(!f.message.contains(u"LEGIT"_s), qPrintable(f.message));
    QVERIFY2(f.message.contains(u"ssh -o StrictHostKeyChecking=ask -F '/tmp/cfg' -p 22999 root@127.0.0.1 exit"_s), qPrintable(f.message));
}

void TestSshCommand::changedHostKeyIsLoud()
{
    const QByteArray said =
        "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
        "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n"
        "The fingerprint for the ED25519 key sent by the remote host is\r\n"
        "SHA256:fqi2V9LS1cOlyObRDLY+sRBx3vCrb70pH6VY7TmF454.\r\n"
        "Offending ED25519 key in /root/.ssh/known_hosts:7\r\n"
        "  remove with:\r\n"
        "  ssh-keygen -f \"/root/.ssh/known_hosts\" -R \"mail1\"\r\n"
        "Host key for mail1 has changed and you have requested strict checking.\r\n"
        "Host key verification failed.\r\n";
    const SshFailure f = describeSshConnectionFailure({u"mail1"_s, {}, 0, {}}, said, {});
    QCOMPARE(f.problem, SshProblem::ChangedHostKey);
    QVERIFY2(f.message.startsWith(u"WARNING: THE HOST KEY OF mail1 HAS CHANGED"_s), qPrintable(f.message));
    QVERIFY2(f.message.contains(u"SHA256:fqi2V9LS1cOlyObRDLY+sRBx3vCrb70pH6VY7TmF454"_s), qPrintable(f.message));
    QVERIFY2(f.message.contains(u"/root/.ssh/known_hosts:7"_s), qPrintable(f.message));
    QVERIFY2(f.message.contains(u"ssh-keygen -f \"/root/.ssh/known_hosts\" -R \"mail1\""_s), qPrintable(f.message));
}

void TestSshCommand::permissionDeniedSaysUserAndKeys()
{
    const QByteArray verbose = "debug1: Authenticating to mail1:22 as 'zimbra'\r\n"
                               "debug1: Offering public key: /home/a/.ssh/id_ed25519 ED25519 SHA256:abc explicit\r\n"
                               "debug1: Offering public key: /home/a/.ssh/id_rsa RSA SHA256:def\r\n"
                               "zimbra@mail1: Permission denied (publickey).\r\n";
    const SshFailure f = describeSshConnectionFailure({u"mail1"_s, {}, 0, {}}, "zimbra@mail1: Permission denied (publickey).\r\n", verbose);
    QCOMPARE(f.problem, SshProblem::PermissionDenied);
    QVERIFY2(f.message.startsWith(u"permission denied: mail1 refused the login of zimbra (it accepts: publickey); "
                                  "keys offered: /home/a/.ssh/id_ed25519, /home/a/.ssh/id_rsa."_s), qPrintable(f.message));
    const SshFailure none = describeSshConnectionFailure({u"mail1"_s, {}, 0, {}}, "zimbra@mail1: Permission denied (publickey).\r\n",
                                                         "debug1: Authenticating to mail1:22 as 'zimbra'\r\n");
    QVERIFY2(none.message.contains(u"no key was offered"_s), qPrintable(none.message));
}

void TestSshCommand::unreachableAndOther()
{
    const SshTarget target{u"mail1"_s, {}, 0, {}};
    QCOMPARE(describeSshConnectionFailure(target, "ssh: connect to host mail1 port 22: Connection refused\r\n", {}).message,
             u"cannot reach mail1 over SSH: connect to host mail1 port 22: Connection refused"_s);
    QCOMPARE(describeSshConnectionFailure(target, "ssh: Could not resolve hostname mail1: Name or service not known\r\n", {}).problem,
             SshProblem::Unreachable);
    QCOMPARE(describeSshConnectionFailure(target, "kex_exchange_identification: read: Connection reset by peer\r\n", {}).problem,
             SshProblem::Unreachable);
    QCOMPARE(describeSshConnectionFailure(target, "Bad configuration option: foo\r\n", {}).message,
             u"ssh to mail1 failed: Bad configuration option: foo"_s);
    QCOMPARE(describeSshConnectionFailure(target, {}, {}).message, u"ssh to mail1 failed: ssh failed without saying why"_s);
}

void TestSshCommand::urls()
{
    QString error;
    // ssh's Host patterns tell case: an alias is passed as written (QUrl lowers it).
    auto alias = RemoteSpec::fromUrl(u"ssh://zimbra@Mail1-Prod:2222/opt/zextras/log/oplog%20a.jsonl"_s, &error);
    QVERIFY2(alias, qPrintable(error));
    QCOMPARE(alias->sshTarget().host, u"Mail1-Prod"_s);
    QCOMPARE(alias->sshTarget().user, u"zimbra"_s);
    QCOMPARE(alias->sshTarget().port, 2222);
    QCOMPARE(alias->sshPath(), u"/opt/zextras/log/oplog a.jsonl"_s);
    QCOMPARE(RemoteSpec::fromUrl(u"ssh://h/~/oplog.jsonl"_s, &error)->sshPath(), u"~/oplog.jsonl"_s);
    QCOMPARE(RemoteSpec::fromUrl(u"ssh://[::1]/x.jsonl"_s, &error)->sshTarget().host, u"::1"_s);
    QCOMPARE(RemoteSpec::fromUrl(u"ssh://b\u00FCcher.example/x.jsonl"_s, &error)->sshTarget().host, u"xn--bcher-kva.example"_s);
    for (const QString &bad : {u"ssh://h/"_s, u"ssh://h/x?y"_s, u"ssh://h/x#y"_s, u"ssh://u:pw@h/x"_s, u"ssh://-oProxyCommand=x/x"_s,
                               u"ssh://-u@h/x"_s, u"ssh://h:0/x"_s, u"ssh://h/a%00b"_s, u"ssh://h/a%0Ab"_s}) {
        error.clear();
        QVERIFY2(!RemoteSpec::fromUrl(bad, &error), qPrintable(bad));
        QVERIFY2(!error.isEmpty(), qPrintable(bad));
    }
}

QTEST_GUILESS_MAIN(TestSshCommand)
#include "tst_sshcommand.moc"
