// Whose request it is (docs/agent.md section 1, `trustedProxies`): the address the lockout, the audit log and alerts
// count by. Called by the listener's thread (httpserver.cpp) before anything else looks at a request.
#pragma once

#include "httpserver.h"

#include <QHostAddress>
#include <QList>
#include <QString>

namespace oplens::agent {

// The TCP peer's address, unless the peer is one of `trustedProxies`: then the last entry of its X-Forwarded-For
// (the address the proxy saw; nginx-oplensd.conf sets the header to that alone), when that entry is an IP address.
// Otherwise, and from any other peer, the header is ignored. IPv4-mapped IPv6 addresses come out as plain IPv4.
QString clientAddress(const QString &peer, const HttpHeaders &headers, const QList<QHostAddress> &trustedProxies);

} // namespace oplens::agent
