#include "clientaddress.h"

#include <algorithm>

namespace oplens::agent {

namespace {

// "::ffff:10.0.0.7" and "10.0.0.7" are one client: written as the listener writes a peer.
QString plainText(const QHostAddress &address)
{
    bool v4 = false;
    const quint32 mapped = address.toIPv4Address(&v4);
    return v4 ? QHostAddress(mapped).toString() : address.toString();
}

} // namespace

QString clientAddress(const QString &peer, const HttpHeaders &headers, const QList<QHostAddress> &trustedProxies)
{
    if (trustedProxies.isEmpty())
        return peer;
    const QHostAddress from(peer);
    const bool trusted = std::any_of(trustedProxies.begin(), trustedProxies.end(), [&](const QHostAddress &proxy) {
        return proxy.isEqual(from, QHostAddress::TolerantConversion);
    });
    if (!trusted)
        return peer;
    // Several header lines are one list, in order: the last line's last entry is what the nearest proxy added.
    QByteArray forwarded;
    for (const auto &[name, value] : headers)
        if (name.compare("X-Forwarded-For", Qt::CaseInsensitive) == 0)
            forwarded = value;
    const QByteArray last = forwarded.mid(forwarded.lastIndexOf(',') + 1).trimmed();
    QHostAddress client;
    constexpr qsizetype kLongestAddress = 64; // an IPv6 address with a scope; anything longer is not an address
    if (last.isEmpty() || last.size() > kLongestAddress || !client.setAddress(QString::fromLatin1(last)))
        return peer; // no usable address: the proxy's, so a broken proxy's clients are counted together, not lost
    return plainText(client);
}

} // namespace oplens::agent
