// A remote oplog copied into a local mirror file as it is read and followed, so the Session reads it like any local
// file: a server that is slow or down never holds the others, and reloading never downloads again.
// A plain file is read whole, then followed with Range requests that start a few bytes before the copy's end: those
// bytes must match, else the file was replaced (rotated) and is read again from the start; an ETag answers "nothing
// new" cheaply. An agent is read through /v1/oplog with its epoch, then long-polled. A file over SSH is read in pieces
// by a remote script that also says its size and device:inode (another inode: rotated; smaller: truncated), then polled.
// Lives on one thread (the GUI's in the console); all of its I/O is asynchronous.
#pragma once

#include "certificatetrust.h"
#include "eventkinds.h"
#include "remotespec.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTemporaryFile;

namespace oplens {

class SshRead;

class RemoteSource : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Connecting, Downloading, UpToDate, Retrying, Paused, Failed, NeedsSecret };
    struct State {
        Phase phase = Phase::Connecting;
        bool ready = false;          // the mirror holds the whole file as of lastChecked
        QString error;               // the last failure (kept while retrying)
        CertificateProblem certificate; // when the failure was a certificate that does not verify
        QString notice;              // e.g. read again from the start: the file was rotated
        int failures = 0;            // in a row
        qint64 retryAt = 0;          // epoch ms
        QDateTime lastChecked;       // the server last answered (the copy is current as of then)
        QDateTime lastData;          // new bytes last arrived
        qint64 mirrored = 0;         // bytes in the mirror
        qint64 remoteSize = -1;      // the server's size, when known
        int64_t serviceStartedAt = kNoTime; // an agent's report
    };

    RemoteSource(RemoteSpec spec, QNetworkAccessManager *network, QObject *parent = nullptr);
    ~RemoteSource() override;

    const RemoteSpec &spec() const { return m_spec; }
    const State &state() const { return m_state; }
    QString mirrorPath() const;

    void start();                 // a source that needs a secret not given waits in NeedsSecret
    void setSecret(const QByteArray &secret);
    void giveUp(const QString &why); // Failed, e.g. no secret to be had
    void setFollow(bool follow);  // without it, reading stops once caught up
    void setRetry(bool retry);    // without it (oplensctl), the first failure is final
    void setPaused(bool paused);
    void setPollInterval(int ms) { m_pollMs = ms; } // plain and SSH files: how often to ask for more
    void retryNow();

Q_SIGNALS:
    void changed();
    void caughtUp();             // ready became true: the mirror can be read in full
    void secretNeeded();         // it waits in NeedsSecret for setSecret() or giveUp()
    void mirrorReplaced();       // the old mirror is gone (state().notice says why); caughtUp follows

private:
    enum class Request { File, AgentStatus, AgentOplog };
    void request();
    QString refusal() const;
    void requestFile();
    void requestAgentStatus();
    void requestAgentOplog();
    void watch(QNetworkReply *reply, int kind);
    void received();
    void finished();
    void fileFinished(QNetworkReply *reply, int status);
    void agentFinished(QNetworkReply *reply, int status);
    void requestSsh();
    void sshHeader();
    void sshData();
    void sshFinished();
    bool busy() const;
    void dropRequest();      // the request under way is abandoned (paused, replaced, the source closed)
    qint64 overlapStart() const; // where a plain or SSH file is asked from: a few bytes before the copy's end
    bool writeBody(const QByteArray &data);
    void replaceMirror(const QString &why);
    void fail(const QString &why, QNetworkReply *reply = nullptr, bool final = false); // final: no retry timer
    void succeeded(bool newData);
    void schedule(int ms);
    void emitChanged(bool throttle = false);

    RemoteSpec m_spec;
    QNetworkAccessManager *m_network;
    State m_state;
    std::unique_ptr<QTemporaryFile> m_mirror;
    QPointer<QNetworkReply> m_reply;
    QPointer<SshRead> m_ssh;
    QString m_sshIdentity;        // SSH: device:inode of the file mirrored
    QTimer m_timer;
    bool m_follow = true, m_retry = true;
    int m_pollMs = 2000;
    QByteArray m_etag;
    QString m_epoch;
    bool m_statusKnown = false;   // agent: /v1/status read since the last (re)connection
    // The body being received: where its first byte belongs in the file, and how far it was compared or written.
    qint64 m_bodyStart = 0, m_bodyPos = 0, m_mirroredAtRequest = 0;
    bool m_bodyChecked = false;   // status and headers of the current reply looked at
    bool m_bodyRejected = false;  // the current reply was found not to continue the mirror
    qint64 m_lastChangedSignal = 0;
    QElapsedTimer m_requestClock; // how long the agent held the last request
};

QString phaseName(RemoteSource::Phase phase);

} // namespace oplens
