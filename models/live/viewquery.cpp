#include "viewquery.h"

#include "workerpool.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace oplens {

ViewQuery::ViewQuery(Session *session, ViewKind kind, QObject *parent)
    : QObject(parent), m_session(session), m_kind(kind),
      m_sortColumn(kind == ViewKind::Events ? int(EventColumn::Time) : int(OperationColumn::Started))
{
    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, &ViewQuery::finished);
    // The main window deletes its Session (its first child) before the panes that own the queries.
    connect(session, &QObject::destroyed, this, [this] { m_session = nullptr; });
}

ViewQuery::~ViewQuery()
{
    if (m_cancel)
        *m_cancel = true;
    if (m_busy) { // running, or finished with its result not delivered yet: either way it still reads
        m_watcher.waitForFinished();
        if (m_session)
            m_session->endRead();
    }
}

void ViewQuery::setFilter(const ViewFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    refresh();
}

void ViewQuery::setSort(int column, bool descending)
{
    if (column == m_sortColumn && descending == m_descending)
        return;
    m_sortColumn = column;
    m_descending = descending;
    refresh();
}

void ViewQuery::refresh()
{
    m_everything = true;
    m_changedOps.clear();
    if (m_busy && !m_runningUpdate && m_cancel) // let it stop, then run with what is asked now
        *m_cancel = true;
    launch();
}

void ViewQuery::update(const Dataset::Change &change)
{
    const bool statusOfEvents = m_kind == ViewKind::Events && m_filter.statuses && !change.ops.empty();
    if (change.everything || statusOfEvents || !m_basis || m_basisData != m_session->data()) {
        refresh();
        return;
    }
    std::vector<uint32_t> merged;
    std::set_union(m_changedOps.begin(), m_changedOps.end(), change.ops.begin(), change.ops.end(),
                   std::back_inserter(merged));
    m_changedOps = std::move(merged);
    launch();
}

void ViewQuery::launch()
{
    if (m_busy) {
        m_again = true;
        return;
    }
    const auto data = m_session ? m_session->data() : nullptr;
    if (!data)
        return;
    m_again = false;
    Request request{data, m_kind, m_filter, m_sortColumn, m_descending, QDateTime::currentMSecsSinceEpoch(), {}, 0, 0, {}};
    m_runningUpdate = !m_everything && m_basis && m_basisData == data;
    if (m_runningUpdate) {
        request.basis = m_basis;
        request.seenRows = m_seenRows;
        request.totalBefore = m_total;
        request.changedOps = std::exchange(m_changedOps, {});
    }
    m_everything = false;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_session->beginRead();
    m_busy = true;
    if (!m_runningUpdate)
        Q_EMIT started();
    m_watcher.setFuture(QtConcurrent::run(workerPool(), &ViewQuery::run, std::move(request), m_cancel, this));
}

ViewQuery::Result ViewQuery::run(Request request, std::shared_ptr<std::atomic_bool> cancel, ViewQuery *progressTo)
{
    if (request.basis)
        return runUpdate(request);
    const std::shared_ptr<const Dataset> &data = request.data;
    Result result;
    result.data = data;
    result.now = request.now;
    result.seenRows = data->events().size();
    int last = -1;
    const Progress progress = [&](int percent) {
        if (percent == last)
            return;
        last = percent;
        QMetaObject::invokeMethod(progressTo, [progressTo, percent] { Q_EMIT progressTo->progress(percent); },
                                  Qt::QueuedConnection);
    };
    if (request.kind == ViewKind::Events) {
        result.total = data->events().size();
        result.rows = filterEvents(*data, request.filter, request.now, cancel.get(), progress);
        if (!*cancel)
            sortEvents(*data, result.rows, EventColumn(request.column), request.descending);
    } else {
        for (uint32_t op = 0; op < data->operationCount(); ++op)
            result.total += data->exists(op) ? 1 : 0;
        result.rows = filterOperations(*data, request.filter, request.now, cancel.get(), progress);
        if (!*cancel)
            sortOperations(*data, result.rows, OperationColumn(request.column), request.descending, request.now);
    }
    result.cancelled = *cancel;
    if (!result.cancelled)
        result.basis = std::make_shared<const std::vector<uint32_t>>(result.rows);
    return result;
}

// The last result, without what changed, with what passes of the changed and new rows merged in by the sort order.
ViewQuery::Result ViewQuery::runUpdate(const Request &request)
{
    const Dataset &data = *request.data;
    Result result;
    result.data = request.data;
    result.now = request.now;
    result.incremental = true;
    result.seenRows = data.events().size();
    std::vector<uint32_t> dropped, added;
    if (request.kind == ViewKind::Events) {
        result.total = data.events().size();
        added = filterEventRange(data, request.filter, request.now, request.seenRows, result.seenRows);
        // (A status filter with changed operations runs over everything: update() is not asked then.)
        result.rows = mergeView(*request.basis, dropped, std::move(added),
                                eventOrder(data, EventColumn(request.column), request.descending), result.diff);
    } else {
        dropped = request.changedOps;
        if (OperationColumn(request.column) == OperationColumn::Duration) { // running ones grew longer meanwhile
            for (const uint32_t op : *request.basis)
                if (isActive(data.operation(op).status))
                    dropped.push_back(op);
            std::sort(dropped.begin(), dropped.end());
            dropped.erase(std::unique(dropped.begin(), dropped.end()), dropped.end());
        }
        size_t newOps = 0;
        for (const uint32_t op : request.changedOps)
            newOps += data.exists(op) && data.operation(op).lowestRow >= request.seenRows ? 1 : 0;
        result.total = request.totalBefore + newOps;
        added = filterOperationsAmong(data, request.filter, request.now, dropped);
        result.rows = mergeView(*request.basis, dropped, std::move(added),
                                operationOrder(data, OperationColumn(request.column), request.descending, request.now),
                                result.diff);
    }
    result.basis = std::make_shared<const std::vector<uint32_t>>(result.rows);
    return result;
}

void ViewQuery::finished()
{
    Result result = m_watcher.future().takeResult(); // moved out: a copy of millions of rows took 4-8 ms
    m_busy = false;
    if (!result.cancelled) { // before endRead(): an append waiting for it may ask for an update of this result
        m_basisData = result.data;
        m_basis = result.basis;
        m_seenRows = result.seenRows;
        m_total = result.total;
    }
    m_session->endRead();
    if (m_again || m_everything || !m_changedOps.empty()) {
        launch();
        if (result.cancelled)
            return;
    }
    if (!result.cancelled)
        Q_EMIT ready(result);
}

} // namespace oplens
