// Why a request to a remote source failed, in words an admin can act on: DNS, refused, TLS with the certificate,
// redirects, 401/403/404/429 with what to do, the agent's own error text. One describer for the agent client, the
// remote source and the Connect dialog's Test.
#pragma once

#include "remotespec.h"

class QNetworkReply;

namespace oplens {

// One line; empty when the reply succeeded (2xx, 304, or 416 to a range request: those are answers, not failures).
// Cuts `reply` off once more than `limitBytes` of its answer came (a peer's answer is never held whole in memory
// without a bound); describeNetworkFailure() then says so.
void limitAnswerSize(QNetworkReply *reply, qint64 limitBytes);
// Whether `reply` went over that limit (cut off, or whole but larger).
bool answerTooLarge(QNetworkReply *reply);
QString describeNetworkFailure(QNetworkReply *reply, const RemoteSpec &spec);

} // namespace oplens
