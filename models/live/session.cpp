#include "session.h"

#include "fileidentity.h"
#include "oplogreader.h"
#include "sourcereading.h"
#include "workerpool.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QNetworkReply>
#include <QThread>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>


#include <algorithm>

namespace oplens {


Session::Session(QObject *parent) : QObject(parent), m_network(new QNetworkAccessManager(this))
{
    connect(&m_job, &QFutureWatcher<JobResult>::finished, this, &Session::jobDone);
    connect(&m_summarizing, &QFutureWatcher<std::shared_ptr<const DatasetSummary>>::finished, this, &Session::summaryDone);
    connect(&m_append, &QFutureWatcher<std::vector<Append>>::finished, this, &Session::appendDone);
    m_poll.setInterval(500);
    connect(&m_poll, &QTimer::timeout, this, &Session::poll);
    connect(&m_files, &QFileSystemWatcher::fileChanged, this, &Session::pollSoon);
    m_poll.start();
}

Session::~Session()
{
    m_cancel = true;
    m_job.waitForFinished();
    m_append.waitForFinished();
    m_summarizing.waitForFinished();
}

int Session::sourceIndex(const QString &path) const
{
    for (int i = 0; i < m_sources.size(); ++i)
        if (m_sources[i].path == path)
            return i;
    return -1;
}

int Session::indexOfSlot(uint16_t slot) const
{
    for (int i = 0; i < m_sources.size(); ++i)
        if (m_sources[i].slot == slot)
            return i;
    return -1;
}

const SourceState *Session::sourceOf(uint16_t slot) const
{
    const int i = indexOfSlot(slot);
    return i >= 0 ? &m_sources[i] : nullptr;
}

void Session::openFiles(const QStringList &paths)
{
    QString newest;
    QDateTime newestTime;
    QList<uint16_t> added;
    for (const QString &p : paths) {
        const QFileInfo info(p);
        const QString path = info.absoluteFilePath();
        if (sourceIndex(path) >= 0)
            continue;
        SourceState source;
        source.path = path;
        source.slot = uint16_t(m_slots++);
        m_sources.append(source);
        added << source.slot;
        if (newest.isEmpty() || info.lastModified() > newestTime) {
            newest = path;
            newestTime = info.lastModified();
        }
    }
    if (added.isEmpty())
        return;
    m_sources[sourceIndex(newest)].follow = true;
    Q_EMIT sourcesChanged();
    const QString what = added.size() == 1 ? QStringLiteral("Loading %1").arg(QFileInfo(newest).fileName())
                                           : QStringLiteral("Loading %1 files").arg(added.size());
    if (!m_data || added.size() > 1) { // one read of them all, with one progress
        enqueue({Job::Build}, what);
        return;
    }
    enqueue({Job::Load, added.first()}, what); // the sources open already are not read again
}

void Session::reload()
{
    for (SourceState &s : m_sources) {
        s.notice.clear();
        if (s.remote) // F5 also means: try the failing servers now (their copies are read again, not downloaded)
            s.remote->retryNow();
    }
    enqueue({Job::Build}, QStringLiteral("Reloading"));
}

void Session::removeSource(int index)
{
    if (index < 0 || index >= m_sources.size())
        return;
    if (m_sources[index].remote)
        m_sources[index].remote->deleteLater();
    const uint16_t slot = m_sources[index].slot;
    m_sources.removeAt(index);
    Q_EMIT sourcesChanged();
    enqueue({Job::Drop, slot}, QStringLiteral("Removing a source"));
}

void Session::removeAll()
{
    if (m_sources.isEmpty())
        return;
    for (SourceState &s : m_sources)
        if (s.remote)
            s.remote->deleteLater();
    m_sources.clear();
    m_jobs.clear();
    m_cancel = true; // whatever runs reads sources that are gone: its result is not taken (m_epoch)
    ++m_epoch;
    m_slots = 0;
    // Nothing to read: an empty dataset now (the old one stays with whoever still reads it).
    m_data = std::make_shared<Dataset>();
    Q_EMIT sourcesChanged();
    Q_EMIT dataReset();
    summarizeLater();
}

void Session::setFollow(int index, bool follow)
{
    if (index < 0 || index >= m_sources.size() || m_sources[index].follow == follow)
        return;
    m_sources[index].follow = follow;
    if (m_sources[index].remote)
        m_sources[index].remote->setFollow(follow);
    Q_EMIT sourcesChanged();
    if (follow)
        QTimer::singleShot(0, this, &Session::poll);
}

void Session::setAssumeInterrupted(int index, bool assume)
{
    if (index < 0 || index >= m_sources.size() || m_sources[index].assumeInterrupted == assume)
        return;
    m_sources[index].assumeInterrupted = assume;
    Q_EMIT sourcesChanged();
    const uint16_t slot = m_sources[index].slot;
    mutate([this, slot, assume] {
        if (!m_data || m_data->events().sourceCount() <= slot) // not read yet: its read applies it
            return;
        m_data->setAssumeInterrupted(slot, assume);
        Q_EMIT dataAppended(Dataset::Change{m_data->events().size(), {}, true});
        summarizeLater(slot); // the admin's own choice: what it makes Interrupted is no news
    });
}

void Session::cancelLoading()
{
    // What waits to be read is not read; a source removed is still taken out.
    m_jobs.erase(std::remove_if(m_jobs.begin(), m_jobs.end(), [](const auto &job) { return job.first.kind != Job::Drop; }),
                 m_jobs.end());
    m_cancel = true;
}

void Session::mutate(std::function<void()> change)
{
    m_pendingChanges.push_back(std::move(change));
    if (m_readers > 0)
        return;
    auto changes = std::move(m_pendingChanges);
    m_pendingChanges.clear();
    for (auto &c : changes)
        c();
    // A job waiting for them starts now (a job reads the dataset as they leave it); queued, so that whoever changed
    // the data has said so first.
    QMetaObject::invokeMethod(this, &Session::startNextJob, Qt::QueuedConnection);
}

void Session::endRead()
{
    // The changes that waited are made from the event loop, not inside the reader's own ending (a view being
    // destroyed, a job's result being taken): they may call back into it.
    if (--m_readers == 0 && !m_pendingChanges.empty())
        QMetaObject::invokeMethod(this, [this] {
            if (m_readers == 0 && !m_pendingChanges.empty())
                mutate([] {});
        }, Qt::QueuedConnection);
}

void Session::summarizeLater(uint16_t readWhole)
{
    if (readWhole != 0xFFFF)
        m_readWhole.push_back(readWhole);
    if (!m_data)
        return;
    if (m_summarizeRunning || !m_pendingChanges.empty()) {
        m_summarizeAgain = true;
        return;
    }
    m_summarizeAgain = false;
    beginRead();
    m_summarizeRunning = true;
    m_summarizing.setFuture(QtConcurrent::run(workerPool(), [data = std::shared_ptr<const Dataset>(m_data),
                                                             previous = m_summary,
                                                             readWhole = std::exchange(m_readWhole, {})] {
        return summarize(data, QDateTime::currentMSecsSinceEpoch(), previous.get(), readWhole);
    }));
}

void Session::summaryDone()
{
    const std::shared_ptr<const DatasetSummary> summary = m_summarizing.result();
    m_summarizeRunning = false;
    const bool current = summary->data == m_data;
    if (current) // before endRead(): a change waiting for it asks for the next summary, counted against this one
        m_summary = summary;
    endRead();
    if (m_summarizeAgain || !current)
        summarizeLater();
    if (!current)
        return;
    Q_EMIT summaryChanged();
    if (!summary->freshInterruptions.isEmpty())
        Q_EMIT newInterruptions(summary->freshInterruptions);
}

} // namespace oplens
