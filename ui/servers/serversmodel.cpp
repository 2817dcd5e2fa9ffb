#include "serversmodel.h"

#include "sourcehealth.h"
#include "sourcetexts.h"
#include "statusstyle.h"
#include "timedisplay.h"
#include "workerpool.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QFont>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <numeric>

namespace oplens::ui {

namespace {
constexpr quintptr kTopLevel = 0; // an index's internal id: 0 on a server's row, its row + 1 on its children
constexpr int kTicksPerRecount = 60; // Stale follows the clock: looked at again every minute

uint32_t flagOf(int column)
{
    switch (column) {
    case ServersModel::Interrupted: return StatusInterrupted;
    case ServersModel::Failed: return StatusFailed;
    case ServersModel::Aborted: return StatusAborted;
    case ServersModel::Stale: return StatusStale;
    case ServersModel::Running: return StatusRunning;
    case ServersModel::Queued: return StatusQueued;
    case ServersModel::Finished: return StatusFinished;
    default: return 0;
    }
}


} // namespace

ServersModel::ServersModel(Session *session, QObject *parent) : QAbstractItemModel(parent), m_session(session)
{
    connect(&m_count, &QFutureWatcher<Counted>::finished, this, &ServersModel::countDone);
}

// Stale and open notifications depend on the clock and the acknowledgements: counted from the few watched operations.
void ServersModel::countWatched(int64_t now)
{
    const auto data = m_session->data();
    if (!data || m_counted.lock() != data)
        return;
    const EventStore &store = data->events();
    for (Row &row : m_rows) {
        row.counts[Stale - Interrupted] = 0;
        for (Group &g : row.groups)
            g.counts[Stale - Interrupted] = 0;
        row.open = 0;
        for (const Watched &w : row.watched) {
            if (!data->exists(w.op))
                continue;
            if (data->isStale(w.op, now)) {
                ++row.counts[Stale - Interrupted];
                ++row.groups[w.group].counts[Stale - Interrupted];
            }
            if (data->needsAttention(w.op, now) && (m_acks.isEmpty() || !m_acks.contains(row.path, store.ids().qtext(w.op))))
                ++row.open;
        }
    }
}

bool ServersModel::sameShape(const std::vector<Row> &rows) const
{
    if (rows.size() != m_rows.size())
        return false;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].path != m_rows[i].path || rows[i].groups.size() != m_rows[i].groups.size())
            return false;
        for (size_t g = 0; g < rows[i].groups.size(); ++g)
            if (rows[i].groups[g].module != m_rows[i].groups[g].module || rows[i].groups[g].name != m_rows[i].groups[g].name)
                return false;
    }
    return true;
}

ServersModel::~ServersModel()
{
    if (m_counting) { // it still reads the dataset
        m_count.waitForFinished();
        if (m_session)
            m_session->endRead();
    }
}

void ServersModel::refresh()
{
    if (m_counting) {
        m_countAgain = true;
        return;
    }
    const auto data = m_session ? m_session->data() : nullptr;
    QStringList sources;
    if (m_session)
        for (const SourceState &s : m_session->sources())
            sources << s.path;
    const bool dataChanged = m_counted.lock() != data || (data && m_countedEvents != data->events().size());
    if (!dataChanged && sources == m_countedSources) {
        tick();
        return;
    }
    // Counted in a worker: a pass over every operation is not for the GUI thread.
    m_counting = true;
    m_countAgain = false;
    if (data)
        m_session->beginRead();
    m_count.setFuture(QtConcurrent::run(workerPool(), [data, sources] {
        QElapsedTimer timer;
        timer.start();
        Counted counted{count(data.get(), sources), data, data ? data->events().size() : 0, sources, 0};
        counted.ms = double(timer.nsecsElapsed()) / 1e6;
        return counted;
    }));
}

void ServersModel::countDone()
{
    Counted counted = m_count.result();
    m_counting = false;
    if (counted.data && m_session)
        m_session->endRead();
    const bool same = sameShape(counted.rows) && counted.sources == m_countedSources;
    if (!same)
        beginResetModel();
    m_rows = std::move(counted.rows);
    m_counted = counted.data;
    m_countedEvents = counted.events;
    m_countedSources = counted.sources;
    countWatched(QDateTime::currentMSecsSinceEpoch());
    if (same) { // keeps the view's expanded rows and selection while a followed file grows
        for (int r = 0; r < int(m_rows.size()); ++r)
            Q_EMIT this->dataChanged(index(r, 0), index(r, ColumnCount - 1));
        for (int r = 0; r < int(m_rows.size()); ++r)
            if (!m_rows[size_t(r)].groups.empty())
                Q_EMIT this->dataChanged(index(0, 0, index(r, 0)), index(int(m_rows[size_t(r)].groups.size()) - 1, ColumnCount - 1, index(r, 0)));
    } else {
        endResetModel();
    }
    Q_EMIT countTaken(counted.ms);
    if (m_countAgain)
        refresh();
}

void ServersModel::tick()
{
    if (++m_ticks % kTicksPerRecount == 0) {
        countWatched(QDateTime::currentMSecsSinceEpoch());
        for (int r = 0; r < int(m_rows.size()); ++r) {
            Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
            if (!m_rows[size_t(r)].groups.empty())
                Q_EMIT dataChanged(index(0, 0, index(r, 0)), index(int(m_rows[size_t(r)].groups.size()) - 1, ColumnCount - 1, index(r, 0)));
        }
        return;
    }
    for (int r = 0; r < int(m_rows.size()); ++r) {
        Q_EMIT dataChanged(index(r, Server), index(r, Server)); // its icon follows the source's health
        Q_EMIT dataChanged(index(r, ServiceStart), index(r, State));
    }
}

void ServersModel::setAcknowledgements(const Acknowledgements &acknowledgements)
{
    m_acks = acknowledgements;
    countWatched(QDateTime::currentMSecsSinceEpoch());
    for (int r = 0; r < int(m_rows.size()); ++r)
        Q_EMIT dataChanged(index(r, Open), index(r, Open));
}

std::optional<ViewFilter> ServersModel::filterFor(const QModelIndex &index) const
{
    const uint32_t flag = flagOf(index.column());
    if (!index.isValid() || flag == 0)
        return std::nullopt;
    const bool child = index.internalId() != kTopLevel;
    const size_t r = child ? size_t(index.internalId() - 1) : size_t(index.row());
    if (r >= m_rows.size())
        return std::nullopt;
    ViewFilter filter;
    filter.sources = {m_rows[r].path};
    filter.statuses = flag;
    const auto data = m_counted.lock();
    if (child && data && size_t(index.row()) < m_rows[r].groups.size()) {
        filter.modules = {data->events().string(m_rows[r].groups[size_t(index.row())].module)};
        filter.names = {data->events().string(m_rows[r].groups[size_t(index.row())].name)};
    }
    return filter;
}

int ServersModel::rowOfSource(const QString &path) const
{
    for (size_t r = 0; r < m_rows.size(); ++r)
        if (m_rows[r].path == path)
            return int(r);
    return -1;
}

QModelIndex ServersModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return size_t(row) < m_rows.size() ? createIndex(row, column, kTopLevel) : QModelIndex();
    if (parent.internalId() != kTopLevel || size_t(parent.row()) >= m_rows.size()
        || size_t(row) >= m_rows[size_t(parent.row())].groups.size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex ServersModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTopLevel);
}

int ServersModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.column() != 0 || parent.internalId() != kTopLevel || size_t(parent.row()) >= m_rows.size())
        return 0;
    return int(m_rows[size_t(parent.row())].groups.size());
}

int ServersModel::columnCount(const QModelIndex &) const { return ColumnCount; }

const SourceState *ServersModel::sourceOf(int rowIndex) const
{
    const int i = m_session->sourceIndex(m_rows[size_t(rowIndex)].path);
    return i >= 0 ? &m_session->sources()[i] : nullptr;
}

QString ServersModel::serverName(const Row &row, int rowIndex) const
{
    if (!row.host.isEmpty())
        return row.host;
    const SourceState *source = sourceOf(rowIndex);
    const QString name = source ? sourceShortName(*source) : QFileInfo(row.path).fileName();
    // One file of several servers: its name, and how many it speaks of.
    return row.hosts.size() > 1 ? tr("%1 (%2%3 hosts)").arg(name).arg(row.hosts.size()).arg(row.hosts.size() >= kHostsKept ? QStringLiteral("+") : QString())
                                : name;
}

QVariant ServersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kTopLevel)
        return size_t(index.row()) < m_rows.size() ? serverData(m_rows[size_t(index.row())], index.row(), index.column(), role)
                                                   : QVariant();
    const size_t r = size_t(index.internalId() - 1);
    if (r >= m_rows.size() || size_t(index.row()) >= m_rows[r].groups.size())
        return {};
    return groupData(m_rows[r], m_rows[r].groups[size_t(index.row())], index.column(), role);
}

QVariant ServersModel::countData(const Counts &counts, int column, int role, const QString &what) const
{
    const uint32_t n = counts[size_t(column - Interrupted)];
    const bool urgent = column == Interrupted || column == Failed || column == Stale;
    switch (role) {
    case Qt::DisplayRole: return QLocale().toString(n);
    case CountRole: return n;
    case Qt::TextAlignmentRole: return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (n == 0)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        if (urgent)
            return statusColor(column == Stale ? Status::Running : column == Interrupted ? Status::Interrupted : Status::Failed,
                               column == Stale);
        return {};
    case Qt::FontRole:
        if (n > 0 && urgent) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        return tr("Click to show the %1 %2 operations of %3 in the tables").arg(QLocale().toString(n), headerData(column, Qt::Horizontal, Qt::DisplayRole).toString(), what);
    default: return {};
    }
}

QVariant ServersModel::serverData(const Row &row, int rowIndex, int column, int role) const
{
    if (column >= Interrupted && column <= Finished)
        return countData(row.counts, column, role, serverName(row, rowIndex));
    if (role == SourcePathRole)
        return row.path;
    const SourceState *source = sourceOf(rowIndex);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    switch (column) {
    case Server:
        if (role == Qt::DisplayRole)
            return serverName(row, rowIndex);
        if (role == Qt::ToolTipRole)
            return source && sourceHealth(*source).trouble() ? QStringLiteral("%1\n%2").arg(row.path, sourceHealth(*source).banner()) : row.path;
        if (role == Qt::DecorationRole && source && sourceHealth(*source).trouble())
            return statusIcon(Status::Interrupted);
        return {};
    case Open:
        if (role == Qt::DisplayRole)
            return QLocale().toString(row.open);
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ForegroundRole)
            return row.open > 0 ? statusColor(Status::Interrupted) : QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        if (role == Qt::ToolTipRole)
            return tr("Interrupted (not restarted) or Stale, and not acknowledged: listed in Notifications");
        return {};
    case ServiceStart:
        if (role == Qt::DisplayRole)
            return row.serviceStart == kNoTime ? QStringLiteral("–") : TimeDisplay::instance().format(row.serviceStart).left(16); // no seconds
        if (role == Qt::ToolTipRole)
            return row.serviceStart == kNoTime ? tr("No ServiceStarted event, and no agent report")
                                               : tr("The service last started %1").arg(TimeDisplay::ago(now - row.serviceStart));
        return {};
    case Lag:
        return role == Qt::DisplayRole && source ? sourceLagText(*source, now) : QVariant();
    case State:
        if (!source)
            return {};
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return sourceStateText(*source);
        if (role == Qt::ForegroundRole && sourceHealth(*source).trouble())
            return statusColor(Status::Interrupted);
        return {};
    default: return {};
    }
}

QVariant ServersModel::groupData(const Row &row, const Group &group, int column, int role) const
{
    const auto data = m_counted.lock();
    if (!data)
        return {};
    const QString what = QStringLiteral("%1 %2").arg(data->events().string(group.module), data->events().string(group.name));
    if (column >= Interrupted && column <= Finished)
        return countData(group.counts, column, role, what + tr(" on ") + serverName(row, rowOfSource(row.path)));
    if (column == Server && role == Qt::DisplayRole)
        return what;
    if (column != LastGood)
        return {};
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    switch (role) {
    case Qt::DisplayRole: return group.lastFinished == kNoTime ? tr("never") : TimeDisplay::ago(now - group.lastFinished);
    case Qt::ToolTipRole:
        return group.lastFinished == kNoTime
                   ? tr("No %1 run has Finished in the loaded oplog").arg(what)
                   : tr("Last good %1: Finished %2 (%3)")
                         .arg(what, TimeDisplay::instance().format(group.lastFinished), data->events().ids().qtext(group.lastFinishedOp));
    case Qt::ForegroundRole:
        return group.lastFinished == kNoTime ? QVariant(statusColor(Status::Failed)) : QVariant();
    default: return {};
    }
}

QVariant ServersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char *const names[ColumnCount] = {
        QT_TR_NOOP("Server"),   QT_TR_NOOP("Interrupted"), QT_TR_NOOP("Failed"),    QT_TR_NOOP("Aborted"),
        QT_TR_NOOP("Stale"),    QT_TR_NOOP("Running"),     QT_TR_NOOP("Queued"),    QT_TR_NOOP("Finished"),
        QT_TR_NOOP("Open"),     QT_TR_NOOP("Last good"),   QT_TR_NOOP("Service start"), QT_TR_NOOP("Lag"),
        QT_TR_NOOP("State")};
    if (role == Qt::DisplayRole && section >= 0 && section < ColumnCount)
        return tr(names[section]);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Open: return tr("Notifications not acknowledged: Interrupted and not restarted, or Stale");
        case LastGood: return tr("When each module and name last Finished (on the rows under a server)");
        case ServiceStart: return tr("The latest ServiceStarted event, or the agent's serviceStartedAt");
        case Lag: return tr("How old the shown copy may be: the time since the server last answered");
        default: return section >= Interrupted && section <= Finished ? tr("Click a count to show those operations") : QVariant();
        }
    }
    return {};
}

} // namespace oplens::ui
