// What changes of the session's data do to the window (mainwindow.h). Nothing here looks at every operation: the
// tables update in workers (ViewQuery), and the counts, pickers and notifications come from the session's summary.
#include "mainwindow.h"

#include "detailspane.h"
#include "filterbar.h"
#include "notificationspane.h"
#include "sourcespane.h"
#include "tablepane.h"

#include <QDateTime>

#include <algorithm>

namespace oplens::ui {

void MainWindow::dataReset()
{
    updateHealth();
    const auto data = m_session->data();
    const uint32_t op = data && !m_detailsKey.second.empty() ? data->findOperation(m_detailsKey.first, m_detailsKey.second)
                                                            : kNone;
    updateTables(nullptr);
    showOperation(op);
    selectPendingRestart();
}

void MainWindow::dataAppended(const Dataset::Change &change)
{
    updateHealth();
    updateTables(&change);
    const uint32_t shown = m_details->operation();
    if (change.everything || std::binary_search(change.ops.begin(), change.ops.end(), shown))
        showOperation(shown); // its events or status changed
    selectPendingRestart();
}

// Each table's query runs again: over everything for a new dataset, else only over what `change` touched.
void MainWindow::updateTables(const Dataset::Change *change)
{
    const ViewFilter filter = m_filterBar->filter();
    for (TablePane *pane : {m_operations, m_events}) {
        if (pane->query()->filter() != filter)
            pane->query()->setFilter(filter);
        else if (change)
            pane->query()->update(*change);
        else
            pane->query()->refresh();
    }
}

void MainWindow::summaryChanged()
{
    const auto summary = m_session->summary();
    if (!summary)
        return;
    m_filterBar->setChoices(summary->modules, summary->names);
    m_filterBar->setStatusCounts(*summary);
    m_notifications->refresh(summary);
    m_sources->refresh();
    checkIdle();
}

} // namespace oplens::ui
