// What the admin does on the timeline (timelinecanvas.h): wheel and pinch zoom around the pointer, drag pans,
// Shift-drag brushes a time range, a click selects, hover explains; the keyboard does the same.
#include "timelinecanvas.h"

#include "statusstyle.h"
#include "timedisplay.h"
#include "timelineaxis.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace oplens::ui {

namespace {
constexpr double kClickSlop = 4; // pixels a press may move and still be a click
constexpr double kWheelStep = 0.8; // one notch of the wheel zooms in to 80% of the span
} // namespace

uint32_t TimelineCanvas::barAt(const QPointF &pos) const
{
    if (!m_layout || m_drewDensity)
        return kNone;
    const TimelineGeometry g = frameGeometry();
    const int row = g.rowAt(pos.y());
    if (row < 0 || pos.x() < g.plot().left())
        return kNone;
    // A bar is at least 2 px wide, and a pointer a few pixels off still means it.
    const auto tolerance = int64_t(std::ceil(3 * g.msPerPixel()));
    return m_layout->barAt(uint32_t(row), g.timeAt(pos.x()), tolerance);
}

// The operation's own times (a bar's are kept within kTimeLimit); durations from its start, as Details says them.
QString TimelineCanvas::barToolTip(const TimelineBar &bar) const
{
    const Dataset &d = *m_data;
    const Operation &o = d.operation(bar.op);
    const TimeDisplay &time = TimeDisplay::instance();
    const auto text = [&d](uint32_t id) { return d.events().string(id).toHtmlEscaped(); };
    const auto [begin, end] = d.span(bar.op, m_layout->now());
    const int64_t started = o.startedByEvent ? o.startedAt : begin;
    QString html = QStringLiteral("<b>%1 %2</b><br>").arg(text(d.module(bar.op)), text(d.name(bar.op)));
    html += QStringLiteral("<span style='font-family:monospace'>%1</span><br>")
                .arg(QString::fromStdString(d.events().ids().text(bar.op)).toHtmlEscaped());
    if (started > begin)
        html += tr("Queued: %1 (waited %2)<br>").arg(time.format(begin), TimeDisplay::duration(started - begin));
    html += tr("Started: %1<br>").arg(time.format(started));
    if (bar.open)
        html += tr("Still %1 (%2 so far)<br>").arg(statusName(bar.status).toLower(), TimeDisplay::duration(end - started));
    else if (bar.cutShort && o.evidence == Evidence::Assumed) // a log taken after a crash: no time at all
        html += tr("Last event: %1<br>Cut short: when is not known<br>").arg(time.format(d.events().time(o.latestRow)));
    else if (bar.cutShort) // when it died is not known: between its last event and the evidence
        html += tr("Last event: %1<br>Cut short by: %2<br>").arg(time.format(d.events().time(o.latestRow)), time.format(end));
    else
        html += tr("Ended: %1 (%2)<br>").arg(time.format(end), TimeDisplay::duration(end - started));
    html += tr("Status: <b style='color:%1'>%2</b>")
                .arg(statusColor(bar.status, bar.stale).name(), statusLabel(bar.status, bar.stale, d.isRestarted(bar.op)));
    if (bar.cutShort)
        html += tr("<br>Why: %1").arg(d.interruptionReason(bar.op, time.utc()).toHtmlEscaped());
    if (bar.restartOf != kNone)
        html += tr("<br>Restarts %1").arg(QString::fromStdString(d.events().ids().text(m_layout->bars()[bar.restartOf].op)));
    return html;
}

QString TimelineCanvas::toolTipAt(const QPointF &pos) const
{
    if (!m_layout)
        return {};
    if (const uint32_t bar = barAt(pos); bar != kNone)
        return barToolTip(m_layout->bars()[bar]);
    const TimelineGeometry g = frameGeometry();
    const int lane = g.laneAt(pos.y());
    // A service start under the pointer, in its own lane (markers are in time order).
    const auto &markers = m_layout->markers();
    const int64_t from = g.timeAt(pos.x() - 4), to = g.timeAt(pos.x() + 4);
    auto it = std::lower_bound(markers.begin(), markers.end(), from, [](const TimelineMarker &m, int64_t t) { return m.time < t; });
    for (; it != markers.end() && it->time <= to; ++it)
        if (int(it->lane) == lane)
            return QStringLiteral("<b>%1</b><br>%2").arg(it->label.toHtmlEscaped(), TimeDisplay::instance().format(it->time));
    if (lane >= 0 && pos.x() < g.plot().left())
        return m_layout->lanes()[size_t(lane)].label.toHtmlEscaped();
    return {};
}

bool TimelineCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    if (event->type() == QEvent::NativeGesture) { // a touchpad's pinch
        auto *gesture = static_cast<QNativeGestureEvent *>(event);
        if (gesture->gestureType() == Qt::ZoomNativeGesture) {
            zoomAt(gesture->position().x(), 1.0 / std::max(0.1, 1.0 + gesture->value()));
            return true;
        }
    }
    return QWidget::event(event);
}

void TimelineCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_layout)
        return QWidget::mousePressEvent(event);
    m_pressPos = m_lastPos = event->position();
    m_moved = false;
    const TimelineGeometry g = frameGeometry();
    if (event->modifiers() & Qt::ShiftModifier && g.plot().contains(event->position())) {
        m_drag = Drag::Brush;
        m_brushFrom = m_brushTo = g.timeAt(event->position().x());
    } else {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    }
}

void TimelineCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_drag == Drag::None) {
        const uint32_t hovered = barAt(pos);
        if (hovered != m_hoveredBar) {
            m_hoveredBar = hovered;
            update();
        }
        return;
    }
    m_moved = m_moved || (pos - m_pressPos).manhattanLength() > kClickSlop;
    const TimelineGeometry g = frameGeometry();
    if (m_drag == Drag::Brush) {
        m_brushTo = g.timeAt(std::clamp(pos.x(), g.plot().left(), g.plot().right()));
        update();
    } else if (m_moved) {
        const auto shift = int64_t(std::llround((pos.x() - m_lastPos.x()) * g.msPerPixel()));
        setRange(m_from - shift, m_to - shift);
        scrollBy(m_lastPos.y() - pos.y());
    }
    m_lastPos = pos;
}

void TimelineCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_drag == Drag::None)
        return QWidget::mouseReleaseEvent(event);
    const Drag drag = m_drag;
    m_drag = Drag::None;
    unsetCursor();
    if (drag == Drag::Brush) {
        const int64_t from = std::min(m_brushFrom, m_brushTo), to = std::max(m_brushFrom, m_brushTo);
        m_brushFrom = m_brushTo = kNoTime;
        update();
        if (m_moved) { // the range becomes the filter's, and the view's
            setRange(from, to);
            Q_EMIT rangeBrushed(from, to);
        }
        return;
    }
    if (!m_moved)
        if (const uint32_t bar = barAt(event->position()); bar != kNone) {
            const uint32_t op = m_layout->bars()[bar].op;
            selectOperation(*m_data, op);
            Q_EMIT operationClicked(op);
        }
}

void TimelineCanvas::wheelEvent(QWheelEvent *event)
{
    const QPoint angle = event->angleDelta();
    if (angle.y() != 0)
        zoomAt(event->position().x(), std::pow(kWheelStep, angle.y() / 120.0));
    if (angle.x() != 0) // a sideways wheel or swipe pans
        setRange(m_from - int64_t(angle.x() / 120.0 * double(m_to - m_from) / 10),
                 m_to - int64_t(angle.x() / 120.0 * double(m_to - m_from) / 10));
    event->accept();
}

void TimelineCanvas::keyPressEvent(QKeyEvent *event)
{
    // +/- zoom around the selected run while it is in view, else around the middle.
    const TimelineGeometry g = frameGeometry();
    double middle = g.plot().center().x();
    if (const uint32_t selected = m_layout ? m_layout->barOf(m_selectedOp) : kNone; selected != kNone) {
        const QRectF bar = g.barRect(m_layout->bars()[selected]);
        if (bar.right() >= g.plot().left() && bar.left() <= g.plot().right())
            middle = std::clamp(bar.center().x(), g.plot().left(), g.plot().right());
    }
    const int64_t step = (m_to - m_from) / 8;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomAt(middle, kWheelStep); break;
    case Qt::Key_Minus: zoomAt(middle, 1 / kWheelStep); break;
    case Qt::Key_Left: setRange(m_from - step, m_to - step); break;
    case Qt::Key_Right: setRange(m_from + step, m_to + step); break;
    case Qt::Key_Up: scrollBy(-3 * TimelineGeometry::kRowHeight); break;
    case Qt::Key_Down: scrollBy(3 * TimelineGeometry::kRowHeight); break;
    case Qt::Key_PageUp: scrollBy(-frameGeometry().plot().height()); break;
    case Qt::Key_PageDown: scrollBy(frameGeometry().plot().height()); break;
    case Qt::Key_Home: fitAll(); break;
    case Qt::Key_Escape:
        m_drag = Drag::None;
        m_brushFrom = m_brushTo = kNoTime;
        update();
        break;
    default: return QWidget::keyPressEvent(event);
    }
    event->accept();
}

void TimelineCanvas::leaveEvent(QEvent *)
{
    if (m_hoveredBar != kNone) {
        m_hoveredBar = kNone;
        update();
    }
}

void TimelineCanvas::resizeEvent(QResizeEvent *)
{
    clampScroll();
    Q_EMIT viewChanged();
}

} // namespace oplens::ui
