// Which secret goes to which remote source: the one home of that rule (docs/cli.md "Secrets"), used by the console,
// oplensctl's reading subcommands and restarts alike. An ssh:// source takes no secret: ssh logs in with its own keys.
// - An agent takes a bearer token: --token-file, else OPLENS_TOKEN.
// - A web server takes credentials only when asked for them: a user in its URL or --user (HTTP Basic, with
//   --password-file), or --token-file (a bearer token). OPLENS_TOKEN alone is never sent to a web server.
// - --password-file belongs to --user: a source naming another user does not get it.
// - A workspace's own tokenFile or passwordFile comes first, for oplensctl only: the console never reads them (a
//   workspace someone sent must not make it read a local file and send it to their server).
// - The console's keychain and its prompts come after all of these (ui/sources/workspaces.h).
#pragma once

#include "remotespec.h"

#include <optional>

class QCommandLineParser;

namespace oplens {

struct CommandLineCredentials {
    QByteArray token;           // --token-file, else OPLENS_TOKEN
    bool tokenFromFile = false; // only a token given with --token-file may go to a web server
    QString user;               // --user
    QByteArray password;        // --password-file
    QString caFile;             // --cacert
    QString sshConfig;          // --ssh-config: for ssh:// sources without their own (ssh -F), absolute

    // Reads the secret files (and OPLENS_TOKEN); nullopt with `error` naming the option that failed. A file option
    // not given is nullopt; given with an empty name it is refused (it must not fall back to OPLENS_TOKEN unseen).
    static std::optional<CommandLineCredentials> read(const std::optional<QString> &tokenFile, const QString &user,
                                                      const std::optional<QString> &passwordFile, const QString &caFile,
                                                      QString *error);
    // The same from a parser that has the options --token-file, --user, --password-file and --cacert (and, when it has
    // it, --ssh-config).
    static std::optional<CommandLineCredentials> fromParser(const QCommandLineParser &parser, QString *error);

    // How a web server named on this command line authenticates (an agent always takes a token; a user in the URL
    // already says Basic): --user gives Basic, --token-file a bearer token, else none.
    void authenticate(RemoteSpec &spec) const;
    // The secret this command line holds for `spec`, or empty.
    QByteArray secretFor(const RemoteSpec &spec) const;
    // Sets the CA and the ssh configuration (unless the spec has its own) and the secret: `ownSecretFile` when given, else the command line's.
    // False with `error` (what to give, without the source's name) when a secret is needed and none is to be had.
    bool complete(RemoteSpec &spec, const QString &ownSecretFile, QString *error) const;
};

// A remote source named on a command line: parsed, authenticated and given its secret and CA; errors name it.
std::optional<RemoteSpec> commandLineRemote(const QString &url, const CommandLineCredentials &credentials, QString *error);

// Whether the console may give ssh the configuration a workspace names (empty: it may). An ssh_config can run
// commands (ProxyCommand, LocalCommand, Match exec), so a workspace someone sent must not make the console use one that
// came with it: the console uses only one in ~/.ssh or /etc/ssh (where ssh's own live, resolved through links), the
// one given with --ssh-config, or one the admin chose in the console before (`chosen`: canonical paths, kept in the
// console's settings, which no workspace writes). oplensctl uses its workspace's, as it reads its tokenFile.
QString consoleSshConfigRefusal(const QString &config, const QString &commandLineConfig, const QStringList &chosen = {});

// Reads a secret from a file: its first line, without the line end. Empty with `error` set when it cannot.
QByteArray readSecretFile(const QString &path, QString *error);

} // namespace oplens
