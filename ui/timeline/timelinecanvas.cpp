#include "timelinecanvas.h"

#include "timedisplay.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace oplens::ui {

namespace {

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

TimelineCanvas::TimelineCanvas(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("timelineCanvas"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumHeight(120);
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, qOverload<>(&QWidget::update));
}

void TimelineCanvas::setContent(std::shared_ptr<const Dataset> data, std::shared_ptr<const TimelineLayout> layout)
{
    const auto old = m_layout;
    m_data = std::move(data);
    resolveSelection(); // a new dataset numbers its operations anew
    m_layout = std::move(layout);
    m_widestLabel = -1;
    m_density.reset();
    m_hoveredBar = kNone;
    if (!m_layout || m_layout->empty()) {
        update();
        Q_EMIT viewChanged();
        return;
    }
    const int64_t first = m_layout->fitFirst(), last = m_layout->fitLast();
    if (!old || old->empty() || m_to < first || m_from > last) {
        fitAll();
        return;
    }
    // A view that showed the newest time keeps showing it as the data grows (following a source).
    if (old->fitLast() != kNoTime && last > old->fitLast() && m_to >= old->fitLast() && m_from <= old->fitLast())
        setRange(m_from + (last - old->fitLast()), m_to + (last - old->fitLast()));
    clampScroll();
    update();
    Q_EMIT viewChanged();
}

void TimelineCanvas::setDensity(std::shared_ptr<const TimelineDensity> density)
{
    m_density = std::move(density);
    update();
}

void TimelineCanvas::setMessage(const QString &message)
{
    m_message = message;
    update();
}

void TimelineCanvas::setShowNow(bool show)
{
    m_showNow = show;
    update();
}

void TimelineCanvas::setRange(int64_t from, int64_t to)
{
    if (to - from < kMinSpanMs) {
        const int64_t middle = from / 2 + to / 2;
        from = middle - kMinSpanMs / 2;
        to = from + kMinSpanMs;
    }
    // Never more than a few times what there is (or a century): zooming out stops where nothing more is seen.
    int64_t most = 100LL * 365 * 24 * 3600 * 1000;
    if (m_layout && !m_layout->empty())
        most = std::min(most, std::max<int64_t>(4 * (m_layout->fitLast() - m_layout->fitFirst()), 24LL * 3600 * 1000));
    if (to - from > most) {
        const int64_t middle = from / 2 + to / 2;
        from = middle - most / 2;
        to = from + most;
    }
    // Panning stops a little past what can be shown at all (the layout keeps times within kTimeLimit).
    constexpr int64_t kBound = 4 * TimelineLayout::kTimeLimit;
    if (from < -kBound)
        to += -kBound - from, from = -kBound;
    if (to > kBound)
        from -= to - kBound, to = kBound;
    if (from == m_from && to == m_to)
        return;
    m_from = from;
    m_to = to;
    update();
    Q_EMIT viewChanged();
}

void TimelineCanvas::fitAll()
{
    if (!m_layout || m_layout->empty())
        return;
    const auto [from, to] = m_layout->fitRange();
    m_scrollY = 0;
    setRange(from, to);
    update();
    Q_EMIT viewChanged();
}

void TimelineCanvas::zoomAt(double x, double factor)
{
    const TimelineGeometry g = frameGeometry();
    const double share = std::clamp((x - g.plot().left()) / g.plot().width(), 0.0, 1.0);
    const int64_t anchor = g.timeAt(g.plot().left() + share * g.plot().width());
    const double span = std::max(double(m_to - m_from) * factor, double(kMinSpanMs));
    const auto from = int64_t(std::llround(double(anchor) - share * span));
    setRange(from, from + int64_t(std::llround(span)));
}

double TimelineCanvas::scrollRange() const
{
    const TimelineGeometry g = frameGeometry();
    return std::max(0.0, g.contentHeight() - g.plot().height());
}

void TimelineCanvas::setScrollY(double y)
{
    const double clamped = std::clamp(y, 0.0, scrollRange());
    if (clamped == m_scrollY)
        return;
    m_scrollY = clamped;
    update();
    Q_EMIT viewChanged();
}

void TimelineCanvas::scrollBy(double dy) { setScrollY(m_scrollY + dy); }

void TimelineCanvas::clampScroll() { m_scrollY = std::clamp(m_scrollY, 0.0, scrollRange()); }

void TimelineCanvas::selectOperation(const Dataset &data, uint32_t op)
{
    m_selectedKey = data.exists(op) ? std::pair(data.source(op), data.events().ids().text(op)) : SelectionKey();
    resolveSelection();
    const uint32_t selected = m_selectedOp;
    if (m_layout && m_layout->barOf(selected) != kNone)
        bringIntoView(m_layout->barOf(selected));
    update();
}

// The selection is (source, operation id), as the tables keep theirs: its index in the dataset drawn.
void TimelineCanvas::resolveSelection()
{
    m_selectedOp = m_data && !m_selectedKey.second.empty() ? m_data->findOperation(m_selectedKey.first, m_selectedKey.second)
                                                           : kNone;
}

// Across: centred when it is out of view (whole when it is longer than the view), and closer when the view is too
// crowded to draw bars. Down: its lane's sub-row in view.
void TimelineCanvas::bringIntoView(uint32_t barIndex)
{
    const TimelineBar &bar = m_layout->bars()[barIndex];
    const int64_t span = m_to - m_from;
    if (bar.end < m_from || bar.start > m_to) {
        if (bar.end - bar.start > span * 9 / 10) {
            const int64_t margin = (bar.end - bar.start) / 10;
            setRange(bar.start - margin, bar.end + margin);
        } else {
            const int64_t middle = bar.start + (bar.end - bar.start) / 2;
            setRange(middle - span / 2, middle - span / 2 + span);
        }
    }
    if (wantsDensity()) { // among too many to tell apart: closer, so that it is seen among its neighbours
        const int64_t near = std::max<int64_t>(5 * (bar.end - bar.start), 10 * 60 * 1000);
        if (near < m_to - m_from) {
            const int64_t middle = bar.start + (bar.end - bar.start) / 2;
            setRange(middle - near / 2, middle - near / 2 + near);
        }
    }
    const TimelineGeometry g = frameGeometry();
    const QRectF rect = g.barRect(bar);
    if (rect.top() < g.plot().top())
        scrollBy(rect.top() - g.plot().top() - TimelineGeometry::kRowHeight);
    else if (rect.bottom() > g.plot().bottom())
        scrollBy(rect.bottom() - g.plot().bottom() + TimelineGeometry::kRowHeight);
}

// The widest lane label, measured once per layout (frameGeometry() is asked at every mouse move).
double TimelineCanvas::labelWidth() const
{
    if (m_widestLabel < 0) {
        m_widestLabel = 0;
        const QFontMetricsF metrics(font());
        if (m_layout)
            for (const TimelineLane &lane : m_layout->lanes())
                m_widestLabel = std::max(m_widestLabel, metrics.horizontalAdvance(lane.label));
    }
    return std::clamp(m_widestLabel + 20, 110.0, std::max(110.0, std::min(280.0, width() / 3.0)));
}

TimelineGeometry TimelineCanvas::frameGeometry() const
{
    static const TimelineLayout empty;
    const QRectF picture = QRectF(rect()).adjusted(0, 0, 0, -kTimelineLegendHeight); // the legend under it
    return TimelineGeometry(m_layout ? *m_layout : empty, picture, labelWidth(), m_from, m_to, m_scrollY);
}

bool TimelineCanvas::wantsDensity() const
{
    return m_layout && m_layout->countVisible(m_from, m_to) > kMaxBarsInView;
}

int TimelineCanvas::densityColumns() const
{
    return std::max(1, int(std::lround(frameGeometry().plot().width() * devicePixelRatioF())));
}

bool TimelineCanvas::showsDensity() const { return m_drewDensity; }

// The palette's colours: a dark theme gets a dark timeline.
TimelineColors TimelineCanvas::colors() const
{
    const QPalette &p = palette();
    const QColor base = p.color(QPalette::Base), text = p.color(QPalette::Text);
    return {base, text, mix(text, base, 0.4), mix(text, base, 0.85), p.color(QPalette::AlternateBase), p.color(QPalette::Highlight)};
}

void TimelineCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    TimelineFrame frame;
    frame.layout = m_layout.get();
    frame.data = m_data.get();
    frame.geometry = frameGeometry();
    frame.colors = colors();
    frame.utc = TimeDisplay::instance().utc();
    frame.showNow = m_showNow;
    frame.brushFrom = m_brushFrom;
    frame.brushTo = m_brushTo;
    m_drewDensity = wantsDensity();
    if (m_layout) {
        frame.selectedBar = m_layout->barOf(m_selectedOp);
        frame.hoveredBar = m_hoveredBar;
    }
    static const TimelineDensity none;
    // Too many bars to draw: the density (scaled from the last range until this one's is binned), never 800k bars.
    frame.density = m_drewDensity ? (m_density ? m_density.get() : &none) : nullptr;
    paintTimeline(painter, frame);
    const QRectF legend(0, height() - kTimelineLegendHeight, width(), kTimelineLegendHeight);
    painter.fillRect(legend, frame.colors.background);
    if (m_layout && !m_layout->lanes().empty())
        paintTimelineLegend(painter, legend, frame.colors);
    const QString note = !m_layout || m_layout->lanes().empty() ? m_message
                         : m_drewDensity && !m_density           ? tr("Counting…") // none binned yet for this layout
                                                                 : QString();
    if (!note.isEmpty()) {
        painter.setPen(frame.colors.mutedText);
        painter.drawText(rect(), Qt::AlignCenter, note);
    }
}

} // namespace oplens::ui
