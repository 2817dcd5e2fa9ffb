#include "sshread.h"

namespace oplens {

namespace {
constexpr int kIdleMs = 60 * 1000;          // ServerAlive notices a dead connection in 45 s; this is the last resort
constexpr qsizetype kStderrCap = 64 * 1024;
constexpr qsizetype kPreambleCap = 64 * 1024; // what a chatty login script may print before the header
} // namespace

SshRead::SshRead(SshTarget target, QObject *parent) : QObject(parent), m_target(std::move(target))
{
    m_idle.setSingleShot(true);
    m_idle.setInterval(kIdleMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
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

void SshRead::start(const QString &path, qint64 from, qint64 length)
{
    m_path = path;
    m_asked = length;
    const QString program = sshProgram();
    QString folderError;
    const QString folder = program.isEmpty() ? QString() : sshControlFolder(&folderError);
    if (program.isEmpty() || folder.isEmpty()) {
        const SshFailure why{SshProblem::Other, program.isEmpty()
                                                    ? QStringLiteral("ssh is not installed (Debian's openssh-client package)")
                                                    : folderError};
        QMetaObject::invokeMethod(this, [this, why] { finish(why); }, Qt::QueuedConnection);
        return;
    }
    m_process = std::make_unique<QProcess>();
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
    m_process->start(program, sshArguments(m_target, folder));
    m_process->write(sshReadScript(path, from, length));
    m_process->closeWriteChannel();
    m_idle.start();
}

QByteArray SshRead::takeData()
{
    return std::exchange(m_data, {});
}

void SshRead::readOutput()
{
    if (m_done)
        return;
    m_idle.start();
    QByteArray bytes = m_process->readAllStandardOutput();
    if (!m_headerSeen) {
        m_pending += bytes;
        // The header is the first line that starts with the marker: what a login script printed before it is skipped.
        qsizetype at = m_pending.startsWith(kSshHeaderMarker) ? 0 : m_pending.indexOf(QByteArray("\n") + kSshHeaderMarker);
        if (at > 0)
            ++at;
        const qsizetype end = at < 0 ? -1 : m_pending.indexOf('\n', at);
        if (end < 0) {
            if (m_pending.size() > kPreambleCap)
                finish({SshProblem::Other, QStringLiteral("%1 printed something else than the file (a login script writing to "
                                                          "standard output?): %2").arg(m_target.host, QString::fromUtf8(m_pending.left(80)).simplified())});
            return;
        }
        const qsizetype markerLength = qsizetype(sizeof(kSshHeaderMarker)) - 1;
        if (!parseSshHeader(m_pending.mid(at + markerLength, end - at - markerLength), &m_info)) {
            finish({SshProblem::Other, QStringLiteral("%1 answered with a header OpLens does not understand: %2")
                                           .arg(m_target.host, QString::fromUtf8(m_pending.mid(at, 80)).simplified())});
            return;
        }
        m_headerSeen = true;
        bytes = m_pending.mid(end + 1);
        m_pending.clear();
        Q_EMIT headerRead();
        if (m_done)
            return; // the reader stopped here (the file was replaced)
    }
    if (bytes.isEmpty())
        return;
    m_received += bytes.size();
    if (m_received > m_asked) { // not our script's answer: a server that sends without end must not fill the disk
        finish({SshProblem::Other, QStringLiteral("%1 sent more than the %2 bytes asked for").arg(m_target.host).arg(m_asked)});
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
    if (status != QProcess::NormalExit) {
        finish({SshProblem::Other, QStringLiteral("ssh stopped unexpectedly")});
    } else if (exitCode == 255) {
        if (sshNeedsDiagnosis(classifySshError(m_stderr)))
            diagnose();
        else
            finish(describeSshConnectionFailure(m_target, m_stderr, {}));
    } else if (exitCode != 0) {
        finish(describeSshScriptFailure(m_target, m_path, exitCode, m_stderr));
    } else if (!m_headerSeen) {
        finish({SshProblem::Other, QStringLiteral("%1 answered without the file's size (no POSIX sh there?): %2")
                                       .arg(m_target.host, QString::fromUtf8(m_pending.left(80)).simplified())});
    } else {
        finish({});
    }
}

// A verbose connection of its own says what the failed one could not: the host key it was sent, the keys offered.
void SshRead::diagnose()
{
    m_diagnostic = std::make_unique<QProcess>();
    m_diagnostic->setProcessChannelMode(QProcess::MergedChannels);
    m_diagnostic->setStandardInputFile(QProcess::nullDevice());
    auto done = [this] {
        const QByteArray log = m_diagnostic->readAll().left(1 << 20);
        finish(describeSshConnectionFailure(m_target, m_stderr, log));
    };
    connect(m_diagnostic.get(), &QProcess::finished, this, done);
    connect(m_diagnostic.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish(describeSshConnectionFailure(m_target, m_stderr, {}));
    });
    m_idle.start(30 * 1000);
    m_diagnostic->start(sshProgram(), sshDiagnosticArguments(m_target));
}

void SshRead::finish(const SshFailure &failure)
{
    if (m_done)
        return;
    m_done = true;
    m_idle.stop();
    m_failure = failure;
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
    }
    Q_EMIT finished();
}

} // namespace oplens
