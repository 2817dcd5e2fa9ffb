// Shared acknowledgements from the command line and the agent client (docs/cli.md, docs/agent.md section 9), against a
// real oplensd on loopback: oplensctl acknowledge and unacknowledge as processes, the list read back with AgentClient.
#include "agentclient.h"
#include "testoplog.h"
#include "testservers.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace Qt::StringLiterals;
using testoplog::Event;
using testservers::Exit;
using testservers::runToEnd;

namespace {

const QString kInterrupted = u"11111111-1111-4111-8111-111111111111"_s;
const QString kOther = u"22222222-2222-4222-8222-222222222222"_s;
const QString kComment = u"disk replaced, rerun tonight"_s;

QByteArray seedOplog()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    QByteArray out;
    for (const QString &id : {kInterrupted, kOther})
        out += Event(id, u"Started"_s, t).line() + Event(id, u"Interrupted"_s, t + 60000).set(u"error", u"service restarted"_s).line();
    return out;
}

} // namespace

class TestAckCtl : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<testservers::Agent> m_agent;
    QString m_operatorFile, m_viewerFile;

    QString source() const { return u"agent+"_s + m_agent->url() + u"#main"_s; }

    Exit ctl(const QStringList &args, const QString &tokenFile)
    {
        return runToEnd(QStringLiteral(OPLENSCTL), args + QStringList{u"--token-file"_s, tokenFile});
    }

    // The agent's current acknowledgements of "main", as the console reads them.
    AcknowledgementAnswer list()
    {
        QNetworkAccessManager network;
        QString error;
        RemoteSpec spec = *RemoteSpec::fromUrl(source(), &error);
        spec.secret = testservers::kViewerToken;
        AgentClient agent(spec, &network);
        std::optional<AcknowledgementAnswer> answer;
        QEventLoop loop;
        agent.acknowledgements(u"main"_s, &loop, [&](const AcknowledgementAnswer &a) {
            answer = a;
            loop.quit();
        });
        if (!answer)
            loop.exec();
        return *answer;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_agent = std::make_unique<testservers::Agent>(m_dir.path(), seedOplog());
        QVERIFY2(m_agent->start(), qPrintable(m_agent->err()));
        m_operatorFile = m_dir.filePath(u"operator.token"_s);
        m_viewerFile = m_dir.filePath(u"viewer.token"_s);
        QVERIFY(testfiles::writeFile(m_operatorFile, testservers::kOperatorToken + '\n'));
        QVERIFY(testfiles::writeFile(m_viewerFile, testservers::kViewerToken + '\n'));
    }

    // acknowledge records who (the token's identity), when and why on the agent; unacknowledge takes it back.
    void acknowledgeAndUnacknowledge()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const Exit ack = ctl({u"acknowledge"_s, kInterrupted, u"--comment"_s, kComment, source()}, m_operatorFile);
        QVERIFY2(ack.code == 0, qPrintable(ack.err));
        QVERIFY2(ack.out.startsWith(kInterrupted + u" acknowledged on "_s), qPrintable(ack.out));
        QVERIFY2(ack.out.contains(u"by "_s + testservers::kOperator) && ack.out.trimmed().endsWith(u": "_s + kComment), qPrintable(ack.out));

        AcknowledgementAnswer answer = list();
        QVERIFY2(answer.ok(), qPrintable(answer.error));
        QCOMPARE(int(answer.acknowledgements.size()), 1);
        const Acknowledgement &a = answer.acknowledgements.front();
        QCOMPARE(a.operationId, kInterrupted);
        QCOMPARE(a.log, u"main"_s);
        QCOMPARE(a.by, testservers::kOperator);
        QCOMPARE(a.comment, kComment);
        QVERIFY(a.at >= before - 1000 && a.at <= QDateTime::currentMSecsSinceEpoch() + 1000);

        const Exit unack = ctl({u"unacknowledge"_s, kInterrupted, source()}, m_operatorFile);
        QVERIFY2(unack.code == 0, qPrintable(unack.err));
        QVERIFY2(unack.out.startsWith(kInterrupted + u" unacknowledged"_s), qPrintable(unack.out));
        answer = list();
        QVERIFY2(answer.ok(), qPrintable(answer.error));
        QVERIFY(answer.acknowledgements.empty());

        // Nothing left to take back: the agent's 404, said, exit 4.
        const Exit again = ctl({u"unacknowledge"_s, kInterrupted, source()}, m_operatorFile);
        QVERIFY2(again.code == 4, qPrintable(again.err));
        QVERIFY2(again.err.contains(u"404"_s) && again.err.contains(u"not acknowledged"_s), qPrintable(again.err));
    }

    // A viewer may read but not acknowledge: 403 in words, exit 4, and the token appears nowhere.
    void viewerIsRefused()
    {
        const Exit viewer = ctl({u"acknowledge"_s, kOther, u"--comment"_s, u"mine"_s, source()}, m_viewerFile);
        QVERIFY2(viewer.code == 4, qPrintable(viewer.err));
        QVERIFY2(viewer.err.contains(u"acknowledge refused: 403"_s) && viewer.err.contains(u"operator"_s), qPrintable(viewer.err));
        QVERIFY(!viewer.err.contains(QString::fromLatin1(testservers::kViewerToken)));
        QVERIFY(viewer.out.isEmpty());
        QVERIFY(list().acknowledgements.empty());
        const Exit unack = ctl({u"unacknowledge"_s, kOther, source()}, m_viewerFile);
        QVERIFY2(unack.code == 4 && unack.err.contains(u"403"_s), qPrintable(unack.err));
    }

    // What the agent refuses is exit 4 with its reason; what cannot be sent at all is exit 1 or 2.
    void refusalsAndUsage()
    {
        const Exit unknown = ctl({u"acknowledge"_s, u"99999999-9999-4999-8999-999999999999"_s, source()}, m_operatorFile);
        QVERIFY2(unknown.code == 4 && unknown.err.contains(u"404"_s), qPrintable(unknown.err));

        const Exit tooLong = ctl({u"acknowledge"_s, kOther, u"--comment"_s, QString(2001, u'x'), source()}, m_operatorFile);
        QVERIFY2(tooLong.code == 4 && tooLong.err.contains(u"400"_s), qPrintable(tooLong.err));
        QVERIFY(list().acknowledgements.empty());

        const QString local = m_dir.filePath(u"local.jsonl"_s);
        QVERIFY(testfiles::writeFile(local, seedOplog()));
        const Exit file = ctl({u"acknowledge"_s, kOther, local}, m_operatorFile);
        QVERIFY2(file.code == 1, qPrintable(file.err));
        QVERIFY2(file.err.contains(u"is a local file: its acknowledgements live in the console"_s), qPrintable(file.err));

        const Exit web = ctl({u"unacknowledge"_s, kOther, u"https://127.0.0.1:1/oplog.jsonl"_s}, m_operatorFile);
        QVERIFY2(web.code == 1 && web.err.contains(u"read-only"_s), qPrintable(web.err));

        const Exit noSource = ctl({u"acknowledge"_s, kOther}, m_operatorFile);
        QVERIFY2(noSource.code == 1, qPrintable(noSource.err));

        const quint16 closed = testservers::freePort();
        const Exit down = ctl({u"acknowledge"_s, kOther, u"agent+http://127.0.0.1:%1#main"_s.arg(closed)}, m_operatorFile);
        QVERIFY2(down.code == 2 && down.err.contains(u"connection refused"_s), qPrintable(down.err));
        QVERIFY(!down.err.contains(QString::fromLatin1(testservers::kOperatorToken)));
    }

    // What the client makes of lists that are not an agent's: nothing trusted, nothing crashes.
    void parsesOnlyAcknowledgements()
    {
        QCOMPARE(int(parseAcknowledgements("not json").acknowledgements.size()), 0);
        const AcknowledgementAnswer mixed = parseAcknowledgements(
            R"([{"operationId":"a","by":"x","at":5,"comment":"c"},{"by":"no id"},7,{"operationId":3}])");
        QCOMPARE(int(mixed.acknowledgements.size()), 1);
        QCOMPARE(mixed.rejected, 3);
        QCOMPARE(mixed.acknowledgements.front().at, int64_t(5));
        const AcknowledgementAnswer one = parseAcknowledgements(R"({"operationId":"b","log":"main","by":"y","at":"soon"})");
        QCOMPARE(int(one.acknowledgements.size()), 1);
        QCOMPARE(one.acknowledgements.front().at, int64_t(0)); // not a number: no time
    }
};

QTEST_GUILESS_MAIN(TestAckCtl)
#include "tst_ackctl.moc"
