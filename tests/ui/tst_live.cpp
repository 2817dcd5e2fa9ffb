// The console following its sources (issue 13): appends reach the tables as row insertions and changes, never a
// reset; the selected operation stays selected through appends, a source removed and a source read again; a source
// read again (an agent's rotated oplog) is read alone. Every table model runs under QAbstractItemModelTester.
#include "consolefixture.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "session.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"
#include "testservers.h"
#include "timedisplay.h"
#include "workspaces.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace oplens::ui;
using testfiles::appendFile;
using testfiles::writeFile;
using testoplog::Event;
using testservers::Agent;

namespace {

// `count` finished operations `prefix-1`... of one module, a second apart from `time`.
QByteArray finished(const QString &prefix, int count, qint64 time = 1700000000000)
{
    QByteArray text;
    for (int i = 1; i <= count; ++i) {
        const QString id = QStringLiteral("%1-%2").arg(prefix).arg(i);
        text += Event(id, "Started", time + i * 1000).line() + Event(id, "Finished", time + i * 1000 + 500).line();
    }
    return text;
}

QString idAt(TablePane *pane, int row)
{
    return pane->model()->index(row, int(OperationColumn::OperationId)).data().toString();
}

int rowOf(TablePane *pane, const QString &id)
{
    for (int row = 0; row < pane->model()->rowCount(); ++row)
        if (idAt(pane, row) == id)
            return row;
    return -1;
}

QString currentId(TablePane *pane)
{
    const QModelIndex current = pane->view()->currentIndex();
    return current.isValid() ? idAt(pane, current.row()) : QString();
}

QString detailsId(MainWindow &w)
{
    const auto data = w.session()->data();
    const uint32_t op = w.detailsPane()->operation();
    return data && data->exists(op) ? data->events().ids().qtext(op) : QString();
}

struct Testers {
    explicit Testers(MainWindow &w)
        : operations(w.operationsPane()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest),
          events(w.eventsPane()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest),
          notifications(w.notificationsPane()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest)
    {
    }
    QAbstractItemModelTester operations, events, notifications;
};

} // namespace

class TestLive : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
    }

    // New operations are inserted rows; a running one finishing is a changed row; the selection and the rows the
    // admin reads stay put.
    void appendsInsertRowsAndKeepTheSelection()
    {
        const QString log = path(QStringLiteral("follow.jsonl"));
        QByteArray text = finished(QStringLiteral("old"), 300);
        text += Event(QStringLiteral("running-1"), "Started", 1700000400000).line();
        QVERIFY(writeFile(log, text));
        auto w = consolefixture::openWindow({log}, {.pollMs = 50, .size = QSize(1200, 700)});
        Testers testers(*w);
        TablePane *ops = w->operationsPane();
        QTRY_COMPARE(ops->model()->rowCount(), 301);
        // Select one in the middle and scroll so that it is the first row on screen.
        const QString chosen = QStringLiteral("old-150");
        const int row = rowOf(ops, chosen);
        QVERIFY(row > 0);
        ops->view()->setCurrentIndex(ops->model()->index(row, 0));
        ops->view()->scrollTo(ops->model()->index(row, 0), QAbstractItemView::PositionAtTop);
        QCOMPARE(detailsId(*w), chosen);
        const QModelIndex top = ops->view()->indexAt(QPoint(0, 0));
        QCOMPARE(idAt(ops, top.row()), chosen);

        QSignalSpy resets(ops->model(), &QAbstractItemModel::modelReset),
            eventResets(w->eventsPane()->model(), &QAbstractItemModel::modelReset),
            inserted(ops->model(), &QAbstractItemModel::rowsInserted), changed(ops->model(), &QAbstractItemModel::dataChanged);
        QVERIFY(appendFile(log, finished(QStringLiteral("new"), 3, 1800000000000)
                                    + Event(QStringLiteral("running-1"), "Finished", 1700000500000).line()));
        QTRY_COMPARE(ops->model()->rowCount(), 304);
        QTRY_COMPARE(ops->model()->index(rowOf(ops, QStringLiteral("running-1")), int(OperationColumn::Status)).data().toString(),
                     QStringLiteral("Finished"));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(eventResets.count(), 0);
        QVERIFY(inserted.count() >= 1);
        QVERIFY(changed.count() >= 1);
        QCOMPARE(rowOf(ops, QStringLiteral("new-3")), 0); // newest first
        QCOMPARE(currentId(ops), chosen);
        QCOMPARE(detailsId(*w), chosen);
        QCOMPARE(idAt(ops, ops->view()->indexAt(QPoint(0, 0)).row()), chosen); // the same rows on screen
        QCOMPARE(w->eventsPane()->model()->rowCount(), 2 * 304);
    }

    // "service restarted at …" follows View > Times in UTC, in the table, Details and the Notifications pane.
    void serviceRestartFollowsUtc()
    {
        const QString log = path(QStringLiteral("utc.jsonl"));
        QVERIFY(writeFile(log, Event(QStringLiteral("cut"), "Started", 1700000000000).line()
                                   + Event(QString(), "ServiceStarted", 1700000600000).line()));
        auto w = consolefixture::openWindow({log});
        TablePane *ops = w->operationsPane();
        QTRY_COMPARE(ops->model()->rowCount(), 1);
        ops->selectOperation(w->session()->data()->findOperation(w->session()->sources()[0].slot, "cut"));
        const QString utcText = QStringLiteral("service restarted at 2023-11-14 22:23:20Z");
        const auto reasonShown = [&] {
            QStringList texts;
            for (const QLabel *label : w->detailsPane()->findChildren<QLabel *>())
                texts << label->text();
            return texts.join(QLatin1Char('\n'));
        };
        TimeDisplay::instance().setUtc(true);
        QTRY_VERIFY2(reasonShown().contains(utcText), qPrintable(reasonShown()));
        QVERIFY(w->notificationsPane()->model()->lines().join(QLatin1Char('\n')).contains(utcText));
        TimeDisplay::instance().setUtc(false);
        QTRY_VERIFY(!reasonShown().contains(utcText));
        QVERIFY(reasonShown().contains(QStringLiteral("service restarted at ")));
    }

    // Removing a source drops its rows; the operation selected from another source stays selected.
    void removedSourceKeepsTheSelection()
    {
        const QString a = path(QStringLiteral("remove-a.jsonl")), b = path(QStringLiteral("remove-b.jsonl"));
        QVERIFY(writeFile(a, finished(QStringLiteral("a"), 100)));
        QVERIFY(writeFile(b, finished(QStringLiteral("b"), 100, 1700000005000)));
        auto w = consolefixture::openWindow({a, b});
        Testers testers(*w);
        TablePane *ops = w->operationsPane();
        QTRY_COMPARE(ops->model()->rowCount(), 200);
        ops->selectOperation(w->session()->data()->findOperation(w->session()->sources()[1].slot, "b-7"));
        QCOMPARE(currentId(ops), QStringLiteral("b-7"));
        ops->view()->scrollTo(ops->model()->index(rowOf(ops, QStringLiteral("b-60")), 0), QAbstractItemView::PositionAtTop);
        QCOMPARE(idAt(ops, ops->view()->indexAt(QPoint(0, 0)).row()), QStringLiteral("b-60"));
        w->session()->removeSource(0);
        QTRY_COMPARE(ops->model()->rowCount(), 100);
        QTRY_VERIFY(w->isIdle());
        QCOMPARE(currentId(ops), QStringLiteral("b-7"));
        QCOMPARE(detailsId(*w), QStringLiteral("b-7"));
        // A new dataset (the rest copied from memory): the table starts over, at the same operation on top.
        QCOMPARE(idAt(ops, ops->view()->indexAt(QPoint(0, 0)).row()), QStringLiteral("b-60"));
    }

    // A local file and two agents: one agent's oplog rotated is read again alone (the local file and the other agent's
    // copy, both changed in place behind the console's back, are not read again), and the selection survives.
    void rotatedAgentIsReadAlone()
    {
        const QString local = path(QStringLiteral("merged-local.jsonl"));
        QVERIFY(writeFile(local, finished(QStringLiteral("loc"), 4)));
        QVERIFY(QDir().mkpath(path(QStringLiteral("agent-a"))) && QDir().mkpath(path(QStringLiteral("agent-b"))));
        Agent rotated(path(QStringLiteral("agent-a")), finished(QStringLiteral("aa"), 5));
        Agent other(path(QStringLiteral("agent-b")), finished(QStringLiteral("bb"), 6));
        QVERIFY2(rotated.start(), qPrintable(rotated.err()));
        QVERIFY2(other.start(), qPrintable(other.err()));
        auto w = consolefixture::openWindow({local}, {.pollMs = 100, .remotePollMs = 200});
        Testers testers(*w);
        for (Agent *agent : {&rotated, &other}) {
            QString error;
            auto spec = RemoteSpec::fromUrl(QStringLiteral("agent+%1#main").arg(agent->url()), &error);
            QVERIFY2(spec, qPrintable(error));
            spec->secret = testservers::kViewerToken;
            w->workspaces()->openRemote(*spec);
        }
        TablePane *ops = w->operationsPane();
        QTRY_COMPARE_WITH_TIMEOUT(ops->model()->rowCount(), 15, 20000);
        QTRY_VERIFY(w->isIdle());
        ops->selectOperation(w->session()->data()->findOperation(w->session()->sources()[2].slot, "bb-3"));
        QCOMPARE(currentId(ops), QStringLiteral("bb-3"));

        // Behind the console's back: the local file and the other agent's copy change in place (same size, same file).
        const auto tamper = [](const QString &file, const QByteArray &from, const QByteArray &to) {
            QFile f(file);
            if (!f.open(QIODevice::ReadWrite))
                return false;
            QByteArray text = f.readAll();
            text.replace(from, to);
            return f.seek(0) && f.write(text) == text.size();
        };
        QVERIFY(tamper(local, "\"loc-", "\"xyz-"));
        const QString otherMirror = w->session()->sources()[2].mirror;
        QVERIFY(!otherMirror.isEmpty());
        QVERIFY(tamper(otherMirror, "\"bb-", "\"zz-"));

        QSignalSpy resets(w->session(), &Session::dataReset);
        QVERIFY(testfiles::replaceFile(rotated.oplog, finished(QStringLiteral("cc"), 2, 1800000000000)));
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(ops, QStringLiteral("cc-2")) >= 0, 20000);
        QTRY_VERIFY2(ops->model()->rowCount() == 4 + 2 + 6, qPrintable([&] {
            QStringList ids;
            for (int row = 0; row < ops->model()->rowCount(); ++row)
                ids << idAt(ops, row) + QLatin1Char('@') + ops->model()->index(row, int(OperationColumn::Source)).data().toString();
            return ids.join(u' ');
        }()));
        QVERIFY(rowOf(ops, QStringLiteral("aa-1")) < 0);
        QCOMPARE(resets.count(), 1);
        for (int i = 1; i <= 4; ++i)
            QVERIFY2(rowOf(ops, QStringLiteral("loc-%1").arg(i)) >= 0, "the local file was read again");
        for (int i = 1; i <= 6; ++i)
            QVERIFY2(rowOf(ops, QStringLiteral("bb-%1").arg(i)) >= 0, "the other agent's copy was read again");
        QCOMPARE(currentId(ops), QStringLiteral("bb-3"));
        QCOMPARE(detailsId(*w), QStringLiteral("bb-3"));
        QVERIFY(consolefixture::saveScreenshot(w.get(), QStringLiteral("live-merged-rotated")));
    }
};

QTEST_MAIN(TestLive)
#include "tst_live.moc"
