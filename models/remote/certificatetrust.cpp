#include "certificatetrust.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSslCertificate>
#include <QStandardPaths>

namespace oplens {

namespace {
// One line per server: "host:port AB:CD:...:EF". Both are checked when written and when read: nothing a certificate
// says (its subject may hold any character, a line end too) is ever written into the file.
const QRegularExpression kServer(QStringLiteral("^[A-Za-z0-9.:\\[\\]_-]+:[0-9]{1,5}$"));
const QRegularExpression kFingerprint(QStringLiteral("^[0-9A-F]{2}(:[0-9A-F]{2}){31}$"));

QString names(const QSslCertificate &c, bool issuer)
{
    QStringList parts;
    const auto field = [&](QSslCertificate::SubjectInfo info, const char *label) {
        const QStringList values = issuer ? c.issuerInfo(info) : c.subjectInfo(info);
        if (!values.isEmpty())
            parts << QStringLiteral("%1=%2").arg(QLatin1String(label), values.join(QLatin1Char('/')));
    };
    field(QSslCertificate::CommonName, "CN");
    field(QSslCertificate::Organization, "O");
    field(QSslCertificate::OrganizationalUnitName, "OU");
    return parts.isEmpty() ? QStringLiteral("(none)") : parts.join(QLatin1String(", "));
}

QString serverOf(const QUrl &url)
{
    return QStringLiteral("%1:%2").arg(url.host(QUrl::EncodeUnicode)).arg(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}
} // namespace

QString CertificateProblem::describe() const
{
    return (changed ? QStringLiteral("WARNING: the certificate of %1 is not the one you trusted before.\n").arg(server)
                    : QStringLiteral("The certificate of %1 does not verify.\n").arg(server))
        + details();
}

QString CertificateProblem::details() const
{
    QString text = QStringLiteral("Subject: %1\nIssuer: %2\nSHA-256: %3\n").arg(subject, issuer, fingerprint);
    if (notBefore.isValid())
        text += QStringLiteral("Valid: %1 to %2\n")
                    .arg(notBefore.toUTC().toString(Qt::ISODate), notAfter.toUTC().toString(Qt::ISODate));
    text += QStringLiteral("Errors: %1").arg(errors.join(QLatin1String("; ")));
    return text;
}

QString certificateFingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

CertificateProblem certificateProblem(const QString &server, const QSslCertificate &leaf, const QList<QSslError> &errors)
{
    CertificateProblem p;
    p.server = server;
    for (const QSslError &e : errors)
        p.errors << e.errorString();
    p.errors.removeDuplicates();
    if (!leaf.isNull()) {
        p.subject = names(leaf, false);
        p.issuer = names(leaf, true);
        p.fingerprint = certificateFingerprint(leaf);
        p.notBefore = leaf.effectiveDate();
        p.notAfter = leaf.expiryDate();
    }
    return p;
}

QString TrustedCertificates::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/OpLens/trusted-certificates");
}

TrustedCertificates::TrustedCertificates(QString path) : m_path(std::move(path)) {}

QString TrustedCertificates::fingerprintFor(const QString &server) const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (fields.size() >= 2 && fields[0] == server && kFingerprint.match(fields[1]).hasMatch())
            return fields[1];
    }
    return {};
}

bool TrustedCertificates::trust(const CertificateProblem &problem, QString *error)
{
    if (problem.isNull() || !kServer.match(problem.server).hasMatch() || !kFingerprint.match(problem.fingerprint).hasMatch()) {
        *error = QStringLiteral("no certificate to trust");
        return false;
    }
    QByteArray kept;
    QFile old(m_path);
    if (old.open(QIODevice::ReadOnly)) {
        while (!old.atEnd()) {
            const QByteArray line = old.readLine();
            if (!line.startsWith(problem.server.toUtf8() + ' '))
                kept += line;
        }
    }
    // Whom the admin trusts is theirs alone: the folder 0700 and the file 0600, whatever the umask or an older
    // folder's mode. The file is written 0600 before it takes the name.
    const QString folder = QFileInfo(m_path).absolutePath();
    const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!QDir().mkpath(folder) || !QFile::setPermissions(folder, ownerOnly | QFileDevice::ExeOwner)) {
        *error = QStringLiteral("%1: cannot create it or make it private").arg(folder);
        return false;
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(ownerOnly)) {
        *error = QStringLiteral("%1: %2").arg(m_path, file.errorString());
        return false;
    }
    if (kept.isEmpty())
        kept = "# host:port SHA-256: certificates trusted for one server each (OpLens)\n";
    file.write(kept);
    file.write(QStringLiteral("%1 %2\n").arg(problem.server, problem.fingerprint).toUtf8());
    if (!file.commit()) {
        *error = QStringLiteral("%1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

void checkCertificates(QNetworkReply *reply)
{
    QObject::connect(reply, &QNetworkReply::sslErrors, reply, [reply](const QList<QSslError> &errors) {
        const QString server = serverOf(reply->url());
        const QString trusted = TrustedCertificates().fingerprintFor(server);
        QSslCertificate leaf = reply->sslConfiguration().peerCertificate();
        if (leaf.isNull() && !errors.isEmpty())
            leaf = errors.first().certificate();
        if (!trusted.isEmpty() && !leaf.isNull() && certificateFingerprint(leaf) == trusted) {
            reply->ignoreSslErrors(errors); // exactly these errors, of the one certificate the admin trusted here
            return;
        }
        CertificateProblem p = certificateProblem(server, leaf, errors);
        p.changed = !trusted.isEmpty();
        reply->setProperty("oplensCertificate", QVariantList{p.server, p.subject, p.issuer, p.fingerprint, p.notBefore,
                                                             p.notAfter, p.errors, p.changed});
    });
}

CertificateProblem certificateProblemOf(const QNetworkReply *reply)
{
    const QVariantList v = reply->property("oplensCertificate").toList();
    CertificateProblem p;
    if (v.size() != 8)
        return p;
    p.server = v[0].toString();
    p.subject = v[1].toString();
    p.issuer = v[2].toString();
    p.fingerprint = v[3].toString();
    p.notBefore = v[4].toDateTime();
    p.notAfter = v[5].toDateTime();
    p.errors = v[6].toStringList();
    p.changed = v[7].toBool();
    return p;
}

} // namespace oplens
