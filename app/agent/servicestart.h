// When the watched service last started (docs/agent.md, service.startedAtCommand): the command is run at start and every
// 60 s as a child process, never waited for on the agent's thread; its answer arrives as a signal.
#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>
#include <optional>

class QProcess;

namespace oplens::agent {

// `systemctl show -P ActiveEnterTimestamp` prints "Thu 2026-11-26 04:00:00 UTC"; epoch seconds or ms, ISO 8601 too.
std::optional<int64_t> parseStartedAt(QString text);

class ServiceStartWatcher : public QObject
{
    Q_OBJECT
public:
    explicit ServiceStartWatcher(QStringList command, QObject *parent = nullptr);
    // Runs the command now and every 60 s (nothing when there is no command).
    void start();
    // Waits up to `ms` for the first answer (at start-up, before serving: the first /v1/status already has it).
    void waitForFirst(int ms);

Q_SIGNALS:
    void startedAt(qint64 epochMs);

private:
    void ask();
    void answered();

    QStringList m_command;
    QProcess *m_process = nullptr; // the query running now, if any
    QTimer m_every, m_limit;
};

} // namespace oplens::agent
