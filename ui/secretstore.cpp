#include "secretstore.h"

#include <qt6keychain/keychain.h>

namespace oplens::ui {

namespace {
const QString kService = QStringLiteral("OpLens");
}

QString SecretStore::keyFor(const RemoteSpec &spec)
{
    return spec.auth == RemoteSpec::Auth::Basic ? QStringLiteral("%1 as %2").arg(spec.name(), spec.user) : spec.name();
}

void SecretStore::read(const QString &key, QObject *context, std::function<void(const QByteArray &, const QString &)> done)
{
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
    auto *job = new QKeychain::DeletePasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(key);
    job->start();
}

} // namespace oplens::ui
