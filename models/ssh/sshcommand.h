// How OpLens runs the system's OpenSSH client: BatchMode (nothing ever prompts), host keys always checked against the
// admin's known_hosts (StrictHostKeyChecking=yes, never relaxed, nothing added), and one connection per server shared by every read (ControlMaster, its socket in
// a private folder of the user's runtime directory). The remote side runs only `sh`, `stat`, `tail` and `head`; the
// path reaches it inside the script on standard input, quoted once for `sh`, so the login shell never parses it.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace oplens {

// A server as ssh is asked for it. An empty user or port 0: what the ssh configuration says.
struct SshTarget {
    QString host;
    QString user;
    int port = 0;
    QString config; // an ssh_config given to ssh with -F instead of the user's own ~/.ssh/config

    // "user@host -p 2222" as an admin would type it after `ssh`, with -F when a configuration was given.
    QString commandLine() const;
};

// What stat says of the file the script opened.
struct SshFileInfo {
    qint64 size = -1;
    QString identity; // device:inode: another file under the same name has another
};

// The first line of a read's standard output, before the file's bytes.
inline constexpr char kSshHeaderMarker[] = "OPLENS-SSH-1 ";

// Exit statuses of the remote script (ssh itself exits with 255).
enum SshScriptExit { kNoSuchFile = 66, kNotReadable = 67, kNotAFile = 68, kNoStat = 69 };
// ssh's own exit status when it failed (the connection, the login); a remote command may exit with it too.
inline constexpr int kSshFailed = 255;

QString sshProgram(); // ssh on PATH, or empty
// The private folder of the ControlMaster sockets, made 0700 and checked to be the user's own; empty with `error` set.
QString sshControlFolder(QString *error);
// The arguments of one remote `sh -s` through the shared connection (`controlFolder` as sshControlFolder gave it).
// ssh's own messages go to `logFile` (-E), apart from the remote side's standard error: a server cannot pass its
// words off as ssh's ("host key changed, run this").
QStringList sshArguments(const SshTarget &target, const QString &controlFolder, const QString &logFile);
// The arguments of a one-off verbose connection that only logs in (`ssh -v ... exit`): what ssh -v says tells why a
// connection failed (the server's host key, the keys offered). No shared connection: its log would be lost there.
QStringList sshDiagnosticArguments(const SshTarget &target, const QString &logFile);
// `text` in single quotes for a POSIX shell.
QByteArray shellQuote(const QByteArray &text);
// The script that prints the header line for `path`, then exactly min(length, size - from) bytes of it from offset
// `from` (sshPieceLength): bytes appended meanwhile wait for the next read. "~/...": from the login directory.
QByteArray sshReadScript(const QString &path, qint64 from, qint64 length);
// Parses a header line (without the marker); false when it is not one.
bool parseSshHeader(const QByteArray &line, SshFileInfo *info);
// How many bytes follow the header of a file of `size` bytes read from `from`, at most `length`.
qint64 sshPieceLength(qint64 size, qint64 from, qint64 length);

} // namespace oplens
