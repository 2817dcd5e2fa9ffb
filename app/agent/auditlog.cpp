#include "auditlog.h"

#include "oplogwriter.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace oplens::agent {

AuditLog::AuditLog(QString path, qint64 maxBytes) : m_path(std::move(path)), m_maxBytes(maxBytes) {}

QString AuditLog::cutPath(const QByteArray &path)
{
    if (path.size() <= kMaxPathBytes)
        return QString::fromUtf8(path);
    qsizetype end = kMaxPathBytes;
    while (end > 0 && (static_cast<unsigned char>(path[end]) & 0xC0) == 0x80) // path[end] continues a character
        --end;
    return QString::fromUtf8(path.left(end));
}

QString AuditLog::rotate(qint64 adding)
{
    const QFileInfo file(m_path);
    if (m_maxBytes <= 0 || !file.exists() || file.size() == 0 || file.size() + adding <= m_maxBytes)
        return {};
    const QString previous = m_path + QStringLiteral(".1");
    if (std::rename(QFile::encodeName(m_path).constData(), QFile::encodeName(previous).constData()) != 0)
        return QStringLiteral("cannot rename %1 to %2: %3").arg(m_path, previous, QString::fromLocal8Bit(std::strerror(errno)));
    return {};
}

void AuditLog::append(const QJsonObject &line)
{
    std::string text = QJsonDocument(line).toJson(QJsonDocument::Compact).toStdString();
    QString error = rotate(qint64(text.size()) + 1); // a file that cannot be renamed grows on: the line is kept
    if (const QString written = appendOplogLine(m_path, std::move(text)); !written.isEmpty())
        error = written;
    if (!error.isEmpty() && error != m_error)
        std::fprintf(stderr, "oplensd: audit log: %s\n", qPrintable(error));
    m_error = error;
}

} // namespace oplens::agent
