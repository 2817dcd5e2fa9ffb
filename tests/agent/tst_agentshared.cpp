// What oplensd shares with every console and with monitoring (docs/agent.md sections 8 and 9), on a real agent on
// loopback: acknowledgements (create, list, withdraw, roles, limits, kept across a restart and a crash, the oplog never
// written) and /metrics (the same counts as oplensctl's reading of the same log, before and after an interruption
// and an acknowledgement; the metrics token reads nothing else).
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "csvreader.h"
#include "testoplog.h"
#include "testservers.h"

#include <map>
#include <tuple>

using namespace Qt::StringLiterals;
using testfiles::appendFile;
using testfiles::readAll;
using testfiles::writeFile;
using testoplog::Event;
using testservers::kOperator;
using testservers::kOperatorToken;
using testservers::kViewerToken;
using testservers::sha256;

namespace {

const QByteArray kMetricsToken = "metrics-4d2e-do-not-log-me";
const QString kInterrupted = u"11111111-1111-4111-8111-111111111111"_s;
const QString kFinished = u"22222222-2222-4222-8222-222222222222"_s;
const QString kRunning = u"33333333-3333-4333-8333-333333333333"_s;
const QString kFailed = u"44444444-4444-4444-8444-444444444444"_s;

QByteArray seedOplog()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    return Event(kInterrupted, u"Started", t).line()
        + Event(kInterrupted, u"Interrupted", t + 1000).set(u"error", u"service restarted"_s).line()
        + Event(kFinished, u"Started", t + 2000).module(u"ZxPowerstore").name(u"MoveBlobs").line()
        + Event(kFinished, u"Finished", t + 3000).module(u"ZxPowerstore").name(u"MoveBlobs").line()
        + Event(kFailed, u"Started", t + 4000).module(u"ZxPowerstore").name(u"MoveBlobs").line()
        + Event(kFailed, u"Failed", t + 5000).module(u"ZxPowerstore").name(u"MoveBlobs").line()
        + Event(kRunning, u"Started", QDateTime::currentMSecsSinceEpoch() - 1000).module(u"ZxAdmin").name(u"Report").line();
}

struct Answer {
    int status = 0;
    QByteArray body, contentType;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

Answer call(const QByteArray &method, const QString &url, const QByteArray &token, const QByteArray &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    request.setRawHeader("Content-Type", "application/json");
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
                  reply->rawHeader("Content-Type")};
    delete reply;
    return answer;
}

using Counts = std::map<std::tuple<QString, QString, QString>, int>; // (module, name, status) -> operations

// oplens_operations{log="main",...} samples of a /metrics answer.
Counts metricsCounts(const QByteArray &metrics, const QString &log = u"main"_s)
{
    static const QRegularExpression sample(
        uR"re(^oplens_operations\{log="([^"]*)",module="([^"]*)",name="([^"]*)",status="([^"]*)"\} (\d+)$)re"_s);
    Counts counts;
    for (const QByteArray &line : metrics.split('\n'))
        if (const auto m = sample.match(QString::fromUtf8(line)); m.hasMatch() && m.captured(1) == log)
            counts[{m.captured(2), m.captured(3), m.captured(4)}] = m.captured(5).toInt();
    return counts;
}

// The value of a sample without labels other than `labels` ("" for none): -1 when absent.
double metricValue(const QByteArray &metrics, const QString &name, const QString &labels = {})
{
    const QString head = labels.isEmpty() ? name + u' ' : name + u'{' + labels + u"} "_s;
    for (const QByteArray &line : metrics.split('\n'))
        if (QString::fromUtf8(line).startsWith(head))
            return QString::fromUtf8(line).mid(head.size()).toDouble();
    return -1;
}

// {"log": LOG, "comment": COMMENT}; without a comment when `comment` is null.
QByteArray ackBody(const QString &log, const QString &comment = {})
{
    QJsonObject body{{u"log"_s, log}};
    if (!comment.isNull())
        body.insert(u"comment"_s, comment);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAgentShared : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<testservers::Agent> m_agent;

    QString url(const QString &path) const { return m_agent->url() + path; }
    QString ackUrl(const QString &id) const { return url(u"/v1/operations/%1/acknowledge"_s.arg(id)); }

    // The operations' counts by oplensctl's reading of the agent's log (export --view operations, CSV).
    Counts oplensctlCounts()
    {
        const QString tokenFile = m_dir->filePath(u"token"_s);
        writeFile(tokenFile, kViewerToken + '\n');
        const testservers::Exit exit = testservers::runToEnd(
            QStringLiteral(OPLENSCTL), {u"export"_s, u"--format"_s, u"csv"_s, u"--view"_s, u"operations"_s,
                                        u"--token-file"_s, tokenFile, u"agent+"_s + m_agent->url() + u"#main"_s});
        const testcsv::Csv csv = testcsv::readCsv(exit.out.toUtf8());
        Counts counts;
        if (exit.code != 0 || !csv.error.isEmpty() || csv.records.isEmpty()) {
            qWarning() << exit.err << csv.error;
            return counts;
        }
        const QStringList header = csv.records.first();
        const qsizetype status = header.indexOf(u"Status"_s), module = header.indexOf(u"Module"_s),
                        name = header.indexOf(u"Name"_s);
        for (qsizetype r = 1; r < csv.records.size(); ++r)
            ++counts[{csv.records[r][module], csv.records[r][name], csv.records[r][status]}];
        return counts;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_agent = std::make_unique<testservers::Agent>(m_dir->path(), seedOplog());
        m_agent->config.insert(u"metricsToken"_s, QJsonObject{{u"sha256"_s, sha256(kMetricsToken)}});
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
    }

    void cleanup()
    {
        m_agent.reset();
        m_dir.reset();
    }

    void acknowledgeListWithdraw()
    {
        const QByteArray oplogBefore = readAll(m_agent->oplog);
        Answer a = call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"main"_s, u"disk replaced, rerun tonight"_s));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json()[u"by"_s].toString(), kOperator);
        QCOMPARE(a.json()[u"comment"_s].toString(), u"disk replaced, rerun tonight"_s);
        QCOMPARE(a.json()[u"log"_s].toString(), u"main"_s);
        QVERIFY(qAbs(a.json()[u"at"_s].toDouble() - QDateTime::currentMSecsSinceEpoch()) < 60000);

        a = call("GET", url(u"/v1/acknowledgements?log=main"_s), kViewerToken);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().array().size(), 1);
        QCOMPARE(a.json().array()[0][u"operationId"_s].toString(), kInterrupted);
        QCOMPARE(a.json().array()[0][u"by"_s].toString(), kOperator);
        QCOMPARE(call("GET", url(u"/v1/acknowledgements?log=service"_s), kViewerToken).json().array().size(), 0);

        QCOMPARE(call("DELETE", ackUrl(kInterrupted) + u"?log=main"_s, kOperatorToken).status, 200);
        QCOMPARE(call("GET", url(u"/v1/acknowledgements?log=main"_s), kViewerToken).json().array().size(), 0);
        QCOMPARE(call("DELETE", ackUrl(kInterrupted) + u"?log=main"_s, kOperatorToken).status, 404);
        QCOMPARE(readAll(m_agent->oplog), oplogBefore); // the oplog itself is never written for them
    }

    void refusals()
    {
        QCOMPARE(call("POST", ackUrl(kInterrupted), kViewerToken, ackBody(u"main"_s, u"x"_s)).status, 403);
        QCOMPARE(call("POST", ackUrl(kInterrupted), {}, ackBody(u"main"_s, u"x"_s)).status, 401);
        const QByteArray longest = QByteArray(2000, 'a'), tooLong = QByteArray(2001, 'a');
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"main"_s, QString::fromLatin1(tooLong))).status, 400);
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, "not json").status, 400);
        // Characters, not UTF-16 units: 2,000 emoji pass, 2,001 do not; a NUL does not end the body early.
        const QString emoji = QString::fromUcs4(U"\U0001F600");
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"main"_s, emoji.repeated(2001))).status, 400);
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"main"_s) + QByteArray("\0garbage", 8)).status, 400);
        QCOMPARE(call("POST", ackUrl(u"no-such-operation"_s), kOperatorToken, ackBody(u"main"_s)).status, 404);
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"nope"_s)).status, 404);
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"service"_s)).status, 404); // not in that log
        QCOMPARE(call("GET", url(u"/v1/acknowledgements?log=main"_s), kViewerToken).json().array().size(), 0);
        // Exactly the limit is accepted; viewers may not withdraw.
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"main"_s, QString::fromLatin1(longest))).status, 200);
        QCOMPARE(call("DELETE", ackUrl(kInterrupted) + u"?log=main"_s, kViewerToken).status, 403);
        QCOMPARE(call("GET", url(u"/v1/acknowledgements?log=main"_s), kViewerToken).json().array().size(), 1);
        QCOMPARE(call("POST", ackUrl(kFailed), kOperatorToken, ackBody(u"main"_s, emoji.repeated(2000))).status, 200);
    }

    void survivesRestartAndCrash()
    {
        QCOMPARE(call("POST", ackUrl(kInterrupted), kOperatorToken, ackBody(u"main"_s, u"on it"_s)).status, 200);
        QCOMPARE(call("POST", ackUrl(kFailed), kOperatorToken, ackBody(u"main"_s)).status, 200);
        QCOMPARE(call("DELETE", ackUrl(kFailed) + u"?log=main"_s, kOperatorToken).status, 200);
        QCOMPARE(m_agent->stop(), 0);
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
        QJsonArray list = call("GET", url(u"/v1/acknowledgements?log=main"_s), kViewerToken).json().array();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0][u"comment"_s].toString(), u"on it"_s);
        m_agent->crash();
        // A crash in the middle of a line leaves half of it: the agent reads the rest and keeps appending after it.
        appendFile(m_dir->filePath(u"acknowledgements.jsonl"_s), "{\"action\":\"acknowledge\",\"log\":\"ma");
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
        QCOMPARE(call("POST", ackUrl(kFailed), kOperatorToken, ackBody(u"main"_s, u"after the crash"_s)).status, 200);
        QVERIFY2(m_agent->stop() == 0 && m_agent->start(), qPrintable(m_agent->err()));
        list = call("GET", url(u"/v1/acknowledgements?log=main"_s), kViewerToken).json().array();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[1][u"comment"_s].toString(), u"after the crash"_s);
    }

    void metricsEqualOplensctl()
    {
        Answer m = call("GET", url(u"/metrics"_s), kViewerToken);
        QCOMPARE(m.status, 200);
        QVERIFY2(m.contentType.startsWith("text/plain; version=0.0.4"), m.contentType.constData());
        QCOMPARE(metricsCounts(m.body), oplensctlCounts());
        QCOMPARE(metricsCounts(m.body)[std::make_tuple(u"ZxBackup"_s, u"SmartScan"_s, u"Interrupted"_s)], 1);
        QCOMPARE(metricValue(m.body, u"oplens_operations_unacknowledged_interrupted"_s, u"log=\"main\""_s), 1.0);
        QCOMPARE(metricValue(m.body, u"oplens_oplog_size_bytes"_s, u"log=\"main\""_s), double(readAll(m_agent->oplog).size()));

        // The service restarts: the running report is interrupted, for both readers.
        appendFile(m_agent->oplog, Event(QString(), u"ServiceStarted", QDateTime::currentMSecsSinceEpoch())
                                       .module(u"ZxCore").name(u"ServiceStarted").line());
        m = call("GET", url(u"/metrics"_s), kMetricsToken);
        QCOMPARE(m.status, 200);
        QCOMPARE(metricsCounts(m.body), oplensctlCounts());
        QCOMPARE(metricsCounts(m.body)[std::make_tuple(u"ZxAdmin"_s, u"Report"_s, u"Interrupted"_s)], 1);
        QCOMPARE(metricValue(m.body, u"oplens_operations_unacknowledged_interrupted"_s, u"log=\"main\""_s), 2.0);

        // Acknowledged: still Interrupted, no longer unacknowledged.
        QCOMPARE(call("POST", ackUrl(kRunning), kOperatorToken, ackBody(u"main"_s)).status, 200);
        m = call("GET", url(u"/metrics"_s), kMetricsToken);
        QCOMPARE(metricsCounts(m.body), oplensctlCounts());
        QCOMPARE(metricValue(m.body, u"oplens_operations_unacknowledged_interrupted"_s, u"log=\"main\""_s), 1.0);
        QVERIFY(metricValue(m.body, u"oplens_http_requests_total"_s, u"code=\"200\""_s) >= 3);
        QCOMPARE(metricValue(m.body, u"oplens_restarts_total"_s, u"result=\"accepted\""_s), 0.0);
    }

    void metricsTokenReadsOnlyMetrics()
    {
        QCOMPARE(call("GET", url(u"/metrics"_s), kMetricsToken).status, 200);
        QCOMPARE(call("GET", url(u"/v1/status"_s), kMetricsToken).status, 403);
        QCOMPARE(call("GET", url(u"/v1/oplog?log=main"_s), kMetricsToken).status, 403);
        QCOMPARE(call("GET", url(u"/v1/acknowledgements?log=main"_s), kMetricsToken).status, 403);
        QCOMPARE(call("GET", url(u"/metrics"_s), {}).status, 401);
        const QByteArray audit = readAll(m_agent->audit);
        QVERIFY(!audit.contains(kMetricsToken));
        QVERIFY(audit.contains("\"identity\":\"metrics scraper\""));
    }
};

QTEST_GUILESS_MAIN(TestAgentShared)
#include "tst_agentshared.moc"
