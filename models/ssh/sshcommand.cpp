#include "sshcommand.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <sys/stat.h>
#include <unistd.h>

namespace oplens {

namespace {
constexpr qsizetype kMaxControlFolder = 107 - 17 - 17; // ssh's suffix ".XXXXXXXXXXXXXXXX"; "/" and 16 hex digits

// Options given on the command line win over every ssh_config. None of them relaxes a check; some tighten one.
QStringList commonOptions(const SshTarget &target, const QString &logFile)
{
    QStringList args{QStringLiteral("-E"), logFile};
    if (!target.config.isEmpty())
        args << QStringLiteral("-F") << target.config;
    args << QStringLiteral("-o") << QStringLiteral("BatchMode=yes")       // never a prompt: keys from the agent or files
         // A host key is known beforehand, whatever a configuration says ("no", "accept-new"): OpLens never trusts one
         // unseen, and never writes known_hosts (nor adds a known server's other keys).
         << QStringLiteral("-o") << QStringLiteral("StrictHostKeyChecking=yes")
         << QStringLiteral("-o") << QStringLiteral("UpdateHostKeys=no")
         << QStringLiteral("-o") << QStringLiteral("ConnectTimeout=15")
         << QStringLiteral("-o") << QStringLiteral("ServerAliveInterval=15") // a dead server is noticed in 45 s
         << QStringLiteral("-o") << QStringLiteral("ServerAliveCountMax=3")
         << QStringLiteral("-o") << QStringLiteral("LogLevel=INFO"); // the log says why (timeouts are INFO)
    if (!target.user.isEmpty())
        args << QStringLiteral("-l") << target.user;
    if (target.port > 0)
        args << QStringLiteral("-p") << QString::number(target.port);
    return args;
}
} // namespace

QString SshTarget::commandLine() const
{
    QStringList parts;
    if (!config.isEmpty())
        parts << QStringLiteral("-F") << QString::fromUtf8(shellQuote(config.toUtf8()));
    if (port > 0)
        parts << QStringLiteral("-p") << QString::number(port);
    parts << (user.isEmpty() ? host : user + QLatin1Char('@') + host);
    return parts.join(QLatin1Char(' '));
}

QString sshProgram()
{
    return QStandardPaths::findExecutable(QStringLiteral("ssh"));
}

QString sshControlFolder(QString *error)
{
    // RuntimeLocation is $XDG_RUNTIME_DIR, or a private /tmp/runtime-USER that Qt makes 0700. A socket's path holds at
    // most 107 bytes, ssh's temporary suffix (17) and our name (17) included: a longer runtime folder gives way to /tmp.
    QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation) + QStringLiteral("/oplens-ssh");
    // ssh splits an option's value at blanks and quotes: such a folder gives way to /tmp as well.
    static const QRegularExpression unquotable(QStringLiteral("[\\s\"'\\\\]"));
    if (QFile::encodeName(folder).size() > kMaxControlFolder || folder.contains(unquotable))
        folder = QStringLiteral("/tmp/oplens-ssh-%1").arg(::geteuid());
    const QByteArray native = QFile::encodeName(folder);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST) {
        *error = QStringLiteral("cannot make %1: %2").arg(folder, QString::fromLocal8Bit(strerror(errno)));
        return {};
    }
    struct stat st {};
    // Whoever can write there could put a socket of theirs in the way, or reach the connections: it must be ours alone
    // (lstat: a link someone else made in /tmp is refused too).
    if (::lstat(native.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()
        || (st.st_mode & 077) != 0) {
        *error = QStringLiteral("%1 must be a folder of this user's that nobody else can open (mode 0700)").arg(folder);
        return {};
    }
    return folder;
}

QStringList sshArguments(const SshTarget &target, const QString &controlFolder, const QString &logFile)
{
    // One socket per server as named (host, port, user) and ssh configuration; a short name, as a socket's path is short.
    const QByteArray key = QStringList{target.host, target.user, QString::number(target.port), target.config}
                               .join(QLatin1Char('\n')).toUtf8();
    const QString name = QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
    QStringList args = commonOptions(target, logFile);
    args << QStringLiteral("-o") << QStringLiteral("ControlMaster=auto")
         << QStringLiteral("-o") << QStringLiteral("ControlPath=%1/%2").arg(QString(controlFolder).replace(QLatin1Char('%'), QStringLiteral("%%")), name)
         << QStringLiteral("-o") << QStringLiteral("ControlPersist=120") // idle for 2 minutes, then it closes
         << QStringLiteral("-T") << QStringLiteral("--") << target.host << QStringLiteral("sh -s");
    return args;
}

QStringList sshDiagnosticArguments(const SshTarget &target, const QString &logFile)
{
    QStringList args = commonOptions(target, logFile);
    args << QStringLiteral("-v") << QStringLiteral("-o") << QStringLiteral("ControlMaster=no")
         << QStringLiteral("-o") << QStringLiteral("ControlPath=none")
         << QStringLiteral("-T") << QStringLiteral("--") << target.host << QStringLiteral("exit 0");
    return args;
}

QByteArray shellQuote(const QByteArray &text)
{
    QByteArray quoted = "'";
    for (const char c : text) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + '\'';
}

QByteArray sshReadScript(const QString &path, qint64 from, qint64 length)
{
    QByteArray file = path.toUtf8();
    if (file.startsWith("~/"))
        file = "./" + file.mid(2); // the remote shell starts in the login directory
    // The file is opened once (fd 3): stat describes the very file whose bytes follow, even when it is renamed
    // meanwhile. Only a regular file: a pipe would block the open, a device never end. `command exec`: a failed open
    // returns instead of ending the shell. Commands never read the script's standard input.
    QByteArray script = "f=" + shellQuote(file) + "\n";
    script += "[ -e \"$f\" ] || exit 66\n"
              "[ -f \"$f\" ] || exit 68\n"
              "[ -r \"$f\" ] || exit 67\n"
              "command exec 3<\"$f\" || exit 67\n"
              "s=$(stat -L -c '%s %d %i' /dev/fd/3 2>/dev/null </dev/null"
              " || stat -L -f '%z %d %i' /dev/fd/3 2>/dev/null </dev/null) || exit 69\n";
    script += "printf '" + QByteArray(kSshHeaderMarker) + "%s\\n' \"$s\"\n";
    // What the reader expects after the header (sshPieceLength), to the byte: fewer means tail failed.
    script += "set -- $s\nn=$(($1 - " + QByteArray::number(from) + "))\n"
              "[ \"$n\" -gt " + QByteArray::number(length) + " ] && n=" + QByteArray::number(length) + "\n"
              "[ \"$n\" -gt 0 ] && tail -c +" + QByteArray::number(from + 1) + " <&3 | head -c \"$n\"\n";
    script += "exit 0\n";
    return script;
}

qint64 sshPieceLength(qint64 size, qint64 from, qint64 length)
{
    return std::clamp<qint64>(size - from, 0, length);
}

bool parseSshHeader(const QByteArray &line, SshFileInfo *info)
{
    const QList<QByteArray> fields = line.trimmed().split(' ');
    if (fields.size() != 3)
        return false;
    bool sizeOk = false, deviceOk = false, inodeOk = false;
    const qint64 size = fields[0].toLongLong(&sizeOk);
    const qulonglong device = fields[1].toULongLong(&deviceOk);
    const qulonglong inode = fields[2].toULongLong(&inodeOk);
    if (!sizeOk || !deviceOk || !inodeOk || size < 0)
        return false;
    info->size = size;
    info->identity = QStringLiteral("%1:%2").arg(device).arg(inode);
    return true;
}

} // namespace oplens
