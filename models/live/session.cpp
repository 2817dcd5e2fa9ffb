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
} // namespace

Session::Session(QObject *parent) : QObject(parent), m_network(new QNetworkAccessManager(this))
{
    connect(&m_build, &QFutureWatcher<Build>::finished, this, &Session::buildDone);
    connect(&m_append, &QFutureWatcher<Append>::finished, this, &Session::appendDone);
    m_poll.setInterval(500);
    connect(&m_poll, &QTimer::timeout, this, &Session::poll);
    m_poll.start();
}

Session::~Session()
{
    m_cancel = true;
    m_build.waitForFinished();
    m_append.waitForFinished();
}

int Session::sourceIndex(const QString &path) const
{
    for (int i = 0; i < m_sources.size(); ++i)
        if (m_sources[i].path == path)
            return i;
    return -1;
}

void Session::openFiles(const QStringList &paths)
{
    QString newest;
    QDateTime newestTime;
    int added = 0;
    for (const QString &p : paths) {
        const QFileInfo info(p);
        const QString path = info.absoluteFilePath();
        if (sourceIndex(path) >= 0)
            continue;
        SourceState source;
        source.path = path;
        m_sources.append(source);
        ++added;
        if (newest.isEmpty() || info.lastModified() > newestTime) {
            newest = path;
            newestTime = info.lastModified();
        }
    }
    if (added == 0)
        return;
    m_sources[sourceIndex(newest)].follow = true;
    Q_EMIT sourcesChanged();
    startBuild(added == 1 ? QStringLiteral("Loading %1").arg(QFileInfo(newest).fileName())
                          : QStringLiteral("Loading %1 files").arg(added));
}

void Session::reload()
{
    for (SourceState &s : m_sources) {
        s.notice.clear();
        if (s.remote) // F5 also means: try the failing servers now (their copies are read again, not downloaded)
            s.remote->retryNow();
    }
    startBuild(QStringLiteral("Reloading"));
}

void Session::removeSource(int index)
{
    if (index < 0 || index >= m_sources.size())
        return;
    if (m_sources[index].remote)
        m_sources[index].remote->deleteLater();
    m_sources.removeAt(index);
    Q_EMIT sourcesChanged();
    startBuild(QStringLiteral("Removing a source"));
}

void Session::removeAll()
{
    if (m_sources.isEmpty())
        return;
    for (SourceState &s : m_sources)
        if (s.remote)
            s.remote->deleteLater();
    m_sources.clear();
    Q_EMIT sourcesChanged();
    startBuild(QStringLiteral("Closing the sources"));
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
    const QString path = m_sources[index].path;
    mutate([this, path, assume] {
        const int i = sourceIndex(path);
        if (!m_data || i < 0 || m_data->events().sourceCount() <= i) // none yet: buildDone applies it
            return;
        m_data->setAssumeInterrupted(uint16_t(i), assume);
        Q_EMIT dataAppended();
    });
}

void Session::cancelLoading()
{
    m_rebuildAgain = false;
    m_cancel = true;
}

void Session::startBuild(const QString &what)
{
    if (m_loading) { // start again with the new list once the running build stops
        m_rebuildAgain = true;
        m_cancel = true;
        return;
    }
    m_cancel = false;
    m_rebuildAgain = false;
    m_loading = true;
    Q_EMIT loadStarted(what);
    m_build.setFuture(QtConcurrent::run(workerPool(), &Session::build, m_sources, &m_cancel, this));
}

Session::Build Session::build(QList<SourceState> sources, std::atomic_bool *cancel, Session *progressTo)
{
    Build result;
    result.data = newDataset();
    result.sources = sources;
    std::vector<SourceRead> reads;
    for (const SourceState &s : std::as_const(sources)) {
        SourceRead read;
        read.name = s.path;
        read.path = s.readPath();
        read.skip = s.remote && s.mirror.isEmpty(); // not copied yet: its RemoteSource asks for a build when it has it all
        read.following = s.follow;
        read.serviceStartedAt = s.remote ? s.reportedServiceStart : kNoTime;
        read.assumeInterrupted = s.assumeInterrupted;
        reads.push_back(read);
    }
    const bool done = readSources(reads, *result.data, cancel, [progressTo](int percent) {
        QMetaObject::invokeMethod(progressTo, [progressTo, percent] { Q_EMIT progressTo->loadProgress(percent); },
                                  Qt::QueuedConnection);
    });
    if (!done) {
        result.cancelled = true;
        return result;
    }
    for (int i = 0; i < result.sources.size(); ++i) {
        SourceState &s = result.sources[i];
        const SourceRead &read = reads[size_t(i)];
        if (read.skip)
            continue;
        s.error = read.result.error;
        s.missing = !s.remote && !read.result.error.isEmpty() && !QFileInfo::exists(s.path);
        s.offset = read.result.nextOffset;
        s.nextLine = read.result.nextLine;
        s.events = read.result.events;
        s.problems = read.result.problems;
        s.lastRead = QDateTime::currentDateTime();
        s.fileId = s.remote ? 0 : read.fileId;
    }
    return result;
}

void Session::buildDone()
{
    Build result = m_build.result();
    m_loading = false;
    if (m_rebuildAgain) {
        startBuild(QStringLiteral("Loading"));
        return;
    }
    if (result.cancelled) {
        Q_EMIT message(QStringLiteral("Loading cancelled"));
        Q_EMIT loadFinished(true);
        return;
    }
    // Keep what the admin changed while it loaded (follow, assume), and whether a long-poll is out; take what was read.
    for (int k = 0; k < result.sources.size(); ++k) {
        const SourceState &read = result.sources[k];
        const int i = sourceIndex(read.path);
        if (i < 0)
            continue;
        SourceState &s = m_sources[i];
        const bool follow = s.follow, assume = s.assumeInterrupted;
        const QString notice = s.notice, mirror = s.mirror;
        s = read;
        s.follow = follow;
        s.assumeInterrupted = assume;
        s.notice = notice;
        if (s.mirror != mirror) { // replaced while it loaded: the next build reads the new copy
            s.mirror = mirror;
            s.offset = 0;
        }
        if (assume != read.assumeInterrupted) // toggled while it loaded: no one reads the new dataset yet
            result.data->setAssumeInterrupted(uint16_t(k), assume);
    }
    m_pendingChanges.clear(); // they were made on the old dataset
    m_data = result.data;
    Q_EMIT dataReset();
    Q_EMIT sourcesChanged();
    Q_EMIT loadFinished(false);
}

void Session::poll()
{
    if (m_loading || m_appending || !m_pendingChanges.empty() || !m_data)
        return;
    for (SourceState &s : m_sources) {
        if (!s.follow)
            continue;
        if (s.remote) {
            if (s.mirror.isEmpty() || !s.error.isEmpty())
                continue;
            if (uint64_t(QFileInfo(s.mirror).size()) > s.offset) {
                m_appending = true;
                m_append.setFuture(QtConcurrent::run(workerPool(), &Session::readAppended, s));
                return;
            }
            continue;
        }
        const QFileInfo info(s.path);
        if (!info.exists()) {
            if (!s.missing) {
                s.error = QStringLiteral("the file is gone");
                s.missing = true;
                Q_EMIT sourcesChanged();
            }
            continue;
        }
        if (!s.error.isEmpty() && !s.missing)
            continue; // unreadable: F5 tries again
        const uint64_t identity = fileIdentity(s.path);
        const auto size = uint64_t(info.size());
        if (identity != s.fileId || size < s.offset || s.missing) {
            s.notice = identity != s.fileId ? QStringLiteral("read again from the start: the file was replaced")
                                            : size < s.offset ? QStringLiteral("read again from the start: the file shrank")
                                                              : QString();
            if (!s.notice.isEmpty())
                Q_EMIT message(QStringLiteral("%1: %2").arg(QFileInfo(s.path).fileName(), s.notice));
            startBuild(QStringLiteral("Reading %1 again").arg(QFileInfo(s.path).fileName()));
            return;
        }
        if (size > s.offset) {
            m_appending = true;
            m_append.setFuture(QtConcurrent::run(workerPool(), &Session::readAppended, s));
            return;
        }
    }
}

Session::Append Session::readAppended(SourceState source)
{
    Append append;
    append.path = source.path;
    append.readPath = source.readPath();
    append.fromOffset = source.offset;
    append.batch = std::make_shared<Dataset>();
    append.batch->addSource(source.path);
    ReadRequest request;
    request.path = source.readPath();
    request.offset = source.offset;
    request.firstLine = source.nextLine;
    request.following = true;
    const ReadResult read = readOplog(request, append.batch->events(), 0);
    append.state.error = read.error;
    append.state.offset = read.nextOffset;
    append.state.nextLine = read.nextLine;
    append.state.events = read.events;
    append.state.problems = read.problems;
    return append;
}

void Session::appendDone()
{
    m_appending = false;
    auto append = std::make_shared<Append>(m_append.result());
    mutate([this, append] { applyAppend(*append); });
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
}

void Session::endRead()
{
    if (--m_readers == 0 && !m_pendingChanges.empty())
        mutate([] {});
}

std::vector<uint32_t> Session::interrupted() const
{
    std::vector<uint32_t> ops;
    for (uint32_t op = 0; op < m_data->operationCount(); ++op)
        if (m_data->exists(op) && m_data->operation(op).status == Status::Interrupted && !m_data->isRestarted(op))
            ops.push_back(op);
    return ops;
}

void Session::applyAppend(Append &append)
{
    const int index = sourceIndex(append.path);
    if (index < 0 || m_sources[index].offset != append.fromOffset || m_sources[index].readPath() != append.readPath
        || !m_data || m_loading)
        return; // removed or read again meanwhile: the new build reads these lines too
    SourceState &s = m_sources[index];
    if (!append.state.error.isEmpty()) {
        s.error = append.state.error;
        Q_EMIT sourcesChanged();
        return;
    }
    const std::vector<uint32_t> before = interrupted();
    m_data->appendBatch(std::move(*append.batch), uint16_t(index));
    s.offset = append.state.offset;
    s.nextLine = append.state.nextLine;
    s.events += append.state.events;
    s.problems.add(append.state.problems);
    s.lastRead = QDateTime::currentDateTime();
    const std::vector<uint32_t> after = interrupted();
    QStringList fresh;
    for (const uint32_t op : after) {
        if (std::binary_search(before.begin(), before.end(), op))
            continue;
        fresh << QStringLiteral("%1: %2").arg(m_data->title(op), m_data->interruptionReason(op));
    }
    Q_EMIT dataAppended();
    Q_EMIT sourcesChanged();
    if (!fresh.isEmpty())
        Q_EMIT newInterruptions(fresh);
}

} // namespace oplens
