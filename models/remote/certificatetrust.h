// Certificates that do not verify: their details in words, and the ones the admin chose to trust for one server, kept
// like SSH's known_hosts (one line per host:port with the certificate's SHA-256). Nothing else ever skips verification.
#pragma once

#include <QDateTime>
#include <QList>
#include <QSslError>
#include <QString>
#include <QStringList>

class QNetworkReply;
class QSslCertificate;

namespace oplens {

struct CertificateProblem {
    QString server;       // host:port
    QString subject, issuer;
    QString fingerprint;  // SHA-256, "AB:CD:..."
    QDateTime notBefore, notAfter;
    QStringList errors;
    bool changed = false; // another certificate was trusted for this server: it changed, or someone is in between

    bool isNull() const { return fingerprint.isEmpty(); }
    QString describe() const; // a headline and details(), for the Sources pane and oplensctl
    QString details() const;  // subject, issuer, fingerprint, validity, errors: one per line
};

QString certificateFingerprint(const QSslCertificate &certificate);
// `leaf`: the server's own certificate (the errors may name a CA of its chain instead).
CertificateProblem certificateProblem(const QString &server, const QSslCertificate &leaf, const QList<QSslError> &errors);

class TrustedCertificates
{
public:
    // $XDG_CONFIG_HOME/OpLens/trusted-certificates (the console and oplensctl share it).
    static QString defaultPath();
    explicit TrustedCertificates(QString path = defaultPath());

    QString fingerprintFor(const QString &server) const; // empty: none trusted
    // Adds or replaces the line for `server`; false with `error` when the file cannot be written.
    bool trust(const CertificateProblem &problem, QString *error);

private:
    QString m_path;
};

// Watches `reply` for TLS errors: they are ignored only when the server's certificate is the one trusted for it;
// otherwise the reply fails, and certificateProblemOf(reply) gives the certificate's details.
void checkCertificates(QNetworkReply *reply);
CertificateProblem certificateProblemOf(const QNetworkReply *reply);

} // namespace oplens
