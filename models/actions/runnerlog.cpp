#include "runnerlog.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace oplens {

namespace {

qint64 sizeOf(const QByteArray &path) // -1: no such file
{
    struct stat st{};
    return ::stat(path.constData(), &st) == 0 ? qint64(st.st_size) : -1;
}

// The writer's message ends with the system's reason ("cannot write /x: No space left on device"): keep that.
QString reasonOf(const QString &error)
{
    const qsizetype colon = error.lastIndexOf(QLatin1String(": "));
    return colon < 0 ? error : error.mid(colon + 2);
}

} // namespace

QString freeSpaceProblem(const QString &path, qint64 minFreeBytes)
{
    if (minFreeBytes <= 0)
        return {};
    const QFileInfo info(path);
    const QString where = info.exists() ? path : info.absolutePath();
    struct statvfs fs{};
    if (::statvfs(QFile::encodeName(where).constData(), &fs) != 0)
        return {};
    const qint64 free = qint64(fs.f_bavail) * qint64(fs.f_frsize);
    if (free >= minFreeBytes)
        return {};
    return QStringLiteral("only %1 bytes free on its filesystem, less than the margin of %2 bytes").arg(free).arg(minFreeBytes);
}

QString appendWholeOrNothing(const QString &path, const RunnerEvent &event)
{
    const QByteArray name = QFile::encodeName(path);
    const qint64 before = sizeOf(name);
    const QString error = appendRunnerEvent(path, event);
    if (error.isEmpty())
        return {};
    // A full filesystem may take the part of the line that fits in the file's last block: take it back, so that no
    // reader ever sees a cut line (and the next event is not glued to it).
    if (sizeOf(name) > std::max<qint64>(before, 0) && ::truncate(name.constData(), std::max<qint64>(before, 0)) != 0)
        return QStringLiteral("%1 (and the partial line could not be removed: %2)")
            .arg(reasonOf(error), QString::fromLocal8Bit(std::strerror(errno)));
    if (error.endsWith(QLatin1String("only part of the line was written"))) {
        struct statvfs fs{}; // a short write means the filesystem filled up: say so when it did
        if (::statvfs(name.constData(), &fs) == 0 && fs.f_bavail == 0)
            return QStringLiteral("%1 (only part of the line could be written)").arg(QString::fromLocal8Bit(std::strerror(ENOSPC)));
    }
    return reasonOf(error);
}

} // namespace oplens
