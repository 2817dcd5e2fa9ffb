// The agent's alerts (docs/agent.md section 7) with real processes on loopback: oplensd started by the test, its
// `sendmail` the mail_stub program (each message it reads becomes a file), its webhooks receivers in this process
// (webhookreceiver.h). Oplogs are written by the test; an operation is interrupted by appending a line, as the service
// would. Nothing here waits for a fixed time: each step waits for what it expects (a message, an audit line, the state
// file), and "not sent again" is shown by the next message arriving alone.
#include <QDir>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include "alerttesting.h"

using namespace Qt::StringLiterals;
using namespace alerttesting;
using testfiles::appendFile;
using testfiles::readAll;
using testfiles::writeFile;
using testoplog::Event;
using testservers::Agent;
using testservers::kOperatorToken;
using testservers::ReceivedRequest;
using testservers::WebhookReceiver;



class TestAlerts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interruptionReachesEveryChannel();
    void twoInterruptionsMakeOneMessage();
    void failedDeliveryIsRetriedAndArrivesOnce();
    void pendingSurvivesSigkillAndSentIsNotSentAgain();
    void acknowledgedOrRestartedIsDropped();
    void hangingSendmailIsCutOffWhileTheApiAnswers();
    void sendmailFailureIsAudited();
    void hangingWebhookIsCutOff();
    void firstStartAlertsOnlyWhatRecoveryFound();
    void interruptedWhileTheAgentWasDownIsAlerted();
    void failedRestartIsAlerted();
    void staleOperationIsAlerted();
    void webhookTlsIsVerifiedWithCaFile();
    void badAlertConfigNamesTheKey_data();
    void badAlertConfigNamesTheKey();
};

// One ServiceStarted line appended to a followed oplog: exactly one e-mail and one post per webhook format, each with
// the operation's fields; the audit has one line per delivery without the hook's URL path or token.
void TestAlerts::interruptionReachesEveryChannel()
{
    QTemporaryDir dir;
    const QString mailDir = dir.filePath(u"mail"_s);
    QDir().mkpath(mailDir);
    writeFile(dir.filePath(u"hook.token"_s), kHookToken + '\n');
    WebhookReceiver json, slack, alertmanager;
    const qint64 t = now() - 600000;
    Agent agent(dir.path(), started(kOld, t - 1000) + interrupted(kOld, t - 500) + started(kA, t));
    QJsonObject jsonHook = hook(json.url(u"/oplens"_s), u"json"_s);
    jsonHook.insert(u"bearerTokenFile"_s, u"hook.token"_s);
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 1}, {u"email"_s, emailChannel(mailDir)},
                                                 {u"webhooks"_s, QJsonArray{jsonHook, hook(slack.url(kSlackSecret), u"slack"_s),
                                                                            hook(alertmanager.url(u"/api/v2/alerts"_s), u"alertmanager"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(known(agent, kOld)); // the first look: kOld recorded, not alerted
    appendFile(agent.oplog, serviceStarted(now()));

    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 4, 20000);
    QCOMPARE(mails(mailDir).size(), 1);
    QCOMPARE(json.received.size(), 1);
    QCOMPARE(slack.received.size(), 1);
    QCOMPARE(alertmanager.received.size(), 1);

    checkInterruptionMail(mails(mailDir).first(), agent.port);
    if (QTest::currentTestFailed())
        return;
    checkJsonPost(json.received.first(), t);
    if (QTest::currentTestFailed())
        return;
    checkSlackAndAlertmanager(slack.received.first(), alertmanager.received.first());
    if (QTest::currentTestFailed())
        return;
    checkRecords(agent, slack.port());
}

// A second interruption within batchSeconds of the first joins its message.
void TestAlerts::twoInterruptionsMakeOneMessage()
{
    QTemporaryDir dir;
    const QString mailDir = dir.filePath(u"mail"_s);
    QDir().mkpath(mailDir);
    WebhookReceiver json;
    Agent agent(dir.path(), started(kA, now() - 60000) + started(kB, now() - 50000, u"ZxMove"_s, u"MoveBlobs"_s));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 5}, {u"email"_s, emailChannel(mailDir)},
                                                 {u"webhooks"_s, QJsonArray{hook(json.url(u"/"_s), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_VERIFY(stateOf(agent).value(u"collecting"_s).isObject()); // kA waits for the batch to close
    appendFile(agent.oplog, interrupted(kB, now()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 2, 20000);
    QCOMPARE(mails(mailDir).size(), 1);
    QCOMPARE(json.received.size(), 1);
    QCOMPARE(alertsOf(json.received.first()).size(), 2);
    const QString mail = mails(mailDir).first();
    QVERIFY(header(mail, u"Subject"_s).endsWith(u": 2 operations interrupted"_s));
    QVERIFY(mail.contains(kA) && mail.contains(kB) && mail.contains(u"ZxMove MoveBlobs"_s));
    QVERIFY(mail.contains(u"killed by the OOM killer"_s));
}

// 500, then 200 after retrySeconds: the batch arrives once, the same document twice attempted, both audited.
void TestAlerts::failedDeliveryIsRetriedAndArrivesOnce()
{
    QTemporaryDir dir;
    WebhookReceiver json;
    json.statuses = {500};
    Agent agent(dir.path(), started(kA, now() - 60000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"retrySeconds"_s, 1},
                                                 {u"webhooks"_s, QJsonArray{hook(json.url(u"/in"_s), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 2, 20000);
    QCOMPARE(json.received.size(), 2);
    QCOMPARE(json.received[0].body, json.received[1].body);
    const QList<QJsonObject> lines = auditAlerts(agent);
    QCOMPARE(lines[0].value(u"result"_s).toString(), u"failed"_s);
    QCOMPARE(lines[0].value(u"error"_s).toString(), u"http://127.0.0.1:%1 answered 500"_s.arg(json.port()));
    QCOMPARE(lines[1].value(u"result"_s).toString(), u"sent"_s);
    QCOMPARE(alertStatus(agent).value(u"pending"_s).toInt(), 0);
    QCOMPARE(stateOf(agent).value(u"pending"_s).toArray().size(), 0);
}

// The receiver holds the request; the agent is killed (SIGKILL) before it knows: after its restart the same batch is
// sent. After a later restart it is not sent again: the next message, for a new interruption, arrives alone.
void TestAlerts::pendingSurvivesSigkillAndSentIsNotSentAgain()
{
    QTemporaryDir dir;
    WebhookReceiver json;
    json.hold = true;
    Agent agent(dir.path(), started(kA, now() - 60000) + started(kB, now() - 50000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"webhooks"_s, QJsonArray{hook(json.url(u"/in"_s), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_COMPARE_WITH_TIMEOUT(json.received.size(), 1, 20000);
    agent.crash();
    QCOMPARE(stateOf(agent).value(u"pending"_s).toArray().size(), 1); // in the file before it was attempted
    const QString batch = QJsonDocument::fromJson(json.received[0].body).object().value(u"batch"_s).toString();

    json.hold = false;
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    QCOMPARE(json.received.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(json.received[1].body).object().value(u"batch"_s).toString(), batch);
    QCOMPARE(stateOf(agent).value(u"pending"_s).toArray().size(), 0);

    QCOMPARE(agent.stop(), 0);
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    appendFile(agent.oplog, interrupted(kB, now()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 2, 20000);
    QCOMPARE(json.received.size(), 3);
    const QJsonArray last = alertsOf(json.received[2]);
    QCOMPARE(last.size(), 1);
    QCOMPARE(last.first().toObject().value(u"operationId"_s).toString(), kB);
}

// Acknowledged (through the API) or restarted (a restart's Queued event) before the batch left: dropped, and a batch
// left empty is not sent but audited as dropped.
void TestAlerts::acknowledgedOrRestartedIsDropped()
{
    QTemporaryDir dir;
    const QString mailDir = dir.filePath(u"mail"_s);
    QDir().mkpath(mailDir);
    WebhookReceiver json;
    Agent agent(dir.path(), started(kA, now() - 60000) + started(kB, now() - 50000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 4}, {u"email"_s, emailChannel(mailDir)},
                                                 {u"webhooks"_s, QJsonArray{hook(json.url(u"/in"_s), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, serviceStarted(now()));
    QTRY_COMPARE(stateOf(agent).value(u"collecting"_s).toObject().value(u"alerts"_s).toArray().size(), 2);
    const Answer ack = call("POST", agent.url() + u"/v1/operations/%1/acknowledge"_s.arg(kA),
                            QJsonDocument(QJsonObject{{u"log"_s, u"main"_s}, {u"comment"_s, u"on it"_s}}).toJson());
    QCOMPARE(ack.status, 200);
    appendFile(agent.oplog, Event(u"cccccccc-4444-4444-8444-444444444444", u"Queued", now()).set(u"restartOf", kB).line());
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 2, 20000);
    for (const QJsonObject &line : auditAlerts(agent))
        QCOMPARE(line.value(u"result"_s).toString(), u"dropped"_s);
    QCOMPARE(json.received.size(), 0);
    QCOMPARE(mails(mailDir).size(), 0);
}

// A sendmail that never ends is killed after timeoutSeconds; meanwhile the API answers at once.
void TestAlerts::hangingSendmailIsCutOffWhileTheApiAnswers()
{
    QTemporaryDir dir;
    const QString mailDir = dir.filePath(u"mail"_s);
    QDir().mkpath(mailDir);
    Agent agent(dir.path(), started(kA, now() - 60000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"timeoutSeconds"_s, 3},
                                                 {u"email"_s, emailChannel(mailDir, {u"--sleep-ms"_s, u"600000"_s})}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_COMPARE_WITH_TIMEOUT(mails(mailDir).size(), 1, 20000); // it read the message and now sleeps
    const Answer status = call("GET", agent.url() + u"/v1/status"_s);
    QCOMPARE(status.status, 200);
    QVERIFY(auditAlerts(agent).isEmpty()); // answered while sendmail still hung
    QCOMPARE(status.json().value(u"alerts"_s).toObject().value(u"pending"_s).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    QCOMPARE(auditAlerts(agent).first().value(u"result"_s).toString(), u"failed"_s);
    QCOMPARE(auditAlerts(agent).first().value(u"error"_s).toString(), u"sendmail gave no answer in 3 s: killed"_s);
    QCOMPARE(alertStatus(agent).value(u"lastDelivery"_s).toObject().value(u"ok"_s).toBool(), false);
}

// A sendmail that exits non-zero failed: its status and the first line of its complaint are audited.
void TestAlerts::sendmailFailureIsAudited()
{
    QTemporaryDir dir;
    const QString mailDir = dir.filePath(u"mail"_s);
    QDir().mkpath(mailDir);
    Agent agent(dir.path(), started(kA, now() - 60000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0},
                                                 {u"email"_s, emailChannel(mailDir, {u"--exit"_s, u"75"_s, u"--say"_s, u"queue file write error"_s})}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    const QJsonObject line = auditAlerts(agent).first();
    QCOMPARE(line.value(u"result"_s).toString(), u"failed"_s);
    QCOMPARE(line.value(u"error"_s).toString(), u"sendmail exit status 75: queue file write error"_s);
    QCOMPARE(line.value(u"to"_s).toArray().size(), 2);
    QCOMPARE(stateOf(agent).value(u"pending"_s).toArray().first().toObject().value(u"attempts"_s).toInt(), 1);
}

// A webhook that never answers is cut off after timeoutSeconds: failed, audited without its path.
void TestAlerts::hangingWebhookIsCutOff()
{
    QTemporaryDir dir;
    WebhookReceiver json;
    json.hold = true;
    Agent agent(dir.path(), started(kA, now() - 60000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"timeoutSeconds"_s, 2}, {u"retrySeconds"_s, 3600},
                                                 {u"webhooks"_s, QJsonArray{hook(json.url(kSlackSecret), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_COMPARE_WITH_TIMEOUT(json.received.size(), 1, 20000);
    QCOMPARE(call("GET", agent.url() + u"/v1/status"_s).status, 200); // answered while the post hangs
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    QCOMPARE(auditAlerts(agent).first().value(u"error"_s).toString(), u"http://127.0.0.1:%1 gave no answer in 2 s"_s.arg(json.port()));
    QVERIFY(!readAll(agent.audit).contains("T0SECRET"));
}

// The first start with alerts records what already needed attention without alerting, except what this start's
// recovery marked Interrupted (a runner's Queued operation whose runner is gone).
void TestAlerts::firstStartAlertsOnlyWhatRecoveryFound()
{
    QTemporaryDir dir;
    WebhookReceiver json;
    const QString queued = u"dddddddd-5555-4555-8555-555555555555"_s;
    const qint64 t = now() - 600000;
    Agent agent(dir.path(), started(kOld, t) + interrupted(kOld, t + 1000)
                                + Event(queued, u"Queued", t + 2000).set(u"runner", u"oplensd"_s).line());
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"webhooks"_s, QJsonArray{hook(json.url(u"/in"_s), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    const QJsonArray alerts = alertsOf(json.received.first());
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts.first().toObject().value(u"operationId"_s).toString(), queued);
    QVERIFY(known(agent, kOld));
}

// With a state file, a start alerts what became Interrupted while the agent was down (not the first start's rule).
void TestAlerts::interruptedWhileTheAgentWasDownIsAlerted()
{
    QTemporaryDir dir;
    WebhookReceiver json;
    Agent agent(dir.path(), started(kA, now() - 60000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"webhooks"_s, QJsonArray{hook(json.url(u"/in"_s), u"json"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    QCOMPARE(agent.stop(), 0);
    appendFile(agent.oplog, serviceStarted(now()));
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    QCOMPARE(alertsOf(json.received.first()).first().toObject().value(u"operationId"_s).toString(), kA);
}

// A restart this agent ran that ends Failed is alerted ("1 restart failed", OplensRestartFailed).
void TestAlerts::failedRestartIsAlerted()
{
    QTemporaryDir dir;
    WebhookReceiver json, alertmanager;
    const qint64 t = now() - 600000;
    Agent agent(dir.path(), started(kOld, t, u"ZxSlow"_s, u"Fail"_s) + interrupted(kOld, t + 1000));
    agent.config.insert(u"actions"_s, QJsonArray{QJsonObject{{u"module"_s, u"ZxSlow"_s}, {u"name"_s, u"Fail"_s},
                                                            {u"argv"_s, QJsonArray{kStub, u"--exit"_s, u"3"_s}}}});
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0},
                                                 {u"webhooks"_s, QJsonArray{hook(json.url(u"/in"_s), u"json"_s),
                                                                            hook(alertmanager.url(u"/am"_s), u"alertmanager"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(known(agent, kOld));
    const Answer restart = call("POST", agent.url() + u"/v1/operations/%1/restart"_s.arg(kOld),
                                QJsonDocument(QJsonObject{{u"reason"_s, u"disk replaced"_s}}).toJson());
    QCOMPARE(restart.status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 2, 20000);
    const QJsonObject alert = alertsOf(json.received.first()).first().toObject();
    QCOMPARE(alert.value(u"kind"_s).toString(), u"failed"_s);
    QCOMPARE(alert.value(u"status"_s).toString(), u"Failed"_s);
    QCOMPARE(alert.value(u"restartOf"_s).toString(), kOld);
    QCOMPARE(alert.value(u"operationId"_s).toString(), restart.json().value(u"operationId"_s).toString());
    QCOMPARE(QJsonDocument::fromJson(json.received.first().body).object().value(u"subject"_s).toString(),
             u"[OpLens] %1: 1 restart failed"_s.arg(QHostInfo::localHostName()));
    const QJsonObject labels = QJsonDocument::fromJson(alertmanager.received.first().body).array().first().toObject().value(u"labels"_s).toObject();
    QCOMPARE(labels.value(u"alertname"_s).toString(), u"OplensRestartFailed"_s);
}

// An https webhook whose certificate the system does not trust: without caFile the post fails (never sent in clear,
// never with the error ignored); with the CA in caFile it is delivered.
void TestAlerts::webhookTlsIsVerifiedWithCaFile()
{
    QTemporaryDir dir;
    testservers::Pki pki;
    QVERIFY(testservers::generatePki(dir.path(), &pki));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(pki.server);
    tls.setPrivateKey(QSslKey(readAll(pki.key), QSsl::Ec)); // testservers makes EC keys
    WebhookReceiver untrusted(0, tls), trusted(0, tls);
    QJsonObject withCa = hook(trusted.url(u"/in"_s), u"json"_s);
    withCa.insert(u"caFile"_s, pki.caCertificate);
    const QString agentDir = dir.filePath(u"agent"_s);
    QDir().mkpath(agentDir);
    Agent agent(agentDir, started(kA, now() - 60000));
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0}, {u"retrySeconds"_s, 3600},
                                                 {u"webhooks"_s, QJsonArray{hook(untrusted.url(u"/in"_s), u"json"_s), withCa}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, interrupted(kA, now()));
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 2, 20000);
    QCOMPARE(untrusted.received.size(), 0);
    QCOMPARE(trusted.received.size(), 1);
    for (const QJsonObject &line : auditAlerts(agent)) {
        const bool isTrusted = line.value(u"url"_s).toString() == u"https://127.0.0.1:%1"_s.arg(trusted.port());
        QCOMPARE(line.value(u"result"_s).toString(), isTrusted ? u"sent"_s : u"failed"_s);
        if (!isTrusted)
            QVERIFY2(line.value(u"error"_s).toString().contains(u"Ssl"_s), qPrintable(line.value(u"error"_s).toString()));
    }
}

// An operation running three times longer than its usual (five finished runs of 1 s: a limit of 3 s) becomes Stale.
void TestAlerts::staleOperationIsAlerted()
{
    QTemporaryDir dir;
    WebhookReceiver alertmanager;
    const qint64 t = now() - 3600000;
    QByteArray runs;
    for (int i = 0; i < 5; ++i) {
        const QString id = u"eeeeeeee-0000-4000-8000-00000000000%1"_s.arg(i);
        runs += Event(id, u"Started", t + i * 60000).module(u"ZxQuick").name(u"Ping").line()
            + Event(id, u"Finished", t + i * 60000 + 1000).module(u"ZxQuick").name(u"Ping").line();
    }
    Agent agent(dir.path(), runs);
    agent.config.insert(u"alerts"_s, QJsonObject{{u"batchSeconds"_s, 0},
                                                 {u"webhooks"_s, QJsonArray{hook(alertmanager.url(u"/am"_s), u"alertmanager"_s)}}});
    QVERIFY2(agent.start(), qPrintable(agent.err()));
    QTRY_VERIFY(QFileInfo::exists(agent.audit + u".alerts.json"_s));
    appendFile(agent.oplog, Event(kA, u"Started", now()).module(u"ZxQuick").name(u"Ping").line());
    QTRY_COMPARE_WITH_TIMEOUT(auditAlerts(agent).size(), 1, 20000);
    const QJsonObject alert = QJsonDocument::fromJson(alertmanager.received.first().body).array().first().toObject();
    QCOMPARE(alert.value(u"labels"_s).toObject().value(u"alertname"_s).toString(), u"OplensOperationStale"_s);
    QCOMPARE(alert.value(u"labels"_s).toObject().value(u"status"_s).toString(), u"Running"_s);
    QVERIFY2(alert.value(u"annotations"_s).toObject().value(u"description"_s).toString().contains(u"longer than 3 s"_s),
             qPrintable(alert.value(u"annotations"_s).toObject().value(u"description"_s).toString()));
}

void TestAlerts::badAlertConfigNamesTheKey_data()
{
    QTest::addColumn<QJsonObject>("alerts");
    QTest::addColumn<QString>("error");
    const QJsonObject email{{u"sendmail"_s, QJsonArray{u"/usr/sbin/sendmail"_s}}, {u"from"_s, u"a@b.c"_s}, {u"to"_s, QJsonArray{u"d@e.f"_s}}};
    QTest::newRow("format") << QJsonObject{{u"webhooks"_s, QJsonArray{hook(u"https://h.example.com/x"_s, u"json"_s), hook(u"https://h.example.com/y"_s, u"teams"_s)}}}
                            << u"alerts.webhooks[1].format: must be json, slack or alertmanager"_s;
    QTest::newRow("http elsewhere") << QJsonObject{{u"webhooks"_s, QJsonArray{hook(u"http://chat.example.com/x"_s, u"slack"_s)}}}
                                    << u"alerts.webhooks[0].url: must be https (http only to a loopback address)"_s;
    QJsonObject relative = email;
    relative.insert(u"sendmail"_s, QJsonArray{u"sendmail"_s, u"-t"_s});
    QTest::newRow("relative sendmail") << QJsonObject{{u"email"_s, relative}} << u"alerts.email.sendmail[0]: must be an absolute path"_s;
    QTest::newRow("no channel") << QJsonObject{{u"batchSeconds"_s, 10}} << u"alerts: needs email or at least one webhook"_s;
    QTest::newRow("token file") << QJsonObject{{u"webhooks"_s, QJsonArray{QJsonObject{{u"url"_s, u"https://h.example.com/x"_s}, {u"bearerTokenFile"_s, u"/nonexistent/token"_s}}}}}
                                << u"alerts.webhooks[0].bearerTokenFile: cannot read /nonexistent/token"_s;
    QTest::newRow("retry") << QJsonObject{{u"retrySeconds"_s, 0}, {u"email"_s, email}}
                           << u"alerts.retrySeconds: must be a number of seconds from 1 to 3600"_s;
}

void TestAlerts::badAlertConfigNamesTheKey()
{
    QFETCH(QJsonObject, alerts);
    QFETCH(QString, error);
    QTemporaryDir dir;
    Agent agent(dir.path());
    agent.config.insert(u"alerts"_s, alerts);
    QVERIFY(!agent.start());
    QVERIFY2(agent.err().contains(error), qPrintable(agent.err()));
}

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
