#include "secretstore.h"

#include <QFileInfo>

#include <qt6keychain/keychain.h>

namespace oplens::ui {

namespace {
const QString kService = QStringLiteral("OpLens");

// Without a session bus there is no keychain to talk to, and asking would have D-Bus start one (dbus-launch), which
// can block this thread for good.
QString unavailable()
{
    const bool bus = !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")
                     || (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")
                         && QFileInfo::exists(qEnvironmentVariable("XDG_RUNTIME_DIR") + QStringLiteral("/bus")));
    return bus ? QString() : QStringLiteral("no desktop keychain (no D-Bus session)");
}
} // namespace

QString SecretStore::keyFor(const RemoteSpec &spec)
{
    return spec.auth == RemoteSpec::Auth::Basic ? QStringLiteral("%1 as %2").arg(spec.name(), spec.user) : spec.name();
}

void SecretStore::read(const QString &key, QObject *context, std::function<void(const QByteArray &, const QString &)> done)
{
    if (const QString why = unavailable(); !why.isEmpty()) {
        QMetaObject::invokeMethod(context, [done, why] { done({}, why); }, Qt::QueuedConnection);
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done](QKeychain::Job *) {
        if (job->error() == QKeychain::NoError)
            done(job->binaryData(), {});
        else if (job->error() == QKeychain::EntryNotFound)
            done({}, {});
        else
            done({}, job->errorString());
    });
    job->start();
}

void SecretStore::write(const QString &key, const QByteArray &secret, QObject *context, std::function<void(const QString &)> done)
{
    if (const QString why = unavailable(); !why.isEmpty()) {
        QMetaObject::invokeMethod(context, [done, why] { done(why); }, Qt::QueuedConnection);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(key);
    job->setBinaryData(secret);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done](QKeychain::Job *) {
        done(job->error() == QKeychain::NoError ? QString() : job->errorString());
    });
    job->start();
}

void SecretStore::remove(const QString &key)
{
    if (!unavailable().isEmpty())
        return;
    auto *job = new QKeychain::DeletePasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(key);
    job->start();
}

} // namespace oplens::ui
