// The reader's worst cases (docs/oplog.md section 5): a line of 200,000 unknown keys, tens of thousands of bad
// lines, and text after the end of an array or a wrapper. Each is read in bounded time and memory, and said.
#include "testfiles.h"
#include "testoplog.h"

#include "oplogreader.h"
#include "otherfields.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace testfiles;
using namespace testoplog;

namespace {

constexpr const char *kEvent = R"({"module":"ZxBackup","name":"SmartScan","operationId":"a","type":"Started","startTime":1000)";

// kEvent with `fields` (",\"k\":1..." text) before its closing brace.
QByteArray eventWith(const QByteArray &fields) { return QByteArray(kEvent) + fields + '}'; }

QByteArray otherFieldsOf(const EventStore &store, EventStore::Row row)
{
    const std::string_view v = store.otherFields(row);
    return QByteArray(v.data(), qsizetype(v.size()));
}

// Pushed at once (piece 0) or a byte at a time, then finished.
ReadProblems parseInPieces(EventStore &store, const QByteArray &text, int piece)
{
    OplogParser parser(store, 0);
    if (piece == 0)
        parser.push(text.constData(), size_t(text.size()));
    else
        for (qsizetype at = 0; at < text.size(); at += piece)
            parser.push(text.constData() + at, size_t(std::min<qsizetype>(piece, text.size() - at)));
    parser.finish();
    return parser.problems();
}

} // namespace

class TestReaderLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void manyUnknownKeys();
    void unknownKeysPastTheBound();
    void keyDroppedAndKeptAgain();
    void manyBadLines();
    void manyBadLinesFromAFile();
    void problemsOfFollowUpReads();
    void badTail_data();
    void badTail();
    void fuzzFindingsReadTheSameInPieces_data();
    void fuzzFindingsReadTheSameInPieces();
    void repeatedParametersJudgedAlike();
};

// Bookkeeping of unknown keys was quadratic: 100,000 took 27 s, 200,000 never ended in practice. Now linear: the first
// OtherFields::kMaxKept are kept, the rest dropped and said, the event read.
void TestReaderLimits::manyUnknownKeys()
{
    QByteArray fields;
    for (int k = 0; k < 200000; ++k)
        fields += ",\"k" + QByteArray::number(k) + "\":" + QByteArray::number(k);
    EventStore store;
    QElapsedTimer timer;
    timer.start();
    const ReadProblems problems = parseInto(store, 0, eventWith(fields) + '\n');
    // Generous: linear takes well under a second (under ASan too); quadratic takes minutes.
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(store.size(), size_t(1));
    QCOMPARE(problemsText(problems),
             QStringList{QStringLiteral("line 1: more than 1000 unknown fields; the other 199000 were dropped")});
    const QByteArray others = otherFieldsOf(store, 0);
    QVERIFY(others.startsWith("\"k0\":0,\"k1\":1,"));
    QVERIFY(others.endsWith(",\"k999\":999"));
    QCOMPARE(others.count(','), qsizetype(OtherFields::kMaxKept - 1));
}

// Past the bound a kept key still takes its last value, and known fields keep their columns.
void TestReaderLimits::unknownKeysPastTheBound()
{
    QByteArray fields;
    for (int k = 0; k < 1005; ++k)
        fields += ",\"k" + QByteArray::number(k) + "\":1";
    fields += R"(,"k0":"last","host":"mail1","restartOf":"z")";
    EventStore store;
    const ReadProblems problems = parseInto(store, 0, eventWith(fields) + '\n');
    QCOMPARE(problemsText(problems), QStringList{QStringLiteral("line 1: more than 1000 unknown fields; the other 5 were dropped")});
    QCOMPARE(store.size(), size_t(1));
    QVERIFY(otherFieldsOf(store, 0).startsWith(R"("k0":"last","k1":1,)"));
    QVERIFY(!otherFieldsOf(store, 0).contains("\"k1000\""));
    QCOMPARE(store.string(store.host(0)), QStringLiteral("mail1"));
}

// A key with a column of its own, given another type and back, thousands of times: kept once, its last value wins,
// and no unknown field is dropped.
void TestReaderLimits::keyDroppedAndKeptAgain()
{
    QByteArray fields = R"(,"x":1)";
    for (int k = 0; k < 5000; ++k)
        fields += R"(,"host":1,"host":"mail)" + QByteArray::number(k) + '"';
    fields += R"(,"host":[2],"y":2)";
    EventStore store;
    const ReadProblems problems = parseInto(store, 0, eventWith(fields) + '\n');
    QVERIFY2(problems.empty(), qPrintable(problemsText(problems).join(u'\n')));
    QCOMPARE(otherFieldsOf(store, 0), QByteArray(R"("x":1,"host":[2],"y":2)"));
    QVERIFY(store.string(store.host(0)).isEmpty());
}

// 50,000 bad lines: the first 1,000 with their places and reasons, the rest counted exactly, by reason.
void TestReaderLimits::manyBadLines()
{
    QByteArray text;
    for (int i = 0; i < 50000; ++i)
        text += i % 5 == 4 ? "42\n" : "not json\n";
    text += eventWith({}) + '\n';
    EventStore store;
    const ReadProblems problems = parseInto(store, 0, text);
    QCOMPARE(store.size(), size_t(1));
    QCOMPARE(problems.size(), size_t(50000));
    QCOMPARE(problems.detailed().size(), size_t(ReadProblems::kDetailed));
    QCOMPARE(std::distance(problems.begin(), problems.end()), qsizetype(1000));
    QCOMPARE(problems[999].place(), QStringLiteral("line 1000"));
    QCOMPARE(problems[999].reason, QStringLiteral("not a JSON object"));
    const QString notJson = problems.front().reason;
    QVERIFY(notJson.startsWith(QStringLiteral("not valid JSON")));
    QCOMPARE(problems.notDetailed(), size_t(49000));
    const auto counts = problems.notDetailedByReason();
    QCOMPARE(counts.size(), size_t(2));
    QCOMPARE(counts[0].reason, notJson);
    QCOMPARE(counts[0].count, size_t(39200));
    QCOMPARE(counts[1].reason, QStringLiteral("not a JSON object"));
    QCOMPARE(counts[1].count, size_t(9800));
    QCOMPARE(problems.notDetailedSummary(),
             QStringLiteral("… and 49,000 more bad lines: 39,200 %1; 9,800 not a JSON object").arg(notJson));
}

// The same through the reader, as the console, oplensctl and the agent read a file.
void TestReaderLimits::manyBadLinesFromAFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.jsonl"));
    QVERIFY(writeFile(path, QByteArray("not json\n").repeated(3000)));
    EventStore store;
    ReadRequest request;
    request.path = path;
    const ReadResult result = readOplog(request, store, 0);
    QVERIFY(result.ok());
    QCOMPARE(result.problems.size(), size_t(3000));
    QCOMPARE(result.problems.detailed().size(), size_t(1000));
    QVERIFY(result.problems.notDetailedSummary().startsWith(QStringLiteral("… and 2,000 more bad lines: 2,000 not valid JSON")));
}

// A followed source adds each read's problems to the ones before: still bounded, counted exactly, the first kept.
void TestReaderLimits::problemsOfFollowUpReads()
{
    ReadProblems all;
    for (int read = 0; read < 3; ++read) {
        ReadProblems more;
        for (int i = 0; i < 700; ++i)
            more.add({uint64_t(read * 700 + i + 1), false, read == 2 ? QStringLiteral("b") : QStringLiteral("a")});
        all.add(more);
    }
    QCOMPARE(all.size(), size_t(2100));
    QCOMPARE(all.detailed().size(), size_t(1000));
    QCOMPARE(all[0].place(), QStringLiteral("line 1"));
    QCOMPARE(all[999].place(), QStringLiteral("line 1000"));
    QCOMPARE(all.notDetailedSummary(), QStringLiteral("… and 1,100 more bad lines: 700 b; 400 a"));
}

// Text after the list of an array, or after the wrapper object, was dropped silently. Now reported once, with its
// byte offset and first bytes; the events before it are read, nothing after it is.
void TestReaderLimits::badTail_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QStringList>("problems");

    const QByteArray event = eventWith({});
    const QByteArray array = '[' + event + ']';
    const QByteArray wrapper = R"({"operationList":[)" + event + "]";
    const auto at = [](const QByteArray &before) { return QStringLiteral("byte %1, after the list: ").arg(before.size()); };

    QTest::newRow("array, then whitespace") << array + " \r\n\t\n" << QStringList{};
    QTest::newRow("array, then text") << array + "\n garbage\n" << QStringList{at(array + "\n ") + QStringLiteral(R"(text after the list of events: "garbage·")")};
    QTest::newRow("array, then another array") << array + '[' + event + ']'
                                              << QStringList{at(array) + QStringLiteral(R"(text after the list of events: "[{"module":"ZxBackup","n…")")};
    QTest::newRow("array, then ']'") << array + "]" << QStringList{at(array) + QStringLiteral(R"(text after the list of events: "]")")};
    QTest::newRow("wrapper, then whitespace") << wrapper + "}\n\n" << QStringList{};
    QTest::newRow("wrapper, other keys after the list") << wrapper + R"(,"count":1,"x":{"y":"}]"},"z":[1,2]})" << QStringList{};
    QTest::newRow("wrapper, then text") << wrapper + "} x" << QStringList{at(wrapper + "} ") + QStringLiteral(R"(text after the wrapper object: "x")")};
    QTest::newRow("wrapper, then '}'") << wrapper + "}}" << QStringList{at(wrapper + "}") + QStringLiteral(R"(text after the wrapper object: "}")")};
    QTest::newRow("wrapper, text inside it") << wrapper + " x}" << QStringList{at(wrapper + " ") + QStringLiteral(R"(text after the list of events: "x}")")};
    QTest::newRow("wrapper, ']' inside it") << wrapper + "]}" << QStringList{at(wrapper) + QStringLiteral(R"(text after the list of events: "]}")")};
    QTest::newRow("wrapper never closed") << wrapper + R"(,"count":1)"
                                          << QStringList{at(wrapper + R"(,"count":1)") + QStringLiteral("the wrapper object is not closed: the document is cut short")};
    QTest::newRow("array, long tail") << array + QByteArray(100, 'x')
                                      << QStringList{at(array) + QStringLiteral(R"(text after the list of events: "xxxxxxxxxxxxxxxxxxxxxxxx…")")};
    // JSON Lines has no end of list: a last line is a line, read or reported like any other.
    QTest::newRow("lines, last line without its ending") << event + "\n42" << QStringList{QStringLiteral("line 2: not a JSON object")};
}

void TestReaderLimits::badTail()
{
    QFETCH(QByteArray, document);
    QFETCH(QStringList, problems);
    for (const int piece : {0, 1, 5}) {
        EventStore store;
        QCOMPARE(problemsText(parseInPieces(store, document, piece)), problems);
        QCOMPARE(store.size(), size_t(1));
    }
}

// Each input fuzz_oplog found (tests/fuzz/fuzz_oplog.cpp): read whole from a file, and pushed in pieces of the size its
// last byte gives, it yields the same events and problems.
void TestReaderLimits::fuzzFindingsReadTheSameInPieces_data()
{
    QTest::addColumn<QString>("path");
    const QDir findings(QStringLiteral(FUZZ_FINDINGS));
    for (const QString &name : findings.entryList(QDir::Files))
        QTest::newRow(qPrintable(name)) << findings.filePath(name);
}

void TestReaderLimits::fuzzFindingsReadTheSameInPieces()
{
    QFETCH(QString, path);
    const QByteArray bytes = readAll(path);
    EventStore whole;
    ReadRequest request;
    request.path = path;
    const ReadResult result = readOplog(request, whole, 0);
    QVERIFY(result.ok());
    EventStore pieces;
    const int piece = bytes.isEmpty() ? 1 : uchar(bytes.back()) % 64 + 1;
    const ReadProblems problems = parseInPieces(pieces, bytes, piece);
    QCOMPARE(problemsText(problems), problemsText(result.problems));
    QCOMPARE(pieces.size(), whole.size());
}

// The parser checks a parameters text once and takes the same bytes again as checked (validatedtexts.h): each copy
// must still give its event the origin in it, a bad copy must still be refused each time, and a text that differs by
// one byte is checked on its own.
void TestReaderLimits::repeatedParametersJudgedAlike()
{
    const QByteArray good = R"({"origin":"Cron","n":[1,{"k":"v"}]})";
    const QByteArray deep = "{\"k\":" + QByteArray(70, '[') + QByteArray(70, ']') + "}";
    const QByteArray bad = R"({"origin":"Cron","n":tru})";
    const auto line = [](const char *id, const QByteArray &parameters) {
        return R"({"module":"ZxBackup","name":"SmartScan","operationId":")" + QByteArray(id)
            + R"(","type":"Started","startTime":1,"parameters":)" + parameters + "}\n";
    };
    QByteArray text;
    for (const char *id : {"a", "b", "c"})
        text += line(id, good) + line(id, deep) + line(id, bad);
    text += line("d", R"({"origin":"CLI","n":[1,{"k":"v"}]})");
    EventStore store;
    const ReadProblems problems = parseInto(store, 0, text);
    QCOMPARE(store.size(), size_t(4));
    for (EventStore::Row r = 0; r < 3; ++r)
        QCOMPARE(store.string(store.origin(r)), QStringLiteral("Cron"));
    QCOMPARE(store.string(store.origin(3)), QStringLiteral("CLI"));
    QCOMPARE(problems.size(), size_t(6));
    for (size_t i = 0; i < 6; i += 2) {
        QVERIFY2(problems[i].reason.contains(QStringLiteral("nested deeper than 64")), qPrintable(problems[i].reason));
        QVERIFY2(problems[i + 1].reason.startsWith(QStringLiteral("not valid JSON")), qPrintable(problems[i + 1].reason));
    }
}

QTEST_GUILESS_MAIN(TestReaderLimits)
#include "tst_readerlimits.moc"
