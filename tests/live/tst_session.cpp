// The Session with local oplogs (session.h), in-process: opening files (the newest followed), appended lines read
// as they come (a half-written line waits for its end), a source removed, a file replaced, truncated or gone and back
// read again with a notice. Short poll intervals; every wait is a QTRY_ on what the Session shows.
#include "remotesource.h"
#include "session.h"
#include "sourcehealth.h"
#include "testfiles.h"
#include "testoplog.h"
#include "viewfilter.h"

#include <QDateTime>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace Qt::StringLiterals;
using testfiles::appendFile;
using testfiles::writeFile;
using testoplog::Event;

namespace {

constexpr int kPollMs = 20;

// `count` operations `prefix`-1, -2, ... Started then Finished, from `time`.
QByteArray finished(const QString &prefix, int count, qint64 time = 1700000000000)
{
    QByteArray text;
    for (int i = 1; i <= count; ++i) {
        const QString id = u"%1-%2"_s.arg(prefix).arg(i);
        text += Event(id, "Started", time + i * 1000).line() + Event(id, "Finished", time + i * 1000 + 500).line();
    }
    return text;
}

// The operations the session shows: "SOURCE-FILE-NAME ID STATUS", sorted.
QStringList operations(const Session &session)
{
    QStringList out;
    const auto data = session.data();
    if (!data)
        return out;
    for (uint32_t op = 0; op < data->operationCount(); ++op)
        if (data->exists(op))
            out << u"%1 %2 %3"_s.arg(QFileInfo(data->events().sourceName(data->source(op))).fileName(),
                                     data->events().ids().qtext(op), statusName(data->operation(op).status));
    out.sort();
    return out;
}

// What `finished(prefix, count)` shows once read from `file`.
QStringList finishedIn(const QString &file, const QString &prefix, int count)
{
    QStringList out;
    for (int i = 1; i <= count; ++i)
        out << u"%1 %2-%3 Finished"_s.arg(file, prefix).arg(i);
    return out;
}

// Nothing loading, and a dataset to show.
bool settled(const Session &session) { return !session.isLoading() && session.data(); }

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // A session with `files` open and loaded, following at kPollMs.
    static std::unique_ptr<Session> open(const QStringList &files)
    {
        auto session = std::make_unique<Session>();
        session->setPollInterval(kPollMs);
        session->openFiles(files);
        if (!QTest::qWaitFor([&] { return settled(*session); }, 10000))
            qWarning("the session did not load %s", qPrintable(files.join(u", ")));
        return session;
    }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    // Remote sources are named by host, and by host and port when a port is given: two agents on one host differ.
    void remoteSourcesAreNamedByHostAndPort()
    {
        QNetworkAccessManager network;
        QString error;
        SourceState withPort, withoutPort;
        RemoteSource a(*RemoteSpec::fromUrl(u"agent+https://mail1.example.com:8443#main"_s, &error), &network);
        RemoteSource b(*RemoteSpec::fromUrl(u"https://mail2.example.com/oplogs/oplog.jsonl"_s, &error), &network);
        withPort.remote = &a;
        withoutPort.remote = &b;
        QCOMPARE(sourceShortName(withPort), u"mail1.example.com:8443"_s);
        QCOMPARE(sourceShortName(withoutPort), u"mail2.example.com"_s);
    }

    void openReadsFilesAndFollowsTheNewest()
    {
        const QString a = path(u"open-a.jsonl"_s), b = path(u"open-b.jsonl"_s);
        QVERIFY(writeFile(a, finished(u"a"_s, 2) + Event(u"a-run"_s, "Started", 1700000009000).line()));
        QVERIFY(writeFile(b, finished(u"b"_s, 1)));
        QFile older(a); // b is the newest
        QVERIFY(older.open(QIODevice::ReadWrite));
        QVERIFY(older.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
        older.close();

        Session session;
        session.setPollInterval(kPollMs);
        QSignalSpy started(&session, &Session::loadStarted), done(&session, &Session::loadFinished),
            reset(&session, &Session::dataReset);
        session.openFiles({a, b});
        QVERIFY(session.isLoading());
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.first().first().toString(), u"Loading 2 files"_s);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QCOMPARE(done.first().first().toBool(), false); // not cancelled
        QCOMPARE(reset.count(), 1);
        QVERIFY(!session.isLoading());
        QCOMPARE(operations(session), finishedIn(u"open-a.jsonl"_s, u"a"_s, 2) + QStringList{u"open-a.jsonl a-run Running"_s}
                                          + finishedIn(u"open-b.jsonl"_s, u"b"_s, 1));

        const QList<SourceState> &sources = session.sources();
        QCOMPARE(sources.size(), 2);
        QCOMPARE(sources[0].path, QFileInfo(a).absoluteFilePath());
        QCOMPARE(session.sourceIndex(sources[1].path), 1);
        QCOMPARE(sources[0].follow, false);
        QCOMPARE(sources[1].follow, true); // the newest file opened
        QCOMPARE(sources[0].events, uint64_t(5));
        QCOMPARE(sources[0].nextLine, uint64_t(6));
        QCOMPARE(sources[0].offset, uint64_t(QFileInfo(a).size()));
        QCOMPARE(sources[1].events, uint64_t(2));
        for (const SourceState &s : sources) {
            QVERIFY(s.error.isEmpty() && s.problems.empty() && s.notice.isEmpty());
            QVERIFY(s.lastRead.isValid());
            QVERIFY(s.fileId != 0);
        }

        session.openFiles({a}); // open already: nothing to do
        QCOMPARE(started.count(), 1);
        QCOMPARE(session.sources().size(), 2);
    }

    void appendedLinesAreFollowed()
    {
        const QString log = path(u"follow.jsonl"_s);
        QVERIFY(writeFile(log, finished(u"f"_s, 1)));
        auto session = open({log});
        QVERIFY(settled(*session));
        const auto dataset = session->data();
        QSignalSpy appended(session.get(), &Session::dataAppended), reset(session.get(), &Session::dataReset),
            interruptions(session.get(), &Session::newInterruptions);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(appendFile(log, Event(u"f-new"_s, "Started", now).set(u"host", u"mail1"_s).line()));
        QTRY_VERIFY(operations(*session).contains(u"follow.jsonl f-new Running"_s));
        QVERIFY(appended.count() >= 1);
        QCOMPARE(reset.count(), 0);             // appended to the same dataset, not read again
        QCOMPARE(session->data(), dataset);
        QCOMPARE(session->sources()[0].events, uint64_t(3));
        QCOMPARE(session->sources()[0].offset, uint64_t(QFileInfo(log).size()));
        QCOMPARE(session->sources()[0].nextLine, uint64_t(4));

        // A half-written line waits for its line ending: never read as a bad line, nor lost.
        const QByteArray restart = Event({}, "ServiceStarted", now + 1000).module("ZxCore").name("ServiceStarted").line();
        const qsizetype half = restart.indexOf("\"type\"");
        QVERIFY(appendFile(log, restart.left(half)));
        QTest::qWait(10 * kPollMs); // a negative check: nothing to wait for
        QCOMPARE(session->sources()[0].events, uint64_t(3));
        QVERIFY(session->sources()[0].problems.empty());
        QCOMPARE(interruptions.count(), 0);
        QVERIFY(appendFile(log, restart.mid(half)));
        // The service restarted: the operation it was running is interrupted, and the session says so once.
        QTRY_COMPARE(interruptions.count(), 1);
        const QStringList fresh = interruptions.first().first().toStringList();
        QCOMPARE(fresh.size(), 1);
        QVERIFY2(fresh.first().startsWith(u"ZxBackup SmartScan on mail1: service restarted at "_s), qPrintable(fresh.first()));
        QVERIFY(operations(*session).contains(u"follow.jsonl f-new Interrupted"_s));
        QCOMPARE(session->sources()[0].events, uint64_t(4));
        QVERIFY(session->sources()[0].problems.empty());
        QCOMPARE(reset.count(), 0);
    }

    void followCanBeTurnedOff()
    {
        const QString log = path(u"nofollow.jsonl"_s);
        QVERIFY(writeFile(log, finished(u"n"_s, 1)));
        auto session = open({log});
        QSignalSpy changed(session.get(), &Session::sourcesChanged);
        session->setFollow(0, false);
        QCOMPARE(changed.count(), 1);
        QVERIFY(appendFile(log, finished(u"m"_s, 1)));
        QTest::qWait(10 * kPollMs); // a negative check: nothing to wait for
        QCOMPARE(operations(*session), finishedIn(u"nofollow.jsonl"_s, u"n"_s, 1));
        session->setFollow(0, true);
        QTRY_COMPARE(operations(*session), finishedIn(u"nofollow.jsonl"_s, u"m"_s, 1) + finishedIn(u"nofollow.jsonl"_s, u"n"_s, 1));
    }

    void removedSourceLeavesTheData()
    {
        const QString a = path(u"remove-a.jsonl"_s), b = path(u"remove-b.jsonl"_s);
        QVERIFY(writeFile(a, finished(u"a"_s, 2)));
        QVERIFY(writeFile(b, finished(u"b"_s, 1)));
        auto session = open({a, b});
        session->setFollow(0, true);
        session->setFollow(1, true);
        QCOMPARE(operations(*session).size(), 3);
        QSignalSpy changed(session.get(), &Session::sourcesChanged), done(session.get(), &Session::loadFinished);
        session->removeSource(-1);
        session->removeSource(2);
        QCOMPARE(changed.count(), 0); // no such source
        session->removeSource(0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(session->sources().size(), 1);
        QCOMPARE(session->sources()[0].path, QFileInfo(b).absoluteFilePath());
        QCOMPARE(session->sourceIndex(QFileInfo(a).absoluteFilePath()), -1);
        QTRY_COMPARE(done.count(), 1);
        // Its slot stays (b keeps its index), empty: no row and no name.
        QCOMPARE(session->data()->events().sourceCount(), 2);
        QCOMPARE(session->data()->rowCount(0), size_t(0));
        QCOMPARE(session->data()->events().sourceName(0), QString());
        QCOMPARE(session->sources()[0].slot, uint16_t(1));
        QCOMPARE(operations(*session), finishedIn(u"remove-b.jsonl"_s, u"b"_s, 1));
        // Lines appended to the removed file are not read; the remaining one is still followed.
        QVERIFY(appendFile(a, finished(u"a-more"_s, 1)));
        QVERIFY(appendFile(b, finished(u"b-more"_s, 1)));
        QTRY_COMPARE(operations(*session), finishedIn(u"remove-b.jsonl"_s, u"b"_s, 1) + finishedIn(u"remove-b.jsonl"_s, u"b-more"_s, 1));
    }

    void rotatedFileIsReadAgain_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<QString>("notice");
        QTest::newRow("replaced (renamed over)") << u"replace"_s << u"read again from the start: the file was replaced"_s;
        QTest::newRow("truncated in place") << u"truncate"_s << u"read again from the start: the file shrank"_s;
    }

    void rotatedFileIsReadAgain()
    {
        QFETCH(QString, how);
        QFETCH(QString, notice);
        const QString log = path(u"rotate-%1.jsonl"_s.arg(how));
        QVERIFY(writeFile(log, finished(u"old"_s, 3)));
        auto session = open({log});
        QCOMPARE(operations(*session).size(), 3);
        const uint64_t fileId = session->sources()[0].fileId;
        QSignalSpy reset(session.get(), &Session::dataReset), messages(session.get(), &Session::message);
        const QByteArray next = finished(u"new"_s, 1, 1800000000000);
        QVERIFY(how == u"replace"_s ? testfiles::replaceFile(log, next) : writeFile(log, next));
        QTRY_COMPARE(reset.count(), 1);
        QTRY_VERIFY(settled(*session));
        const QString name = QFileInfo(log).fileName();
        QCOMPARE(operations(*session), finishedIn(name, u"new"_s, 1)); // the old operations are gone with their file
        const SourceState &s = session->sources()[0];
        QCOMPARE(s.notice, notice);
        QCOMPARE(s.events, uint64_t(2));
        QCOMPARE(s.offset, uint64_t(next.size()));
        QVERIFY(s.problems.empty());
        QCOMPARE(s.fileId != fileId, how == u"replace"_s);
        QCOMPARE(messages.count(), 1);
        QCOMPARE(messages.first().first().toString(), name + u": "_s + notice);
        // It goes on following the new file; F5 clears the notice.
        QVERIFY(appendFile(log, finished(u"newer"_s, 1, 1800000100000)));
        QTRY_COMPARE(operations(*session).size(), 2);
        session->reload();
        QCOMPARE(session->sources()[0].notice, QString());
    }

    // A source read again (rotated) is read alone: the others' rows are copied from memory. Proof: the other file is
    // changed in place (same size and inode, so following does not notice) and its old operations stay shown.
    void rotatedSourceIsReadAlone()
    {
        const QString rotated = path(u"alone-rotated.jsonl"_s), other = path(u"alone-other.jsonl"_s);
        QVERIFY(writeFile(rotated, finished(u"r"_s, 2)));
        const QByteArray before = finished(u"o"_s, 2);
        QVERIFY(writeFile(other, before));
        auto session = open({rotated, other});
        session->setFollow(0, true);
        session->setFollow(1, true);
        const QString otherName = QFileInfo(other).fileName();
        const auto sorted = [](QStringList list) { list.sort(); return list; };
        QCOMPARE(operations(*session), sorted(finishedIn(QFileInfo(rotated).fileName(), u"r"_s, 2) + finishedIn(otherName, u"o"_s, 2)));
        const uint16_t otherSlot = session->sources()[1].slot;
        QByteArray tampered = before;
        tampered.replace("\"o-", "\"x-"); // other ids, same length
        QVERIFY(tampered != before && tampered.size() == before.size());
        {
            QFile f(other); // in place: the same inode
            QVERIFY(f.open(QIODevice::ReadWrite));
            QCOMPARE(f.write(tampered), qint64(tampered.size()));
        }
        QSignalSpy reset(session.get(), &Session::dataReset);
        QVERIFY(testfiles::replaceFile(rotated, finished(u"new"_s, 1, 1800000000000)));
        QTRY_COMPARE(reset.count(), 1);
        QTRY_VERIFY(settled(*session));
        QCOMPARE(operations(*session), sorted(finishedIn(QFileInfo(rotated).fileName(), u"new"_s, 1) + finishedIn(otherName, u"o"_s, 2)));
        QCOMPARE(session->sources()[1].slot, otherSlot); // the same index in the new dataset
        QCOMPARE(session->data()->events().sourceName(otherSlot), QFileInfo(other).absoluteFilePath());
    }

    // A file opened beside others is read alone and appended: the dataset stays the same object.
    void fileOpenedLaterIsAppended()
    {
        const QString first = path(u"later-1.jsonl"_s), second = path(u"later-2.jsonl"_s);
        QVERIFY(writeFile(first, finished(u"f"_s, 1)));
        QVERIFY(writeFile(second, finished(u"s"_s, 2)));
        auto session = open({first});
        const auto data = session->data();
        QSignalSpy reset(session.get(), &Session::dataReset), appended(session.get(), &Session::dataAppended);
        session->openFiles({second});
        QTRY_COMPARE(operations(*session).size(), 3);
        QCOMPARE(reset.count(), 0);
        QVERIFY(appended.count() >= 1);
        QCOMPARE(session->data(), data);
        QCOMPARE(session->sources()[1].slot, uint16_t(1));
        QCOMPARE(session->sources()[1].events, uint64_t(4));
    }

    // A source read alone waits for a view that reads the data before it is appended; a job started meanwhile (here
    // the removal of another source, which copies the data) must not copy the data without it and then replace it.
    void jobWaitsForAPendingAppend()
    {
        const QString a = path(u"pending-a.jsonl"_s), b = path(u"pending-b.jsonl"_s), c = path(u"pending-c.jsonl"_s);
        QVERIFY(writeFile(a, finished(u"a"_s, 1)));
        QVERIFY(writeFile(b, finished(u"b"_s, 2)));
        QVERIFY(writeFile(c, finished(u"c"_s, 1)));
        auto session = open({a, c});
        QSignalSpy done(session.get(), &Session::loadFinished);
        session->beginRead(); // a view filtering in a worker
        session->openFiles({b});
        QTRY_COMPARE(done.count(), 1); // read; its rows wait for the view
        session->removeSource(session->sourceIndex(QFileInfo(c).absoluteFilePath()));
        session->endRead();
        QTRY_VERIFY(settled(*session) && done.count() >= 2);
        const auto sorted = [](QStringList list) { list.sort(); return list; };
        QTRY_COMPARE(operations(*session), sorted(finishedIn(u"pending-a.jsonl"_s, u"a"_s, 1) + finishedIn(u"pending-b.jsonl"_s, u"b"_s, 2)));
    }

    // The summary (worked out in a worker) counts what the data holds and says what was newly interrupted by an
    // append; what a file held when it was opened is not news.
    void summaryFollowsTheData()
    {
        const QString log = path(u"summary.jsonl"_s);
        QVERIFY(writeFile(log, finished(u"s"_s, 2) + Event(u"cut-old"_s, "Interrupted", 1700000001000).line()));
        auto session = open({log});
        QTRY_VERIFY(session->summary() && session->summary()->data == session->data());
        QCOMPARE(session->summary()->operations, size_t(3));
        QCOMPARE(session->summary()->countOf(StatusFinished), size_t(2));
        QCOMPARE(session->summary()->countOf(StatusInterrupted), size_t(1));
        QCOMPARE(session->summary()->attention.size(), size_t(1));
        session->setFollow(0, true);
        QSignalSpy fresh(session.get(), &Session::newInterruptions);
        QVERIFY(appendFile(log, Event(u"cut-new"_s, "Interrupted", 1700000002000).line()));
        QTRY_COMPARE(fresh.count(), 1);
        const QStringList descriptions = fresh.first().first().toStringList();
        QCOMPARE(descriptions.size(), 1); // not the one the file held when opened
        QTRY_COMPARE(session->summary()->countOf(StatusInterrupted), size_t(2));
        QCOMPARE(session->summary()->operationsBySource, std::vector<size_t>{4});
    }

    void goneFileIsReadWhenItComesBack()
    {
        const QString log = path(u"gone.jsonl"_s);
        QVERIFY(writeFile(log, finished(u"g"_s, 2)));
        auto session = open({log});
        QVERIFY(QFile::remove(log));
        QTRY_COMPARE(session->sources()[0].error, u"the file is gone"_s);
        QVERIFY(session->sources()[0].missing);
        QCOMPARE(operations(*session).size(), 2); // what was read stays shown
        QVERIFY(writeFile(log, finished(u"back"_s, 1)));
        QTRY_COMPARE(operations(*session), finishedIn(u"gone.jsonl"_s, u"back"_s, 1));
        QTRY_VERIFY(session->sources()[0].error.isEmpty());
        QVERIFY(!session->sources()[0].missing);
    }

    // BUG: a file rewritten in place with more than it held (`cp bigger.jsonl oplog.jsonl`, or copytruncate followed
    // by writes before the next poll) keeps its inode and does not shrink, so the Session reads on from its old offset,
    // in the middle of the new text: the new file's first lines are lost and a bad line is reported. RemoteSource
    // catches this case by reading the 64 bytes before its offset again; the Session does not for local files.
    void fileRewrittenLongerIsReadAgain()
    {
        const QString log = path(u"rewritten.jsonl"_s);
        QVERIFY(writeFile(log, finished(u"old"_s, 1)));
        auto session = open({log});
        QCOMPARE(operations(*session).size(), 1);
        session->setFollow(0, false); // no poll between the truncation and the write: a rewrite at once
        QVERIFY(writeFile(log, finished(u"new"_s, 3, 1800000000000))); // same inode, longer
        session->setFollow(0, true);
        QTRY_VERIFY_WITH_TIMEOUT(session->sources()[0].offset == uint64_t(QFileInfo(log).size()) && settled(*session), 5000);
        QEXPECT_FAIL("", "Session follows a file rewritten in place with more bytes from its old offset", Abort);
        QCOMPARE(operations(*session), finishedIn(u"rewritten.jsonl"_s, u"new"_s, 3));
        QVERIFY(session->sources()[0].problems.empty());
    }

    // A source whose last line is still half-written (a writer that died mid-line) looks grown at every poll; the
    // sources after it are read all the same (poll() reads every grown source in one go).
    void halfLineDoesNotStopTheOtherSources()
    {
        const QString a = path(u"half-a.jsonl"_s), b = path(u"half-b.jsonl"_s);
        QVERIFY(writeFile(a, finished(u"a"_s, 1)));
        QVERIFY(writeFile(b, finished(u"b"_s, 1)));
        auto session = open({a, b});
        session->setFollow(0, true);
        session->setFollow(1, true);
        QVERIFY(appendFile(a, Event(u"a-half"_s, "Started", 1700000100000).json().left(30))); // no line ending
        QVERIFY(appendFile(b, finished(u"b-more"_s, 1)));
        QTRY_VERIFY_WITH_TIMEOUT(operations(*session).contains(u"half-b.jsonl b-more-1 Finished"_s), 1500);
        QVERIFY(!operations(*session).join(u' ').contains(u"a-half"_s)); // its half line waits for its end
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
