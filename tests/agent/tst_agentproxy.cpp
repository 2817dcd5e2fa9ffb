// oplensd behind a reverse proxy (agent.md sections 1 and 2, `trustedProxies`; issue 12): through the shipped nginx
// site, one client's bad tokens lock out that client only, and the audit log names the client, not nginx; an
// X-Forwarded-For from anyone but a trusted proxy is ignored, and nginx replaces the one a client sends. The agent
// and nginx run as processes; clients connect from chosen loopback addresses (127.0.0.2, 127.0.0.3, ...), to nginx
// over TLS (QSslSocket) or to the agent directly (rawhttp.h).
#include "rawhttp.h"
#include "testoplog.h"
#include "testservers.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using rawhttp::requestBytes;
using testoplog::jsonLines;
using testservers::kOperatorToken;
using testservers::kViewerToken;

namespace {

const QByteArray kWrongToken = "wrong-5c0ffee-do-not-log-me";
const QString kNginx = u"127.0.0.1"_s; // the address nginx connects to the agent from

struct Answer {
    int status = 0; // 0: no answer
    QByteArray body;
    QByteArray describe() const { return QByteArray::number(status) + ": " + body.left(200); }
};

// One request on a new connection from `source` (an address of 127.0.0.0/8), read to the connection's end. With `ca`,
// TLS to nginx verified against it; without, plain HTTP to the agent.
Answer ask(quint16 port, const QString &source, const QByteArray &request, const QList<QSslCertificate> &ca = {})
{
    QSslSocket socket;
    if (!socket.bind(QHostAddress(source)))
        return {};
    if (!ca.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(ca);
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
        if (!socket.waitForEncrypted(10000))
            return {};
    } else {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(10000))
            return {};
    }
    socket.write(request);
    QByteArray all;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(10000))
        all += socket.readAll();
    all += socket.readAll();
    const qsizetype end = all.indexOf("\r\n\r\n");
    if (end < 0)
        return {};
    return {all.left(all.indexOf('\r')).split(' ').value(1).toInt(), all.mid(end + 4)};
}

// GET /v1/status with `token` (none when empty) and more header lines; the connection closes after the answer.
QByteArray status(const QByteArray &token, QList<QByteArray> lines = {})
{
    lines << "Connection: close";
    return requestBytes("GET", "/v1/status", token, lines);
}

} // namespace

class TestAgentProxy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_pkiDir;
    testservers::Pki m_pki;

    // An agent that trusts nginx's address (unless `configure` says otherwise), and nginx in front of it on request.
    struct Front {
        QTemporaryDir dir;
        std::unique_ptr<testservers::Agent> agent;
        std::unique_ptr<testservers::Nginx> nginx; // ended before the agent

        QList<QJsonObject> audit() const { return jsonLines(agent->audit); }
        // The `remote` of every audit line, in order.
        QStringList remotes() const
        {
            QStringList all;
            for (const QJsonObject &line : audit())
                all << line.value(u"remote"_s).toString();
            return all;
        }
    };

    bool up(Front &f, bool withNginx, const std::function<void(testservers::Agent &)> &configure = {})
    {
        if (!f.dir.isValid())
            return false;
        f.agent = std::make_unique<testservers::Agent>(f.dir.path());
        f.agent->config.insert(u"trustedProxies"_s, QJsonArray{kNginx});
        if (configure)
            configure(*f.agent);
        if (!f.agent->start()) {
            qWarning("oplensd did not start: %s", qPrintable(f.agent->err()));
            return false;
        }
        if (!withNginx)
            return true;
        f.nginx = std::make_unique<testservers::Nginx>(f.dir.path(), testservers::oplensdSite(m_pki, f.agent->port));
        QString why;
        if (!f.nginx->start(&why)) {
            qWarning("nginx did not start: %s", qPrintable(why));
            return false;
        }
        return true;
    }

    // Ten failed attempts from `source`, each answered 401 (the eleventh would be 429).
    static bool failTenTimes(const std::function<Answer(const QByteArray &request)> &send)
    {
        for (int i = 0; i < 10; ++i) {
            const Answer a = send(status(i % 2 ? kWrongToken : QByteArray()));
            if (a.status != 401) {
                qWarning("attempt %d: %s", i + 1, a.describe().constData());
                return false;
            }
        }
        return true;
    }

    static bool lockedOut(const Answer &a)
    {
        return a.status == 429 && a.body.contains("failed attempts"); // the agent's 429, not nginx's rate limit
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(QStringLiteral(OPLENSD)).isExecutable(), OPLENSD);
        QVERIFY(m_pkiDir.isValid());
        QVERIFY2(QFileInfo(QStringLiteral(OPENSSL)).isExecutable(), "openssl is needed to make the test certificates");
        QVERIFY(testservers::generatePki(m_pkiDir.path(), &m_pki));
    }

    // Through nginx: 127.0.0.2's ten bad tokens lock out 127.0.0.2; 127.0.0.3, through the same nginx, is not locked
    // out (without trustedProxies both are nginx's 127.0.0.1 and share the lockout). The audit names each client.
    void throughNginxOnlyTheGuesserIsLockedOut()
    {
        if (!testservers::haveNginx())
            QSKIP("nginx is not installed (scripts/setup.sh installs nginx-light)");
        Front f;
        QVERIFY(up(f, true));
        const quint16 port = f.nginx->port;
        const auto from = [&](const QString &source) {
            return [&, source](const QByteArray &request) { return ask(port, source, request, m_pki.ca); };
        };
        QVERIFY(failTenTimes(from(u"127.0.0.2"_s)));
        const Answer locked = from(u"127.0.0.2"_s)(status(kWrongToken));
        QVERIFY2(lockedOut(locked), locked.describe());

        // Another client through the same nginx: its bad token is a 401 (not 429), its good one works.
        Answer other = from(u"127.0.0.3"_s)(status(kWrongToken));
        QVERIFY2(other.status == 401, other.describe());
        other = from(u"127.0.0.3"_s)(status(kOperatorToken));
        QVERIFY2(other.status == 200, other.describe());
        // A valid token is never refused, even from the locked-out client.
        const Answer valid = from(u"127.0.0.2"_s)(status(kViewerToken));
        QVERIFY2(valid.status == 200, valid.describe());

        QTRY_COMPARE(f.audit().size(), 14);
        const QStringList expected = QStringList(11, u"127.0.0.2"_s) + QStringList{u"127.0.0.3"_s, u"127.0.0.3"_s, u"127.0.0.2"_s};
        QCOMPARE(f.remotes(), expected); // never nginx's 127.0.0.1
        QCOMPARE(f.audit()[10].value(u"status"_s).toInt(), 429);
        QCOMPARE(f.audit()[12].value(u"identity"_s).toString(), testservers::kOperator);
    }

    // nginx-oplensd.conf sets X-Forwarded-For to the address it sees: a client's own header does not reach the agent.
    void nginxReplacesTheClientsHeader()
    {
        if (!testservers::haveNginx())
            QSKIP("nginx is not installed (scripts/setup.sh installs nginx-light)");
        Front f;
        QVERIFY(up(f, true));
        const quint16 port = f.nginx->port;
        const auto forged = [&](const QByteArray &request) {
            QByteArray r = request;
            r.replace("\r\n\r\n", "\r\nX-Forwarded-For: 127.0.0.9\r\n\r\n");
            return ask(port, u"127.0.0.2"_s, r, m_pki.ca);
        };
        QVERIFY(failTenTimes(forged));
        const Answer locked = forged(status(kWrongToken));
        QVERIFY2(lockedOut(locked), locked.describe());
        // The address it claimed is not the one locked out.
        const Answer claimed = ask(port, u"127.0.0.9"_s, status(kWrongToken), m_pki.ca);
        QVERIFY2(claimed.status == 401, claimed.describe());
        QTRY_COMPARE(f.audit().size(), 12);
        QCOMPARE(f.remotes(), QStringList(11, u"127.0.0.2"_s) + QStringList{u"127.0.0.9"_s});
    }

    // Straight to the agent from an address that is not a trusted proxy: X-Forwarded-For is ignored. The client's own
    // address is locked out; the address it names is not.
    void forgedHeaderFromAnUntrustedPeerIsIgnored()
    {
        Front f;
        QVERIFY(up(f, false));
        const quint16 port = f.agent->port;
        const auto forged = [&](const QByteArray &request) {
            QByteArray r = request;
            r.replace("\r\n\r\n", "\r\nX-Forwarded-For: 127.0.0.9\r\n\r\n");
            return ask(port, u"127.0.0.2"_s, r);
        };
        QVERIFY(failTenTimes(forged));
        Answer a = forged(status(kWrongToken));
        QVERIFY2(lockedOut(a), a.describe());
        a = ask(port, u"127.0.0.9"_s, status(kWrongToken));
        QVERIFY2(a.status == 401, a.describe());
        QTRY_COMPARE(f.audit().size(), 12);
        QCOMPARE(f.remotes(), QStringList(11, u"127.0.0.2"_s) + QStringList{u"127.0.0.9"_s});
    }

    // From a trusted proxy (127.0.0.1, here without nginx, so the header is what the test sends): the last entry of
    // the header, when it is an IP address; else the proxy's own address. `trusted` false: an agent without
    // trustedProxies, which ignores the header.
    void clientAddressFromATrustedProxy_data()
    {
        QTest::addColumn<bool>("trusted");
        QTest::addColumn<QList<QByteArray>>("lines");
        QTest::addColumn<QString>("remote");
        const auto row = [](const char *tag, QList<QByteArray> lines, const QString &remote, bool trusted = true) {
            QTest::newRow(tag) << trusted << lines << remote;
        };
        row("one address", {"X-Forwarded-For: 127.0.0.7"}, u"127.0.0.7"_s);
        row("a list: its last entry", {"X-Forwarded-For: 10.1.2.3,127.0.0.5 , 127.0.0.8"}, u"127.0.0.8"_s);
        row("two lines: the last one's", {"X-Forwarded-For: 127.0.0.7", "x-forwarded-for: 127.0.0.8"}, u"127.0.0.8"_s);
        row("IPv6", {"X-Forwarded-For: 2001:db8::1"}, u"2001:db8::1"_s);
        row("IPv4-mapped IPv6", {"X-Forwarded-For: ::ffff:127.0.0.7"}, u"127.0.0.7"_s);
        row("no header", {}, kNginx);
        row("empty", {"X-Forwarded-For: "}, kNginx);
        row("not an address", {"X-Forwarded-For: unknown"}, kNginx);
        row("an address with a port", {"X-Forwarded-For: 127.0.0.7:5000"}, kNginx);
        row("a name", {"X-Forwarded-For: mail1.example.com"}, kNginx);
        row("a last entry that is empty", {"X-Forwarded-For: 127.0.0.7,"}, kNginx);
        row("a long one", {"X-Forwarded-For: " + QByteArray(4000, '1')}, kNginx);
        row("no trustedProxies", {"X-Forwarded-For: 127.0.0.7"}, kNginx, false);
    }
    void clientAddressFromATrustedProxy()
    {
        QFETCH(bool, trusted);
        QFETCH(QList<QByteArray>, lines);
        QFETCH(QString, remote);
        Front f;
        QVERIFY(up(f, false, [&](testservers::Agent &a) {
            if (!trusted)
                a.config.remove(u"trustedProxies"_s);
        }));
        const Answer a = ask(f.agent->port, kNginx, status(kViewerToken, lines));
        QVERIFY2(a.status == 200, a.describe());
        QTRY_COMPARE(f.audit().size(), 1);
        QCOMPARE(f.remotes(), QStringList{remote});
    }

    // The listener's own refusals (413, 414, 431) and the lockout's 429 name the same client as everything else.
    void refusalsNameTheClient_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const QByteArray forwarded = "X-Forwarded-For: 127.0.0.7";
        QTest::newRow("413") << requestBytes("POST", "/v1/operations/x/restart", kOperatorToken,
                                             {forwarded, "Content-Length: 20000", "Connection: close"}) << 413;
        QTest::newRow("414") << requestBytes("GET", "/v1/status?" + QByteArray(9000, 'a'), kViewerToken,
                                             {forwarded, "Connection: close"}) << 414;
        QTest::newRow("431") << requestBytes("GET", "/v1/status", kViewerToken,
                                             {forwarded, "X-Padding: " + QByteArray(17000, 'p'), "Connection: close"}) << 431;
        QTest::newRow("401") << requestBytes("GET", "/v1/status", kWrongToken, {forwarded, "Connection: close"}) << 401;
    }
    void refusalsNameTheClient()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        Front f;
        QVERIFY(up(f, false));
        rawhttp::Connection c; // rawhttp: a POST's Content-Length without its body
        QVERIFY(c.connect(f.agent->port, "127.0.0.1"));
        const std::optional<rawhttp::Response> r = c.request(request.replace("Content-Length: 0\r\n", ""));
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QTRY_COMPARE(f.audit().size(), 1);
        QCOMPARE(f.audit().first().value(u"status"_s).toInt(), status);
        QCOMPARE(f.remotes(), QStringList{u"127.0.0.7"_s});
    }

    // A bad entry stops the agent at start with one line naming it.
    void badTrustedProxies_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("error");
        QTest::newRow("not an array") << QJsonValue(u"127.0.0.1"_s) << u"trustedProxies: must be an array"_s;
        QTest::newRow("a name") << QJsonValue(QJsonArray{kNginx, u"localhost"_s}) << u"trustedProxies[1]: not an IP address"_s;
        QTest::newRow("a range") << QJsonValue(QJsonArray{u"10.0.0.0/8"_s}) << u"trustedProxies[0]: not an IP address"_s;
        QTest::newRow("a number") << QJsonValue(QJsonArray{1}) << u"trustedProxies[0]: must be a non-empty string"_s;
    }
    void badTrustedProxies()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, error);
        QTemporaryDir dir;
        testservers::Agent agent(dir.path());
        agent.config.insert(u"trustedProxies"_s, value);
        QVERIFY(!agent.start());
        const QStringList lines = agent.err().trimmed().split(u'\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(u"oplensd: "_s) && lines.first().contains(error), qPrintable(lines.first()));
    }
};

QTEST_GUILESS_MAIN(TestAgentProxy)
#include "tst_agentproxy.moc"
