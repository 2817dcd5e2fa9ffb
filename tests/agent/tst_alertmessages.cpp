// The alert texts alone (app/agent/alertmessages.cpp): headers that oplog content cannot break, RFC 2047 subjects,
// RFC 2822 dates, subjects by kind, the restart command, Slack escaping. A unit test: it runs under the sanitizers.
#include "alertmessages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace oplens::agent;

namespace {

AlertItem item(const QString &kind, const QString &module = u"ZxBackup"_s)
{
    return AlertItem{{u"log"_s, u"main"_s}, {u"operationId"_s, u"aaaa"_s}, {u"kind"_s, kind}, {u"module"_s, module},
                     {u"name"_s, u"SmartScan"_s}, {u"status"_s, u"Interrupted"_s}, {u"startedAt"_s, qint64(1796100000000)},
                     {u"evidence"_s, u"service restarted"_s}, {u"parameters"_s, QJsonObject{{u"p"_s, u"<x&y>"_s}}},
                     {u"detectedAt"_s, qint64(1796100000000)}};
}

const MessageContext kContext{u"mail1.example.com"_s, u"agent+https://mail1.example.com:8470"_s};

} // namespace

class TestAlertMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerValuesCannotInjectHeaders()
    {
        QCOMPARE(headerValue(u"a\r\nBcc: evil@example.com"_s), QByteArray("a  Bcc: evil@example.com"));
        const QByteArray encoded = headerValue(u"Sauvegarde interrompue à Zürich — "_s + QString(40, u'é'));
        QVERIFY(encoded.startsWith("=?UTF-8?B?"));
        QString decoded;
        for (const QByteArray &word : encoded.split('\n')) {
            const QByteArray w = word.trimmed();
            QVERIFY2(w.size() <= 75 && w.startsWith("=?UTF-8?B?") && w.endsWith("?="), w.constData());
            decoded += QString::fromUtf8(QByteArray::fromBase64(w.mid(10, w.size() - 12)));
        }
        QCOMPARE(decoded, u"Sauvegarde interrompue à Zürich — "_s + QString(40, u'é'));
    }

    void subjectsSayWhatHappened()
    {
        QCOMPARE(alertSubject(u"h"_s, {item(u"interrupted"_s)}), u"[OpLens] h: 1 operation interrupted"_s);
        QCOMPARE(alertSubject(u"h"_s, {item(u"interrupted"_s), item(u"interrupted"_s)}), u"[OpLens] h: 2 operations interrupted"_s);
        QCOMPARE(alertSubject(u"h"_s, {item(u"stale"_s)}), u"[OpLens] h: 1 operation stale"_s);
        QCOMPARE(alertSubject(u"h"_s, {item(u"failed"_s)}), u"[OpLens] h: 1 restart failed"_s);
        QCOMPARE(alertSubject(u"h"_s, {item(u"failed"_s), item(u"stale"_s), item(u"interrupted"_s)}),
                 u"[OpLens] h: 3 operations need attention"_s);
    }

    void emailHasItsHeadersOnceAndOplogTextOnlyInTheBody()
    {
        const EmailChannel email{{u"/usr/sbin/sendmail"_s}, u"oplensd@mail1.example.com"_s, {u"a@example.com"_s}};
        const AlertBatch batch{u"b-1"_s, 1796100000000, {}};
        const QByteArray message = emailMessage(email, batch, {item(u"interrupted"_s, u"Zx\nBcc: evil@example.com"_s)}, kContext);
        const QByteArray head = message.left(message.indexOf("\n\n"));
        QVERIFY(!head.contains("Bcc"));
        QVERIFY(head.contains("\nDate: " + rfc2822Date(batch.createdAt) + "\n"));
        QVERIFY(head.contains("\nMessage-ID: <oplens-b-1@mail1.example.com>\n"));
        QCOMPARE(rfc2822Date(0), QByteArray("Thu, 01 Jan 1970 00:00:00 +0000"));
        QVERIFY(message.contains("Zx Bcc: evil@example.com SmartScan: interrupted")); // one line in the body
        QVERIFY(message.contains("oplensctl restart aaaa --reason \"WHY\" agent+https://mail1.example.com:8470#main --token-file TOKEN_FILE"));
        // The same batch makes the same message: a retry keeps its Message-ID and text.
        QCOMPARE(emailMessage(email, batch, {item(u"interrupted"_s, u"Zx\nBcc: evil@example.com"_s)}, kContext), message);
    }

    void slackTextIsEscaped()
    {
        AlertItem evil = item(u"interrupted"_s, u"<!channel>"_s);
        const QByteArray body = webhookBody(WebhookFormat::Slack, {u"b"_s, 0, {}}, {evil}, kContext);
        const QString text = QJsonDocument::fromJson(body).object().value(u"text"_s).toString();
        QVERIFY2(!text.contains(u"<!channel>"_s) && text.contains(u"&lt;!channel&gt;"_s), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestAlertMessages)
#include "tst_alertmessages.moc"
