#include "timelinepane.h"

#include "workerpool.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <utility>
#include <QtConcurrent/QtConcurrentRun>

namespace oplens::ui {

namespace {
constexpr size_t kDensitiesKept = 8; // zooming back and forth finds its levels binned
} // namespace

TimelinePane::TimelinePane(QWidget *parent) : QWidget(parent), m_canvas(new TimelineCanvas(this))
{
    setObjectName(QStringLiteral("timelinePane"));
    m_scroll = new QScrollBar(Qt::Vertical, this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("timelineSummary"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    createBar();
    auto *row = new QHBoxLayout;
    row->setSpacing(0);
    row->addWidget(m_canvas, 1);
    row->addWidget(m_scroll);
    layout->addLayout(row, 1);
    m_canvas->setMessage(tr("No operation to show"));
    connect(m_canvas, &TimelineCanvas::operationClicked, this, &TimelinePane::operationClicked);
    connect(m_canvas, &TimelineCanvas::rangeBrushed, this, &TimelinePane::rangeBrushed);
    connect(m_canvas, &TimelineCanvas::viewChanged, this, [this] {
        requestDensity();
        syncScrollBar();
    });
    connect(m_scroll, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_syncing)
            m_canvas->setScrollY(value);
    });
    connect(&m_layoutWatcher, &QFutureWatcher<LayoutPtr>::finished, this, &TimelinePane::built);
    connect(&m_densityWatcher, &QFutureWatcher<DensityPtr>::finished, this, &TimelinePane::binned);
}

TimelinePane::~TimelinePane()
{
    for (const auto &cancel : {m_layoutCancel, m_densityCancel})
        if (cancel)
            cancel->store(true);
    m_layoutWatcher.waitForFinished();
    m_densityWatcher.waitForFinished();
}

// Fit, zoom, and what the mouse does, said once where it is seen.
void TimelinePane::createBar()
{
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 3, 6, 3);
    const auto button = [this, bar](const QString &text, const QString &tip, const QString &name, auto slot) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setObjectName(name);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, m_canvas, slot);
        bar->addWidget(b);
    };
    button(tr("Fit all"), tr("Show every operation (Home)"), QStringLiteral("timelineFit"), [this] { m_canvas->fitAll(); });
    button(QStringLiteral("+"), tr("Zoom in (+, or the mouse wheel)"), QStringLiteral("timelineZoomIn"),
           [this] { m_canvas->zoomAt(m_canvas->frameGeometry().plot().center().x(), 0.5); });
    button(QStringLiteral("−"), tr("Zoom out (−, or the mouse wheel)"), QStringLiteral("timelineZoomOut"),
           [this] { m_canvas->zoomAt(m_canvas->frameGeometry().plot().center().x(), 2.0); });
    m_allTime = new QToolButton(this);
    m_allTime->setObjectName(QStringLiteral("timelineAllTime"));
    m_allTime->setText(tr("All time"));
    m_allTime->setToolTip(tr("Take the time range away from the filter and show everything"));
    m_allTime->setAutoRaise(true);
    m_allTime->hide();
    connect(m_allTime, &QToolButton::clicked, this, [this] {
        m_fitRequested = true; // the operations handed over next are those of the filter without its range
        Q_EMIT allTimeRequested();
    });
    bar->addWidget(m_allTime);
    bar->addSpacing(8);
    bar->addWidget(m_summary, 1);
    auto *hint = new QLabel(tr("Wheel: zoom · Drag: pan · Shift+drag: filter to a time range · Click: select"), this);
    hint->setEnabled(false); // muted
    bar->addWidget(hint);
    static_cast<QVBoxLayout *>(layout())->addLayout(bar);
}

void TimelinePane::setOperations(std::shared_ptr<const Dataset> data, std::vector<uint32_t> ops, int64_t now)
{
    m_data = std::move(data);
    m_ops = std::move(ops);
    m_now = now;
    m_dirty = true;
    m_fitOps = std::exchange(m_fitRequested, false) || m_fitOps;
    build();
}

void TimelinePane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    build();
}

void TimelinePane::build()
{
    if (!m_dirty || !isVisible())
        return; // hidden: laid out when shown
    if (m_laying)
        return; // built() shows that one (a following source never starves the tab), then starts again with these
    m_dirty = false;
    if (!m_data) {
        m_canvas->setContent(nullptr, nullptr);
        return;
    }
    m_layoutCancel = std::make_shared<std::atomic_bool>(false);
    m_building = m_data;
    m_fitBuilding = std::exchange(m_fitOps, false);
    m_laying = true;
    if (!m_canvas->layout())
        m_canvas->setMessage(tr("Laying out %1 operations…").arg(QLocale().toString(qulonglong(m_ops.size()))));
    m_layoutWatcher.setFuture(QtConcurrent::run(workerPool(),
        [data = m_data, ops = m_ops, now = m_now, cancel = m_layoutCancel]() -> LayoutPtr {
            auto layout = std::make_shared<TimelineLayout>(TimelineLayout::build(*data, ops, now, cancel.get()));
            return cancel->load() ? nullptr : LayoutPtr(std::move(layout));
        }));
}

void TimelinePane::built()
{
    const LayoutPtr layout = m_layoutWatcher.result();
    m_laying = false;
    if (layout) {
        ++m_generation;
        m_densities.clear();
        m_canvas->setMessage(tr("No operation matches the filter"));
        m_canvas->setContent(m_building, layout);
        if (std::exchange(m_fitBuilding, false))
            m_canvas->fitAll();
        updateSummary();
        requestDensity();
        syncScrollBar();
    }
    m_building.reset();
    build();
    if (!isBusy())
        Q_EMIT settled();
}

// What to bin for the view: its zoom level (a column is 2^(level/4) ms, the first such step at least as fine as a
// device pixel), over the view and a view's width on each side, aligned to the level's grid, so that panning and
// zooming back find it binned.
TimelinePane::DensityKey TimelinePane::densityKeyForView() const
{
    const int64_t from = m_canvas->from(), to = m_canvas->to();
    const int columns = m_canvas->densityColumns();
    const int level = int(std::floor(std::log2(std::max(double(to - from) / columns, 1.0)) * 4));
    const auto step = std::max<int64_t>(1, int64_t(std::exp2(level / 4.0)));
    const int64_t aligned = (from >= 0 ? from / step : -((-from + step - 1) / step)) * step;
    const int binned = int(std::min<int64_t>((to - aligned) / step + 1, 4 * columns)) + 2 * columns;
    return {m_generation, level, aligned - int64_t(columns) * step, step, binned};
}

// Of the layout shown, of the view's zoom level, and covering the view.
bool TimelinePane::servesView(const DensityKey &key, const TimelineDensity &density) const
{
    const DensityKey view = densityKeyForView();
    return key.generation == view.generation && key.level == view.level && density.from <= m_canvas->from()
        && density.to >= m_canvas->to();
}

void TimelinePane::requestDensity()
{
    if (!m_canvas->layout() || !m_canvas->wantsDensity())
        return;
    const DensityKey key = densityKeyForView();
    for (const auto &[k, density] : m_densities)
        if (servesView(k, *density)) {
            m_canvas->setDensity(density);
            return;
        }
    if (m_binningNow)
        return; // binned() asks for the newest
    m_binning = key;
    m_binningNow = true;
    m_densityCancel = std::make_shared<std::atomic_bool>(false);
    m_densityWatcher.setFuture(QtConcurrent::run(workerPool(),
        [layout = m_canvas->sharedLayout(), key, cancel = m_densityCancel]() -> DensityPtr {
            const int64_t to = key.from + key.step * key.columns;
            auto density = std::make_shared<TimelineDensity>(binTimeline(*layout, key.from, to, key.columns, cancel.get()));
            return density->valid() ? DensityPtr(std::move(density)) : nullptr;
        }));
}

void TimelinePane::binned()
{
    const DensityPtr density = m_densityWatcher.result();
    m_binningNow = false;
    if (density && m_binning.generation == m_generation) { // not of a layout replaced meanwhile
        m_densities.emplace_back(m_binning, density);
        if (m_densities.size() > kDensitiesKept)
            m_densities.erase(m_densities.begin());
    }
    // Shown when it serves the view as it is now; else the view moved on meanwhile: its own (cached or binned).
    if (density && servesView(m_binning, *density))
        m_canvas->setDensity(density);
    else
        requestDensity();
    if (!isBusy())
        Q_EMIT settled();
}

bool TimelinePane::isBusy() const
{
    return m_laying || m_binningNow || (m_dirty && isVisible());
}

void TimelinePane::selectOperation(const Dataset &data, uint32_t op) { m_canvas->selectOperation(data, op); }

void TimelinePane::setFollowing(bool following) { m_canvas->setShowNow(following); }

void TimelinePane::setTimeFiltered(bool filtered) { m_allTime->setVisible(filtered); }

void TimelinePane::syncScrollBar()
{
    m_syncing = true;
    const double range = m_canvas->scrollRange();
    m_scroll->setRange(0, int(std::ceil(range)));
    m_scroll->setPageStep(int(m_canvas->frameGeometry().plot().height()));
    m_scroll->setSingleStep(int(TimelineGeometry::kRowHeight));
    m_scroll->setValue(int(m_canvas->scrollY()));
    m_scroll->setVisible(range > 0);
    m_syncing = false;
}

void TimelinePane::updateSummary()
{
    const TimelineLayout *layout = m_canvas->layout();
    if (!layout || layout->empty()) {
        m_summary->clear();
        return;
    }
    const QLocale locale;
    const size_t lanes = layout->lanes().size(), starts = layout->markers().size();
    const size_t count = layout->bars().size();
    m_summary->setText(tr("%1 on %2 · %3")
                           .arg(count == 1 ? tr("1 operation") : tr("%1 operations").arg(locale.toString(qulonglong(count))),
                                lanes == 1 ? tr("1 server") : tr("%1 servers").arg(lanes),
                                starts == 1 ? tr("1 service start") : tr("%1 service starts").arg(starts)));
}

} // namespace oplens::ui
