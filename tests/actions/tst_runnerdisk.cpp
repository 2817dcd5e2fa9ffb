// The Runner on a full disk (docs/agent.md section 4): a restart needs a margin free on the runner oplog's
// filesystem; a write cut short is taken back whole; a run whose Started cannot be recorded is stopped and recorded
// Interrupted once the oplog can be written; recordingProblem() says why while writes fail, and 503 answers.
//
// The full disk is real: a 64 KiB tmpfs mounted on a temporary folder (the tests run as root). A filler file takes
// the room left; the oplog's last page is what a short write lands in. Where `mount` is refused (a container without
// CAP_SYS_ADMIN), enospc_shim, preloaded by CTest (LD_PRELOAD), makes the oplog's write() fail with ENOSPC, or write
// only part of the line, as the full tmpfs does. With neither, the tests are skipped, saying why.
#include "actioncatalog.h"
#include "recordingstub.h"
#include "runner.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <dlfcn.h>
#include <memory>
#include <sys/statvfs.h>

using namespace oplens;
using namespace Qt::StringLiterals;
using testoplog::Event;
using testoplog::typesOf;

namespace {

const QString kStub = QStringLiteral(RECORDING_STUB);
const QString kSleep = u"sleep-interrupted"_s; // ZxSlow Sleep: runs 30 s
const QString kQuick = u"quick-interrupted"_s; // ZxSlow Quick: exits at once
constexpr qint64 kPage = 4096;

QByteArray seedOplog()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    const auto op = [&](const QString &id, const QString &name) {
        const auto event = [&](const QString &type, qint64 at) {
            return Event(id, type, at).module(u"ZxSlow"_s).name(name).parameters({{u"origin"_s, u"Cron"_s}});
        };
        return event(u"Started"_s, t).line() + event(u"Interrupted"_s, t + 1000).line();
    };
    return op(kSleep, u"Sleep"_s) + op(kQuick, u"Quick"_s);
}

ActionCatalog catalog(const QString &record)
{
    const auto action = [&](const QString &name, const QStringList &args) {
        return QJsonObject{{u"module"_s, u"ZxSlow"_s}, {u"name"_s, name},
                           {u"argv"_s, QJsonArray::fromStringList(QStringList{kStub, u"--record"_s, record} + args)}};
    };
    const QByteArray text = QJsonDocument(QJsonArray{action(u"Sleep"_s, {u"--sleep-ms"_s, u"30000"_s, u"sleep"_s}),
                                                     action(u"Quick"_s, {u"quick"_s})}).toJson();
    QString error;
    auto parsed = ActionCatalog::parse(std::string_view(text.constData(), size_t(text.size())), &error);
    if (!parsed)
        qFatal("the test catalog: %s", qPrintable(error));
    return *parsed;
}

RestartRequest request(const QString &id) { return {id, u"disk replaced"_s, {}, u"admin"_s}; }

// A line of exactly `size` bytes (at least 40) that readers take as an event of its own.
QByteArray padding(qint64 size)
{
    const QByteArray head = Event(u"pad"_s, u"Finished"_s, 1).module(u"Pad"_s).name(u"Pad"_s).json();
    const QByteArray empty = head.left(head.size() - 1) + ",\"pad\":\"\"}\n";
    return empty.left(empty.size() - 3) + QByteArray(size - empty.size(), 'x') + "\"}\n";
}

bool shimLoaded() { return dlsym(RTLD_DEFAULT, "oplens_enospc_shim_loaded") != nullptr; }

// A 64 KiB tmpfs (or, where mount is refused, a plain folder and the shim) with the seed oplog, the stub's record
// outside it, and a way to make writing the oplog fail for want of room.
struct FullDisk {
    QTemporaryDir dir;
    QString mountPoint = dir.filePath(u"fs"_s), oplog = mountPoint + u"/oplog.jsonl"_s;
    QString filler = mountPoint + u"/filler"_s, record = dir.filePath(u"argv.jsonl"_s);
    bool tmpfs = false, ready = false;

    FullDisk()
    {
        QDir().mkpath(mountPoint);
        // OPLENS_TEST_NO_TMPFS=1 tries the shim where mount would work (to check that way too).
        tmpfs = qEnvironmentVariableIsEmpty("OPLENS_TEST_NO_TMPFS")
            && QProcess::execute(u"/bin/mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=64k"_s, u"tmpfs"_s, mountPoint}) == 0;
        ready = testfiles::writeFile(oplog, seedOplog());
    }
    ~FullDisk()
    {
        makeRoom();
        if (tmpfs)
            QProcess::execute(u"/bin/umount"_s, {mountPoint});
    }
    qint64 freeBytes() const
    {
        struct statvfs fs{};
        return ::statvfs(QFile::encodeName(mountPoint).constData(), &fs) == 0 ? qint64(fs.f_bavail) * qint64(fs.f_frsize) : -1;
    }
    // tmpfs: takes every free block, and only the room left in the oplog's last page (`room`, made by padTo) can be
    // written. The shim: the oplog's writes fail, after writing `room` bytes when room > 0.
    bool fill(qint64 room)
    {
        if (!tmpfs) {
            qputenv("OPLENS_TEST_ENOSPC_SHORT", QByteArray::number(room));
            qputenv("OPLENS_TEST_ENOSPC", QFile::encodeName(oplog));
            return true;
        }
        QFile file(filler);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
            return false;
        const QByteArray block(1024, 'f');
        while (file.write(block) == block.size()) {}
        while (file.write("f", 1) == 1) {}
        return file.size() > 0;
    }
    bool makeRoom()
    {
        qunsetenv("OPLENS_TEST_ENOSPC");
        qunsetenv("OPLENS_TEST_ENOSPC_SHORT");
        return !tmpfs || !QFile::exists(filler) || QFile::remove(filler);
    }
    // Ends the oplog `room` bytes before a page boundary (room 0: exactly on it); nothing to do without a tmpfs.
    bool padTo(qint64 room)
    {
        if (!tmpfs)
            return true; // the shim writes `room` bytes whatever the size
        const qint64 size = QFileInfo(oplog).size();
        qint64 pad = (kPage - (size + room) % kPage) % kPage;
        if (pad < 128)
            pad += kPage;
        return testfiles::appendFile(oplog, padding(pad)) && (QFileInfo(oplog).size() + room) % kPage == 0;
    }
};

} // namespace

class TestRunnerDisk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        FullDisk probe;
        if (probe.tmpfs)
            return;
        if (!shimLoaded())
            QSKIP("no full disk to be had: mount -t tmpfs was refused (it needs root and CAP_SYS_ADMIN) and enospc_shim "
                  "is not preloaded (CTest sets LD_PRELOAD; by hand: LD_PRELOAD=.../libenospc_shim.so)");
        qInfo("no tmpfs (mount refused, or OPLENS_TEST_NO_TMPFS): enospc_shim (LD_PRELOAD) makes the oplog's writes fail");
    }

    // Before: five restarts were accepted on a full filesystem whose oplog's last page had room.
    void aRestartNeedsTheMarginFree()
    {
        FullDisk disk;
        QVERIFY(disk.ready);
        const QByteArray before = testfiles::readAll(disk.oplog);
        Runner runner({disk.oplog}, 0, u"oplensd-test"_s, catalog(disk.record)); // the default margin: 1 MiB
        const qint64 margin = disk.tmpfs ? 1024 * 1024 : disk.freeBytes() + (qint64(1) << 40); // more than there is
        if (!disk.tmpfs)
            runner.setMinFreeBytes(margin);
        const LaunchResult result = runner.restart(request(kQuick));
        QCOMPARE(result.status, 503);
        QVERIFY2(result.error.startsWith(u"the runner oplog "_s + disk.oplog + u" cannot be written: only "_s), qPrintable(result.error));
        QVERIFY2(result.error.endsWith(u"less than the margin of %1 bytes"_s.arg(margin)), qPrintable(result.error));
        QCOMPARE(runner.recordingProblem(), result.error);
        QCOMPARE(testfiles::readAll(disk.oplog), before);
        QVERIFY(!QFile::exists(disk.record)); // nothing ran
        // A margin the filesystem has: accepted, and the problem is gone.
        runner.setMinFreeBytes(16 * 1024);
        const LaunchResult next = runner.restart(request(kQuick));
        QCOMPARE(next.status, 202);
        QVERIFY(runner.recordingProblem().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(typesOf(disk.oplog, next.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}), 10000);
    }

    // Before: the Queued line was cut where the page ended and the restart accepted anyway.
    void aShortWriteIsTakenBack()
    {
        FullDisk disk;
        QVERIFY(disk.ready);
        QVERIFY(disk.padTo(100) && disk.fill(100)); // room for 100 bytes of a line of about 400
        const QByteArray before = testfiles::readAll(disk.oplog);
        Runner runner({disk.oplog}, 0, u"oplensd-test"_s, catalog(disk.record));
        runner.setMinFreeBytes(0); // the margin would refuse first: this is what happens without it
        for (int attempt = 0; attempt < 3; ++attempt) {
            const LaunchResult result = runner.restart(request(kQuick));
            QCOMPARE(result.status, 503);
            // The shim leaves the filesystem with room: there the cause of the short write is not known.
            const QString why = disk.tmpfs ? u"No space left on device (only part of the line could be written)"_s
                                           : u"only part of the line was written"_s;
            QCOMPARE(result.error, u"the runner oplog "_s + disk.oplog + u" cannot be written: "_s + why);
            QCOMPARE(runner.recordingProblem(), result.error);
            QCOMPARE(testfiles::readAll(disk.oplog), before); // not a byte of the line stays
        }
        QVERIFY(!QFile::exists(disk.record));
        // Room again: the next restart is recorded whole, and the problem clears.
        QVERIFY(disk.makeRoom());
        const LaunchResult next = runner.restart(request(kQuick));
        QCOMPARE(next.status, 202);
        QVERIFY(runner.recordingProblem().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(typesOf(disk.oplog, next.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}), 10000);
        QVERIFY(testfiles::readAll(disk.oplog).startsWith(before));
    }

    // Before: the Started line failed (or was cut) and the process ran on with its start unrecorded.
    void aStartThatCannotBeRecordedStopsTheRun()
    {
        FullDisk disk;
        QVERIFY(disk.ready);
        Runner runner({disk.oplog}, 0, u"oplensd-test"_s, catalog(disk.record));
        runner.setMinFreeBytes(0);
        const LaunchResult result = runner.restart(request(kSleep));
        QCOMPARE(result.status, 202);
        QCOMPARE(typesOf(disk.oplog, result.operationId), QStringList{u"Queued"_s}); // Started comes from the event loop
        QVERIFY(disk.padTo(0) && disk.fill(0)); // now not a byte more fits
        const QByteArray before = testfiles::readAll(disk.oplog);
        QTRY_COMPARE_WITH_TIMEOUT(runner.active(), 0, 15000); // stopped, not left running for 30 s
        QCOMPARE(testfiles::readAll(disk.oplog), before);
        QVERIFY2(runner.recordingProblem().endsWith(u"No space left on device"_s), qPrintable(runner.recordingProblem()));
        QCOMPARE(runner.unrecorded(), 1); // its Interrupted, waiting for room
        // Room again: the next restart first records the stopped run's end.
        QVERIFY(disk.makeRoom());
        const LaunchResult next = runner.restart(request(kQuick));
        QCOMPARE(next.status, 202);
        QVERIFY(runner.recordingProblem().isEmpty());
        QCOMPARE(runner.unrecorded(), 0);
        const QList<QJsonObject> events = testoplog::eventsOf(disk.oplog, result.operationId);
        QCOMPARE(typesOf(disk.oplog, result.operationId), QStringList({u"Queued"_s, u"Interrupted"_s}));
        QVERIFY2(events.last().value(u"error"_s).toString().startsWith(u"stopped: its Started event could not be recorded"_s),
                 qPrintable(events.last().value(u"error"_s).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(typesOf(disk.oplog, next.operationId), QStringList({u"Queued"_s, u"Started"_s, u"Finished"_s}), 10000);
    }
};

QTEST_GUILESS_MAIN(TestRunnerDisk)
#include "tst_runnerdisk.moc"
