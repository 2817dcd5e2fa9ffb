// The alert tests' helpers (header only, tests/agent/tst_alerts.cpp): oplog lines, calls to the agent, what it left in
// its audit and state file, the messages mail_stub received, the alerts config of a test, and the first test's checks.
#pragma once

#include <QDir>
#include <QEventLoop>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>
#include <QTimer>

#include "testoplog.h"
#include "testservers.h"
#include "webhookreceiver.h"

namespace alerttesting {

using namespace Qt::StringLiterals;
using testfiles::readAll;
using testoplog::Event;
using testservers::Agent;
using testservers::kOperatorToken;
using testservers::ReceivedRequest;

inline const QString kMailStub = QStringLiteral(MAIL_STUB);
inline const QString kStub = QStringLiteral(RECORDING_STUB);
inline const QString kA = u"aaaaaaaa-1111-4111-8111-111111111111"_s;
inline const QString kB = u"bbbbbbbb-2222-4222-8222-222222222222"_s;
inline const QString kOld = u"0ld00000-3333-4333-8333-333333333333"_s; // interrupted before the agent's first start
inline const QByteArray kHookToken = "hook-9e1d-do-not-log-me";
inline const QString kSlackSecret = u"/hooks/T0SECRET/B0SECRET"_s;

inline qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

inline QByteArray started(const QString &id, qint64 at, const QString &module = u"ZxBackup"_s, const QString &name = u"SmartScan"_s)
{
    return Event(id, u"Started", at).module(module).name(name)
        .parameters({{u"origin"_s, u"Cron"_s}, {u"dataPath"_s, u"/backup/"_s + id.left(4)}})
        .set(u"host", u"mail1.example.com"_s).line();
}

inline QByteArray interrupted(const QString &id, qint64 at)
{
    return Event(id, u"Interrupted", at).set(u"error", u"killed by the OOM killer"_s).line();
}

inline QByteArray serviceStarted(qint64 at) { return Event(QString(), u"ServiceStarted", at).module(u"mailboxd").name(u"ServiceStarted").line(); }

struct Answer {
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

inline Answer call(const QByteArray &method, const QString &url, const QByteArray &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setRawHeader("Authorization", "Bearer " + kOperatorToken);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    delete reply;
    return answer;
}

inline QJsonObject alertStatus(const Agent &agent) { return call("GET", agent.url() + u"/v1/status"_s).json().value(u"alerts"_s).toObject(); }

inline QJsonObject stateOf(const Agent &agent) { return QJsonDocument::fromJson(readAll(agent.audit + u".alerts.json"_s)).object(); }

// The state file holds `id` among the operations already alerted (or recorded at the first start).
inline bool known(const Agent &agent, const QString &id) { return readAll(agent.audit + u".alerts.json"_s).contains(id.toUtf8()); }

inline QList<QJsonObject> auditAlerts(const Agent &agent)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : readAll(agent.audit).split('\n'))
        if (const QJsonObject o = QJsonDocument::fromJson(line).object(); o.contains(u"alert"_s))
            lines << o;
    return lines;
}

inline QStringList mails(const QString &dir)
{
    QStringList texts;
    for (const QString &name : QDir(dir).entryList({u"*.eml"_s}, QDir::Files, QDir::Name))
        texts << QString::fromUtf8(readAll(dir + u'/' + name));
    return texts;
}

inline QString header(const QString &mail, const QString &name)
{
    const QRegularExpression line(u"^"_s + name + u": (.*)$"_s, QRegularExpression::MultilineOption);
    return line.match(mail.left(mail.indexOf(u"\n\n"_s))).captured(1);
}

inline QJsonArray alertsOf(const ReceivedRequest &request) { return QJsonDocument::fromJson(request.body).object().value(u"alerts"_s).toArray(); }

inline QJsonObject emailChannel(const QString &mailDir, const QStringList &extra = {})
{
    return {{u"sendmail"_s, QJsonArray::fromStringList(QStringList{kMailStub, u"--dir"_s, mailDir} + extra + QStringList{u"-t"_s, u"-i"_s})},
            {u"from"_s, u"oplensd@mail1.example.com"_s},
            {u"to"_s, QJsonArray{u"admins@example.com"_s, u"oncall@example.com"_s}}};
}

inline QJsonObject hook(const QString &url, const QString &format) { return {{u"url"_s, url}, {u"format"_s, format}}; }


// ---- the checks of tst_alerts' first test (QTest macros: the caller looks at QTest::currentTestFailed()) ----

// The e-mail of interruptionReachesEveryChannel: its headers, and the fields an admin acts on.
inline void checkInterruptionMail(const QString &mail, quint16 agentPort)
{
    const QString host = QHostInfo::localHostName();
    QCOMPARE(header(mail, u"From"_s), u"oplensd@mail1.example.com"_s);
    QCOMPARE(header(mail, u"To"_s), u"admins@example.com, oncall@example.com"_s);
    QCOMPARE(header(mail, u"Subject"_s), u"[OpLens] %1: 1 operation interrupted"_s.arg(host));
    QVERIFY(QRegularExpression(u"^[A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000$"_s).match(header(mail, u"Date"_s)).hasMatch());
    QVERIFY(QRegularExpression(u"^<oplens-[0-9a-f-]+@mail1\\.example\\.com>$"_s).match(header(mail, u"Message-ID"_s)).hasMatch());
    QCOMPARE(header(mail, u"Auto-Submitted"_s), u"auto-generated"_s);
    QCOMPARE(header(mail, u"MIME-Version"_s), u"1.0"_s);
    QCOMPARE(header(mail, u"Content-Type"_s), u"text/plain; charset=utf-8"_s);
    QCOMPARE(header(mail, u"Content-Transfer-Encoding"_s), u"8bit"_s);
    for (const QString &expected : {kA, u"ZxBackup SmartScan"_s, u"\"dataPath\":\"/backup/aaaa\""_s, u"service restarted at"_s,
                                    u"log:        main"_s, u"status:     Interrupted"_s, u"started:"_s,
                                    u"Check why the service went down before restarting"_s,
                                    u"oplensctl restart %1 --reason \"WHY\" agent+http://127.0.0.1:%2#main --token-file TOKEN_FILE"_s.arg(kA).arg(agentPort)})
        QVERIFY2(mail.contains(expected), qPrintable(expected + u" not in:\n"_s + mail));
    QVERIFY(!mail.contains(kOld));
}

// The json post: the bearer token and every field of the operation.
inline void checkJsonPost(const ReceivedRequest &post, qint64 startedAt)
{
    const QString host = QHostInfo::localHostName();
    QCOMPARE(post.method, QByteArray("POST"));
    QCOMPARE(post.path, QByteArray("/oplens"));
    QCOMPARE(post.headers.value("authorization"), "Bearer " + kHookToken);
    QCOMPARE(post.headers.value("content-type"), QByteArray("application/json"));
    const QJsonObject document = QJsonDocument::fromJson(post.body).object();
    QCOMPARE(document.value(u"host"_s).toString(), host);
    QVERIFY(!document.value(u"batch"_s).toString().isEmpty());
    QCOMPARE(alertsOf(post).size(), 1);
    const QJsonObject alert = alertsOf(post).first().toObject();
    QCOMPARE(alert.value(u"log"_s).toString(), u"main"_s);
    QCOMPARE(alert.value(u"operationId"_s).toString(), kA);
    QCOMPARE(alert.value(u"module"_s).toString(), u"ZxBackup"_s);
    QCOMPARE(alert.value(u"name"_s).toString(), u"SmartScan"_s);
    QCOMPARE(alert.value(u"kind"_s).toString(), u"interrupted"_s);
    QCOMPARE(alert.value(u"status"_s).toString(), u"Interrupted"_s);
    QCOMPARE(alert.value(u"startedAt"_s).toInteger(), startedAt);
    QCOMPARE(alert.value(u"host"_s).toString(), u"mail1.example.com"_s);
    QVERIFY(alert.value(u"evidence"_s).toString().startsWith(u"service restarted at"_s));
    QCOMPARE(alert.value(u"parameters"_s).toObject().value(u"dataPath"_s).toString(), u"/backup/aaaa"_s);
}

// The Slack text and the Alertmanager alert.
inline void checkSlackAndAlertmanager(const ReceivedRequest &slackPost, const ReceivedRequest &amPost)
{
    QVERIFY(!slackPost.headers.contains("authorization"));
    const QString text = QJsonDocument::fromJson(slackPost.body).object().value(u"text"_s).toString();
    QVERIFY2(text.contains(u"1 operation interrupted"_s) && text.contains(kA) && text.contains(u"Check why the service went down"_s), qPrintable(text));

    const QJsonArray am = QJsonDocument::fromJson(amPost.body).array();
    QCOMPARE(am.size(), 1);
    const QJsonObject labels = am.first().toObject().value(u"labels"_s).toObject();
    QCOMPARE(labels.value(u"alertname"_s).toString(), u"OplensOperationInterrupted"_s);
    QCOMPARE(labels.value(u"host"_s).toString(), u"mail1.example.com"_s);
    QCOMPARE(labels.value(u"module"_s).toString(), u"ZxBackup"_s);
    QCOMPARE(labels.value(u"name"_s).toString(), u"SmartScan"_s);
    QCOMPARE(labels.value(u"operationId"_s).toString(), kA);
    QCOMPARE(labels.value(u"status"_s).toString(), u"Interrupted"_s);
    QCOMPARE(labels.value(u"log"_s).toString(), u"main"_s);
    QVERIFY(!am.first().toObject().value(u"annotations"_s).toObject().value(u"summary"_s).toString().isEmpty());
    QVERIFY(QDateTime::fromString(am.first().toObject().value(u"startsAt"_s).toString(), Qt::ISODateWithMs).isValid());
}

// The audit (one line per channel, no secret), /v1/status and /metrics after one batch delivered everywhere.
inline void checkRecords(const Agent &agent, quint16 slackPort)
{
    // The audit: one line per channel, sent; the webhook named without its path, the token nowhere.
    const QByteArray audit = readAll(agent.audit);
    QVERIFY(!audit.contains("T0SECRET") && !audit.contains(kHookToken));
    QStringList channels;
    for (const QJsonObject &line : auditAlerts(agent)) {
        QCOMPARE(line.value(u"result"_s).toString(), u"sent"_s);
        QCOMPARE(line.value(u"count"_s).toInt(), 1);
        channels << line.value(u"alert"_s).toString();
    }
    channels.sort();
    QCOMPARE(channels, (QStringList{u"alertmanager"_s, u"email"_s, u"json"_s, u"slack"_s}));
    const QJsonObject status = alertStatus(agent);
    QCOMPARE(status.value(u"configured"_s).toBool(), true);
    QVERIFY(status.value(u"channels"_s).toArray().contains(u"slack http://127.0.0.1:%1"_s.arg(slackPort)));
    QCOMPARE(status.value(u"pending"_s).toInt(), 0);
    QCOMPARE(status.value(u"lastDelivery"_s).toObject().value(u"ok"_s).toBool(), true);
    QVERIFY(!QJsonDocument(status).toJson().contains("T0SECRET"));
    const Answer metrics = call("GET", agent.url() + u"/metrics"_s);
    QVERIFY2(metrics.body.contains("oplens_alerts_total{channel=\"slack\",result=\"sent\"} 1"), metrics.body.constData());
}

} // namespace alerttesting
