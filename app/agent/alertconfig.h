// The `alerts` key of oplensd's config (docs/agent.md section 7): where alerts go, how they are batched and retried.
// Checked at start like the rest of the config: a bad value names its key.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <nlohmann/json_fwd.hpp>
#include <optional>

namespace oplens::agent {

struct EmailChannel {
    QStringList sendmail; // argv, [0] an absolute path; the message goes to its standard input
    QString from;
    QStringList to;
};

enum class WebhookFormat { Json, Slack, Alertmanager };

struct WebhookChannel {
    QUrl url; // https, or http to a loopback host; its path may be a secret (Slack's is)
    WebhookFormat format = WebhookFormat::Json;
    QString caFile;          // PEM certificates trusted besides the system's; empty: the system's only
    QByteArray bearerToken;  // read from bearerTokenFile at start; empty: no Authorization header
};

struct AlertsConfig {
    int batchSeconds = 60;   // alerts within this long of the first go in one message per channel
    int retrySeconds = 60;   // the first retry's delay; each next one doubles, up to an hour
    int timeoutSeconds = 30; // a delivery (sendmail, a webhook) is cut off after this long
    std::optional<EmailChannel> email;
    QList<WebhookChannel> webhooks;

    bool configured() const { return email.has_value() || !webhooks.isEmpty(); }
};

// "json", "slack", "alertmanager": the channel's name in metrics and in the state file.
QString formatName(WebhookFormat format);
// scheme://host[:port]: how a webhook is named in the audit, /v1/status and errors (its path may be its secret).
QString displayUrl(const QUrl &url);

// Reads `alerts` (relative paths from `baseDir`; the bearer token files are read now). Empty, or the error naming the
// key: "alerts.webhooks[1].format: must be json, slack or alertmanager".
QString parseAlertsConfig(const nlohmann::json &alerts, const QString &baseDir, AlertsConfig *config);

} // namespace oplens::agent
