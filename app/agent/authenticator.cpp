#include "authenticator.h"

#include <QCryptographicHash>

namespace oplens::agent {

namespace {

// Constant-time comparison: how long it takes tells nothing about how much of a hash matched.
bool sameHash(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

constexpr qsizetype kTablesBeforeCleaning = 4096;

} // namespace

Authenticator::Authenticator(QList<Token> tokens) : m_tokens(std::move(tokens)) {}

// RFC 7235: `Bearer` (any case), one or more spaces, the token.
std::optional<Caller> Authenticator::match(const QByteArray &authorization) const
{
    const QByteArray header = authorization.trimmed();
    const qsizetype space = header.indexOf(' ');
    if (space < 0 || header.left(space).compare("Bearer", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    const QByteArray token = header.mid(space + 1).trimmed();
    if (token.isEmpty())
        return std::nullopt;
    const QByteArray hash = QCryptographicHash::hash(token, QCryptographicHash::Sha256);
    std::optional<Caller> caller;
    for (const Token &known : m_tokens) // every token is compared, matched or not
        if (sameHash(hash, known.sha256) && !caller)
            caller = Caller{known.identity, known.operatorRole, known.metricsOnly};
    return caller;
}

Authentication Authenticator::authenticate(const QString &remote, const QByteArray &authorization, qint64 nowMs)
{
    if (auto caller = match(authorization))
        return {std::move(caller), 0, {}};
    std::lock_guard lock(m_mutex);
    if (m_blockedUntil.value(remote) > nowMs)
        return {std::nullopt, 429, QStringLiteral("too many failed attempts: try again in a minute")};
    // Cleaned at most once a second: a crowd of recent addresses must not make every failure scan them all.
    if ((m_failures.size() > kTablesBeforeCleaning || m_blockedUntil.size() > kTablesBeforeCleaning)
        && nowMs - m_lastCleaned >= 1000) {
        m_lastCleaned = nowMs;
        forgetOld(nowMs);
    }
    auto &failures = m_failures[remote];
    failures.push_back(nowMs);
    while (!failures.empty() && failures.front() < nowMs - kWindowMs)
        failures.pop_front();
    if (int(failures.size()) >= kMaxFailures) {
        m_blockedUntil[remote] = nowMs + kWindowMs;
        m_failures.remove(remote);
    }
    return {std::nullopt, 401,
            authorization.isEmpty() ? QStringLiteral("no token: send Authorization: Bearer TOKEN") : QStringLiteral("unknown token")};
}

void Authenticator::forgetOld(qint64 nowMs)
{
    for (auto it = m_failures.begin(); it != m_failures.end();)
        it = it->empty() || it->back() < nowMs - kWindowMs ? m_failures.erase(it) : std::next(it);
    for (auto it = m_blockedUntil.begin(); it != m_blockedUntil.end();)
        it = it.value() <= nowMs ? m_blockedUntil.erase(it) : std::next(it);
}

} // namespace oplens::agent
