// The agent's service start query (app/agent/servicestart.cpp): the answers it reads, and that a command that hangs
// never holds the agent's thread (it is killed after 5 s and the previous value stays).
#include "servicestart.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using oplens::agent::parseStartedAt;
using oplens::agent::ServiceStartWatcher;

class TestServiceStart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1: not a time
        QTest::newRow("systemd, UTC") << QStringLiteral("Thu 2026-11-26 04:00:00 UTC\n") << qint64(1795665600000);
        QTest::newRow("epoch seconds") << QStringLiteral("1795665600") << qint64(1795665600000);
        QTest::newRow("epoch ms") << QStringLiteral("1795665600123") << qint64(1795665600123);
        QTest::newRow("ISO 8601") << QStringLiteral("2026-11-26T04:00:00Z") << qint64(1795665600000);
        QTest::newRow("never started (systemd's n/a)") << QStringLiteral("n/a") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto when = parseStartedAt(text);
        QCOMPARE(when ? qint64(*when) : qint64(-1), expected);
    }

    void answersArriveAsASignal()
    {
        ServiceStartWatcher watcher({QStringLiteral("/bin/echo"), QStringLiteral("1795665600")});
        QSignalSpy answered(&watcher, &ServiceStartWatcher::startedAt);
        watcher.start();
        QTRY_COMPARE(answered.size(), 1);
        QCOMPARE(answered.first().first().toLongLong(), qint64(1795665600000));
    }

    // The thread goes on while the command hangs: a timer due in 100 ms fires on time, and nothing is reported.
    void aHangingCommandHoldsNothing()
    {
        ServiceStartWatcher watcher({QStringLiteral("/bin/sleep"), QStringLiteral("30")});
        QSignalSpy answered(&watcher, &ServiceStartWatcher::startedAt);
        QElapsedTimer clock;
        clock.start();
        watcher.start();
        QVERIFY2(clock.elapsed() < 1000, "start() waited for the command");
        bool fired = false;
        QTimer::singleShot(100, [&] { fired = true; });
        QTRY_VERIFY_WITH_TIMEOUT(fired, 2000);
        QTest::qWait(5500); // past the 5 s limit: killed, no answer, no crash
        QCOMPARE(answered.size(), 0);
    }

    void aMissingProgramIsNoAnswer()
    {
        ServiceStartWatcher watcher({QStringLiteral("/nonexistent/program")});
        QSignalSpy answered(&watcher, &ServiceStartWatcher::startedAt);
        watcher.start();
        watcher.waitForFirst(2000);
        QTest::qWait(100);
        QCOMPARE(answered.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServiceStart)
#include "tst_servicestart.moc"
