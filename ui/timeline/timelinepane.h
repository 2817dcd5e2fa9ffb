// The Timeline tab: the operations of the Operations tab (the filter applies) on lanes per server, with its buttons
// and scroll bar. Builds the layout and bins the density in workers, never on the GUI thread; what arrives meanwhile
// is laid out once the running one is shown, the newest only.
#pragma once

#include "timelinecanvas.h"

#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <memory>
#include <vector>

class QLabel;
class QScrollBar;
class QToolButton;

namespace oplens::ui {

class TimelinePane : public QWidget
{
    Q_OBJECT
public:
    explicit TimelinePane(QWidget *parent = nullptr);
    ~TimelinePane() override;

    // The operations shown (in any order) of `data` at `now`: laid out in a worker while the pane is shown, else
    // when it is shown next.
    void setOperations(std::shared_ptr<const Dataset> data, std::vector<uint32_t> ops, int64_t now);
    void selectOperation(const Dataset &data, uint32_t op); // TimelineCanvas::selectOperation()
    void setFollowing(bool following); // a marker at now
    // The filter has a time range (a brush, say): an "All time" button takes it away, and the next layout is fitted.
    void setTimeFiltered(bool filtered);
    TimelineCanvas *canvas() const { return m_canvas; }
    // Laying out or binning, or waiting to: what a screenshot waits for.
    bool isBusy() const;

Q_SIGNALS:
    void operationClicked(uint32_t op);
    void rangeBrushed(int64_t from, int64_t to);
    void allTimeRequested();
    void settled(); // nothing left to lay out or bin

protected:
    void showEvent(QShowEvent *event) override;

private:
    using LayoutPtr = std::shared_ptr<const TimelineLayout>;
    using DensityPtr = std::shared_ptr<const TimelineDensity>;
    void createBar();
    void build();
    void built();
    void requestDensity();
    void binned();
    void syncScrollBar();
    void updateSummary();

    TimelineCanvas *m_canvas;
    QScrollBar *m_scroll;
    QLabel *m_summary;
    QToolButton *m_allTime;
    // "All time" was asked for: the layout of the operations handed over next is fitted (not one still being built).
    bool m_fitRequested = false, m_fitOps = false, m_fitBuilding = false;
    // What to lay out next, and whether that is still to do.
    std::shared_ptr<const Dataset> m_data, m_building;
    std::vector<uint32_t> m_ops;
    int64_t m_now = 0;
    bool m_dirty = false;
    // Until a worker's result is taken in (QFutureWatcher::isRunning() turns false before that).
    bool m_laying = false, m_binningNow = false;
    QFutureWatcher<LayoutPtr> m_layoutWatcher;
    std::shared_ptr<std::atomic_bool> m_layoutCancel;
    QFutureWatcher<DensityPtr> m_densityWatcher;
    std::shared_ptr<std::atomic_bool> m_densityCancel;
    struct DensityKey {
        uint64_t generation = 0; // of the layout binned
        int level = 0;           // a column is 2^(level/4) ms
        int64_t from = 0, step = 1;
        int columns = 0;
        bool operator==(const DensityKey &) const = default;
    } m_binning; // what the density worker bins; shown when it ends only if it still serves the view
    DensityKey densityKeyForView() const;
    bool servesView(const DensityKey &key, const TimelineDensity &density) const;
    uint64_t m_generation = 0; // of the canvas' layout: a density binned for an earlier one is dropped
    std::vector<std::pair<DensityKey, DensityPtr>> m_densities; // the last few binned, newest last
    bool m_syncing = false;
};

} // namespace oplens::ui
