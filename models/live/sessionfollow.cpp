// The session's followed sources (session.h): what each grew by is read in a worker, all of them in one go, and
// appended to the dataset in one change; a file replaced or shrunk is read again alone.
#include "session.h"

#include "fileidentity.h"
#include "oplogreader.h"
#include "workerpool.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace oplens {

// What a followed source says now: grown (read what it gained), replaced or shrunk (read it again), or nothing new.
Session::Growth Session::growthOf(SourceState &s)
{
    if (s.remote) // its mirror only grows: RemoteSource replaces it when the server's file had another life
        return !s.mirror.isEmpty() && s.error.isEmpty() && !s.lastRead.isNull()
                && uint64_t(QFileInfo(s.mirror).size()) > s.offset
            ? Growth::Grown
            : Growth::None;
    const QFileInfo info(s.path);
    if (!info.exists()) {
        if (!s.missing) {
            s.error = QStringLiteral("the file is gone");
            s.missing = true;
            Q_EMIT sourcesChanged();
        }
        return Growth::None;
    }
    if (!s.error.isEmpty() && !s.missing)
        return Growth::None; // unreadable: F5 tries again
    const uint64_t identity = fileIdentity(s.path);
    const auto size = uint64_t(info.size());
    if (identity != s.fileId || size < s.offset || s.missing) {
        s.notice = identity != s.fileId ? QStringLiteral("read again from the start: the file was replaced")
                                        : size < s.offset ? QStringLiteral("read again from the start: the file shrank")
                                                          : QString();
        if (!s.notice.isEmpty())
            Q_EMIT message(QStringLiteral("%1: %2").arg(QFileInfo(s.path).fileName(), s.notice));
        return Growth::Replaced;
    }
    return size > s.offset ? Growth::Grown : Growth::None;
}

// inotify through QFileSystemWatcher: a followed file that was written to is read at once; the timer stays for what
// it misses (a file replaced drops its watch, which the next tick sets again).
void Session::watchFollowedFiles()
{
    QStringList wanted;
    for (const SourceState &s : std::as_const(m_sources))
        if (s.follow && !s.remote && s.error.isEmpty())
            wanted << s.path;
    const QStringList watched = m_files.files();
    for (const QString &path : watched)
        if (!wanted.contains(path))
            m_files.removePath(path);
    for (const QString &path : std::as_const(wanted))
        if (!watched.contains(path))
            m_files.addPath(path);
}

void Session::poll()
{
    m_pollSoon = false;
    watchFollowedFiles();
    if (m_loading || m_appending || !m_pendingChanges.empty() || !m_data)
        return;
    QList<SourceState> grown;
    for (SourceState &s : m_sources) {
        if (!s.follow)
            continue;
        switch (growthOf(s)) {
        case Growth::Replaced:
            enqueue({Job::Load, s.slot}, QStringLiteral("Reading %1 again").arg(QFileInfo(s.path).fileName()));
            return;
        case Growth::Grown:
            grown << s;
            break;
        case Growth::None:
            break;
        }
    }
    if (grown.isEmpty())
        return;
    m_appending = true;
    m_append.setFuture(QtConcurrent::run(workerPool(), &Session::readAppended, grown));
}

void Session::pollSoon()
{
    if (m_pollSoon)
        return;
    m_pollSoon = true;
    QMetaObject::invokeMethod(this, &Session::poll, Qt::QueuedConnection);
}

std::vector<Session::Append> Session::readAppended(QList<SourceState> sources)
{
    std::vector<Append> appends;
    for (const SourceState &source : sources) {
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
        appends.push_back(std::move(append));
    }
    return appends;
}

void Session::appendDone()
{
    m_appending = false;
    auto appends = std::make_shared<std::vector<Append>>(m_append.result());
    mutate([this, appends] {
        applyAppends(*appends);
        pollSoon(); // what was written while it was read
    });
}

void Session::applyAppends(std::vector<Append> &appends)
{
    if (!m_data || m_loading)
        return; // read again meanwhile: the new read has these lines too
    Dataset::Change change{m_data->events().size(), {}, false};
    bool changed = false;
    for (Append &append : appends) {
        const int index = sourceIndex(append.path);
        if (index < 0 || m_sources[index].offset != append.fromOffset || m_sources[index].readPath() != append.readPath)
            continue; // removed or read again meanwhile
        SourceState &s = m_sources[index];
        changed = true;
        if (!append.state.error.isEmpty()) {
            s.error = append.state.error;
            continue;
        }
        m_data->appendBatch(std::move(*append.batch), s.slot);
        const Dataset::Change &one = m_data->lastChange();
        change.everything |= one.everything;
        change.ops.insert(change.ops.end(), one.ops.begin(), one.ops.end());
        s.offset = append.state.offset;
        s.nextLine = append.state.nextLine;
        s.events += append.state.events;
        s.problems.add(append.state.problems);
        s.lastRead = QDateTime::currentDateTime();
    }
    if (!changed)
        return;
    std::sort(change.ops.begin(), change.ops.end());
    change.ops.erase(std::unique(change.ops.begin(), change.ops.end()), change.ops.end());
    if (change.firstRow < m_data->events().size() || change.everything || !change.ops.empty())
        Q_EMIT dataAppended(change);
    Q_EMIT sourcesChanged();
    summarizeLater();
}

} // namespace oplens
