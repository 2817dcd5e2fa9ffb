// The Timeline tab's wiring (mainwindow.h): it shows the Operations tab's result, so the filter applies; a click
// selects everywhere, a selection elsewhere is highlighted there; a brushed range becomes the filter's time range.
#include "mainwindow.h"

#include "detailspane.h"
#include "filterbar.h"
#include "tablepane.h"
#include "timelinepane.h"

#include <QTabWidget>

#include <algorithm>

namespace oplens::ui {

void MainWindow::connectTimeline()
{
    connect(m_operations, &TablePane::resultShown, this, [this] {
        m_timeline->setOperations(m_operations->resultData(), m_operations->resultRows(), m_operations->resultNow());
    });
    connect(m_timeline, &TimelinePane::operationClicked, this, &MainWindow::selectEverywhere);
    connect(m_timeline, &TimelinePane::rangeBrushed, m_filterBar, &FilterBar::setTimeRange);
    connect(m_timeline, &TimelinePane::allTimeRequested, this, [this] { m_filterBar->setTimeRange(kNoTime, kNoTime); });
    connect(m_filterBar, &FilterBar::changed, this, [this](const ViewFilter &filter) {
        m_timeline->setTimeFiltered(filter.since != kNoTime || filter.until != kNoTime);
    });
    connect(m_timeline, &TimelinePane::settled, this, &MainWindow::checkIdle);
    connect(m_session, &Session::sourcesChanged, this, [this] {
        const auto &sources = m_session->sources();
        m_timeline->setFollowing(std::any_of(sources.begin(), sources.end(), [](const SourceState &s) { return s.follow; }));
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        const auto data = m_session->data();
        if (m_tabs->currentWidget() == m_timeline && data && m_details->operation() != kNone)
            m_timeline->selectOperation(*data, m_details->operation());
    });
}

} // namespace oplens::ui
