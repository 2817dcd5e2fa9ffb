#include "viewquery.h"

#include "workerpool.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>

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
    if (m_watcher.isRunning()) { // let it stop, then run with what is asked now
        *m_cancel = true;
        m_again = true;
        return;
    }
    const auto data = m_session->data();
    if (!data)
        return;
    m_again = false;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_session->beginRead();
    m_busy = true;
    Q_EMIT started();
    m_watcher.setFuture(QtConcurrent::run(workerPool(), &ViewQuery::run, data, m_kind, m_filter, m_sortColumn, m_descending,
                                          QDateTime::currentMSecsSinceEpoch(), m_cancel, this));
}

ViewQuery::Result ViewQuery::run(std::shared_ptr<const Dataset> data, ViewKind kind, ViewFilter filter, int column,
                                 bool descending, int64_t now, std::shared_ptr<std::atomic_bool> cancel,
                                 ViewQuery *progressTo)
{
    Result result;
    result.data = data;
    result.now = now;
    int last = -1;
    const Progress progress = [&](int percent) {
        if (percent == last)
            return;
        last = percent;
        QMetaObject::invokeMethod(progressTo, [progressTo, percent] { Q_EMIT progressTo->progress(percent); },
                                  Qt::QueuedConnection);
    };
    if (kind == ViewKind::Events) {
        result.total = data->events().size();
        result.rows = filterEvents(*data, filter, now, cancel.get(), progress);
        if (!*cancel)
            sortEvents(*data, result.rows, EventColumn(column), descending);
    } else {
        for (uint32_t op = 0; op < data->operationCount(); ++op)
            result.total += data->exists(op) ? 1 : 0;
        result.rows = filterOperations(*data, filter, now, cancel.get(), progress);
        if (!*cancel)
            sortOperations(*data, result.rows, OperationColumn(column), descending, now);
    }
    result.cancelled = *cancel;
    return result;
}

void ViewQuery::finished()
{
    const Result result = m_watcher.future().takeResult(); // moved out: a copy of millions of rows took 4-8 ms
    m_busy = false;
    m_session->endRead();
    if (m_again) {
        refresh();
        return;
    }
    if (!result.cancelled)
        Q_EMIT ready(result);
}

} // namespace oplens
