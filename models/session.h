// The oplogs open in the console: loads them off the GUI thread, follows growing files, and hands the views one
// Dataset. The dataset is changed only on the GUI thread, and only while no worker reads it (beginRead/endRead).
#pragma once

#include "agentclient.h"
#include "dataset.h"
#include "readproblem.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QNetworkAccessManager>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>

namespace oplens {

struct SourceState {
    QString path;
    bool follow = false;
    bool assumeInterrupted = false;
    uint64_t offset = 0;   // resume point: after the last complete line
    uint64_t nextLine = 1;
    uint64_t events = 0;
    std::vector<ReadProblem> problems;
    QString error;         // why it could not be read
    bool missing = false;  // the error is that the file does not exist: read it when it appears
    QString notice;        // e.g. read again because the file was truncated
    QDateTime lastRead;
    uint64_t fileId = 0;   // device and inode: a replaced file has another
    std::optional<AgentEndpoint> agent; // read through an agent's /v1/oplog instead of a file
    QString epoch;         // the agent's epoch of that oplog
    bool requesting = false; // a long-poll to the agent is under way
    qint64 retryAt = 0;    // after a network error, when to try again
};

class Session : public QObject
{
    Q_OBJECT
public:
    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    std::shared_ptr<const Dataset> data() const { return m_data; }
    const QList<SourceState> &sources() const { return m_sources; }
    int sourceIndex(const QString &path) const;
    bool isLoading() const { return m_loading; } // until its result is applied

    // Opens files not open yet; the newest of them is followed.
    void openFiles(const QStringList &paths);
    // Adds an agent's oplog, read and followed through its API.
    void openAgent(const AgentEndpoint &agent);
    const SourceState *sourceOf(uint16_t source) const { return source < m_sources.size() ? &m_sources[source] : nullptr; }
    void reload();
    void removeSource(int index);
    void setFollow(int index, bool follow);
    void setAssumeInterrupted(int index, bool assume);
    void cancelLoading();

    // Views reading data() in a worker say so: appends wait until no one reads.
    void beginRead() { ++m_readers; }
    void endRead();

    // Follow polling interval (ms); tests make it shorter.
    void setPollInterval(int ms) { m_poll.setInterval(ms); }

Q_SIGNALS:
    void loadStarted(const QString &what);
    void loadProgress(int percent);
    void loadFinished(bool cancelled);
    void dataReset();    // a new dataset
    void dataAppended(); // rows were added to the same dataset
    void sourcesChanged();
    void newInterruptions(const QStringList &descriptions);
    void message(const QString &text);

private:
    struct Build {
        std::shared_ptr<Dataset> data;
        QList<SourceState> sources;
        bool cancelled = false;
    };
    struct Append {
        QString path;
        uint64_t fromOffset = 0;
        std::shared_ptr<Dataset> batch;
        SourceState state; // offset, line, problems of this read
    };
    static Build build(QList<SourceState> sources, std::atomic_bool *cancel, Session *progressTo);
    static Append readAppended(SourceState source);
    static Append parseAppended(SourceState source, QByteArray body, uint64_t next);
    void pollAgent(SourceState &source);
    void startBuild(const QString &what);
    void buildDone();
    void poll();
    void appendDone();
    // Runs `change` on the dataset now, or as soon as no worker reads it.
    void mutate(std::function<void()> change);
    void applyAppend(Append &append);
    std::vector<uint32_t> interrupted() const;

    std::shared_ptr<Dataset> m_data;
    QList<SourceState> m_sources;
    QFutureWatcher<Build> m_build;
    QFutureWatcher<Append> m_append;
    std::vector<std::function<void()>> m_pendingChanges;
    std::atomic_bool m_cancel{false};
    bool m_rebuildAgain = false;
    bool m_loading = false;
    bool m_appending = false;
    int m_readers = 0;
    QTimer m_poll;
    QNetworkAccessManager *m_network;
};

uint64_t fileIdentity(const QString &path);

} // namespace oplens
