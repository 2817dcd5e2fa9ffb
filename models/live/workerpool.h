// The thread pool OpLens's own workers (loading, following, filtering, sorting) run in.
//
// Not QThreadPool::globalInstance(): Qt 6.4's raster paint engine splits large fills (QT_THREAD_PARALLEL_FILLS) and
// image conversions across the global pool and waits for them on the GUI thread, so while our long jobs held every
// global thread (two ViewQuery jobs on a 2-core machine) any repaint of the window blocked until one of them ended.
#pragma once

#include <QThreadPool>

namespace oplens {

inline QThreadPool *workerPool()
{
    static QThreadPool pool; // as many threads as cores; destroyed at exit after waiting for its jobs
    return &pool;
}

} // namespace oplens
