#include "testssh.h"

#include "testfiles.h"
#include "testservers.h"

#include <QDir>
#include <QFileInfo>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace testservers {

namespace {
const QString kSshd = u"/usr/sbin/sshd"_s;
const QString kKeygen = u"/usr/bin/ssh-keygen"_s;

bool keygen(const QString &file, QString *why)
{
    QFile::remove(file);
    QFile::remove(file + u".pub"_s);
    const Exit e = runToEnd(kKeygen, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, {}, u"-C"_s, u"oplens-test"_s, u"-f"_s, file});
    if (e.code != 0)
        *why = u"ssh-keygen: "_s + e.err;
    return e.code == 0;
}

// Every process descending from `root` (read from /proc), root included: sshd's per-connection children call setsid,
// so no process group holds them all.
QList<pid_t> descendants(pid_t root)
{
    QHash<pid_t, QList<pid_t>> children;
    for (const QString &entry : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        bool ok = false;
        const pid_t pid = entry.toInt(&ok);
        if (!ok)
            continue;
        const QByteArray stat = testfiles::readAll(u"/proc/%1/stat"_s.arg(pid));
        const qsizetype close = stat.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() > 1)
            children[pid_t(fields[1].toInt())] << pid;
    }
    QList<pid_t> all{root};
    for (qsizetype i = 0; i < all.size(); ++i)
        all += children.value(all[i]);
    return all;
}
} // namespace

bool haveSshd()
{
    return QFileInfo(kSshd).isExecutable() && QFileInfo(kKeygen).isExecutable();
}

SshServer::SshServer(const QString &dir) : dir(dir), port(freePort())
{
    user = runToEnd(u"id"_s, {u"-un"_s}).out.trimmed();
}

SshServer::~SshServer() { stop(); }

QString SshServer::writeClientConfig(const QString &name, const QString &knownHostsFile, const QString &identityFile) const
{
    const QString path = dir + u'/' + name;
    testfiles::writeFile(path, u"Host *\n  IdentityFile \"%1\"\n  IdentitiesOnly yes\n  IdentityAgent none\n"
                               "  UserKnownHostsFile \"%2\"\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n"
                               "  LogLevel ERROR\n"_s.arg(identityFile, knownHostsFile).toUtf8());
    return path;
}

bool SshServer::prepare(QString *why)
{
    if (m_prepared)
        return true;
    identity = dir + u"/id_user"_s;
    otherIdentity = dir + u"/id_other"_s;
    const QString hostKey = dir + u"/host_key"_s;
    if (!keygen(identity, why) || !keygen(otherIdentity, why) || !keygen(hostKey, why))
        return false;
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    testfiles::writeFile(dir + u"/authorized_keys"_s, testfiles::readAll(identity + u".pub"_s));
    const QList<QByteArray> hostPublic = testfiles::readAll(hostKey + u".pub"_s).split(' ');
    knownHosts = dir + u"/known_hosts"_s;
    testfiles::writeFile(knownHosts, "[127.0.0.1]:" + QByteArray::number(port) + ' ' + hostPublic.value(0) + ' ' + hostPublic.value(1) + '\n');
    hostKeyFingerprint = runToEnd(kKeygen, {u"-lf"_s, hostKey + u".pub"_s}).out.section(u' ', 1, 1);
    testfiles::writeFile(dir + u"/sshd_config"_s, u"Port %1\nListenAddress 127.0.0.1\nHostKey %2/host_key\n"
                         "PidFile %2/sshd.pid\nAuthorizedKeysFile %2/authorized_keys\nStrictModes no\nUsePAM no\n"
                         "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                         "MaxSessions 100\nMaxStartups 100\nLogLevel VERBOSE\n"_s.arg(port).arg(dir).toUtf8());
    clientConfig = writeClientConfig(u"ssh_config"_s, knownHosts, identity);
    // sshd's privilege separation needs its empty folder (made by the package's service, which a container lacks).
    if (!QFileInfo::exists(u"/run/sshd"_s) && !QDir().mkpath(u"/run/sshd"_s)) {
        *why = u"/run/sshd is missing and cannot be made (sshd's privilege separation folder)"_s;
        return false;
    }
    m_prepared = true;
    return true;
}

bool SshServer::start(QString *why)
{
    if (!prepare(why))
        return false;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(dir + u"/sshd.log"_s, QIODevice::Append);
    m_process->start(kSshd, {u"-D"_s, u"-e"_s, u"-f"_s, dir + u"/sshd_config"_s});
    for (int i = 0; i < 100; ++i) {
        QTcpSocket probe;
        probe.connectToHost(u"127.0.0.1"_s, port);
        if (probe.waitForConnected(200))
            return true;
        if (m_process->state() == QProcess::NotRunning)
            break;
        QTest::qWait(50);
    }
    *why = u"sshd did not listen on port %1: %2"_s.arg(port).arg(log());
    return false;
}

void SshServer::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    for (const pid_t pid : descendants(pid_t(m_process->processId())))
        ::kill(pid, SIGKILL);
    m_process->waitForFinished(5000);
    m_process.reset();
}

bool SshServer::isRunning() const { return m_process && m_process->state() == QProcess::Running; }

QString SshServer::url(const QString &path) const
{
    QUrl url;
    url.setScheme(u"ssh"_s);
    url.setUserName(user);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(port);
    url.setPath(path);
    return url.toString(QUrl::FullyEncoded);
}

QString SshServer::log() const { return QString::fromUtf8(testfiles::readAll(dir + u"/sshd.log"_s)); }

} // namespace testservers
