// The one agent client (agentclient.h; docs/cli.md "Secrets", docs/agent.md section 3) against small servers of its
// own on loopback: the token goes in clear only to a literal loopback host, decided by each request before any
// lookup or connection; a redirect is never followed; a server that never answers, or trickles, ends in an error. And
// a RemoteSource's copy resumed after a failure says how much of the agent's size it has while the bytes come.
#include "agentclient.h"
#include "networkerror.h"
#include "remotesource.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <optional>

using namespace oplens;
using namespace Qt::StringLiterals;

namespace {

// Counts what reaches the network: a request refused before it counts nothing.
class CountingNetwork : public QNetworkAccessManager
{
public:
    int requests = 0;

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request, QIODevice *data) override
    {
        ++requests;
        return QNetworkAccessManager::createRequest(op, request, data);
    }
};

RemoteSpec agentAt(const QString &url)
{
    RemoteSpec spec;
    spec.kind = RemoteSpec::Kind::Agent;
    spec.auth = RemoteSpec::Auth::Bearer;
    spec.url = QUrl(url);
    spec.secret = "a-token";
    return spec;
}

// A server on 127.0.0.1 that answers every request as `behave` says (nothing, a redirect, a trickle).
enum class Behave { Silent, Redirect, Trickle };
class Server : public QObject
{
public:
    explicit Server(Behave behave) : m_behave(behave)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
            }
        });
    }
    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }
    QString authority() const { return u"127.0.0.1:%1"_s.arg(m_server.serverPort()); }
    int connections = 0;

private:
    void answer(QTcpSocket *socket)
    {
        socket->readAll();
        if (m_behave == Behave::Redirect) {
            socket->write("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.example.com/v1/status\r\nContent-Length: 0\r\n\r\n");
        } else if (m_behave == Behave::Trickle && !socket->property("trickling").toBool()) {
            socket->setProperty("trickling", true);
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{");
            auto *timer = new QTimer(socket); // a byte of the body every 200 ms: never idle long, never done
            connect(timer, &QTimer::timeout, socket, [socket] { socket->write("a"); });
            timer->start(200);
        }
    }
    QTcpServer m_server;
    Behave m_behave;
};

// An agent (docs/agent.md section 3) serving `oplog` in two answers of half of it each. The second is refused once
// (503); asked again, it sends half of its body and holds the rest: a copy resumed after a failure, caught mid-answer.
class HalvingAgent : public QObject
{
public:
    HalvingAgent(const QByteArray &oplog, qint64 half) : m_oplog(oplog), m_half(half)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
        });
    }
    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }
    int oplogRequests = 0;

private:
    void answer(QTcpSocket *socket)
    {
        if (socket->readAll().split(' ').value(1).startsWith("/v1/status")) {
            const QByteArray body = R"({"oplogs":[{"id":"main"}]})";
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                          + "\r\n\r\n" + body);
            return;
        }
        ++oplogRequests;
        if (oplogRequests == 2) {
            socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        const QByteArray body = oplogRequests == 1 ? m_oplog.left(m_half) : m_oplog.mid(m_half);
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nX-Oplog-Epoch: e1\r\nX-Oplog-Size: "
                      + QByteArray::number(m_oplog.size()) + "\r\nX-Oplog-Next: "
                      + QByteArray::number(oplogRequests == 1 ? m_half : m_oplog.size()) + "\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n" + (oplogRequests == 1 ? body : body.left(body.size() / 2)));
    }
    QTcpServer m_server;
    QByteArray m_oplog;
    qint64 m_half;
};

// An agent that answers every request with `response` (raw HTTP) once its header has come, and keeps each request's
// first line: what the client asked for, exactly.
class CannedAgent : public QObject
{
public:
    explicit CannedAgent(QByteArray response) : m_response(std::move(response))
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
        });
    }
    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }
    QList<QByteArray> requestLines;

private:
    void answer(QTcpSocket *socket)
    {
        const QByteArray received = socket->property("received").toByteArray() + socket->readAll();
        socket->setProperty("received", received);
        if (socket->property("answered").toBool() || !received.contains("\r\n\r\n"))
            return;
        socket->setProperty("answered", true);
        requestLines << received.left(received.indexOf("\r\n"));
        socket->write(m_response);
        socket->flush();
        socket->disconnectFromHost();
    }
    QTcpServer m_server;
    QByteArray m_response;
};

QByteArray http(const QByteArray &statusLine, const QByteArray &body)
{
    return "HTTP/1.1 " + statusLine + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
}

// Sends a restart of `id` to `agent`; its answer.
RestartAnswer restartThrough(const QString &url, const QString &id, QObject *context)
{
    QNetworkAccessManager network;
    AgentClient client(agentAt(url), &network);
    client.setTimeout(20);
    std::optional<RestartAnswer> answer;
    client.restart(id, u"r"_s, u"k"_s, context, [&](const RestartAnswer &a) { answer = a; });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 30000))
        return {0, {}, u"(no answer in the test's time)"_s, {}};
    return *answer;
}

// Waits (generously) for `reply` to end; its failure in words.
QString failureOf(QNetworkReply *reply, const RemoteSpec &spec, int waitMs = 60000)
{
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(waitMs))
        return u"(still running after %1 ms)"_s.arg(waitMs);
    return describeNetworkFailure(reply, spec);
}

} // namespace

class TestAgentClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyLiteralLoopbackTakesTheTokenInClear_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("inClear");
        QTest::newRow("127.0.0.1") << u"127.0.0.1"_s << true;
        QTest::newRow("127.8.9.10") << u"127.8.9.10"_s << true;
        QTest::newRow("::1") << u"[::1]"_s << true;
        QTest::newRow("localhost") << u"localhost"_s << true;
        QTest::newRow("IPv4-mapped loopback") << u"[::ffff:127.0.0.1]"_s << false;
        QTest::newRow("a name that may resolve to loopback") << u"localhost.localdomain"_s << false;
        QTest::newRow("localhost with a dot") << u"localhost."_s << false;
        QTest::newRow("127.0.0.1 as a name") << u"127.0.0.1.nip.io"_s << false;
        QTest::newRow("a LAN address") << u"10.0.0.1"_s << false;
        QTest::newRow("unspecified") << u"0.0.0.0"_s << false;
    }
    void onlyLiteralLoopbackTakesTheTokenInClear()
    {
        QFETCH(QString, host);
        QFETCH(bool, inClear);
        const RemoteSpec spec = agentAt(u"http://"_s + host + u":8470"_s);
        QCOMPARE(spec.checkTransport().isEmpty(), inClear);
        QString error;
        QCOMPARE(RemoteSpec::fromUrl(u"agent+http://"_s + host + u":8470"_s, &error).has_value(), inClear);
        // https is always fine: the token is not in clear.
        QVERIFY(agentAt(u"https://"_s + host + u":8470"_s).checkTransport().isEmpty());
    }

    // Before: status() and oplog() sent the token to whatever spec they were given; only some callers checked.
    void everyRequestChecksTheRuleItself()
    {
        CountingNetwork network;
        const RemoteSpec spec = agentAt(u"http://10.0.0.1:8470"_s); // as a caller might build it, unchecked
        AgentClient client(spec, &network);
        for (QNetworkReply *reply : {client.status(), client.oplog(0, {}, 0), client.oplog(10, u"e"_s, 25)}) {
            const QString why = failureOf(reply, spec);
            QVERIFY2(why.contains(u"use agent+https:// for this server (http would send the token in clear)"_s), qPrintable(why));
            reply->deleteLater();
        }
        std::optional<RestartAnswer> answer;
        client.restart(u"op"_s, u"r"_s, u"k"_s, this, [&](const RestartAnswer &a) { answer = a; });
        QTRY_VERIFY(answer);
        QCOMPARE(answer->status, 0);
        QVERIFY2(answer->error.contains(u"in clear"_s), qPrintable(answer->error));
        QCOMPARE(network.requests, 0); // nothing was looked up or sent
    }

    void aRedirectIsAnErrorNamingItsLocation()
    {
        Server server(Behave::Redirect);
        QNetworkAccessManager network;
        const RemoteSpec spec = agentAt(server.url());
        AgentClient client(spec, &network);
        QNetworkReply *status = client.status();
        const QString why = failureOf(status, spec);
        status->deleteLater();
        QVERIFY2(why.startsWith(u"302: "_s) && why.contains(u"(http://elsewhere.example.com/v1/status)"_s), qPrintable(why));
        std::optional<RestartAnswer> answer;
        client.restart(u"op"_s, u"r"_s, u"k"_s, this, [&](const RestartAnswer &a) { answer = a; });
        QTRY_VERIFY_WITH_TIMEOUT(answer, 60000);
        QCOMPARE(answer->status, 302);
        QVERIFY2(answer->error.contains(u"http://elsewhere.example.com/v1/status"_s), qPrintable(answer->error));
    }

    // Before: no way to bound it below the fixed 30 s, and a body trickling a byte now and then kept resetting the
    // transfer timeout: held for ever. With a 2 s limit, 20 s is a bound a loaded machine keeps and neither of those.
    void aServerThatNeverAnswersEndsInAnError_data()
    {
        QTest::addColumn<int>("behave");
        QTest::newRow("silent") << int(Behave::Silent);
        QTest::newRow("trickling its body") << int(Behave::Trickle);
    }
    void aServerThatNeverAnswersEndsInAnError()
    {
        QFETCH(int, behave);
        Server server{Behave(behave)};
        QNetworkAccessManager network;
        const RemoteSpec spec = agentAt(server.url());
        AgentClient client(spec, &network);
        client.setTimeout(2);
        QNetworkReply *status = client.status();
        const QString why = failureOf(status, spec, 20000);
        status->deleteLater();
        QCOMPARE(why, u"no answer in time from "_s + server.authority());
        std::optional<RestartAnswer> answer;
        client.restart(u"op"_s, u"r"_s, u"k"_s, this, [&](const RestartAnswer &a) { answer = a; });
        QTRY_VERIFY_WITH_TIMEOUT(answer, 20000);
        QCOMPARE(answer->status, 0);
        QCOMPARE(answer->error, u"no answer in time from "_s + server.authority());
        QVERIFY(server.connections >= 1);
    }

    // The Sources pane's "Reading 75% (… of …)" for a copy resumed after a failure: it said "Retrying in 0 s" while the
    // rest of the agent's oplog came.
    void aResumedCopySaysItIsReading()
    {
        QTemporaryDir cache;
        QVERIFY(cache.isValid());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(cache.path())); // the mirror's folder
        const QByteArray line = R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":1000})" "\n";
        const QByteArray oplog = line.repeated(400);
        const qint64 half = 200 * line.size();
        HalvingAgent agent(oplog, half);
        QNetworkAccessManager network;
        RemoteSource source(agentAt(agent.url()), &network);
        source.setFollow(false);
        source.start();
        const qint64 expected = half + (oplog.size() - half) / 2;
        QTRY_VERIFY_WITH_TIMEOUT(source.state().mirrored == expected, 20000); // the failure's retry comes after 1 s
        QCOMPARE(agent.oplogRequests, 3);
        QCOMPARE(source.state().failures, 1);
        QCOMPARE(source.state().phase, RemoteSource::Phase::Downloading);
        QCOMPARE(source.state().remoteSize, oplog.size());
    }

    // helper-28's D3: any 202 counted as launched, with no new operation named (a batch then waited for it for ever).
    void aRestartAnswerMustNameTheNewOperation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty object") << QByteArray("{}");
        QTest::newRow("not JSON") << QByteArray("accepted");
        QTest::newRow("empty id") << QByteArray(R"({"operationId":""})");
        QTest::newRow("a number") << QByteArray(R"({"operationId":42})");
    }
    void aRestartAnswerMustNameTheNewOperation()
    {
        QFETCH(QByteArray, body);
        CannedAgent agent(http("202 Accepted", body));
        const RestartAnswer answer = restartThrough(agent.url(), u"op-1"_s, this);
        QVERIFY(!answer.launched());
        QCOMPARE(answer.status, 202);
        QCOMPARE(answer.error, u"the agent's answer (202) names no new operation"_s);
        CannedAgent good(http("202 Accepted", R"({"operationId":"new-1","restartOf":"op-1","log":"main"})"));
        const RestartAnswer launched = restartThrough(good.url(), u"op-1"_s, this);
        QVERIFY(launched.launched());
        QCOMPARE(launched.operationId, u"new-1"_s);
        QCOMPARE(launched.log, u"main"_s);
    }

    // A 202 whose body is cut off is no answer: sent again with the same key, the agent answers it whole.
    void aRestartAnswerCutOffIsNoAnswer()
    {
        CannedAgent agent("HTTP/1.1 202 Accepted\r\nContent-Length: 500\r\n\r\n{\"operationId\":\"new-");
        const RestartAnswer answer = restartThrough(agent.url(), u"op-1"_s, this);
        QCOMPARE(answer.status, 0);
        QVERIFY(!answer.error.isEmpty());
    }

    // helper-29: a refused connection reached nothing (so a batch says "not launched", not "maybe launched"); an
    // answer that stopped midway may have.
    void whetherARestartMayHaveArrived()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        const RestartAnswer refused = restartThrough(u"http://127.0.0.1:%1"_s.arg(port), u"op-1"_s, this);
        QCOMPARE(refused.status, 0);
        QVERIFY(!refused.reached);
        CannedAgent agent("HTTP/1.1 202 Accepted\r\nContent-Length: 500\r\n\r\n{");
        QVERIFY(restartThrough(agent.url(), u"op-1"_s, this).reached);
    }

    // helper-28's D6: answers read whole without a limit (a 400 MB 202 took 432 MB).
    void answersOverTheLimitAreCutOff()
    {
        const QByteArray huge = "[" + QByteArray(17 << 20, ' ') + "]";
        CannedAgent agent(http("202 Accepted", huge));
        const RestartAnswer answer = restartThrough(agent.url(), u"op-1"_s, this);
        QCOMPARE(answer.status, 0);
        QCOMPARE(answer.error, u"the agent's answer is larger than 16 MiB: cut off"_s);
        CannedAgent lister(http("200 OK", huge));
        QNetworkAccessManager network;
        const RemoteSpec spec = agentAt(lister.url());
        AgentClient client(spec, &network);
        QNetworkReply *actions = client.actions();
        QCOMPARE(failureOf(actions, spec), u"the agent's answer is larger than 16 MiB: cut off"_s);
        actions->deleteLater();
    }

    // helper-28's D4: "%2F" in an encoded log id was taken by the next arg() as its place marker: "zx/main" became
    // "zx0Fmain".
    void aLogIdIsSentAsItIs()
    {
        CannedAgent agent(http("200 OK", ""));
        QNetworkAccessManager network;
        RemoteSpec spec = agentAt(agent.url());
        spec.log = u"zx/main+1,*"_s;
        AgentClient client(spec, &network);
        QNetworkReply *reply = client.oplog(7, {}, 0);
        QTRY_VERIFY(reply->isFinished());
        reply->deleteLater();
        QCOMPARE(agent.requestLines.value(0), QByteArray("GET /v1/oplog?log=zx%2Fmain%2B1%2C%2A&from=7 HTTP/1.1"));
    }

    // helper-28's D8: the ids "." and ".." were resolved as path segments: a restart of ".." was sent to /v1/restart.
    void dotIdsAreRefusedBeforeSending()
    {
        CannedAgent agent(http("202 Accepted", R"({"operationId":"new-1"})"));
        for (const QString &id : {u"."_s, u".."_s}) {
            const RestartAnswer answer = restartThrough(agent.url(), id, this);
            QCOMPARE(answer.status, 400);
            QCOMPARE(answer.error, u"the operation id \"%1\" cannot be sent to an agent"_s.arg(id));
        }
        QNetworkAccessManager network;
        AgentClient client(agentAt(agent.url()), &network);
        std::optional<AcknowledgementAnswer> ack;
        client.acknowledge(u".."_s, u"main"_s, u"c"_s, this, [&](const AcknowledgementAnswer &a) { ack = a; });
        QTRY_VERIFY(ack.has_value());
        QCOMPARE(ack->status, 400);
        QVERIFY(agent.requestLines.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAgentClient)
#include "tst_agentclient.moc"
