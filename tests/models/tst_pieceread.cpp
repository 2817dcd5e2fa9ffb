// The parallel reader (pieceread.h): a file cut into pieces of a few bytes, parsed on 1 to 3 threads and pushed a few
// bytes at a time, reads exactly as one parser reads it whole — events, places, problems, resume point — whatever lies
// at a piece's edge: a line cut in two, a 17 MiB line, invalid UTF-8, NUL bytes, CRLF, a BOM, strings full of commas
// and brackets, bad elements and tails of arrays and of the wrapper.
#include "testfiles.h"
#include "testoplog.h"

#include "oplogreader.h"
#include "pieceread.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace testfiles;
using namespace testoplog;

namespace {

// Everything a read gives, as text to compare: the result's fields, every problem, the store whole.
QStringList describe(const ReadResult &r, const EventStore &store)
{
    QStringList out{QStringLiteral("error=%1 cancelled=%2 container=%3 events=%4 nextOffset=%5 nextLine=%6 tail=%7 size=%8")
                        .arg(r.error)
                        .arg(r.cancelled)
                        .arg(int(r.container))
                        .arg(r.events)
                        .arg(r.nextOffset)
                        .arg(r.nextLine)
                        .arg(r.incompleteTail)
                        .arg(r.fileSize)};
    out << problemsText(r.problems);
    out << QStringLiteral("problems=%1 summary=%2").arg(r.problems.size()).arg(r.problems.notDetailedSummary());
    return out + describeStore(store);
}

QStringList readWith(ReadRequest request, uint64_t pieceBytes, int threads, size_t readBytes)
{
    request.pieceBytes = pieceBytes;
    request.threads = threads;
    request.readBytes = readBytes;
    EventStore store;
    store.addSource(QStringLiteral("other"));
    const uint16_t source = store.addSource(QStringLiteral("this"));
    const ReadResult result = readOplog(request, store, source);
    return describe(result, store);
}

// How many pieces the reader cuts `path` into with pieces of `pieceBytes`.
size_t piecesOf(const ReadRequest &request, uint64_t pieceBytes)
{
    QFile file(request.path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    Container rest = Container::Unknown;
    return findPieceStarts(file.handle(), request, uint64_t(file.size()), pieceBytes, rest).size();
}

QByteArray makeEvent(const QByteArray &id, const QByteArray &type, qint64 time, const QByteArray &parameters = "{\"a\":1}")
{
    return Event(id, type, time).raw(",\"parameters\":" + parameters).json();
}

QByteArray linesDocument()
{
    QByteArray doc = "\xEF\xBB\xBF" + makeEvent("a", "Queued", 1) + "\n" + makeEvent("a", "Started", 2) + "\r\n\n";
    doc += "not json at all\n";
    doc += makeEvent("b", "Started", 3, R"({"s":"x\n,]}{[\"\\","n":[1,{"k":"]"}]})") + "\n";
    doc += QByteArray(R"({"module":"ZxBackup","name":"S","operationId":"c","type":"Started","startTime":4,"x":"bad)")
        + QByteArray("\xC3\x28", 2) + "\"}\n";                                   // invalid UTF-8
    doc += QByteArray("{\"module\":\"Zx\0Backup\"}\n", 23);                     // a NUL byte
    doc += "   \r\n";
    doc += makeEvent("b", "Finished", 5, R"({"s":"é ünïcode"})") + "\r\n";
    doc += makeEvent("a", "Failed", 6) + "\n";
    doc += "{\"module\":\"ZxBackup\",\"name\":\"S\",\"operationId\":\"d\",\"type\":\"Started\",\"startTime\":7}"; // no ending
    return doc;
}

QByteArray arrayDocument(bool wrapper, const QByteArray &tail)
{
    QByteArray list = "[\n  " + makeEvent("a", "Queued", 1) + ",\n  " + makeEvent("a", "Started", 2, R"({"s":"],[{\",\\"})")
        + ",\n  {\"module\":1},\n  ,\n  " + makeEvent("b", "Started", 3, R"({"n":[[1,2],{"k":[]}]})") + ",\n  "
        + QByteArray("\"x\xC3\x28\"", 5) + ",\n  " + makeEvent("b", "Finished", 4) + "\n]";
    return (wrapper ? "\xEF\xBB\xBF{ \"operationList\" : " + list + ", \"more\": {\"k\": [1]} }" : list) + tail;
}

} // namespace

class TestPieceRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsOneParser_data();
    void sameAsOneParser();
    void resumedAndFollowed();
    void lineLongerThanTheLimitAcrossPieces();
    void piecesBeginAfterALineEndOrBetweenElements();
    void randomDocumentsReadAlike();
};

void TestPieceRead::sameAsOneParser_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("cut"); // whether the reader cuts it at all: a list is cut only while it is open
    QTest::newRow("lines") << linesDocument() << true;
    QTest::newRow("lines, last one ended") << linesDocument() + "\n" << true;
    QTest::newRow("array") << arrayDocument(false, "\n") << true;
    QTest::newRow("array, bad tail") << arrayDocument(false, " trailing [text, \"") << true;
    QTest::newRow("wrapper") << arrayDocument(true, "\r\n") << true;
    QTest::newRow("wrapper, bad tail") << arrayDocument(true, "}") << true;
    QTest::newRow("array not closed") << QByteArray("[" + makeEvent("a", "Started", 1) + ", " + makeEvent("b", "Started", 2) + ",") << true;
    QTest::newRow("array with a trailing comma") << QByteArray("[" + makeEvent("a", "Started", 1) + "," + makeEvent("a", "Finished", 2) + ",]") << true;
    QTest::newRow("array closed by an unbalanced brace") << QByteArray("[" + makeEvent("a", "Started", 1) + "}, " + makeEvent("b", "Started", 2) + "]") << false;
    QTest::newRow("wrapper without a list") << QByteArray("{\"operationList\": 5, \"x\": [" + makeEvent("a", "Started", 1) + "]}") << false;
    QTest::newRow("empty array") << QByteArray(" [ ]   ") << false;
    QTest::newRow("whitespace") << QByteArray(" \n\r\n \n") << true;
}

void TestPieceRead::sameAsOneParser()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, cut);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ReadRequest request;
    request.path = dir.filePath(QStringLiteral("oplog"));
    QVERIFY(writeFile(request.path, content));
    const QStringList once = readWith(request, 0, 1, 0);
    QVERIFY(!once.isEmpty());
    for (const uint64_t pieceBytes : {1, 2, 3, 5, 8, 13, 29, 64, 1000})
        for (const int threads : {1, 2, 3})
            for (const size_t readBytes : {size_t(0), size_t(1), size_t(7)}) {
                const QStringList pieces = readWith(request, pieceBytes, threads, readBytes);
                if (pieces != once) {
                    qWarning() << "pieces of" << pieceBytes << "bytes," << threads << "threads, reads of" << readBytes;
                    QCOMPARE(pieces, once);
                }
            }
    QCOMPARE(piecesOf(request, 3) > 1, cut);
}

void TestPieceRead::resumedAndFollowed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ReadRequest request;
    request.path = dir.filePath(QStringLiteral("oplog.jsonl"));
    const QByteArray head = makeEvent("a", "Queued", 1) + "\n" + makeEvent("a", "Started", 2) + "\n";
    QVERIFY(writeFile(request.path, head + linesDocument()));
    request.offset = uint64_t(head.size());
    request.firstLine = 3;
    for (const bool following : {false, true}) {
        request.following = following; // the last line, without its ending, waits when following
        const QStringList once = readWith(request, 0, 1, 0);
        QVERIFY2(once.front().contains(following ? QStringLiteral("tail=1") : QStringLiteral("tail=0")),
                 qPrintable(once.front()));
        for (const uint64_t pieceBytes : {1, 4, 17, 100})
            for (const int threads : {1, 2})
                QCOMPARE(readWith(request, pieceBytes, threads, 5), once);
        QVERIFY(piecesOf(request, 17) > 3);
    }
}

void TestPieceRead::lineLongerThanTheLimitAcrossPieces()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ReadRequest request;
    request.path = dir.filePath(QStringLiteral("oplog.jsonl"));
    const QByteArray longLine = "{\"module\":\"" + QByteArray(int(OplogParser::kMaxEventBytes) + (1 << 20), 'x') + "\"}\n";
    const QByteArray content = makeEvent("a", "Started", 1) + "\n" + longLine + makeEvent("a", "Finished", 2) + "\n" + longLine
        + makeEvent("b", "Started", 3);
    QVERIFY(writeFile(request.path, content));
    const QStringList once = readWith(request, 0, 1, 0);
    QVERIFY2(once.join(u'\n').contains(QStringLiteral("line 2: longer than 16 MiB")), qPrintable(once.join(u'\n')));
    QVERIFY(once.join(u'\n').contains(QStringLiteral("line 4: longer than 16 MiB")));
    for (const uint64_t pieceBytes : {uint64_t(50), uint64_t(1) << 20, uint64_t(6) << 20})
        for (const int threads : {1, 2})
            QCOMPARE(readWith(request, pieceBytes, threads, 0), once);
    QCOMPARE(piecesOf(request, 50), size_t(5)); // each line, as the long ones carry the cut past their end
}

void TestPieceRead::piecesBeginAfterALineEndOrBetweenElements()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray content = arrayDocument(true, "");
    ReadRequest request;
    request.path = dir.filePath(QStringLiteral("oplog.json"));
    QVERIFY(writeFile(request.path, content));
    QFile file(request.path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Container rest = Container::Unknown;
    const std::vector<uint64_t> starts = findPieceStarts(file.handle(), request, uint64_t(content.size()), 1, rest);
    QCOMPARE(rest, Container::Wrapper);
    // One piece for each element after the first: each begins after the ',' that ends one, never inside a string.
    QCOMPARE(starts.size(), size_t(7));
    for (size_t i = 1; i < starts.size(); ++i)
        QCOMPARE(content.at(qsizetype(starts[i] - 1)), ',');
    QVERIFY(content.mid(qsizetype(starts[2])).trimmed().startsWith("{\"module\":1}"));
}

// Documents put together at random from pieces of JSON and of bad input: whatever the cuts, the pieces read as one.
void TestPieceRead::randomDocumentsReadAlike()
{
    const QList<QByteArray> fragments{makeEvent("a", "Started", 1), makeEvent("b", "Finished", 2, R"({"s":"],\"[{"})"),
                                      "[", "]", "{", "}", ",", "\"", "\\", "\n", "\r\n", " ", "\xEF\xBB\xBF",
                                      QByteArray("\0", 1), "\xC3\x28", "{\"operationList\":", "\"x,y\"", "tru"};
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ReadRequest request;
    request.path = dir.filePath(QStringLiteral("random"));
    uint32_t seed = 20261201;
    const auto next = [&](uint32_t n) { seed = seed * 1664525u + 1013904223u; return (seed >> 8) % n; };
    for (int round = 0; round < 300; ++round) {
        QByteArray doc = round % 3 == 0 ? "[" : (round % 3 == 1 ? "{\"operationList\": [" : "");
        for (int i = 0, n = 2 + int(next(40)); i < n; ++i) {
            const bool event = next(3) == 0;
            doc += event ? fragments[int(next(2))] : fragments[int(next(uint32_t(fragments.size())))];
            if (event)
                doc += round % 3 == 2 ? "\n" : ",";
        }
        QVERIFY(writeFile(request.path, doc));
        const QStringList once = readWith(request, 0, 1, 0);
        for (const uint64_t pieceBytes : {uint64_t(1), uint64_t(1 + next(9)), uint64_t(10 + next(60))}) {
            const QStringList pieces = readWith(request, pieceBytes, 2, next(2) ? 0 : 1 + next(5));
            if (pieces != once)
                qWarning() << "round" << round << "pieces of" << pieceBytes << doc;
            QCOMPARE(pieces, once);
        }
    }
}

QTEST_GUILESS_MAIN(TestPieceRead)
#include "tst_pieceread.moc"
