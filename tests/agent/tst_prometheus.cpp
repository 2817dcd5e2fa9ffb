// What Prometheus and Grafana are given (agent.md section 8; issue 12), checked by the tool made for it: promtool, from
// Debian's prometheus package (scripts/setup.sh installs it; without it this test fails and says so).
// - a real GET /metrics answer of a started oplensd: `promtool check metrics`, its content type, its families; the
//   same through the shipped nginx site (how a Prometheus elsewhere reads it);
// - resources/deploy/oplens-alerts.rules.yml: `promtool check rules`, and `promtool test rules` with
//   tests/agent/prometheus/oplens-alerts.test.yml (each alert fires when it should, with its labels and texts);
// - resources/deploy/oplens-grafana-dashboard.json: valid JSON, a datasource and a server variable, and every panel's
//   query written into a rules file as a recording rule for `promtool check rules`;
// - the rules and the dashboard name no metric the agent does not answer.
#include "rawhttp.h"
#include "testoplog.h"
#include "testservers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using testfiles::readAll;
using testfiles::writeFile;
using testservers::Exit;
using testservers::runToEnd;

namespace {

const QString kPromtool = QStringLiteral(PROMTOOL);
const QString kRules = QStringLiteral(DEPLOY_DIR "/oplens-alerts.rules.yml");
const QString kDashboard = QStringLiteral(DEPLOY_DIR "/oplens-grafana-dashboard.json");
const QString kRulesTest = QStringLiteral(PROMETHEUS_TESTS "/oplens-alerts.test.yml");

// The families agent.md section 8 promises, and the two the shipped rules and dashboard also read.
const QStringList kPromised{u"oplens_operations"_s, u"oplens_operations_unacknowledged_interrupted"_s,
                            u"oplens_oplog_size_bytes"_s, u"oplens_oplog_skipped_lines"_s,
                            u"oplens_service_started_timestamp_seconds"_s, u"oplens_restarts_total"_s,
                            u"oplens_alerts_total"_s, u"oplens_http_requests_total"_s, u"oplens_agent_info"_s,
                            u"oplens_operations_stale"_s};

// A series Prometheus makes itself for each scrape, which rules and dashboards may read too.
const QSet<QString> kPrometheusOwn{u"up"_s};

const QString kInterrupted = u"11111111-1111-4111-8111-111111111111"_s;

// `promtool ARGS`, with `input` on its standard input.
Exit promtool(const QStringList &args, const QByteArray &input = {})
{
    QProcess process;
    process.start(kPromtool, args);
    if (!process.waitForStarted(10000))
        return {};
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000))
        process.kill();
    process.waitForFinished(5000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

QByteArray describe(const Exit &run) { return (u"exit %1: "_s.arg(run.code) + run.out + run.err).toUtf8(); }

// The metric names a PromQL expression reads: identifiers outside strings, label matchers, ranges and label lists
// (by, without, on, ignoring, group_left, group_right), that are not functions, aggregations or keywords.
QSet<QString> metricNames(QString expr)
{
    expr.remove(QRegularExpression(u"\"(?:[^\"\\\\]|\\\\.)*\""_s));
    expr.remove(QRegularExpression(u"\\{[^}]*\\}"_s));
    expr.remove(QRegularExpression(u"\\[[^\\]]*\\]"_s));
    expr.remove(QRegularExpression(u"\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)"_s));
    static const QSet<QString> keywords{u"by"_s, u"without"_s, u"on"_s, u"ignoring"_s, u"group_left"_s,
                                        u"group_right"_s, u"bool"_s, u"and"_s, u"or"_s, u"unless"_s, u"offset"_s};
    QSet<QString> names;
    static const QRegularExpression identifier(u"(?<![\\w.])([A-Za-z_:][\\w:]*)(\\s*\\()?"_s);
    for (auto it = identifier.globalMatch(expr); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.captured(2).isEmpty() && !keywords.contains(m.captured(1)))
            names.insert(m.captured(1));
    }
    return names;
}

// Grafana's variables as Prometheus would see them once Grafana filled them in.
QString filledIn(QString expr)
{
    expr.replace(QRegularExpression(u"\\$__(?:rate_interval|interval|range)\\b"_s), u"5m"_s);
    expr.replace(QRegularExpression(u"\\$\\{?(\\w+)\\}?"_s), u".*"_s);
    return expr;
}

// GET PATH with a bearer token over TLS to 127.0.0.1:port, verified against `ca`; the whole answer as it came.
QByteArray getOverTls(quint16 port, const QList<QSslCertificate> &ca, const QByteArray &path, const QByteArray &token)
{
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(ca);
    socket.setSslConfiguration(tls);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
    if (!socket.waitForEncrypted(10000))
        return {};
    socket.write(rawhttp::requestBytes("GET", path, token, {"Connection: close"}));
    QByteArray all;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(10000))
        all += socket.readAll();
    return all + socket.readAll();
}

// Every panel, those inside rows too.
void collectPanels(const QJsonArray &panels, QList<QJsonObject> *into)
{
    for (const QJsonValue &p : panels) {
        into->append(p.toObject());
        collectPanels(p.toObject().value(u"panels"_s).toArray(), into);
    }
}

} // namespace

class TestPrometheus : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<testservers::Agent> m_agent;
    rawhttp::Response m_metrics; // the answer to GET /metrics with the viewer token
    QSet<QString> m_families;    // the names of its families (its # TYPE lines)

    // Checks that every name in `names` is one the agent answers or Prometheus makes; `where` says whose.
    bool onlyKnownNames(const QSet<QString> &names, const QString &where) const
    {
        for (const QString &name : names)
            if (!m_families.contains(name) && !kPrometheusOwn.contains(name)) {
                qWarning("%s reads %s, which the agent's /metrics does not have", qPrintable(where), qPrintable(name));
                return false;
            }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kPromtool).isExecutable(),
                 "promtool is needed: scripts/setup.sh installs Debian's prometheus package, which has it");
        QVERIFY2(QFileInfo(QStringLiteral(OPLENSD)).isExecutable(), OPLENSD);
        QVERIFY(m_dir.isValid());
        const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
        const QByteArray oplog = testoplog::Event(kInterrupted, u"Started", t).module(u"ZxBackup").name(u"SmartScan").line()
            + testoplog::Event(kInterrupted, u"Interrupted", t + 60000).module(u"ZxBackup").name(u"SmartScan").line()
            + "not json\n";
        m_agent = std::make_unique<testservers::Agent>(m_dir.path(), oplog);
        // A service start known, so that oplens_service_started_timestamp_seconds is answered too.
        m_agent->config.insert(u"service"_s, QJsonObject{{u"name"_s, u"mailboxd"_s},
                                                        {u"startedAtCommand"_s, QJsonArray{u"/bin/echo"_s, u"1764561600"_s}}});
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));

        rawhttp::Connection c;
        QVERIFY(c.connect(m_agent->port));
        const auto answer = c.request(rawhttp::requestBytes("GET", "/metrics", testservers::kViewerToken));
        QVERIFY(answer);
        m_metrics = *answer;
        for (const QByteArray &line : m_metrics.body.split('\n'))
            if (line.startsWith("# TYPE "))
                m_families.insert(QString::fromUtf8(line.split(' ').value(2)));
    }

    // ---- /metrics ----------------------------------------------------------------------------------------------

    void metricsAnswerPassesPromtool()
    {
        QVERIFY2(m_metrics.status == 200, m_metrics.body.left(300).constData());
        QVERIFY2(m_metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"), m_metrics.header("Content-Type").constData());
        for (const QString &name : kPromised)
            QVERIFY2(m_families.contains(name), qPrintable(name));
        const Exit run = promtool({u"check"_s, u"metrics"_s}, m_metrics.body);
        QVERIFY2(run.code == 0 && run.out.trimmed().isEmpty(), describe(run).constData()); // no lint problem either
        // What was seeded is counted: one interrupted SmartScan, unacknowledged; one line that is not JSON.
        const QByteArray body = m_metrics.body;
        QVERIFY2(body.contains("oplens_operations{log=\"main\",module=\"ZxBackup\",name=\"SmartScan\",status=\"Interrupted\"} 1\n"), body.constData());
        QVERIFY2(body.contains("oplens_operations_unacknowledged_interrupted{log=\"main\"} 1\n"), body.constData());
        QVERIFY2(body.contains("oplens_oplog_skipped_lines{log=\"main\"} 1\n"), body.constData());
        QVERIFY2(body.contains("oplens_service_started_timestamp_seconds 1764561600\n"), body.constData());
    }

    void metricsNeedAToken()
    {
        rawhttp::Connection c;
        QVERIFY(c.connect(m_agent->port));
        const auto answer = c.request(rawhttp::requestBytes("GET", "/metrics"));
        QVERIFY(answer);
        QCOMPARE(answer->status, 401);
        QVERIFY(!answer->body.contains("oplens_"));
    }

    // The shipped nginx site passes /metrics on (a Prometheus on another machine scrapes through it, README).
    void metricsThroughTheShippedNginx()
    {
        if (!testservers::haveNginx())
            QSKIP("nginx is not installed (scripts/setup.sh installs nginx-light)");
        QVERIFY2(QFileInfo(QStringLiteral(OPENSSL)).isExecutable(), "openssl is needed to make the test certificates");
        testservers::Pki pki;
        QVERIFY(testservers::generatePki(m_dir.path(), &pki));
        testservers::Nginx nginx(m_dir.path(), testservers::oplensdSite(pki, m_agent->port));
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        const QByteArray answer = getOverTls(nginx.port, pki.ca, "/metrics", testservers::kViewerToken);
        QVERIFY2(answer.startsWith("HTTP/1.1 200 "), answer.left(300).constData());
        QVERIFY2(answer.contains("\r\nContent-Type: text/plain; version=0.0.4"), answer.left(300).constData());
        QVERIFY2(answer.contains("\noplens_agent_info{"), answer.left(300).constData());
        const QByteArray refused = getOverTls(nginx.port, pki.ca, "/metrics", {});
        QVERIFY2(refused.startsWith("HTTP/1.1 401 "), refused.left(300).constData());
    }

    // ---- alerting rules ----------------------------------------------------------------------------------------

    void rulesPassPromtool()
    {
        const Exit run = promtool({u"check"_s, u"rules"_s, kRules});
        QVERIFY2(run.code == 0, describe(run).constData());
        QVERIFY2(run.out.contains(u"SUCCESS: 5 rules found"_s), describe(run).constData());
    }

    // Each alert fires when it should and not before, with the labels and texts tested (promtool test rules).
    void rulesBehaveAsTheirTestSays()
    {
        const Exit run = promtool({u"test"_s, u"rules"_s, kRulesTest});
        QVERIFY2(run.code == 0 && run.out.contains(u"SUCCESS"_s), describe(run).constData());
    }

    void rulesReadOnlyWhatTheAgentAnswers()
    {
        const QString rules = QString::fromUtf8(readAll(kRules));
        QSet<QString> names;
        static const QRegularExpression expr(u"expr:\\s*(?:\\|\\n((?:\\s{10,}.*\\n)+)|(.*)\\n)"_s);
        for (auto it = expr.globalMatch(rules); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            names += metricNames(m.captured(1) + m.captured(2));
        }
        QVERIFY(names.contains(u"oplens_operations_unacknowledged_interrupted"_s) && names.contains(u"up"_s));
        QVERIFY(onlyKnownNames(names, kRules));
    }

    // ---- Grafana dashboard -------------------------------------------------------------------------------------

    void dashboardQueriesPassPromtool()
    {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(readAll(kDashboard), &error);
        QVERIFY2(document.isObject(), qPrintable(error.errorString()));
        const QJsonObject dashboard = document.object();
        QVERIFY(dashboard.value(u"schemaVersion"_s).toInt() >= 36);
        QVERIFY(!dashboard.value(u"title"_s).toString().isEmpty() && !dashboard.value(u"uid"_s).toString().isEmpty());
        QStringList variables;
        for (const QJsonValue &v : dashboard.value(u"templating"_s).toObject().value(u"list"_s).toArray())
            variables << v.toObject().value(u"type"_s).toString() + u':' + v.toObject().value(u"name"_s).toString();
        QVERIFY2(variables.contains(u"datasource:datasource"_s) && variables.contains(u"query:instance"_s), qPrintable(variables.join(u", ")));

        QList<QJsonObject> panels;
        collectPanels(dashboard.value(u"panels"_s).toArray(), &panels);
        QByteArray recording = "groups:\n  - name: oplens_dashboard\n    rules:\n";
        int queries = 0;
        QSet<QString> names;
        for (const QJsonObject &panel : std::as_const(panels)) {
            if (panel.value(u"type"_s).toString() == u"row"_s)
                continue;
            const QString title = panel.value(u"title"_s).toString();
            QVERIFY2(panel.value(u"datasource"_s).toObject().value(u"uid"_s).toString() == u"${datasource}"_s, qPrintable(title));
            const QJsonArray targets = panel.value(u"targets"_s).toArray();
            QVERIFY2(!targets.isEmpty(), qPrintable(title));
            for (const QJsonValue &t : targets) {
                const QString expr = t.toObject().value(u"expr"_s).toString();
                QVERIFY2(!expr.trimmed().isEmpty(), qPrintable(title));
                const QSet<QString> read = metricNames(expr);
                QVERIFY2(!read.isEmpty(), qPrintable(title + u": "_s + expr));
                QVERIFY(onlyKnownNames(read, title));
                names += read;
                recording += "      - record: dashboard:query_" + QByteArray::number(++queries) + "\n        expr: |\n          "
                    + filledIn(expr).toUtf8() + "\n";
            }
        }
        // Operations by status and server, unacknowledged interrupted, stale, restarts, alerts, requests, oplog size.
        for (const QString &name : {u"oplens_operations"_s, u"oplens_operations_unacknowledged_interrupted"_s,
                                    u"oplens_operations_stale"_s, u"oplens_restarts_total"_s, u"oplens_alerts_total"_s,
                                    u"oplens_http_requests_total"_s, u"oplens_oplog_size_bytes"_s})
            QVERIFY2(names.contains(name), qPrintable(name));
        const QString file = m_dir.filePath(u"dashboard-queries.rules.yml"_s);
        writeFile(file, recording);
        const Exit run = promtool({u"check"_s, u"rules"_s, file});
        QVERIFY2(run.code == 0, (describe(run) + '\n' + recording).constData());
        QVERIFY2(run.out.contains(u"SUCCESS: %1 rules found"_s.arg(queries)), describe(run).constData());
    }

    // The name extraction itself, on what it must tell apart.
    void metricNamesOfAnExpression()
    {
        QCOMPARE(metricNames(u"sum by (instance, code) (rate(oplens_http_requests_total{code=~\"4..\"}[5m]))"_s),
                 QSet<QString>{u"oplens_http_requests_total"_s});
        QCOMPARE(metricNames(u"a * on (instance, job) group_left (host) b > 0 unless c offset 5m"_s),
                 (QSet<QString>{u"a"_s, u"b"_s, u"c"_s}));
        QCOMPARE(metricNames(u"up{job=\"oplensd\"} == 0"_s), QSet<QString>{u"up"_s});
    }
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
