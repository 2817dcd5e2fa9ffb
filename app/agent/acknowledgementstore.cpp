#include "acknowledgementstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace oplens::agent {

namespace {

const QString kAcknowledge = QStringLiteral("acknowledge"), kUnacknowledge = QStringLiteral("unacknowledge");

QByteArray lineOf(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

AcknowledgementStore::AcknowledgementStore(QString path, QObject *parent) : QObject(parent), m_path(std::move(path)) {}

QString AcknowledgementStore::keyOf(const QString &log, const QString &operationId)
{
    return log + QChar(0) + operationId;
}

QString AcknowledgementStore::load()
{
    m_current.clear();
    m_skipped = 0;
    QFile file(m_path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: %2").arg(m_path, file.errorString());
    const QByteArray all = file.readAll();
    m_unfinishedLine = !all.isEmpty() && !all.endsWith('\n');
    for (const QByteArray &line : all.split('\n'))
        if (!line.trimmed().isEmpty())
            apply(line);
    return {};
}

void AcknowledgementStore::apply(const QByteArray &line)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    const QString action = o.value(QStringLiteral("action")).toString();
    const QString log = o.value(QStringLiteral("log")).toString();
    const QString id = o.value(QStringLiteral("operationId")).toString();
    if (log.isEmpty() || id.isEmpty() || (action != kAcknowledge && action != kUnacknowledge)) {
        ++m_skipped; // not ours, or a line a crash cut short
        return;
    }
    if (action == kUnacknowledge) {
        m_current.remove(keyOf(log, id));
        return;
    }
    m_current.insert(keyOf(log, id), {log, id, o.value(QStringLiteral("by")).toString(),
                                      o.value(QStringLiteral("comment")).toString(),
                                      qint64(o.value(QStringLiteral("at")).toDouble())});
}

QString AcknowledgementStore::append(const QByteArray &line)
{
    const QByteArray bytes = m_unfinishedLine ? '\n' + line : line;
    const QByteArray path = QFile::encodeName(m_path);
    const int fd = ::open(path.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return QStringLiteral("%1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
    const ssize_t written = ::write(fd, bytes.constData(), size_t(bytes.size()));
    const int writeErrno = errno;
    const bool durable = written == bytes.size() && ::fsync(fd) == 0;
    const int syncErrno = errno;
    ::close(fd);
    if (!durable) {
        // A short write leaves a piece of a line: the next append starts on a line of its own.
        m_unfinishedLine = m_unfinishedLine || written > 0;
        const int e = written == bytes.size() ? syncErrno : (written < 0 ? writeErrno : ENOSPC);
        return QStringLiteral("%1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(e)));
    }
    m_unfinishedLine = false;
    return {};
}

QString AcknowledgementStore::acknowledge(const SharedAcknowledgement &a)
{
    const QJsonObject line{{QStringLiteral("action"), kAcknowledge}, {QStringLiteral("log"), a.log},
                           {QStringLiteral("operationId"), a.operationId}, {QStringLiteral("by"), a.by},
                           {QStringLiteral("at"), a.at}, {QStringLiteral("comment"), a.comment}};
    if (QString error = append(lineOf(line)); !error.isEmpty())
        return error;
    m_current.insert(keyOf(a.log, a.operationId), a);
    Q_EMIT changed(a.log, a.operationId, true);
    return {};
}

QString AcknowledgementStore::unacknowledge(const QString &log, const QString &operationId, const QString &by, qint64 at)
{
    const QJsonObject line{{QStringLiteral("action"), kUnacknowledge}, {QStringLiteral("log"), log},
                           {QStringLiteral("operationId"), operationId}, {QStringLiteral("by"), by},
                           {QStringLiteral("at"), at}};
    if (QString error = append(lineOf(line)); !error.isEmpty())
        return error;
    m_current.remove(keyOf(log, operationId));
    Q_EMIT changed(log, operationId, false);
    return {};
}

std::optional<SharedAcknowledgement> AcknowledgementStore::find(const QString &log, const QString &operationId) const
{
    const auto it = m_current.constFind(keyOf(log, operationId));
    return it == m_current.cend() ? std::nullopt : std::optional<SharedAcknowledgement>(*it);
}

bool AcknowledgementStore::isAcknowledged(const QString &log, const QString &operationId) const
{
    return m_current.contains(keyOf(log, operationId));
}

QList<SharedAcknowledgement> AcknowledgementStore::ofLog(const QString &log) const
{
    QList<SharedAcknowledgement> list;
    for (const SharedAcknowledgement &a : m_current)
        if (a.log == log)
            list.append(a);
    std::sort(list.begin(), list.end(), [](const auto &x, const auto &y) {
        return x.at != y.at ? x.at < y.at : x.operationId < y.operationId;
    });
    return list;
}

} // namespace oplens::agent
