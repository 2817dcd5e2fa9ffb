// The restart body's parser (app/agent/requestbody.h), alone: the function the fuzzer calls.
#include "requestbody.h"

#include <QTest>

using oplens::agent::parseRestartBody;

class TestRequestBody : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("reason");
        QTest::addColumn<QByteArray>("key");
        QTest::newRow("reason") << QByteArray(R"({"reason": "disk replaced"})") << true << QByteArray("disk replaced") << QByteArray();
        QTest::newRow("reason and key") << QByteArray(R"({"reason": "r", "idempotencyKey": "k-1"})") << true << QByteArray("r") << QByteArray("k-1");
        QTest::newRow("trimmed") << QByteArray("{\"reason\": \" \\t disk \\n\"}") << true << QByteArray("disk") << QByteArray();
        QTest::newRow("other members ignored") << QByteArray(R"({"reason": "r", "x": [1, {"y": null}]})") << true << QByteArray("r") << QByteArray();
        QTest::newRow("last of two") << QByteArray(R"({"reason": "a", "reason": "b"})") << true << QByteArray("b") << QByteArray();
        QTest::newRow("UTF-8") << QByteArray("{\"reason\": \"d\xc3\xa9j\xc3\xa0 vu\"}") << true << QByteArray("d\xc3\xa9j\xc3\xa0 vu") << QByteArray();
        QTest::newRow("escaped") << QByteArray(R"({"reason": "\u00e9\n"})") << true << QByteArray("\xc3\xa9") << QByteArray();
        const QByteArray key200 = QByteArray(100, 'k') + QByteArray("\xc3\xa9").repeated(100); // 300 bytes, 200 characters
        QTest::newRow("key of 200 characters") << QByteArray("{\"reason\": \"r\", \"idempotencyKey\": \"" + key200 + "\"}")
                                               << true << QByteArray("r") << key200;
        QTest::newRow("key of 201 characters") << QByteArray("{\"reason\": \"r\", \"idempotencyKey\": \"" + QByteArray(201, 'k') + "\"}") << false << QByteArray() << QByteArray();
        QTest::newRow("empty") << QByteArray() << false << QByteArray() << QByteArray();
        QTest::newRow("not JSON") << QByteArray("reason=disk") << false << QByteArray() << QByteArray();
        QTest::newRow("array") << QByteArray(R"(["disk"])") << false << QByteArray() << QByteArray();
        QTest::newRow("no reason") << QByteArray(R"({"idempotencyKey": "k"})") << false << QByteArray() << QByteArray();
        QTest::newRow("blank reason") << QByteArray(R"({"reason": " \t\n"})") << false << QByteArray() << QByteArray();
        QTest::newRow("reason a number") << QByteArray(R"({"reason": 42})") << false << QByteArray() << QByteArray();
        QTest::newRow("key a number") << QByteArray(R"({"reason": "r", "idempotencyKey": 7})") << false << QByteArray() << QByteArray();
        QTest::newRow("key null") << QByteArray(R"({"reason": "r", "idempotencyKey": null})") << false << QByteArray() << QByteArray();
        QTest::newRow("two documents") << QByteArray(R"({"reason": "r"} {"reason": "s"})") << false << QByteArray() << QByteArray();
        QTest::newRow("truncated") << QByteArray(R"({"reason": "r")") << false << QByteArray() << QByteArray();
        QTest::newRow("invalid UTF-8") << QByteArray("{\"reason\": \"\xff\xfe\"}") << false << QByteArray() << QByteArray();
        QTest::newRow("NUL in the text") << QByteArray("{\"reason\": \"r\"}\0", 16) << false << QByteArray() << QByteArray();
        QTest::newRow("deeply nested") << QByteArray(20000, '[') << false << QByteArray() << QByteArray();
    }
    void parses()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        QFETCH(QByteArray, reason);
        QFETCH(QByteArray, key);
        const auto parsed = parseRestartBody({body.constData(), size_t(body.size())});
        QCOMPARE(parsed.has_value(), ok);
        if (!parsed)
            return;
        QCOMPARE(QByteArray::fromStdString(parsed->reason), reason);
        QCOMPARE(QByteArray::fromStdString(parsed->idempotencyKey), key);
    }
};

QTEST_GUILESS_MAIN(TestRequestBody)
#include "tst_requestbody.moc"
