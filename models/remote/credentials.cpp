#include "credentials.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace oplens {

std::optional<CommandLineCredentials> CommandLineCredentials::read(const std::optional<QString> &tokenFile,
                                                                   const QString &user,
                                                                   const std::optional<QString> &passwordFile,
                                                                   const QString &caFile, QString *error)
{
    // `--token-file ""` (an unset variable in a script) would otherwise quietly send OPLENS_TOKEN instead.
    for (const auto &[option, file] : {std::pair{"--token-file", &tokenFile}, std::pair{"--password-file", &passwordFile}}) {
        if (*file && file->value().isEmpty()) {
            *error = QStringLiteral("%1: the file name is empty").arg(QLatin1String(option));
            return std::nullopt;
        }
    }
    CommandLineCredentials c;
    c.user = user;
    c.caFile = caFile;
    c.token = qEnvironmentVariable("OPLENS_TOKEN").trimmed().toUtf8();
    QString why;
    if (tokenFile) {
        c.token = readSecretFile(*tokenFile, &why);
        c.tokenFromFile = true;
        if (c.token.isEmpty()) {
            *error = QStringLiteral("--token-file: %1").arg(why);
            return std::nullopt;
        }
    }
    if (passwordFile) {
        c.password = readSecretFile(*passwordFile, &why);
        if (c.password.isEmpty()) {
            *error = QStringLiteral("--password-file: %1").arg(why);
            return std::nullopt;
        }
    }
    if (!user.isEmpty() && c.password.isEmpty()) {
        *error = QStringLiteral("--user needs --password-file");
        return std::nullopt;
    }
    return c;
}

std::optional<CommandLineCredentials> CommandLineCredentials::fromParser(const QCommandLineParser &parser, QString *error)
{
    const auto given = [&parser](const char *name) -> std::optional<QString> {
        if (!parser.optionNames().contains(QLatin1String(name))) // given on this command line
            return std::nullopt;
        return parser.value(QLatin1String(name));
    };
    auto credentials = read(given("token-file"), given("user").value_or(QString()), given("password-file"),
                            given("cacert").value_or(QString()), error);
    if (credentials && given("ssh-config")) {
        const QFileInfo config(*given("ssh-config"));
        if (!config.isFile() || !config.isReadable()) {
            *error = QStringLiteral("--ssh-config: %1: no such readable file").arg(config.filePath());
            return std::nullopt;
        }
        credentials->sshConfig = config.absoluteFilePath();
    }
    return credentials;
}

void CommandLineCredentials::authenticate(RemoteSpec &spec) const
{
    if (spec.kind != RemoteSpec::Kind::File || spec.auth != RemoteSpec::Auth::None)
        return;
    if (!user.isEmpty()) {
        spec.auth = RemoteSpec::Auth::Basic;
        spec.user = user;
    } else if (tokenFromFile) {
        spec.auth = RemoteSpec::Auth::Bearer;
    }
}

QByteArray CommandLineCredentials::secretFor(const RemoteSpec &spec) const
{
    switch (spec.auth) {
    case RemoteSpec::Auth::None: return {};
    case RemoteSpec::Auth::Basic: return user.isEmpty() || user == spec.user ? password : QByteArray();
    case RemoteSpec::Auth::Bearer: return spec.kind == RemoteSpec::Kind::Agent || tokenFromFile ? token : QByteArray();
    }
    return {};
}

bool CommandLineCredentials::complete(RemoteSpec &spec, const QString &ownSecretFile, QString *error) const
{
    if (spec.caFile.isEmpty())
        spec.caFile = caFile;
    if (spec.kind == RemoteSpec::Kind::Ssh && spec.sshConfig.isEmpty())
        spec.sshConfig = sshConfig;
    if (!spec.needsSecret())
        return true;
    if (!ownSecretFile.isEmpty()) {
        spec.secret = readSecretFile(ownSecretFile, error);
        return !spec.secret.isEmpty();
    }
    spec.secret = secretFor(spec);
    if (!spec.secret.isEmpty())
        return true;
    if (spec.auth == RemoteSpec::Auth::Basic)
        *error = QStringLiteral("needs a password: --password-file F");
    else if (spec.kind == RemoteSpec::Kind::Agent)
        *error = QStringLiteral("needs a token: --token-file F or OPLENS_TOKEN");
    else
        *error = QStringLiteral("needs a token: --token-file F");
    return false;
}

std::optional<RemoteSpec> commandLineRemote(const QString &url, const CommandLineCredentials &credentials, QString *error)
{
    auto spec = RemoteSpec::fromUrl(url, error);
    if (!spec)
        return std::nullopt;
    credentials.authenticate(*spec);
    if (!credentials.complete(*spec, {}, error)) {
        *error = QStringLiteral("%1: %2").arg(spec->name(), *error);
        return std::nullopt;
    }
    return spec;
}

QString consoleSshConfigRefusal(const QString &config, const QString &commandLineConfig, const QStringList &chosen)
{
    if (config.isEmpty())
        return {};
    const QString real = QFileInfo(config).canonicalFilePath();
    if (real.isEmpty())
        return QStringLiteral("the ssh configuration %1 does not exist").arg(config);
    if (real == QFileInfo(commandLineConfig).canonicalFilePath() || chosen.contains(real))
        return {};
    for (const QString &folder : {QDir::homePath() + QStringLiteral("/.ssh"), QStringLiteral("/etc/ssh")}) {
        const QString own = QFileInfo(folder).canonicalFilePath();
        if (!own.isEmpty() && real.startsWith(own + QLatin1Char('/')))
            return {};
    }
    return QStringLiteral("not read: the workspace names the ssh configuration %1, and an ssh configuration can run "
                          "commands. Choose it once in File > Connect… (SSH config) to allow it, give it with --ssh-config, "
                          "or keep it in ~/.ssh").arg(config);
}

QByteArray readSecretFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return {};
    }
    const QByteArray secret = file.readLine(64 * 1024).trimmed();
    if (secret.isEmpty())
        *error = QStringLiteral("%1: empty").arg(path);
    return secret;
}

} // namespace oplens
