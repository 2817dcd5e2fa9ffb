// What a restart is and runs with (docs/oplog.md section 4, docs/agent.md section 4): an idempotency key is scoped to
// who asks and which operation; the parameters are those the operation ran with (its Started or Queued event), not
// those of whatever event came last; a parameter value beginning with '-' is refused unless the action allows it.
#include "actioncatalog.h"
#include "recordingstub.h"
#include "runner.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace Qt::StringLiterals;
using recordingstub::records;
using testoplog::Event;
using testoplog::eventsOf;
using testoplog::typesOf;

namespace {

const QString kStub = QStringLiteral(RECORDING_STUB);

// ZxBackup Restore {account}: `ended` Interrupted with what its Started said; `failed` Failed, whose Failed event
// (the suite's) carries other parameters than its Started; `dashed` ran with an account beginning with '-'.
QByteArray seedOplog()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    const auto event = [](const QString &id, const QString &type, qint64 at, const QString &account) {
        return Event(id, type, at).module(u"ZxBackup"_s).name(u"Restore"_s)
            .parameters({{u"origin"_s, u"Admin"_s}, {u"account"_s, account}}).line();
    };
    return event(u"ended"_s, u"Started"_s, t, u"alice"_s) + event(u"ended"_s, u"Interrupted"_s, t + 1, u"alice"_s)
        + event(u"other"_s, u"Started"_s, t + 2, u"bob"_s) + event(u"other"_s, u"Interrupted"_s, t + 3, u"bob"_s)
        + event(u"failed"_s, u"Started"_s, t + 4, u"carol"_s) + event(u"failed"_s, u"Failed"_s, t + 5, u"mallory"_s)
        + event(u"dashed"_s, u"Started"_s, t + 6, u"--all"_s) + event(u"dashed"_s, u"Failed"_s, t + 7, u"--all"_s);
}

ActionCatalog catalog(const QString &record, bool allowLeadingDash)
{
    QJsonObject restore{{u"module"_s, u"ZxBackup"_s}, {u"name"_s, u"Restore"_s},
                        {u"argv"_s, QJsonArray{kStub, u"--record"_s, record, u"--"_s, u"{account}"_s}},
                        {u"parameters"_s, QJsonObject{{u"account"_s, u"-?-?[a-z]+"_s}}}};
    if (allowLeadingDash)
        restore.insert(u"allowLeadingDash"_s, true);
    const QByteArray text = QJsonDocument(QJsonArray{restore}).toJson();
    QString error;
    auto parsed = ActionCatalog::parse(std::string_view(text.constData(), size_t(text.size())), &error);
    if (!parsed)
        qFatal("the test catalog: %s", qPrintable(error));
    return *parsed;
}

struct Fixture {
    QTemporaryDir dir;
    QString oplog = dir.filePath(u"oplog.jsonl"_s), record = dir.filePath(u"argv.jsonl"_s);
    bool ready = testfiles::writeFile(oplog, seedOplog());
};

} // namespace

class TestRestartRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Before: the key alone was looked up, so another operation or another admin got the first answer (and the
    // audit named an operation that was not restarted).
    void anIdempotencyKeyIsScopedToIdentityAndOperation()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner runner({f.oplog}, 0, u"oplensd-test"_s, catalog(f.record, false));
        const LaunchResult first = runner.restart({u"ended"_s, u"again"_s, u"key-1"_s, u"alice-admin"_s});
        QCOMPARE(first.status, 202);
        QCOMPARE(first.restartOf, u"ended"_s);
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        // The same admin, the same operation, the same key: the first answer.
        const LaunchResult replay = runner.restart({u"ended"_s, u"again"_s, u"key-1"_s, u"alice-admin"_s});
        QCOMPARE(replay.operationId, first.operationId);
        QCOMPARE(replay.restartOf, u"ended"_s);
        // The same key for another operation: a restart of that operation.
        const LaunchResult other = runner.restart({u"other"_s, u"again"_s, u"key-1"_s, u"alice-admin"_s});
        QCOMPARE(other.status, 202);
        QCOMPARE(other.restartOf, u"other"_s);
        QVERIFY(other.operationId != first.operationId);
        QCOMPARE(eventsOf(f.oplog, other.operationId).first().value(u"restartOf"_s).toString(), u"other"_s);
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        // The same key from another admin: their own request, not alice's answer; and "ended" is restarted already
        // (helper-28's D1: two admins, or one agent reached at two addresses, ran it twice).
        const LaunchResult bob = runner.restart({u"ended"_s, u"again"_s, u"key-1"_s, u"bob-admin"_s});
        QCOMPARE(bob.status, 409);
        QCOMPARE(bob.error, u"already restarted as %1 (Finished): restart that one if it failed too"_s.arg(first.operationId));
        const LaunchResult bobsOwn = runner.restart({u"failed"_s, u"again"_s, u"key-1"_s, u"bob-admin"_s});
        QCOMPARE(bobsOwn.status, 202);
        QCOMPARE(eventsOf(f.oplog, bobsOwn.operationId).first().value(u"requestedBy"_s).toString(), u"bob-admin"_s);
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        QCOMPARE(records(f.record).size(), 3);
        // A runner started again knows the keys in their scope from the oplog.
        Runner again({f.oplog}, 0, u"oplensd-test"_s, catalog(f.record, false));
        QCOMPARE(again.restart({u"other"_s, u"again"_s, u"key-1"_s, u"alice-admin"_s}).operationId, other.operationId);
        QCOMPARE(again.restart({u"failed"_s, u"again"_s, u"key-1"_s, u"bob-admin"_s}).operationId, bobsOwn.operationId);
        QCOMPARE(again.active(), 0);
        QCOMPARE(records(f.record).size(), 3);
    }

    // Before: the Failed event's parameters (the latest event) were run.
    void aRestartRunsWithTheParametersItRanWith()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner runner({f.oplog}, 0, u"oplensd-test"_s, catalog(f.record, false));
        const LaunchResult result = runner.restart({u"failed"_s, u"again"_s, {}, u"admin"_s});
        QCOMPARE(result.status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 10000);
        QCOMPARE(records(f.record).size(), 1);
        QCOMPARE(records(f.record).first().last(), u"carol"_s);
        const QJsonObject parameters = eventsOf(f.oplog, result.operationId).first().value(u"parameters"_s).toObject();
        QCOMPARE(parameters.value(u"account"_s).toString(), u"carol"_s);
        QCOMPARE(parameters.value(u"origin"_s).toString(), u"Restart"_s);
    }

    void aLeadingDashIsRefusedUnlessTheActionAllowsIt()
    {
        Fixture f;
        QVERIFY(f.ready);
        Runner strict({f.oplog}, 0, u"oplensd-test"_s, catalog(f.record, false));
        const QByteArray before = testfiles::readAll(f.oplog);
        const LaunchResult refused = strict.restart({u"dashed"_s, u"again"_s, {}, u"admin"_s});
        QCOMPARE(refused.status, 422);
        QVERIFY2(refused.error.startsWith(u"parameter account begins with '-': "_s), qPrintable(refused.error));
        QCOMPARE(testfiles::readAll(f.oplog), before);
        QVERIFY(!QFile::exists(f.record));
        // The action that ends the options with "--" says so: the value is passed as it is, after the "--".
        Runner allowing({f.oplog}, 0, u"oplensd-test"_s, catalog(f.record, true));
        const LaunchResult launched = allowing.restart({u"dashed"_s, u"again"_s, {}, u"admin"_s});
        QCOMPARE(launched.status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(allowing.active(), 0, 10000);
        QCOMPARE(records(f.record).first().mid(3), QStringList({u"--"_s, u"--all"_s}));
    }
};

QTEST_GUILESS_MAIN(TestRestartRules)
#include "tst_restartrules.moc"
