// The action catalog (actioncatalog.h; agent.md sections 1 and 4): what a catalog must say to be accepted, the error
// that names the bad key when it does not, and the argv an operation's parameters give: each value checked against its
// whole pattern, put in place of an element that is exactly {name}, as one argument that no shell ever reads.
#include "actioncatalog.h"
#include "testfiles.h"

#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace Qt::StringLiterals;

class TestActionCatalog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsBothForms();
    void refusesBadCatalogs_data();
    void refusesBadCatalogs();
    void invalidPatternIsNamed();
    void loadNamesTheFile();
    void argvFor_data();
    void argvFor();
    void argvWithoutParameters();
};

// moc does not read raw string literals: it sees none of what follows.
#ifndef Q_MOC_RUN

namespace {

std::string_view view(const QByteArray &text) { return {text.constData(), size_t(text.size())}; }

// A catalog of one action with `fields` (JSON members after module and name).
QByteArray oneAction(const QByteArray &fields) { return R"([{"module": "ZxBackup", "name": "SmartScan", )" + fields + "}]"; }

// The action of argvFor's rows: account and note are parameters; the other elements are literal.
const QByteArray kRestore = R"({"actions": [{"module": "ZxBackup", "name": "RestoreOnNewAccount",
  "argv": ["/opt/zextras/bin/zxsuite", "backup", "doRestoreOnNewAccount", "{account}", "--note", "{note}",
           "prefix{account}", "{account}suffix", "--to={account}", "{}", "{account}"],
  "parameters": {"account": "[a-z]+@example\\.com", "note": ".{0,200}"}}]})";

} // namespace

void TestActionCatalog::acceptsBothForms()
{
    const QByteArray action = R"({"module": "ZxBackup", "name": "SmartScan", "argv": ["/bin/true", "scan"],
                                  "parameters": {"volume": "v[0-9]"}, "timeoutSeconds": 30, "maxConcurrent": 2})";
    for (const QByteArray &text : {"[" + action + "]", R"({"actions": [)" + action + "]}"}) {
        QString error;
        const auto catalog = ActionCatalog::parse(view(text), &error);
        QVERIFY2(catalog, qPrintable(error));
        QCOMPARE(catalog->actions().size(), 1);
        const Action *found = catalog->find(u"ZxBackup"_s, u"SmartScan"_s);
        QVERIFY(found);
        QCOMPARE(found->argv, QStringList({u"/bin/true"_s, u"scan"_s}));
        QCOMPARE(found->parameters.size(), 1);
        QCOMPARE(found->parameters.first().first, u"volume"_s);
        QCOMPARE(found->timeoutSeconds, 30);
        QCOMPARE(found->maxConcurrent, 2);
        QVERIFY(!catalog->find(u"ZxBackup"_s, u"Other"_s));
        QVERIFY(!catalog->find(u"SmartScan"_s, u"ZxBackup"_s));
        QVERIFY(!catalog->find(u"zxbackup"_s, u"smartscan"_s)); // exact names
    }
    QString error;
    const auto empty = ActionCatalog::parse("[]", &error);
    QVERIFY(empty);
    QVERIFY(empty->actions().isEmpty());
}

void TestActionCatalog::refusesBadCatalogs_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error"); // the whole message
    const auto row = [](const char *tag, const QByteArray &json, const QString &error) {
        QTest::newRow(tag) << json << error;
    };
    row("not JSON", "[{", u"actions: not valid JSON"_s);
    row("object without actions", R"({"action": []})", uR"(actions: no "actions" array)"_s);
    row("actions not an array", R"({"actions": {}})", u"actions: must be an array of actions"_s);
    row("a number", "3", u"actions: must be an array of actions"_s);
    row("an action not an object", R"([["/bin/true"]])", u"actions[0]: must be an object"_s);
    row("unknown key", oneAction(R"("argv": ["/bin/true"], "shell": true)"), u"actions[0].shell: unknown key"_s);
    row("module missing", R"([{"name": "SmartScan", "argv": ["/bin/true"]}])",
        u"actions[0].module: required, a non-empty string"_s);
    row("name empty", R"([{"module": "ZxBackup", "name": "", "argv": ["/bin/true"]}])",
        u"actions[0].name: required, a non-empty string"_s);
    row("name a number", R"([{"module": "ZxBackup", "name": 7, "argv": ["/bin/true"]}])",
        u"actions[0].name: required, a non-empty string"_s);
    row("argv missing", oneAction(R"("timeoutSeconds": 3)"), u"actions[0].argv: required, a non-empty array of strings"_s);
    row("argv empty", oneAction(R"("argv": [])"), u"actions[0].argv: required, a non-empty array of strings"_s);
    row("argv a string", oneAction(R"("argv": "/bin/true scan")"), u"actions[0].argv: required, a non-empty array of strings"_s);
    row("argv element a number", oneAction(R"("argv": ["/bin/true", 3])"), u"actions[0].argv[1]: must be a non-empty string"_s);
    row("argv element empty", oneAction(R"("argv": ["/bin/true", ""])"), u"actions[0].argv[1]: must be a non-empty string"_s);
    row("relative program", oneAction(R"("argv": ["true"])"), u"actions[0].argv[0]: must be an absolute path (no PATH lookup)"_s);
    row("dot-relative program", oneAction(R"("argv": ["./bin/true"])"), u"actions[0].argv[0]: must be an absolute path (no PATH lookup)"_s);
    row("program a parameter", oneAction(R"("argv": ["{program}"], "parameters": {"program": "/bin/.*"})"),
        u"actions[0].argv[0]: the program cannot be a parameter"_s);
    row("parameters an array", oneAction(R"("argv": ["/bin/true"], "parameters": ["a"])"),
        u"actions[0].parameters: must be an object of name: pattern"_s);
    row("pattern a number", oneAction(R"("argv": ["/bin/true"], "parameters": {"volume": 3})"),
        u"actions[0].parameters.volume: the pattern must be a string"_s);
    row("placeholder without a pattern", oneAction(R"("argv": ["/bin/true", "{account}"])"),
        u"actions[0].argv[1]: {account} has no pattern in parameters"_s);
    row("timeout zero", oneAction(R"("argv": ["/bin/true"], "timeoutSeconds": 0)"),
        u"actions[0].timeoutSeconds: must be a positive integer"_s);
    row("timeout a fraction", oneAction(R"("argv": ["/bin/true"], "timeoutSeconds": 1.5)"),
        u"actions[0].timeoutSeconds: must be a positive integer"_s);
    row("timeout a string", oneAction(R"("argv": ["/bin/true"], "timeoutSeconds": "10")"),
        u"actions[0].timeoutSeconds: must be a positive integer"_s);
    row("maxConcurrent negative", oneAction(R"("argv": ["/bin/true"], "maxConcurrent": -1)"),
        u"actions[0].maxConcurrent: must be a positive integer"_s);
    row("maxConcurrent huge", oneAction(R"("argv": ["/bin/true"], "maxConcurrent": 99999999999)"),
        u"actions[0].maxConcurrent: must be a positive integer"_s);
    row("allowLeadingDash a string", oneAction(R"("argv": ["/bin/true"], "allowLeadingDash": "yes")"),
        u"actions[0].allowLeadingDash: must be true or false"_s);
    row("the second action", R"([{"module": "A", "name": "B", "argv": ["/bin/true"]}, {"module": "A", "name": "C", "argv": ["bin/true"]}])",
        u"actions[1].argv[0]: must be an absolute path (no PATH lookup)"_s);
    row("one action twice", R"([{"module": "A", "name": "B", "argv": ["/bin/true"]}, {"module": "A", "name": "B", "argv": ["/bin/false"]}])",
        u"actions[1]: a second action for A B"_s);
}

void TestActionCatalog::refusesBadCatalogs()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!ActionCatalog::parse(view(json), &why));
    QCOMPARE(why, error);
    // The error names where the actions came from.
    QVERIFY(!ActionCatalog::parse(view(json), &why, u"oplensd.json: actions"_s));
    QCOMPARE(why, QString(error).replace(0, int(qstrlen("actions")), u"oplensd.json: actions"_s));
    QVERIFY(!ActionCatalog::parse(view(json), nullptr)); // no error wanted: refused all the same
}

void TestActionCatalog::invalidPatternIsNamed()
{
    QString error;
    const QByteArray json = oneAction(R"("argv": ["/bin/true"], "parameters": {"volume": "(v"})");
    QVERIFY(!ActionCatalog::parse(view(json), &error));
    QVERIFY2(error.startsWith(u"actions[0].parameters.volume: not a valid pattern: "_s), qPrintable(error));
}

void TestActionCatalog::loadNamesTheFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"actions.json"_s);
    QString error;
    QVERIFY(!ActionCatalog::load(path, &error)); // missing
    QVERIFY2(error.startsWith(path + u": "_s), qPrintable(error));
    QVERIFY(testfiles::writeFile(path, oneAction(R"("argv": ["sleep", "1"])")));
    QVERIFY(!ActionCatalog::load(path, &error));
    QCOMPARE(error, path + u"[0].argv[0]: must be an absolute path (no PATH lookup)"_s);
    QVERIFY(testfiles::writeFile(path, kRestore));
    const auto catalog = ActionCatalog::load(path, &error);
    QVERIFY2(catalog, qPrintable(error));
    QVERIFY(catalog->find(u"ZxBackup"_s, u"RestoreOnNewAccount"_s));
}

void TestActionCatalog::argvFor_data()
{
    QTest::addColumn<QByteArray>("parameters");
    QTest::addColumn<QStringList>("argv");   // empty: refused
    QTest::addColumn<QString>("error");      // when refused
    const auto ok = [](const char *tag, const QByteArray &parameters, const QString &account, const QString &note) {
        QTest::newRow(tag) << parameters
                           << QStringList{u"/opt/zextras/bin/zxsuite"_s, u"backup"_s, u"doRestoreOnNewAccount"_s, account,
                                          u"--note"_s, note, u"prefix{account}"_s, u"{account}suffix"_s,
                                          u"--to={account}"_s, u"{}"_s, account}
                           << QString();
    };
    const auto refused = [](const char *tag, const QByteArray &parameters, const QString &error) {
        QTest::newRow(tag) << parameters << QStringList() << error;
    };
    ok("plain", R"({"account": "alice@example.com", "note": "disk replaced"})", u"alice@example.com"_s, u"disk replaced"_s);
    ok("shell characters stay one argument", R"({"account": "bob@example.com", "note": "a b; rm -rf / && echo $(id) `id` | x > y 'q' \"dq\" *"})",
       u"bob@example.com"_s, uR"(a b; rm -rf / && echo $(id) `id` | x > y 'q' "dq" *)"_s);
    ok("an empty value", R"({"account": "carol@example.com", "note": ""})", u"carol@example.com"_s, QString());
    ok("other parameters ignored", R"({"origin": "Restart", "note": "n", "account": "dave@example.com", "x": [1]})",
       u"dave@example.com"_s, u"n"_s);
    ok("unicode", R"({"account": "eve@example.com", "note": "Zoë 漢字"})", u"eve@example.com"_s, u"Zoë 漢字"_s);
    refused("pattern fails", R"({"account": "alice@example.org", "note": "n"})", uR"(parameter "account" does not match its pattern)"_s);
    refused("pattern is whole, not a part", R"({"account": "x alice@example.com", "note": "n"})",
            uR"(parameter "account" does not match its pattern)"_s);
    refused("a second argument smuggled in", R"({"account": "alice@example.com --force", "note": "n"})",
            uR"(parameter "account" does not match its pattern)"_s);
    refused("a line ending after the match", R"({"account": "alice@example.com\n", "note": "n"})",
            uR"(parameter "account" does not match its pattern)"_s);
    refused("too long for its pattern", R"({"account": "alice@example.com", "note": ")" + QByteArray(201, 'n') + "\"}",
            uR"(parameter "note" does not match its pattern)"_s);
    // A value the program would take as an option: the pattern allows it, the action does not say allowLeadingDash.
    refused("a value beginning with '-'", R"({"account": "alice@example.com", "note": "--delete-all"})",
            uR"(parameter note begins with '-': it could be taken as an option (the action allows it with "allowLeadingDash": true))"_s);
    refused("a value of one '-'", R"({"account": "alice@example.com", "note": "-"})",
            uR"(parameter note begins with '-': it could be taken as an option (the action allows it with "allowLeadingDash": true))"_s);
    ok("a '-' further in", R"({"account": "alice@example.com", "note": "a --b"})", u"alice@example.com"_s, u"a --b"_s);
    refused("missing", R"({"note": "n"})", uR"(parameter "account" is missing or not a string)"_s);
    refused("a number", R"({"account": 7, "note": "n"})", uR"(parameter "account" is missing or not a string)"_s);
    refused("an array", R"({"account": ["alice@example.com"], "note": "n"})", uR"(parameter "account" is missing or not a string)"_s);
    refused("null", R"({"account": null, "note": "n"})", uR"(parameter "account" is missing or not a string)"_s);
    refused("no parameters", "", uR"(parameter "account" is missing or not a string)"_s);
    refused("parameters an array", R"(["alice@example.com"])", u"the operation's parameters are not an object"_s);
    refused("parameters not JSON", R"({"account": )", u"the operation's parameters are not an object"_s);
}

void TestActionCatalog::argvFor()
{
    QFETCH(QByteArray, parameters);
    QFETCH(QStringList, argv);
    QFETCH(QString, error);
    QString why;
    const auto catalog = ActionCatalog::parse(view(kRestore), &why);
    QVERIFY2(catalog, qPrintable(why));
    const Action *action = catalog->find(u"ZxBackup"_s, u"RestoreOnNewAccount"_s);
    QVERIFY(action);
    const auto result = ActionCatalog::argvFor(*action, view(parameters), &why);
    if (argv.isEmpty()) {
        QVERIFY2(!result, qPrintable(result ? result->join(u'|') : QString()));
        QCOMPARE(why, error);
    } else {
        QVERIFY2(result, qPrintable(why));
        QCOMPARE(*result, argv);
    }
}

void TestActionCatalog::argvWithoutParameters()
{
    QString error;
    const auto catalog = ActionCatalog::parse(view(oneAction(R"("argv": ["/bin/echo", "{ x }", "a b", "$HOME"])")), &error);
    QVERIFY(!catalog); // "{ x }" is a placeholder named " x ", which has no pattern
    QCOMPARE(error, u"actions[0].argv[1]: { x } has no pattern in parameters"_s);
    const auto plain = ActionCatalog::parse(view(oneAction(R"("argv": ["/bin/echo", "a b", "$HOME", "{}"])")), &error);
    QVERIFY2(plain, qPrintable(error));
    for (const QByteArray &parameters : {QByteArray(), QByteArray("{}"), QByteArray(R"({"origin": "Restart"})")}) {
        const auto argv = ActionCatalog::argvFor(plain->actions().first(), view(parameters), &error);
        QVERIFY2(argv, qPrintable(error));
        QCOMPARE(*argv, QStringList({u"/bin/echo"_s, u"a b"_s, u"$HOME"_s, u"{}"_s})); // literal, nothing expanded
    }
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestActionCatalog)
#include "tst_actioncatalog.moc"
