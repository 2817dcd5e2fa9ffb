// Several agent sources waiting for their tokens (issue 13): the console asks for them one at a time, never a dialog
// over another; a source removed or given its token while it waits is not asked; cancelling one leaves the others
// asked; Skip All gives up on the one shown and on those waiting; none is asked over another modal dialog of the
// admin's. One real oplensd serving five oplogs on loopback.
#include "connectdialog.h"
#include "consolefixture.h"
#include "mainwindow.h"
#include "sourcespane.h"
#include "testoplog.h"
#include "testservers.h"
#include "workspaces.h"

#include <QApplication>
#include <QJsonArray>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace oplens;
using namespace oplens::ui;
using namespace testservers;

namespace {

const QStringList kLogs{QStringLiteral("l1"), QStringLiteral("l2"), QStringLiteral("l3"), QStringLiteral("l4"), QStringLiteral("l5")};

QList<ConnectDialog *> shownConnectDialogs()
{
    QList<ConnectDialog *> shown;
    for (QWidget *widget : QApplication::topLevelWidgets())
        if (auto *dialog = qobject_cast<ConnectDialog *>(widget); dialog && dialog->isVisible())
            shown << dialog;
    return shown;
}

// Watches every credentials dialog from a timer: how many were ever shown at once, and which sources were asked.
struct DialogWatch {
    QTimer timer;
    int mostAtOnce = 0;
    QStringList asked; // titles, in the order the dialogs appeared
    QSet<ConnectDialog *> seen;

    DialogWatch()
    {
        QObject::connect(&timer, &QTimer::timeout, [this] { look(); });
        timer.start(5);
    }
    void look()
    {
        const QList<ConnectDialog *> shown = shownConnectDialogs();
        mostAtOnce = std::max(mostAtOnce, int(shown.size()));
        if (shown.size() > 1) { // a dialog over another (each in its own exec()): closed, so that the test fails, not hangs
            for (ConnectDialog *dialog : shown)
                dialog->reject();
        }
        for (ConnectDialog *dialog : shown)
            if (!seen.contains(dialog)) {
                seen.insert(dialog);
                asked << dialog->windowTitle();
            }
    }
    // The one dialog shown, once it is the `n`th asked (1-based); nullptr until then.
    ConnectDialog *current(int n)
    {
        look();
        const QList<ConnectDialog *> shown = shownConnectDialogs();
        return shown.size() == 1 && asked.size() == n ? shown.first() : nullptr;
    }
};

QString sourceOf(const ConnectDialog *dialog)
{
    return dialog->windowTitle().section(QStringLiteral("Credentials for "), 1);
}

void typeSecret(ConnectDialog *dialog, const QByteArray &secret)
{
    for (QLineEdit *edit : dialog->findChildren<QLineEdit *>())
        if (edit->echoMode() == QLineEdit::Password)
            edit->setText(QString::fromLatin1(secret));
}

QPushButton *buttonNamed(ConnectDialog *dialog, const QString &prefix)
{
    for (QPushButton *button : dialog->findChildren<QPushButton *>())
        if (button->text().startsWith(prefix) && button->isVisible())
            return button;
    return nullptr;
}

int operationsOf(const MainWindow &w, const QString &source)
{
    const auto data = w.session()->data();
    const int index = data ? int(data->events().sourceNames().indexOf(source)) : -1; // by name: a removed source's slot may stay
    if (index < 0)
        return -1;
    int count = 0;
    for (uint32_t op = 0; op < data->operationCount(); ++op)
        if (data->exists(op) && data->source(op) == index)
            ++count;
    return count;
}

} // namespace

class TestSecretQueue : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<Agent> m_agent;

    RemoteSpec spec(const QString &log, const QByteArray &secret = {}) const
    {
        QString error;
        auto spec = RemoteSpec::fromUrl(QStringLiteral("agent+%1#%2").arg(m_agent->url(), log), &error);
        spec->secret = secret;
        return *spec;
    }

    // A window with the five agent sources opened without their tokens (none in the keychain), each said to wait.
    std::unique_ptr<MainWindow> windowWaitingForFive(QStringList *said)
    {
        auto w = consolefixture::openWindow({}, {.pollMs = 100, .remotePollMs = 200, .size = QSize(1400, 800)});
        connect(w->workspaces(), &Workspaces::message, this, [said](const QString &text) {
            if (text.contains(QStringLiteral("needs its secret")))
                *said << text;
        });
        for (const QString &log : kLogs)
            w->workspaces()->openRemote(spec(log));
        return w;
    }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        m_agent = std::make_unique<Agent>(m_dir.path());
        QJsonArray oplogs;
        for (int i = 0; i < kLogs.size(); ++i) { // l1 holds 1 operation, l2 2 …
            const QString path = m_dir.filePath(kLogs[i] + QStringLiteral(".jsonl"));
            QByteArray text;
            for (int k = 0; k <= i; ++k)
                text += testoplog::eventLine(QByteArray("op-") + kLogs[i].toLatin1() + '-' + QByteArray::number(k), "Started", 1700000000000 + k);
            QVERIFY(testfiles::writeFile(path, text));
            oplogs.append(QJsonObject{{QStringLiteral("id"), kLogs[i]}, {QStringLiteral("path"), path}});
        }
        m_agent->config[QStringLiteral("oplogs")] = oplogs;
        m_agent->config[QStringLiteral("runnerOplog")] = kLogs[0];
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
    }

    void cleanupTestCase() { m_agent.reset(); }

    // Five sources wait; while the first is asked, one is removed and one given its token elsewhere: the other two
    // are asked in turn after it, one dialog at a time, and the one cancelled does not cancel the last.
    void askedOneAtATime()
    {
        DialogWatch watch;
        QStringList said;
        auto w = windowWaitingForFive(&said);
        QTRY_COMPARE_WITH_TIMEOUT(said.size(), 5, 20000); // all five wait: the old code had a dialog over another by now
        QCOMPARE(watch.mostAtOnce, 1);
        QTRY_VERIFY(watch.current(1));
        ConnectDialog *first = watch.current(1);
        QVERIFY(first->isModal());
        QVERIFY(consolefixture::saveScreenshot(first, QStringLiteral("secretqueue-first")));
        QStringList others;
        for (const QString &log : kLogs)
            if (spec(log).name() != sourceOf(first))
                others << spec(log).name();
        QCOMPARE(others.size(), 4);
        Session *session = w->session();
        session->removeSource(session->sourceIndex(others[3])); // removed while it waited
        w->workspaces()->openRemote(spec(others[2].section(QLatin1Char('#'), -1), kViewerToken)); // given its token
        QTest::qWait(50);
        QCOMPARE(shownConnectDialogs(), QList<ConnectDialog *>{first}); // still the one asked

        typeSecret(first, kViewerToken);
        first->accept();
        QTRY_VERIFY_WITH_TIMEOUT(watch.current(2), 10000);
        ConnectDialog *second = watch.current(2);
        QVERIFY(second != first);
        QCOMPARE(sourceOf(second), others[0]);
        QVERIFY(buttonNamed(second, QStringLiteral("Skip All (2)"))); // it and the one still waiting
        second->reject(); // Cancel: only this one
        QTRY_VERIFY_WITH_TIMEOUT(watch.current(3), 10000);
        ConnectDialog *third = watch.current(3);
        QCOMPARE(sourceOf(third), others[1]);
        QVERIFY(!buttonNamed(third, QStringLiteral("Skip All"))); // the last one
        typeSecret(third, kViewerToken);
        third->accept();

        const auto logOf = [](const QString &name) { return name.section(QLatin1Char('#'), -1); };
        for (const QString &name : {sourceOf(first), others[1], others[2]}) // asked and answered, or given elsewhere
            QTRY_COMPARE_WITH_TIMEOUT(operationsOf(*w, name), int(kLogs.indexOf(logOf(name))) + 1, 20000);
        const int cancelled = session->sourceIndex(others[0]);
        QTRY_VERIFY(w->sourcesPane()->stateText(cancelled).startsWith(QStringLiteral("Failed")));
        QVERIFY(session->sources()[cancelled].remote->state().error.contains(QStringLiteral("no token: none given")));
        QCOMPARE(session->sourceIndex(others[3]), -1);
        QCOMPARE(watch.asked.size(), 3); // neither the removed source nor the one given its token was asked
        QCOMPARE(watch.mostAtOnce, 1);
        QVERIFY(shownConnectDialogs().isEmpty());
    }

    // The admin's own dialog (here a message box; Connect, Restart, Export… alike) is up when the sources start
    // waiting: none is asked over it; the first is asked once it closes.
    void notAskedOverAnotherDialog()
    {
        auto w = consolefixture::openWindow({}, {.pollMs = 100, .remotePollMs = 200, .size = QSize(1400, 800)});
        auto *own = new QMessageBox(QMessageBox::Information, QStringLiteral("Export"), QStringLiteral("Exporting…"),
                                    QMessageBox::Close, w.get());
        own->setAttribute(Qt::WA_DeleteOnClose);
        own->open();
        QTRY_COMPARE(QApplication::activeModalWidget(), own);
        DialogWatch watch;
        QStringList said;
        connect(w->workspaces(), &Workspaces::message, this, [&said](const QString &text) {
            if (text.contains(QStringLiteral("needs its secret")))
                said << text;
        });
        for (const QString &log : kLogs)
            w->workspaces()->openRemote(spec(log));
        QTRY_COMPARE_WITH_TIMEOUT(said.size(), 5, 20000);
        QTest::qWait(300); // longer than the console waits before it looks again
        QVERIFY(watch.asked.isEmpty());
        own->close();
        QTRY_VERIFY_WITH_TIMEOUT(watch.current(1), 10000);
        QVERIFY(QApplication::activeModalWidget() == watch.current(1));
        buttonNamed(watch.current(1), QStringLiteral("Skip All"))->click();
        QTRY_VERIFY(shownConnectDialogs().isEmpty());
        QCOMPARE(watch.asked.size(), 1);
        QCOMPARE(watch.mostAtOnce, 1);
    }

    // Skip All on the first dialog: no more dialogs, and every source that waited says it was skipped.
    void skipAllGivesUpOnTheRest()
    {
        DialogWatch watch;
        QStringList said;
        auto w = windowWaitingForFive(&said);
        QTRY_COMPARE_WITH_TIMEOUT(said.size(), 5, 20000);
        QTRY_VERIFY(watch.current(1));
        QPushButton *skip = buttonNamed(watch.current(1), QStringLiteral("Skip All (5)"));
        QVERIFY(skip);
        skip->click();
        for (const QString &log : kLogs) {
            const int index = w->session()->sourceIndex(spec(log).name());
            QTRY_VERIFY(w->sourcesPane()->stateText(index).startsWith(QStringLiteral("Failed")));
            const QString error = w->session()->sources()[index].remote->state().error;
            QVERIFY2(error.contains(QStringLiteral("no token: skipped")), qPrintable(log + QStringLiteral(": ") + error));
        }
        QTest::qWait(50);
        QCOMPARE(watch.asked.size(), 1);
        QVERIFY(shownConnectDialogs().isEmpty());
    }
};

QTEST_MAIN(TestSecretQueue)
#include "tst_secretqueue.moc"
