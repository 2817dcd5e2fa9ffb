#include "oplogwriter.h"

#include "eventformat.h"

#include <QFile>
#include <QUuid>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

namespace oplens {

QString appendOplogLine(const QString &path, std::string line)
{
    line.push_back('\n');
    int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0 && errno == EACCES) // writable, not readable (a group's log): append without looking at its end
        fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    // A writer that died mid-line (a crash is what this is for) left a last line without its end: end it first, or
    // this event would be glued to it and both lost to every reader.
    struct stat st{};
    char last = '\n';
    if (::fstat(fd, &st) == 0 && st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
        line.insert(line.begin(), '\n');
    QString error;
    const ssize_t written = ::write(fd, line.data(), line.size());
    if (written != ssize_t(line.size()))
        error = written < 0 ? QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))
                            : QStringLiteral("cannot write %1: only part of the line was written").arg(path);
    else if (::fsync(fd) != 0)
        error = QStringLiteral("cannot make %1 durable: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    ::close(fd);
    return error;
}

QString appendRunnerEvent(const QString &path, const RunnerEvent &e)
{
    using ordered_json = nlohmann::ordered_json;
    ordered_json event;
    event["module"] = e.module.toStdString();
    event["name"] = e.name.toStdString();
    event["operationId"] = e.operationId.toStdString();
    if (!e.parameters.empty()) {
        const ordered_json parameters = ordered_json::parse(e.parameters, nullptr, false);
        if (parameters.is_object() && !parameters.empty())
            event["parameters"] = parameters;
    }
    if (e.opStartTime >= 0)
        event["OpStartTime"] = e.opStartTime;
    event["startTime"] = e.startTime;
    if (!e.requestedBy.isEmpty())
        event["requestedBy"] = e.requestedBy.toStdString();
    event["humanStartTime"] = humanTime(e.startTime, QTimeZone::systemTimeZone()).toStdString();
    event["type"] = e.type.toStdString();
    if (!e.host.isEmpty())
        event["host"] = e.host.toStdString();
    if (!e.restartOf.isEmpty())
        event["restartOf"] = e.restartOf.toStdString();
    event["runner"] = e.runner.toStdString();
    for (const auto &[key, raw] : e.extra)
        event[key] = ordered_json::parse(raw, nullptr, false);
    return appendOplogLine(path, event.dump(-1, ' ', false, ordered_json::error_handler_t::replace));
}

QString currentBootId()
{
    QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readAll()).trimmed();
}

QString newOperationId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

std::optional<int64_t> processStartTime(int64_t pid)
{
    if (pid <= 0 || (::kill(pid_t(pid), 0) != 0 && errno != EPERM))
        return std::nullopt;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray text = stat.readAll();
    // Fields after the command, which is in parentheses and may hold spaces; starttime is field 22.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 20)
        return std::nullopt;
    // A zombie (Z) or dead (X) process no longer runs: an orphan whose reaper does not reap it (a container's init)
    // stays in /proc, and kill(pid, 0) still succeeds.
    if (fields[0] == "Z" || fields[0] == "X")
        return std::nullopt;
    const double ticks = fields[19].toDouble();
    QFile procStat(QStringLiteral("/proc/stat"));
    if (!procStat.open(QIODevice::ReadOnly))
        return std::nullopt;
    int64_t bootTime = 0;
    for (const QByteArray &line : procStat.readAll().split('\n'))
        if (line.startsWith("btime "))
            bootTime = line.mid(6).trimmed().toLongLong();
    return int64_t((double(bootTime) + ticks / double(::sysconf(_SC_CLK_TCK))) * 1000.0);
}

} // namespace oplens
