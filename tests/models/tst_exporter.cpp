// Export (exporter.h): JSON Lines and JSON read back as the same events, CSV per RFC 4180 and inert for spreadsheets,
// rows in view order, exportInfo's provenance, and no file at all after a failure or a cancel.
#include "celltext.h"
#include "csvreader.h"
#include "exporter.h"
#include "oplogreader.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUrl>

#include <csignal>
#include <ctime>
#include <sys/resource.h>

using namespace oplens;
using namespace testfiles;
using namespace testoplog;
using testcsv::readCsv;

namespace {

// A bit of everything the reader keeps: unknown fields (nested, odd keys, Unicode), a string startTime, OpStartTime,
// hosts, restartOf, error, a ServiceStarted marker that interrupts an operation, ids that are not UUIDs.
const QByteArray kLog =
    R"({"module":"ZxBackup","name":"SmartScan","operationId":"11111111-1111-4111-8111-111111111111","parameters":{"origin":"Cron","nested":{"a":[1,2.5,{"b":null}]},"text":"line1\nline2 \"q\" é"},"OpStartTime":1700000000000,"startTime":1700000000000,"requestedBy":"zimbra","type":"Started","humanStartTime":"14/11/2023 22:13:20","host":"mail1","custom":{"x":1},"flag":true,"note":"ünïcödé 漢字 😀"})"
    "\n"
    R"({"module":"ZxBackup","name":"SmartScan","operationId":"11111111-1111-4111-8111-111111111111","startTime":"1700000100000","type":"Finished","host":"mail1","exitCode":0,"runner":"oplensctl"})"
    "\n"
    R"({"module":"ZxAdmin","name":"Report","operationId":"plain-id-7","startTime":1700000200000,"type":"Started","host":"mail1","requestedBy":"=cmd|' /C calc'!A0"})"
    "\n"
    R"({"module":"ZxCore","name":"ServiceStarted","startTime":1700000300000,"type":"ServiceStarted","host":"mail1"})"
    "\n"
    R"({"module":"ZxAdmin","name":"Report","operationId":"r2","startTime":1700000400000,"type":"Queued","host":"mail1","restartOf":"plain-id-7","parameters":{"origin":"Restart"}})"
    "\n"
    R"({"module":"ZxBackup","name":"SmartScan","operationId":"f1","startTime":1700000500000,"type":"Failed","host":"mail2","error":"disk, \"full\"\nsecond line"})"
    "\n"
    R"({"module":"ZxBackup","name":"SmartScan","operationId":"w1","startTime":1700000600000,"type":"Paused","host":"mail2","weird key \"x\"":[1,"two"],"empty":{}})"
    "\n";

// A dataset read from `path` by the reader, as the console and the CLI read it.
std::shared_ptr<Dataset> readBack(const QString &path, ReadProblems *problems = nullptr)
{
    auto data = std::make_shared<Dataset>();
    const uint16_t source = data->addSource(path);
    ReadRequest request;
    request.path = path;
    const ReadResult result = readOplog(request, data->events(), source);
    if (problems)
        *problems = result.problems;
    data->aggregate();
    return data;
}

QStringList dumpRows(const EventStore &store, const std::vector<uint32_t> &rows)
{
    QStringList out;
    for (const uint32_t r : rows) {
        std::string json;
        appendEventJson(json, store, r, {});
        out << QString::fromStdString(json);
    }
    return out;
}

std::vector<uint32_t> allRows(const Dataset &data)
{
    std::vector<uint32_t> rows(data.events().size());
    for (uint32_t r = 0; r < rows.size(); ++r)
        rows[r] = r;
    return rows;
}

std::vector<uint32_t> allOperations(const Dataset &data)
{
    std::vector<uint32_t> ops;
    for (uint32_t op = 0; op < data.operationCount(); ++op)
        if (data.exists(op))
            ops.push_back(op);
    return ops;
}

QStringList statuses(const Dataset &data)
{
    QStringList out;
    for (const uint32_t op : allOperations(data))
        out << QStringLiteral("%1 %2 %3").arg(data.events().ids().qtext(op), statusName(data.operation(op).status))
                   .arg(data.operation(op).eventCount);
    out.sort();
    return out;
}

// `count` events: Started then Finished of count / 2 operations.
QByteArray bigLog(int count)
{
    QByteArray log;
    for (int i = 0; i < count; ++i) {
        const QByteArray id = "op-" + QByteArray::number(i / 2);
        log += eventLine(id, i % 2 ? "Finished" : "Started", 1700000000000 + i * 1000, ",\"requestedBy\":\"zimbra\"");
    }
    return log;
}

} // namespace

class TestExporter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_logPath;
    std::shared_ptr<Dataset> m_data;

    ExportRequest request(ViewKind kind, ExportRequest::Format format) const
    {
        ExportRequest r;
        r.data = m_data;
        r.kind = kind;
        r.format = format;
        r.rows = kind == ViewKind::Events ? allRows(*m_data) : allOperations(*m_data);
        r.now = 1700000700000;
        r.exportedAt = 1700000800000;
        r.utc = true;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("TZ", "Europe/Rome"); // a zone with summer time, for the local times
        tzset();
        QVERIFY(m_dir.isValid());
        m_logPath = m_dir.filePath(QStringLiteral("fixture.jsonl"));
        QVERIFY(writeFile(m_logPath, kLog));
        ReadProblems problems;
        m_data = readBack(m_logPath, &problems);
        QVERIFY2(problems.empty(), qPrintable(problemsText(problems).join(QLatin1Char('\n'))));
        QCOMPARE(m_data->events().size(), size_t(7));
        QCOMPARE(statusName(m_data->operation(op(*m_data, "plain-id-7")).status), QStringLiteral("Interrupted"));
    }

    void jsonLinesReadBackGivesTheSameEvents_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("JSON Lines") << int(ExportRequest::Format::JsonLines);
        QTest::newRow("JSON") << int(ExportRequest::Format::Json);
    }

    void jsonLinesReadBackGivesTheSameEvents()
    {
        QFETCH(int, format);
        ExportRequest r = request(ViewKind::Events, ExportRequest::Format(format));
        sortEvents(*m_data, r.rows, EventColumn::Time, true); // the view's order, newest first
        const QString path = m_dir.filePath(QStringLiteral("events.out"));
        const ExportResult result = exportTo(r, path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.events, uint64_t(7));
        ReadProblems problems;
        const auto back = readBack(path, &problems);
        QVERIFY2(problems.empty(), qPrintable(problemsText(problems).join(QLatin1Char('\n'))));
        // Every field, unknown ones included, in the view's order.
        QCOMPARE(dumpEvents(back->events()), dumpRows(m_data->events(), r.rows));
        QCOMPARE(statuses(*back), statuses(*m_data));
        QVERIFY(readAll(path).contains("\"weird key \\\"x\\\"\":[1,\"two\"]"));
    }

    void operationsViewWritesEveryEventOfEachOperation()
    {
        ExportRequest r = request(ViewKind::Operations, ExportRequest::Format::JsonLines);
        r.rows = {op(*m_data, "plain-id-7"), op(*m_data, "11111111-1111-4111-8111-111111111111")};
        const QString path = m_dir.filePath(QStringLiteral("operations.jsonl"));
        const ExportResult result = exportTo(r, path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.rows, uint64_t(2));
        QCOMPARE(result.events, uint64_t(4)); // 1 + the ServiceStarted that interrupted it, 2
        const auto back = readBack(path);
        // Read back, the operation interrupted by the service's restart is Interrupted still.
        QCOMPARE(statuses(*back), QStringList({QStringLiteral("11111111-1111-4111-8111-111111111111 Finished 2"),
                                               QStringLiteral("plain-id-7 Interrupted 1")}));
        const QList<QByteArray> lines = readAll(path).trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines[0].contains("plain-id-7"));
        QVERIFY(lines[1].contains("ServiceStarted"));
        QVERIFY(lines[2].contains("\"type\":\"Started\"")); // each operation's events in time order
        QVERIFY(lines[3].contains("\"type\":\"Finished\""));
    }

    void csvEscaping_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected"); // the cell a CSV reader sees
        QTest::newRow("plain") << QStringLiteral("zimbra") << QStringLiteral("zimbra");
        QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("a,b");
        QTest::newRow("quotes") << QStringLiteral("say \"hi\"") << QStringLiteral("say \"hi\"");
        QTest::newRow("newline") << QStringLiteral("line1\nline2") << QStringLiteral("line1\nline2");
        QTest::newRow("CRLF inside") << QStringLiteral("a\r\nb") << QStringLiteral("a\r\nb");
        QTest::newRow("non-ASCII") << QStringLiteral("ünïcödé 漢字 😀") << QStringLiteral("ünïcödé 漢字 😀");
        QTest::newRow("=") << QStringLiteral("=1+2") << QStringLiteral("'=1+2");
        QTest::newRow("+") << QStringLiteral("+SUM(A1:A9)") << QStringLiteral("'+SUM(A1:A9)");
        QTest::newRow("-") << QStringLiteral("-2+3") << QStringLiteral("'-2+3");
        QTest::newRow("@") << QStringLiteral("@SUM(1)") << QStringLiteral("'@SUM(1)");
        QTest::newRow("tab") << QStringLiteral("\t=1") << QStringLiteral("'\t=1");
        QTest::newRow("CR") << QStringLiteral("\r=1") << QStringLiteral("'\r=1");
        QTest::newRow("formula with quotes and comma")
            << QStringLiteral("=HYPERLINK(\"http://x\",\"y\")") << QStringLiteral("'=HYPERLINK(\"http://x\",\"y\")");
        QTest::newRow("= not first") << QStringLiteral("a=b") << QStringLiteral("a=b");
        QTest::newRow("empty") << QString() << QString();
    }

    void csvEscaping()
    {
        QFETCH(QString, value);
        QFETCH(QString, expected);
        auto data = std::make_shared<Dataset>();
        load(*data, Event("id", "Started", 1700000000000)
                        .set(u"requestedBy", value)
                        .parameters({{QStringLiteral("v"), value}})
                        .set(u"error", value)
                        .line());
        QCOMPARE(data->events().size(), size_t(1));

        for (const bool all : {false, true}) {
            ExportRequest r;
            r.data = data;
            r.kind = ViewKind::Events;
            r.rows = {0};
            r.allFields = all;
            r.columns = {int(EventColumn::RequestedBy), int(EventColumn::Module)};
            const QString path = m_dir.filePath(QStringLiteral("escaping.csv"));
            const ExportResult result = exportTo(r, path);
            QVERIFY2(result.ok(), qPrintable(result.error));
            const auto csv = readCsv(readAll(path));
            QVERIFY2(csv.error.isEmpty(), qPrintable(csv.error));
            QCOMPARE(csv.records.size(), 2);
            const QStringList header = csv.records[0], row = csv.records[1];
            QCOMPARE(row.size(), header.size());
            if (!all) {
                QCOMPARE(header, QStringList({QStringLiteral("Requested by"), QStringLiteral("Module")}));
                QCOMPARE(row, QStringList({expected, QStringLiteral("ZxBackup")}));
                continue;
            }
            const auto cell = [&](const char *name) { return row.value(header.indexOf(QLatin1String(name))); };
            QCOMPARE(cell("requestedBy"), expected);
            QCOMPARE(cell("error"), expected);
            QCOMPARE(cell("module"), QStringLiteral("ZxBackup"));
            QCOMPARE(QJsonDocument::fromJson(cell("parameters").toUtf8()).object().value(QStringLiteral("v")).toString(),
                     value); // a JSON object's text begins with '{': written as it is
        }
    }

    void csvByteOrderMark()
    {
        ExportRequest r = request(ViewKind::Events, ExportRequest::Format::Csv);
        const QString path = m_dir.filePath(QStringLiteral("bom.csv"));
        QVERIFY(exportTo(r, path).ok());
        QVERIFY(!readAll(path).startsWith("\xEF\xBB\xBF"));
        r.bom = true;
        QVERIFY(exportTo(r, path).ok());
        const QByteArray bytes = readAll(path);
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF" "Time,Type,"));
        const auto csv = readCsv(bytes);
        QVERIFY(csv.bom);
        QCOMPARE(csv.records.size(), 8);
    }

    void csvAllFieldsOfEvents()
    {
        ExportRequest r = request(ViewKind::Events, ExportRequest::Format::Csv);
        r.allFields = true;
        const QString path = m_dir.filePath(QStringLiteral("all.csv"));
        QVERIFY(exportTo(r, path).ok());
        const auto csv = readCsv(readAll(path));
        QVERIFY2(csv.error.isEmpty(), qPrintable(csv.error));
        const QStringList header = csv.records.value(0);
        QCOMPARE(header.mid(0, 9), QStringList({QStringLiteral("module"), QStringLiteral("name"),
                                                QStringLiteral("operationId"), QStringLiteral("type"),
                                                QStringLiteral("startTime"), QStringLiteral("humanStartTime"),
                                                QStringLiteral("requestedBy"), QStringLiteral("host"),
                                                QStringLiteral("parameters")}));
        const auto cell = [&](int row, const char *name) {
            return csv.records.value(row + 1).value(header.indexOf(QLatin1String(name)));
        };
        QCOMPARE(cell(0, "humanStartTime"), QStringLiteral("14/11/2023 22:13:20")); // the event's own
        QCOMPARE(cell(1, "humanStartTime"), QStringLiteral("14/11/2023 22:15:00")); // rendered, in UTC here
        QCOMPARE(cell(0, "OpStartTime"), QStringLiteral("1700000000000"));
        QCOMPARE(cell(1, "startTime"), QStringLiteral("1700000100000"));
        const QJsonObject others = QJsonDocument::fromJson(cell(0, "otherFields").toUtf8()).object();
        QCOMPARE(others.value(QStringLiteral("note")).toString(), QStringLiteral("ünïcödé 漢字 😀"));
        QCOMPARE(others.value(QStringLiteral("flag")).toBool(), true);
        QCOMPARE(cell(4, "restartOf"), QStringLiteral("plain-id-7"));
        QCOMPARE(cell(5, "error"), QStringLiteral("disk, \"full\"\nsecond line"));
        QCOMPARE(cell(0, "source"), m_logPath);
        QCOMPARE(cell(3, "operationId"), QString()); // ServiceStarted
    }

    void exportedRowsEqualTheFilteredView_data()
    {
        QTest::addColumn<bool>("events");
        QTest::newRow("events") << true;
        QTest::newRow("operations") << false;
    }

    void exportedRowsEqualTheFilteredView()
    {
        QFETCH(bool, events);
        ViewFilter filter;
        filter.text = QStringLiteral("Smart");
        ExportRequest r = request(events ? ViewKind::Events : ViewKind::Operations, ExportRequest::Format::Csv);
        r.filter = filter;
        if (events) {
            r.rows = filterEvents(*m_data, filter, r.now);
            sortEvents(*m_data, r.rows, EventColumn::Type, false);
            r.columns = {int(EventColumn::Type), int(EventColumn::Time), int(EventColumn::OperationId), int(EventColumn::Source)};
        } else {
            r.rows = filterOperations(*m_data, filter, r.now);
            sortOperations(*m_data, r.rows, OperationColumn::Status, true, r.now);
            r.columns = {int(OperationColumn::OperationId), int(OperationColumn::Status), int(OperationColumn::Duration),
                         int(OperationColumn::Started)};
        }
        QVERIFY(r.rows.size() >= 2);
        const QString path = m_dir.filePath(QStringLiteral("view.csv"));
        const ExportResult result = exportTo(r, path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.rows, uint64_t(r.rows.size()));
        const auto csv = readCsv(readAll(path));
        QVERIFY2(csv.error.isEmpty(), qPrintable(csv.error));
        QList<QStringList> expected;
        QStringList header;
        for (const int c : r.columns)
            header << columnTitle(r.kind, c);
        expected << header;
        for (const uint32_t index : r.rows) {
            QStringList row;
            for (const int c : r.columns)
                row << (events ? eventCell(*m_data, index, EventColumn(c), true)
                               : operationCell(*m_data, index, OperationColumn(c), r.now, true));
            expected << row;
        }
        QCOMPARE(csv.records, expected);
    }

    void jsonHasExportInfo()
    {
        ExportRequest r = request(ViewKind::Events, ExportRequest::Format::Json);
        r.filter.modules = {QStringLiteral("ZxBackup")};
        r.filter.statuses = StatusFailed;
        r.rows = filterEvents(*m_data, r.filter, r.now);
        r.sort = QStringLiteral("Time, descending");
        r.utc = false;
        const QString path = m_dir.filePath(QStringLiteral("info.json"));
        const ExportResult result = exportTo(r, path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QJsonParseError error;
        const QJsonObject doc = QJsonDocument::fromJson(readAll(path), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.keys(), QStringList({QStringLiteral("exportInfo"), QStringLiteral("operationList")}));
        QCOMPARE(doc.value(QStringLiteral("operationList")).toArray().size(), 1);
        const QJsonObject info = doc.value(QStringLiteral("exportInfo")).toObject();
        QCOMPARE(info.value(QStringLiteral("filter")).toString(), r.filter.describe());
        QCOMPARE(info.value(QStringLiteral("filter")).toString(), QStringLiteral("module: ZxBackup; status: Failed"));
        QCOMPARE(info.value(QStringLiteral("sort")).toString(), r.sort);
        QCOMPARE(info.value(QStringLiteral("view")).toString(), QStringLiteral("events"));
        QCOMPARE(info.value(QStringLiteral("timeZone")).toString(), QStringLiteral("Europe/Rome"));
        QCOMPARE(info.value(QStringLiteral("exportedAt")).toString(), QStringLiteral("2023-11-14T23:26:40+01:00"));
        QCOMPARE(info.value(QStringLiteral("exportedAtMs")).toDouble(), 1700000800000.0);
        QCOMPARE(info.value(QStringLiteral("oplensVersion")).toString(), QStringLiteral(OPLENS_VERSION));
        const QJsonArray sources = info.value(QStringLiteral("sources")).toArray();
        QCOMPARE(sources.size(), 1);
        const QJsonObject source = sources[0].toObject();
        QCOMPARE(source.value(QStringLiteral("path")).toString(), m_logPath);
        QCOMPARE(source.value(QStringLiteral("size")).toDouble(), double(kLog.size()));
        QCOMPARE(source.value(QStringLiteral("sha256")).toString(),
                 QString::fromLatin1(QCryptographicHash::hash(kLog, QCryptographicHash::Sha256).toHex()));
        // Still an oplog: the reader takes the events and leaves exportInfo.
        ReadProblems problems;
        QCOMPARE(readBack(path, &problems)->events().size(), size_t(1));
        QVERIFY(problems.empty());
    }

    void provenanceOfOtherSources()
    {
        const auto infos = describeSources({QStringLiteral("-"), QStringLiteral("https://user:secret@mail.example.com/oplog"),
                                            QUrl::fromLocalFile(m_logPath).toString(), m_dir.filePath(QStringLiteral("gone"))});
        QCOMPARE(infos.size(), size_t(4));
        // An ssh:// user is kept (which account read it), as in the source's name.
        QCOMPARE(describeSources({QStringLiteral("ssh://zimbra@mail1:2222/opt/oplog.jsonl")})[0].location,
                 QStringLiteral("ssh://zimbra@mail1:2222/opt/oplog.jsonl"));
        QCOMPARE(infos[0].location, QStringLiteral("-"));
        QVERIFY(!infos[0].local);
        QCOMPARE(infos[1].location, QStringLiteral("https://mail.example.com/oplog")); // never the password
        QVERIFY(!infos[1].local);
        QCOMPARE(infos[2].location, m_logPath);
        QCOMPARE(infos[2].size, int64_t(kLog.size()));
        QCOMPARE(infos[2].sha256.size(), 64);
        QVERIFY(infos[3].local);
        QCOMPARE(infos[3].size, int64_t(-1));
        QVERIFY(infos[3].sha256.isEmpty());
    }

    void summaryCountsByStatusAndModule()
    {
        const ExportRequest r = request(ViewKind::Operations, ExportRequest::Format::Csv);
        const ViewSummary s = summarize(r);
        QCOMPARE(s.operations, uint64_t(5));
        QCOMPARE(s.events, uint64_t(6));
        QStringList byStatus, byModule;
        for (const auto &c : s.byStatus)
            byStatus << QStringLiteral("%1 %2 %3").arg(c.label).arg(c.operations).arg(c.events);
        for (const auto &c : s.byModule)
            byModule << QStringLiteral("%1 %2 %3").arg(c.label).arg(c.operations).arg(c.events);
        QCOMPARE(byStatus, QStringList({QStringLiteral("Interrupted 1 1"), QStringLiteral("Failed 1 1"),
                                        QStringLiteral("Queued 1 1"), QStringLiteral("Finished 1 2"),
                                        QStringLiteral("Unknown 1 1")}));
        QCOMPARE(byModule, QStringList({QStringLiteral("ZxBackup 3 4"), QStringLiteral("ZxAdmin 2 2")}));
        // The Events view counts the operations of its events, and the ServiceStarted marker apart.
        const ViewSummary e = summarize(request(ViewKind::Events, ExportRequest::Format::Csv));
        QCOMPARE(e.events, uint64_t(7));
        QCOMPARE(e.operations, uint64_t(5));
        QCOMPARE(e.byStatus.back().label, QStringLiteral("No operation (ServiceStarted)"));
    }

    void unwritablePathSaysWhyAndWritesNothing()
    {
        const ExportRequest r = request(ViewKind::Events, ExportRequest::Format::Csv);
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("no-such-folder/out.csv"));
        ExportResult result = exportTo(r, missing);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(QStringLiteral("does not exist")), qPrintable(result.error));
        result = exportTo(r, dir.path());
        QVERIFY2(result.error.contains(QStringLiteral("it is a folder")), qPrintable(result.error));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("plain-file")), "x"));
        result = exportTo(r, dir.filePath(QStringLiteral("plain-file/out.csv")));
        QVERIFY2(result.error.contains(QStringLiteral("is not a folder")), qPrintable(result.error));
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("plain-file")});
    }

    void failedWriteLeavesNothing_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("CSV") << int(ExportRequest::Format::Csv);
        QTest::newRow("JSON Lines") << int(ExportRequest::Format::JsonLines);
        QTest::newRow("JSON") << int(ExportRequest::Format::Json);
    }

    void failedWriteLeavesNothing()
    {
        // A file size limit makes the writes fail part way, as a full disk would.
        QFETCH(int, format);
        auto data = std::make_shared<Dataset>();
        load(*data, bigLog(40000));
        ExportRequest r;
        r.data = data;
        r.format = ExportRequest::Format(format);
        r.rows = allRows(*data);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.dat"));
        QVERIFY(writeFile(path, "the previous export\n"));

        rlimit before{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &before), 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN); // EFBIG instead of the signal
        rlimit limited = before;
        limited.rlim_cur = 256 * 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
        const ExportResult result = exportTo(r, path);
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &before), 0);
        std::signal(SIGXFSZ, oldHandler);

        QVERIFY(!result.ok());
        QVERIFY(!result.cancelled);
        QVERIFY2(result.error.contains(QStringLiteral("File too large")), qPrintable(result.error)); // EFBIG, part way
        QVERIFY2(result.error.startsWith(QStringLiteral("cannot write %1: ").arg(path)), qPrintable(result.error));
        QCOMPARE(readAll(path), QByteArray("the previous export\n")); // left as it was
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("out.dat")}); // no temporary file either
    }

    void cancelLeavesNothing_data() { failedWriteLeavesNothing_data(); }

    void cancelLeavesNothing()
    {
        QFETCH(int, format);
        auto data = std::make_shared<Dataset>();
        load(*data, bigLog(40000));
        ExportRequest r;
        r.data = data;
        r.format = ExportRequest::Format(format);
        r.rows = allRows(*data);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.dat"));
        std::atomic_bool cancel{false};
        QList<int> seen;
        const ExportResult result = exportTo(r, path, &cancel, [&](int percent) {
            seen << percent;
            if (percent >= 40)
                cancel = true;
        });
        QVERIFY(result.cancelled);
        QVERIFY(!seen.isEmpty());
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QVERIFY(filesIn(dir.path()).isEmpty());
        // Not cancelled: progress reaches 100 and the file is there.
        seen.clear();
        cancel = false;
        const ExportResult done = exportTo(r, path, &cancel, [&](int percent) { seen << percent; });
        QVERIFY2(done.ok(), qPrintable(done.error));
        QCOMPARE(seen.last(), 100);
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("out.dat")});
    }

    void timeTextIsQtsLocalTime()
    {
        // Around both summer-time changes of 2023 in Rome, and far from them; local and UTC.
        QList<qint64> times;
        for (const qint64 change : {1679792400000LL, 1698541200000LL})
            for (qint64 t = change - 3 * 3600000; t <= change + 3 * 3600000; t += 7 * 60000 + 1)
                times << t;
        for (qint64 t = -2208988800000LL; t < 4102444800000LL; t += 86400000LL * 97 + 3600000LL * 5 + 12345)
            times << t;
        times << 0 << -1 << 999 << 1000;
        for (const qint64 t : times) {
            for (const bool utc : {false, true}) {
                const QDateTime qt = utc ? QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()) : QDateTime::fromMSecsSinceEpoch(t);
                QCOMPARE(timeText(t, utc), qt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
            }
        }
        QCOMPARE(timeText(kNoTime, false), QString());
        QCOMPARE(timeText(1700000000000, true), QStringLiteral("2023-11-14 22:13:20"));
        QCOMPARE(timeText(1700000000000, false), QStringLiteral("2023-11-14 23:13:20"));
    }

    void standardOutputDevice()
    {
        // The CLI writes to an open device: same bytes as the file.
        const ExportRequest r = request(ViewKind::Events, ExportRequest::Format::JsonLines);
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY(exportTo(r, buffer).ok());
        const QString path = m_dir.filePath(QStringLiteral("device.jsonl"));
        QVERIFY(exportTo(r, path).ok());
        QCOMPARE(buffer.data(), readAll(path));
    }
};

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
