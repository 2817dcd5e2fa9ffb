// ssh's failures in words an admin can act on, from its exit status and its own log (-E, never the server's standard
// error), and from what a verbose connection (`ssh -v`) logged: the server's host key fingerprint, the keys offered.
// Only lines ssh itself starts are read (a server's banner lines are logged too, but after "banner line N: ").
#pragma once

#include "sshcommand.h"

#include <QByteArray>
#include <QString>

namespace oplens {

enum class SshProblem {
    None,
    UnknownHostKey,   // not in known_hosts: nothing read, and nothing added without the admin
    ChangedHostKey,   // the server sends another key than known_hosts holds: maybe an attack
    PermissionDenied,
    Unreachable,      // refused, timed out, no route, no such host
    NoSuchFile,
    NotReadable,
    Other,
};

struct SshFailure {
    SshProblem problem = SshProblem::None;
    QString message;
};

// The last line of a standard error that is not debug output (at most 300 characters), or empty.
QString sshLastWords(const QByteArray &stderrText);
// What ssh's own log (exit 255) says went wrong; the verbose log, when there is one, adds the details.
SshProblem classifySshError(const QByteArray &stderrText);
// Whether a verbose run would tell more (the fingerprint of an unknown host key, the keys offered).
bool sshNeedsDiagnosis(SshProblem problem);
// The message for a failed connection (exit 255) to `target`.
SshFailure describeSshConnectionFailure(const SshTarget &target, const QByteArray &stderrText, const QByteArray &verboseLog);
// The message for the remote script's exit status (not 0, not 255) when it read `path`.
SshFailure describeSshScriptFailure(const SshTarget &target, const QString &path, int exitCode, const QByteArray &stderrText);

} // namespace oplens
