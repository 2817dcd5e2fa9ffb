#include "alertconfig.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>
#include <nlohmann/json.hpp>

namespace oplens::agent {

namespace {

using json = nlohmann::json;

struct Invalid {
    QString message;
};

const json &member(const json &object, const char *key)
{
    static const json null;
    const auto it = object.find(key);
    return it == object.end() ? null : *it;
}

void rejectUnknownKeys(const json &object, const QString &where, const QStringList &known)
{
    for (const auto &[key, value] : object.items())
        if (!known.contains(QString::fromStdString(key)))
            throw Invalid{QStringLiteral("%1.%2: unknown key").arg(where, QString::fromStdString(key))};
}

// A one-line string: no control characters (they would end a mail header or a log line).
QString oneLine(const json &value, const QString &key)
{
    if (!value.is_string() || value.get<std::string>().empty())
        throw Invalid{QStringLiteral("%1: must be a non-empty string").arg(key)};
    const QString text = QString::fromStdString(value.get<std::string>());
    for (const QChar c : text)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            throw Invalid{QStringLiteral("%1: must not hold control characters").arg(key)};
    return text;
}

int seconds(const json &value, const QString &key, int minimum, int maximum, int otherwise)
{
    if (value.is_null())
        return otherwise;
    if (!value.is_number_unsigned() || value.get<uint64_t>() < uint64_t(minimum) || value.get<uint64_t>() > uint64_t(maximum))
        throw Invalid{QStringLiteral("%1: must be a number of seconds from %2 to %3").arg(key).arg(minimum).arg(maximum)};
    return int(value.get<uint64_t>());
}

EmailChannel parseEmail(const json &email)
{
    const QString where = QStringLiteral("alerts.email");
    if (!email.is_object())
        throw Invalid{where + QStringLiteral(": must be an object with sendmail, from and to")};
    rejectUnknownKeys(email, where, {QStringLiteral("sendmail"), QStringLiteral("from"), QStringLiteral("to")});
    EmailChannel channel;
    const json &argv = member(email, "sendmail");
    if (!argv.is_array() || argv.empty())
        throw Invalid{where + QStringLiteral(".sendmail: must be a non-empty array of strings (an argv, no shell), such as [\"/usr/sbin/sendmail\", \"-t\", \"-i\"]")};
    for (size_t i = 0; i < argv.size(); ++i)
        channel.sendmail << oneLine(argv[i], QStringLiteral("%1.sendmail[%2]").arg(where).arg(i));
    if (!channel.sendmail.first().startsWith(QLatin1Char('/')))
        throw Invalid{where + QStringLiteral(".sendmail[0]: must be an absolute path")};
    channel.from = oneLine(member(email, "from"), where + QStringLiteral(".from"));
    if (!channel.from.contains(QLatin1Char('@')))
        throw Invalid{where + QStringLiteral(".from: must be an e-mail address")};
    const json &to = member(email, "to");
    if (!to.is_array() || to.empty())
        throw Invalid{where + QStringLiteral(".to: must be a non-empty array of e-mail addresses")};
    for (size_t i = 0; i < to.size(); ++i) {
        const QString key = QStringLiteral("%1.to[%2]").arg(where).arg(i);
        channel.to << oneLine(to[i], key);
        if (!channel.to.last().contains(QLatin1Char('@')) || channel.to.last().contains(QLatin1Char(',')))
            throw Invalid{key + QStringLiteral(": must be one e-mail address")};
    }
    return channel;
}

bool isLoopbackHost(const QString &host)
{
    QHostAddress address;
    return host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0
        || (address.setAddress(host) && address.isLoopback());
}

// https, or http to this machine only (a token or a URL's secret would travel in clear).
QUrl parseUrl(const json &value, const QString &key)
{
    const QUrl url(oneLine(value, key), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        throw Invalid{key + QStringLiteral(": must be an https:// URL")};
    if (scheme == QLatin1String("http") && !isLoopbackHost(url.host()))
        throw Invalid{key + QStringLiteral(": must be https (http only to a loopback address)")};
    if (!url.userInfo().isEmpty())
        throw Invalid{key + QStringLiteral(": must not hold a user or password (use bearerTokenFile)")};
    return url;
}

QByteArray readToken(const QString &path, const QString &key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Invalid{QStringLiteral("%1: cannot read %2: %3").arg(key, path, file.errorString())};
    const QByteArray token = file.read(8192).trimmed();
    if (token.isEmpty() || token.contains('\n') || token.contains('\r'))
        throw Invalid{QStringLiteral("%1: %2 must hold one token on one line").arg(key, path)};
    return token;
}

WebhookChannel parseWebhook(const json &hook, const QString &where, const QString &baseDir)
{
    if (!hook.is_object())
        throw Invalid{where + QStringLiteral(": must be an object with url and format")};
    rejectUnknownKeys(hook, where, {QStringLiteral("url"), QStringLiteral("format"), QStringLiteral("caFile"),
                                    QStringLiteral("bearerTokenFile")});
    WebhookChannel channel;
    channel.url = parseUrl(member(hook, "url"), where + QStringLiteral(".url"));
    const json &format = member(hook, "format");
    const QString name = format.is_string() ? QString::fromStdString(format.get<std::string>()) : QString();
    if (format.is_null() || name == QLatin1String("json"))
        channel.format = WebhookFormat::Json;
    else if (name == QLatin1String("slack"))
        channel.format = WebhookFormat::Slack;
    else if (name == QLatin1String("alertmanager"))
        channel.format = WebhookFormat::Alertmanager;
    else
        throw Invalid{where + QStringLiteral(".format: must be json, slack or alertmanager")};
    if (const json &ca = member(hook, "caFile"); !ca.is_null()) {
        channel.caFile = QDir(baseDir).absoluteFilePath(oneLine(ca, where + QStringLiteral(".caFile")));
        if (QSslCertificate::fromPath(channel.caFile, QSsl::Pem).isEmpty())
            throw Invalid{QStringLiteral("%1.caFile: %2 holds no PEM certificate").arg(where, channel.caFile)};
    }
    if (const json &token = member(hook, "bearerTokenFile"); !token.is_null()) {
        const QString key = where + QStringLiteral(".bearerTokenFile");
        channel.bearerToken = readToken(QDir(baseDir).absoluteFilePath(oneLine(token, key)), key);
    }
    return channel;
}

void parse(const json &alerts, const QString &baseDir, AlertsConfig &config)
{
    const QString where = QStringLiteral("alerts");
    if (!alerts.is_object())
        throw Invalid{where + QStringLiteral(": must be an object with email and/or webhooks")};
    rejectUnknownKeys(alerts, where, {QStringLiteral("batchSeconds"), QStringLiteral("retrySeconds"),
                                      QStringLiteral("timeoutSeconds"), QStringLiteral("email"), QStringLiteral("webhooks")});
    config.batchSeconds = seconds(member(alerts, "batchSeconds"), where + QStringLiteral(".batchSeconds"), 0, 3600, 60);
    config.retrySeconds = seconds(member(alerts, "retrySeconds"), where + QStringLiteral(".retrySeconds"), 1, 3600, 60);
    config.timeoutSeconds = seconds(member(alerts, "timeoutSeconds"), where + QStringLiteral(".timeoutSeconds"), 1, 300, 30);
    if (const json &email = member(alerts, "email"); !email.is_null())
        config.email = parseEmail(email);
    if (const json &hooks = member(alerts, "webhooks"); !hooks.is_null()) {
        if (!hooks.is_array())
            throw Invalid{where + QStringLiteral(".webhooks: must be an array of {\"url\", \"format\"}")};
        for (size_t i = 0; i < hooks.size(); ++i)
            config.webhooks << parseWebhook(hooks[i], QStringLiteral("%1.webhooks[%2]").arg(where).arg(i), baseDir);
    }
    if (!config.configured())
        throw Invalid{where + QStringLiteral(": needs email or at least one webhook")};
}

} // namespace

QString formatName(WebhookFormat format)
{
    switch (format) {
    case WebhookFormat::Slack: return QStringLiteral("slack");
    case WebhookFormat::Alertmanager: return QStringLiteral("alertmanager");
    case WebhookFormat::Json: break;
    }
    return QStringLiteral("json");
}

QString displayUrl(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)
        .toString(QUrl::FullyEncoded);
}

QString parseAlertsConfig(const nlohmann::json &alerts, const QString &baseDir, AlertsConfig *config)
{
    try {
        AlertsConfig parsed;
        parse(alerts, baseDir, parsed);
        *config = std::move(parsed);
        return {};
    } catch (const Invalid &invalid) {
        return invalid.message;
    }
}

} // namespace oplens::agent
