#include "agentconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <nlohmann/json.hpp>

namespace oplens::agent {

namespace {

using json = nlohmann::json;

struct Invalid {
    QString message;
};

QString text(const json &value, const QString &key, bool required = true)
{
    if (value.is_null() && !required)
        return {};
    if (!value.is_string() || value.get<std::string>().empty())
        throw Invalid{QStringLiteral("%1: must be a non-empty string").arg(key)};
    return QString::fromStdString(value.get<std::string>());
}

const json &member(const json &object, const char *key)
{
    static const json null;
    const auto it = object.find(key);
    if (it == object.end())
        return null;
    return *it;
}

void parseListen(const QString &listen, Config &config)
{
    const int colon = listen.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? listen.mid(colon + 1).toUInt(&ok) : 0;
    QString host = colon > 0 ? listen.left(colon) : QString();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (!ok || port == 0 || port > 65535 || !address.setAddress(host))
        throw Invalid{QStringLiteral("listen: expected ADDRESS:PORT, such as 127.0.0.1:8470")};
    config.address = address;
    config.port = quint16(port);
}

QString absolutePath(const QString &baseDir, const QString &path) { return QDir(baseDir).absoluteFilePath(path); }

void rejectUnknownKeys(const json &root)
{
    static const QStringList known{QStringLiteral("listen"), QStringLiteral("tls"), QStringLiteral("oplogs"),
                                   QStringLiteral("runnerOplog"), QStringLiteral("auditLog"), QStringLiteral("auditMaxBytes"),
                                   QStringLiteral("idleTimeoutSeconds"), QStringLiteral("minFreeBytes"), QStringLiteral("service"), QStringLiteral("tokens"),
                                   QStringLiteral("actions"), QStringLiteral("runAsRoot"), QStringLiteral("trustedProxies"),
                                   QStringLiteral("metricsToken"), QStringLiteral("acknowledgements"),
                                   QStringLiteral("alerts")};
    for (const auto &[key, value] : root.items())
        if (!known.contains(QString::fromStdString(key)))
            throw Invalid{QStringLiteral("%1: unknown key").arg(QString::fromStdString(key))};
}

void parseTls(const json &tls, const QString &baseDir, Config &config)
{
    if (!tls.is_object())
        throw Invalid{QStringLiteral("tls: must be an object with certificate and key")};
    config.certificate = absolutePath(baseDir, text(member(tls, "certificate"), QStringLiteral("tls.certificate")));
    config.key = absolutePath(baseDir, text(member(tls, "key"), QStringLiteral("tls.key")));
}

// Required: at least one, each id used once.
void parseOplogs(const json &oplogs, const QString &baseDir, Config &config)
{
    if (!oplogs.is_array() || oplogs.empty())
        throw Invalid{QStringLiteral("oplogs: required, a non-empty array of {\"id\", \"path\"}")};
    for (size_t i = 0; i < oplogs.size(); ++i) {
        const QString where = QStringLiteral("oplogs[%1]").arg(i);
        if (!oplogs[i].is_object())
            throw Invalid{QStringLiteral("%1: must be an object with id and path").arg(where)};
        OplogConfig log{text(member(oplogs[i], "id"), where + QStringLiteral(".id")),
                        absolutePath(baseDir, text(member(oplogs[i], "path"), where + QStringLiteral(".path")))};
        for (const OplogConfig &other : config.oplogs)
            if (other.id == log.id)
                throw Invalid{QStringLiteral("%1.id: \"%2\" is used twice").arg(where, log.id)};
        config.oplogs.append(log);
    }
}

// `tokens[i]`: an identity, a role, and the SHA-256 of the token (the token itself is never stored).
Token parseToken(const json &entry, const QString &where)
{
    if (!entry.is_object())
        throw Invalid{QStringLiteral("%1: must be an object").arg(where)};
    Token token;
    token.identity = text(member(entry, "identity"), where + QStringLiteral(".identity"));
    const QString role = text(member(entry, "role"), where + QStringLiteral(".role"));
    if (role != QLatin1String("viewer") && role != QLatin1String("operator"))
        throw Invalid{QStringLiteral("%1.role: must be \"viewer\" or \"operator\"").arg(where)};
    token.operatorRole = role == QLatin1String("operator");
    const QString hex = text(member(entry, "sha256"), where + QStringLiteral(".sha256"));
    token.sha256 = QByteArray::fromHex(hex.toLatin1());
    if (hex.size() != 64 || token.sha256.size() != 32 || token.sha256.toHex() != hex.toLower().toLatin1())
        throw Invalid{QStringLiteral("%1.sha256: must be 64 hex digits (sha256sum of the token)").arg(where)};
    return token;
}

// `metricsToken`: {"sha256": hex} of a token that may read /metrics and nothing else (a Prometheus scraper's).
void parseMetricsToken(const json &entry, Config &config)
{
    if (!entry.is_object())
        throw Invalid{QStringLiteral("metricsToken: must be an object {\"sha256\": \"...\"}")};
    json token = entry;
    token["identity"] = "metrics scraper";
    token["role"] = "viewer";
    Token parsed = parseToken(token, QStringLiteral("metricsToken"));
    parsed.metricsOnly = true;
    config.tokens.append(parsed);
}

void parseTokens(const json &tokens, Config &config)
{
    if (!tokens.is_array() || tokens.empty())
        throw Invalid{QStringLiteral("tokens: required, a non-empty array of {\"identity\", \"role\", \"sha256\"}")};
    for (size_t i = 0; i < tokens.size(); ++i)
        config.tokens.append(parseToken(tokens[i], QStringLiteral("tokens[%1]").arg(i)));
}

void parseActions(const json &actions, Config &config)
{
    QString error;
    const auto catalog = ActionCatalog::parse(actions.dump(), &error, QStringLiteral("actions"));
    if (!catalog)
        throw Invalid{error};
    config.actions = *catalog;
}

// The oplog restarts are written to: required when there are actions, and one of the oplogs.
void parseRunnerOplog(const json &runner, Config &config)
{
    if (!runner.is_null()) {
        const QString id = text(runner, QStringLiteral("runnerOplog"));
        for (int i = 0; i < config.oplogs.size(); ++i)
            if (config.oplogs[i].id == id)
                config.runnerOplog = i;
        if (config.runnerOplog < 0)
            throw Invalid{QStringLiteral("runnerOplog: \"%1\" is not the id of one of the oplogs").arg(id)};
    } else if (!config.actions.actions().isEmpty()) {
        throw Invalid{QStringLiteral("runnerOplog: required when there are actions: the id of the oplog restarts are written to")};
    }
}

// By default beside the runner's oplog, or else the first one.
void parseAuditLog(const json &audit, const QString &baseDir, Config &config)
{
    if (!audit.is_null())
        config.auditLog = absolutePath(baseDir, text(audit, QStringLiteral("auditLog")));
    else
        config.auditLog = QFileInfo(config.runnerOplog >= 0 ? config.runnerOplogPath() : config.oplogs.first().path)
                              .dir().absoluteFilePath(QStringLiteral("oplens-audit.jsonl"));
}

// A JSON integer within [minimum, maximum] (0 <= minimum).
qint64 wholeNumber(const json &value, const QString &key, qint64 minimum, qint64 maximum, const QString &expected)
{
    if (!value.is_number_unsigned() || value.get<uint64_t>() < uint64_t(minimum) || value.get<uint64_t>() > uint64_t(maximum))
        throw Invalid{QStringLiteral("%1: must be %2").arg(key, expected)};
    return qint64(value.get<uint64_t>());
}

// The service's name, and the command that tells when it started (run without a shell).
void parseService(const json &service, Config &config)
{
    if (!service.is_object())
        throw Invalid{QStringLiteral("service: must be an object with name and startedAtCommand")};
    config.serviceName = text(member(service, "name"), QStringLiteral("service.name"));
    const json &command = member(service, "startedAtCommand");
    if (command.is_null())
        return;
    if (!command.is_array() || command.empty())
        throw Invalid{QStringLiteral("service.startedAtCommand: must be a non-empty array of strings (no shell)")};
    for (size_t i = 0; i < command.size(); ++i)
        config.startedAtCommand << text(command[i], QStringLiteral("service.startedAtCommand[%1]").arg(i));
    if (!config.startedAtCommand.first().startsWith(QLatin1Char('/')))
        throw Invalid{QStringLiteral("service.startedAtCommand[0]: must be an absolute path")};
}

// IP addresses, one per proxy (no names: they would be looked up on every request; no ranges).
void parseTrustedProxies(const json &proxies, Config &config)
{
    if (!proxies.is_array())
        throw Invalid{QStringLiteral("trustedProxies: must be an array of IP addresses, such as [\"127.0.0.1\"]")};
    for (size_t i = 0; i < proxies.size(); ++i) {
        const QString where = QStringLiteral("trustedProxies[%1]").arg(i);
        QHostAddress address;
        if (!address.setAddress(text(proxies[i], where)))
            throw Invalid{QStringLiteral("%1: not an IP address").arg(where)};
        bool v4 = false;
        const quint32 mapped = address.toIPv4Address(&v4); // ::ffff:127.0.0.1 is the peer 127.0.0.1
        config.trustedProxies.append(v4 ? QHostAddress(mapped) : address);
    }
}

// Tokens travel in clear without TLS: only on loopback.
void requireTlsOffLoopback(const Config &config)
{
    const bool loopback = config.address.isLoopback();
    if (!loopback && !config.tls())
        throw Invalid{QStringLiteral("listen: %1 is not a loopback address: add \"tls\" (or put nginx in front and listen on 127.0.0.1)")
                          .arg(config.address.toString())};
}

// The sections in the order their errors are reported.
Config parse(const json &root, const QString &baseDir)
{
    if (!root.is_object())
        throw Invalid{QStringLiteral("the configuration must be a JSON object")};
    rejectUnknownKeys(root);
    Config config;
    if (const json &listen = member(root, "listen"); !listen.is_null())
        parseListen(text(listen, QStringLiteral("listen")), config);
    if (const json &tls = member(root, "tls"); !tls.is_null())
        parseTls(tls, baseDir, config);
    parseOplogs(member(root, "oplogs"), baseDir, config);
    parseTokens(member(root, "tokens"), config);
    if (const json &actions = member(root, "actions"); !actions.is_null())
        parseActions(actions, config);
    parseRunnerOplog(member(root, "runnerOplog"), config);
    parseAuditLog(member(root, "auditLog"), baseDir, config);
    config.acknowledgements = QFileInfo(config.auditLog).dir().filePath(QStringLiteral("acknowledgements.jsonl"));
    if (const json &acks = member(root, "acknowledgements"); !acks.is_null())
        config.acknowledgements = absolutePath(baseDir, text(acks, QStringLiteral("acknowledgements")));
    if (const json &metrics = member(root, "metricsToken"); !metrics.is_null())
        parseMetricsToken(metrics, config);
    if (const json &cap = member(root, "auditMaxBytes"); !cap.is_null()) {
        config.auditMaxBytes = wholeNumber(cap, QStringLiteral("auditMaxBytes"), 0, qint64(1) << 50,
                                           QStringLiteral("0 (no cap) or a number of bytes from 4096"));
        if (config.auditMaxBytes > 0 && config.auditMaxBytes < 4096)
            throw Invalid{QStringLiteral("auditMaxBytes: must be 0 (no cap) or a number of bytes from 4096")};
    }
    if (const json &idle = member(root, "idleTimeoutSeconds"); !idle.is_null())
        config.idleTimeoutSeconds = int(wholeNumber(idle, QStringLiteral("idleTimeoutSeconds"), 1, 3600,
                                                    QStringLiteral("a number of seconds from 1 to 3600")));
    if (const json &margin = member(root, "minFreeBytes"); !margin.is_null())
        config.minFreeBytes = wholeNumber(margin, QStringLiteral("minFreeBytes"), 0, qint64(1) << 50,
                                          QStringLiteral("0 (no check) or a number of bytes"));
    if (const json &service = member(root, "service"); !service.is_null())
        parseService(service, config);
    if (const json &runAsRoot = member(root, "runAsRoot"); !runAsRoot.is_null()) {
        if (!runAsRoot.is_boolean())
            throw Invalid{QStringLiteral("runAsRoot: must be true or false")};
        config.runAsRoot = runAsRoot.get<bool>();
    }
    if (const json &proxies = member(root, "trustedProxies"); !proxies.is_null())
        parseTrustedProxies(proxies, config);
    if (const json &alerts = member(root, "alerts"); !alerts.is_null())
        if (const QString bad = parseAlertsConfig(alerts, baseDir, &config.alerts); !bad.isEmpty())
            throw Invalid{bad};
    requireTlsOffLoopback(config);
    return config;
}

} // namespace

std::optional<Config> loadConfig(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const json root = json::parse(file.readAll().toStdString(), nullptr, false);
    if (root.is_discarded()) {
        *error = QStringLiteral("%1: not valid JSON").arg(path);
        return std::nullopt;
    }
    try {
        return parse(root, QFileInfo(path).absolutePath());
    } catch (const Invalid &invalid) {
        *error = QStringLiteral("%1: %2").arg(path, invalid.message);
        return std::nullopt;
    }
}

} // namespace oplens::agent
