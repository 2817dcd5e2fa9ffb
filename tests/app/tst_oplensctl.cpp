// oplensctl run as a process: outputs and exit codes of cli.md.
#include "csvreader.h"
#include "oplensctlrun.h"
#include "testfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

using oplensctlrun::data;
using oplensctlrun::oplensctl;
using oplensctlrun::Run;

QString folded(QString text) { return text.replace(QRegularExpression(QStringLiteral("\\s+")), QStringLiteral(" ")).trimmed(); }

QJsonArray operationList(const QString &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << json.left(200);
    return doc.object().value(QStringLiteral("operationList")).toArray();
}

QStringList field(const QJsonArray &events, const char *key)
{
    QStringList values;
    for (const auto &e : events) {
        const QJsonValue v = e.toObject().value(QLatin1String(key));
        values << (v.isDouble() ? QString::number(qint64(v.toDouble())) : v.toString());
    }
    return values;
}

} // namespace

class TestOplensctl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedSampleReadsAsTheSuitePrintsIt()
    {
        const Run run = oplensctl({QStringLiteral("get-operation-log"), data("seed-example.jsonl")});
        QCOMPARE(run.exitCode, 0);
        const QByteArray expected = testfiles::readAll(data("seed-example.expected.txt"));
        QVERIFY(!expected.isEmpty());
        QCOMPARE(folded(run.out), folded(QString::fromUtf8(expected)));
        QVERIFY(run.err.isEmpty());
    }

    void jsonKeepsEveryFieldNewestFirst()
    {
        const Run run = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), data("seed-example.jsonl")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray events = operationList(run.out);
        QCOMPARE(events.size(), 8);
        const QStringList times = field(events, "startTime");
        QStringList sorted = times;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        QCOMPARE(times, sorted);
        const QJsonObject newest = events.first().toObject();
        QCOMPARE(newest.value(QStringLiteral("humanStartTime")).toString(), QStringLiteral("13/05/2014 22:00:00"));
        QCOMPARE(newest.value(QStringLiteral("OpStartTime")).toDouble(), 1400011200049.0);
        QCOMPARE(newest.value(QStringLiteral("parameters")).toObject().value(QStringLiteral("origin")).toString(),
                 QStringLiteral("Cron"));
        QVERIFY(!newest.contains(QStringLiteral("source"))); // one source only
    }

    void unfinishedListsInterruptedAndRunning()
    {
        const Run run = oplensctl({QStringLiteral("get-unfinished-operation-log"), QStringLiteral("--json"),
                                   data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray events = operationList(run.out);
        QCOMPARE(field(events, "operationId"),
                 QStringList({QStringLiteral("44444444-4444-4444-8444-444444444444"),
                              QStringLiteral("22222222-2222-4222-8222-222222222222"),
                              QStringLiteral("11111111-1111-4111-8111-111111111111")}));
        QCOMPARE(field(events, "status"),
                 QStringList({QStringLiteral("Running"), QStringLiteral("Interrupted"), QStringLiteral("Interrupted")}));
    }

    void unfinishedTextEndsEachBlockWithStatus()
    {
        const Run run = oplensctl({QStringLiteral("get-unfinished-operation-log"), data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.startsWith(QStringLiteral("operationList\n")));
        QCOMPARE(run.out.count(QRegularExpression(QStringLiteral("\\n\\s+status\\s+Interrupted\\n"))), 2);
        QVERIFY(run.out.contains(QRegularExpression(QStringLiteral("humanStartTime\\s+14/11/2023 22:15:00"))));
    }

    void assumeInterruptedMakesEveryUnfinishedInterrupted()
    {
        const Run run = oplensctl({QStringLiteral("get-unfinished-operation-log"), QStringLiteral("--json"),
                                   QStringLiteral("--assume-interrupted"), data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(field(operationList(run.out), "status"),
                 QStringList({QStringLiteral("Interrupted"), QStringLiteral("Interrupted"), QStringLiteral("Interrupted")}));
    }

    void filters_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QStringList>("ids"); // operationIds of the events printed, newest first
        const QString i1 = QStringLiteral("11111111-1111-4111-8111-111111111111");
        const QString i2 = QStringLiteral("22222222-2222-4222-8222-222222222222");
        const QString i3 = QStringLiteral("33333333-3333-4333-8333-333333333333");
        const QString i4 = QStringLiteral("44444444-4444-4444-8444-444444444444");
        const QString i5 = QStringLiteral("55555555-5555-4555-8555-555555555555");
        QTest::newRow("module") << QStringList{QStringLiteral("--module"), QStringLiteral("ZxPowerstore")} << QStringList{i3, i3};
        QTest::newRow("two modules") << QStringList{QStringLiteral("--module"), QStringLiteral("ZxPowerstore"), QStringLiteral("--module"), QStringLiteral("ZxAdmin")}
                                     << QStringList{i4, i3, i3};
        QTest::newRow("name") << QStringList{QStringLiteral("--name"), QStringLiteral("SmartScan")} << QStringList{i5, i5, i1};
        QTest::newRow("status selects every event of the operation")
            << QStringList{QStringLiteral("--status"), QStringLiteral("Failed")} << QStringList{i5, i5};
        QTest::newRow("status Interrupted") << QStringList{QStringLiteral("--status"), QStringLiteral("interrupted")} << QStringList{i2, i1};
        QTest::newRow("status Unfinished") << QStringList{QStringLiteral("--status"), QStringLiteral("Unfinished")} << QStringList{i4, i2, i1};
        QTest::newRow("since epoch ms") << QStringList{QStringLiteral("--since"), QStringLiteral("1700000500000")} << QStringList{i5, i5, i4};
        QTest::newRow("until ISO 8601") << QStringList{QStringLiteral("--until"), QStringLiteral("2023-11-14T22:15:00Z")} << QStringList{i2, i1};
        QTest::newRow("grep parameters, any case") << QStringList{QStringLiteral("--grep"), QStringLiteral("ALICE@")} << QStringList{i2};
        QTest::newRow("grep operationId") << QStringList{QStringLiteral("--grep"), QStringLiteral("44444444")} << QStringList{i4};
        QTest::newRow("grep requestedBy") << QStringList{QStringLiteral("--grep"), QStringLiteral("admin@example")} << QStringList{i2};
        QTest::newRow("limit") << QStringList{QStringLiteral("--limit"), QStringLiteral("2")} << QStringList{i5, i5};
        QTest::newRow("filters combine") << QStringList{QStringLiteral("--module"), QStringLiteral("ZxBackup"), QStringLiteral("--status"), QStringLiteral("Interrupted"), QStringLiteral("--grep"), QStringLiteral("restore")}
                                         << QStringList{i2};
    }

    void filters()
    {
        QFETCH(QStringList, options);
        QFETCH(QStringList, ids);
        const Run run = oplensctl(QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--json")} + options
                                  + QStringList{data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(field(operationList(run.out), "operationId"), ids);
    }

    void standardInputAndFileUrl()
    {
        const QByteArray seed = testfiles::readAll(data("seed-example.jsonl"));
        QVERIFY(!seed.isEmpty());
        const Run fromStdin = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), QStringLiteral("-")}, seed);
        QCOMPARE(fromStdin.exitCode, 0);
        QCOMPARE(operationList(fromStdin.out).size(), 8);
        const Run fromUrl = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"),
                                       QUrl::fromLocalFile(data("seed-example.jsonl")).toString()});
        QCOMPARE(fromUrl.exitCode, 0);
        QCOMPARE(fromUrl.out, fromStdin.out);
    }

    void mergedSourcesNameTheirSource()
    {
        const Run run = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"),
                                   data("seed-example.jsonl"), data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray events = operationList(run.out);
        QCOMPARE(events.size(), 16); // the ServiceStarted event is listed too
        QCOMPARE(field(events, "source").filter(QStringLiteral("interrupted.jsonl")).size(), 8);
        QCOMPARE(field(events, "source").filter(QStringLiteral("seed-example.jsonl")).size(), 8);
    }

    void badLinesAreReportedAndTheRestRead()
    {
        const Run run = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), data("badlines.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(operationList(run.out).size(), 2);
        QVERIFY2(run.err.contains(QStringLiteral("badlines.jsonl: line 2: skipped: not valid JSON")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("badlines.jsonl: line 3: skipped: required field \"operationId\" is missing")),
                 qPrintable(run.err));
        const Run strict = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--strict"), data("badlines.jsonl")});
        QCOMPARE(strict.exitCode, 3);
    }

    // Past the first 1,000 bad lines, each kept with its place, the rest are summed up by reason in one line.
    void manyBadLinesEndInASummary()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("many-bad.jsonl"));
        QByteArray text;
        for (int i = 0; i < 3000; ++i)
            text += "not json " + QByteArray::number(i) + '\n';
        text += "{\"module\":\"A\",\"name\":\"B\",\"operationId\":\"x\",\"type\":\"Started\",\"startTime\":1}\n";
        QVERIFY(testfiles::writeFile(path, text));
        const Run run = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), path});
        QCOMPARE(operationList(run.out).size(), 1);
        QCOMPARE(run.err.count(QStringLiteral(": skipped: ")), 1000);
        QVERIFY2(run.err.contains(QStringLiteral("many-bad.jsonl: … and 2,000 more bad lines: 2,000 not valid JSON")), qPrintable(run.err.right(300)));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); // part of standard error
        QTest::newRow("no arguments") << QStringList{} << 1 << QStringLiteral("Usage: oplensctl");
        QTest::newRow("unknown subcommand") << QStringList{QStringLiteral("frobnicate")} << 1 << QStringLiteral("unknown subcommand");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--bogus"), data("seed-example.jsonl")} << 1 << QStringLiteral("bogus");
        QTest::newRow("no source") << QStringList{QStringLiteral("get-operation-log")} << 1 << QStringLiteral("no SOURCE");
        QTest::newRow("bad status") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--status"), QStringLiteral("Sleeping"), data("seed-example.jsonl")} << 1 << QStringLiteral("unknown status");
        QTest::newRow("bad time") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--since"), QStringLiteral("yesterday"), data("seed-example.jsonl")} << 1 << QStringLiteral("--since");
        QTest::newRow("bad limit") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--limit"), QStringLiteral("-3"), data("seed-example.jsonl")} << 1 << QStringLiteral("--limit");
        QTest::newRow("missing file") << QStringList{QStringLiteral("get-operation-log"), data("no-such-file.jsonl")} << 2 << QStringLiteral("no-such-file.jsonl");
        QTest::newRow("one of two missing") << QStringList{QStringLiteral("get-operation-log"), data("seed-example.jsonl"), data("no-such-file.jsonl")} << 2 << QStringLiteral("no-such-file.jsonl");
        QTest::newRow("remote, unknown host") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("https://nowhere.invalid/oplog")} << 2 << QStringLiteral("DNS: the name nowhere.invalid is not known");
        QTest::newRow("remote, password over http") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file"), data("seed-example.jsonl"), QStringLiteral("http://mail.example.com/oplog")} << 2 << QStringLiteral("use https://");
        QTest::newRow("remote, not a file URL") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("https://mail.example.com/")} << 1 << QStringLiteral("not the URL of an oplog file");
        QTest::newRow("restart, web server") << QStringList{QStringLiteral("restart"), QStringLiteral("x"), QStringLiteral("--reason"), QStringLiteral("r"), QStringLiteral("https://mail.example.com/oplog")} << 1 << QStringLiteral("read-only");
        QTest::newRow("--user without password") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("https://mail.example.com/oplog")} << 1 << QStringLiteral("--password-file");
        QTest::newRow("export without --format") << QStringList{QStringLiteral("export"), data("seed-example.jsonl")} << 1 << QStringLiteral("--format is required");
        QTest::newRow("export, bad format") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("xlsx"), data("seed-example.jsonl")} << 1 << QStringLiteral("\"xlsx\" is not csv, jsonl, json, html or pdf");
        QTest::newRow("export, bad view") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--view"), QStringLiteral("tree"), data("seed-example.jsonl")} << 1 << QStringLiteral("--view");
        QTest::newRow("export, no --json") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--json"), data("seed-example.jsonl")} << 1 << QStringLiteral("json");
        QTest::newRow("export, no source") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv")} << 1 << QStringLiteral("no SOURCE");
        QTest::newRow("export, missing file") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("jsonl"), data("no-such-file.jsonl")} << 2 << QStringLiteral("no-such-file.jsonl");
        QTest::newRow("export, -o in a missing folder") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("/nonexistent-folder/out.csv"), data("seed-example.jsonl")} << 2 << QStringLiteral("does not exist");
        // An empty file name is not "not given" (which would send OPLENS_TOKEN unseen).
        QTest::newRow("restart, --token-file \"\"") << QStringList{QStringLiteral("restart"), QStringLiteral("x"), QStringLiteral("--reason"), QStringLiteral("r"), QStringLiteral("--yes"), QStringLiteral("--token-file"), QString(), QStringLiteral("agent+https://mail.example.com:8470")} << 1 << QStringLiteral("--token-file: the file name is empty");
        QTest::newRow("reading, --password-file \"\"") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file="), QStringLiteral("https://mail.example.com/oplog")} << 1 << QStringLiteral("--password-file: the file name is empty");
        QTest::newRow("restart, bad --timeout") << QStringList{QStringLiteral("restart"), QStringLiteral("x"), QStringLiteral("--reason"), QStringLiteral("r"), QStringLiteral("--yes"), QStringLiteral("--timeout"), QStringLiteral("0"), QStringLiteral("agent+https://mail.example.com:8470")} << 1 << QStringLiteral("--timeout");
        QTest::newRow("export --strict, skipped lines") << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("jsonl"), QStringLiteral("--strict"), data("badlines.jsonl")} << 3 << QStringLiteral("line 2: skipped");
    }

    void exitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run run = oplensctl(args);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }

    // A workspace's filter may be a regex (the console's); an invalid one is refused with why and where, instead of
    // printing no operation at all. --grep, a substring, replaces it.
    void workspaceWithAnInvalidRegexIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.oplens.json"));
        const QJsonObject workspace{{QStringLiteral("oplensWorkspace"), 1},
                                    {QStringLiteral("sources"), QJsonArray{QJsonObject{{QStringLiteral("url"), data("seed-example.jsonl")}}}},
                                    {QStringLiteral("filter"), QJsonObject{{QStringLiteral("text"), QStringLiteral("smart(scan")},
                                                                           {QStringLiteral("regex"), true}}}};
        QVERIFY(testfiles::writeFile(path, QJsonDocument(workspace).toJson()));
        const Run refused = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--workspace"), path});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("the filter's text \"smart(scan\" is not a valid regular expression: missing closing parenthesis at position 10")),
                 qPrintable(refused.err));
        QVERIFY(refused.out.isEmpty());
        const Run grep = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--workspace"), path, QStringLiteral("--grep"), QStringLiteral("smart")});
        QCOMPARE(grep.exitCode, 0);
        QVERIFY(!grep.out.isEmpty());
    }

    // Before: it waited 30 s whatever the caller wanted (and for ever on a server that trickles). A server that
    // accepts and never answers: the command ends with a clear error, exit status 2.
    void restartAgainstASilentAgentEnds()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> accepted; // held open, never answered
        connect(&silent, &QTcpServer::newConnection, this, [&] { accepted << silent.nextPendingConnection(); });
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPLENS_TOKEN"), QStringLiteral("a-token"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(OPLENSCTL), {QStringLiteral("restart"), QStringLiteral("op-1"), QStringLiteral("--reason"),
                                                   QStringLiteral("r"), QStringLiteral("--yes"), QStringLiteral("--timeout"),
                                                   QStringLiteral("2"),
                                                   QStringLiteral("agent+http://127.0.0.1:%1").arg(silent.serverPort())});
        QVERIFY(process.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 60000); // generous: it ends, that is the point
        QCOMPARE(accepted.size(), 1);
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("no answer in time from 127.0.0.1:%1").arg(silent.serverPort())), qPrintable(err));
    }

    void help_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("program") << QStringList{QStringLiteral("--help")} << QStringLiteral("get-unfinished-operation-log");
        QTest::newRow("get-operation-log") << QStringList{QStringLiteral("get-operation-log"), QStringLiteral("--help")} << QStringLiteral("--assume-interrupted");
        QTest::newRow("get-unfinished-operation-log") << QStringList{QStringLiteral("get-unfinished-operation-log"), QStringLiteral("--help")} << QStringLiteral("--status");
        QTest::newRow("export") << QStringList{QStringLiteral("export"), QStringLiteral("--help")} << QStringLiteral("--all-fields");
        QTest::newRow("export in the program's help") << QStringList{QStringLiteral("--help")} << QStringLiteral("export --format");
        QTest::newRow("export's reports") << QStringList{QStringLiteral("export"), QStringLiteral("--help")} << QStringLiteral("html (one page, with the");
    }

    void help()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run run = oplensctl(args);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(expected), qPrintable(run.out));
    }

    void arrayAndWrapperReadTheSame()
    {
        const Run lines = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), data("seed-example.jsonl")});
        QTemporaryDir dir;
        const QString wrapper = dir.filePath(QStringLiteral("wrapped.json"));
        QVERIFY(testfiles::writeFile(wrapper, lines.out.toUtf8()));
        const Run again = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), wrapper});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, lines.out);
    }

    void exportCsvIsTheEventsNewestFirst()
    {
        const Run run = oplensctl({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"),
                                   data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.isEmpty());
        const auto csv = testcsv::readCsv(run.out.toUtf8());
        QVERIFY2(csv.error.isEmpty(), qPrintable(csv.error));
        QCOMPARE(csv.records.size(), 9); // the header and 8 events
        QCOMPARE(csv.records[0], QStringList({QStringLiteral("Time"), QStringLiteral("Type"), QStringLiteral("Host"),
                                              QStringLiteral("Module"), QStringLiteral("Name"), QStringLiteral("Operation id"),
                                              QStringLiteral("Requested by"), QStringLiteral("Parameters"), QStringLiteral("Source")}));
        QCOMPARE(csv.records[1].mid(0, 2), QStringList({QStringLiteral("2023-11-14 22:25:00"), QStringLiteral("Failed")}));
        QCOMPARE(csv.records[8].mid(0, 2), QStringList({QStringLiteral("2023-11-14 22:13:20"), QStringLiteral("Started")}));
        QCOMPARE(csv.records[7][7], QStringLiteral("{\"origin\":\"Admin\",\"sourceAccount\":\"alice@example.com\"}"));
        // The same ids, in the same order, as get-operation-log.
        const Run log = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), data("interrupted.jsonl")});
        QStringList ids;
        for (int i = 1; i < csv.records.size(); ++i)
            ids << csv.records[i][5];
        QCOMPARE(ids, field(operationList(log.out), "operationId"));
    }

    void exportJsonLinesIsWhatGetOperationLogReads()
    {
        const Run run = oplensctl({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("jsonl"),
                                   data("seed-example.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.count(QLatin1Char('\n')), 8);
        // Read back by the CLI: the same events as the source gives.
        const Run back = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), QStringLiteral("-")},
                                   run.out.toUtf8());
        const Run original = oplensctl({QStringLiteral("get-operation-log"), QStringLiteral("--json"), data("seed-example.jsonl")});
        QCOMPARE(back.exitCode, 0);
        QCOMPARE(back.out, original.out);
    }

    void exportJsonOperationsWithFilters()
    {
        const Run run = oplensctl({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("json"),
                                   QStringLiteral("--view"), QStringLiteral("operations"), QStringLiteral("--status"),
                                   QStringLiteral("Interrupted"), data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(run.out.toUtf8()).object();
        const QJsonArray events = doc.value(QStringLiteral("operationList")).toArray();
        // The two Interrupted operations, newest first, and the ServiceStarted marker that interrupted them.
        QCOMPARE(field(events, "operationId"), QStringList({QStringLiteral("22222222-2222-4222-8222-222222222222"), QString(),
                                                            QStringLiteral("11111111-1111-4111-8111-111111111111")}));
        QCOMPARE(field(events, "type")[1], QStringLiteral("ServiceStarted"));
        const QJsonObject info = doc.value(QStringLiteral("exportInfo")).toObject();
        QCOMPARE(info.value(QStringLiteral("filter")).toString(), QStringLiteral("status: Interrupted"));
        QCOMPARE(info.value(QStringLiteral("view")).toString(), QStringLiteral("operations"));
        QCOMPARE(info.value(QStringLiteral("rows")).toInt(), 2);
        QCOMPARE(info.value(QStringLiteral("oplensVersion")).toString(), QStringLiteral(OPLENS_VERSION));
        const QJsonObject source = info.value(QStringLiteral("sources")).toArray().first().toObject();
        QCOMPARE(source.value(QStringLiteral("path")).toString(), QFileInfo(data("interrupted.jsonl")).absoluteFilePath());
        QCOMPARE(source.value(QStringLiteral("sha256")).toString().size(), 64);
        QCOMPARE(qint64(source.value(QStringLiteral("size")).toDouble()), QFileInfo(data("interrupted.jsonl")).size());
    }

    void exportToAFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("operations.csv"));
        QVERIFY(testfiles::writeFile(path, "an older export\n"));
        const Run run = oplensctl({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"),
                                   QStringLiteral("--view"), QStringLiteral("operations"), QStringLiteral("--bom"),
                                   QStringLiteral("--limit"), QStringLiteral("3"), QStringLiteral("-o"), path,
                                   data("interrupted.jsonl")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.isEmpty());
        const QByteArray exported = testfiles::readAll(path);
        QVERIFY(!exported.isEmpty());
        const auto csv = testcsv::readCsv(exported);
        QVERIFY2(csv.error.isEmpty(), qPrintable(csv.error));
        QVERIFY(csv.bom);
        QCOMPARE(csv.records.size(), 4);
        QCOMPARE(csv.records[0].first(), QStringLiteral("Status"));
        QStringList ids;
        for (int i = 1; i < csv.records.size(); ++i)
            ids << csv.records[i][9];
        QCOMPARE(ids, QStringList({QStringLiteral("55555555-5555-4555-8555-555555555555"),
                                   QStringLiteral("44444444-4444-4444-8444-444444444444"),
                                   QStringLiteral("33333333-3333-4333-8333-333333333333")})); // newest start first
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("operations.csv")});
    }
};

QTEST_GUILESS_MAIN(TestOplensctl)
#include "tst_oplensctl.moc"
