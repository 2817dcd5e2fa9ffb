#include "servicestart.h"

#include <QDateTime>
#include <QEventLoop>
#include <QProcess>
#include <QTimeZone>

namespace oplens::agent {

std::optional<int64_t> parseStartedAt(QString text)
{
    text = text.trimmed();
    bool isNumber = false;
    const qint64 number = text.toLongLong(&isNumber);
    if (isNumber && number > 0)
        return number < 100'000'000'000LL ? number * 1000 : number;
    QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!when.isValid()) {
        const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.size() >= 3) {
            when = QDateTime::fromString(parts[1] + QLatin1Char(' ') + parts[2], QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            if (parts.size() >= 4 && (parts[3] == QLatin1String("UTC") || parts[3] == QLatin1String("GMT")))
                when.setTimeZone(QTimeZone::utc());
        }
    }
    return when.isValid() ? std::optional<int64_t>(when.toMSecsSinceEpoch()) : std::nullopt;
}

ServiceStartWatcher::ServiceStartWatcher(QStringList command, QObject *parent)
    : QObject(parent), m_command(std::move(command))
{
    m_every.setInterval(60 * 1000);
    connect(&m_every, &QTimer::timeout, this, &ServiceStartWatcher::ask);
    m_limit.setSingleShot(true);
    m_limit.setInterval(5000); // a command that hangs is killed; the previous value stays
    connect(&m_limit, &QTimer::timeout, this, [this] {
        if (m_process)
            m_process->kill(); // finished() follows, and cleans up
    });
}

void ServiceStartWatcher::start()
{
    if (m_command.isEmpty())
        return;
    ask();
    m_every.start();
}

void ServiceStartWatcher::waitForFirst(int ms)
{
    if (!m_process)
        return;
    QEventLoop loop;
    connect(m_process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

void ServiceStartWatcher::ask()
{
    if (m_process)
        return; // the previous query still runs
    m_process = new QProcess(this);
    connect(m_process, &QProcess::finished, this, &ServiceStartWatcher::answered);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            answered();
    });
    m_process->start(m_command.first(), m_command.mid(1), QIODevice::ReadOnly);
    m_limit.start();
}

// A failure or an answer that does not read as a time keeps the previous value.
void ServiceStartWatcher::answered()
{
    QProcess *process = std::exchange(m_process, nullptr);
    if (!process)
        return;
    m_limit.stop();
    process->deleteLater();
    if (process->exitStatus() != QProcess::NormalExit || process->exitCode() != 0)
        return;
    if (const auto when = parseStartedAt(QString::fromUtf8(process->readAllStandardOutput())))
        Q_EMIT startedAt(*when);
}

} // namespace oplens::agent
