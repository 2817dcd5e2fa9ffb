// Shared acknowledgements in the console (issue 12, docs/agent.md section 9) against a real oplensd on loopback: two
// windows on one agent see each other's acknowledgement within a poll, with who, when and why (the notification,
// Details, Show acknowledged); Unacknowledge lists it again everywhere; a viewer's acknowledgement fails in words and
// nothing is hidden; local files keep theirs in the settings. And the Sources pane says whether an agent alerts.
#include "agentalerts.h"
#include "agentclient.h"
#include "acknowledgedialog.h"
#include "consolefixture.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "notificationspane.h"
#include "sourcespane.h"
#include "testfiles.h"
#include "testoplog.h"
#include "testservers.h"

#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace oplens;
using namespace oplens::ui;
using namespace Qt::StringLiterals;

namespace {

const QString kComment = u"disk replaced, rerun tonight"_s;

// Answers the acknowledge dialog that is about to open: `check` looks at it, then it is accepted with `comment`.
void answerNextDialog(const QString &comment, std::function<void(AcknowledgeDialog *)> check = {})
{
    QTimer::singleShot(0, [comment, check] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (auto *dialog = qobject_cast<AcknowledgeDialog *>(w); dialog && dialog->isVisible()) {
                if (check)
                    check(dialog);
                dialog->commentField()->setText(comment);
                dialog->accept();
                return;
            }
        }
        answerNextDialog(comment, check); // not open yet
    });
}

QToolButton *acknowledgeButton(MainWindow &w)
{
    return w.notificationsPane()->findChild<QToolButton *>(u"acknowledgeButton"_s);
}

void click(QToolButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(10, button->height() / 2)); // not on the menu's arrow
}

uint32_t operationOf(MainWindow &w, const QString &id)
{
    const auto data = w.session()->data();
    return data ? data->findOperation(0, id.toStdString()) : kNone;
}

// The Details pane's value for `key` in its Operation section, or empty.
QString detailsField(MainWindow &w, const QString &key)
{
    QTreeWidget *tree = w.detailsPane()->tree();
    QTreeWidgetItem *summary = tree->topLevelItemCount() > 0 ? tree->topLevelItem(0) : nullptr;
    for (int i = 0; summary && i < summary->childCount(); ++i)
        if (summary->child(i)->text(0) == key)
            return summary->child(i)->text(1);
    return {};
}

// JSON written with single quotes, for legibility.
QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QStringList acknowledgedSettings()
{
    QSettings settings;
    settings.beginGroup(u"acknowledged"_s);
    return settings.childKeys();
}

} // namespace

class TestSharedAcks : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_demo; // mail1's and mail2's demo oplogs
    std::unique_ptr<testservers::Agent> m_agent;

    QString file(const QString &name) const { return m_dir.filePath(name); }

    // A loaded window on the agent's "main" oplog (mail1's demo oplog) with `token`, and `files` beside it.
    std::unique_ptr<MainWindow> openAgent(const testservers::Agent &agent, const QByteArray &token, const QStringList &files = {})
    {
        consolefixture::WindowOptions options;
        options.remotePollMs = 200; // the pace of the agent's acknowledgements too
        auto w = consolefixture::openWindow(files, options);
        QString error;
        RemoteSpec spec = *RemoteSpec::fromUrl(u"agent+%1#main"_s.arg(agent.url()), &error);
        spec.secret = token;
        w->session()->openRemote(spec);
        const auto loaded = [&] { return w->isIdle() && w->session()->data() && w->session()->data()->operationCount() > 0; };
        if (!QTest::qWaitFor(loaded, 20000))
            qWarning("the agent's oplog did not load");
        return w;
    }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        m_demo = consolefixture::writeDemo(m_dir.path());
        QCOMPARE(m_demo.size(), 2);
        QVERIFY(QDir().mkpath(file(u"agent"_s)));
        m_agent = std::make_unique<testservers::Agent>(file(u"agent"_s), testfiles::readAll(m_demo.first()));
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
    }

    void cleanupTestCase()
    {
        m_agent.reset();
        QSettings().clear();
    }

    void twoConsolesShareAcknowledgements()
    {
        auto a = openAgent(*m_agent, testservers::kOperatorToken), b = openAgent(*m_agent, testservers::kOperatorToken);
        NotificationsModel *ma = a->notificationsPane()->model(), *mb = b->notificationsPane()->model();
        const int countA = ma->notificationCount(), countB = mb->notificationCount();
        QVERIFY(countA > 0);
        QCOMPARE(countB, countA);
        const uint32_t opA = ma->shownOperations().front();
        const QString id = a->session()->data()->events().ids().qtext(opA);

        // An agent's notification: Acknowledge… asks for a comment, and says who will see it.
        a->notificationsPane()->selectOperation(opA);
        QCOMPARE(acknowledgeButton(*a)->text(), u"Acknowledge…"_s);
        bool saidShared = false;
        answerNextDialog(kComment, [&](AcknowledgeDialog *d) {
            saidShared = d->findChild<QLabel *>(u"acknowledgeShared"_s)->isVisible();
        });
        click(acknowledgeButton(*a));
        QVERIFY(saidShared);
        QTRY_VERIFY(ma->isAcknowledged(opA)); // once the agent answered
        QCOMPARE(ma->notificationCount(), countA - 1);
        QVERIFY2(acknowledgedSettings().isEmpty(), "an agent's acknowledgement is the agent's, not this console's");

        // The other console sees it within its poll: who, when and why.
        QTRY_COMPARE(mb->notificationCount(), countB - 1);
        const uint32_t opB = operationOf(*b, id);
        QVERIFY(mb->isAcknowledged(opB));
        const QString expected = u"acked by %1 just now: %2"_s.arg(testservers::kOperator, kComment);
        QCOMPARE(mb->acknowledgementText(opB, QDateTime::currentMSecsSinceEpoch()), expected);
        b->notificationsPane()->findChild<QCheckBox *>()->setChecked(true); // Show acknowledged
        QCOMPARE(mb->notificationCount(), countB);
        QVERIFY2(mb->lines().filter(kComment).value(0).endsWith(u" — "_s + expected), qPrintable(mb->lines().join(u'\n')));
        b->notificationsPane()->selectOperation(opB);
        QVERIFY(mb->indexOf(opB).data().toString().endsWith(u"\n"_s + expected));
        QCOMPARE(b->detailsPane()->operation(), opB);
        QCOMPARE(detailsField(*b, u"acknowledged"_s), expected);

        a->notificationsPane()->findChild<QCheckBox *>()->setChecked(true);
        a->notificationsPane()->view()->clearSelection(); // as it reads when not selected: greyed, with who and when
        QVERIFY(a->notificationsPane()->grab().save(u"/tmp/shot-ack.png"_s));
        a->notificationsPane()->selectOperation(opA);
        QVERIFY(consolefixture::saveScreenshot(a.get(), u"shared-acknowledgement"_s));

        // Unacknowledge in the second console: listed again in both.
        QCOMPARE(acknowledgeButton(*b)->text(), u"Unacknowledge"_s);
        click(acknowledgeButton(*b));
        QTRY_VERIFY(!mb->isAcknowledged(opB));
        QTRY_VERIFY(!ma->isAcknowledged(opA));
        a->notificationsPane()->findChild<QCheckBox *>()->setChecked(false);
        QCOMPARE(ma->notificationCount(), countA);
        QVERIFY(ma->acknowledgementText(opA, QDateTime::currentMSecsSinceEpoch()).isEmpty());
    }

    // A viewer's token may read but not acknowledge: the refusal is shown, and the notification stays listed.
    void viewerAcknowledgementFailsInWords()
    {
        auto w = openAgent(*m_agent, testservers::kViewerToken);
        NotificationsModel *model = w->notificationsPane()->model();
        const int count = model->notificationCount();
        QVERIFY(count > 0);
        const uint32_t op = model->shownOperations().front();
        w->notificationsPane()->selectOperation(op);
        answerNextDialog(u"mine"_s);
        click(acknowledgeButton(*w));
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w->findChild<QMessageBox *>(u"acknowledgementFailed"_s)) && box->isVisible());
        QVERIFY2(box->informativeText().contains(u"403"_s) && box->informativeText().contains(u"operator"_s),
                 qPrintable(box->informativeText()));
        QVERIFY(!box->informativeText().contains(QString::fromLatin1(testservers::kViewerToken)));
        QVERIFY2(box->text().contains(u"failed"_s), qPrintable(box->text()));
        box->close();
        QVERIFY(!model->isAcknowledged(op));
        QCOMPARE(model->notificationCount(), count);
    }

    // Beside an agent, a local file's acknowledgement stays in this console's settings, one click as before, and the
    // agent's list does not change.
    void localFilesKeepTheirs()
    {
        auto w = openAgent(*m_agent, testservers::kOperatorToken, {m_demo.last()});
        NotificationsModel *model = w->notificationsPane()->model();
        const int local = int(w->session()->data()->events().sourceNames().indexOf(m_demo.last()));
        QVERIFY(local >= 0);
        uint32_t op = kNone;
        for (uint32_t shown : model->shownOperations())
            if (w->session()->data()->source(shown) == local && op == kNone)
                op = shown;
        QVERIFY(op != kNone);
        w->notificationsPane()->selectOperation(op);
        QCOMPARE(acknowledgeButton(*w)->text(), u"Acknowledge"_s);
        click(acknowledgeButton(*w)); // no dialog: one click for one local notification
        QVERIFY(model->isAcknowledged(op));
        QCOMPARE(acknowledgedSettings().size(), 1);
        QVERIFY(model->acknowledgementText(op, QDateTime::currentMSecsSinceEpoch()).startsWith(u"acked here just now"_s));
        w->notificationsPane()->findChild<QCheckBox *>()->setChecked(true); // Show acknowledged
        w->notificationsPane()->selectOperation(op);
        QCOMPARE(acknowledgeButton(*w)->text(), u"Unacknowledge"_s);
        click(acknowledgeButton(*w));
        QVERIFY(!model->isAcknowledged(op));
        QVERIFY(acknowledgedSettings().isEmpty());
    }

    // The Sources pane says whether each agent alerts, from its /v1/status.
    void sourcesPaneShowsAlerts()
    {
        auto plain = openAgent(*m_agent, testservers::kViewerToken);
        QTRY_VERIFY(plain->sourcesPane()->alertsText(0).startsWith(u"no alerts configured"_s));

        // An agent whose webhook nobody answers: after an interruption, its failed delivery shows.
        QVERIFY(QDir().mkpath(file(u"alerting"_s)));
        testservers::Agent alerting(file(u"alerting"_s), testfiles::readAll(m_demo.first()));
        const quint16 closed = testservers::freePort();
        alerting.config.insert(u"alerts"_s, QJsonObject{
            {u"batchSeconds"_s, 0},
            {u"webhooks"_s, QJsonArray{QJsonObject{{u"url"_s, u"http://127.0.0.1:%1/hook"_s.arg(closed)}, {u"format"_s, u"slack"_s}}}}});
        QVERIFY2(alerting.start(), qPrintable(alerting.err()));
        auto w = openAgent(alerting, testservers::kViewerToken);
        QTRY_VERIFY(w->sourcesPane()->alertsText(0).startsWith(u"Alerts: slack — "_s));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(testfiles::appendFile(alerting.oplog, testoplog::eventLine("aaaaaaaa-1111-4111-8111-111111111111", "Started", now)
                                                          + testoplog::eventLine("aaaaaaaa-1111-4111-8111-111111111111", "Interrupted", now + 1,
                                                                                 ",\"error\":\"service restarted\"")));
        QTRY_VERIFY_WITH_TIMEOUT(w->sourcesPane()->alertsText(0).contains(u"last delivery failed"_s), 20000);
        const QString text = w->sourcesPane()->alertsText(0);

        QTreeWidgetItem *row = nullptr;
        QTreeWidgetItem *top = w->sourcesPane()->tree()->topLevelItem(0);
        for (int c = 0; top && c < top->childCount(); ++c)
            if (top->child(c)->text(0).startsWith(u"Alerts: "_s))
                row = top->child(c);
        QVERIFY(row);
        QCOMPARE(row->text(0), text);
        QVERIFY2(row->toolTip(0).contains(u"slack http://127.0.0.1:%1"_s.arg(closed)), qPrintable(row->toolTip(0)));
        QVERIFY(row->isFirstColumnSpanned());
        QVERIFY(top->isExpanded());
        w->findChild<QDockWidget *>(u"sourcesDock"_s)->raise();
        QVERIFY(consolefixture::saveScreenshot(w.get(), u"sources-alerts"_s));
        QVERIFY(consolefixture::saveScreenshot(w->sourcesPane(), u"sources-alerts-pane"_s));
    }

    // `oplens --notifications` waits for the agent's acknowledgements: what another admin acknowledged is not listed,
    // and is counted.
    void printedNotificationsFollowTheAgent()
    {
        const QString tokenFile = file(u"operator.token"_s);
        QVERIFY(testfiles::writeFile(tokenFile, testservers::kOperatorToken + '\n'));
        const QString source = u"agent+%1#main"_s.arg(m_agent->url());
        const auto print = [&] {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"XDG_CONFIG_HOME"_s, file(u"print-config"_s)); // its settings, never the user's
            env.insert(u"XDG_CACHE_HOME"_s, file(u"print-cache"_s));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(OPLENS), {u"--notifications"_s, u"--token-file"_s, tokenFile, source});
            if (!p.waitForFinished(60000))
                p.kill();
            return QString::fromUtf8(p.readAllStandardOutput());
        };
        const QString before = print();
        QVERIFY2(before.contains(u"RestoreOnNewAccount"_s) && !before.contains(u"acknowledged"_s), qPrintable(before));

        QNetworkAccessManager network;
        QString error;
        RemoteSpec spec = *RemoteSpec::fromUrl(source, &error);
        spec.secret = testservers::kOperatorToken;
        AgentClient agent(spec, &network);
        auto w = openAgent(*m_agent, testservers::kOperatorToken);
        const QStringList ids = [&] {
            QStringList out;
            for (uint32_t op : w->notificationsPane()->model()->shownOperations())
                out << w->session()->data()->events().ids().qtext(op);
            return out;
        }();
        QVERIFY(!ids.isEmpty());
        int answered = 0;
        for (const QString &id : ids)
            agent.acknowledge(id, u"main"_s, kComment, this, [&](const AcknowledgementAnswer &a) { answered += a.ok() ? 1 : 1000; });
        QTRY_COMPARE(answered, int(ids.size()));
        const QString after = print();
        QVERIFY2(!after.contains(u"RestoreOnNewAccount"_s), qPrintable(after));
        QVERIFY2(after.contains(u"(%1 acknowledged: not listed)"_s.arg(ids.size())), qPrintable(after));
        answered = 0;
        for (const QString &id : ids)
            agent.unacknowledge(id, u"main"_s, this, [&](const AcknowledgementAnswer &a) { answered += a.ok() ? 1 : 1000; });
        QTRY_COMPARE(answered, int(ids.size()));
    }

    // How an acknowledgement reads on a notification, in Details and in printed lines.
    void acknowledgementTexts()
    {
        const int64_t now = 1000000000000LL;
        const Acknowledgement shared{u"id"_s, u"main"_s, u"ops@example.com"_s, now - 10 * 60000, kComment};
        QCOMPARE(Acknowledgements::agoText(shared, now), u"acked by ops@example.com 10 min ago: disk replaced, rerun tonight"_s);
        const Acknowledgement local{u"id"_s, {}, {}, now - 2 * 3600000, {}};
        QCOMPARE(Acknowledgements::agoText(local, now), u"acked here 2 h ago"_s);
        const Acknowledgement untimed{u"id"_s, u"main"_s, u"ops@example.com"_s, 0, u"x"_s};
        QCOMPARE(Acknowledgements::agoText(untimed, now), u"acked by ops@example.com: x"_s); // no "20,000 days ago"
    }

    // What the pane makes of a status: every shape an agent may send, and some it should not.
    void alertStatusTexts()
    {
        const int64_t now = 1000000000000LL;
        QVERIFY(!AlertStatus::fromStatus(json("{'agent':'0.1.0'}")).known); // an older agent: nothing shown
        QVERIFY(!AlertStatus::fromStatus("not json").known);
        QVERIFY(!AlertStatus::fromStatus(json("{'alerts':[1]}")).known);
        const AlertStatus ok = AlertStatus::fromStatus(
            json("{'alerts':{'configured':true,'channels':['email mail-admins@example.com','slack https://chat.example.com'],"
                 "'pending':0,'lastDelivery':{'at':999999880000,'channel':'email mail-admins@example.com','ok':true,'error':null}}}"));
        QCOMPARE(ok.text(now), u"Alerts: email, slack — last delivery ok 2 min ago"_s);
        const AlertStatus failed = AlertStatus::fromStatus(
            json("{'alerts':{'configured':true,'channels':['email a@example.com','slack https://chat.example.com'],'pending':2,"
                 "'lastDelivery':{'at':999999700000,'channel':'slack https://chat.example.com','ok':false,'error':'connection refused'}}}"));
        QCOMPARE(failed.text(now),
                 u"Alerts: email, slack — last delivery failed 5 min ago (slack https://chat.example.com): connection refused, 2 pending"_s);
        QVERIFY(failed.failing());
        const AlertStatus one = AlertStatus::fromStatus(json(
            "{'alerts':{'configured':true,'channels':['json https://t.example.com'],'pending':0,"
            "'lastDelivery':{'at':999999700000,'channel':'json https://t.example.com','ok':false,'error':'500'}}}"));
        QCOMPARE(one.text(now), u"Alerts: json — last delivery failed 5 min ago: 500"_s); // one channel: no need to name it
        const QByteArray none = json("{'alerts':{'configured':true,'channels':['json https://t.example.com'],'pending':0,'lastDelivery':null}}");
        QCOMPARE(AlertStatus::fromStatus(none).text(now), u"Alerts: json — nothing delivered yet"_s);
        QVERIFY(AlertStatus::fromStatus(json("{'alerts':{'configured':false,'channels':[],'pending':0,'lastDelivery':null}}"))
                    .text(now).startsWith(u"no alerts configured"_s));
        const AlertStatus odd =
            AlertStatus::fromStatus(json("{'alerts':{'configured':true,'channels':[5,''],'pending':-3,'lastDelivery':{'at':'x'}}}"));
        QCOMPARE(odd.pending, 0);
        QVERIFY(odd.channels.isEmpty());
        QVERIFY(odd.failing()); // a delivery that does not say it was ok
    }
};

QTEST_MAIN(TestSharedAcks)
#include "tst_sharedacks.moc"
