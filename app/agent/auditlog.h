// The audit log (docs/agent.md section 6): one JSON line per request, appended with one write() and fsync(); with a
// cap, the file is renamed to FILE.1 (replacing the previous one) before a line would take it past the cap.
// Main thread only.
#pragma once

#include <QJsonObject>
#include <QString>

namespace oplens::agent {

class AuditLog
{
public:
    static constexpr int kMaxPathBytes = 512; // a path (with its query) is cut to this many bytes of UTF-8

    AuditLog(QString path, qint64 maxBytes); // maxBytes 0: no cap
    // Appends `line`. A failure is printed on standard error once (until the error changes); the request is still
    // answered.
    void append(const QJsonObject &line);

    // `path` cut to kMaxPathBytes bytes, at a character boundary.
    static QString cutPath(const QByteArray &path);

private:
    QString rotate(qint64 adding); // empty, or why the file could not be renamed

    QString m_path;
    qint64 m_maxBytes;
    QString m_error;
};

} // namespace oplens::agent
