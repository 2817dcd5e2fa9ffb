// Filters and sorts one view (events or operations) in a worker; a newer request cancels the running one.
#pragma once

#include "session.h"
#include "viewfilter.h"
#include "viewkind.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>
#include <memory>

namespace oplens {

class ViewQuery : public QObject
{
    Q_OBJECT
public:
    ViewQuery(Session *session, ViewKind kind, QObject *parent = nullptr);
    ~ViewQuery() override;

    ViewKind kind() const { return m_kind; }
    const ViewFilter &filter() const { return m_filter; }
    void setFilter(const ViewFilter &filter);
    int sortColumn() const { return m_sortColumn; }
    bool sortDescending() const { return m_descending; }
    void setSort(int column, bool descending);
    // Until its result is delivered: QFutureWatcher::isRunning() turns false before that.
    bool isRunning() const { return m_busy; }

    // Runs the query again now (data changed, or the clock moved for Stale).
    void refresh();

    struct Result {
        std::shared_ptr<const Dataset> data;
        std::vector<uint32_t> rows; // row or operation indexes, in view order
        size_t total = 0;           // events or operations in the data
        int64_t now = 0;
        bool cancelled = false;
    };

Q_SIGNALS:
    void started();
    void progress(int percent);
    void ready(const oplens::ViewQuery::Result &result);

private:
    static Result run(std::shared_ptr<const Dataset> data, ViewKind kind, ViewFilter filter, int column, bool descending,
                      int64_t now, std::shared_ptr<std::atomic_bool> cancel, ViewQuery *progressTo);
    void finished();

    Session *m_session;
    ViewKind m_kind;
    ViewFilter m_filter;
    int m_sortColumn;
    bool m_descending = true;
    QFutureWatcher<Result> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    bool m_again = false;
    bool m_busy = false;
};

} // namespace oplens
