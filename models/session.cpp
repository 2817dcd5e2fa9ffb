#include "session.h"

#include "oplogreader.h"
#include "workerpool.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QNetworkReply>
#include <QThread>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <sys/stat.h>

#include <algorithm>

namespace oplens {

uint64_t fileIdentity(const QString &path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return (uint64_t(st.st_dev) << 32) ^ uint64_t(st.st_ino);
}

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

void Session::openAgent(const AgentEndpoint &agent)
{
    if (sourceIndex(agent.name()) >= 0)
        return;
    SourceState source;
    source.path = agent.name();
    source.agent = agent;
    source.follow = true;
    m_sources.append(source);
    Q_EMIT sourcesChanged();
    startBuild(QStringLiteral("Connecting to %1").arg(agent.base.authority()));
}

void Session::reload()
{
    for (SourceState &s : m_sources)
        s.notice.clear();
    startBuild(QStringLiteral("Reloading"));
}

void Session::removeSource(int index)
{
    if (index < 0 || index >= m_sources.size())
        return;
    m_sources.removeAt(index);
    Q_EMIT sourcesChanged();
    startBuild(QStringLiteral("Removing a source"));
}

void Session::setFollow(int index, bool follow)
{
    if (index < 0 || index >= m_sources.size() || m_sources[index].follow == follow)
        return;
    m_sources[index].follow = follow;
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
    uint64_t total = 0, before = 0;
    for (const SourceState &s : sources)
        total += uint64_t(std::max<qint64>(0, QFileInfo(s.path).size()));
    int lastPercent = -1;
    for (int i = 0; i < result.sources.size(); ++i) {
        SourceState &s = result.sources[i];
        const uint16_t index = result.data->addSource(s.path);
        ReadRequest request;
        request.path = s.path;
        request.following = s.follow;
        request.cancel = cancel;
        request.progress = [&](uint64_t done, uint64_t) {
            const int percent = total ? int((before + done) * 100 / total) : 0;
            if (percent == lastPercent)
                return;
            lastPercent = percent;
            QMetaObject::invokeMethod(progressTo, [progressTo, percent] { Q_EMIT progressTo->loadProgress(percent); },
                                      Qt::QueuedConnection);
        };
        ReadResult read;
        uint64_t identity = 0;
        if (s.agent) {
            const AgentStatus status = fetchAgentStatus(*s.agent, cancel);
            if (status.error.isEmpty()) {
                read = readAgentOplog(*s.agent, result.data->events(), index, cancel, &s.epoch);
                if (status.serviceStartedAt != kNoTime)
                    result.data->setServiceStartedAt(index, status.serviceStartedAt);
            } else {
                read.error = status.error;
                read.cancelled = cancel->load();
            }
        } else {
            identity = fileIdentity(s.path);
            read = readOplog(request, result.data->events(), index);
        }
        if (read.cancelled) {
            result.cancelled = true;
            return result;
        }
        before += read.fileSize;
        s.error = read.error;
        s.missing = !s.agent && !read.error.isEmpty() && !QFileInfo::exists(s.path);
        s.retryAt = read.error.isEmpty() ? 0 : QDateTime::currentMSecsSinceEpoch() + 10000;
        s.offset = read.nextOffset;
        s.nextLine = read.nextLine;
        s.events = read.events;
        s.problems = read.problems;
        s.lastRead = QDateTime::currentDateTime();
        s.fileId = identity;
        if (s.assumeInterrupted)
            result.data->setAssumeInterrupted(index, true);
    }
    result.data->aggregate();
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
        const bool follow = s.follow, assume = s.assumeInterrupted, requesting = s.requesting;
        const QString notice = s.notice;
        s = read;
        s.follow = follow;
        s.assumeInterrupted = assume;
        s.notice = notice;
        s.requesting = requesting;
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
        if (s.agent) {
            pollAgent(s);
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

void Session::pollAgent(SourceState &s)
{
    if (s.requesting || QDateTime::currentMSecsSinceEpoch() < s.retryAt)
        return;
    if (!s.error.isEmpty()) { // it was down: read it whole again
        s.notice = QStringLiteral("read again after: %1").arg(s.error);
        startBuild(QStringLiteral("Reconnecting to %1").arg(s.agent->base.authority()));
        return;
    }
    s.requesting = true;
    QNetworkRequest request = agentRequest(*s.agent, QStringLiteral("/v1/oplog?log=%1&from=%2&wait=25")
                                                         .arg(QString::fromUtf8(QUrl::toPercentEncoding(s.agent->log)))
                                                         .arg(s.offset));
    request.setRawHeader("X-Oplog-Epoch", s.epoch.toLatin1());
    QNetworkReply *reply = m_network->get(request);
    const QString path = s.path;
    const uint64_t from = s.offset;
    connect(reply, &QNetworkReply::finished, this, [this, reply, path, from] {
        reply->deleteLater();
        const int index = sourceIndex(path);
        if (index < 0)
            return;
        SourceState &s = m_sources[index];
        s.requesting = false;
        if (s.offset != from)
            return; // read again meanwhile: these bytes start before where the new reading ended
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 409) { // rotated or truncated on the server: read it again from the start
            s.notice = QStringLiteral("read again from the start: the agent's oplog was rotated or truncated");
            Q_EMIT message(QStringLiteral("%1: %2").arg(path, s.notice));
            startBuild(QStringLiteral("Reading %1 again").arg(path));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            s.error = describeReply(reply);
            s.retryAt = QDateTime::currentMSecsSinceEpoch() + 10000;
            Q_EMIT sourcesChanged();
            return;
        }
        const QByteArray body = reply->readAll();
        const uint64_t next = reply->rawHeader("X-Oplog-Next").toULongLong();
        if (body.isEmpty() || next <= s.offset)
            return; // the wait ended with nothing new
        auto *watcher = new QFutureWatcher<Append>(this);
        connect(watcher, &QFutureWatcher<Append>::finished, this, [this, watcher] {
            auto append = std::make_shared<Append>(watcher->result());
            watcher->deleteLater();
            // Here, not in applyAppend: buildDone drops pending changes. poll() waits while this one is pending.
            if (const int i = sourceIndex(append->path); i >= 0)
                m_sources[i].requesting = false;
            mutate([this, append] { applyAppend(*append); });
        });
        s.requesting = true; // until the lines are parsed
        watcher->setFuture(QtConcurrent::run(workerPool(), &Session::parseAppended, s, body, next));
    });
}

Session::Append Session::parseAppended(SourceState source, QByteArray body, uint64_t next)
{
    Append append;
    append.path = source.path;
    append.fromOffset = source.offset;
    append.batch = std::make_shared<Dataset>();
    append.batch->addSource(source.path);
    OplogParser parser(append.batch->events(), 0, Container::Lines, source.nextLine);
    parser.push(body.constData(), size_t(body.size()));
    append.state.offset = next;
    append.state.nextLine = parser.nextLine();
    append.state.events = parser.eventsRead();
    append.state.problems = parser.problems();
    return append;
}

Session::Append Session::readAppended(SourceState source)
{
    Append append;
    append.path = source.path;
    append.fromOffset = source.offset;
    append.batch = std::make_shared<Dataset>();
    append.batch->addSource(source.path);
    ReadRequest request;
    request.path = source.path;
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
    if (index >= 0)
        m_sources[index].requesting = false;
    if (index < 0 || m_sources[index].offset != append.fromOffset || !m_data || m_loading)
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
    s.problems.insert(s.problems.end(), append.state.problems.begin(), append.state.problems.end());
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
