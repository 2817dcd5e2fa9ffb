// A real OpenSSH server on loopback for the SSH source tests (issue 17): `sshd -D` on a free port with a host key and
// an authorized user key generated in `dir`, and private ssh_config files, so that no test reads or writes ~/.ssh.
// The client configurations name the identity and known_hosts files; the URL names the user and port.
#pragma once

#include <QProcess>
#include <QString>
#include <memory>

namespace testservers {

class SshServer
{
public:
    explicit SshServer(const QString &dir);
    ~SshServer();
    SshServer(const SshServer &) = delete;
    SshServer &operator=(const SshServer &) = delete;

    // Generates the keys and configurations (once), starts sshd and waits until it listens; false with `why`.
    bool start(QString *why);
    // sshd and every connection it serves die at once, as when the server goes down.
    void stop();
    bool isRunning() const;

    // ssh://USER@127.0.0.1:PORT + `path` (`path` percent-encoded where a URL needs it).
    QString url(const QString &path) const;
    QString log() const; // sshd's own log (-e)

    // A client configuration with another known_hosts file and identity (the defaults: the server's key is known,
    // the authorized key is offered).
    QString writeClientConfig(const QString &name, const QString &knownHosts, const QString &identity) const;

    QString dir, user;
    quint16 port = 0;
    QString clientConfig;    // the key is known, the authorized identity offered
    QString knownHosts;      // holds the server's host key
    QString identity;        // the authorized private key
    QString otherIdentity;   // a key the server does not accept
    QString hostKeyFingerprint; // "SHA256:..."

private:
    bool prepare(QString *why);
    std::unique_ptr<QProcess> m_process;
    bool m_prepared = false;
};

// sshd and ssh-keygen are installed (openssh-server, scripts/setup.sh).
bool haveSshd();

} // namespace testservers
