// Bearer tokens and the lockout after failed attempts (docs/agent.md section 2). Used on the HTTP listener's thread
// (httpserver.h: the screen), before any body is read; its state is under its own mutex, its tokens never change.
#pragma once

#include "agentconfig.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <mutex>
#include <optional>

namespace oplens::agent {

struct Caller {
    QString identity;
    bool operatorRole = false;
    bool metricsOnly = false; // the metricsToken (agentconfig.h)
};

struct Authentication {
    std::optional<Caller> caller; // set: the token is valid
    int status = 0;               // otherwise 401 or 429
    QString error;                // and why, one line
};

class Authenticator
{
public:
    static constexpr int kMaxFailures = 10;        // failed attempts from one address ...
    static constexpr qint64 kWindowMs = 60 * 1000; // ... within this window lock it out for as long

    explicit Authenticator(QList<Token> tokens);

    // `authorization` is the Authorization header as sent. A valid token is always accepted, locked out or not: the
    // lockout slows guessing (429 to anything else from that address), it never refuses a known token. Every other
    // request counts as a failed attempt (whatever its path). Thread-safe.
    Authentication authenticate(const QString &remote, const QByteArray &authorization, qint64 nowMs);

private:
    std::optional<Caller> match(const QByteArray &authorization) const;
    void forgetOld(qint64 nowMs); // keeps the tables small when many addresses fail

    const QList<Token> m_tokens;
    std::mutex m_mutex;
    QHash<QString, std::deque<qint64>> m_failures; // address -> times of its recent failed attempts
    QHash<QString, qint64> m_blockedUntil;
    qint64 m_lastCleaned = 0;
};

} // namespace oplens::agent
