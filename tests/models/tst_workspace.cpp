// Workspaces (workspace.h): the sources, filter and columns written and read back the same; relative paths taken from
// the workspace's folder; errors that name the file, the source and the key; secrets read from their files.
#include "credentials.h"
#include "testfiles.h"
#include "workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using testfiles::readAll;
using testfiles::writeFile;

namespace {

QByteArray workspaceJson(const QJsonArray &sources, const QJsonObject &filter = {})
{
    return QJsonDocument(QJsonObject{{QStringLiteral("oplensWorkspace"), 1},
                                     {QStringLiteral("sources"), sources},
                                     {QStringLiteral("filter"), filter}})
        .toJson();
}

WorkspaceSource source(const QString &location)
{
    WorkspaceSource s;
    s.location = location;
    return s;
}

} // namespace

// No raw string literals inside the class: moc 6.4 then loses the class ("No relevant classes found").
class TestWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Workspace w;
        WorkspaceSource local = source(dir.path() + QStringLiteral("/logs/mail1.jsonl"));
        local.follow = false;
        local.assumeInterrupted = true;
        WorkspaceSource basic = source(QStringLiteral("https://mail2.example.com/oplog/operations.jsonl"));
        basic.auth = RemoteSpec::Auth::Basic;
        basic.user = QStringLiteral("reader");
        basic.caFile = dir.path() + QStringLiteral("/ca.pem");
        basic.passwordFile = dir.path() + QStringLiteral("/password");
        basic.paused = true;
        WorkspaceSource bearer = source(QStringLiteral("https://mail3.example.com:8443/oplog.jsonl"));
        bearer.auth = RemoteSpec::Auth::Bearer;
        bearer.tokenFile = dir.path() + QStringLiteral("/web.token");
        WorkspaceSource agent = source(QStringLiteral("agent+https://mail4.example.com:8443#service"));
        agent.auth = RemoteSpec::Auth::Bearer;
        agent.tokenFile = dir.path() + QStringLiteral("/agent.token");
        agent.caFile = dir.path() + QStringLiteral("/ca.pem");
        agent.follow = false;
        w.sources = {local, basic, bearer, agent};
        w.filter.modules = {QStringLiteral("ZxBackup"), QStringLiteral("ZxPowerstore")};
        w.filter.names = {QStringLiteral("SmartScan")};
        w.filter.statuses = StatusInterrupted | StatusUnfinished | StatusFailed;
        w.filter.since = 1700000000123;
        w.filter.until = 1700086400456;
        w.filter.text = QStringLiteral("admin@example\\.com|é");
        w.filter.regex = true;
        w.filter.sources = {basic.location};
        w.console = QJsonObject{{QStringLiteral("events"), QJsonObject{{QStringLiteral("widths"), QJsonArray{120, 80}}}}};

        const QString path = dir.path() + QStringLiteral("/ops.oplensworkspace");
        QString error;
        QVERIFY2(writeWorkspace(path, w, &error), qPrintable(error));

        // The format: version 1, auth in words, no secret anywhere.
        const QJsonObject root = QJsonDocument::fromJson(readAll(path)).object();
        QCOMPARE(root.value(QStringLiteral("oplensWorkspace")).toInt(), 1);
        const QJsonArray written = root.value(QStringLiteral("sources")).toArray();
        QCOMPARE(written.size(), 4);
        QCOMPARE(written[1].toObject().value(QStringLiteral("auth")).toString(), QStringLiteral("basic"));
        QCOMPARE(written[2].toObject().value(QStringLiteral("auth")).toString(), QStringLiteral("bearer"));
        QCOMPARE(written[1].toObject().value(QStringLiteral("url")).toString(), basic.location);

        const auto read = readWorkspace(path, &error);
        QVERIFY2(read, qPrintable(error));
        QCOMPARE(read->sources.size(), w.sources.size());
        for (int i = 0; i < w.sources.size(); ++i) {
            const WorkspaceSource &a = w.sources[i], &b = read->sources[i];
            QCOMPARE(b.location, a.location);
            QCOMPARE(int(b.auth), int(a.auth));
            QCOMPARE(b.user, a.user);
            QCOMPARE(b.caFile, a.caFile);
            QCOMPARE(b.tokenFile, a.tokenFile);
            QCOMPARE(b.passwordFile, a.passwordFile);
            QCOMPARE(b.follow, a.follow);
            QCOMPARE(b.paused, a.paused);
            QCOMPARE(b.assumeInterrupted, a.assumeInterrupted);
        }
        QCOMPARE(read->filter.modules, w.filter.modules);
        QCOMPARE(read->filter.names, w.filter.names);
        QCOMPARE(read->filter.statuses, w.filter.statuses);
        QCOMPARE(read->filter.since, w.filter.since);
        QCOMPARE(read->filter.until, w.filter.until);
        QCOMPARE(read->filter.text, w.filter.text);
        QCOMPARE(read->filter.regex, w.filter.regex);
        QCOMPARE(read->filter.sources, w.filter.sources);
        QVERIFY(read->filter == w.filter);
        QCOMPARE(read->console, w.console); // the console's own state, verbatim

        // The remote specs it gives: the kind, the user, the CA; never a secret.
        const auto spec = read->sources[1].remoteSpec(&error);
        QVERIFY2(spec, qPrintable(error));
        QCOMPARE(spec->kind, RemoteSpec::Kind::File);
        QCOMPARE(int(spec->auth), int(RemoteSpec::Auth::Basic));
        QCOMPARE(spec->user, QStringLiteral("reader"));
        QCOMPARE(spec->caFile, basic.caFile);
        QVERIFY(spec->secret.isEmpty());
        const auto agentSpec = read->sources[3].remoteSpec(&error);
        QVERIFY2(agentSpec, qPrintable(error));
        QCOMPARE(agentSpec->kind, RemoteSpec::Kind::Agent);
        QCOMPARE(agentSpec->log, QStringLiteral("service"));
        QCOMPARE(agentSpec->name(), QStringLiteral("agent+https://mail4.example.com:8443#service"));

        // Written again from what was read: the same file.
        const QString again = dir.path() + QStringLiteral("/again.oplensworkspace");
        QVERIFY2(writeWorkspace(again, *read, &error), qPrintable(error));
        QCOMPARE(readAll(again), readAll(path));
    }

    void emptyFilterRoundTrip()
    {
        QTemporaryDir dir;
        Workspace w;
        w.sources = {source(dir.path() + QStringLiteral("/a.jsonl"))};
        const QString path = dir.path() + QStringLiteral("/w.json");
        QString error;
        QVERIFY2(writeWorkspace(path, w, &error), qPrintable(error));
        const auto read = readWorkspace(path, &error);
        QVERIFY2(read, qPrintable(error));
        QVERIFY(read->filter == ViewFilter());
        QCOMPARE(read->sources.size(), 1);
        QVERIFY(read->sources[0].follow);
        QVERIFY(!read->sources[0].assumeInterrupted);
    }

    // Relative paths are taken from the workspace's folder, wherever the program runs.
    void relativePaths()
    {
        QTemporaryDir dir, elsewhere;
        QVERIFY(QDir().mkpath(dir.path() + QStringLiteral("/team")));
        const QString path = dir.path() + QStringLiteral("/team/ws.json");
        const QJsonArray sources{
            QJsonObject{{QStringLiteral("url"), QStringLiteral("logs/mail1.jsonl")}},
            QJsonObject{{QStringLiteral("url"), QStringLiteral("../shared/./mail2.jsonl")}},
            QJsonObject{{QStringLiteral("url"), QStringLiteral("file:///var/log/oplens/mail3.jsonl")}},
            QJsonObject{{QStringLiteral("url"), QStringLiteral("https://mail4.example.com/oplog.jsonl")},
                        {QStringLiteral("auth"), QStringLiteral("basic")},
                        {QStringLiteral("user"), QStringLiteral("reader")},
                        {QStringLiteral("caFile"), QStringLiteral("certs/ca.pem")},
                        {QStringLiteral("passwordFile"), QStringLiteral("secrets/mail4.password")}},
            QJsonObject{{QStringLiteral("url"), QStringLiteral("agent+https://mail5.example.com:8443")},
                        {QStringLiteral("tokenFile"), QStringLiteral("mail5.token")},
                        {QStringLiteral("caFile"), QStringLiteral("/etc/oplens/ca.pem")}},
            QJsonObject{{QStringLiteral("url"), QStringLiteral("ssh://zimbra@mail6.example.com:2222/opt/zextras/a%20b.jsonl")},
                        {QStringLiteral("sshConfig"), QStringLiteral("fleet/ssh_config")}},
        };
        QVERIFY(writeFile(path, workspaceJson(sources)));
        const QString team = dir.path() + QStringLiteral("/team");
        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(elsewhere.path()));
        QString error;
        const auto w = readWorkspace(path, &error);
        // Also when the workspace itself is named by a relative path.
        const auto relative = readWorkspace(QDir(elsewhere.path()).relativeFilePath(path), &error);
        QVERIFY(QDir::setCurrent(cwd));
        QVERIFY2(w, qPrintable(error));
        QVERIFY2(relative, qPrintable(error));
        QCOMPARE(w->sources.size(), 6);
        QCOMPARE(w->sources[0].location, team + QStringLiteral("/logs/mail1.jsonl"));
        QCOMPARE(w->sources[1].location, dir.path() + QStringLiteral("/shared/mail2.jsonl"));
        QCOMPARE(w->sources[2].location, QStringLiteral("/var/log/oplens/mail3.jsonl"));
        QCOMPARE(w->sources[3].location, QStringLiteral("https://mail4.example.com/oplog.jsonl")); // a URL stays one
        QCOMPARE(w->sources[3].caFile, team + QStringLiteral("/certs/ca.pem"));
        QCOMPARE(w->sources[3].passwordFile, team + QStringLiteral("/secrets/mail4.password"));
        QCOMPARE(w->sources[4].tokenFile, team + QStringLiteral("/mail5.token"));
        QCOMPARE(w->sources[4].caFile, QStringLiteral("/etc/oplens/ca.pem"));
        QCOMPARE(int(w->sources[4].auth), int(RemoteSpec::Auth::Bearer)); // an agent always takes a token
        QCOMPARE(w->sources[5].sshConfig, team + QStringLiteral("/fleet/ssh_config"));
        const auto ssh = w->sources[5].remoteSpec(&error);
        QVERIFY2(ssh, qPrintable(error));
        QCOMPARE(int(ssh->kind), int(RemoteSpec::Kind::Ssh));
        QCOMPARE(ssh->sshConfig, team + QStringLiteral("/fleet/ssh_config"));
        QCOMPARE(ssh->sshPath(), QStringLiteral("/opt/zextras/a b.jsonl"));
        QCOMPARE(ssh->sshTarget().commandLine(), QStringLiteral("-F '%1/fleet/ssh_config' -p 2222 zimbra@mail6.example.com").arg(team));
        // Written again: the URL and the configuration, no auth (ssh has no secret of ours).
        QVERIFY2(writeWorkspace(path, *w, &error), qPrintable(error));
        const QByteArray again = readAll(path);
        QVERIFY(again.contains("\"sshConfig\": \"" + team.toUtf8() + "/fleet/ssh_config\""));
        QCOMPARE(readWorkspace(path, &error)->sources[5].location, w->sources[5].location);
        QCOMPARE(relative->sources[0].location, w->sources[0].location);
        QCOMPARE(relative->sources[3].caFile, w->sources[3].caFile);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("content"); // empty: no such file
        QTest::addColumn<QStringList>("expected"); // in the error, besides the file's path
        const auto one = [](const QJsonObject &s, const QJsonObject &filter = {}) { return workspaceJson(QJsonArray{s}, filter); };
        const QString url = QStringLiteral("url"), auth = QStringLiteral("auth");
        QTest::newRow("bad auth") << one({{url, QStringLiteral("https://h.example.com/o.jsonl")}, {auth, QStringLiteral("digest")}})
                                  << QStringList{QStringLiteral("sources[0].auth"), QStringLiteral("\"digest\""), QStringLiteral("none, bearer, basic")};
        QTest::newRow("auth in capitals") << one({{url, QStringLiteral("https://h.example.com/o.jsonl")}, {auth, QStringLiteral("Bearer")}})
                                          << QStringList{QStringLiteral("sources[0].auth"), QStringLiteral("\"Bearer\"")};
        QTest::newRow("other JSON") << QByteArray("{\"name\": \"my settings\", \"sources\": []}")
                                    << QStringList{QStringLiteral("not an OpLens workspace"), QStringLiteral("oplensWorkspace")};
        QTest::newRow("another version") << QByteArray("{\"oplensWorkspace\": 2, \"sources\": []}")
                                         << QStringList{QStringLiteral("not an OpLens workspace")};
        QTest::newRow("an array") << QByteArray("[1, 2]") << QStringList{QStringLiteral("not a workspace")};
        QTest::newRow("not JSON") << QByteArray("url = https://h.example.com/o.jsonl\n") << QStringList{QStringLiteral("not a workspace")};
        QTest::newRow("no url") << one({{auth, QStringLiteral("none")}}) << QStringList{QStringLiteral("sources[0].url: missing")};
        QTest::newRow("basic without a user") << one({{url, QStringLiteral("https://h.example.com/o.jsonl")}, {auth, QStringLiteral("basic")}})
                                              << QStringList{QStringLiteral("sources[0].url"), QStringLiteral("needs a user")};
        QTest::newRow("a password in the URL") << one({{url, QStringLiteral("https://u:secret@h.example.com/o.jsonl")}})
                                               << QStringList{QStringLiteral("sources[0].url"), QStringLiteral("password")};
        QTest::newRow("unknown status") << one({{url, QStringLiteral("/a.jsonl")}}, {{QStringLiteral("statuses"), QJsonArray{QStringLiteral("Sleeping")}}})
                                        << QStringList{QStringLiteral("filter.statuses"), QStringLiteral("Sleeping")};
        QTest::newRow("bad since") << one({{url, QStringLiteral("/a.jsonl")}}, {{QStringLiteral("since"), QStringLiteral("yesterday")}})
                                   << QStringList{QStringLiteral("filter.since")};
        QTest::newRow("ssh with auth") << one({{url, QStringLiteral("ssh://h.example.com/o.jsonl")}, {auth, QStringLiteral("bearer")}})
                                       << QStringList{QStringLiteral("sources[0].url"), QStringLiteral("takes no auth")};
        QTest::newRow("ssh password") << one({{url, QStringLiteral("ssh://u:pw@h.example.com/o.jsonl")}})
                                      << QStringList{QStringLiteral("sources[0].url"), QStringLiteral("password")};
        QTest::newRow("ssh without a path") << one({{url, QStringLiteral("ssh://h.example.com/")}})
                                            << QStringList{QStringLiteral("sources[0].url"), QStringLiteral("names a folder")};
        QTest::newRow("no such file") << QByteArray() << QStringList();
    }
    void errors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/ws.json");
        if (!content.isEmpty())
            QVERIFY(writeFile(path, content));
        QString error;
        const auto w = readWorkspace(path, &error);
        QVERIFY(!w);
        QVERIFY2(error.contains(path), qPrintable(error));
        for (const QString &text : expected)
            QVERIFY2(error.contains(text), qPrintable(text + QStringLiteral(" not in: ") + error));
        QVERIFY(!error.contains(QLatin1String("secret")));
    }

    void writeFailsClearly()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/no/such/folder/ws.json");
        QString error;
        QVERIFY(!writeWorkspace(path, Workspace(), &error));
        QVERIFY2(error.contains(path), qPrintable(error));
    }

    void secretFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/token");
        QVERIFY(writeFile(path, "  tok-123 \r\nsecond line\n"));
        QString error;
        QCOMPARE(readSecretFile(path, &error), QByteArray("tok-123"));
        QVERIFY(error.isEmpty());
        QVERIFY(writeFile(path, "\n"));
        QVERIFY(readSecretFile(path, &error).isEmpty());
        QVERIFY2(error.contains(QLatin1String("empty")) && error.contains(path), qPrintable(error));
        error.clear();
        QVERIFY(readSecretFile(dir.path() + QStringLiteral("/missing"), &error).isEmpty());
        QVERIFY(error.contains(dir.path() + QStringLiteral("/missing")));
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
