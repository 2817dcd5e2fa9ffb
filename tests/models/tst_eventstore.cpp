// EventStore: a file's lines parsed in pieces, each into its own store, and appended in order (appendBatch, the
// parallel reader's serial step) hold exactly what one store that read the file whole holds.
#include "testoplog.h"

#include <QTest>

#include <map>

using namespace oplens;
using namespace testoplog;

namespace {

const QByteArray kUuid1 = "0d9b1f0e-8c3a-4c2e-9f3e-1a2b3c4d5e6f", kUuid2 = "7f000000-0000-4000-8000-00000000abcd";

// Lines with a bit of everything a store keeps: UUID and text ids (some also in the other source), operations that
// span pieces and change their parameters, restarts, near, far and absent OpStartTimes, a textual startTime,
// optional strings, other fields repeated by the next line or not, ServiceStarted markers; with `bigText`, a line
// whose other field is 1.5 MB, so that its piece's text is adopted by the store where the others' is copied.
QList<QByteArray> mixedLines(bool bigText)
{
    QList<QByteArray> lines;
    const QByteArray ids[] = {kUuid1, "a", kUuid2, "b", "c"};
    for (int i = 0; i < 48; ++i) {
        const QByteArray id = ids[i % 5];
        const qint64 time = 1700000000000 + i * 250 - (i % 7) * 40;
        QByteArray extra;
        if (i % 4 == 0)
            extra += ",\"OpStartTime\":" + QByteArray::number(time - 5000);
        if (i % 11 == 3)
            extra += ",\"OpStartTime\":" + QByteArray::number(time + (qint64(1) << 40)); // beyond 32 bits of difference
        if (i % 3 == 0)
            extra += ",\"requestedBy\":\"" + QByteArray(i % 2 ? "zimbra" : "admin@example.com") + '"';
        if (i % 5 == 2)
            extra += ",\"host\":\"mail" + QByteArray::number(i % 3) + ".example.com\",\"origin\":\"Cron\"";
        if (i % 6 != 5) // the same parameters for a while, then others; none now and then
            extra += ",\"parameters\":{\"origin\":\"Cron\",\"volume\":\"vol-" + QByteArray::number(i / 12) + "\"}";
        if (i == 30)
            extra += ",\"restartOf\":\"a\"";
        extra += ",\"humanStartTime\":\"" + QByteArray::number(i / 3) + "\"";
        if (i % 9 == 4)
            extra += ",\"error\":\"disk full\"";
        const char *type = i % 8 == 7 ? "Failed" : i % 5 == 4 ? "Finished" : i % 2 ? "Started" : "Queued";
        lines << eventLine(id, type, time, extra, i % 10 < 6 ? "ZxBackup" : "ZxPowerstore",
                           i % 10 < 6 ? "SmartScan" : "MoveBlobs");
        if (i % 16 == 9)
            lines << serviceStarted(time + 1, ",\"host\":\"mail1.example.com\"");
        if (i == 25 && bigText)
            lines << eventLine("big", "Started", time, ",\"note\":\"" + QByteArray(1500000, 'x') + "\"");
        if (i == 20) // startTime written as text
            lines << "{\"module\":\"ZxBackup\",\"name\":\"SmartScan\",\"operationId\":\"c\",\"type\":\"Started\","
                     "\"startTime\":\"1700000005000\"}\n";
    }
    return lines;
}

// A store with another source's events first (source 0, some of the same ids), as a second file would find it.
void addOtherSource(EventStore &store)
{
    store.addSource(QStringLiteral("other"));
    store.addSource(QStringLiteral("file"));
    parseInto(store, 0, eventLine("a", "Started", 5, ",\"parameters\":{\"x\":1}") + eventLine(kUuid1, "Started", 6));
}

// Parses `lines` [from, to) as events of `source`, numbered from their place in the whole file.
void parseLines(EventStore &store, uint16_t source, const QList<QByteArray> &lines, qsizetype from, qsizetype to)
{
    OplogParser parser(store, source, Container::Lines, uint64_t(from) + 1);
    for (qsizetype i = from; i < to; ++i)
        parser.push(lines[i].constData(), size_t(lines[i].size()));
    parser.finish();
    QVERIFY(parser.problems().empty());
}

} // namespace

class TestEventStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void piecesAppendedEqualWholeRead_data();
    void piecesAppendedEqualWholeRead();
    void sharedValuesNumbered();
};

void TestEventStore::piecesAppendedEqualWholeRead_data()
{
    QTest::addColumn<int>("pieces");
    QTest::addColumn<bool>("bigText");
    for (const bool bigText : {false, true})
        for (const int pieces : {2, 3, 7, 53})
            QTest::newRow(qPrintable(QStringLiteral("%1 pieces%2").arg(pieces).arg(bigText ? QStringLiteral(", one text adopted") : QString())))
                << pieces << bigText;
}

void TestEventStore::piecesAppendedEqualWholeRead()
{
    QFETCH(int, pieces);
    QFETCH(bool, bigText);
    const QList<QByteArray> lines = mixedLines(bigText);
    const qsizetype n = lines.size();

    EventStore whole;
    addOtherSource(whole);
    parseLines(whole, 1, lines, 0, n);

    // Piece 0 straight into the store, each later one into a store of its own (its source 0), then appended.
    EventStore store;
    addOtherSource(store);
    const auto edge = [&](int k) { return n * k / pieces; };
    parseLines(store, 1, lines, 0, edge(1));
    for (int k = 1; k < pieces; ++k) {
        EventStore piece;
        parseLines(piece, 0, lines, edge(k), edge(k + 1));
        store.appendBatch(std::move(piece), 1);
        QCOMPARE(piece.size(), size_t(0));
    }
    QCOMPARE(store.size(), whole.size());
    QCOMPARE(describeStore(store), describeStore(whole));
    QCOMPARE(dumpEvents(store), dumpEvents(whole));

    // What is appended later continues the same operations, with the same last parameters and run keys.
    QByteArray more;
    for (const QByteArray &id : {QByteArray("a"), kUuid2, QByteArray("b"), QByteArray("new")})
        more += eventLine(id, "Finished", 1700000099000, ",\"parameters\":{\"origin\":\"Cron\",\"volume\":\"vol-3\"}");
    more += eventLine("c", "Finished", 1700000099500);
    for (EventStore *s : {&store, &whole}) {
        OplogParser parser(*s, 1, Container::Lines, uint64_t(n) + 1);
        parser.push(more.constData(), size_t(more.size()));
        parser.finish();
    }
    QCOMPARE(describeStore(store), describeStore(whole));
}

// The numbers of what rows share (for loops that decide once per distinct value) give each row's own values, and
// equal parameters have equal numbers, whichever piece they came from.
void TestEventStore::sharedValuesNumbered()
{
    const QList<QByteArray> lines = mixedLines(false);
    EventStore store;
    addOtherSource(store);
    parseLines(store, 1, lines, 0, lines.size() / 2);
    EventStore piece;
    parseLines(piece, 0, lines, lines.size() / 2, lines.size());
    store.appendBatch(std::move(piece), 1);

    std::map<std::string, uint32_t> numberOf;
    for (EventStore::Row r = 0; r < store.size(); ++r) {
        const EventShape &shape = store.shapes()[store.shapeOf(r)];
        QCOMPARE(shape.module, store.module(r));
        QCOMPARE(shape.name, store.name(r));
        QCOMPARE(shape.type, store.type(r));
        QCOMPARE(EventKind(shape.kind), store.kind(r));
        QCOMPARE(shape.requestedBy, store.requestedBy(r));
        QCOMPARE(shape.host, store.host(r));
        QCOMPARE(shape.origin, store.origin(r));
        QCOMPARE(shape.source, store.source(r));
        QCOMPARE(store.parametersText(store.parametersOf(r)), store.parameters(r));
        QCOMPARE(store.otherFieldsText(store.otherFieldsOf(r)), store.otherFields(r));
        QVERIFY(store.parametersOf(r) < store.parametersCount() && store.otherFieldsOf(r) < store.otherFieldsCount());
        const auto [it, added] = numberOf.try_emplace(std::string(store.parameters(r)), store.parametersOf(r));
        QCOMPARE(it->second, store.parametersOf(r));
    }
    QVERIFY(numberOf.size() > 3);
    QVERIFY(store.shapes().size() < store.size());
}

QTEST_GUILESS_MAIN(TestEventStore)
#include "tst_eventstore.moc"
