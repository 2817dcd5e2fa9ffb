// OplogParser and readOplog(): the containers of oplog.md section 1, the fields of section 2 and every row of
// section 5 (bad input), read whole and in pieces.
#include "testfiles.h"
#include "testoplog.h"

#include "oplogreader.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace testfiles;
using namespace testoplog;

namespace {

constexpr const char *kFirst = R"({"module":"ZxBackup","name":"SmartScan","operationId":"first","type":"Started","startTime":1000})";
constexpr const char *kLast = R"({"module":"ZxBackup","name":"SmartScan","operationId":"last","type":"Finished","startTime":2000})";

// A literal's bytes, NUL bytes included.
template <size_t N>
QByteArray raw(const char (&text)[N])
{
    return QByteArray(text, qsizetype(N - 1));
}

QByteArray bytes(std::string_view v) { return QByteArray(v.data(), qsizetype(v.size())); }

// `levels` nested containers as a `parameters` value (the parameters object is level 1), the innermost holding
// `leaf` (nothing when empty); the levels below the first are arrays when `arrays`.
QByteArray nested(int levels, const QByteArray &leaf, bool arrays)
{
    if (levels == 1)
        return leaf.isEmpty() ? QByteArray("{}") : "{\"k\":" + leaf + "}";
    if (arrays)
        return "{\"k\":" + QByteArray(levels - 1, '[') + leaf + QByteArray(levels - 1, ']') + "}";
    QByteArray s = QByteArray("{\"k\":").repeated(levels - 1) + "{" + (leaf.isEmpty() ? QByteArray() : "\"k\":" + leaf)
        + "}" + QByteArray(levels - 1, '}');
    return s;
}

QByteArray withParameters(const QByteArray &parameters)
{
    return R"({"module":"ZxBackup","name":"SmartScan","operationId":"p","type":"Started","startTime":5,"parameters":)"
        + parameters + "}";
}

// Pushes `text` in pieces of `piece` bytes (0: at once; negative: random sizes from 1 to -piece, seeded).
void pushPieces(OplogParser &parser, const QByteArray &text, int piece, quint32 seed = 1)
{
    if (piece == 0) {
        parser.push(text.constData(), size_t(text.size()));
        return;
    }
    QRandomGenerator random(seed);
    for (qsizetype at = 0; at < text.size();) {
        const qsizetype n = std::min<qsizetype>(text.size() - at, piece > 0 ? piece : random.bounded(1, -piece + 1));
        parser.push(text.constData() + at, size_t(n));
        at += n;
    }
}

// Lays a compact JSON text out over several lines, as exports pretty-print it.
QByteArray pretty(const QByteArray &json, int baseIndent)
{
    QByteArray out;
    int indent = baseIndent;
    bool inString = false, escape = false;
    auto newline = [&] { out += '\n' + QByteArray(indent * 2, ' '); };
    for (const char c : json) {
        if (inString) {
            out += c;
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"': inString = true; out += c; break;
        case '{': case '[': out += c; ++indent; newline(); break;
        case '}': case ']': --indent; newline(); out += c; break;
        case ',': out += c; newline(); break;
        case ':': out += " : "; break;
        default: out += c;
        }
    }
    return out;
}

// Events with everything a splitter or a field reader can trip on: brackets, commas, quotes and backslashes
// inside strings, nested parameters, unknown fields, a startTime given as text, non-ASCII text.
QList<QByteArray> sampleEvents()
{
    return {
        R"({"module":"ZxBackup","name":"SmartScan","operationId":"0b4a4a2e-6a3c-4d43-9c3b-2f1f5c1f0a01","parameters":{"origin":"Cron","volumes":["v1","v2"],"deep":{"a":{"b":[1,2,{"c":null}]}}},"OpStartTime":1400011200000,"startTime":1400011200049,"requestedBy":"zimbra","humanStartTime":"13/05/2014 22:00:00","type":"Queued"})",
        R"({"module":"ZxBackup","name":"SmartScan","operationId":"0b4a4a2e-6a3c-4d43-9c3b-2f1f5c1f0a01","startTime":"1400011201000","type":"Started","note":"brackets ] } [ { and , inside","esc":"quote \" backslash \\ end\\"})",
        R"({"module":"ZxPowerstore","name":"MoveBlobs","operationId":"op-2","type":"Started","startTime":1400011202000,"host":"mbox1","custom":{"k":[true,false,null,-1.5e3]},"text":"caf\u00e9 \u2603 ☃ é"})",
        R"({"module":"ZxBackup","name":"ServiceStarted","type":"ServiceStarted","startTime":1400011203000,"host":"mbox1"})",
        R"({"module":"ZxBackup","name":"SmartScan","operationId":"op-3","type":"Failed","startTime":1400011204000,"error":"disk full: /opt/zimbra","exitCode":2,"restartOf":"op-1"})",
        R"({"module":"ZxAdmin","name":"DoMonthlyReportOperation","operationId":"op-4","type":"Custom","startTime":1400011205000,"parameters":{},"list":[],"obj":{}})",
    };
}

QByteArray asLines(const QList<QByteArray> &events)
{
    QByteArray out;
    for (const QByteArray &e : events)
        out += e + '\n';
    return out;
}

QByteArray asArray(const QList<QByteArray> &events, bool prettyPrinted)
{
    if (!prettyPrinted)
        return '[' + QByteArrayList(events).join(',') + ']';
    QByteArrayList parts;
    for (const QByteArray &e : events)
        parts << "  " + pretty(e, 1);
    return "[\n" + parts.join(",\n") + "\n]\n";
}

QByteArray asWrapper(const QList<QByteArray> &events, bool prettyPrinted)
{
    if (!prettyPrinted)
        return R"({"operationList":)" + asArray(events, false) + '}';
    QByteArrayList parts;
    for (const QByteArray &e : events)
        parts << "    " + pretty(e, 2);
    return "{\n  \"operationList\" : [\n" + parts.join(",\n") + "\n  ]\n}\n";
}

} // namespace

class TestOplogParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badLine_data();
    void badLine();
    void badElement_data();
    void badElement();
    void accepted_data();
    void accepted();
    void parameterDepth_data();
    void parameterDepth();
    void unknownFieldsKept();
    void jsonRoundTrip();
    void lineEndingsBomBlankLines();
    void incompleteTail_data();
    void incompleteTail();
    void oversizedLine_data();
    void oversizedLine();
    void oversizedElement_data();
    void oversizedElement();
    void escapesThatGrowWhenStored();
    void containers_data();
    void containers();
    void arrayProblems_data();
    void arrayProblems();
    void pieces_data();
    void pieces();
    void resumeAtConsumedBytes();
    void readWholeFile();
    void readResumesFromNextOffset();
    void readFollowingLeavesTailUnread();
    void readArrayFile();
    void readProgressAndCancel();
    void readErrors();
};

// One bad line between two good ones: it alone is skipped and reported at its line, the rest is read.
void TestOplogParser::badLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason"); // a pattern found in the reported reason, any case

    const QByteArray head = R"({"module":"ZxBackup","name":"SmartScan",)";
    auto ev = [&](const QByteArray &fields) { return head + fields + '}'; };

    // Not JSON, or not an object.
    const QString notJson = QStringLiteral("^not (valid JSON|a JSON object)");
    QTest::newRow("plain text") << QByteArray("this is not json") << notJson;
    QTest::newRow("truncated object") << QByteArray(R"({"module":"ZxBackup","name":"Smart)") << QStringLiteral("not valid JSON");
    QTest::newRow("unquoted key") << ev(R"(operationId:"a","type":"Started","startTime":1)") << QStringLiteral("not valid JSON");
    QTest::newRow("trailing comma") << ev(R"("operationId":"a","type":"Started","startTime":1,)") << QStringLiteral("not valid JSON");
    QTest::newRow("single quotes") << ev(R"('operationId':'a',"type":"Started","startTime":1)") << QStringLiteral("not valid JSON");
    QTest::newRow("two objects") << QByteArray(kFirst) + ' ' + kLast << QStringLiteral("not valid JSON");
    QTest::newRow("object then garbage") << QByteArray(kFirst) + " x" << notJson;
    QTest::newRow("bad literal in unknown field") << ev(R"("operationId":"a","type":"Started","startTime":1,"x":tru)") << QStringLiteral("not valid JSON");
    QTest::newRow("leading zero in unknown field") << ev(R"("operationId":"a","type":"Started","startTime":1,"x":01)") << QStringLiteral("not valid JSON");
    QTest::newRow("bad escape in unknown field") << ev(R"("operationId":"a","type":"Started","startTime":1,"x":"\q")") << QStringLiteral("not valid JSON");
    QTest::newRow("bad escape in module") << QByteArray(R"({"module":"Zx\qBackup","name":"S","operationId":"a","type":"Started","startTime":1})") << QString();
    QTest::newRow("bad value in parameters") << withParameters(R"({"a":[1,nul]})") << QStringLiteral("not valid JSON");
    QTest::newRow("unclosed array in parameters") << withParameters(R"({"a":[1,2})") << QStringLiteral("not valid JSON");
    QTest::newRow("raw control character in a string") << ev("\"operationId\":\"a\x01\",\"type\":\"Started\",\"startTime\":1") << QStringLiteral("not valid JSON");
    QTest::newRow("raw tab in a string") << ev("\"operationId\":\"a\",\"type\":\"Started\",\"startTime\":1,\"x\":\"a\tb\"") << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("not a JSON object");
    QTest::newRow("array of an event") << '[' + QByteArray(kFirst) + ']' << QStringLiteral("not a JSON object");
    QTest::newRow("string") << QByteArray(R"("text")") << QStringLiteral("not a JSON object");
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("not a JSON object");
    QTest::newRow("null") << QByteArray("null") << QStringLiteral("not a JSON object");
    QTest::newRow("true") << QByteArray("true") << QStringLiteral("not a JSON object");

    // Required fields missing.
    QTest::newRow("module missing") << QByteArray(R"({"name":"SmartScan","operationId":"a","type":"Started","startTime":1})") << QStringLiteral(R"(required field "module" is missing)");
    QTest::newRow("name missing") << QByteArray(R"({"module":"ZxBackup","operationId":"a","type":"Started","startTime":1})") << QStringLiteral(R"(required field "name" is missing)");
    QTest::newRow("type missing") << ev(R"("operationId":"a","startTime":1)") << QStringLiteral(R"(required field "type" is missing)");
    QTest::newRow("startTime missing") << ev(R"("operationId":"a","type":"Started")") << QStringLiteral(R"(required field "startTime" is missing)");
    QTest::newRow("empty object") << QByteArray("{}") << QStringLiteral("is missing");
    QTest::newRow("operationId missing, Started") << ev(R"("type":"Started","startTime":1)") << QStringLiteral(R"(required field "operationId" is missing)");
    QTest::newRow("operationId missing, Queued") << ev(R"("type":"Queued","startTime":1)") << QStringLiteral(R"(required field "operationId" is missing)");
    QTest::newRow("operationId missing, Finished") << ev(R"("type":"Finished","startTime":1)") << QStringLiteral(R"(required field "operationId" is missing)");
    QTest::newRow("operationId missing, Interrupted") << ev(R"("type":"Interrupted","startTime":1)") << QStringLiteral(R"(required field "operationId" is missing)");
    QTest::newRow("operationId missing, unknown type") << ev(R"("type":"Custom","startTime":1)") << QStringLiteral(R"(required field "operationId" is missing)");
    QTest::newRow("operationId empty") << ev(R"("operationId":"","type":"Started","startTime":1)") << QStringLiteral(R"(field "operationId" is empty)");

    // Required fields of the wrong type.
    QTest::newRow("module number") << QByteArray(R"({"module":7,"name":"S","operationId":"a","type":"Started","startTime":1})") << QStringLiteral(R"(field "module" is not a string)");
    QTest::newRow("module null") << QByteArray(R"({"module":null,"name":"S","operationId":"a","type":"Started","startTime":1})") << QStringLiteral(R"(field "module" is not a string)");
    QTest::newRow("module object") << QByteArray(R"({"module":{"a":1},"name":"S","operationId":"a","type":"Started","startTime":1})") << QStringLiteral(R"(field "module" is not a string)");
    QTest::newRow("name array") << QByteArray(R"({"module":"M","name":["S"],"operationId":"a","type":"Started","startTime":1})") << QStringLiteral(R"(field "name" is not a string)");
    QTest::newRow("type bool") << ev(R"("operationId":"a","type":true,"startTime":1)") << QStringLiteral(R"(field "type" is not a string)");
    QTest::newRow("type number") << ev(R"("operationId":"a","type":1,"startTime":1)") << QStringLiteral(R"(field "type" is not a string)");
    QTest::newRow("operationId number") << ev(R"("operationId":12,"type":"Started","startTime":1)") << QStringLiteral(R"(field "operationId" is not a string)");
    QTest::newRow("operationId null") << ev(R"("operationId":null,"type":"Started","startTime":1)") << QStringLiteral(R"(field "operationId" is not a string)");
    QTest::newRow("operationId number, ServiceStarted") << ev(R"("operationId":12,"type":"ServiceStarted","startTime":1)") << QStringLiteral(R"(field "operationId" is not a string)");
    const QString notEpoch = QStringLiteral(R"(field "startTime" is not epoch milliseconds)");
    QTest::newRow("startTime float") << ev(R"("operationId":"a","type":"Started","startTime":1400011200049.5)") << notEpoch;
    QTest::newRow("startTime exponent") << ev(R"("operationId":"a","type":"Started","startTime":1.4e12)") << notEpoch;
    QTest::newRow("startTime overflow") << ev(R"("operationId":"a","type":"Started","startTime":99999999999999999999)") << notEpoch;
    QTest::newRow("startTime negative string") << ev(R"("operationId":"a","type":"Started","startTime":"-1400011200049")") << notEpoch;
    QTest::newRow("startTime 12a") << ev(R"("operationId":"a","type":"Started","startTime":"12a")") << notEpoch;
    QTest::newRow("startTime empty string") << ev(R"("operationId":"a","type":"Started","startTime":"")") << notEpoch;
    QTest::newRow("startTime spaced string") << ev(R"("operationId":"a","type":"Started","startTime":" 12")") << notEpoch;
    QTest::newRow("startTime decimal string") << ev(R"("operationId":"a","type":"Started","startTime":"1.5")") << notEpoch;
    QTest::newRow("startTime bool") << ev(R"("operationId":"a","type":"Started","startTime":true)") << notEpoch;
    QTest::newRow("startTime null") << ev(R"("operationId":"a","type":"Started","startTime":null)") << notEpoch;
    QTest::newRow("startTime object") << ev(R"("operationId":"a","type":"Started","startTime":{"ms":1})") << notEpoch;

    // Bytes that are not UTF-8, and NUL bytes.
    const QString utf8 = QStringLiteral("UTF-8");
    QTest::newRow("0xFF in module") << QByteArray("{\"module\":\"Zx\xff\",\"name\":\"S\",\"operationId\":\"a\",\"type\":\"Started\",\"startTime\":1}") << utf8;
    QTest::newRow("lone continuation byte") << ev("\"operationId\":\"a\x80\",\"type\":\"Started\",\"startTime\":1") << utf8;
    QTest::newRow("overlong encoding") << ev("\"operationId\":\"a\xc0\xaf\",\"type\":\"Started\",\"startTime\":1") << utf8;
    QTest::newRow("UTF-16 surrogate") << ev("\"operationId\":\"a\xed\xa0\x80\",\"type\":\"Started\",\"startTime\":1") << utf8;
    QTest::newRow("truncated sequence") << ev("\"operationId\":\"a\xe2\x82\",\"type\":\"Started\",\"startTime\":1") << utf8;
    QTest::newRow("bad byte in a key") << ev("\"operationId\":\"a\",\"type\":\"Started\",\"startTime\":1,\"k\xfe\":1") << utf8;
    QTest::newRow("bad byte in parameters") << withParameters("{\"origin\":\"Cron\xff\"}") << utf8;
    QTest::newRow("bad byte in unknown field") << ev("\"operationId\":\"a\",\"type\":\"Started\",\"startTime\":1,\"x\":[\"\xf8\x88\x80\x80\x80\"]") << utf8;
    QTest::newRow("NUL in a string") << ev(raw("\"operationId\":\"a\0b\",\"type\":\"Started\",\"startTime\":1")) << QStringLiteral("NUL");
    QTest::newRow("NUL between fields") << ev(raw("\"operationId\":\"a\",\0\"type\":\"Started\",\"startTime\":1")) << QStringLiteral("NUL");
    QTest::newRow("NUL alone") << QByteArray("\0", 1) << QStringLiteral("NUL");

    // Nesting.
    QTest::newRow("parameters 65 levels") << withParameters(nested(65, {}, false)) << QStringLiteral("nested deeper than 64 levels");
    QTest::newRow("parameters 65 levels of arrays") << withParameters(nested(65, "1", true)) << QStringLiteral("nested deeper than 64 levels");
}

void TestOplogParser::badLine()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);

    const QByteArray text = QByteArray(kFirst) + '\n' + line + '\n' + kLast + '\n';
    EventStore store;
    const auto problems = parseInto(store, 0, text);

    QCOMPARE(problems.size(), size_t(1));
    QCOMPARE(problems[0].position, quint64(2));
    QVERIFY(!problems[0].element);
    QVERIFY2(problems[0].reason.contains(QRegularExpression(reason, QRegularExpression::CaseInsensitiveOption)),
             qPrintable(problems[0].reason));
    QCOMPARE(problems[0].place(), QStringLiteral("line 2"));

    QCOMPARE(store.size(), size_t(2));
    QCOMPARE(positions(store), (QList<quint64>{1, 3}));
    QCOMPARE(store.operationId(0), std::string("first"));
    QCOMPARE(store.operationId(1), std::string("last"));
}

// The same problems inside the list of an array or a wrapper: reported by 0-based element index.
void TestOplogParser::badElement_data()
{
    QTest::addColumn<QByteArray>("element");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("wrapper");

    struct Row { const char *name; QByteArray element; QString reason; };
    const QByteArray head = R"({"module":"ZxBackup","name":"SmartScan",)";
    const QList<Row> rows = {
        {"plain text", "this is not json", QStringLiteral("^not (valid JSON|a JSON object)")},
        {"two objects", QByteArray(kFirst) + ' ' + kLast, QStringLiteral("not valid JSON")},
        {"number", "42", QStringLiteral("not a JSON object")},
        {"array", "[1,2]", QStringLiteral("not a JSON object")},
        {"string with brackets", R"("{[,]}")", QStringLiteral("not a JSON object")},
        {"module missing", R"({"name":"SmartScan","operationId":"a","type":"Started","startTime":1})", QStringLiteral(R"("module" is missing)")},
        {"operationId missing", head + R"("type":"Started","startTime":1})", QStringLiteral(R"("operationId" is missing)")},
        {"startTime 12a", head + R"("operationId":"a","type":"Started","startTime":"12a"})", QStringLiteral("epoch milliseconds")},
        {"startTime float", head + R"("operationId":"a","type":"Started","startTime":1.5})", QStringLiteral("epoch milliseconds")},
        {"invalid UTF-8", head + "\"operationId\":\"a\xff\",\"type\":\"Started\",\"startTime\":1}", QStringLiteral("UTF-8")},
        {"NUL byte", head + raw("\"operationId\":\"a\0\",\"type\":\"Started\",\"startTime\":1}"), QStringLiteral("NUL")},
        {"65 levels", withParameters(nested(65, "1", false)), QStringLiteral("nested deeper than 64 levels")},
        {"pretty-printed, type missing", pretty(head + R"("operationId":"a","startTime":1})", 1), QStringLiteral(R"("type" is missing)")},
    };
    for (const Row &row : rows) {
        QTest::addRow("array, %s", row.name) << row.element << row.reason << false;
        QTest::addRow("wrapper, %s", row.name) << row.element << row.reason << true;
    }
}

void TestOplogParser::badElement()
{
    QFETCH(QByteArray, element);
    QFETCH(QString, reason);
    QFETCH(bool, wrapper);

    const QList<QByteArray> events{kFirst, element, kLast};
    const QByteArray text = wrapper ? asWrapper(events, false) : asArray(events, false);
    EventStore store;
    OplogParser parser(store, 0);
    parser.push(text.constData(), size_t(text.size()));
    parser.finish();

    QCOMPARE(parser.container(), wrapper ? Container::Wrapper : Container::Array);
    const auto &problems = parser.problems();
    QCOMPARE(problemsText(problems).size(), 1);
    QCOMPARE(problems[0].position, quint64(1));
    QVERIFY(problems[0].element);
    QCOMPARE(problems[0].place(), QStringLiteral("element 1"));
    QVERIFY2(problems[0].reason.contains(QRegularExpression(reason, QRegularExpression::CaseInsensitiveOption)),
             qPrintable(problems[0].reason));
    QCOMPARE(positions(store), (QList<quint64>{0, 2}));
    QCOMPARE(store.operationId(1), std::string("last"));
}

// Lines that are read, and what is read from them.
void TestOplogParser::accepted_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("module");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("id");      // null: none (ServiceStarted)
    QTest::addColumn<QString>("type");
    QTest::addColumn<qint64>("time");
    QTest::addColumn<bool>("timeIsText");
    QTest::addColumn<QByteArray>("parameters");
    QTest::addColumn<QString>("origin");  // null: none
    QTest::addColumn<QString>("requestedBy");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QByteArray>("others"); // the other fields' raw text

    const QString M = QStringLiteral("ZxBackup"), N = QStringLiteral("SmartScan"), none;
    const QString started = QStringLiteral("Started");
    const QString a = QStringLiteral("a");

    QTest::newRow("minimal") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":1400011200049})")
                             << M << N << a << started << qint64(1400011200049) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("fields in another order") << QByteArray(R"({"startTime":7,"type":"Started","operationId":"a","name":"SmartScan","module":"ZxBackup"})")
                             << M << N << a << started << qint64(7) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("every field")
        << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","parameters":{"origin":"Cron","v":[1,2]},"OpStartTime":1400011200000,"startTime":1400011200049,"requestedBy":"zimbra","humanStartTime":"13/05/2014 22:00:00","type":"Started","host":"mbox1","restartOf":"old","error":"none","exitCode":0,"pid":4242,"bootId":"b-1","runner":"oplensd"})")
        << M << N << a << started << qint64(1400011200049) << false << QByteArray(R"({"origin":"Cron","v":[1,2]})")
        << QStringLiteral("Cron") << QStringLiteral("zimbra") << QStringLiteral("mbox1")
        << QByteArray(R"("humanStartTime":"13/05/2014 22:00:00","error":"none","exitCode":0,"pid":4242,"bootId":"b-1","runner":"oplensd")");
    QTest::newRow("startTime as digits") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":"1400011200049"})")
                             << M << N << a << started << qint64(1400011200049) << true << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("startTime digits with leading zeros") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":"0042"})")
                             << M << N << a << started << qint64(42) << true << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("ServiceStarted without operationId") << QByteArray(R"({"module":"ZxBackup","name":"ServiceStarted","type":"ServiceStarted","startTime":9})")
                             << M << QStringLiteral("ServiceStarted") << none << QStringLiteral("ServiceStarted") << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("ServiceStarted with operationId keeps it") << QByteArray(R"({"module":"ZxBackup","name":"ServiceStarted","operationId":"x","type":"ServiceStarted","startTime":9})")
                             << M << QStringLiteral("ServiceStarted") << none << QStringLiteral("ServiceStarted") << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("operationId":"x")");
    QTest::newRow("unknown type") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Paused","startTime":9})")
                             << M << N << a << QStringLiteral("Paused") << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("duplicate module: last wins") << QByteArray(R"({"module":"First","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"module":"ZxBackup"})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("duplicate type: last wins") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Queued","startTime":9,"type":"Started"})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("duplicate operationId: last wins") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"z","type":"Started","startTime":9,"operationId":"a"})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("duplicate startTime: last wins") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":"5","startTime":6})")
                             << M << N << a << started << qint64(6) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("duplicate requestedBy: last wins") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"requestedBy":"one","requestedBy":"two"})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << QStringLiteral("two") << none << QByteArray();
    QTest::newRow("duplicate requestedBy: a non-string last") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"requestedBy":"one","requestedBy":3})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("requestedBy":3)");
    QTest::newRow("duplicate parameters: last wins") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"parameters":{"origin":"Cron"},"parameters":{"origin":"Admin"}})")
                             << M << N << a << started << qint64(9) << false << QByteArray(R"({"origin":"Admin"})") << QStringLiteral("Admin") << none << none << QByteArray();
    QTest::newRow("duplicate unknown key: last wins") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"x":1,"y":2,"x":{"z":3}})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("x":{"z":3},"y":2)");
    QTest::newRow("escapes in known fields") << QByteArray(R"({"module":"Zx\"Backup\u00e9","name":"a\\b","operationId":"a\/b","type":"Started","startTime":9})")
                             << QStringLiteral("Zx\"Backup\u00e9") << QStringLiteral("a\\b") << QStringLiteral("a/b") << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
    QTest::newRow("non-ASCII UTF-8") << QByteArray(R"({"module":"Zx€","name":"Scan ☃","operationId":"ü-1","type":"Started","startTime":9,"note":"😀"})")
                             << QStringLiteral("Zx\u20ac") << QStringLiteral("Scan \u2603") << QStringLiteral("\u00fc-1") << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("note":"😀")");
    QTest::newRow("escaped NUL is not a NUL byte") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"note":"a\u0000b"})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("note":"a\u0000b")");
    QTest::newRow("parameters not an object") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"parameters":[1,2]})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("parameters":[1,2])");
    QTest::newRow("origin not a string") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"parameters":{"origin":5}})")
                             << M << N << a << started << qint64(9) << false << QByteArray(R"({"origin":5})") << none << none << none << QByteArray();
    QTest::newRow("host null is kept as another field") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"host":null})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("host":null)");
    QTest::newRow("OpStartTime as text is kept as another field") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"OpStartTime":"8"})")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray(R"("OpStartTime":"8")");
    QTest::newRow("big and fractional numbers") << QByteArray(R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":9,"parameters":{"size":123456789012345678901234567890,"huge":1E400},"ratio":-0.5e-3,"big":-18446744073709551617})")
                             << M << N << a << started << qint64(9) << false << QByteArray(R"({"size":123456789012345678901234567890,"huge":1E400})") << none << none << none << QByteArray(R"("ratio":-0.5e-3,"big":-18446744073709551617)");
    QTest::newRow("whitespace around tokens") << QByteArray(" { \"module\" : \"ZxBackup\" , \"name\":\"SmartScan\",\"operationId\":\"a\",\"type\":\"Started\",\"startTime\" : 9 } \t")
                             << M << N << a << started << qint64(9) << false << QByteArray() << none << none << none << QByteArray();
}

void TestOplogParser::accepted()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, module);
    QFETCH(QString, name);
    QFETCH(QString, id);
    QFETCH(QString, type);
    QFETCH(qint64, time);
    QFETCH(bool, timeIsText);
    QFETCH(QByteArray, parameters);
    QFETCH(QString, origin);
    QFETCH(QString, requestedBy);
    QFETCH(QString, host);
    QFETCH(QByteArray, others);

    EventStore store;
    const auto problems = parseInto(store, 0, line + '\n');
    QVERIFY2(problems.empty(), qPrintable(problemsText(problems).join(u'\n')));
    QCOMPARE(store.size(), size_t(1));
    QCOMPARE(store.string(store.module(0)), module);
    QCOMPARE(store.string(store.name(0)), name);
    QCOMPARE(store.string(store.type(0)), type);
    QCOMPARE(store.operation(0) == kNone, id.isNull());
    if (!id.isNull())
        QCOMPARE(QString::fromStdString(store.operationId(0)), id);
    QCOMPARE(store.time(0), time);
    QCOMPARE(store.startTimeIsText(0), timeIsText);
    QCOMPARE(bytes(store.parameters(0)), parameters);
    QCOMPARE(store.origin(0) == kNone, origin.isNull());
    QCOMPARE(store.string(store.origin(0)), origin);
    QCOMPARE(store.string(store.requestedBy(0)), requestedBy);
    QCOMPARE(store.string(store.host(0)), host);
    QCOMPARE(bytes(store.otherFields(0)), others);
    QCOMPARE(store.position(0), 1u);
}

// Nesting inside `parameters`: 64 levels are read, 65 are not (the parameters object itself is level 1).
void TestOplogParser::parameterDepth_data()
{
    QTest::addColumn<int>("levels");
    QTest::addColumn<QByteArray>("leaf");
    QTest::addColumn<bool>("arrays");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("2 levels") << 2 << QByteArray("1") << false << true;
    QTest::newRow("64 objects, empty innermost") << 64 << QByteArray() << false << true;
    QTest::newRow("64 objects, number innermost") << 64 << QByteArray("1") << false << true;
    QTest::newRow("64 objects, string innermost") << 64 << QByteArray(R"("s")") << false << true;
    QTest::newRow("64 arrays, empty innermost") << 64 << QByteArray() << true << true;
    QTest::newRow("64 arrays, number innermost") << 64 << QByteArray("1") << true << true;
    QTest::newRow("65 objects, empty innermost") << 65 << QByteArray() << false << false;
    QTest::newRow("65 objects, number innermost") << 65 << QByteArray("1") << false << false;
    QTest::newRow("65 arrays, empty innermost") << 65 << QByteArray() << true << false;
    QTest::newRow("65 arrays, number innermost") << 65 << QByteArray("1") << true << false;
    QTest::newRow("100 levels") << 100 << QByteArray("1") << false << false;
    QTest::newRow("5000 levels") << 5000 << QByteArray("1") << true << false;
}

void TestOplogParser::parameterDepth()
{
    QFETCH(int, levels);
    QFETCH(QByteArray, leaf);
    QFETCH(bool, arrays);
    QFETCH(bool, accepted);

    const QByteArray parameters = nested(levels, leaf, arrays);
    QCOMPARE(parameters.count('{') + parameters.count('['), qsizetype(levels));
    const QByteArray text = QByteArray(kFirst) + '\n' + withParameters(parameters) + '\n' + kLast + '\n';
    EventStore store;
    const auto problems = parseInto(store, 0, text);
    if (accepted) {
        QVERIFY2(problems.empty(), qPrintable(problemsText(problems).join(u'\n')));
        QCOMPARE(positions(store), (QList<quint64>{1, 2, 3}));
        QCOMPARE(bytes(store.parameters(1)), parameters);
    } else {
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].position, quint64(2));
        QCOMPARE(positions(store), (QList<quint64>{1, 3}));
    }
}

// Fields the reader does not know are kept verbatim, in file order, and readable one by one.
void TestOplogParser::unknownFieldsKept()
{
    const QByteArray line = R"({"module":"ZxBackup","name":"SmartScan","humanStartTime":"13/05/2014 22:00:00","operationId":"a","type":"Failed","startTime":9,"error":"disk \"full\"\n","exitCode":3,"custom":{"a":[1,{"b":null}],"c":"x"},"flag":false,"list":[],"ratio":0.25})";
    EventStore store;
    const auto problems = parseInto(store, 0, line + '\n');
    QVERIFY(problems.empty());
    QCOMPARE(store.size(), size_t(1));

    // (raw strings with escapes stay out of macro arguments: moc's preprocessor misreads them)
    const QByteArray others = R"("humanStartTime":"13/05/2014 22:00:00","error":"disk \"full\"\n","exitCode":3,"custom":{"a":[1,{"b":null}],"c":"x"},"flag":false,"list":[],"ratio":0.25)";
    QCOMPARE(bytes(store.otherFields(0)), others);
    QCOMPARE(store.otherField(0, "custom"), std::string(R"({"a":[1,{"b":null}],"c":"x"})"));
    QCOMPARE(store.otherField(0, "exitCode"), std::string("3"));
    QCOMPARE(store.otherField(0, "flag"), std::string("false"));
    QCOMPARE(store.otherField(0, "list"), std::string("[]"));
    QCOMPARE(store.otherField(0, "missing"), std::string());
    QCOMPARE(store.otherField(0, "module"), std::string()); // a known field is not an other field
    QCOMPARE(store.otherString(0, "humanStartTime"), std::optional<std::string>("13/05/2014 22:00:00"));
    QCOMPARE(store.otherString(0, "error"), std::optional<std::string>("disk \"full\"\n"));
    QCOMPARE(store.otherString(0, "exitCode"), std::optional<std::string>());

    std::string json;
    appendEventJson(json, store, 0, {});
    const QByteArray written = R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","startTime":9,"type":"Failed","humanStartTime":"13/05/2014 22:00:00","error":"disk \"full\"\n","exitCode":3,"custom":{"a":[1,{"b":null}],"c":"x"},"flag":false,"list":[],"ratio":0.25})";
    QCOMPARE(QByteArray::fromStdString(json), written);
}

// What appendEventJson() writes reads back as the same event: every field, the startTime's text form included.
void TestOplogParser::jsonRoundTrip()
{
    EventStore first;
    QVERIFY(parseInto(first, 0, asLines(sampleEvents())).empty());
    QCOMPARE(first.size(), size_t(sampleEvents().size()));
    QVERIFY(first.startTimeIsText(1));
    QVERIFY(!first.startTimeIsText(0));

    const QStringList written = dumpEvents(first);
    QVERIFY(written[1].contains(QStringLiteral(R"("startTime":"1400011201000")")));
    QVERIFY(written[0].contains(QStringLiteral(R"("startTime":1400011200049)")));
    QVERIFY(written[0].contains(QStringLiteral(R"("OpStartTime":1400011200000)")));
    QVERIFY(written[2].contains(QStringLiteral(R"("custom":{"k":[true,false,null,-1.5e3]})")));
    QVERIFY(written[4].contains(QStringLiteral(R"("restartOf":"op-1")")));
    QVERIFY(!written[3].contains(QStringLiteral("operationId")));

    EventStore second;
    QVERIFY(parseInto(second, 0, (written.join(u'\n') + u'\n').toUtf8()).empty());
    QCOMPARE(dumpEvents(second), written);
    for (EventStore::Row r = 0; r < second.size(); ++r)
        QCOMPARE(second.startTimeIsText(r), first.startTimeIsText(r));
}

// CRLF endings, a byte-order mark and blank or whitespace-only lines: read, and counted as lines.
void TestOplogParser::lineEndingsBomBlankLines()
{
    const QByteArray text = "\xEF\xBB\xBF" + eventLine("a", "Started", 1).chopped(1) + "\r\n"
        + "\r\n"
        + "\n"
        + "   \t \r\n"
        + eventLine("a", "Finished", 2).chopped(1) + "\r\n"
        + "garbage\r\n"
        + eventLine("b", "Queued", 3) + "\n"
        + eventLine("b", "Started", 4).chopped(1) + "\r"; // the last line, without its \n
    EventStore store;
    OplogParser parser(store, 0);
    parser.push(text.constData(), size_t(text.size()));
    parser.finish();

    QCOMPARE(parser.container(), Container::Lines);
    QCOMPARE(positions(store), (QList<quint64>{1, 5, 7, 9}));
    QCOMPARE(parser.problems().size(), size_t(1));
    QCOMPARE(parser.problems()[0].position, quint64(6));
    QVERIFY(parser.problems()[0].reason.startsWith(QStringLiteral("not ")));
    QCOMPARE(store.string(store.module(0)), QStringLiteral("ZxBackup")); // the BOM is not part of the first key
    QCOMPARE(store.string(store.type(3)), QStringLiteral("Started"));
    for (EventStore::Row r = 0; r < store.size(); ++r)
        QVERIFY(!bytes(store.otherFields(r)).contains('\r'));
    QCOMPARE(parser.consumedBytes(), quint64(text.size()));
    QCOMPARE(parser.nextLine(), quint64(10));

    // A BOM before an array or a wrapper is skipped as well.
    for (const QByteArray &doc : {asArray(sampleEvents(), true), asWrapper(sampleEvents(), false)}) {
        EventStore s;
        OplogParser p(s, 0);
        const QByteArray withBom = "\xEF\xBB\xBF" + doc;
        p.push(withBom.constData(), size_t(withBom.size()));
        p.finish();
        QVERIFY(p.container() != Container::Lines);
        QVERIFY(p.problems().empty());
        QCOMPARE(s.size(), size_t(sampleEvents().size()));
    }
}

// The last line without its line ending: not read until finish(), then read if it parses.
void TestOplogParser::incompleteTail_data()
{
    QTest::addColumn<QByteArray>("tail");
    QTest::addColumn<bool>("incomplete");     // hasIncompleteTail() before finish()
    QTest::addColumn<int>("eventsAfterFinish");
    QTest::addColumn<int>("problemsAfterFinish");

    QTest::newRow("an event") << eventLine("t", "Started", 3).chopped(1) << true << 3 << 0;
    QTest::newRow("an event and CR") << eventLine("t", "Started", 3).chopped(1) + '\r' << true << 3 << 0;
    QTest::newRow("half an event") << eventLine("t", "Started", 3).left(20) << true << 2 << 1;
    QTest::newRow("garbage") << QByteArray("garbage") << true << 2 << 1;
    QTest::newRow("whitespace only") << QByteArray("  \t") << false << 2 << 0;
    QTest::newRow("nothing") << QByteArray() << false << 2 << 0;
}

void TestOplogParser::incompleteTail()
{
    QFETCH(QByteArray, tail);
    QFETCH(bool, incomplete);
    QFETCH(int, eventsAfterFinish);
    QFETCH(int, problemsAfterFinish);

    const QByteArray complete = eventLine("a", "Started", 1) + eventLine("a", "Finished", 2);
    const QByteArray text = complete + tail;
    EventStore store;
    OplogParser parser(store, 0);
    parser.push(text.constData(), size_t(text.size()));

    QCOMPARE(parser.eventsRead(), quint64(2));
    QCOMPARE(store.size(), size_t(2));
    QVERIFY(parser.problems().empty());
    QCOMPARE(parser.hasIncompleteTail(), incomplete);
    QCOMPARE(parser.consumedBytes(), quint64(complete.size()));
    QCOMPARE(parser.nextLine(), quint64(3));

    parser.finish();
    QCOMPARE(parser.eventsRead(), quint64(eventsAfterFinish));
    QCOMPARE(int(parser.problems().size()), problemsAfterFinish);
    if (problemsAfterFinish)
        QCOMPARE(parser.problems()[0].position, quint64(3));
    if (eventsAfterFinish == 3)
        QCOMPARE(store.position(2), 3u);
    QVERIFY(!parser.hasIncompleteTail());
    QCOMPARE(parser.consumedBytes(), quint64(text.size()));
}

// A line longer than 16 MiB is skipped and reported; the next line is still read.
void TestOplogParser::oversizedLine_data()
{
    QTest::addColumn<qsizetype>("lineLength"); // of the middle line, line ending excluded
    QTest::addColumn<int>("piece");
    QTest::addColumn<bool>("lastLine");        // the long line ends the input, without its line ending
    QTest::addColumn<bool>("accepted");

    const qsizetype max = qsizetype(OplogParser::kMaxEventBytes);
    QTest::newRow("16 MiB + 1, at once") << max + 1 << 0 << false << false;
    QTest::newRow("16 MiB + 1, in 1 MiB pieces") << max + 1 << (1 << 20) << false << false;
    QTest::newRow("20 MiB, in 3 MiB + 1 pieces") << qsizetype(20 << 20) << (3 << 20) + 1 << false << false;
    QTest::newRow("16 MiB + 1, last line, at once") << max + 1 << 0 << true << false;
    QTest::newRow("20 MiB, last line, in 1 MiB pieces") << qsizetype(20 << 20) << (1 << 20) << true << false;
    QTest::newRow("exactly 16 MiB, at once") << max << 0 << false << true;
    QTest::newRow("exactly 16 MiB, in 1 MiB pieces") << max << (1 << 20) << false << true;
}

void TestOplogParser::oversizedLine()
{
    QFETCH(qsizetype, lineLength);
    QFETCH(int, piece);
    QFETCH(bool, lastLine);
    QFETCH(bool, accepted);

    const QByteArray head = R"({"module":"ZxBackup","name":"SmartScan","operationId":"big","type":"Started","startTime":5,"pad":")";
    QByteArray big = head + QByteArray(lineLength - head.size() - 2, 'x') + "\"}";
    QCOMPARE(big.size(), lineLength);
    QByteArray text = QByteArray(kFirst) + '\n' + big;
    big.clear();
    if (!lastLine)
        text += QByteArray("\n") + kLast + '\n';

    EventStore store;
    OplogParser parser(store, 0);
    pushPieces(parser, text, piece);
    parser.finish();
    text.clear();

    QList<quint64> expected{1};
    if (accepted)
        expected << 2;
    if (!lastLine)
        expected << 3;
    QCOMPARE(positions(store), expected);
    if (accepted) {
        QVERIFY(parser.problems().empty());
        QCOMPARE(store.operationId(1), std::string("big"));
    } else {
        QCOMPARE(parser.problems().size(), size_t(1));
        QCOMPARE(parser.problems()[0].position, quint64(2));
        QVERIFY(parser.problems()[0].reason.contains(QStringLiteral("16 MiB")));
    }
    QCOMPARE(parser.nextLine(), quint64(lastLine ? 3 : 4));
}

// The same inside an array: an element longer than 16 MiB is skipped, whether it arrives at once or in pieces.
void TestOplogParser::oversizedElement_data()
{
    QTest::addColumn<int>("piece");
    QTest::newRow("at once") << 0;
    QTest::newRow("8 MiB pieces, as readOplog() pushes") << (8 << 20);
    QTest::newRow("1 MiB pieces") << (1 << 20);
}

void TestOplogParser::oversizedElement()
{
    QFETCH(int, piece);

    const QByteArray head = R"({"module":"ZxBackup","name":"SmartScan","operationId":"big","type":"Started","startTime":5,"pad":")";
    QByteArray big = head + QByteArray(qsizetype(OplogParser::kMaxEventBytes) + 1024, 'x') + "\"}";
    QByteArray text = "[\n" + QByteArray(kFirst) + ",\n" + big + ",\n" + kLast + "\n]\n";
    big.clear();

    EventStore store;
    OplogParser parser(store, 0);
    pushPieces(parser, text, piece);
    parser.finish();

    QCOMPARE(parser.container(), Container::Array);
    QCOMPARE(positions(store), (QList<quint64>{0, 2}));
    QCOMPARE(parser.problems().size(), size_t(1));
    QCOMPARE(parser.problems()[0].position, quint64(1));
    QVERIFY(parser.problems()[0].element);
    QVERIFY2(parser.problems()[0].reason.contains(QStringLiteral("16 MiB")), qPrintable(parser.problems()[0].reason));
}

// A line under 16 MiB whose keys or ids grow when written back (`\b` becomes `\u0008`): skipped or read, never a crash.
void TestOplogParser::escapesThatGrowWhenStored()
{
    const QByteArray escapes = QByteArray("\\b").repeated(3 << 20); // 6 MiB of text, 3 Mi backspaces
    const QByteArray lines[] = {
        R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":5,")" + escapes + R"(":1})",
        R"({"module":"ZxBackup","name":"ServiceStarted","operationId":")" + escapes + R"(","type":"ServiceStarted","startTime":5})",
    };
    for (const QByteArray &line : lines) {
        QVERIFY(line.size() < qsizetype(OplogParser::kMaxEventBytes));
        const QByteArray text = QByteArray(kFirst) + '\n' + line + '\n' + kLast + '\n';
        EventStore store;
        const auto problems = parseInto(store, 0, text);
        QCOMPARE(store.operationId(0), std::string("first"));
        QCOMPARE(store.operationId(store.size() - 1), std::string("last"));
        QCOMPARE(store.size() + problems.size(), size_t(3));
        if (!problems.empty())
            QCOMPARE(problems[0].position, quint64(2));
    }
}

// JSON Lines, an array (compact or pretty-printed over many lines) and the wrapper give the same events.
void TestOplogParser::containers_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<int>("container");
    QTest::addColumn<int>("piece");

    const QList<QByteArray> events = sampleEvents();
    const struct { const char *name; QByteArray text; Container container; } documents[] = {
        {"lines", asLines(events), Container::Lines},
        {"array", asArray(events, false), Container::Array},
        {"pretty array", asArray(events, true), Container::Array},
        {"wrapper", asWrapper(events, false), Container::Wrapper},
        {"pretty wrapper", asWrapper(events, true), Container::Wrapper},
        {"wrapper, space before the key", "{ \n\t \"operationList\":" + asArray(events, true) + "}", Container::Wrapper},
    };
    for (const auto &d : documents) {
        QTest::addRow("%s, at once", d.name) << d.text << int(d.container) << 0;
        QTest::addRow("%s, 1-byte pieces", d.name) << d.text << int(d.container) << 1;
        QTest::addRow("%s, 7-byte pieces", d.name) << d.text << int(d.container) << 7;
        QTest::addRow("%s, 100-byte pieces", d.name) << d.text << int(d.container) << 100;
        QTest::addRow("%s, random pieces", d.name) << d.text << int(d.container) << -40;
    }
    // One element spanning two pushes, cut inside a string right after a backslash.
    const QByteArray array = asArray(events, true);
    const qsizetype cut = array.indexOf("\\\\ end") + 1;
    QTest::newRow("array cut after a backslash") << array << int(Container::Array) << int(cut);
}

void TestOplogParser::containers()
{
    QFETCH(QByteArray, document);
    QFETCH(int, container);
    QFETCH(int, piece);

    EventStore reference;
    QVERIFY(parseInto(reference, 0, asLines(sampleEvents())).empty());
    QCOMPARE(reference.size(), size_t(sampleEvents().size()));

    EventStore store;
    OplogParser parser(store, 0);
    pushPieces(parser, document, piece);
    parser.finish();
    QCOMPARE(int(parser.container()), container);
    QVERIFY2(parser.problems().empty(), qPrintable(problemsText(parser.problems()).join(u'\n')));
    QCOMPARE(parser.eventsRead(), quint64(reference.size()));
    QCOMPARE(dumpEvents(store), dumpEvents(reference));
    for (EventStore::Row r = 0; r < store.size(); ++r) {
        QCOMPARE(bytes(store.parameters(r)), bytes(reference.parameters(r)));
        QCOMPARE(bytes(store.otherFields(r)), bytes(reference.otherFields(r)));
        QCOMPARE(store.position(r), Container(container) == Container::Lines ? r + 1 : r);
    }
}

// Problems of the list itself, and elements around bad ones.
void TestOplogParser::arrayProblems_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QList<quint64>>("eventPositions");
    QTest::addColumn<QStringList>("problems");

    QTest::newRow("empty array") << QByteArray("[]") << QList<quint64>{} << QStringList{};
    QTest::newRow("empty array, spaced") << QByteArray(" [ \n ] \n") << QList<quint64>{} << QStringList{};
    QTest::newRow("empty wrapper") << QByteArray(R"({"operationList":[]})") << QList<quint64>{} << QStringList{};
    QTest::newRow("bad elements between good ones")
        << '[' + QByteArray(kFirst) + ",42,\"x\",{\"module\":1}," + kLast + ']' << QList<quint64>{0, 4}
        << QStringList{QStringLiteral("element 1: not a JSON object"), QStringLiteral("element 2: not a JSON object"),
                       QStringLiteral(R"(element 3: field "module" is not a string)")};
    QTest::newRow("trailing comma")
        << '[' + QByteArray(kFirst) + ',' + kLast + ",]" << QList<quint64>{0, 1}
        << QStringList{QStringLiteral("element 2: empty element")};
    QTest::newRow("list not closed")
        << '[' + QByteArray(kFirst) + ',' + kLast << QList<quint64>{0}
        << QStringList{QStringLiteral("element 1: the list of events is not closed: the document is cut short")};
    QTest::newRow("operationList not an array")
        << QByteArray(R"({"operationList": 5})") << QList<quint64>{}
        << QStringList{QStringLiteral(R"(element 0: "operationList" is not an array)")};
    QTest::newRow("document ends before the list")
        << QByteArray(R"({"operationList")") << QList<quint64>{}
        << QStringList{QStringLiteral("element 0: the document ends before its list of events")};
}

void TestOplogParser::arrayProblems()
{
    QFETCH(QByteArray, document);
    QFETCH(QList<quint64>, eventPositions);
    QFETCH(QStringList, problems);

    for (const int piece : {0, 1}) {
        EventStore store;
        OplogParser parser(store, 0);
        pushPieces(parser, document, piece);
        parser.finish();
        QVERIFY(parser.container() == Container::Array || parser.container() == Container::Wrapper);
        QCOMPARE(positions(store), eventPositions);
        QCOMPARE(problemsText(parser.problems()), problems);
    }
}

// Pushing a document in pieces of any size reads exactly what one push reads.
void TestOplogParser::pieces_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<int>("piece");
    QTest::addColumn<quint32>("seed");

    const QByteArray lines = "\xEF\xBB\xBF" + eventLine("a", "Queued", 1) + "\r\n" + eventLine("a", "Started", 2).chopped(1) + "\r\n"
        + "not json\n" + "\n" + asLines(sampleEvents()) + eventLine("x", "Started", 3, ",\"x\":\"\xff\"") + "  \n"
        + eventLine(QByteArray(), "Started", 4) + withParameters(nested(65, "1", false)) + '\n'
        + eventLine("b", "Finished", 5).chopped(1); // no line ending at the end
    const QByteArray array = "\xEF\xBB\xBF" + asArray(sampleEvents() + QList<QByteArray>{"42", "{\"a\":\"]\"}"}, true);
    const QByteArray wrapper = asWrapper(sampleEvents() + QList<QByteArray>{withParameters(nested(70, {}, true))}, true);

    for (const auto &[name, doc] : {std::pair{"lines", lines}, std::pair{"array", array}, std::pair{"wrapper", wrapper}}) {
        for (const int piece : {1, 2, 3, 7, 64, 1000})
            QTest::addRow("%s, %d-byte pieces", name, piece) << doc << piece << 1u;
        for (const quint32 seed : {1u, 2u, 3u, 4u})
            QTest::addRow("%s, random pieces, seed %u", name, seed) << doc << -50 << seed;
    }
}

void TestOplogParser::pieces()
{
    QFETCH(QByteArray, document);
    QFETCH(int, piece);
    QFETCH(quint32, seed);

    EventStore whole;
    OplogParser reference(whole, 0);
    reference.push(document.constData(), size_t(document.size()));
    reference.finish();
    QVERIFY(whole.size() >= 6);
    QVERIFY(!reference.problems().empty());

    EventStore store;
    OplogParser parser(store, 0);
    pushPieces(parser, document, piece, seed);
    parser.finish();

    QCOMPARE(parser.container(), reference.container());
    QCOMPARE(dumpEvents(store), dumpEvents(whole));
    QCOMPARE(positions(store), positions(whole));
    QCOMPARE(problemsText(parser.problems()), problemsText(reference.problems()));
    QCOMPARE(parser.eventsRead(), reference.eventsRead());
    QCOMPARE(parser.nextLine(), reference.nextLine());
    QCOMPARE(parser.consumedBytes(), quint64(document.size()));
    QCOMPARE(reference.consumedBytes(), quint64(document.size()));
}

// A follower stops at consumedBytes() and resumes there with a new parser numbering lines from nextLine().
void TestOplogParser::resumeAtConsumedBytes()
{
    const QByteArray first = eventLine("a", "Started", 1) + "\n" + eventLine("b", "Started", 2);
    const QByteArray partial = eventLine("c", "Started", 3).left(30);
    QByteArray file = first + partial;

    EventStore store;
    uint64_t offset = 0, line = 1;
    {
        OplogParser parser(store, 0);
        parser.push(file.constData(), size_t(file.size()));
        QCOMPARE(parser.eventsRead(), quint64(2));
        QVERIFY(parser.hasIncompleteTail());
        QCOMPARE(parser.consumedBytes(), quint64(first.size()));
        QCOMPARE(parser.nextLine(), quint64(4));
        QVERIFY(parser.problems().empty());
        offset = parser.consumedBytes();
        line = parser.nextLine();
    }

    // The file grows: the partial line is completed, a bad line and one more event follow.
    file += eventLine("c", "Started", 3).mid(30) + "bad line\n" + eventLine("d", "Queued", 4).chopped(1);
    OplogParser resumed(store, 0, Container::Lines, line);
    resumed.push(file.constData() + offset, size_t(file.size() - qsizetype(offset)));
    QCOMPARE(resumed.eventsRead(), quint64(1));
    QVERIFY(resumed.hasIncompleteTail());
    QCOMPARE(resumed.problems().size(), size_t(1));
    QCOMPARE(resumed.problems()[0].position, quint64(5));
    resumed.finish();

    QCOMPARE(resumed.eventsRead(), quint64(2));
    QCOMPARE(resumed.consumedBytes(), quint64(file.size()) - offset);
    QCOMPARE(resumed.nextLine(), quint64(7));
    QCOMPARE(positions(store), (QList<quint64>{1, 3, 4, 6}));
    QStringList ids;
    for (EventStore::Row r = 0; r < store.size(); ++r)
        ids << QString::fromStdString(store.operationId(r));
    QCOMPARE(ids, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}));

    // Everything read in two parts equals reading the final file at once.
    EventStore once;
    const auto onceProblems = parseInto(once, 0, file);
    QCOMPARE(problemsText(onceProblems), problemsText(resumed.problems()));
    QCOMPARE(dumpEvents(once), dumpEvents(store));
    QCOMPARE(positions(once), positions(store));
}

void TestOplogParser::readWholeFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("oplog.jsonl"));
    const QByteArray content = eventLine("a", "Started", 1) + "{\"module\":1}\n" + eventLine("a", "Finished", 2) + "\n";
    QVERIFY(writeFile(path, content));

    EventStore store;
    ReadRequest request;
    request.path = path;
    const ReadResult result = readOplog(request, store, 0);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.container, Container::Lines);
    QCOMPARE(result.events, quint64(2));
    QCOMPARE(result.nextOffset, quint64(content.size()));
    QCOMPARE(result.nextLine, quint64(5));
    QCOMPARE(result.fileSize, quint64(content.size()));
    QVERIFY(!result.incompleteTail);
    QCOMPARE(problemsText(result.problems), QStringList{QStringLiteral(R"(line 2: field "module" is not a string)")});
    QCOMPARE(positions(store), (QList<quint64>{1, 3}));
}

void TestOplogParser::readResumesFromNextOffset()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("oplog.jsonl"));
    const QByteArray start = "\xEF\xBB\xBF" + eventLine("a", "Queued", 1) + eventLine("a", "Started", 2) + eventLine("b", "Started", 3);
    QVERIFY(writeFile(path, start));

    EventStore store;
    ReadRequest request;
    request.path = path;
    ReadResult result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.events, quint64(3));
    QCOMPARE(result.nextOffset, quint64(start.size()));
    QCOMPARE(result.nextLine, quint64(4));

    QVERIFY(appendFile(path, eventLine("a", "Finished", 4) + "oops\n" + eventLine("b", "Failed", 5)));
    request.offset = result.nextOffset;
    request.firstLine = result.nextLine;
    result = readOplog(request, store, 0);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.container, Container::Lines);
    QCOMPARE(result.events, quint64(2));
    QCOMPARE(result.nextOffset, quint64(QFileInfo(path).size()));
    QCOMPARE(result.nextLine, quint64(7));
    QCOMPARE(problemsText(result.problems).size(), 1);
    QCOMPARE(result.problems[0].position, quint64(5));
    QCOMPARE(positions(store), (QList<quint64>{1, 2, 3, 4, 6}));
    QCOMPARE(store.string(store.type(3)), QStringLiteral("Finished"));
    QCOMPARE(store.string(store.type(4)), QStringLiteral("Failed"));

    // Nothing new: nothing read.
    request.offset = result.nextOffset;
    request.firstLine = result.nextLine;
    result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.events, quint64(0));
    QCOMPARE(store.size(), size_t(5));
}

void TestOplogParser::readFollowingLeavesTailUnread()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("oplog.jsonl"));
    const QByteArray complete = eventLine("a", "Started", 1) + eventLine("b", "Started", 2);
    const QByteArray tail = eventLine("c", "Started", 3);
    QVERIFY(writeFile(path, complete + tail.left(25)));

    EventStore store;
    ReadRequest request;
    request.path = path;
    request.following = true;
    ReadResult result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.events, quint64(2));
    QVERIFY(result.incompleteTail);
    QCOMPARE(result.nextOffset, quint64(complete.size()));
    QCOMPARE(result.nextLine, quint64(3));
    QCOMPARE(result.fileSize, quint64(complete.size() + 25));
    QVERIFY(result.problems.empty());
    QCOMPARE(store.size(), size_t(2));

    // The same file read as static: the tail is read.
    {
        EventStore once;
        ReadRequest staticRequest;
        staticRequest.path = path;
        const ReadResult r = readOplog(staticRequest, once, 0);
        QCOMPARE(r.events, quint64(2));
        QCOMPARE(r.problems.size(), size_t(1)); // the half line does not parse
        QCOMPARE(r.problems[0].position, quint64(3));
        QVERIFY(!r.incompleteTail);
    }

    // Its line ending arrives: the follower reads it, with its line number.
    QVERIFY(appendFile(path, tail.mid(25)));
    request.offset = result.nextOffset;
    request.firstLine = result.nextLine;
    result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.events, quint64(1));
    QVERIFY(!result.incompleteTail);
    QCOMPARE(result.nextOffset, quint64(complete.size() + tail.size()));
    QCOMPARE(result.nextLine, quint64(4));
    QCOMPARE(positions(store), (QList<quint64>{1, 2, 3}));
    QCOMPARE(store.operationId(2), std::string("c"));

    // A complete last event without its line ending: left for later while following, read when static.
    QVERIFY(appendFile(path, eventLine("d", "Started", 4).chopped(1)));
    request.offset = result.nextOffset;
    request.firstLine = result.nextLine;
    result = readOplog(request, store, 0);
    QCOMPARE(result.events, quint64(0));
    QVERIFY(result.incompleteTail);
    request.following = false;
    result = readOplog(request, store, 0);
    QCOMPARE(result.events, quint64(1));
    QVERIFY(!result.incompleteTail);
    QCOMPARE(store.position(3), 4u);
}

void TestOplogParser::readArrayFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("export.json"));
    QVERIFY(writeFile(path, asWrapper(sampleEvents() + QList<QByteArray>{"[]"}, true)));

    EventStore store;
    ReadRequest request;
    request.path = path;
    const ReadResult result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.container, Container::Wrapper);
    QCOMPARE(result.events, quint64(sampleEvents().size()));
    QCOMPARE(problemsText(result.problems), QStringList{QStringLiteral("element 6: not a JSON object")});

    EventStore reference;
    parseInto(reference, 0, asLines(sampleEvents()));
    QCOMPARE(dumpEvents(store), dumpEvents(reference));
}

void TestOplogParser::readProgressAndCancel()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("big.jsonl"));
    QByteArray content;
    for (int i = 0; content.size() < (9 << 20); ++i)
        content += eventLine("op-" + QByteArray::number(i / 2), i % 2 ? "Finished" : "Started", 1000 + i);
    QVERIFY(writeFile(path, content));

    EventStore store;
    ReadRequest request;
    request.path = path;
    QList<quint64> done;
    request.progress = [&](uint64_t d, uint64_t total) {
        done << d;
        QCOMPARE(total, quint64(content.size()));
    };
    const ReadResult result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.events, quint64(content.count('\n')));
    QVERIFY(done.size() >= 2);
    QCOMPARE(done.last(), quint64(content.size()));
    QVERIFY(std::is_sorted(done.begin(), done.end()));

    std::atomic_bool cancel{true};
    request.cancel = &cancel;
    request.progress = {};
    EventStore cancelled;
    const ReadResult stopped = readOplog(request, cancelled, 0);
    QVERIFY(stopped.cancelled);
    QVERIFY(!stopped.ok());
    QCOMPARE(cancelled.size(), size_t(0));
}

void TestOplogParser::readErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    EventStore store;
    ReadRequest request;
    request.path = dir.filePath(QStringLiteral("missing.jsonl"));
    ReadResult result = readOplog(request, store, 0);
    QVERIFY(!result.ok());
    QVERIFY(!result.error.isEmpty());

    // A file shorter than the offset to resume from (it shrank, or was replaced).
    const QString path = dir.filePath(QStringLiteral("short.jsonl"));
    QVERIFY(writeFile(path, eventLine("a", "Started", 1)));
    request.path = path;
    request.offset = 1000;
    result = readOplog(request, store, 0);
    QVERIFY(!result.ok());
    QVERIFY(result.error.contains(QStringLiteral("shorter")));
    QCOMPARE(store.size(), size_t(0));
}

QTEST_GUILESS_MAIN(TestOplogParser)
#include "tst_oplogparser.moc"
