// The Connect dialog's Test button: one small request that says whether a remote source can be read, and if not,
// what went wrong in words an admin can act on (DNS, refused, TLS with the certificate, 401, not an oplog; over SSH,
// the host key, the keys offered, no such file).
#pragma once

#include "certificatetrust.h"
#include "remotespec.h"

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace oplens {

struct ProbeResult {
    bool ok = false;
    QString message;
    CertificateProblem certificate; // set when the certificate did not verify
};

// Calls `done` on `context`'s thread; nothing is called once `context` is gone.
void probeRemote(const RemoteSpec &spec, QNetworkAccessManager *network, QObject *context,
                 std::function<void(const ProbeResult &)> done);

} // namespace oplens
