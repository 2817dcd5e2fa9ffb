// The oplogs open in the console: loads them off the GUI thread, follows growing files, and hands the views one
// Dataset. The dataset is changed only on the GUI thread, and only while no worker reads it (beginRead/endRead).
// Each source has a slot, its index in the dataset for as long as it is open: a source read whole, read again or
// removed changes only its own rows (the others are copied from memory, never read again), and a followed source
// grows by appends.
#pragma once

#include "dataset.h"
#include "datasetsummary.h"
#include "readproblem.h"
#include "remotesource.h"

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>

namespace oplens {

struct SourceState {
    QString path;
    uint16_t slot = 0;     // its source index in the dataset, fixed while it is open
    bool follow = false;
    bool assumeInterrupted = false;
    uint64_t offset = 0;   // resume point: after the last complete line
    uint64_t nextLine = 1;
    uint64_t events = 0;
    ReadProblems problems;
    QString error;         // why it could not be read
    bool missing = false;  // the error is that the file does not exist: read it when it appears
    QString notice;        // e.g. read again because the file was truncated
    QDateTime lastRead;
    uint64_t fileId = 0;   // device and inode: a replaced file has another
    QPointer<RemoteSource> remote;      // a remote oplog (http(s) or an agent), read through its local mirror
    QString mirror;                     // that mirror's path, once it holds the whole file
    int64_t reportedServiceStart = kNoTime; // the agent's serviceStartedAt

    QString readPath() const { return remote ? mirror : path; }
    // An agent's oplog: its operations are restarted through that agent (remote->spec(), with the current token).
    bool isAgent() const { return remote && remote->spec().kind == RemoteSpec::Kind::Agent; }
};

class Session : public QObject
{
    Q_OBJECT
public:
    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    std::shared_ptr<const Dataset> data() const { return m_data; }
    // Counts, pickers, notifications: worked out in a worker after each change of the data (summaryChanged).
    std::shared_ptr<const DatasetSummary> summary() const { return m_summary; }
    const QList<SourceState> &sources() const { return m_sources; }
    int sourceIndex(const QString &path) const;
    int indexOfSlot(uint16_t slot) const; // -1 when no open source has it
    // Until its result is applied (also while it waits for the views reading the data).
    bool isLoading() const { return m_loading || !m_pendingChanges.empty(); }
    bool isSummarizing() const { return m_summarizeRunning || m_summarizeAgain; }
    // Every remote source was read whole and loaded, or has failed or is paused.
    bool remotesSettled() const;

    // Opens files not open yet; the newest of them is followed.
    void openFiles(const QStringList &paths);
    // Adds a remote oplog (a file on a web server, or an agent's), read and followed through a local mirror.
    // Returns its index. One that needs a secret not given waits for setSecret() or giveUp().
    int openRemote(const RemoteSpec &spec);
    void setPaused(int index, bool paused); // remote sources: stop asking the server
    void retryNow(int index);
    void setSecret(int index, const QByteArray &secret);
    void giveUp(int index, const QString &why);
    // The open source of a dataset source (a slot).
    const SourceState *sourceOf(uint16_t slot) const;
    void reload();
    void removeSource(int index);
    void removeAll(); // e.g. before opening a workspace
    void setFollow(int index, bool follow);
    void setAssumeInterrupted(int index, bool assume);
    void cancelLoading();

    // Works the summary out again (Stale follows the clock).
    void summarizeNow() { summarizeLater(); }

    // Views reading data() in a worker say so: appends wait until no one reads.
    void beginRead() { ++m_readers; }
    void endRead();

    // Follow polling interval (ms) for files and for plain remote files; tests make them shorter.
    void setPollInterval(int ms) { m_poll.setInterval(ms); }
    void setRemotePollInterval(int ms);
    int remotePollInterval() const { return m_remotePollMs; } // also the pace of an agent's acknowledgements

Q_SIGNALS:
    void loadStarted(const QString &what);
    void loadProgress(int percent);
    void loadFinished(bool cancelled);
    void dataReset();    // a new dataset
    // Rows were added to the same dataset, or its operations changed: `change` says which (Dataset::Change).
    void dataAppended(const oplens::Dataset::Change &change);
    void summaryChanged();
    void sourcesChanged();
    void newInterruptions(const QStringList &descriptions);
    void secretNeeded(const QString &source); // a remote source waits for setSecret() or giveUp()
    void message(const QString &text);

private:
    // Work on the dataset that runs in a worker, one at a time: every source read (Build), one read whole again or for
    // the first time (Load), one taken out (Drop).
    struct Job {
        enum Kind { Build, Load, Drop } kind;
        uint16_t slot = 0;
    };
    struct JobResult {
        Job job;
        std::shared_ptr<Dataset> data;  // a whole new dataset; for a Load into a dataset without rows of its slot, the batch
        bool batch = false;             // `data` is a batch to append as the slot's rows
        QList<SourceState> sources;     // as read
        bool cancelled = false;
    };
    struct Append {
        QString path;
        QString readPath; // the file read: a remote source's mirror may be replaced meanwhile
        uint64_t fromOffset = 0;
        std::shared_ptr<Dataset> batch;
        SourceState state; // offset, line, problems of this read
    };
    static JobResult runJob(Job job, std::shared_ptr<const Dataset> old, QList<SourceState> sources, int slots,
                            std::atomic_bool *cancel, Session *progressTo);
    static std::vector<Append> readAppended(QList<SourceState> sources);
    enum class Growth { None, Grown, Replaced };
    Growth growthOf(SourceState &s);
    void pollSoon(); // a followed file was written to, a remote source's copy grew: look now, not at the next tick
    void enqueue(Job job, const QString &what);
    void startNextJob();
    void jobDone();
    void applyRead(const JobResult &result);
    void applyBatch(JobResult result);
    void summarizeLater(uint16_t readWhole = 0xFFFF);
    void summaryDone();
    void remoteChanged(RemoteSource *remote);
    void remoteReplaced(RemoteSource *remote);
    void remoteCaughtUp(RemoteSource *remote);
    int indexOf(const RemoteSource *remote) const;
    void poll();
    void appendDone();
    // Runs `change` on the dataset now, or as soon as no worker reads it.
    void mutate(std::function<void()> change);
    void applyAppends(std::vector<Append> &appends);

    std::shared_ptr<Dataset> m_data;
    std::shared_ptr<const DatasetSummary> m_summary;
    QList<SourceState> m_sources;
    int m_slots = 0; // slots given out since the sources were last all closed
    uint32_t m_epoch = 0, m_jobEpoch = 0; // bumped when every source is closed: a job of before is not taken
    QList<QPair<Job, QString>> m_jobs; // waiting, with what the status bar says of them
    QFutureWatcher<JobResult> m_job;
    QFutureWatcher<std::vector<Append>> m_append;
    bool m_pollSoon = false;
    QFileSystemWatcher m_files; // the followed local files: a write is seen at once, not at the next tick
    void watchFollowedFiles();
    QFutureWatcher<std::shared_ptr<const DatasetSummary>> m_summarizing;
    bool m_summarizeAgain = false;
    bool m_summarizeRunning = false; // until its result is taken (isRunning() turns false before)
    std::vector<uint16_t> m_readWhole; // slots read whole since the last summary: their interruptions are not news
    std::vector<std::function<void()>> m_pendingChanges;
    std::atomic_bool m_cancel{false};
    bool m_loading = false;
    bool m_appending = false;
    int m_readers = 0;
    QTimer m_poll;
    int m_remotePollMs = 2000;
    QNetworkAccessManager *m_network;
};

} // namespace oplens
