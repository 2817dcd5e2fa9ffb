// The console never says "all clear" when it could not look (issue "one truth"): a source that could not be read,
// holds no events or is not an oplog is said first, in red, in Notifications, the status bar and the window title,
// and `oplens --notifications` exits 2. And one current operation: selecting it in any pane selects it everywhere.
#include "consolefixture.h"
#include "detailspane.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "restarter.h"
#include "resultmodel.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "testfiles.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QTreeView>
#include <QProcess>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <unistd.h>

using namespace oplens;
using namespace oplens::ui;
using consolefixture::openWindow;

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

// `oplens --notifications FILES`, as `asUser` (through setpriv) when given: the console as an admin runs it.
Run notifications(const QStringList &files, const QString &asUser = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QTemporaryDir home;
    QFile::setPermissions(home.path(), QFileDevice::Permissions(0x7777));
    env.insert(QStringLiteral("HOME"), home.path()); // its settings, never the user's
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path() + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.path() + QStringLiteral("/cache"));
    env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    p.setProcessEnvironment(env);
    QStringList args = QStringList{QStringLiteral("--notifications")} + files;
    QString program = QStringLiteral(OPLENS);
    if (!asUser.isEmpty()) {
        args = QStringList{QStringLiteral("--reuid=") + asUser, QStringLiteral("--regid=nogroup"),
                           QStringLiteral("--clear-groups"), program} + args;
        program = QStringLiteral("setpriv");
    }
    p.start(program, args);
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QByteArray goodOplog()
{
    return "{\"module\":\"ZxBackup\",\"name\":\"SmartScan\",\"operationId\":\"a1\",\"type\":\"Started\",\"startTime\":1700000000000}\n"
           "{\"module\":\"ZxBackup\",\"name\":\"SmartScan\",\"operationId\":\"a1\",\"type\":\"Finished\",\"startTime\":1700000060000}\n";
}

} // namespace

class TestOneTruth : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.path() + QLatin1Char('/') + name; }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        QFile::setPermissions(m_dir.path(), QFileDevice::Permissions(0x7755)); // another user reads it too
        QVERIFY(testfiles::writeFile(path(QStringLiteral("good.jsonl")), goodOplog()));
        QVERIFY(testfiles::writeFile(path(QStringLiteral("empty.jsonl")), QByteArray()));
        QByteArray binary;
        for (int i = 0; i < 4000; ++i)
            binary += char(i * 37 % 256);
        QVERIFY(testfiles::writeFile(path(QStringLiteral("binary.jsonl")), binary));
        QVERIFY(QDir().mkpath(path(QStringLiteral("folder.jsonl"))));
        QVERIFY(testfiles::writeFile(path(QStringLiteral("secret.jsonl")), goodOplog()));
        QVERIFY(QFile::setPermissions(path(QStringLiteral("secret.jsonl")), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    }

    // Each way a source can fail to be read: said first, in red, with its name; in the title and the status bar;
    // the all-clear speaks only of the source that was read; --notifications says it and exits 2.
    void notReadWellIsSaidFirst_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("problem");
        QTest::newRow("missing") << QStringLiteral("missing.jsonl") << QStringLiteral("could not read the oplog: No such file");
        QTest::newRow("directory") << QStringLiteral("folder.jsonl") << QStringLiteral("could not read the oplog: file to open is a directory");
        QTest::newRow("binary") << QStringLiteral("binary.jsonl") << QStringLiteral("not an oplog?");
        QTest::newRow("empty") << QStringLiteral("empty.jsonl") << QStringLiteral("the oplog holds no events");
    }
    void notReadWellIsSaidFirst()
    {
        QFETCH(QString, file);
        QFETCH(QString, problem);
        auto w = openWindow({path(QStringLiteral("good.jsonl")), path(file)});
        const QString banner = QStringLiteral("%1: %2").arg(file, problem);
        QLabel *trouble = w->notificationsPane()->troubleBanner();
        QTRY_VERIFY(trouble->isVisible());
        QVERIFY2(trouble->text().startsWith(banner), qPrintable(trouble->text()));
        QVERIFY2(trouble->text().contains(QStringLiteral("nothing is known about ") + file), qPrintable(trouble->text()));
        QVERIFY2(w->windowTitle().contains(file), qPrintable(w->windowTitle()));
        QVERIFY(w->troubleLabel()->isVisible());
        QVERIFY(w->troubleLabel()->text().contains(file));
        const QString allClear = w->notificationsPane()->allClearLabel()->text();
        QVERIFY2(allClear.contains(QStringLiteral("the one source read")) && allClear.contains(QStringLiteral("1 with the problems above")),
                 qPrintable(allClear));
        QVERIFY(consolefixture::saveScreenshot(w.get(), QStringLiteral("onetruth-") + QString::fromUtf8(QTest::currentDataTag())));

        const Run run = notifications({path(QStringLiteral("good.jsonl")), path(file)});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.out.contains(QStringLiteral("! ") + banner), qPrintable(run.out));
        QVERIFY2(run.out.indexOf(QStringLiteral("! ")) < run.out.indexOf(QStringLiteral("Nothing interrupted")), qPrintable(run.out));
    }

    // A binary file is not "Following": the Sources pane says "Not an oplog?" with the first reasons.
    void binaryIsNotAnOplog()
    {
        auto w = openWindow({path(QStringLiteral("binary.jsonl"))});
        QTRY_VERIFY(w->sourcesPane()->stateText(0).startsWith(QStringLiteral("Not an oplog? line 1:")));
        QVERIFY(!w->sourcesPane()->stateText(0).contains(QStringLiteral("Following")));
    }

    // No permission, as a user without it (root reads every file: the test runs the console as nobody then).
    void noPermission()
    {
        const QString secret = path(QStringLiteral("secret.jsonl"));
        const QString good = path(QStringLiteral("good.jsonl"));
        const Run run = ::getuid() == 0 ? notifications({good, secret}, QStringLiteral("nobody")) : notifications({good, secret});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.out.contains(QStringLiteral("! secret.jsonl: could not read the oplog: Permission denied — nothing is known "
                                                 "about secret.jsonl")),
                 qPrintable(run.out + run.err));
    }

    // Only sources that were read: no banner, a plain title, an all-clear that counts them, exit 0.
    void readSourcesGiveAnAllClear()
    {
        auto w = openWindow({path(QStringLiteral("good.jsonl"))});
        QVERIFY(!w->notificationsPane()->troubleBanner()->isVisible());
        QCOMPARE(w->windowTitle(), QStringLiteral("OpLens"));
        QVERIFY(!w->troubleLabel()->isVisible());
        QCOMPARE(w->notificationsPane()->allClearLabel()->text(), QStringLiteral("Nothing interrupted or stale in the one source read."));
        const Run run = notifications({path(QStringLiteral("good.jsonl"))});
        QCOMPARE(run.code, 0);
        QVERIFY(!run.out.contains(QStringLiteral("! ")));
    }

    // One current operation: a notification selects its operation in both tables and Details; an operation or an
    // event selected in a table moves the others; the notification's selection leaves an operation that has none.
    void selectionFollowsEveryPane()
    {
        QTemporaryDir demo;
        const QStringList files = consolefixture::writeDemo(demo.path());
        QVERIFY(!files.isEmpty());
        auto w = openWindow(files);
        QTreeView *list = w->notificationsPane()->view();
        QVERIFY(w->notificationsPane()->model()->notificationCount() > 0);
        const uint32_t noticed = w->notificationsPane()->model()->shownOperations().at(0);
        list->setCurrentIndex(w->notificationsPane()->model()->indexOf(noticed));
        QCOMPARE(w->detailsPane()->operation(), noticed);
        QCOMPARE(w->operationsPane()->currentOperation(), noticed);
        QCOMPARE(w->eventsPane()->currentOperation(), noticed);

        QTableView *operations = w->operationsPane()->view();
        int other = 0;
        while (other < operations->model()->rowCount()
               && operations->model()->index(other, 0).data(ResultModel::OperationRole).toUInt() == noticed)
            ++other;
        operations->setCurrentIndex(operations->model()->index(other == 0 ? 0 : other, 0));
        const uint32_t chosen = w->operationsPane()->currentOperation();
        QVERIFY(chosen != noticed);
        QCOMPARE(w->detailsPane()->operation(), chosen);
        QCOMPARE(w->eventsPane()->currentOperation(), chosen);
        if (!w->notificationsPane()->model()->lines().isEmpty() && list->currentIndex().isValid())
            QCOMPARE(w->notificationsPane()->model()->operationAt(list->currentIndex()), chosen);

        QTableView *events = w->eventsPane()->view();
        events->setCurrentIndex(events->model()->index(events->model()->rowCount() - 1, 0));
        const uint32_t ofEvent = w->eventsPane()->currentOperation();
        QCOMPARE(w->detailsPane()->operation(), ofEvent);
        QCOMPARE(w->operationsPane()->currentOperation(), ofEvent);
    }

    // Ctrl+R restarts the operation selected in Notifications, not one selected before in the Operations table;
    // the dialog opens with the focus in its reason field.
    void ctrlRActsOnTheSelectedNotification()
    {
        QTemporaryDir demo;
        const QStringList files = consolefixture::writeDemo(demo.path());
        QVERIFY(!files.isEmpty());
        Restarter::setCatalogPath(QStringLiteral(DEMO_ACTIONS));
        auto w = openWindow(files);
        QTableView *operations = w->operationsPane()->view();
        operations->setCurrentIndex(operations->model()->index(0, 0));
        QTreeView *list = w->notificationsPane()->view();
        uint32_t op = NotificationsModel::kNoOperation;
        for (uint32_t shown : w->notificationsPane()->model()->shownOperations())
            if (op == NotificationsModel::kNoOperation && w->session()->data()->operation(shown).status == Status::Interrupted)
                op = shown;
        QVERIFY(op != NotificationsModel::kNoOperation);
        list->setCurrentIndex(w->notificationsPane()->model()->indexOf(op));
        const QString id = w->session()->data()->events().ids().qtext(op);
        QString shownId, focused;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY(QApplication::activeModalWidget());
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            for (QLabel *label : dialog->findChildren<QLabel *>())
                if (label->text() == id)
                    shownId = id;
            focused = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            dialog->reject();
        });
        list->setFocus();
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(shownId, id);
        QCOMPARE(focused, QStringLiteral("restartReason"));
        Restarter::setCatalogPath({});
    }

    // An operation the filter hides stays in Details, which says so.
    void detailsSaysWhenTheFilterHidesIt()
    {
        auto w = openWindow({path(QStringLiteral("good.jsonl"))});
        QTableView *operations = w->operationsPane()->view();
        operations->setCurrentIndex(operations->model()->index(0, 0));
        const uint32_t op = w->detailsPane()->operation();
        QVERIFY(op != kNone);
        auto *hidden = w->detailsPane()->findChild<QLabel *>(QStringLiteral("detailsHiddenByFilter"));
        QVERIFY(hidden && !hidden->isVisible());
        QLineEdit *search = w->filterBar()->searchField();
        search->setText(QStringLiteral("no-such-operation-anywhere"));
        QTRY_COMPARE(w->operationsPane()->shown(), size_t(0));
        QTRY_VERIFY(hidden->isVisible());
        QCOMPARE(w->detailsPane()->operation(), op);
    }

    // Selecting an operation the Operations table does not show leaves no row of it highlighted as if current.
    void aTableWithoutTheOperationHighlightsNothing()
    {
        QTemporaryDir demo;
        const QStringList files = consolefixture::writeDemo(demo.path());
        auto w = openWindow(files);
        const uint32_t noticed = w->notificationsPane()->model()->shownOperations().at(1); // mail1's RestoreOnNewAccount
        QLineEdit *search = w->filterBar()->searchField();
        search->setText(QStringLiteral("MoveBlobs"));
        QTRY_VERIFY(w->isIdle() && w->operationsPane()->shown() < w->operationsPane()->total());
        QTableView *operations = w->operationsPane()->view();
        operations->setCurrentIndex(operations->model()->index(0, 0));
        QVERIFY(w->operationsPane()->currentOperation() != noticed);
        w->notificationsPane()->selectOperation(noticed);
        QCOMPARE(w->detailsPane()->operation(), noticed);
        QVERIFY(!operations->selectionModel()->hasSelection());
        QVERIFY(!operations->currentIndex().isValid());
        QCOMPARE(w->operationsPane()->currentOperation(), noticed);
        QVERIFY(w->detailsPane()->findChild<QLabel *>(QStringLiteral("detailsHiddenByFilter"))->isVisible());
        search->clear(); // shown again: selected again
        QTRY_COMPARE(w->operationsPane()->shown(), w->operationsPane()->total());
        QTRY_VERIFY(operations->currentIndex().isValid());
        QCOMPARE(operations->currentIndex().data(ResultModel::OperationRole).toUInt(), noticed);
    }
};

QTEST_MAIN(TestOneTruth)
#include "tst_onetruth.moc"
