// Secrets of remote sources in the desktop keychain (QtKeychain: the Secret Service or KWallet). Where there is no
// keychain, nothing is stored anywhere and the console asks again; secrets never reach a file or a log.
#pragma once

#include "remotespec.h"

#include <QObject>
#include <functional>

namespace oplens::ui {

class SecretStore
{
public:
    // The keychain entry of a source: its URL, and the user for HTTP Basic.
    static QString keyFor(const RemoteSpec &spec);
    // `done(secret, error)` on `context`'s thread: an empty secret with no error means none is kept.
    static void read(const QString &key, QObject *context, std::function<void(const QByteArray &, const QString &)> done);
    static void write(const QString &key, const QByteArray &secret, QObject *context, std::function<void(const QString &)> done);
    static void remove(const QString &key);
};

} // namespace oplens::ui
