#include "mirrorfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSysInfo>

#include <cerrno>
#include <csignal>

namespace oplens {

QString mirrorFolder()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/mirrors");
    return QDir().mkpath(dir) ? dir : QDir::tempPath();
}

// Mirrors are named after the process that owns them: one killed leaves its copies behind, and the next process
// removes them (copies of oplogs are not kept longer than they are shown).
std::unique_ptr<QTemporaryFile> newMirror()
{
    static const bool cleaned = [] {
        const QRegularExpression name(QStringLiteral("^oplog-(\\d+)-[A-Za-z0-9]{6}\\.(.+)\\.mirror$"));
        QDir dir(mirrorFolder());
        // Only this host's: a home shared between machines holds mirrors of processes this one cannot see.
        for (const QString &file : dir.entryList({QStringLiteral("oplog-*.mirror")}, QDir::Files)) {
            const QRegularExpressionMatch m = name.match(file);
            if (!m.hasMatch() || m.captured(2) != QSysInfo::machineHostName())
                continue;
            const pid_t owner = pid_t(m.captured(1).toLongLong());
            if (owner <= 0 || (::kill(owner, 0) != 0 && errno == ESRCH))
                dir.remove(file);
        }
        return true;
    }();
    Q_UNUSED(cleaned)
    auto mirror = std::make_unique<QTemporaryFile>(
        QStringLiteral("%1/oplog-%2-XXXXXX.%3.mirror").arg(mirrorFolder()).arg(QCoreApplication::applicationPid()).arg(QSysInfo::machineHostName()));
    mirror->open();
    return mirror;
}

} // namespace oplens
