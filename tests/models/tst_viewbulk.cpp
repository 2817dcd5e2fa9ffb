// The fast paths of filtering and sorting on a dataset big enough for them (rows split between threads, a text decided
// once per distinct stored text, ranks of interned strings and of texts, counting sorts) give exactly what a plain
// loop and a plain comparison sort give. Odd sizes, ties, case, non-ASCII text, ids and parameters that are prefixes
// of one another.
#include "testoplog.h"

#include "viewdelta.h"
#include "viewfilter.h"

#include <QTest>

#include <algorithm>
#include <numeric>

using namespace oplens;
using namespace testoplog;

Q_DECLARE_METATYPE(oplens::ViewFilter)

namespace {

constexpr qint64 kNow = 5000000;
constexpr int kOperations = 17011;

// Each operation has 1 to 4 events, the same parameters on all of them (stored once), interleaved with others;
// times repeat (ties), ids are UUIDs or short texts, some a prefix of another.
QByteArray operationsOf(int source)
{
    static const char *modules[] = {"ZxBackup", "zxbackup", "ZxPowerstore", "ZxAdmin", "Zébra", "ZÉBRA"};
    static const char *users[] = {"zimbra", "Admin@Example.com", "admin@example.com", "Jürgen", "JÜRGEN"};
    static const char *types[] = {"Queued", "Started", "Finished", "Failed", "Interrupted"};
    QByteArray out;
    uint32_t seed = 7u + uint32_t(source);
    const auto next = [&](uint32_t n) { seed = seed * 1103515245u + 12345u; return (seed >> 8) % n; };
    for (int i = 0; i < kOperations; ++i) {
        const QByteArray uuidHead = QByteArray::number(0x10000000 + next(5000), 16);
        const QByteArray id = i % 3 == 0 ? uuidHead + "-0000-4000-8000-000000000000"
                                         : QByteArray("op") + QByteArray::number(next(9000)); // repeats
        const QByteArray user = users[next(5)];
        const QByteArray params = QByteArray(R"(,"requestedBy":")") + user
            + R"(","parameters":{"origin":"Cron","account":"user)" + QByteArray::number(next(700))
            + (next(4) == 0 ? "Café" : "CAFÉ") + QByteArray(next(3) * 9, 'x') + "\"}";
        const int events = 1 + int(next(4));
        for (int e = 0; e < events; ++e)
            out += eventLine(id, types[std::min<uint32_t>(uint32_t(e) + next(2), 4)],
                             1000 + i / 3 * 37 + e * 11 + next(3), params, modules[next(6)],
                             i % 5 == 0 ? "MoveBlobs" : "SmartScan");
        if (i % 4001 == 0)
            out += serviceStarted(1000 + i * 12);
    }
    return out;
}

// The text filter's rule, spelled out: a case-insensitive (ASCII letters) substring of module, name, requestedBy,
// the operation id or the parameters.
std::string folded(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c + 32);
    return out;
}

bool plainTextMatch(const Dataset &data, uint32_t r, const QString &text)
{
    const EventStore &s = data.events();
    const std::string needle = text.toLower().toStdString();
    const auto has = [&](std::string_view field) { return folded(field).find(needle) != std::string::npos; };
    return has(s.strings().view(s.module(r))) || has(s.strings().view(s.name(r)))
        || has(s.strings().view(s.requestedBy(r))) || (s.operation(r) != kNone && has(s.operationId(r)))
        || has(s.parameters(r));
}

} // namespace

class TestViewBulk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void filters_data();
    void filters();
    void sorts_data();
    void sorts();
    void textOrders();
    void uuidOrders();

private:
    Dataset m_data;
};

void TestViewBulk::initTestCase()
{
    parseInto(m_data.events(), m_data.addSource(QStringLiteral("beta")), operationsOf(0));
    parseInto(m_data.events(), m_data.addSource(QStringLiteral("Alpha")), operationsOf(1));
    m_data.aggregate();
    QVERIFY(m_data.events().size() > 80000); // both halves of a split have rows
}

void TestViewBulk::filters_data()
{
    QTest::addColumn<ViewFilter>("filter");
    const auto text = [](const QString &t, bool regex = false) { ViewFilter f; f.text = t; f.regex = regex; return f; };
    QTest::newRow("text") << text(QStringLiteral("user12"));
    QTest::newRow("text, other case") << text(QStringLiteral("USER12CAF"));
    QTest::newRow("text, non-ASCII lower") << text(QStringLiteral("café"));
    QTest::newRow("text, non-ASCII upper (lowered: matches café only)") << text(QStringLiteral("CAFÉ"));
    QTest::newRow("text, user field") << text(QStringLiteral("jürgen"));
    QTest::newRow("text, long") << text(QStringLiteral("xxxxxxxxxxxxxxxxx\"}"));
    QTest::newRow("text, id (hex)") << text(QStringLiteral("10000a1"));
    QTest::newRow("text, id prefix") << text(QStringLiteral("op89"));
    QTest::newRow("text, one letter") << text(QStringLiteral("Z"));
    QTest::newRow("regex") << text(QStringLiteral("user(12|7)\\d*café"), true);
    ViewFilter unfinished;
    unfinished.statuses = StatusUnfinished | StatusFailed;
    QTest::newRow("status") << unfinished;
    ViewFilter mixed = text(QStringLiteral("ADMIN"));
    mixed.modules = QStringList{QStringLiteral("zxbackup"), QStringLiteral("Zébra")};
    mixed.statuses = StatusFinished | StatusInterrupted;
    mixed.since = 3000;
    QTest::newRow("module, status, text, since") << mixed;
}

// filterEvents (parts side by side, texts decided once) equals a plain loop over every row; filterOperations equals
// the operations one of whose rows passes the same plain loop on its own fields and text.
void TestViewBulk::filters()
{
    QFETCH(ViewFilter, filter);
    const EventStore &s = m_data.events();
    std::vector<uint32_t> expected;
    ViewFilter fieldsOnly = filter;
    fieldsOnly.text.clear();
    const std::vector<uint32_t> byFields = filterEventRange(m_data, fieldsOnly, kNow, 0, s.size());
    for (const uint32_t r : byFields)
        if (filter.text.isEmpty() || filter.regex || plainTextMatch(m_data, r, filter.text))
            expected.push_back(r);
    if (filter.regex) // the plain rule of a regex: filterEventRange's own row-by-row loop
        expected = filterEventRange(m_data, filter, kNow, 0, s.size());
    QVERIFY(!expected.empty());
    QVERIFY(expected.size() < s.size() || filter.text == QStringLiteral("Z"));
    QCOMPARE(filterEvents(m_data, filter, kNow), expected);

    std::vector<uint32_t> all(m_data.operationCount());
    std::iota(all.begin(), all.end(), 0u);
    QCOMPARE(filterOperations(m_data, filter, kNow), filterOperationsAmong(m_data, filter, kNow, all));
}

void TestViewBulk::sorts_data()
{
    QTest::addColumn<bool>("events");
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    for (int c = 0; c < int(EventColumn::Count); ++c)
        for (const bool descending : {false, true})
            QTest::addRow("events %d%s", c, descending ? " descending" : "") << true << c << descending;
    for (int c = 0; c < int(OperationColumn::Count); ++c)
        for (const bool descending : {false, true})
            QTest::addRow("operations %d%s", c, descending ? " descending" : "") << false << c << descending;
}

// Every column, both directions, of a filtered view given in a shuffled order: the same as a comparison sort with
// the order an update is merged by (viewdelta.h), which compares the texts themselves.
void TestViewBulk::sorts()
{
    QFETCH(bool, events);
    QFETCH(int, column);
    QFETCH(bool, descending);
    ViewFilter some;
    some.text = QStringLiteral("user1");
    std::vector<uint32_t> items = events ? filterEvents(m_data, some, kNow) : filterOperations(m_data, some, kNow);
    for (size_t i = 0; i + 7 < items.size(); i += 7) // not in order
        std::swap(items[i], items[i + 5]);
    std::vector<uint32_t> expected = items;
    const ViewOrder order = events ? eventOrder(m_data, EventColumn(column), descending)
                                   : operationOrder(m_data, OperationColumn(column), descending, kNow);
    std::sort(expected.begin(), expected.end(), order);
    if (events)
        sortEvents(m_data, items, EventColumn(column), descending);
    else
        sortOperations(m_data, items, OperationColumn(column), descending, kNow);
    QCOMPARE(items, expected);
}

// The texts' ranks order as the bytes: ids and parameters against a plain comparison of their texts.
void TestViewBulk::textOrders()
{
    const EventStore &s = m_data.events();
    std::vector<uint32_t> rows(s.size());
    std::iota(rows.begin(), rows.end(), 0u);
    for (const EventColumn column : {EventColumn::OperationId, EventColumn::Parameters}) {
        std::vector<uint32_t> sorted = rows;
        sortEvents(m_data, sorted, column, false);
        const auto text = [&](uint32_t r) {
            return column == EventColumn::Parameters ? std::string(s.parameters(r)) : s.operationId(r);
        };
        for (size_t i = 1; i < sorted.size(); ++i) {
            const std::string a = text(sorted[i - 1]), b = text(sorted[i]);
            QVERIFY2(a < b || (a == b && m_data.earlier(sorted[i - 1], sorted[i])), (a + " / " + b).c_str());
        }
    }
}

// Ids that are all UUIDs are ranked by their bytes, not their texts: the same order as the texts', with a UUID in two
// sources, UUIDs equal in their first half, and ServiceStarted rows (no id: the empty text, first).
void TestViewBulk::uuidOrders()
{
    Dataset data;
    for (const int source : {0, 1}) {
        QByteArray text;
        for (int i = 0; i < 3000; ++i) {
            const QByteArray high = QByteArray::number(0x10000000 + (i * 7919) % 211, 16) + "-abcd-4000";
            const QByteArray id = high + "-8000-" + QByteArray::number(0x100000000000ll + (i * 104729) % 997, 16);
            text += eventLine(id, "Started", 1000 + (i * 31) % 500) + eventLine(id, "Finished", 2000 + i % 7);
            if (i % 500 == source)
                text += serviceStarted(1500 + i);
        }
        parseInto(data.events(), data.addSource(QStringLiteral("s%1").arg(source)), text);
    }
    data.aggregate();
    const EventStore &s = data.events();
    for (const bool descending : {false, true}) {
        std::vector<uint32_t> rows(s.size()), expected;
        std::iota(rows.begin(), rows.end(), 0u);
        std::reverse(rows.begin(), rows.end());
        expected = rows;
        std::sort(expected.begin(), expected.end(), eventOrder(data, EventColumn::OperationId, descending));
        sortEvents(data, rows, EventColumn::OperationId, descending);
        QCOMPARE(rows, expected);
        std::vector<uint32_t> ops(data.operationCount());
        std::iota(ops.begin(), ops.end(), 0u);
        std::vector<uint32_t> expectedOps = ops;
        std::sort(expectedOps.begin(), expectedOps.end(),
                  operationOrder(data, OperationColumn::OperationId, descending, kNow));
        sortOperations(data, ops, OperationColumn::OperationId, descending, kNow);
        QCOMPARE(ops, expectedOps);
    }
    QCOMPARE(s.operationId(0).size(), size_t(36));
    QVERIFY(s.ids().isUuid(s.operation(0)));
}

QTEST_GUILESS_MAIN(TestViewBulk)
#include "tst_viewbulk.moc"
