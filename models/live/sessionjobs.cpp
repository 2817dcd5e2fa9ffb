// The session's work on the dataset (session.h): reading every source, reading one whole, taking one out. Each runs in
// a worker, one at a time; a source read whole into a dataset without its rows is appended, anything else gives a new
// dataset in which the other sources' rows are copied from memory, never read again.
#include "session.h"

#include "sourcereading.h"
#include "workerpool.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace oplens {

namespace {

// A loaded dataset is hundreds of MB in many blocks; freeing it takes tens of ms. Its last owner is often on the GUI
// thread (a model taking the next result after F5), so it is freed in a worker.
std::shared_ptr<Dataset> newDataset()
{
    return std::shared_ptr<Dataset>(new Dataset, [](Dataset *data) {
        const QCoreApplication *app = QCoreApplication::instance();
        if (app && QThread::currentThread() == app->thread())
            workerPool()->start([data] { delete data; });
        else
            delete data;
    });
}

// One read per slot, in slot order (the dataset's source i is slot i); only `only` is read when it is given.
std::vector<SourceRead> readsOf(const QList<SourceState> &sources, int slots, int only = -1)
{
    std::vector<SourceRead> reads(static_cast<size_t>(slots));
    for (SourceRead &read : reads)
        read.skip = true; // a slot no open source has: its name stays empty
    for (const SourceState &s : sources) {
        if (s.slot >= reads.size())
            continue;
        SourceRead &read = reads[s.slot];
        read.name = s.path;
        read.path = s.readPath();
        read.skip = (s.remote && s.mirror.isEmpty()) || (only >= 0 && s.slot != only); // not copied yet, or not asked
        read.following = s.follow;
        read.serviceStartedAt = s.remote ? s.reportedServiceStart : kNoTime;
        read.assumeInterrupted = s.assumeInterrupted;
    }
    return reads;
}

void takeRead(SourceState &s, const SourceRead &read)
{
    s.error = read.result.error;
    s.missing = !s.remote && !read.result.error.isEmpty() && !QFileInfo::exists(s.path);
    s.offset = read.result.nextOffset;
    s.nextLine = read.result.nextLine;
    s.events = read.result.events;
    s.problems = read.result.problems;
    s.lastRead = QDateTime::currentDateTime();
    s.fileId = s.remote ? 0 : read.fileId;
}

} // namespace

void Session::enqueue(Job job, const QString &what)
{
    const auto queuedBuild = std::any_of(m_jobs.begin(), m_jobs.end(), [](const auto &j) { return j.first.kind == Job::Build; });
    if (job.kind == Job::Build) { // everything is read again: nothing else waiting is needed, nor what runs now
        m_jobs.clear();
        if (m_loading)
            m_cancel = true;
    } else if (queuedBuild) {
        return;
    } else {
        for (const auto &[queued, text] : std::as_const(m_jobs))
            if (queued.kind == job.kind && queued.slot == job.slot)
                return;
    }
    m_jobs.append({job, what});
    startNextJob();
}

void Session::startNextJob()
{
    // After the changes waiting for readers: a job started before a source's rows are appended would copy the
    // dataset without them, and its result would then replace them.
    if (m_loading || m_jobs.isEmpty() || !m_pendingChanges.empty())
        return;
    const auto [job, what] = m_jobs.takeFirst();
    m_loading = true;
    m_cancel = false;
    m_jobEpoch = m_epoch;
    Q_EMIT loadStarted(what);
    beginRead(); // a Load or a Drop copies from the dataset: no append may change it meanwhile
    m_job.setFuture(QtConcurrent::run(workerPool(), &Session::runJob, job, std::shared_ptr<const Dataset>(m_data),
                                      m_sources, m_slots, &m_cancel, this));
}

Session::JobResult Session::runJob(Job job, std::shared_ptr<const Dataset> old, QList<SourceState> sources, int slots,
                                   std::atomic_bool *cancel, Session *progressTo)
{
    JobResult result;
    result.job = job;
    result.sources = sources;
    const auto progress = [progressTo](int percent) {
        QMetaObject::invokeMethod(progressTo, [progressTo, percent] { Q_EMIT progressTo->loadProgress(percent); },
                                  Qt::QueuedConnection);
    };
    const bool hasRows = old && old->rowCount(job.slot) > 0;
    if (job.kind == Job::Drop && !hasRows)
        return result; // nothing of it was read: nothing to take out
    std::vector<SourceRead> reads = readsOf(sources, slots, job.kind == Job::Build ? -1 : job.slot);
    if (job.kind == Job::Load && (job.slot >= reads.size() || reads[job.slot].skip))
        return result; // closed, or its copy was replaced meanwhile: read when the new copy has caught up
    const bool batch = job.kind == Job::Load && old && !hasRows;
    result.data = newDataset();
    result.batch = batch;
    if (batch) { // the slot's rows alone, appended on the GUI thread
        std::vector<SourceRead> one{reads[job.slot]};
        result.cancelled = !readSources(one, *result.data, cancel, progress);
        reads[job.slot] = one.front();
    } else {
        for (const SourceRead &read : reads)
            result.data->addSource(read.name);
        if (job.kind != Job::Build && old)
            result.data->copySourcesExcept(*old, job.slot);
        result.cancelled = !readSources(reads, *result.data, cancel, progress);
    }
    if (result.cancelled || job.kind == Job::Drop)
        return result;
    for (SourceState &s : result.sources)
        if (s.slot < reads.size() && !reads[s.slot].skip)
            takeRead(s, reads[s.slot]);
    return result;
}

void Session::jobDone()
{
    JobResult result = m_job.result(); // a copy: takeResult() leaves a future that waitForFinished() never sees end
    endRead();
    m_loading = false;
    if (m_jobEpoch != m_epoch) { // every source was closed meanwhile
        Q_EMIT loadFinished(true);
        startNextJob();
        return;
    }
    if (result.cancelled) {
        const bool readsNext = std::any_of(m_jobs.begin(), m_jobs.end(), [](const auto &j) { return j.first.kind != Job::Drop; });
        if (!readsNext) { // cancelled by the admin, not by a new read of everything
            Q_EMIT message(QStringLiteral("Loading cancelled"));
            Q_EMIT loadFinished(true);
        }
        startNextJob();
        return;
    }
    if (result.batch) {
        auto shared = std::make_shared<JobResult>(std::move(result));
        mutate([this, shared] { applyBatch(std::move(*shared)); });
    } else if (result.data) {
        applyRead(result);
        m_data = result.data;
        Q_EMIT dataReset();
        summarizeLater();
    }
    Q_EMIT sourcesChanged();
    Q_EMIT loadFinished(false);
    startNextJob();
}

// Takes what was read of the sources still open, keeping what the admin changed meanwhile (follow, assume) and a
// mirror replaced meanwhile (the next read takes the new copy).
void Session::applyRead(const JobResult &result)
{
    for (const SourceState &read : result.sources) {
        const int i = indexOfSlot(read.slot);
        if (i < 0 || (result.job.kind != Job::Build && read.slot != result.job.slot))
            continue;
        SourceState &s = m_sources[i];
        const bool follow = s.follow, assume = s.assumeInterrupted;
        const QString notice = s.notice, mirror = s.mirror;
        const int64_t reported = s.reportedServiceStart;
        const QPointer<RemoteSource> remote = s.remote;
        s = read;
        s.follow = follow;
        s.assumeInterrupted = assume;
        s.notice = notice;
        s.remote = remote;
        s.reportedServiceStart = reported;
        if (s.mirror != mirror) {
            s.mirror = mirror;
            s.offset = 0;
        }
    }
    if (result.batch)
        return; // applyBatch() gives its evidence
    // A new dataset: every source's evidence from outside its log as it is now (it may have changed while the job ran,
    // and that change went to the old dataset). Each costs nothing when it is already so.
    for (const SourceState &s : std::as_const(m_sources)) {
        result.data->setAssumeInterrupted(s.slot, s.assumeInterrupted);
        if (s.remote && s.reportedServiceStart != kNoTime)
            result.data->setServiceStartedAt(s.slot, s.reportedServiceStart);
    }
}

void Session::applyBatch(JobResult result)
{
    const uint16_t slot = result.job.slot;
    if (!m_data || indexOfSlot(slot) < 0 || m_data->rowCount(slot) > 0)
        return; // removed, or read whole meanwhile
    applyRead(result);
    m_data->appendBatch(std::move(*result.data), slot);
    SourceState &s = m_sources[indexOfSlot(slot)];
    if (s.assumeInterrupted)
        m_data->setAssumeInterrupted(slot, true);
    if (s.reportedServiceStart != kNoTime)
        m_data->setServiceStartedAt(slot, s.reportedServiceStart);
    Q_EMIT dataAppended(m_data->lastChange());
    Q_EMIT sourcesChanged();
    summarizeLater(slot);
}

} // namespace oplens
