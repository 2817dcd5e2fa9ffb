// Secrets given on a command line (credentials.h; docs/cli.md "Secrets") and the trusted certificates' file
// (certificatetrust.h): an empty file name is refused, never taken as "not given" (which would send OPLENS_TOKEN
// unseen); the file of trusted certificates is the admin's alone (0600 in a 0700 folder) whatever the umask.
#include "certificatetrust.h"
#include "credentials.h"
#include "testfiles.h"

#include <QCommandLineParser>
#include <QDir>
#include <QScopeGuard>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace oplens;
using namespace Qt::StringLiterals;

namespace {

std::optional<CommandLineCredentials> fromCommandLine(const QStringList &args, QString *error)
{
    QCommandLineParser parser;
    parser.addOptions({{u"token-file"_s, u"t"_s, u"F"_s}, {u"user"_s, u"u"_s, u"U"_s},
                       {u"password-file"_s, u"p"_s, u"F"_s}, {u"cacert"_s, u"c"_s, u"F"_s}});
    if (!parser.parse(QStringList{u"oplensctl"_s} + args))
        qFatal("%s", qPrintable(parser.errorText()));
    return CommandLineCredentials::fromParser(parser, error);
}

int modeOf(const QString &path)
{
    struct stat st{};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

CertificateProblem aProblem(const QString &server)
{
    CertificateProblem p;
    p.server = server;
    QStringList bytes;
    for (int i = 0; i < 32; ++i)
        bytes << u"%1"_s.arg(i, 2, 16, QLatin1Char('0')).toUpper();
    p.fingerprint = bytes.join(u':');
    return p;
}

// Restores the umask a test changed.
struct Umask {
    mode_t before;
    explicit Umask(mode_t mask) : before(::umask(mask)) {}
    ~Umask() { ::umask(before); }
};

} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Before: --token-file "" was taken as not given, and OPLENS_TOKEN was sent instead.
    void anEmptyFileNameIsRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        QTest::newRow("--token-file \"\"") << QStringList{u"--token-file"_s, QString()} << u"--token-file: the file name is empty"_s;
        QTest::newRow("--token-file=") << QStringList{u"--token-file="_s} << u"--token-file: the file name is empty"_s;
        QTest::newRow("--password-file \"\"") << QStringList{u"--user"_s, u"alice"_s, u"--password-file"_s, QString()}
                                              << u"--password-file: the file name is empty"_s;
    }
    void anEmptyFileNameIsRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        qputenv("OPLENS_TOKEN", "from-the-environment");
        QString why;
        const auto credentials = fromCommandLine(args, &why);
        QVERIFY2(!credentials, credentials ? credentials->token.constData() : "");
        QCOMPARE(why, error);
        qunsetenv("OPLENS_TOKEN");
    }

    void notGivenFallsBackToTheEnvironment()
    {
        qputenv("OPLENS_TOKEN", "from-the-environment");
        QString why;
        const auto credentials = fromCommandLine({}, &why);
        QVERIFY2(credentials, qPrintable(why));
        QCOMPARE(credentials->token, QByteArray("from-the-environment"));
        QVERIFY(!credentials->tokenFromFile);
        qunsetenv("OPLENS_TOKEN");
        QTemporaryDir dir;
        const QString file = dir.filePath(u"token"_s);
        QVERIFY(testfiles::writeFile(file, "from-the-file\n"));
        const auto given = fromCommandLine({u"--token-file"_s, file}, &why);
        QVERIFY2(given, qPrintable(why));
        QCOMPARE(given->token, QByteArray("from-the-file"));
    }

    // Before: written 0644 in a 0755 folder (the umask's modes).
    void aWorkspacesSshConfigOnlyFromSshsOwnFolders()
    {
        QTemporaryDir home;
        const QByteArray realHome = qgetenv("HOME");
        const auto restore = qScopeGuard([&] { qputenv("HOME", realHome); });
        qputenv("HOME", home.path().toUtf8());
        QVERIFY(QDir(home.path()).mkpath(u".ssh"_s));
        const QString inSsh = home.path() + u"/.ssh/fleet-a.config"_s;
        const QString sent = home.path() + u"/Downloads/ssh_config"_s;
        QVERIFY(QDir(home.path()).mkpath(u"Downloads"_s));
        QVERIFY(testfiles::writeFile(inSsh, "Host *\n") && testfiles::writeFile(sent, "Host *\n  ProxyCommand touch x\n"));
        QCOMPARE(consoleSshConfigRefusal({}, {}), QString());
        QCOMPARE(consoleSshConfigRefusal(inSsh, {}), QString());
        QVERIFY(consoleSshConfigRefusal(sent, {}).contains(u"Choose it once in File > Connect"_s));
        QCOMPARE(consoleSshConfigRefusal(sent, sent), QString()); // the admin gave it with --ssh-config
        QCOMPARE(consoleSshConfigRefusal(sent, {}, {QFileInfo(sent).canonicalFilePath()}), QString()); // chosen before
        QVERIFY(!consoleSshConfigRefusal(sent, {}, {inSsh}).isEmpty());
        // A link in ~/.ssh to a file elsewhere, and a path that climbs out, count where they lead.
        QVERIFY(QFile::link(sent, home.path() + u"/.ssh/link.config"_s));
        QVERIFY(!consoleSshConfigRefusal(home.path() + u"/.ssh/link.config"_s, {}).isEmpty());
        QVERIFY(!consoleSshConfigRefusal(home.path() + u"/.ssh/../Downloads/ssh_config"_s, {}).isEmpty());
        QVERIFY(consoleSshConfigRefusal(home.path() + u"/.ssh/missing"_s, {}).contains(u"does not exist"_s));
    }

    void trustedCertificatesAreTheAdminsAlone_data()
    {
        QTest::addColumn<bool>("folderExists");
        QTest::newRow("new folder, umask 022") << false;
        QTest::newRow("existing 0755 folder and 0644 file, umask 022") << true;
    }
    void trustedCertificatesAreTheAdminsAlone()
    {
        QFETCH(bool, folderExists);
        QTemporaryDir home;
        const QString folder = home.filePath(u"OpLens"_s), path = folder + u"/trusted-certificates"_s;
        const Umask mask(022);
        if (folderExists) {
            QVERIFY(QDir().mkpath(folder));
            QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0755) == 0);
            QVERIFY(testfiles::writeFile(path, "# host:port SHA-256\n"));
            QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        }
        TrustedCertificates trusted(path);
        QString error;
        QVERIFY2(trusted.trust(aProblem(u"mail1.example.com:8470"_s), &error), qPrintable(error));
        QCOMPARE(modeOf(folder), 0700);
        QCOMPARE(modeOf(path), 0600);
        QCOMPARE(trusted.fingerprintFor(u"mail1.example.com:8470"_s), aProblem(u"x:1"_s).fingerprint);
        // Again (the file replaced by a new one): still the admin's alone.
        QVERIFY2(trusted.trust(aProblem(u"mail2.example.com:8470"_s), &error), qPrintable(error));
        QCOMPARE(modeOf(path), 0600);
        QCOMPARE(testfiles::filesIn(folder), QStringList{u"trusted-certificates"_s});
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
