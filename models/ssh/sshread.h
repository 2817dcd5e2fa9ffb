// One read of a piece of a remote file over SSH: `ssh ... sh -s` through the server's shared connection, the script on
// standard input, the header line (size and device:inode of the file opened) then exactly the bytes the header
// promises. ssh's own messages come from its log file (-E), never from the server's standard error. A failed connection
// is retried once verbosely to say why (the host key's fingerprint, the keys offered). Asynchronous, on its thread.
#pragma once

#include "ssherror.h"
#include "sshcommand.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QTemporaryFile>
#include <QTimer>
#include <memory>

namespace oplens {

class SshRead : public QObject
{
    Q_OBJECT
public:
    explicit SshRead(SshTarget target, QObject *parent = nullptr);
    ~SshRead() override; // a read still running is killed

    // Reads at most `length` bytes of `path` from offset `from` (length 0: only the header).
    void start(const QString &path, qint64 from, qint64 length);
    QByteArray takeData();                  // the bytes received since the last call
    const SshFailure &failure() const { return m_failure; } // problem None: it succeeded
    const SshFileInfo &info() const { return m_info; }

Q_SIGNALS:
    void headerRead();  // info() holds the file's size and identity
    void dataRead();    // takeData() has bytes
    void finished();    // failure() says how it ended; nothing follows

private:
    void readOutput();
    void processEnded(int exitCode, QProcess::ExitStatus status);
    bool readHeader(QByteArray *bytes);
    void diagnose();
    void diagnosed();
    void finish(const SshFailure &failure);
    std::unique_ptr<QProcess> newProcess();

    SshTarget m_target;
    QString m_path;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QProcess> m_diagnostic;
    QTemporaryFile m_log;   // ssh's own messages (-E)
    QTemporaryFile m_diagnosticLog;
    QTimer m_idle;          // no header, or then no byte, for this long: the read is given up
    QByteArray m_pending;   // standard output before the header line was complete
    QByteArray m_data;
    QByteArray m_stderr;
    qint64 m_from = 0, m_asked = 0;
    qint64 m_expected = -1, m_received = 0; // bytes the header promised (sshPieceLength), and received after it
    bool m_headerSeen = false;
    bool m_done = false;
    SshFileInfo m_info;
    SshFailure m_failure;
};

} // namespace oplens
