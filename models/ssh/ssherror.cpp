#include "ssherror.h"

#include <QRegularExpression>
#include <QStringList>

namespace oplens {

namespace {
QString firstMatch(const QString &text, const QString &pattern, int group = 1)
{
    const QRegularExpressionMatch m = QRegularExpression(pattern, QRegularExpression::MultilineOption).match(text);
    return m.hasMatch() ? m.captured(group).trimmed() : QString();
}

// The last of ssh's own lines that matches: the server's key is logged after anything the server said first.
QString lastMatch(const QString &text, const QString &pattern)
{
    QString last;
    for (auto it = QRegularExpression(pattern, QRegularExpression::MultilineOption).globalMatch(text); it.hasNext();)
        last = it.next().captured(1).trimmed();
    return last;
}

QString lastWords(const QString &text)
{
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString line = it->trimmed();
        if (!line.isEmpty() && !line.startsWith(QLatin1String("debug")) && !line.startsWith(QLatin1String("OpenSSH_")))
            return line.left(300);
    }
    return {};
}

QString who(const SshTarget &target)
{
    return target.user.isEmpty() ? target.host : target.user + QLatin1Char('@') + target.host;
}

QString unknownHostKey(const SshTarget &target, const QString &verbose)
{
    const QString key = lastMatch(verbose, QStringLiteral("^debug1: Server host key: (\\S+ \\S+)$"));
    QString message = QStringLiteral("the host key of %1 is not known (not in known_hosts): nothing was read.").arg(target.host);
    if (!key.isEmpty())
        message += QStringLiteral(" It sends %1.").arg(key);
    message += QStringLiteral(" Compare that fingerprint with the server's own (ssh-keygen -lf on its "
                              "/etc/ssh/ssh_host_*_key.pub); if they match, add it by running in a terminal: "
                              "ssh -o StrictHostKeyChecking=ask %1 exit, and answering its question with the "
                              "fingerprint.").arg(target.commandLine());
    return message;
}

QString changedHostKey(const SshTarget &target, const QString &text)
{
    QString key = lastMatch(text, QStringLiteral("^debug1: Server host key: (\\S+ \\S+)$"));
    if (key.isEmpty())
        key = firstMatch(text, QStringLiteral("key sent by the remote host is\\s*\\n\\s*(SHA256:\\S+?)\\.?$"));
    const QString offending = firstMatch(text, QStringLiteral("^Offending .* key in (\\S+)$"));
    const QString removal = firstMatch(text, QStringLiteral("^\\s*(ssh-keygen -f .* -R .*)$"));
    QString message = QStringLiteral("WARNING: THE HOST KEY OF %1 HAS CHANGED. Someone may be intercepting the connection "
                                     "(man-in-the-middle), or the server was reinstalled. Nothing was read.").arg(target.host);
    if (!key.isEmpty())
        message += QStringLiteral(" It now sends %1.").arg(key);
    if (!offending.isEmpty())
        message += QStringLiteral(" The key known for it is in %1.").arg(offending);
    message += QStringLiteral(" Only once the server's admin confirms the new key, remove the old one (%1) and connect again.")
                   .arg(removal.isEmpty() ? QStringLiteral("ssh-keygen -R HOST -f KNOWN_HOSTS") : removal);
    return message;
}

QString permissionDenied(const SshTarget &target, const QString &text, const QString &verbose)
{
    QString user = lastMatch(verbose, QStringLiteral("^debug1: Authenticating to \\S+ as '([^']*)'$"));
    if (user.isEmpty())
        user = firstMatch(text, QStringLiteral("^(\\S+)@\\S+: Permission denied"));
    const QString methods = firstMatch(text, QStringLiteral("Permission denied \\(([^)]*)\\)"));
    QStringList offered;
    const QRegularExpression offer(QStringLiteral("^debug1: Offering public key: (\\S+)"), QRegularExpression::MultilineOption);
    for (auto it = offer.globalMatch(verbose); it.hasNext();)
        offered << it.next().captured(1);
    QString message = QStringLiteral("permission denied: %1 refused the login of %2")
                          .arg(target.host, user.isEmpty() ? who(target) : user);
    if (!methods.isEmpty())
        message += QStringLiteral(" (it accepts: %1)").arg(methods);
    if (!offered.isEmpty())
        message += QStringLiteral("; keys offered: %1").arg(offered.join(QStringLiteral(", ")));
    else if (!verbose.isEmpty())
        message += QStringLiteral("; no key was offered");
    message += QStringLiteral(". Keys come from the ssh-agent (ssh-add) or IdentityFile; a key with a passphrase must be "
                              "in the agent, as OpLens never prompts.");
    return message;
}
} // namespace

QString sshLastWords(const QByteArray &stderrText)
{
    return lastWords(QString::fromUtf8(stderrText).remove(QLatin1Char('\r')));
}

SshProblem classifySshError(const QByteArray &stderrText)
{
    const QString text = QString::fromUtf8(stderrText);
    if (text.contains(QLatin1String("REMOTE HOST IDENTIFICATION HAS CHANGED")) || text.contains(QLatin1String("has changed and you have requested strict checking")))
        return SshProblem::ChangedHostKey;
    if (text.contains(QLatin1String("Host key verification failed")) || text.contains(QLatin1String("host key is known for")))
        return SshProblem::UnknownHostKey;
    if (text.contains(QLatin1String("Permission denied")))
        return SshProblem::PermissionDenied;
    for (const char *words : {"Connection refused", "timed out", "Could not resolve hostname", "No route to host",
                              "Network is unreachable", "Connection closed by", "Connection reset",
                              "kex_exchange_identification"})
        if (text.contains(QLatin1String(words)))
            return SshProblem::Unreachable;
    return SshProblem::Other;
}

bool sshNeedsDiagnosis(SshProblem problem)
{
    return problem == SshProblem::UnknownHostKey || problem == SshProblem::ChangedHostKey
           || problem == SshProblem::PermissionDenied;
}

SshFailure describeSshConnectionFailure(const SshTarget &target, const QByteArray &stderrText, const QByteArray &verboseLog)
{
    // ssh ends its lines with \r\n once it has a connection.
    const QString text = QString::fromUtf8(stderrText).remove(QLatin1Char('\r'));
    const QString verbose = QString::fromUtf8(verboseLog).remove(QLatin1Char('\r'));
    const SshProblem problem = classifySshError(stderrText);
    switch (problem) {
    case SshProblem::ChangedHostKey: return {problem, changedHostKey(target, text + QLatin1Char('\n') + verbose)};
    case SshProblem::UnknownHostKey: return {problem, unknownHostKey(target, verbose)};
    case SshProblem::PermissionDenied: return {problem, permissionDenied(target, text, verbose)};
    default: break;
    }
    QString said = lastWords(text);
    if (said.startsWith(QLatin1String("ssh: ")))
        said = said.mid(5);
    if (said.isEmpty())
        said = QStringLiteral("ssh failed without saying why");
    if (problem == SshProblem::Unreachable)
        return {problem, QStringLiteral("cannot reach %1 over SSH: %2").arg(target.host, said)};
    return {problem, QStringLiteral("ssh to %1 failed: %2").arg(who(target), said)};
}

SshFailure describeSshScriptFailure(const SshTarget &target, const QString &path, int exitCode, const QByteArray &stderrText)
{
    switch (exitCode) {
    case kNoSuchFile: return {SshProblem::NoSuchFile, QStringLiteral("no such file on %1: %2").arg(target.host, path)};
    case kNotReadable:
        return {SshProblem::NotReadable, QStringLiteral("%1 on %2 cannot be read by %3: permission denied")
                                             .arg(path, target.host, target.user.isEmpty() ? QStringLiteral("the SSH user") : target.user)};
    case kNotAFile: return {SshProblem::NotReadable, QStringLiteral("%1 on %2 is not a regular file (a folder, a device or a pipe)").arg(path, target.host)};
    case kNoStat:
        return {SshProblem::Other, QStringLiteral("%1 has no stat command that OpLens knows (GNU stat -c or BSD stat -f)").arg(target.host)};
    default: break;
    }
    const QString said = sshLastWords(stderrText);
    return {SshProblem::Other, QStringLiteral("reading %1 on %2 failed (exit status %3)%4")
                                   .arg(path, target.host).arg(exitCode).arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said)};
}

} // namespace oplens
