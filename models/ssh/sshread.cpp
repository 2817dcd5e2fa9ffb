#include "sshread.h"

#include <QDir>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace oplens {

namespace {
constexpr int kIdleMs = 60 * 1000;          // ServerAlive notices a dead connection in 45 s; this is the last resort
constexpr int kDiagnosisMs = 30 * 1000;
constexpr qsizetype kStderrCap = 64 * 1024;
constexpr qsizetype kPreambleCap = 64 * 1024; // what a chatty login script may print before the header
constexpr qint64 kLogCap = 1 << 20;          // of ssh's log read back (a verbose log is a few KiB)

QByteArray readLog(QTemporaryFile &log)
{
    QFile file(log.fileName()); // ssh wrote it through its own descriptor
    return file.open(QIODevice::ReadOnly) ? file.read(kLogCap) : QByteArray();
}
} // namespace

SshRead::SshRead(SshTarget target, QObject *parent) : QObject(parent), m_target(std::move(target))
{
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_diagnostic) { // the verbose connection hangs: say what the first one said
            finish(describeSshConnectionFailure(m_target, readLog(m_log), readLog(m_diagnosticLog)));
            return;
        }
        finish({SshProblem::Unreachable, QStringLiteral("no answer from %1 over SSH for %2 s").arg(m_target.host).arg(kIdleMs / 1000)});
    });
}

SshRead::~SshRead()
{
    for (auto *process : {m_process.get(), m_diagnostic.get()}) {
        if (process) {
            process->disconnect(this);
            process->kill();
            process->waitForFinished(1000);
        }
    }
}

// An ssh of ours ends with this process, however it ends (oplensctl killed): only the shared connection, which ssh
// forks off on its own, outlives it.
std::unique_ptr<QProcess> SshRead::newProcess()
{
    auto process = std::make_unique<QProcess>();
#ifdef Q_OS_LINUX
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    return process;
}

void SshRead::start(const QString &path, qint64 from, qint64 length)
{
    m_path = path;
    m_from = from;
    m_asked = length;
    const QString program = sshProgram();
    QString folderError;
    const QString folder = program.isEmpty() ? QString() : sshControlFolder(&folderError);
    m_log.setFileTemplate(QDir::tempPath() + QStringLiteral("/oplens-ssh-log-XXXXXX"));
    if (program.isEmpty() || folder.isEmpty() || !m_log.open()) {
        const SshFailure why{SshProblem::Other, program.isEmpty() ? QStringLiteral("ssh is not installed (Debian's openssh-client package)")
                                                : folder.isEmpty()  ? folderError
                                                                    : QStringLiteral("cannot make ssh's log file: %1").arg(m_log.errorString())};
        QMetaObject::invokeMethod(this, [this, why] { finish(why); }, Qt::QueuedConnection);
        return;
    }
    m_process = newProcess();
    connect(m_process.get(), &QProcess::readyReadStandardOutput, this, &SshRead::readOutput);
    connect(m_process.get(), &QProcess::readyReadStandardError, this, [this] {
        const QByteArray more = m_process->readAllStandardError();
        m_stderr += more.left(kStderrCap - m_stderr.size());
    });
    connect(m_process.get(), &QProcess::finished, this, &SshRead::processEnded);
    connect(m_process.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish({SshProblem::Other, QStringLiteral("cannot run ssh: %1").arg(m_process->errorString())});
    });
    m_process->start(program, sshArguments(m_target, folder, m_log.fileName()));
    m_process->write(sshReadScript(path, from, length));
    m_process->closeWriteChannel();
    m_idle.start(kIdleMs);
}

QByteArray SshRead::takeData()
{
    return std::exchange(m_data, {});
}

// The header is the first line that starts with the marker: what a login script printed before it is skipped. False
// while it is not complete, or when the read ended; `bytes` then holds what follows it.
bool SshRead::readHeader(QByteArray *bytes)
{
    m_pending += *bytes;
    bytes->clear();
    qsizetype at = m_pending.startsWith(kSshHeaderMarker) ? 0 : m_pending.indexOf(QByteArray("\n") + kSshHeaderMarker);
    if (at > 0)
        ++at;
    const qsizetype end = at < 0 ? -1 : m_pending.indexOf('\n', at);
    if (end < 0) {
        if (m_pending.size() > kPreambleCap)
            finish({SshProblem::Other, QStringLiteral("%1 printed something else than the file (a login script writing to "
                                                      "standard output?): %2").arg(m_target.host, QString::fromUtf8(m_pending.left(80)).simplified())});
        return false;
    }
    const qsizetype markerLength = qsizetype(sizeof(kSshHeaderMarker)) - 1;
    if (!parseSshHeader(m_pending.mid(at + markerLength, end - at - markerLength), &m_info)) {
        finish({SshProblem::Other, QStringLiteral("%1 answered with a header OpLens does not understand: %2")
                                       .arg(m_target.host, QString::fromUtf8(m_pending.mid(at, 80)).simplified())});
        return false;
    }
    m_headerSeen = true;
    m_expected = sshPieceLength(m_info.size, m_from, m_asked);
    *bytes = m_pending.mid(end + 1);
    m_pending.clear();
    return true;
}

void SshRead::readOutput()
{
    if (m_done)
        return;
    QByteArray bytes = m_process->readAllStandardOutput();
    if (!m_headerSeen) { // the deadline runs until the header: a trickling preamble does not hold it off
        if (!readHeader(&bytes))
            return;
        Q_EMIT headerRead();
        if (m_done)
            return; // the reader stopped here (the file was replaced)
    }
    m_idle.start(kIdleMs);
    if (bytes.isEmpty())
        return;
    m_received += bytes.size();
    if (m_received > m_expected) { // not our script's answer: what follows it must not pass for the file
        finish({SshProblem::Other, QStringLiteral("%1 sent more than the %2 bytes its header announced").arg(m_target.host).arg(m_expected)});
        return;
    }
    m_data += bytes;
    Q_EMIT dataRead();
}

void SshRead::processEnded(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    m_stderr += m_process->readAllStandardError().left(kStderrCap - m_stderr.size());
    if (m_done)
        return;
    // 255 with a word of ssh's own in its log: the connection or the login failed. The remote side's 255 logs nothing.
    const QByteArray log = readLog(m_log);
    if (status != QProcess::NormalExit) {
        finish({SshProblem::Other, QStringLiteral("ssh stopped unexpectedly")});
    } else if (exitCode == kSshFailed && !log.trimmed().isEmpty() && !m_headerSeen) {
        if (sshNeedsDiagnosis(classifySshError(log)))
            diagnose();
        else
            finish(describeSshConnectionFailure(m_target, log, {}));
    } else if (exitCode != 0) {
        finish(describeSshScriptFailure(m_target, m_path, exitCode, m_stderr));
    } else if (!m_headerSeen) {
        finish({SshProblem::Other, QStringLiteral("%1 answered without the file's size (no POSIX sh there?): %2")
                                       .arg(m_target.host, QString::fromUtf8(m_pending.left(80)).simplified())});
    } else if (m_received < m_expected) { // tail failed, or the file was cut meanwhile
        const QString said = sshLastWords(m_stderr);
        finish({SshProblem::Other, QStringLiteral("%1 sent %2 of the %3 bytes its header announced%4").arg(m_target.host)
                                       .arg(m_received).arg(m_expected).arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said)});
    } else {
        finish({});
    }
}

// A verbose connection of its own says what the failed one could not: the host key it was sent, the keys offered.
// Its log goes to a file read at most kLogCap of; whatever the server sends it is thrown away.
void SshRead::diagnose()
{
    m_diagnosticLog.setFileTemplate(QDir::tempPath() + QStringLiteral("/oplens-ssh-log-XXXXXX"));
    if (!m_diagnosticLog.open()) {
        finish(describeSshConnectionFailure(m_target, readLog(m_log), {}));
        return;
    }
    m_diagnostic = newProcess();
    m_diagnostic->setStandardInputFile(QProcess::nullDevice());
    m_diagnostic->setStandardOutputFile(QProcess::nullDevice());
    m_diagnostic->setStandardErrorFile(QProcess::nullDevice());
    connect(m_diagnostic.get(), &QProcess::finished, this, &SshRead::diagnosed);
    connect(m_diagnostic.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            diagnosed();
    });
    m_idle.start(kDiagnosisMs);
    m_diagnostic->start(sshProgram(), sshDiagnosticArguments(m_target, m_diagnosticLog.fileName()));
}

void SshRead::diagnosed()
{
    finish(describeSshConnectionFailure(m_target, readLog(m_log), readLog(m_diagnosticLog)));
}

void SshRead::finish(const SshFailure &failure)
{
    if (m_done)
        return;
    m_done = true;
    m_idle.stop();
    m_failure = failure;
    for (auto *process : {m_process.get(), m_diagnostic.get()}) {
        if (process && process->state() != QProcess::NotRunning) {
            process->disconnect(this);
            process->kill();
        }
    }
    Q_EMIT finished();
}

} // namespace oplens
