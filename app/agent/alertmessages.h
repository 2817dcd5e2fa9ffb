// The texts of the agent's alerts (docs/agent.md section 7): the e-mail (RFC 5322 headers, plain text UTF-8) and the
// three webhook bodies (the agent's JSON, Slack-compatible {"text"}, Alertmanager's v2 alerts array). Pure functions
// of a batch: a retried message is the same message. Oplog content never reaches a header unchecked (no CR, LF or
// other control characters; a non-ASCII subject is RFC 2047-encoded).
#pragma once

#include "alertconfig.h"
#include "alertstate.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace oplens::agent {

struct MessageContext {
    QString host;        // the agent's host name, in every subject and text
    QString agentSource; // the restart command's source without its #LOG: agent+https://mail1.example.com:8470
};

// "[OpLens] mail1.example.com: 2 operations interrupted", "… 1 operation stale", "… 1 restart failed", and when kinds
// are mixed "… 3 operations need attention".
QString alertSubject(const QString &host, const QList<AlertItem> &items);

// The whole message for `sendmail -t -i` (LF line ends): headers, a blank line, the body.
QByteArray emailMessage(const EmailChannel &email, const AlertBatch &batch, const QList<AlertItem> &items,
                        const MessageContext &context);

// The POST body for a webhook of `format`.
QByteArray webhookBody(WebhookFormat format, const AlertBatch &batch, const QList<AlertItem> &items,
                       const MessageContext &context);

// An RFC 2822 date: "Tue, 01 Dec 2026 06:30:00 +0000".
QByteArray rfc2822Date(qint64 epochMs);
// A header value: control characters (CR, LF, ...) replaced by spaces; non-ASCII text as RFC 2047 encoded words.
QByteArray headerValue(const QString &text);

} // namespace oplens::agent
