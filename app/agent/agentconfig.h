// oplensd's configuration (docs/agent.md section 1), validated at start with one clear line naming the bad key.
#pragma once

#include "actioncatalog.h"
#include "alertconfig.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace oplens::agent {

struct Token {
    QString identity;
    bool operatorRole = false; // viewer otherwise
    bool metricsOnly = false;  // the metricsToken: GET /metrics and nothing else
    QByteArray sha256;         // raw 32 bytes
};

struct OplogConfig {
    QString id, path;
};

struct Config {
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8470;
    QString certificate, key; // TLS when both are set
    QList<OplogConfig> oplogs;
    int runnerOplog = -1;     // index into oplogs; -1 when there are no actions
    QString auditLog;
    QString acknowledgements; // the shared acknowledgements' file (docs/agent.md section 9); default: beside auditLog
    qint64 auditMaxBytes = 64 << 20; // the audit log is renamed to auditLog.1 before it would pass this; 0: no cap
    int idleTimeoutSeconds = 30;     // a connection idle this long is closed
    qint64 minFreeBytes = 1 << 20;   // restarts are refused (503) with less free on the runner oplog's filesystem
    QString serviceName;
    QStringList startedAtCommand;
    QList<Token> tokens;
    ActionCatalog actions;
    bool runAsRoot = false;
    // Reverse proxies whose X-Forwarded-For names the client (docs/agent.md section 1); IPv4-mapped ones as IPv4.
    QList<QHostAddress> trustedProxies;
    AlertsConfig alerts; // docs/agent.md section 7; not configured(): no alerts

    bool tls() const { return !certificate.isEmpty(); }
    QString runnerOplogPath() const { return runnerOplog >= 0 ? oplogs[runnerOplog].path : QString(); }
};

// Reads and checks FILE; on failure `error` names the key ("tokens[0].sha256: must be 64 hex digits").
std::optional<Config> loadConfig(const QString &path, QString *error);

} // namespace oplens::agent
