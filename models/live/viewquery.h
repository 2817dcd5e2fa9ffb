// Filters and sorts one view (events or operations) in a worker; a newer request cancels the running one. When the
// data grows (update()), only what the append added or changed is filtered, then merged into the sorted result: the
// result says how its rows changed (a diff) so that a table inserts rows instead of starting over.
#pragma once

#include "session.h"
#include "viewdelta.h"
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

    // Runs the query again now, over everything (a new dataset, or the clock moved for Stale).
    void refresh();
    // The same dataset changed as `change` says: the next result is the last one updated (or everything again when
    // the change says any operation may have changed).
    void update(const Dataset::Change &change);

    struct Result {
        std::shared_ptr<const Dataset> data;
        std::vector<uint32_t> rows; // row or operation indexes, in view order
        size_t total = 0;           // events or operations in the data
        int64_t now = 0;
        bool cancelled = false;
        bool incremental = false;   // the previous result changed as `diff` says
        ViewDiff diff;
        std::shared_ptr<const std::vector<uint32_t>> basis; // `rows` again: what the next update starts from
        size_t seenRows = 0;        // the events the data had when it was read
    };

Q_SIGNALS:
    void started();
    void progress(int percent);
    void ready(const oplens::ViewQuery::Result &result);

private:
    struct Request {
        std::shared_ptr<const Dataset> data;
        ViewKind kind;
        ViewFilter filter;
        int column;
        bool descending;
        int64_t now;
        // For an update: the last result, what it had seen and what changed since.
        std::shared_ptr<const std::vector<uint32_t>> basis;
        size_t seenRows = 0;
        size_t totalBefore = 0;
        std::vector<uint32_t> changedOps;
    };
    static Result run(Request request, std::shared_ptr<std::atomic_bool> cancel, ViewQuery *progressTo);
    static Result runUpdate(const Request &request);
    void launch();
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
    bool m_runningUpdate = false;
    // What the next run needs: everything, or an update of the last result.
    bool m_everything = true;
    std::shared_ptr<const Dataset> m_basisData;
    std::shared_ptr<const std::vector<uint32_t>> m_basis;
    size_t m_seenRows = 0, m_total = 0;
    std::vector<uint32_t> m_changedOps; // sorted
};

} // namespace oplens
