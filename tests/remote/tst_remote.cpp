// Remote sources against real servers on loopback (cli.md "Sources"; design.md "Tests"): nginx serving oplog files
// over TLS with the test CA (open, HTTP Basic, and a bearer token), and oplensd (agent.md). RemoteSource's mirror,
// its follow by Range and ETag, rotation, credentials, certificates and the trust of one certificate; oplensctl as a
// process, with --cacert, --user/--password-file, --token-file and --workspace.
// XDG_CONFIG_HOME and XDG_CACHE_HOME point into a temporary folder: the trusted certificates and the mirrors never
// touch the real home.
#include "certificatetrust.h"
#include "remotesource.h"
#include "remotespec.h"
#include "testoplog.h"
#include "testservers.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace testfiles;
using namespace testservers;
using testoplog::Event;
using oplens::CertificateProblem;
using oplens::RemoteSource;
using oplens::RemoteSpec;
using oplens::TrustedCertificates;

namespace {

const QByteArray kWebToken = "web-4e1d7a22-do-not-log-me"; // /bearer/ on nginx
const QString kUser = u"reader"_s;                          // /basic/ on nginx
const QByteArray kPassword = "pa55-word-9c1b";

// `operations` operations (Started, then Finished), JSON Lines as the service writes them; ids are new each call.
QByteArray oplogLines(const QString &module, int operations, qint64 time = 1700000000000)
{
    QByteArray out;
    for (int i = 0; i < operations; ++i) {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        for (const char *type : {"Started", "Finished"})
            out += Event(id, type, time + i * 1000 + (type[0] == 'F' ? 500 : 0))
                       .module(module)
                       .set(u"requestedBy", u"zimbra"_s)
                       .parameters({{u"origin"_s, u"Cron"_s}})
                       .line();
    }
    return out;
}

// An oplog of exactly `size` bytes: operations, then a line of padding (not an event; the mirror only copies bytes).
QByteArray oplogOfSize(const QString &module, qsizetype size, qint64 time)
{
    QByteArray out;
    for (;;) {
        const QByteArray next = oplogLines(module, 1, time + out.size());
        if (out.size() + next.size() > size - 32)
            break;
        out += next;
    }
    out += "{\"padding\":\"" + QByteArray(size - out.size() - 15, 'x') + "\"}\n";
    return out;
}

// nginx's ETag of a static file: "MTIME-SIZE", both in hex (ngx_http_set_etag).
QString etagOf(const QString &path)
{
    const QFileInfo info(path);
    return u"%1-%2"_s.arg(info.lastModified().toSecsSinceEpoch(), 0, 16).arg(info.size(), 0, 16);
}

int lineCount(const QByteArray &data) { return int(data.count('\n')); }

// A static-file server over TLS: / open, /basic/ behind HTTP Basic, /bearer/ behind a bearer token, /norange/ without
// Range requests (the whole file, 200, every time).
QString fileSite(const Pki &pki, const QString &root, const QString &htpasswd)
{
    QString site = uR"(server {
    listen @LISTEN@ ssl;
    server_name 127.0.0.1;
    ssl_certificate %1;
    ssl_certificate_key %2;
    root %3;
    default_type application/octet-stream;
    location / {
    }
    location /basic/ {
        auth_basic "OpLens test";
        auth_basic_user_file %4;
    }
    location /bearer/ {
        if ($http_authorization != "Bearer %5") {
            return 401;
        }
    }
    location /norange/ {
        max_ranges 0;
    }
}
)"_s;
    return site.arg(pki.certificate, pki.key, root, htpasswd, QString::fromLatin1(kWebToken));
}

// The certificate's SHA-256 as certificateFingerprint() writes it: "AB:CD:...", computed here on its own.
QString sha256Of(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

// Reading is over: the mirror holds the file, or the source gave up (setRetry(false)).
bool settled(const RemoteSource &source, int timeoutMs = 20000)
{
    return QTest::qWaitFor([&] { return source.state().ready || source.state().phase == RemoteSource::Phase::Failed; },
                           timeoutMs);
}

QString describe(const RemoteSource &source)
{
    const RemoteSource::State &s = source.state();
    return u"%1: phase %2, ready %3, error \"%4\", notice \"%5\", mirrored %6"_s.arg(source.spec().name(), oplens::phaseName(s.phase))
        .arg(s.ready).arg(s.error, s.notice).arg(s.mirrored);
}

QJsonArray operationList(const QString &json) { return QJsonDocument::fromJson(json.toUtf8()).object().value(u"operationList"_s).toArray(); }

// oplensctl --json's events counted by their "source".
QHash<QString, int> eventsPerSource(const QString &json)
{
    QHash<QString, int> counts;
    for (const QJsonValue &e : operationList(json))
        ++counts[e.toObject().value(u"source"_s).toString()];
    return counts;
}

} // namespace

// No raw string literals inside the class: moc 6.4 then loses the class ("No relevant classes found").
class TestRemote : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;     // XDG_CONFIG_HOME and XDG_CACHE_HOME
    QTemporaryDir m_pkiDir, m_otherPkiDir;
    Pki m_pki;                // the CA of every server of these tests
    Pki m_other;              // another CA, and a certificate of its own for 127.0.0.1
    QTemporaryDir m_webDir;   // nginx's files, and the folder it serves (m_root)
    QString m_root;
    std::unique_ptr<Nginx> m_web;

    QString url(const QString &path) const { return m_web->url() + path; }
    QString served(const QString &path) const { return m_root + path; }

    // A source of the file at `path` on m_web, trusting the test CA unless `caFile` says otherwise (empty: the
    // system's CAs only); it gives up at the first failure.
    std::unique_ptr<RemoteSource> fileSource(QNetworkAccessManager *network, const QString &path,
                                             RemoteSpec::Auth auth = RemoteSpec::Auth::None, const QString &user = {},
                                             const QByteArray &secret = {}, const std::optional<QString> &caFile = {})
    {
        QString error;
        auto spec = RemoteSpec::fromUrl(url(path), &error);
        if (!spec) {
            qWarning("%s", qPrintable(error));
            return nullptr;
        }
        spec->auth = auth;
        spec->user = user;
        spec->secret = secret;
        spec->caFile = caFile.value_or(m_pki.caCertificate);
        auto source = std::make_unique<RemoteSource>(*spec, network);
        source->setRetry(false);
        return source;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid() && m_pkiDir.isValid() && m_otherPkiDir.isValid() && m_webDir.isValid());
        QVERIFY(QDir().mkpath(m_home.path() + u"/config"_s) && QDir().mkpath(m_home.path() + u"/cache"_s));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.path() + u"/config"_s));
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_home.path() + u"/cache"_s));
        qunsetenv("OPLENS_TOKEN");
        QVERIFY(TrustedCertificates::defaultPath().startsWith(m_home.path()));
        QVERIFY(QStandardPaths::writableLocation(QStandardPaths::CacheLocation).startsWith(m_home.path()));

        QVERIFY2(QFileInfo(QStringLiteral(OPENSSL)).isExecutable(), "openssl is needed to make the test certificates");
        QVERIFY2(QFileInfo(QStringLiteral(OPLENSD)).isExecutable(), OPLENSD);
        QVERIFY2(QFileInfo(QStringLiteral(OPLENSCTL)).isExecutable(), OPLENSCTL);
        if (!haveNginx())
            QSKIP("nginx is not installed (scripts/setup.sh installs nginx-light)");
        QVERIFY(generatePki(m_pkiDir.path(), &m_pki));
        QVERIFY(generatePki(m_otherPkiDir.path(), &m_other, u"Another test CA"_s));
        QVERIFY(sha256Of(m_pki.server) != sha256Of(m_other.server));

        // The served folder: the same oplog open, behind Basic and behind a token; and a page that is no oplog.
        m_root = m_webDir.path() + u"/www"_s;
        QVERIFY(QDir().mkpath(m_root + u"/basic"_s) && QDir().mkpath(m_root + u"/bearer"_s) && QDir().mkpath(m_root + u"/norange"_s));
        const QByteArray oplog = oplogLines(u"ZxBackup"_s, 1500); // ~0.5 MB: several reads of the body
        QVERIFY(writeFile(served(u"/oplog.jsonl"_s), oplog));
        QVERIFY(writeFile(served(u"/basic/oplog.jsonl"_s), oplog));
        QVERIFY(writeFile(served(u"/bearer/oplog.jsonl"_s), oplog));
        QVERIFY(writeFile(served(u"/page.html"_s), "<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>\n"));
        const Exit hash = runToEnd(QStringLiteral(OPENSSL), {u"passwd"_s, u"-apr1"_s, QString::fromLatin1(kPassword)});
        QVERIFY2(hash.code == 0 && hash.out.startsWith(u"$apr1$"_s), qPrintable(hash.err));
        const QString htpasswd = m_webDir.path() + u"/htpasswd"_s;
        QVERIFY(writeFile(htpasswd, (kUser + u':' + hash.out.trimmed() + u'\n').toUtf8()));

        m_web = std::make_unique<Nginx>(m_webDir.path(), fileSite(m_pki, m_root, htpasswd));
        QString why;
        QVERIFY2(m_web->start(&why), qPrintable(why));
    }

    void cleanupTestCase() { m_web.reset(); }

    // ---- a file on a web server ----------------------------------------------------------------------------------

    void readsTheWholeFile()
    {
        QNetworkAccessManager network;
        auto source = fileSource(&network, u"/oplog.jsonl"_s);
        QVERIFY(source);
        source->setFollow(false);
        QSignalSpy caughtUp(source.get(), &RemoteSource::caughtUp);
        QSignalSpy replaced(source.get(), &RemoteSource::mirrorReplaced);
        source->start();
        QVERIFY2(settled(*source), qPrintable(describe(*source)));
        QVERIFY2(source->state().ready, qPrintable(describe(*source)));
        QCOMPARE(caughtUp.count(), 1);
        QCOMPARE(replaced.count(), 0);
        const QByteArray expected = readAll(served(u"/oplog.jsonl"_s));
        const QString mirror = source->mirrorPath();
        QVERIFY(mirror.startsWith(m_home.path())); // under XDG_CACHE_HOME
        QCOMPARE(readAll(mirror), expected);
        QCOMPARE(source->state().mirrored, expected.size());
        QCOMPARE(source->state().remoteSize, expected.size());
        QCOMPARE(source->state().phase, RemoteSource::Phase::UpToDate);
        QVERIFY(source->state().error.isEmpty());
        QVERIFY(source->state().lastChecked.isValid());
        QCOMPARE(source->spec().name(), url(u"/oplog.jsonl"_s));
        // The first read asks for the whole file, without a range or an ETag.
        QVERIFY2(!m_web->accessLog().filter(u"200 GET /oplog.jsonl range= inm="_s).isEmpty(), qPrintable(m_web->accessLog().join(u'\n')));
        source.reset();
        QVERIFY(!QFileInfo::exists(mirror)); // the mirror goes with its source
    }

    // Appended lines arrive through Range requests that overlap the copy by 64 bytes; nothing new: 304.
    // A server without ranges sends the whole file again: it is compared with the copy, and the rest appended.
    void followsAppendsWithRanges_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("grown"); // the status of the answers with new bytes
        QTest::newRow("ranges") << u"/follow.jsonl"_s << 206;
        QTest::newRow("no ranges") << u"/norange/follow.jsonl"_s << 200;
    }
    void followsAppendsWithRanges()
    {
        QFETCH(QString, path);
        QFETCH(int, grown);
        QByteArray content = oplogLines(u"ZxFollow"_s, 20);
        QVERIFY(writeFile(served(path), content));
        QNetworkAccessManager network;
        auto source = fileSource(&network, path);
        source->setPollInterval(100);
        QSignalSpy replaced(source.get(), &RemoteSource::mirrorReplaced);
        source->start();
        QVERIFY2(settled(*source), qPrintable(describe(*source)));
        QVERIFY2(source->state().ready, qPrintable(describe(*source)));
        QCOMPARE(readAll(source->mirrorPath()), content);

        // Nothing changed: the ETag answers it.
        const QString unchanged = u"304 GET %1 range=bytes=%2- inm=\"%3\""_s.arg(path).arg(content.size() - 64).arg(etagOf(served(path)));
        QTRY_VERIFY2(!m_web->accessLog().filter(unchanged).isEmpty(), qPrintable(m_web->accessLog().join(u'\n')));

        for (int round = 0; round < 2; ++round) {
            const qsizetype before = content.size();
            const QString oldTag = etagOf(served(path));
            const QByteArray more = oplogLines(u"ZxFollow"_s, 3 + round, 1800000000000);
            QVERIFY(appendFile(served(path), more));
            content += more;
            QTRY_COMPARE(readAll(source->mirrorPath()), content);
            const QString partial = u"%1 GET %2 range=bytes=%3- inm=\"%4\""_s.arg(grown).arg(path).arg(before - 64).arg(oldTag);
            QTRY_VERIFY2(!m_web->accessLog().filter(partial).isEmpty(), qPrintable(m_web->accessLog().join(u'\n')));
            QCOMPARE(source->state().mirrored, content.size());
            QCOMPARE(source->state().remoteSize, content.size());
        }
        // Only the first request asked for the whole file.
        QCOMPARE(m_web->accessLog().filter(u"200 GET %1 range= "_s.arg(path)).size(), 1);
        QCOMPARE(replaced.count(), 0);
        QVERIFY(source->state().notice.isEmpty());
        QVERIFY(source->state().ready);
    }

    // A rotated file (another file under the same name) is read again from the start.
    void rotationReadsAgain_data()
    {
        QTest::addColumn<int>("delta"); // the new file's size minus the old one's
        QTest::addColumn<QString>("notice");
        QTest::newRow("bigger") << 6000 << u"replaced (rotated)"_s;       // the 64 bytes asked again differ
        QTest::newRow("a little bigger") << 10 << u"replaced (rotated)"_s;
        QTest::newRow("smaller") << -4000 << u"shrank"_s;                 // 416: the range starts past its end
        QTest::newRow("smaller by less than 64 bytes") << -20 << u"read again from the start"_s; // a short 206
    }
    void rotationReadsAgain()
    {
        QFETCH(int, delta);
        QFETCH(QString, notice);
        const QString path = u"/rotate-%1.jsonl"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'));
        const QByteArray old = oplogOfSize(u"ZxOld"_s, 12000, 1700000000000);
        QVERIFY(writeFile(served(path), old));
        QNetworkAccessManager network;
        auto source = fileSource(&network, path);
        source->setPollInterval(100);
        QSignalSpy caughtUp(source.get(), &RemoteSource::caughtUp);
        QSignalSpy replaced(source.get(), &RemoteSource::mirrorReplaced);
        source->start();
        QTRY_COMPARE(caughtUp.count(), 1);
        const QString oldMirror = source->mirrorPath();
        QCOMPARE(readAll(oldMirror), old);

        const QByteArray rotated = oplogOfSize(u"ZxNew"_s, old.size() + delta, 1800000000000);
        QCOMPARE(rotated.size(), old.size() + delta);
        QVERIFY(replaceFile(served(path), rotated));
        QTRY_COMPARE(replaced.count(), 1);
        QVERIFY2(source->state().notice.contains(notice), qPrintable(source->state().notice));
        QTRY_COMPARE(caughtUp.count(), 2);
        QCOMPARE(readAll(source->mirrorPath()), rotated);
        QVERIFY(source->mirrorPath() != oldMirror);
        QVERIFY(!QFileInfo::exists(oldMirror));
        QCOMPARE(source->state().mirrored, rotated.size());
        // And it goes on following the new file.
        const QByteArray more = oplogLines(u"ZxNew"_s, 2, 1900000000000);
        QVERIFY(appendFile(served(path), more));
        QTRY_COMPARE(readAll(source->mirrorPath()), rotated + more);
        QCOMPARE(replaced.count(), 1);
    }

    // Paused, it asks nothing; resumed, it catches up.
    void pauseAndResume()
    {
        const QString path = u"/paused.jsonl"_s;
        QByteArray content = oplogLines(u"ZxPause"_s, 10);
        QVERIFY(writeFile(served(path), content));
        QNetworkAccessManager network;
        auto source = fileSource(&network, path);
        source->setPollInterval(100);
        source->start();
        QVERIFY2(settled(*source), qPrintable(describe(*source)));
        source->setPaused(true);
        QCOMPARE(source->state().phase, RemoteSource::Phase::Paused);
        const QByteArray more = oplogLines(u"ZxPause"_s, 2, 1800000000000);
        QVERIFY(appendFile(served(path), more));
        // Answered requests (one cut by the pause would be logged as 499).
        const QRegularExpression answered(u"^(200|206|304) GET %1 "_s.arg(QRegularExpression::escape(path)));
        const qsizetype requests = m_web->accessLog().filter(answered).size();
        QTest::qWait(600); // six polls' time: none may happen (a negative check: there is no signal to wait for)
        QCOMPARE(m_web->accessLog().filter(answered).size(), requests);
        QCOMPARE(readAll(source->mirrorPath()), content);
        QVERIFY(source->state().ready); // the copy stays readable
        source->setPaused(false);
        QVERIFY(source->state().phase != RemoteSource::Phase::Paused);
        QTRY_COMPARE(readAll(source->mirrorPath()), content + more);
        QTRY_COMPARE(source->state().phase, RemoteSource::Phase::UpToDate);
    }

    // With retries (the console), a server that is down is asked again later, and read once it answers.
    void retriesUntilTheServerAnswers()
    {
        QTemporaryDir dir;
        const quint16 port = freePort();
        const QString location = u"https://127.0.0.1:%1/oplog.jsonl"_s.arg(port);
        QString error;
        RemoteSpec spec = *RemoteSpec::fromUrl(location, &error);
        spec.caFile = m_pki.caCertificate;
        QNetworkAccessManager network;
        RemoteSource source(spec, &network);
        QSignalSpy caughtUp(&source, &RemoteSource::caughtUp);
        const qint64 started = QDateTime::currentMSecsSinceEpoch();
        source.start();
        QTRY_COMPARE(source.state().phase, RemoteSource::Phase::Retrying);
        QCOMPARE(source.state().failures, 1);
        QVERIFY2(source.state().error.contains(u"connection refused"_s), qPrintable(source.state().error));
        QVERIFY(source.state().retryAt >= started + 1000 && source.state().retryAt <= QDateTime::currentMSecsSinceEpoch() + 1000);
        QVERIFY(!source.state().ready);

        Nginx late(dir.path(), fileSite(m_pki, m_root, m_webDir.path() + u"/htpasswd"_s), port);
        QString why;
        QVERIFY2(late.start(&why), qPrintable(why));
        QTRY_COMPARE_WITH_TIMEOUT(caughtUp.count(), 1, 10000); // the next try, after its 1 s (then 2 s) backoff
        QCOMPARE(readAll(source.mirrorPath()), readAll(served(u"/oplog.jsonl"_s)));
        QCOMPARE(source.state().failures, 0);
        QVERIFY(source.state().error.isEmpty());
    }

    // ---- credentials ---------------------------------------------------------------------------------------------

    void credentials_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("auth"); // RemoteSpec::Auth
        QTest::addColumn<QString>("user");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("error"); // empty: it reads the file
        const int none = int(RemoteSpec::Auth::None), bearer = int(RemoteSpec::Auth::Bearer), basic = int(RemoteSpec::Auth::Basic);
        QTest::newRow("basic: none") << u"/basic/oplog.jsonl"_s << none << QString() << QByteArray() << u"401: the server wants credentials"_s;
        QTest::newRow("basic: right") << u"/basic/oplog.jsonl"_s << basic << kUser << kPassword << QString();
        QTest::newRow("basic: wrong password") << u"/basic/oplog.jsonl"_s << basic << kUser << QByteArray("pa55-word-9c1c") << u"401: the server refused"_s;
        QTest::newRow("basic: wrong user") << u"/basic/oplog.jsonl"_s << basic << u"writer"_s << kPassword << u"401"_s;
        QTest::newRow("bearer: none") << u"/bearer/oplog.jsonl"_s << none << QString() << QByteArray() << u"401: the server wants credentials"_s;
        QTest::newRow("bearer: right") << u"/bearer/oplog.jsonl"_s << bearer << QString() << kWebToken << QString();
        QTest::newRow("bearer: wrong") << u"/bearer/oplog.jsonl"_s << bearer << QString() << QByteArray("web-0000") << u"401: the server refused"_s;
        QTest::newRow("open: basic sent anyway") << u"/oplog.jsonl"_s << basic << kUser << kPassword << QString();
    }
    void credentials()
    {
        QFETCH(QString, path);
        QFETCH(int, auth);
        QFETCH(QString, user);
        QFETCH(QByteArray, secret);
        QFETCH(QString, error);
        QNetworkAccessManager network;
        auto source = fileSource(&network, path, RemoteSpec::Auth(auth), user, secret);
        source->setFollow(false);
        source->start();
        QVERIFY2(settled(*source), qPrintable(describe(*source)));
        if (error.isEmpty()) {
            QVERIFY2(source->state().ready, qPrintable(describe(*source)));
            QCOMPARE(readAll(source->mirrorPath()), readAll(served(path)));
        } else {
            QCOMPARE(source->state().phase, RemoteSource::Phase::Failed);
            QVERIFY(!source->state().ready);
            QVERIFY2(source->state().error.startsWith(error), qPrintable(source->state().error));
            QCOMPARE(source->state().mirrored, 0);
            QVERIFY(readAll(source->mirrorPath()).isEmpty());
            QVERIFY(source->state().certificate.isNull());
        }
        if (!secret.isEmpty())
            QVERIFY(!source->state().error.contains(QString::fromLatin1(secret)));
    }

    // A secret goes over http only to loopback.
    void secretsNeedHttps()
    {
        QString error;
        auto spec = RemoteSpec::fromUrl(u"http://mail1.example.com/oplog.jsonl"_s, &error);
        QVERIFY(spec);
        QVERIFY(spec->checkTransport().isEmpty()); // nothing secret to send
        spec->auth = RemoteSpec::Auth::Bearer;
        spec->secret = "t";
        QVERIFY(spec->checkTransport().contains(u"https"_s));
        QNetworkAccessManager network;
        RemoteSource source(*spec, &network);
        source.setRetry(false);
        source.start(); // refused before any connection
        QCOMPARE(source.state().phase, RemoteSource::Phase::Failed);
        QVERIFY2(source.state().error.contains(u"token"_s), qPrintable(source.state().error));
        spec->url = QUrl(u"http://127.0.0.1:1/oplog.jsonl"_s);
        QVERIFY(spec->checkTransport().isEmpty());
        QVERIFY(!RemoteSpec::fromUrl(u"https://user:secret@127.0.0.1/oplog.jsonl"_s, &error));
        QVERIFY(error.contains(u"password"_s));
    }

    void notAnOplog()
    {
        QNetworkAccessManager network;
        auto source = fileSource(&network, u"/page.html"_s);
        source->start();
        QVERIFY2(settled(*source), qPrintable(describe(*source)));
        QCOMPARE(source->state().phase, RemoteSource::Phase::Failed);
        QVERIFY2(source->state().error.contains(u"not an oplog"_s), qPrintable(source->state().error));
        QVERIFY(source->state().error.contains(u"<!DOCTYPE html>"_s));
        QCOMPARE(source->state().mirrored, 0);
        QVERIFY(readAll(source->mirrorPath()).isEmpty());

        auto missing = fileSource(&network, u"/no-such.jsonl"_s);
        missing->start();
        QVERIFY(settled(*missing));
        QVERIFY2(missing->state().error.startsWith(u"404"_s), qPrintable(missing->state().error));
    }

    // A redirect is not followed (it would carry the credentials elsewhere): it is reported, with where it leads.
    void redirectIsReported()
    {
        QNetworkAccessManager network;
        auto moved = fileSource(&network, u"/basic"_s, RemoteSpec::Auth::Basic, kUser, kPassword);
        moved->start();
        QVERIFY(settled(*moved));
        QCOMPARE(moved->state().phase, RemoteSource::Phase::Failed);
        QVERIFY(m_web->accessLog().filter(u" GET /basic/ "_s).isEmpty()); // not followed
        // describeFileFailure()'s words for a redirect: nginx's 301 has a body, which must not hide them.
        QVERIFY2(moved->state().error.startsWith(u"301: the server sends this URL elsewhere"_s)
                     && moved->state().error.contains(url(u"/basic/"_s)),
                 qPrintable(moved->state().error));
    }

    // ---- certificates --------------------------------------------------------------------------------------------

    // A certificate that does not verify fails with its details; trusting exactly it lets it through, for this
    // server only; another certificate there afterwards fails as "changed".
    void certificates()
    {
        const QString fingerprint = sha256Of(m_pki.server);
        const QString server = u"127.0.0.1:%1"_s.arg(m_web->port);
        for (const QString &caFile : {QString(), m_other.caCertificate}) { // the system's CAs; another CA
            QNetworkAccessManager network;
            auto source = fileSource(&network, u"/oplog.jsonl"_s, RemoteSpec::Auth::None, {}, {}, caFile);
            source->start();
            QVERIFY2(settled(*source), qPrintable(describe(*source)));
            QCOMPARE(source->state().phase, RemoteSource::Phase::Failed);
            QVERIFY2(source->state().error.contains(u"certificate"_s), qPrintable(source->state().error));
            QVERIFY2(source->state().error.contains(fingerprint), qPrintable(source->state().error));
            const CertificateProblem p = source->state().certificate;
            QVERIFY(!p.isNull());
            QCOMPARE(p.fingerprint, fingerprint);
            QCOMPARE(p.fingerprint, oplens::certificateFingerprint(m_pki.server));
            QCOMPARE(p.server, server);
            QVERIFY2(p.subject.contains(u"CN=127.0.0.1"_s), qPrintable(p.subject));
            QVERIFY2(p.issuer.contains(u"CN=OpLens test CA"_s), qPrintable(p.issuer));
            QVERIFY(!p.errors.isEmpty());
            QVERIFY(!p.changed);
            QVERIFY(p.describe().contains(fingerprint));
            QCOMPARE(source->state().mirrored, 0);
        }

        // The admin trusts it: a server of its own (this one's port and certificate come back below).
        QTemporaryDir dir;
        const QString htpasswd = m_webDir.path() + u"/htpasswd"_s;
        auto first = std::make_unique<Nginx>(dir.path() + u"/a"_s, fileSite(m_pki, m_root, htpasswd));
        QString why;
        QVERIFY2(first->start(&why), qPrintable(why));
        const QString firstUrl = first->url() + u"/oplog.jsonl"_s;
        const QString firstServer = u"127.0.0.1:%1"_s.arg(first->port);
        struct Read { // the source ends before its network
            std::shared_ptr<QNetworkAccessManager> network;
            std::shared_ptr<RemoteSource> source;
        };
        const auto read = [&](const QString &location, const QString &caFile = {}) {
            auto network = std::make_shared<QNetworkAccessManager>(); // no connection or TLS session kept between reads
            RemoteSpec spec = *RemoteSpec::fromUrl(location, &why);
            spec.caFile = caFile;
            auto source = std::make_shared<RemoteSource>(spec, network.get());
            source->setRetry(false);
            source->setFollow(false);
            source->start();
            settled(*source);
            return Read{network, source};
        };
        auto [n1, refused] = read(firstUrl);
        QVERIFY(!refused->state().ready);
        QCOMPARE(refused->state().certificate.server, firstServer);
        TrustedCertificates trusted;
        QVERIFY(trusted.fingerprintFor(firstServer).isEmpty());
        QString error;
        QVERIFY2(trusted.trust(refused->state().certificate, &error), qPrintable(error));
        QCOMPARE(trusted.fingerprintFor(firstServer), fingerprint);
        QVERIFY(QFileInfo(TrustedCertificates::defaultPath()).absolutePath().startsWith(m_home.path()));

        auto [n2, accepted] = read(firstUrl);
        QVERIFY2(accepted->state().ready, qPrintable(describe(*accepted)));
        QCOMPARE(readAll(accepted->mirrorPath()), readAll(served(u"/oplog.jsonl"_s)));
        // For that server only: m_web has the same certificate, on another port.
        auto [n3, elsewhere] = read(url(u"/oplog.jsonl"_s));
        QVERIFY(!elsewhere->state().ready);
        QVERIFY(!elsewhere->state().certificate.changed);

        // Another certificate on the trusted server: refused, and said to have changed.
        const quint16 port = first->port;
        first.reset();
        Nginx second(dir.path() + u"/b"_s, fileSite(m_other, m_root, htpasswd), port);
        QVERIFY2(second.start(&why), qPrintable(why));
        auto [n4, changed] = read(firstUrl);
        QCOMPARE(changed->state().phase, RemoteSource::Phase::Failed);
        const CertificateProblem p = changed->state().certificate;
        QVERIFY(p.changed);
        QCOMPARE(p.fingerprint, sha256Of(m_other.server));
        QVERIFY2(p.issuer.contains(u"CN=Another test CA"_s), qPrintable(p.issuer));
        QVERIFY2(changed->state().error.contains(u"CHANGED"_s), qPrintable(changed->state().error));
        QVERIFY(p.describe().contains(u"WARNING"_s));
        QCOMPARE(trusted.fingerprintFor(firstServer), fingerprint); // failing changes nothing trusted
        // Its CA given: it verifies, whatever was trusted.
        auto [n5, withCa] = read(firstUrl, m_other.caCertificate);
        QVERIFY2(withCa->state().ready, qPrintable(describe(*withCa)));
    }

    // ---- an agent ------------------------------------------------------------------------------------------------

    void followsAnAgent_data()
    {
        QTest::addColumn<bool>("throughNginx"); // with TLS (the shipped site), else directly over HTTP
        QTest::newRow("direct") << false;
        QTest::newRow("nginx") << true;
    }
    void followsAnAgent()
    {
        QFETCH(bool, throughNginx);
        QTemporaryDir dir;
        Agent agent(dir.path(), oplogLines(u"ZxAgent"_s, 50));
        // The service's start, as the agent reports it (seconds: it makes them milliseconds).
        const QString echo = QStandardPaths::findExecutable(u"echo"_s);
        QVERIFY(!echo.isEmpty());
        agent.config.insert(u"service"_s, QJsonObject{{u"name"_s, u"mailboxd"_s},
                                                      {u"startedAtCommand"_s, QJsonArray{echo, u"1700000123"_s}}});
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        std::unique_ptr<Nginx> front;
        if (throughNginx) {
            front = std::make_unique<Nginx>(dir.path(), oplensdSite(m_pki, agent.port));
            QString why;
            QVERIFY2(front->start(&why), qPrintable(why));
        }
        QString error;
        auto spec = RemoteSpec::fromUrl(u"agent+"_s + (front ? front->url() : agent.url()), &error);
        QVERIFY2(spec, qPrintable(error));
        QCOMPARE(spec->kind, RemoteSpec::Kind::Agent);
        QCOMPARE(spec->log, u"main"_s);
        spec->secret = kViewerToken;
        if (front)
            spec->caFile = m_pki.caCertificate;
        QNetworkAccessManager network;
        RemoteSource source(*spec, &network);
        QSignalSpy caughtUp(&source, &RemoteSource::caughtUp);
        QSignalSpy replaced(&source, &RemoteSource::mirrorReplaced);
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(caughtUp.count(), 1, 15000);
        QCOMPARE(readAll(source.mirrorPath()), readAll(agent.oplog)); // with the ServiceStarted it wrote
        QVERIFY(readAll(agent.oplog).contains("ServiceStarted"));
        QCOMPARE(source.state().serviceStartedAt, int64_t(1700000123000));
        QCOMPARE(source.state().remoteSize, QFileInfo(agent.oplog).size());

        // An append: the long-poll waiting at the agent answers it.
        const QByteArray more = oplogLines(u"ZxAgent"_s, 2, 1800000000000);
        QVERIFY(appendFile(agent.oplog, more));
        QTRY_COMPARE_WITH_TIMEOUT(readAll(source.mirrorPath()), readAll(agent.oplog), 10000);
        QVERIFY(readAll(source.mirrorPath()).endsWith(more));
        // It waits, it does not ask in a loop: a handful of requests reached the agent.
        const int oplogRequests = int(readAll(agent.audit).count("/v1/oplog"));
        QVERIFY2(oplogRequests >= 2 && oplogRequests <= 6, qPrintable(QString::fromUtf8(readAll(agent.audit))));
        QCOMPARE(replaced.count(), 0);

        // Truncated in place to its first 10 lines: read again from the start.
        const QByteArray whole = readAll(agent.oplog);
        qsizetype cut = 0;
        for (int i = 0; i < 10; ++i)
            cut = whole.indexOf('\n', cut) + 1;
        const QByteArray truncated = whole.left(cut);
        QVERIFY(QFile::resize(agent.oplog, cut));
        QTRY_COMPARE_WITH_TIMEOUT(replaced.count(), 1, 10000);
        QVERIFY2(source.state().notice.contains(u"rotated or truncated"_s), qPrintable(source.state().notice));
        QTRY_COMPARE_WITH_TIMEOUT(caughtUp.count(), 2, 10000);
        QTRY_COMPARE(readAll(source.mirrorPath()), truncated);
        // And it follows the new file.
        QVERIFY(appendFile(agent.oplog, more));
        QTRY_COMPARE_WITH_TIMEOUT(readAll(source.mirrorPath()), truncated + more, 10000);
    }

    // The agent restarted: the source reconnects (it retries) and goes on with the same copy; when the file was
    // truncated and rewritten meanwhile (the agent did not see it shrink), the copy is read again from the start.
    void agentRestarts_data()
    {
        QTest::addColumn<bool>("rewritten"); // truncated in place and written past the copy's end while it was down
        QTest::newRow("same file") << false;
        QTest::newRow("rewritten while down") << true;
    }
    void agentRestarts()
    {
        QFETCH(bool, rewritten);
        QTemporaryDir dir;
        Agent agent(dir.path(), oplogLines(u"ZxAgent"_s, 20));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        QString error;
        auto spec = RemoteSpec::fromUrl(u"agent+"_s + agent.url(), &error);
        spec->secret = kViewerToken;
        QNetworkAccessManager network;
        RemoteSource source(*spec, &network); // retries, as in the console
        QSignalSpy caughtUp(&source, &RemoteSource::caughtUp);
        QSignalSpy replaced(&source, &RemoteSource::mirrorReplaced);
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(caughtUp.count(), 1, 10000);
        QCOMPARE(readAll(source.mirrorPath()), readAll(agent.oplog));

        QCOMPARE(agent.stop(), 0);
        QTRY_COMPARE(source.state().phase, RemoteSource::Phase::Retrying); // its long-poll was cut
        if (rewritten) {
            const QByteArray other = oplogLines(u"ZxRewritten"_s, 40, 1800000000000);
            QVERIFY(other.size() > QFileInfo(agent.oplog).size());
            QVERIFY(writeFile(agent.oplog, other)); // the same file (inode), truncated and written again
        }
        QVERIFY2(agent.start(), qPrintable(agent.err())); // appends its ServiceStarted
        const qint64 size = QFileInfo(agent.oplog).size();
        QTRY_VERIFY_WITH_TIMEOUT(source.state().mirrored >= size && source.state().phase == RemoteSource::Phase::UpToDate, 15000);
        QCOMPARE(readAll(source.mirrorPath()), readAll(agent.oplog));
        QCOMPARE(replaced.count(), rewritten ? 1 : 0);
        QCOMPARE(source.state().phase, RemoteSource::Phase::UpToDate);
    }

    // More than one answer's 8 MiB: read in pieces, each continuing the copy.
    void readsABigAgentOplog()
    {
        QTemporaryDir dir;
        Agent agent(dir.path(), oplogLines(u"ZxBig"_s, 24000)); // ~9 MB
        QVERIFY(QFileInfo(agent.oplog).size() > 8 * 1024 * 1024);
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        QString error;
        auto spec = RemoteSpec::fromUrl(u"agent+"_s + agent.url(), &error);
        spec->secret = kViewerToken;
        QNetworkAccessManager network;
        RemoteSource source(*spec, &network);
        source.setFollow(false);
        source.setRetry(false);
        QSignalSpy caughtUp(&source, &RemoteSource::caughtUp);
        source.start();
        QVERIFY2(settled(source, 60000), qPrintable(describe(source)));
        QVERIFY2(source.state().ready, qPrintable(describe(source)));
        QCOMPARE(caughtUp.count(), 1);
        QCOMPARE(readAll(source.mirrorPath()), readAll(agent.oplog));
        QCOMPARE(source.state().remoteSize, QFileInfo(agent.oplog).size());
        const QByteArray audit = readAll(agent.audit);
        QVERIFY2(audit.count("/v1/oplog") >= 2, audit.constData()); // in pieces
    }

    // A log cut off mid-line (a crash while writing): the whole lines are read, and the copy is ready, not asked
    // for again and again. The agent's own first line in such a log starts on a line of its own.
    void agentLogEndingMidLine()
    {
        QTemporaryDir dir;
        const QByteArray text = oplogLines(u"ZxCut"_s, 3), half = "{\"module\":\"ZxCut\",\"name\":\"Half";
        Agent agent(dir.path(), text + half);
        QVERIFY(writeFile(agent.serviceLog, text + half));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        QVERIFY(readAll(agent.oplog).startsWith(text + half + "\n{")); // its start marker, not glued to the half line
        QString error;
        auto spec = RemoteSpec::fromUrl(u"agent+%1#service"_s.arg(agent.url()), &error);
        spec->secret = kViewerToken;
        QNetworkAccessManager network;
        RemoteSource source(*spec, &network);
        source.setFollow(false);
        source.setRetry(false);
        source.start();
        QVERIFY2(settled(source), qPrintable(describe(source)));
        QVERIFY2(source.state().ready, qPrintable(describe(source)));
        QCOMPARE(readAll(source.mirrorPath()), text);
        QTest::qWait(300);
        QVERIFY2(readAll(agent.audit).count("/v1/oplog") <= 2, readAll(agent.audit).constData());
    }

    // A long last line still being written (over the 1 MiB the agent looks at first): followed without a request loop.
    void agentLogEndingInALongUnfinishedLine()
    {
        QTemporaryDir dir;
        const QByteArray text = oplogLines(u"ZxCut"_s, 3);
        Agent agent(dir.path(), text);
        QVERIFY(writeFile(agent.serviceLog, text + "{\"module\":\"ZxCut\",\"name\":\"" + QByteArray(2 << 20, 'x')));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        QString error;
        auto spec = RemoteSpec::fromUrl(u"agent+%1#service"_s.arg(agent.url()), &error);
        spec->secret = kViewerToken;
        QNetworkAccessManager network;
        RemoteSource source(*spec, &network);
        source.setPollInterval(500);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(source.state().ready, 10000);
        QTest::qWait(1500); // what a loop would fill with requests
        QCOMPARE(readAll(source.mirrorPath()), text);
        const qsizetype requests = readAll(agent.audit).count("/v1/oplog");
        QVERIFY2(requests <= 6, qPrintable(u"%1 requests in 1.5 s"_s.arg(requests)));
        // Its end arrives: the whole line, not cut where the agent stopped looking.
        QVERIFY(appendFile(agent.serviceLog, "\"}\n"));
        QTRY_VERIFY_WITH_TIMEOUT(readAll(source.mirrorPath()).size() == readAll(agent.serviceLog).size(), 10000);
        QCOMPARE(readAll(source.mirrorPath()), readAll(agent.serviceLog));
    }

    // Nothing a certificate says reaches the trust store: a subject holding a line end cannot add a server.
    void trustStoreHoldsOnlyWhatItChecks()
    {
        QTemporaryDir dir;
        oplens::TrustedCertificates store(dir.filePath(u"trusted"_s));
        oplens::CertificateProblem evil;
        evil.server = u"evil.example.net:443"_s;
        evil.fingerprint = oplens::certificateFingerprint(m_pki.server);
        evil.subject = u"CN=x\nmail1.example.com:443 "_s + evil.fingerprint;
        QString why;
        QVERIFY(store.trust(evil, &why));
        QCOMPARE(store.fingerprintFor(u"evil.example.net:443"_s), evil.fingerprint);
        QVERIFY(store.fingerprintFor(u"mail1.example.com:443"_s).isEmpty());
        QVERIFY(!readAll(dir.filePath(u"trusted"_s)).contains("mail1"));
        oplens::CertificateProblem badServer = evil;
        badServer.server = u"a:1\nmail1.example.com:443"_s;
        QVERIFY(!store.trust(badServer, &why));
        oplens::CertificateProblem badFingerprint = evil;
        badFingerprint.fingerprint = u"AB:CD"_s;
        QVERIFY(!store.trust(badFingerprint, &why));
    }

    void agentRefusesAWrongToken()
    {
        QTemporaryDir dir;
        Agent agent(dir.path(), oplogLines(u"ZxAgent"_s, 2));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        QString error;
        auto spec = RemoteSpec::fromUrl(u"agent+%1#service"_s.arg(agent.url()), &error);
        QVERIFY(spec);
        QCOMPARE(spec->log, u"service"_s);
        spec->secret = "not-a-token";
        QNetworkAccessManager network;
        RemoteSource wrong(*spec, &network);
        wrong.setRetry(false);
        wrong.start();
        QVERIFY(settled(wrong));
        QCOMPARE(wrong.state().phase, RemoteSource::Phase::Failed);
        QVERIFY2(wrong.state().error.contains(u"401"_s), qPrintable(wrong.state().error));

        spec->secret = kViewerToken;
        spec->log = u"nothing"_s;
        RemoteSource unknown(*spec, &network);
        unknown.setRetry(false);
        unknown.start();
        QVERIFY(settled(unknown));
        QVERIFY2(unknown.state().error.contains(u"no oplog \"nothing\""_s), qPrintable(unknown.state().error));
    }

    // ---- oplensctl -----------------------------------------------------------------------------------------------

    void ctlReadsAWebServer_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("options"); // @CA@, @PASSWORD@, @TOKEN@: files made by the test
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QStringList>("said"); // on standard error, for a failure
        QTest::newRow("--cacert") << u"/oplog.jsonl"_s << QStringList{u"--cacert"_s, u"@CA@"_s} << 0 << QStringList();
        QTest::newRow("no --cacert") << u"/oplog.jsonl"_s << QStringList() << 2
                                     << QStringList{u"SHA-256"_s, u"@FINGERPRINT@"_s, u"Subject: CN=127.0.0.1"_s,
                                                    u"Issuer: CN=OpLens test CA"_s, u"@URL@"_s, u"--cacert"_s};
        QTest::newRow("another CA") << u"/oplog.jsonl"_s << QStringList{u"--cacert"_s, u"@OTHER_CA@"_s} << 2
                                    << QStringList{u"SHA-256"_s, u"@FINGERPRINT@"_s};
        QTest::newRow("basic") << u"/basic/oplog.jsonl"_s
                               << QStringList{u"--cacert"_s, u"@CA@"_s, u"--user"_s, kUser, u"--password-file"_s, u"@PASSWORD@"_s} << 0 << QStringList();
        QTest::newRow("basic: wrong user") << u"/basic/oplog.jsonl"_s
                                           << QStringList{u"--cacert"_s, u"@CA@"_s, u"--user"_s, u"nobody"_s, u"--password-file"_s, u"@PASSWORD@"_s}
                                           << 2 << QStringList{u"401"_s, u"@URL@"_s};
        QTest::newRow("basic: no credentials") << u"/basic/oplog.jsonl"_s << QStringList{u"--cacert"_s, u"@CA@"_s} << 2 << QStringList{u"401"_s};
        QTest::newRow("bearer") << u"/bearer/oplog.jsonl"_s
                                << QStringList{u"--cacert"_s, u"@CA@"_s, u"--token-file"_s, u"@TOKEN@"_s} << 0 << QStringList();
        QTest::newRow("not an oplog") << u"/page.html"_s << QStringList{u"--cacert"_s, u"@CA@"_s} << 2 << QStringList{u"not an oplog"_s};
    }
    void ctlReadsAWebServer()
    {
        QFETCH(QString, path);
        QFETCH(QStringList, options);
        QFETCH(int, exitCode);
        QFETCH(QStringList, said);
        QTemporaryDir dir;
        const QString passwordFile = dir.path() + u"/password"_s, tokenFile = dir.path() + u"/token"_s;
        QVERIFY(writeFile(passwordFile, kPassword + '\n') && writeFile(tokenFile, kWebToken + '\n'));
        const QString location = url(path);
        const auto fill = [&](QString text) {
            return text.replace(u"@CA@"_s, m_pki.caCertificate).replace(u"@OTHER_CA@"_s, m_other.caCertificate)
                .replace(u"@PASSWORD@"_s, passwordFile).replace(u"@TOKEN@"_s, tokenFile)
                .replace(u"@FINGERPRINT@"_s, sha256Of(m_pki.server)).replace(u"@URL@"_s, location);
        };
        QStringList args{u"get-operation-log"_s, u"--json"_s};
        for (const QString &option : options)
            args << fill(option);
        args << location;
        const Exit run = runToEnd(QStringLiteral(OPLENSCTL), args);
        QVERIFY2(run.code == exitCode, qPrintable(u"exit %1: %2"_s.arg(run.code).arg(run.err)));
        if (exitCode == 0) {
            const QJsonArray events = operationList(run.out);
            QCOMPARE(events.size(), lineCount(readAll(served(path))));
            QSet<QString> ids;
            for (const QJsonValue &e : events) {
                QVERIFY(!e.toObject().contains(u"source"_s)); // one source
                ids << e.toObject().value(u"operationId"_s).toString();
            }
            QCOMPARE(ids.size(), lineCount(readAll(served(path))) / 2);
        } else {
            for (const QString &expected : said)
                QVERIFY2(run.err.contains(fill(expected)), qPrintable(fill(expected) + u" not in: "_s + run.err));
            QVERIFY(run.err.contains(u"oplensctl: "_s));
        }
        for (const QByteArray &secret : {kPassword, kWebToken})
            QVERIFY(!run.err.contains(QString::fromLatin1(secret)));
    }

    // The certificates trusted in the console (the file they share) are trusted by oplensctl: that one only.
    void ctlUsesTrustedCertificates_data()
    {
        QTest::addColumn<bool>("same"); // the server's certificate was trusted, else another one
        QTest::newRow("trusted") << true;
        QTest::newRow("another one trusted") << false;
    }
    void ctlUsesTrustedCertificates()
    {
        QFETCH(bool, same);
        QTemporaryDir config; // this test's own XDG_CONFIG_HOME, for oplensctl
        const QString server = u"127.0.0.1:%1"_s.arg(m_web->port);
        const QSslCertificate &certificate = same ? m_pki.server : m_other.server;
        TrustedCertificates trusted(config.path() + u"/OpLens/trusted-certificates"_s);
        QString error;
        QVERIFY2(trusted.trust(oplens::certificateProblem(server, certificate, {}), &error), qPrintable(error));
        const QByteArray home = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(config.path()));
        const Exit run = runToEnd(QStringLiteral(OPLENSCTL), {u"get-operation-log"_s, u"--json"_s, url(u"/oplog.jsonl"_s)});
        qputenv("XDG_CONFIG_HOME", home);
        if (same) {
            QVERIFY2(run.code == 0, qPrintable(run.err));
            QCOMPARE(operationList(run.out).size(), lineCount(readAll(served(u"/oplog.jsonl"_s))));
        } else {
            QCOMPARE(run.code, 2);
            QVERIFY2(run.err.contains(u"CHANGED"_s) && run.err.contains(u"WARNING"_s) && run.err.contains(sha256Of(m_pki.server)),
                     qPrintable(run.err));
        }
    }

    // A workspace with a local file, files on nginx (open, and behind Basic) and an agent: one merged view, every
    // event with its source.
    void ctlReadsAWorkspace()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.path() + u"/agent"_s));
        Agent agent(dir.path() + u"/agent"_s, oplogLines(u"ZxAgent"_s, 4));
        QVERIFY2(agent.start(), qPrintable(agent.err()));
        const QString local = dir.path() + u"/logs/local.jsonl"_s;
        QVERIFY(QDir().mkpath(dir.path() + u"/logs"_s));
        QVERIFY(writeFile(local, oplogLines(u"ZxLocal"_s, 7)));
        QVERIFY(writeFile(dir.path() + u"/agent.token"_s, kViewerToken + '\n'));
        QVERIFY(QFile::copy(m_pki.caCertificate, dir.path() + u"/ca.pem"_s));
        const QString web = url(u"/oplog.jsonl"_s);
        const QString basic = url(u"/basic/oplog.jsonl"_s);
        QVERIFY(writeFile(dir.path() + u"/password"_s, kPassword + '\n'));
        const QString agentName = u"agent+%1#main"_s.arg(agent.url());
        const QJsonObject workspace{
            {u"oplensWorkspace"_s, 1},
            {u"sources"_s, QJsonArray{
                QJsonObject{{u"url"_s, u"logs/local.jsonl"_s}}, // relative: from the workspace's folder
                QJsonObject{{u"url"_s, web}, {u"auth"_s, u"none"_s}, {u"caFile"_s, u"ca.pem"_s}},
                QJsonObject{{u"url"_s, u"agent+"_s + agent.url()}, {u"auth"_s, u"bearer"_s}, {u"tokenFile"_s, u"agent.token"_s}},
                QJsonObject{{u"url"_s, basic}, {u"auth"_s, u"basic"_s}, {u"user"_s, kUser}, {u"passwordFile"_s, u"password"_s},
                            {u"caFile"_s, u"ca.pem"_s}},
            }},
            {u"filter"_s, QJsonObject{}},
        };
        const QString path = dir.path() + u"/ws.json"_s;
        QVERIFY(writeFile(path, QJsonDocument(workspace).toJson()));

        const Exit run = runToEnd(QStringLiteral(OPLENSCTL), {u"get-operation-log"_s, u"--json"_s, u"--workspace"_s, path});
        QVERIFY2(run.code == 0, qPrintable(run.err));
        const QHash<QString, int> perSource = eventsPerSource(run.out);
        QCOMPARE(perSource.size(), 4);
        QCOMPARE(perSource.value(basic), lineCount(readAll(served(u"/basic/oplog.jsonl"_s))));
        QCOMPARE(perSource.value(local), lineCount(readAll(local)));
        QCOMPARE(perSource.value(web), lineCount(readAll(served(u"/oplog.jsonl"_s))));
        QVERIFY2(perSource.contains(agentName), qPrintable(QStringList(perSource.keys()).join(u", "_s)));
        QCOMPARE(perSource.value(agentName), lineCount(readAll(agent.oplog))); // with its ServiceStarted

        // The workspace's filter applies (its "sources" names the console's sources: here all are read).
        QJsonObject filtered = workspace;
        filtered.insert(u"filter"_s, QJsonObject{{u"modules"_s, QJsonArray{u"ZxLocal"_s, u"ZxAgent"_s}},
                                                 {u"sources"_s, QJsonArray{u"mail9"_s}}});
        const QString filteredPath = dir.path() + u"/filtered.json"_s;
        QVERIFY(writeFile(filteredPath, QJsonDocument(filtered).toJson()));
        const Exit some = runToEnd(QStringLiteral(OPLENSCTL), {u"get-operation-log"_s, u"--json"_s, u"--workspace"_s, filteredPath});
        QVERIFY2(some.code == 0, qPrintable(some.err));
        const QHash<QString, int> shown = eventsPerSource(some.out);
        QCOMPARE(shown.size(), 2);
        QCOMPARE(shown.value(local), lineCount(readAll(local)));
        QCOMPARE(shown.value(agentName), lineCount(readAll(agent.oplog)) - 1); // not its ServiceStarted (module oplensd)

        // The agent's token file gone: that source is reported, the others are still read.
        QVERIFY(QFile::remove(dir.path() + u"/agent.token"_s));
        const Exit partial = runToEnd(QStringLiteral(OPLENSCTL), {u"get-operation-log"_s, u"--json"_s, u"--workspace"_s, path});
        QCOMPARE(partial.code, 2);
        QVERIFY2(partial.err.contains(agentName) && partial.err.contains(u"agent.token"_s), qPrintable(partial.err));
        QCOMPARE(operationList(partial.out).size(),
                 lineCount(readAll(local)) + lineCount(readAll(served(u"/oplog.jsonl"_s))) + lineCount(readAll(served(u"/basic/oplog.jsonl"_s))));
    }
};

QTEST_GUILESS_MAIN(TestRemote)
#include "tst_remote.moc"
