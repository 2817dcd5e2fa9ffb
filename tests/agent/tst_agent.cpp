// oplensd as a process on loopback (agent.md; design.md "Tests"): reached directly over HTTP, and through nginx with
// TLS (resources/deploy/nginx-oplensd.conf filled in, certificates generated here by openssl). The actions run
// recording_stub, which records its exact argv. oplensctl's recover and restart run as processes too.
// Every test starts its own agent (and nginx) in a temporary folder; their destructors end them.
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "recordingstub.h"
#include "testoplog.h"
#include "testservers.h"

#include <functional>
#include <memory>
#include <optional>
#include <signal.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
// The shared servers (tests/common); Agent is this file's own, below.
using recordingstub::records;
using testfiles::appendFile;
using testfiles::readAll;
using testfiles::writeFile;
using testoplog::Event;
using testoplog::eventsOf;
using testoplog::jsonLines;
using testoplog::restartsOf;
using testoplog::typesOf;
using testservers::Exit;
using testservers::freePort;
using testservers::generatePki;
using testservers::haveNginx;
using testservers::kOperator;
using testservers::kOperatorToken;
using testservers::kViewer;
using testservers::kViewerToken;
using testservers::Nginx;
using testservers::oplensdSite;
using testservers::Pki;
using testservers::runToEnd;
using testservers::sha256;

namespace {

// ---- what every agent of these tests is configured with ----------------------------------------------------------

const QByteArray kWrongToken = "wrong-5c0ffee-do-not-log-me";

// The operations of the seed oplog.
const QString kInterrupted = u"11111111-1111-4111-8111-111111111111"_s; // ZxBackup SmartScan: exits 0
const QString kFinished = u"22222222-2222-4222-8222-222222222222"_s;    // ZxBackup SmartScan, Finished
const QString kSlow = u"33333333-3333-4333-8333-333333333333"_s;        // ZxSlow Sleep: runs 30 s
const QString kTimeout = u"44444444-4444-4444-8444-444444444444"_s;     // ZxSlow Timeout: timeoutSeconds 1
const QString kFails = u"55555555-5555-4555-8555-555555555555"_s;       // ZxSlow Fail: exit 3, prints "disk full"
const QString kNoAction = u"66666666-6666-4666-8666-666666666666"_s;    // ZxGone Nothing: not in the catalog
const QString kProbe = u"77777777-7777-4777-8777-777777777777"_s;       // the operation a test writes itself

const QString kStub = QStringLiteral(RECORDING_STUB);
const QString kEmail = u"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$"_s;

// An operation that ran and ended with `last` (Interrupted, Finished, ...), written as the service writes them.
QByteArray operation(const QString &id, const QString &module, const QString &name, const QJsonObject &parameters,
                     const QString &last, qint64 time)
{
    const auto event = [&](const QString &type, qint64 at) {
        Event e = Event(id, type, at).module(module).name(name);
        return parameters.isEmpty() ? e : e.parameters(parameters);
    };
    return event(u"Started"_s, time).set(u"requestedBy", u"zimbra"_s).line()
        + event(last, time + 60000)
              .set(last == u"Interrupted"_s ? QJsonObject{{u"error"_s, u"service restarted"_s}} : QJsonObject{})
              .line();
}

QByteArray seedOplog()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    const QJsonObject cron{{u"origin"_s, u"Cron"_s}};
    return operation(kInterrupted, u"ZxBackup"_s, u"SmartScan"_s, cron, u"Interrupted"_s, t)
        + operation(kFinished, u"ZxBackup"_s, u"SmartScan"_s, cron, u"Finished"_s, t + 1)
        + operation(kSlow, u"ZxSlow"_s, u"Sleep"_s, cron, u"Interrupted"_s, t + 2)
        + operation(kTimeout, u"ZxSlow"_s, u"Timeout"_s, cron, u"Interrupted"_s, t + 3)
        + operation(kFails, u"ZxSlow"_s, u"Fail"_s, cron, u"Failed"_s, t + 4)
        + operation(kNoAction, u"ZxGone"_s, u"Nothing"_s, cron, u"Aborted"_s, t + 5);
}

QJsonArray strings(const QStringList &list) { return QJsonArray::fromStringList(list); }

QJsonArray defaultActions()
{
    return {
        QJsonObject{{u"module"_s, u"ZxBackup"_s}, {u"name"_s, u"SmartScan"_s},
                    {u"argv"_s, strings({kStub, u"backup"_s, u"doSmartScan"_s})}},
        QJsonObject{{u"module"_s, u"ZxBackup"_s}, {u"name"_s, u"RestoreOnNewAccount"_s},
                    {u"argv"_s, strings({kStub, u"backup"_s, u"doRestoreOnNewAccount"_s, u"{sourceAccount}"_s,
                                         u"{destinationAccount}"_s})},
                    {u"parameters"_s, QJsonObject{{u"sourceAccount"_s, kEmail}, {u"destinationAccount"_s, kEmail}}},
                    {u"maxConcurrent"_s, 1}},
        // Any one-line text passes its pattern: what reaches the program shows that no shell reads it.
        QJsonObject{{u"module"_s, u"ZxAdmin"_s}, {u"name"_s, u"Echo"_s},
                    {u"argv"_s, strings({kStub, u"echo"_s, u"{text}"_s})},
                    {u"parameters"_s, QJsonObject{{u"text"_s, u"^.{1,200}$"_s}}}},
        QJsonObject{{u"module"_s, u"ZxSlow"_s}, {u"name"_s, u"Sleep"_s},
                    {u"argv"_s, strings({kStub, u"--sleep-ms"_s, u"30000"_s, u"sleep"_s})}},
        QJsonObject{{u"module"_s, u"ZxSlow"_s}, {u"name"_s, u"Timeout"_s},
                    {u"argv"_s, strings({kStub, u"--sleep-ms"_s, u"30000"_s, u"timeout"_s})},
                    {u"timeoutSeconds"_s, 1}},
        QJsonObject{{u"module"_s, u"ZxSlow"_s}, {u"name"_s, u"Fail"_s},
                    {u"argv"_s, strings({kStub, u"--exit"_s, u"3"_s, u"--print"_s, u"disk full"_s, u"fail"_s})}},
    };
}

// ---- files ------------------------------------------------------------------------------------------------------

int countType(const QString &oplog, const QString &id, const QString &type) { return int(typesOf(oplog, id).count(type)); }

// Runs, not a zombie: an orphan nobody reaps stays in /proc as Z.
bool running(qint64 pid)
{
    const QByteArray stat = readAll(u"/proc/%1/stat"_s.arg(pid));
    const qsizetype end = stat.lastIndexOf(')');
    return end > 0 && stat.size() > end + 2 && stat[end + 2] != 'Z' && stat[end + 2] != 'X';
}

// Connections the server listening on `port` has accepted (from /proc/net/tcp and tcp6).
int acceptedConnections(quint16 port)
{
    int count = 0;
    const QByteArray local = ':' + QByteArray::number(port, 16).toUpper().rightJustified(4, '0');
    for (const char *table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        for (const QByteArray &row : readAll(QLatin1String(table)).split('\n')) {
            const QList<QByteArray> fields = row.simplified().split(' ');
            if (fields.size() > 3 && fields[1].endsWith(local) && fields[3] == "01") // 01: ESTABLISHED
                ++count;
        }
    }
    return count;
}

// ---- HTTP --------------------------------------------------------------------------------------------------------

using Headers = QList<QPair<QByteArray, QByteArray>>;

struct Reply {
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    Headers headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    // agent.md section 3: errors are {"error": "one line"}.
    bool isError() const
    {
        const QString message = json().value(u"error"_s).toString();
        return !message.isEmpty() && !message.contains(QLatin1Char('\n'));
    }
    QByteArray describe() const { return QByteArray::number(status) + ' ' + errorString.toUtf8() + ": " + body.left(300); }
};

class Client
{
public:
    // `trusted`: the CAs an https client trusts instead of the system's; empty: the system's.
    explicit Client(QString base, QList<QSslCertificate> trusted = {}) : m_base(std::move(base))
    {
        if (!trusted.isEmpty()) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setCaCertificates(trusted); // only these: the system's are not loaded either
            m_tls = tls;
        }
    }

    QNetworkReply *send(const QByteArray &method, const QString &path, const QByteArray &token = {},
                        const QByteArray &body = {}, const Headers &headers = {})
    {
        QNetworkRequest request(QUrl(m_base + path));
        if (m_tls)
            request.setSslConfiguration(*m_tls);
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        if (method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        for (const auto &[key, value] : headers)
            request.setRawHeader(key, value);
        if (method == "HEAD") // as HEAD: a custom verb would wait for a body
            return m_network.head(request);
        return m_network.sendCustomRequest(request, method, body);
    }

    Reply call(const QByteArray &method, const QString &path, const QByteArray &token = {},
               const QByteArray &body = {}, const Headers &headers = {})
    {
        return wait(send(method, path, token, body, headers));
    }
    Reply get(const QString &path, const QByteArray &token = kViewerToken, const Headers &headers = {})
    {
        return call("GET", path, token, {}, headers);
    }
    Reply restart(const QString &id, const QByteArray &token = kOperatorToken, const QString &reason = u"disk replaced"_s,
                  const QString &key = {})
    {
        QJsonObject body{{u"reason"_s, reason}};
        if (!key.isEmpty())
            body.insert(u"idempotencyKey"_s, key);
        return call("POST", restartPath(id), token, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    static QString restartPath(const QString &id) { return u"/v1/operations/%1/restart"_s.arg(id); }

    static Reply wait(QNetworkReply *reply, int timeoutMs = 30000)
    {
        if (!reply->isFinished()) {
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(timeoutMs, &loop, [reply] { reply->abort(); });
            loop.exec();
        }
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        r.errorString = reply->errorString();
        r.body = reply->readAll();
        r.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return r;
    }

private:
    QString m_base;
    std::optional<QSslConfiguration> m_tls;
    QNetworkAccessManager m_network;
};

// ---- processes ---------------------------------------------------------------------------------------------------

// The agent of these tests: the seed oplog, the actions of defaultActions() and the stub's record.
class Agent : public testservers::Agent
{
public:
    explicit Agent(const QString &dir) : testservers::Agent(dir, seedOplog()), record(dir + u"/argv.jsonl"_s)
    {
        config.insert(u"actions"_s, defaultActions());
        environment.insert(u"OPLENS_STUB_RECORD"_s, record); // the agent's environment reaches the stub
    }

    QString record;
};

enum class Via { Direct, Nginx };

#define SKIP_WITHOUT_NGINX(via)                                                                                       \
do {                                                                                                              \
    if ((via) == Via::Nginx && !haveNginx())                                                                      \
        QSKIP("nginx is not installed (scripts/setup.sh installs nginx-light)");                                  \
} while (false)

} // namespace

Q_DECLARE_METATYPE(Via)

// No raw string literals inside the class: moc 6.4 then loses the class ("No relevant classes found").
class TestAgent : public QObject
{
    Q_OBJECT

    QTemporaryDir m_pkiDir;
    Pki m_pki;

    // The agent of one test, and nginx in front of it when the row says so.
    struct Front {
        QTemporaryDir dir;
        std::unique_ptr<Agent> agent;
        std::unique_ptr<Nginx> nginx; // ended before the agent
        std::unique_ptr<Client> client;
        Via via = Via::Direct;

        QString base() const { return nginx ? nginx->url() : agent->url(); }
    };

    static void addVia()
    {
        QTest::addColumn<Via>("via");
    }
    static void viaRows()
    {
        addVia();
        QTest::newRow("direct") << Via::Direct;
        QTest::newRow("nginx") << Via::Nginx;
    }

    // Starts the agent (its config changed by `configure` first) and, for Via::Nginx, nginx in front of it.
    bool up(Front &front, Via via, const std::function<void(Agent &)> &configure = {})
    {
        if (!front.dir.isValid())
            return false;
        front.via = via;
        front.agent = std::make_unique<Agent>(front.dir.path());
        if (configure)
            configure(*front.agent);
        if (!front.agent->start()) {
            qWarning("oplensd did not start: %s", qPrintable(front.agent->err()));
            return false;
        }
        if (via == Via::Nginx) {
            front.nginx = std::make_unique<Nginx>(front.dir.path(), oplensdSite(m_pki, front.agent->port));
            QString why;
            if (!front.nginx->start(&why)) {
                qWarning("nginx did not start: %s", qPrintable(why));
                return false;
            }
        }
        front.client = std::make_unique<Client>(front.base(), via == Via::Nginx ? m_pki.ca : QList<QSslCertificate>());
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(QStringLiteral(OPLENSD)).isExecutable(), OPLENSD);
        QVERIFY2(QFileInfo(kStub).isExecutable(), RECORDING_STUB);
        QVERIFY(m_pkiDir.isValid());
        QVERIFY2(QFileInfo(QStringLiteral(OPENSSL)).isExecutable(), "openssl is needed to make the test certificates");
        QVERIFY(generatePki(m_pkiDir.path(), &m_pki));
    }

    // ---- authentication and roles (agent.md section 2) -----------------------------------------------------------

    void tokensAndRoles_data() { viaRows(); }
    void tokensAndRoles()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        Client &c = *f.client;

        Reply r = c.get(u"/v1/status"_s, {});
        QCOMPARE(r.status, 401);
        QVERIFY2(r.isError(), r.describe());
        r = c.get(u"/v1/status"_s, kWrongToken);
        QCOMPARE(r.status, 401);
        QVERIFY(r.isError());
        r = c.call("GET", u"/v1/status"_s, {}, {}, {{"Authorization", "Basic " + kViewerToken.toBase64()}});
        QCOMPARE(r.status, 401);

        r = c.get(u"/v1/status"_s, kViewerToken);
        QCOMPARE(r.status, 200);
        const QJsonObject status = r.json();
        QCOMPARE(status.value(u"agent"_s).toString(), QStringLiteral(OPLENS_VERSION));
        QVERIFY(status.value(u"now"_s).toDouble() > 0);
        QVERIFY(status.contains(u"serviceStartedAt"_s));
        const QJsonArray logs = status.value(u"oplogs"_s).toArray();
        QCOMPARE(logs.size(), 2);
        QCOMPARE(logs[0].toObject().value(u"id"_s).toString(), u"main"_s);
        QCOMPARE(qint64(logs[0].toObject().value(u"size"_s).toDouble()), QFileInfo(f.agent->oplog).size());
        QVERIFY(!logs[0].toObject().value(u"epoch"_s).toString().isEmpty());

        r = c.restart(kInterrupted, kViewerToken);
        QCOMPARE(r.status, 403);
        QVERIFY(r.isError());
        QVERIFY(restartsOf(f.agent->oplog, kInterrupted).isEmpty());

        r = c.restart(u"no-such-operation"_s, kOperatorToken);
        QCOMPARE(r.status, 404);
        QVERIFY(r.isError());
        r = c.get(u"/v1/no-such-endpoint"_s, kOperatorToken);
        QCOMPARE(r.status, 404);
    }

    void lockoutAfterTenFailures_data() { viaRows(); }
    void lockoutAfterTenFailures()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        for (int i = 0; i < 10; ++i) {
            const Reply r = f.client->get(u"/v1/status"_s, i % 2 ? kWrongToken : QByteArray());
            QVERIFY2(r.status == 401, r.describe());
        }
        // Blocked for a minute for anything but a valid token: guessing is slowed, the right token still works
        // (through nginx every console shares nginx's address).
        for (const QByteArray &token : {kWrongToken, QByteArray()}) {
            const Reply r = f.client->get(u"/v1/status"_s, token);
            QVERIFY2(r.status == 429, r.describe());
            QVERIFY(r.json().value(u"error"_s).toString().contains(u"failed attempts"_s)); // the agent's, not nginx's
        }
        QCOMPARE(f.client->restart(kInterrupted, kWrongToken).status, 429);
        QVERIFY(restartsOf(f.agent->oplog, kInterrupted).isEmpty());
        for (const QByteArray &token : {kOperatorToken, kViewerToken}) {
            const Reply r = f.client->get(u"/v1/status"_s, token);
            QVERIFY2(r.status == 200, r.describe());
        }
    }

    // ---- restarts (agent.md sections 3 and 4, oplog.md section 4) ------------------------------------------------

    void restartRecordsItsEvents_data() { viaRows(); }
    void restartRecordsItsEvents()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QList<QJsonObject> before = eventsOf(f.agent->oplog, kInterrupted);

        const Reply r = f.client->restart(kInterrupted, kOperatorToken, u"disk replaced"_s, u"key-1"_s);
        QVERIFY2(r.status == 202, r.describe());
        const QString id = r.json().value(u"operationId"_s).toString();
        QCOMPARE(r.json().value(u"restartOf"_s).toString(), kInterrupted);
        QCOMPARE(r.json().value(u"log"_s).toString(), u"main"_s); // where it is recorded: the runnerOplog, followed by batches
        QVERIFY(!id.isEmpty() && id != kInterrupted);

        QTRY_COMPARE(typesOf(f.agent->oplog, id), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}));
        const QString bootId = QString::fromLatin1(readAll(u"/proc/sys/kernel/random/boot_id"_s)).trimmed();
        for (const QJsonObject &e : eventsOf(f.agent->oplog, id)) {
            QCOMPARE(e.value(u"restartOf"_s).toString(), kInterrupted);
            QCOMPARE(e.value(u"requestedBy"_s).toString(), kOperator); // the token's identity
            QCOMPARE(e.value(u"runner"_s).toString(), u"oplensd"_s);
            QCOMPARE(e.value(u"module"_s).toString(), u"ZxBackup"_s);
            QCOMPARE(e.value(u"name"_s).toString(), u"SmartScan"_s);
            QCOMPARE(e.value(u"parameters"_s).toObject().value(u"origin"_s).toString(), u"Restart"_s);
            const QString type = e.value(u"type"_s).toString();
            if (type == u"Queued"_s)
                QCOMPARE(e.value(u"reason"_s).toString(), u"disk replaced"_s);
            if (type == u"Started"_s) {
                QVERIFY(e.value(u"pid"_s).toInteger() > 1);
                QCOMPARE(e.value(u"bootId"_s).toString(), bootId);
            }
            if (type == u"Finished"_s)
                QCOMPARE(e.value(u"exitCode"_s).toInt(-1), 0);
        }
        QCOMPARE(records(f.agent->record), QList<QStringList>({{kStub, u"backup"_s, u"doSmartScan"_s}}));
        QCOMPARE(eventsOf(f.agent->oplog, kInterrupted), before); // a restart never changes the old operation
    }

    void restartRefused_data()
    {
        addVia();
        QTest::addColumn<QString>("operationId");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QByteArray ok = "{\"reason\": \"disk replaced\"}";
        const struct {
            const char *tag;
            QString id;
            QByteArray body;
            int status;
        } cases[] = {
            {"unknown operation", u"no-such-operation"_s, ok, 404},
            {"Finished operation", kFinished, ok, 409},
            {"no action for it", kNoAction, ok, 422},
            {"not JSON", kInterrupted, "reason=disk", 400},
            {"a JSON array", kInterrupted, "[\"disk replaced\"]", 400},
            {"no reason", kInterrupted, "{\"idempotencyKey\": \"k\"}", 400},
            {"empty reason", kInterrupted, "{\"reason\": \"  \"}", 400},
            {"reason not a string", kInterrupted, "{\"reason\": 42}", 400},
            {"key not a string", kInterrupted, "{\"reason\": \"r\", \"idempotencyKey\": 7}", 400},
            {"empty body", kInterrupted, "", 400},
        };
        for (const Via via : {Via::Direct, Via::Nginx})
            for (const auto &c : cases)
                QTest::addRow("%s: %s", via == Via::Direct ? "direct" : "nginx", c.tag) << via << c.id << c.body << c.status;
    }
    void restartRefused()
    {
        QFETCH(Via, via);
        QFETCH(QString, operationId);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QByteArray before = readAll(f.agent->oplog);
        const Reply r = f.client->call("POST", Client::restartPath(operationId), kOperatorToken, body);
        QVERIFY2(r.status == status, r.describe());
        QVERIFY2(r.isError(), r.body);
        const QByteArray after = readAll(f.agent->oplog);
        QCOMPARE(after, before); // nothing queued
        QVERIFY(!QFileInfo::exists(f.agent->record));
    }

    // Through nginx the body never reaches the agent: nginx answers 413 itself. Directly, the agent answers 413 from
    // Content-Length, before reading the body (tst_agentlimits has the details).
    void oversizedBody_data() { viaRows(); }
    void oversizedBody()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QByteArray body = QJsonDocument(QJsonObject{{u"reason"_s, QString(17 * 1024, QLatin1Char('x'))}}).toJson(QJsonDocument::Compact);
        const Reply r = f.client->call("POST", Client::restartPath(kInterrupted), kOperatorToken, body);
        QVERIFY2(r.status == 413, r.describe());
        QVERIFY2(r.isError(), r.body);
        QVERIFY(restartsOf(f.agent->oplog, kInterrupted).isEmpty());
        if (via == Via::Nginx)
            QVERIFY(jsonLines(f.agent->audit).isEmpty()); // refused before the agent
    }

    // The parameters come from the old operation's events; the argv from the catalog. The stub shows what ran.
    void parametersNeverReachAShell_data()
    {
        addVia();
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QJsonObject>("parameters");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("argv"); // after the stub's path
        const QString restore = u"RestoreOnNewAccount"_s;
        const auto accounts = [](const QString &source) {
            return QJsonObject{{u"sourceAccount"_s, source}, {u"destinationAccount"_s, u"bob@example.com"_s}};
        };
        const struct {
            const char *tag;
            QString module, name;
            QJsonObject parameters;
            int status;
            QStringList argv;
        } cases[] = {
            {"valid accounts", u"ZxBackup"_s, restore, accounts(u"alice@example.com"_s), 202,
             {u"backup"_s, u"doRestoreOnNewAccount"_s, u"alice@example.com"_s, u"bob@example.com"_s}},
            {"semicolon", u"ZxBackup"_s, restore, accounts(u"x; rm -rf /"_s), 422, {}},
            {"command substitution", u"ZxBackup"_s, restore, accounts(u"$(id)"_s), 422, {}},
            {"backticks", u"ZxBackup"_s, restore, accounts(u"`id`@example.com"_s), 422, {}},
            {"trailing newline", u"ZxBackup"_s, restore, accounts(u"alice@example.com\n"_s), 422, {}},
            {"an option", u"ZxBackup"_s, restore, accounts(u"--help"_s), 422, {}},
            {"missing parameter", u"ZxBackup"_s, restore, QJsonObject{{u"sourceAccount"_s, u"alice@example.com"_s}}, 422, {}},
            {"not a string", u"ZxBackup"_s, restore, QJsonObject{{u"sourceAccount"_s, 5}, {u"destinationAccount"_s, u"b@c.d"_s}}, 422, {}},
            // A permissive pattern: the text arrives as one argument, exactly as written; no shell reads it.
            {"literal semicolon", u"ZxAdmin"_s, u"Echo"_s, QJsonObject{{u"text"_s, u"x; rm -rf /"_s}}, 202, {u"echo"_s, u"x; rm -rf /"_s}},
            {"literal substitution", u"ZxAdmin"_s, u"Echo"_s, QJsonObject{{u"text"_s, u"$(id) `id` ${HOME} *"_s}}, 202,
             {u"echo"_s, u"$(id) `id` ${HOME} *"_s}},
            {"literal quotes", u"ZxAdmin"_s, u"Echo"_s, QJsonObject{{u"text"_s, u"it's \"quoted\" | cat > /tmp/x"_s}}, 202,
             {u"echo"_s, u"it's \"quoted\" | cat > /tmp/x"_s}},
        };
        for (const Via via : {Via::Direct, Via::Nginx})
            for (const auto &c : cases)
                QTest::addRow("%s: %s", via == Via::Direct ? "direct" : "nginx", c.tag)
                    << via << c.module << c.name << c.parameters << c.status << c.argv;
    }
    void parametersNeverReachAShell()
    {
        QFETCH(Via, via);
        QFETCH(QString, module);
        QFETCH(QString, name);
        QFETCH(QJsonObject, parameters);
        QFETCH(int, status);
        QFETCH(QStringList, argv);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via, [&](Agent &a) {
            QJsonObject p = parameters;
            p.insert(u"origin"_s, u"Admin"_s);
            appendFile(a.oplog, operation(kProbe, module, name, p, u"Interrupted"_s, QDateTime::currentMSecsSinceEpoch() - 60000));
        }));
        const Reply r = f.client->restart(kProbe);
        QVERIFY2(r.status == status, r.describe());
        if (status == 202) {
            const QString id = r.json().value(u"operationId"_s).toString();
            QTRY_COMPARE(records(f.agent->record).size(), 1);
            QCOMPARE(records(f.agent->record).first(), QStringList{kStub} + argv);
            QTRY_COMPARE(typesOf(f.agent->oplog, id).value(2), u"Finished"_s);
            return;
        }
        QVERIFY(r.isError());
        QVERIFY(restartsOf(f.agent->oplog, kProbe).isEmpty());
        // A restart that is allowed runs, and is the only run recorded: the refused one launched nothing.
        QCOMPARE(f.client->restart(kInterrupted).status, 202);
        QTRY_COMPARE(records(f.agent->record).size(), 1);
        QCOMPARE(records(f.agent->record).first(), QStringList({kStub, u"backup"_s, u"doSmartScan"_s}));
    }

    void sameIdempotencyKeyLaunchesOnce_data() { viaRows(); }
    void sameIdempotencyKeyLaunchesOnce()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const Reply first = f.client->restart(kInterrupted, kOperatorToken, u"first"_s, u"same-key"_s);
        QVERIFY2(first.status == 202, first.describe());
        const Reply second = f.client->restart(kInterrupted, kOperatorToken, u"second"_s, u"same-key"_s);
        QCOMPARE(second.status, 202);
        QCOMPARE(second.json(), first.json()); // the first answer again
        const QString id = first.json().value(u"operationId"_s).toString();
        QCOMPARE(restartsOf(f.agent->oplog, kInterrupted), QStringList{id});
        QTRY_COMPARE(typesOf(f.agent->oplog, id).value(2), u"Finished"_s);
        QCOMPARE(records(f.agent->record).size(), 1);

        // A new life of the agent remembers the key from the oplog.
        QCOMPARE(f.agent->stop(), 0);
        QVERIFY(f.agent->start());
        const Reply third = f.client->restart(kInterrupted, kOperatorToken, u"third"_s, u"same-key"_s);
        QVERIFY2(third.status == 202, third.describe());
        QCOMPARE(third.json(), first.json());
        QCOMPARE(restartsOf(f.agent->oplog, kInterrupted), QStringList{id});

        // Another key is another request, not the first answer: refused, as the operation is restarted already.
        const Reply other = f.client->restart(kInterrupted, kOperatorToken, u"again"_s, u"other-key"_s);
        QCOMPARE(other.status, 409);
        QCOMPARE(other.json().value(u"error"_s).toString(), u"already restarted as %1 (Finished): restart that one if it failed too"_s.arg(id));
        QCOMPARE(records(f.agent->record).size(), 1);
    }

    void concurrentRestartsLaunchOnce_data() { viaRows(); }
    void concurrentRestartsLaunchOnce()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QByteArray a = "{\"reason\": \"first\", \"idempotencyKey\": \"a\"}";
        const QByteArray b = "{\"reason\": \"second\", \"idempotencyKey\": \"b\"}";
        QNetworkReply *one = f.client->send("POST", Client::restartPath(kSlow), kOperatorToken, a);
        QNetworkReply *two = f.client->send("POST", Client::restartPath(kSlow), kOperatorToken, b);
        const Reply r1 = Client::wait(one), r2 = Client::wait(two);
        QList<int> statuses{r1.status, r2.status};
        std::sort(statuses.begin(), statuses.end());
        QVERIFY2(statuses == QList<int>({202, 409}), r1.describe() + " / " + r2.describe());
        const Reply &refused = r1.status == 409 ? r1 : r2;
        QVERIFY2(refused.json().value(u"error"_s).toString().contains(u"already queued or running"_s), refused.body);
        QCOMPARE(restartsOf(f.agent->oplog, kSlow).size(), 1);
        QTRY_COMPARE(records(f.agent->record).size(), 1);
        // While it runs, a third one is refused as well.
        QCOMPARE(f.client->restart(kSlow).status, 409);
        QCOMPARE(records(f.agent->record).size(), 1);
    }

    // How a run ends: Finished, Failed with its exit status and last line, Failed when it runs too long.
    void runOutcome_data()
    {
        QTest::addColumn<QString>("operationId");
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("error");
        QTest::newRow("exit 0") << kInterrupted << u"Finished"_s << 0 << QString();
        QTest::newRow("exit 3") << kFails << u"Failed"_s << 3 << u"exit status 3: disk full"_s;
        QTest::newRow("timeout") << kTimeout << u"Failed"_s << -2 << u"timed out"_s;
    }
    void runOutcome()
    {
        QFETCH(QString, operationId);
        QFETCH(QString, type);
        QFETCH(int, exitCode);
        QFETCH(QString, error);
        Front f;
        QVERIFY(up(f, Via::Direct));
        QElapsedTimer clock;
        clock.start();
        const Reply r = f.client->restart(operationId);
        QVERIFY2(r.status == 202, r.describe());
        const QString id = r.json().value(u"operationId"_s).toString();
        QTRY_COMPARE_WITH_TIMEOUT(typesOf(f.agent->oplog, id).size(), 3, 10000);
        const QJsonObject last = eventsOf(f.agent->oplog, id).last();
        QCOMPARE(last.value(u"type"_s).toString(), type);
        QVERIFY2(last.value(u"error"_s).toString().contains(error), qPrintable(last.value(u"error"_s).toString()));
        QCOMPARE(last.contains(u"error"_s), !error.isEmpty());
        if (exitCode >= 0)
            QCOMPARE(last.value(u"exitCode"_s).toInt(-1), exitCode);
        if (error == u"timed out"_s) {
            QVERIFY(clock.elapsed() >= 900); // timeoutSeconds 1, not the stub's 30 s
            QVERIFY(!running(eventsOf(f.agent->oplog, id).value(1).value(u"pid"_s).toInteger()));
        }
    }

    // kill -9 of the agent: its run dies with it (parent-death signal); the next start records one Interrupted.
    void crashDuringARun()
    {
        Front f;
        QVERIFY(up(f, Via::Direct));
        const Reply r = f.client->restart(kSlow);
        QVERIFY2(r.status == 202, r.describe());
        const QString id = r.json().value(u"operationId"_s).toString();
        QTRY_COMPARE(typesOf(f.agent->oplog, id), QStringList({u"Queued"_s, u"Started"_s}));
        const qint64 pid = eventsOf(f.agent->oplog, id).value(1).value(u"pid"_s).toInteger();
        QVERIFY(running(pid));

        f.agent->crash();
        QTRY_VERIFY(!running(pid));
        QCOMPARE(typesOf(f.agent->oplog, id), QStringList({u"Queued"_s, u"Started"_s}));

        QVERIFY(f.agent->start());
        QCOMPARE(countType(f.agent->oplog, id, u"Interrupted"_s), 1);
        const QJsonObject interrupted = eventsOf(f.agent->oplog, id).last();
        QCOMPARE(interrupted.value(u"type"_s).toString(), u"Interrupted"_s);
        QCOMPARE(interrupted.value(u"runner"_s).toString(), u"oplensd"_s);
        QCOMPARE(interrupted.value(u"restartOf"_s).toString(), kSlow);
        QCOMPARE(interrupted.value(u"requestedBy"_s).toString(), kOperator);
        QVERIFY2(interrupted.value(u"error"_s).toString().contains(u"gone"_s), qPrintable(interrupted.value(u"error"_s).toString()));
        QVERIFY(f.agent->err().contains(u"recovered "_s + id));
        const QJsonObject marker = jsonLines(f.agent->oplog).last();
        QCOMPARE(marker.value(u"type"_s).toString(), u"ServiceStarted"_s);
        QCOMPARE(marker.value(u"module"_s).toString(), u"oplensd"_s);

        // Recovery again adds nothing; the interrupted restart may be restarted in turn.
        QCOMPARE(f.agent->stop(), 0);
        QVERIFY(f.agent->start());
        QCOMPARE(countType(f.agent->oplog, id, u"Interrupted"_s), 1);
        QCOMPARE(f.client->restart(id).status, 202);
    }

    // SIGTERM: the agent ends its runs and records them Interrupted, "agent stopped", before it exits.
    void gracefulStopDuringARun()
    {
        Front f;
        QVERIFY(up(f, Via::Direct));
        const Reply r = f.client->restart(kSlow);
        QVERIFY2(r.status == 202, r.describe());
        const QString id = r.json().value(u"operationId"_s).toString();
        QTRY_COMPARE(typesOf(f.agent->oplog, id), QStringList({u"Queued"_s, u"Started"_s}));
        const qint64 pid = eventsOf(f.agent->oplog, id).value(1).value(u"pid"_s).toInteger();

        QElapsedTimer clock;
        clock.start();
        QCOMPARE(f.agent->stop(), 0);
        QVERIFY(clock.elapsed() < 10000);
        QVERIFY(!running(pid));
        QCOMPARE(typesOf(f.agent->oplog, id), QStringList({u"Queued"_s, u"Started"_s, u"Interrupted"_s}));
        const QJsonObject last = eventsOf(f.agent->oplog, id).last();
        QCOMPARE(last.value(u"error"_s).toString(), u"agent stopped"_s);
        QCOMPARE(last.value(u"runner"_s).toString(), u"oplensd"_s);
        QCOMPARE(last.value(u"restartOf"_s).toString(), kSlow);
        QVERIFY(!last.contains(u"exitCode"_s));

        QVERIFY(f.agent->start());
        QCOMPARE(countType(f.agent->oplog, id, u"Interrupted"_s), 1);
    }

    // A runner oplog that cannot be written (a full filesystem: a 64 KiB tmpfs, under the runner's 1 MiB margin):
    // restarts are answered 503 with the runner's reason, and /v1/status says recording is not ok.
    void fullDiskAnswers503AndStatusSaysSo()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a tmpfs needs root");
        Front f;
        const QString fs = f.dir.path() + u"/fs"_s;
        QVERIFY(QDir().mkpath(fs));
        if (QProcess::execute(u"/bin/mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=64k"_s, u"tmpfs"_s, fs}) != 0)
            QSKIP("mount is refused here");
        const auto unmount = qScopeGuard([&] {
            if (f.agent)
                f.agent->stop();
            QProcess::execute(u"/bin/umount"_s, {fs});
        });
        QVERIFY(up(f, Via::Direct, [&](Agent &a) {
            const QString oplog = fs + u"/oplog.jsonl"_s;
            writeFile(oplog, readAll(a.oplog));
            a.oplog = oplog;
            QJsonArray logs = a.config.value(u"oplogs"_s).toArray();
            QJsonObject main = logs[0].toObject();
            main.insert(u"path"_s, oplog);
            logs[0] = main;
            a.config.insert(u"oplogs"_s, logs);
        }));
        Reply r = f.client->get(u"/v1/status"_s);
        QCOMPARE(r.json().value(u"recording"_s).toObject().value(u"ok"_s), QJsonValue(true));
        r = f.client->restart(kInterrupted);
        QVERIFY2(r.status == 503, r.describe());
        QVERIFY2(r.isError() && r.json().value(u"error"_s).toString().contains(u"cannot be written"_s), r.body);
        QVERIFY(restartsOf(f.agent->oplog, kInterrupted).isEmpty());
        r = f.client->get(u"/v1/status"_s);
        QCOMPARE(r.status, 200);
        const QJsonObject recording = r.json().value(u"recording"_s).toObject();
        QCOMPARE(recording.value(u"ok"_s), QJsonValue(false));
        QVERIFY2(recording.value(u"problem"_s).toString().contains(u"cannot be written"_s), r.body);
    }

    // minFreeBytes in the config is the runner's margin: more than any disk has refuses every restart with 503.
    void minFreeBytesFromTheConfig()
    {
        Front f;
        QVERIFY(up(f, Via::Direct, [](Agent &a) { a.config.insert(u"minFreeBytes"_s, double(qint64(1) << 50)); }));
        const Reply r = f.client->restart(kInterrupted);
        QVERIFY2(r.status == 503, r.describe());
        QVERIFY(restartsOf(f.agent->oplog, kInterrupted).isEmpty());
    }

    // ---- GET /v1/actions and /v1/oplog ---------------------------------------------------------------------------

    void actionsNeverShowArgv_data() { viaRows(); }
    void actionsNeverShowArgv()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const Reply r = f.client->get(u"/v1/actions"_s, kViewerToken);
        QCOMPARE(r.status, 200);
        const QJsonArray actions = QJsonDocument::fromJson(r.body).array();
        QCOMPARE(actions.size(), defaultActions().size());
        for (const QJsonValue &v : actions) {
            const QJsonObject a = v.toObject();
            QCOMPARE(QStringList(a.keys()), QStringList({u"module"_s, u"name"_s, u"parameters"_s}));
            if (a.value(u"name"_s).toString() == u"RestoreOnNewAccount"_s) {
                QStringList names;
                for (const QJsonValue &p : a.value(u"parameters"_s).toArray())
                    names << p.toString();
                names.sort();
                QCOMPARE(names, QStringList({u"destinationAccount"_s, u"sourceAccount"_s}));
            }
        }
        for (const QByteArray &secret : {QByteArray("argv"), QByteArray("recording_stub"), QByteArray("doSmartScan"),
                                        QByteArray("--sleep-ms"), QByteArray("A-Za-z0-9")})
            QVERIFY2(!r.body.contains(secret), secret);
    }

    void oplogWholeLines_data() { viaRows(); }
    void oplogWholeLines()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QString log = f.agent->serviceLog;
        const QByteArray whole = operation(kProbe, u"ZxBackup"_s, u"SmartScan"_s, {}, u"Finished"_s, 1700000000000);
        const QByteArray partial = "{\"module\": \"ZxBackup\", \"name\": \"Smart";
        QVERIFY(writeFile(log, whole + partial));

        Reply r = f.client->get(u"/v1/oplog?log=service&from=0"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, whole); // whole lines only
        QCOMPARE(r.header("X-Oplog-Size").toLongLong(), whole.size() + partial.size());
        QCOMPARE(r.header("X-Oplog-Next").toLongLong(), whole.size());
        const QByteArray epoch = r.header("X-Oplog-Epoch");
        QVERIFY(!epoch.isEmpty());

        const QByteArray rest = "Scan\", \"operationId\": \"x\", \"startTime\": 1700000001000, \"type\": \"Queued\"}" "\n";
        QVERIFY(appendFile(log, rest));
        r = f.client->get(u"/v1/oplog?log=service&from=%1"_s.arg(whole.size()), kViewerToken, {{"X-Oplog-Epoch", epoch}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, partial + rest);
        QCOMPARE(r.header("X-Oplog-Epoch"), epoch);
        const qint64 size = QFileInfo(log).size();
        QCOMPARE(r.header("X-Oplog-Next").toLongLong(), size);

        r = f.client->get(u"/v1/oplog?log=service&from=%1"_s.arg(size), kViewerToken, {{"X-Oplog-Epoch", epoch}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(r.header("X-Oplog-Next").toLongLong(), size);

        r = f.client->get(u"/v1/oplog?log=service&from=%1"_s.arg(size + 1));
        QCOMPARE(r.status, 409); // past the end: read again from 0
        QVERIFY(r.isError());
        QCOMPARE(r.header("X-Oplog-Epoch"), epoch);

        QCOMPARE(f.client->get(u"/v1/oplog?log=nothing&from=0"_s).status, 404);
        QCOMPARE(f.client->get(u"/v1/oplog?log=service&from=abc"_s).status, 400);
        QCOMPARE(f.client->get(u"/v1/oplog?log=service&from=0"_s, {}).status, 401);
    }

    void oplogStaleEpoch_data()
    {
        addVia();
        QTest::addColumn<bool>("replace");
        for (const Via via : {Via::Direct, Via::Nginx}) {
            QTest::addRow("%s: truncated", via == Via::Direct ? "direct" : "nginx") << via << false;
            QTest::addRow("%s: replaced", via == Via::Direct ? "direct" : "nginx") << via << true;
        }
    }
    void oplogStaleEpoch()
    {
        QFETCH(Via, via);
        QFETCH(bool, replace);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QString log = f.agent->serviceLog;
        QVERIFY(writeFile(log, operation(kProbe, u"ZxBackup"_s, u"SmartScan"_s, {}, u"Finished"_s, 1700000000000)));
        Reply r = f.client->get(u"/v1/oplog?log=service&from=0"_s);
        QCOMPARE(r.status, 200);
        const QByteArray epoch = r.header("X-Oplog-Epoch");
        const qint64 next = r.header("X-Oplog-Next").toLongLong();

        const QByteArray fresh = Event(u"new"_s, "Queued", 1700000100000).line();
        if (replace) { // rotated: a new file under the name
            QVERIFY(writeFile(log + u".new"_s, fresh + fresh));
            QVERIFY(::rename(QFile::encodeName(log + u".new"_s).constData(), QFile::encodeName(log).constData()) == 0);
        } else { // truncated in place, then written again
            QVERIFY(writeFile(log, fresh));
        }
        r = f.client->get(u"/v1/oplog?log=service&from=%1"_s.arg(next), kViewerToken, {{"X-Oplog-Epoch", epoch}});
        QVERIFY2(r.status == 409, r.describe());
        const QByteArray newEpoch = r.header("X-Oplog-Epoch");
        QVERIFY(!newEpoch.isEmpty() && newEpoch != epoch);
        r = f.client->get(u"/v1/oplog?log=service&from=0"_s, kViewerToken, {{"X-Oplog-Epoch", newEpoch}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, readAll(log));
        // An old epoch stays stale.
        QCOMPARE(f.client->get(u"/v1/oplog?log=service&from=0"_s, kViewerToken, {{"X-Oplog-Epoch", epoch}}).status, 409);
    }

    void oplogLongPoll_data() { viaRows(); }
    void oplogLongPoll()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QString log = f.agent->serviceLog;
        const QByteArray first = Event(u"a"_s, "Queued", 1700000000000).line();
        QVERIFY(writeFile(log, first));
        const QString from = u"/v1/oplog?log=service&from=%1&wait="_s.arg(first.size());

        // Nothing new: it holds the request for the wait, then answers with nothing.
        QElapsedTimer clock;
        clock.start();
        Reply r = f.client->get(from + u"1"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(r.header("X-Oplog-Next").toLongLong(), first.size());
        QVERIFY2(clock.elapsed() >= 900, QByteArray::number(clock.elapsed()));

        // A line appended while it waits: it answers with that line, long before the wait ends.
        const QByteArray second = Event(u"a"_s, "Started", 1700000001000).line();
        clock.restart();
        QNetworkReply *pending = f.client->send("GET", from + u"30"_s, kViewerToken);
        QObject context;
        QTimer::singleShot(700, &context, [&] { appendFile(log, second); });
        r = Client::wait(pending);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, second);
        QCOMPARE(r.header("X-Oplog-Next").toLongLong(), first.size() + second.size());
        QVERIFY2(clock.elapsed() >= 600 && clock.elapsed() < 10000, QByteArray::number(clock.elapsed()));
    }

    // A client that gives up on a long-poll: the agent drops the request, records it, and goes on.
    void oplogLongPollAborted_data() { viaRows(); }
    void oplogLongPollAborted()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QString log = f.agent->serviceLog;
        QList<QNetworkReply *> pending;
        for (int i = 0; i < 3; ++i)
            pending << f.client->send("GET", u"/v1/oplog?log=service&from=0&wait=30"_s, kViewerToken);
        QTRY_VERIFY(acceptedConnections(f.agent->port) >= 3);
        QTest::qWait(300); // their requests, sent as soon as connected, reach the agent and wait there
        for (QNetworkReply *reply : pending) {
            QVERIFY(!reply->isFinished());
            reply->abort();
            reply->deleteLater();
        }
        QTRY_COMPARE(jsonLines(f.agent->audit).size(), 3); // each aborted request is recorded
        for (const QJsonObject &a : jsonLines(f.agent->audit))
            QCOMPARE(a.value(u"status"_s).toInt(), 499);
        // Something new for the dropped requests: the agent must not answer into their closed connections.
        QVERIFY(appendFile(log, Event(u"a"_s, "Queued", 1700000000000).line()));
        const Reply r = f.client->get(u"/v1/oplog?log=service&from=0&wait=5"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, readAll(log));
        QVERIFY(f.agent->isRunning());
        QCOMPARE(f.client->get(u"/v1/status"_s).status, 200);
        QVERIFY(f.agent->isRunning());

        // A request still held when the agent stops does not keep it from ending cleanly.
        QNetworkReply *held = f.client->send("GET", u"/v1/oplog?log=service&from=%1&wait=30"_s.arg(QFileInfo(log).size()), kViewerToken);
        QTest::qWait(300);
        QCOMPARE(f.agent->stop(), 0);
        const Reply last = Client::wait(held, 10000);
        QVERIFY2(last.status != 200 || last.body.isEmpty(), last.describe());
    }

    // ---- audit (agent.md section 6) ------------------------------------------------------------------------------

    void auditRecordsEveryRequestWithoutSecrets_data() { viaRows(); }
    void auditRecordsEveryRequestWithoutSecrets()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        Client &c = *f.client;
        struct Expected {
            int status;
            QString method, path;
            QJsonValue identity;
        };
        QList<Expected> expected;
        const auto check = [&](const Reply &r, int status, const char *method, const QString &path, const QJsonValue &identity) {
            expected.append({status, QLatin1String(method), path, identity});
            return r.status == status;
        };
        QVERIFY(check(c.get(u"/v1/status"_s, kViewerToken), 200, "GET", u"/v1/status"_s, kViewer));
        QVERIFY(check(c.get(u"/v1/status"_s, {}), 401, "GET", u"/v1/status"_s, QJsonValue::Null));
        QVERIFY(check(c.get(u"/v1/actions"_s, kWrongToken), 401, "GET", u"/v1/actions"_s, QJsonValue::Null));
        QVERIFY(check(c.restart(kInterrupted, kViewerToken), 403, "POST", Client::restartPath(kInterrupted), kViewer));
        QVERIFY(check(c.call("POST", Client::restartPath(kInterrupted), kOperatorToken, "{"), 400, "POST",
                      Client::restartPath(kInterrupted), kOperator));
        const Reply launched = c.restart(kInterrupted, kOperatorToken, u"disk replaced"_s, u"audit-key"_s);
        QVERIFY(check(launched, 202, "POST", Client::restartPath(kInterrupted), kOperator));
        QVERIFY(check(c.get(u"/v1/oplog?log=main&from=0"_s, kOperatorToken), 200, "GET", u"/v1/oplog?log=main&from=0"_s, kOperator));
        QVERIFY(check(c.restart(kFinished), 409, "POST", Client::restartPath(kFinished), kOperator));

        QTRY_COMPARE(jsonLines(f.agent->audit).size(), expected.size());
        const QList<QJsonObject> audit = jsonLines(f.agent->audit);
        for (int i = 0; i < audit.size(); ++i) {
            const QJsonObject &a = audit[i];
            QVERIFY(QDateTime::fromString(a.value(u"time"_s).toString(), Qt::ISODateWithMs).isValid());
            QCOMPARE(a.value(u"remote"_s).toString().remove(u"::ffff:"_s), u"127.0.0.1"_s);
            QCOMPARE(a.value(u"status"_s).toInt(), expected[i].status);
            QCOMPARE(a.value(u"method"_s).toString(), expected[i].method);
            QCOMPARE(a.value(u"path"_s).toString(), expected[i].path);
            QCOMPARE(a.value(u"identity"_s), expected[i].identity);
        }
        const QJsonObject restart = audit[5];
        QCOMPARE(restart.value(u"restartOf"_s).toString(), kInterrupted);
        QCOMPARE(restart.value(u"operationId"_s).toString(), launched.json().value(u"operationId"_s).toString());
        QCOMPARE(restart.value(u"reason"_s).toString(), u"disk replaced"_s);
        QCOMPARE(audit[7].value(u"restartOf"_s).toString(), kFinished);

        const QByteArray text = readAll(f.agent->audit);
        for (const QByteArray &secret : {kOperatorToken, kViewerToken, kWrongToken, QByteArray("Bearer"),
                                         sha256(kOperatorToken).toLatin1(), sha256(kViewerToken).toLatin1()})
            QVERIFY2(!text.contains(secret), secret);
    }

    // ---- starting (agent.md section 1) ---------------------------------------------------------------------------

    void badConfigStopsAtStart_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value"); // undefined: the key is removed
        QTest::addColumn<QString>("expected"); // what the one line says
        QJsonArray badToken{QJsonObject{{u"identity"_s, kOperator}, {u"role"_s, u"operator"_s}, {u"sha256"_s, u"abc"_s}}};
        QJsonArray badRole{QJsonObject{{u"identity"_s, kOperator}, {u"role"_s, u"admin"_s}, {u"sha256"_s, sha256("x")}}};
        QJsonArray relative{QJsonObject{{u"module"_s, u"M"_s}, {u"name"_s, u"N"_s}, {u"argv"_s, strings({u"zxsuite"_s})}}};
        QJsonArray badPattern{QJsonObject{{u"module"_s, u"M"_s}, {u"name"_s, u"N"_s}, {u"argv"_s, strings({kStub, u"{p}"_s})},
                                          {u"parameters"_s, QJsonObject{{u"p"_s, u"("_s}}}}};
        QJsonArray undeclared{QJsonObject{{u"module"_s, u"M"_s}, {u"name"_s, u"N"_s}, {u"argv"_s, strings({kStub, u"{p}"_s})}}};
        QTest::newRow("token hash") << u"tokens"_s << QJsonValue(badToken) << u"tokens[0].sha256"_s;
        QTest::newRow("token role") << u"tokens"_s << QJsonValue(badRole) << u"tokens[0].role"_s;
        QTest::newRow("no tokens") << u"tokens"_s << QJsonValue(QJsonValue::Undefined) << u"tokens: required"_s;
        QTest::newRow("no oplogs") << u"oplogs"_s << QJsonValue(QJsonValue::Undefined) << u"oplogs: required"_s;
        QTest::newRow("no runnerOplog") << u"runnerOplog"_s << QJsonValue(QJsonValue::Undefined) << u"runnerOplog: required"_s;
        QTest::newRow("unknown runnerOplog") << u"runnerOplog"_s << QJsonValue(u"other"_s) << u"runnerOplog: \"other\""_s;
        QTest::newRow("relative program") << u"actions"_s << QJsonValue(relative) << u"actions[0].argv[0]"_s;
        QTest::newRow("bad pattern") << u"actions"_s << QJsonValue(badPattern) << u"actions[0].parameters.p"_s;
        QTest::newRow("undeclared parameter") << u"actions"_s << QJsonValue(undeclared) << u"actions[0].argv[1]"_s;
        QTest::newRow("unknown key") << u"listn"_s << QJsonValue(u"127.0.0.1:1"_s) << u"listn: unknown key"_s;
        QTest::newRow("bad listen") << u"listen"_s << QJsonValue(u"localhost"_s) << u"listen: expected ADDRESS:PORT"_s;
        QTest::newRow("non-loopback without tls") << u"listen"_s << QJsonValue(u"0.0.0.0:8470"_s) << u"listen: 0.0.0.0 is not a loopback address"_s;
        QTest::newRow("non-loopback v6 without tls") << u"listen"_s << QJsonValue(u"[::]:8470"_s) << u"listen: :: is not a loopback address"_s;
        QTest::newRow("negative minFreeBytes") << u"minFreeBytes"_s << QJsonValue(-1) << u"minFreeBytes"_s;
        QTest::newRow("runAsRoot not a boolean") << u"runAsRoot"_s << QJsonValue(u"yes"_s) << u"runAsRoot: must be true or false"_s;
        QTest::newRow("missing certificate") << u"tls"_s << QJsonValue(QJsonObject{{u"certificate"_s, u"/nonexistent/agent.pem"_s}, {u"key"_s, u"/nonexistent/agent.key"_s}})
                                             << u"tls.certificate: /nonexistent/agent.pem"_s;
    }
    void badConfigStopsAtStart()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        Agent agent(dir.path());
        if (value.isUndefined())
            agent.config.remove(key);
        else
            agent.config.insert(key, value);
        agent.writeConfig();
        const QByteArray before = readAll(agent.oplog);
        const Exit run = runToEnd(QStringLiteral(OPLENSD), {u"--config"_s, agent.configPath});
        QCOMPARE(run.code, 1);
        QVERIFY(run.out.isEmpty());
        const QStringList lines = run.err.trimmed().split(QLatin1Char('\n'));
        QVERIFY2(lines.size() == 1, qPrintable(run.err));
        QVERIFY2(lines.first().startsWith(u"oplensd: "_s) && lines.first().contains(expected), qPrintable(run.err));
        if (key != u"tls"_s) // the certificate is read when it listens, after recovery
            QCOMPARE(readAll(agent.oplog), before); // stopped before recovery and its ServiceStarted
        QVERIFY(!QFileInfo::exists(agent.audit));
    }

    void refusesRootUnlessTheConfigSaysSo()
    {
        if (::geteuid() != 0)
            QSKIP("not running as root");
        QTemporaryDir dir;
        Agent agent(dir.path());
        agent.config.remove(u"runAsRoot"_s);
        agent.writeConfig();
        const Exit run = runToEnd(QStringLiteral(OPLENSD), {u"--config"_s, agent.configPath});
        QCOMPARE(run.code, 1);
        QVERIFY2(run.err.trimmed().count(QLatin1Char('\n')) == 0 && run.err.contains(u"refusing to run as root"_s), qPrintable(run.err));
        agent.config.insert(u"runAsRoot"_s, false);
        agent.writeConfig();
        QCOMPARE(runToEnd(QStringLiteral(OPLENSD), {u"--config"_s, agent.configPath}).code, 1);
    }

    // Its own TLS (without nginx): trusted through the test CA only.
    void agentServesTls()
    {
        Front f;
        f.agent = std::make_unique<Agent>(f.dir.path());
        f.agent->config.insert(u"tls"_s, QJsonObject{{u"certificate"_s, m_pki.certificate}, {u"key"_s, m_pki.key}});
        QVERIFY2(f.agent->start(), qPrintable(f.agent->err()));
        const QString url = u"https://127.0.0.1:%1"_s.arg(f.agent->port);
        Client trusting(url, m_pki.ca);
        const Reply ok = trusting.get(u"/v1/status"_s);
        QVERIFY2(ok.status == 200, ok.describe());
        Client system(url);
        const Reply refused = system.get(u"/v1/status"_s);
        QCOMPARE(refused.error, QNetworkReply::SslHandshakeFailedError);
        QCOMPARE(refused.status, 0);
        // Plain HTTP to a TLS port gets nothing useful either.
        Client plain(u"http://127.0.0.1:%1"_s.arg(f.agent->port));
        QVERIFY(plain.get(u"/v1/status"_s).status != 200);
    }

    // ---- nginx in front: the shipped site ------------------------------------------------------------------------

    void nginxTlsAndLimits()
    {
        SKIP_WITHOUT_NGINX(Via::Nginx);
        Front f;
        QVERIFY(up(f, Via::Nginx));
        QCOMPARE(f.client->get(u"/v1/status"_s).status, 200);

        // Trusting the system's CAs only: the test CA's certificate is refused.
        Client system(f.base());
        const Reply refused = system.get(u"/v1/status"_s);
        QVERIFY2(refused.error == QNetworkReply::SslHandshakeFailedError, refused.describe());
        QCOMPARE(refused.status, 0);

        // Limits and refusals nginx answers itself; none reaches the agent.
        const int audited = int(jsonLines(f.agent->audit).size());
        Reply r = f.client->call("GET", u"/v1/status"_s, kViewerToken, {}, {{"X-Padding", QByteArray(10 * 1024, 'a')}});
        QVERIFY2(r.status == 400 || r.status == 431 || r.status == 494, r.describe()); // a header beyond 8 KiB
        r = f.client->call("POST", Client::restartPath(kInterrupted), kOperatorToken, QByteArray(16 * 1024 + 1, ' '));
        QVERIFY2(r.status == 413, r.describe());
        QVERIFY(r.isError());
        r = f.client->call("DELETE", u"/v1/status"_s, kOperatorToken);
        QCOMPARE(r.status, 403);
        r = f.client->get(u"/elsewhere"_s);
        QCOMPARE(r.status, 404);
        QVERIFY(r.isError());
        QCOMPARE(int(jsonLines(f.agent->audit).size()), audited);
        r = f.client->call("HEAD", u"/v1/status"_s, kViewerToken); // HEAD goes through, as GET does
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());

        // A body just under the limit reaches the agent.
        QByteArray padded = "{\"reason\": \"disk replaced\"}";
        padded += QByteArray(16 * 1024 - padded.size(), ' ');
        r = f.client->call("POST", Client::restartPath(kInterrupted), kOperatorToken, padded);
        QVERIFY2(r.status == 202, r.describe());

        // The agent gone: nginx says so in the agent's form.
        f.agent->stop();
        r = f.client->get(u"/v1/status"_s);
        QCOMPARE(r.status, 502);
        QVERIFY(r.isError());
        QVERIFY(!f.nginx->errorLog().contains(u"[emerg]"_s));
    }

    // ---- oplensctl -------------------------------------------------------------------------------------------------

    void ctlRecoverTwiceAddsNothing()
    {
        QTemporaryDir dir;
        const QString oplog = dir.path() + u"/oplog.jsonl"_s;
        // A pid that ran and is gone.
        QProcess gone;
        gone.start(kStub, {});
        QVERIFY(gone.waitForStarted(10000));
        const qint64 deadPid = gone.processId();
        QVERIFY(gone.waitForFinished(10000));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString boot = QString::fromLatin1(readAll(u"/proc/sys/kernel/random/boot_id"_s)).trimmed();
        const QJsonObject runner{{u"runner"_s, u"oplensctl"_s}};
        const auto started = [&](qint64 pid, const QString &bootId) {
            QJsonObject e = runner;
            e.insert(u"pid"_s, pid);
            e.insert(u"bootId"_s, bootId);
            return e;
        };
        const QString a = u"aaaaaaaa-0000-4000-8000-000000000001"_s, b = u"aaaaaaaa-0000-4000-8000-000000000002"_s,
                      c = u"aaaaaaaa-0000-4000-8000-000000000003"_s, alive = u"aaaaaaaa-0000-4000-8000-000000000004"_s,
                      foreign = u"aaaaaaaa-0000-4000-8000-000000000005"_s;
        QByteArray seed;
        seed += Event(a, "Started", now - 5000).set(started(deadPid, boot)).line();
        seed += Event(b, "Queued", now - 4000).set(runner).line();
        seed += Event(c, "Started", now - 3000).set(started(1, u"another-boot"_s)).line();
        seed += Event(alive, "Started", now).set(started(::getpid(), boot)).line();
        seed += Event(foreign, "Started", now - 2000).set({{u"pid"_s, deadPid}}).line();
        QVERIFY(writeFile(oplog, seed));

        const Exit first = runToEnd(QStringLiteral(OPLENSCTL), {u"recover"_s, u"--oplog"_s, oplog});
        QCOMPARE(first.code, 0);
        const QStringList printed = first.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(printed.size(), 3);
        QVERIFY(printed[0].startsWith(a) && printed[1].startsWith(b) && printed[2].startsWith(c));
        QCOMPARE(countType(oplog, a, u"Interrupted"_s), 1);
        QCOMPARE(countType(oplog, b, u"Interrupted"_s), 1);
        QCOMPARE(countType(oplog, c, u"Interrupted"_s), 1);
        QCOMPARE(countType(oplog, alive, u"Interrupted"_s), 0);   // its process still runs
        QCOMPARE(countType(oplog, foreign, u"Interrupted"_s), 0); // not a runner's
        QCOMPARE(eventsOf(oplog, a).last().value(u"runner"_s).toString(), u"oplensctl"_s);

        const QByteArray afterFirst = readAll(oplog);
        const Exit second = runToEnd(QStringLiteral(OPLENSCTL), {u"recover"_s, u"--oplog"_s, oplog});
        QCOMPARE(second.code, 0);
        QVERIFY(second.out.isEmpty());
        QVERIFY(second.err.contains(u"nothing was interrupted"_s));
        QCOMPARE(readAll(oplog), afterFirst);
    }

    void ctlRestartThroughTheAgent_data() { viaRows(); }
    void ctlRestartThroughTheAgent()
    {
        QFETCH(Via, via);
        SKIP_WITHOUT_NGINX(via);
        Front f;
        QVERIFY(up(f, via));
        const QString tokenFile = f.dir.path() + u"/token"_s;
        QVERIFY(writeFile(tokenFile, kOperatorToken + '\n'));
        const QString source = u"agent+"_s + f.base();
        QStringList common{u"--token-file"_s, tokenFile, u"--yes"_s, u"--reason"_s, u"disk replaced"_s};
        if (via == Via::Nginx)
            common << u"--cacert"_s << m_pki.caCertificate;

        // kInterrupted was superseded by kFinished (same parameters, finished since): oplensctl refuses it; kTimeout
        // is restarted and fails on its action's time limit.
        const Exit ok = runToEnd(QStringLiteral(OPLENSCTL), QStringList{u"restart"_s, kTimeout, source} + common);
        QVERIFY2(ok.code == 0, qPrintable(ok.err));
        const QString id = ok.out.trimmed().section(QLatin1Char(' '), 1);
        QCOMPARE(ok.out, u"%1 %2\n"_s.arg(kTimeout, id)); // OLD_ID NEW_ID
        QCOMPARE(restartsOf(f.agent->oplog, kTimeout), QStringList{id});
        const QJsonObject queued = eventsOf(f.agent->oplog, id).first();
        QCOMPARE(queued.value(u"requestedBy"_s).toString(), kOperator); // the token's identity, not the local user
        QCOMPARE(queued.value(u"reason"_s).toString(), u"disk replaced"_s);
        QTRY_COMPARE(typesOf(f.agent->oplog, id).value(2), u"Failed"_s);

        // Refused by the plan before anything is sent (the agent would answer 409).
        const Exit refused = runToEnd(QStringLiteral(OPLENSCTL), QStringList{u"restart"_s, kFinished, source} + common);
        QVERIFY2(refused.code == 4, qPrintable(refused.err));
        QCOMPARE(refused.out, u"%1 refused: it is Finished: only Interrupted, Failed or Aborted operations are restarted\n"_s.arg(kFinished));

        QVERIFY(writeFile(tokenFile, kViewerToken));
        const Exit viewer = runToEnd(QStringLiteral(OPLENSCTL), QStringList{u"restart"_s, kSlow, source} + common);
        QVERIFY2(viewer.code == 4, qPrintable(viewer.err));
        QVERIFY2(viewer.out.startsWith(kSlow + u" refused: "_s) && viewer.out.contains(u"403"_s), qPrintable(viewer.out));
        QVERIFY(restartsOf(f.agent->oplog, kSlow).isEmpty());
    }

    // ---- the systemd unit ------------------------------------------------------------------------------------------

    void systemdUnitIsValid()
    {
        const QString analyze = QStandardPaths::findExecutable(u"systemd-analyze"_s);
        if (analyze.isEmpty())
            QSKIP("systemd-analyze is not installed");
        QTemporaryDir dir;
        QString unit = QString::fromUtf8(readAll(QStringLiteral(DEPLOY_DIR "/oplensd.service")));
        QVERIFY(unit.contains(u"ExecStart=/usr/local/bin/oplensd --config "_s));
        for (const QString &setting : {u"User=oplens"_s, u"NoNewPrivileges=yes"_s, u"KillMode=mixed"_s, u"ProtectSystem="_s,
                                       u"CapabilityBoundingSet=\n"_s, u"LimitNOFILE="_s, u"MemoryMax="_s, u"TasksMax="_s})
            QVERIFY2(unit.contains(setting), qPrintable(setting));
        unit.replace(u"/usr/local/bin/oplensd"_s, QStringLiteral(OPLENSD)); // verify checks the program exists
        const QString path = dir.path() + u"/oplensd.service"_s;
        QVERIFY(writeFile(path, unit.toUtf8()));
        const Exit run = runToEnd(analyze, {u"verify"_s, path});
        const QStringList problems = run.err.split(QLatin1Char('\n')).filter(u"oplensd.service"_s);
        QVERIFY2(problems.isEmpty(), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestAgent)
#include "tst_agent.moc"
