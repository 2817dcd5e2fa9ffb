// oplensctl run as a process by the tests of tests/app: its exit code and outputs, and the test data's paths.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>

namespace oplensctlrun {

struct Run {
    int exitCode = -1;
    QString out, err;
    QByteArray bytes; // standard output as written
};

// `adjust` changes the child's environment (TZ=UTC already).
inline Run oplensctl(const QStringList &args, const QByteArray &input = {},
                     const std::function<void(QProcessEnvironment &)> &adjust = {})
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    if (adjust)
        adjust(env);
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(OPLENSCTL), args);
    if (!process.waitForStarted())
        return {};
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(60000);
    const QByteArray out = process.readAllStandardOutput();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString::fromUtf8(out),
            QString::fromUtf8(process.readAllStandardError()), out};
}

// tests/data/NAME.
inline QString data(const char *name) { return QStringLiteral(TEST_DATA "/") + QLatin1String(name); }

} // namespace oplensctlrun
