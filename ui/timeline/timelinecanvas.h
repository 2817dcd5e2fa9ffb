// The timeline's drawing surface: paints the frame (models/timeline) and turns the mouse, wheel, pinch and keys into a
// time range, a scroll, a selection, a hovered bar and a brushed range. What it shows is handed to it (TimelinePane
// builds the layout and the density in workers); nothing here reads data on its own.
#pragma once

#include "timelinepainter.h"

#include <QWidget>
#include <memory>

namespace oplens::ui {

class TimelineCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineCanvas(QWidget *parent = nullptr);

    // New content: the range is kept while it shows some of it (the filter changed, the data grew; a view that ends
    // at the newest time moves on with it), else everything is fitted.
    void setContent(std::shared_ptr<const Dataset> data, std::shared_ptr<const TimelineLayout> layout);
    const TimelineLayout *layout() const { return m_layout.get(); }
    std::shared_ptr<const TimelineLayout> sharedLayout() const { return m_layout; }
    // The density of some range of this layout: drawn (scaled when its range is not the one shown) while too many
    // bars are in view.
    void setDensity(std::shared_ptr<const TimelineDensity> density);
    void setMessage(const QString &message); // said over an empty timeline ("No operation matches the filter")
    void setShowNow(bool show);

    int64_t from() const { return m_from; }
    int64_t to() const { return m_to; }
    void setRange(int64_t from, int64_t to);
    void fitAll();
    void zoomAt(double x, double factor); // factor < 1 zooms in; the time under `x` stays under it
    void scrollBy(double dy);
    double scrollY() const { return m_scrollY; }
    double scrollRange() const; // how far the lanes can be scrolled
    void setScrollY(double y);

    // Highlights the bar of operation `op` of `data` (the session's dataset, which may be newer than the one drawn)
    // and brings it into view: another pane selected it.
    void selectOperation(const Dataset &data, uint32_t op);
    uint32_t selectedOperation() const { return m_selectedOp; } // in the dataset drawn; kNone when not in it
    TimelineGeometry frameGeometry() const;
    // More bars in view than a frame can draw: the density is shown instead.
    bool wantsDensity() const;
    int densityColumns() const; // the plot's width in device pixels
    bool showsDensity() const;  // the last frame drew density
    QString toolTipAt(const QPointF &pos) const;
    uint32_t barAt(const QPointF &pos) const;

    static constexpr size_t kMaxBarsInView = 4000;
    static constexpr int64_t kMinSpanMs = 2000;

Q_SIGNALS:
    void operationClicked(uint32_t op);
    void rangeBrushed(int64_t from, int64_t to);
    void viewChanged(); // range or scroll: the pane asks for density and moves its scroll bar

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    double labelWidth() const;
    TimelineColors colors() const;
    void clampScroll();
    void bringIntoView(uint32_t bar);
    QString barToolTip(const TimelineBar &bar) const;

    std::shared_ptr<const Dataset> m_data;
    std::shared_ptr<const TimelineLayout> m_layout;
    std::shared_ptr<const TimelineDensity> m_density;
    QString m_message;
    mutable double m_widestLabel = -1; // -1: not measured for this layout
    int64_t m_from = 0, m_to = 1;
    double m_scrollY = 0;
    using SelectionKey = std::pair<uint16_t, std::string>; // (source, operation id); an empty id for none
    void resolveSelection();
    SelectionKey m_selectedKey;
    uint32_t m_selectedOp = kNone, m_hoveredBar = kNone;
    bool m_showNow = false, m_drewDensity = false;
    // A drag: panning, or with Shift a brush over a time range.
    enum class Drag { None, Pan, Brush } m_drag = Drag::None;
    QPointF m_pressPos, m_lastPos;
    bool m_moved = false;
    int64_t m_brushFrom = kNoTime, m_brushTo = kNoTime;
};

} // namespace oplens::ui
