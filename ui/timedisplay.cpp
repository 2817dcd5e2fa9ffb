#include "timedisplay.h"

#include "celltext.h"

namespace oplens::ui {

TimeDisplay &TimeDisplay::instance()
{
    static TimeDisplay display;
    return display;
}

void TimeDisplay::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    Q_EMIT changed();
}

QString TimeDisplay::format(int64_t epochMs) const
{
    return timeText(epochMs, m_utc);
}

QString TimeDisplay::duration(int64_t ms)
{
    return durationText(ms);
}

} // namespace oplens::ui
