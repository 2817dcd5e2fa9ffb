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

// How long since, in the unit an admin thinks in.
QString TimeDisplay::ago(int64_t ms)
{
    const int64_t minutes = std::max<int64_t>(0, ms) / 60000;
    if (minutes < 1)
        return tr("just now");
    if (minutes < 120)
        return tr("%1 min ago").arg(minutes);
    if (minutes < 48 * 60)
        return tr("%1 h ago").arg(minutes / 60);
    return tr("%1 days ago").arg(minutes / (24 * 60));
}

QString TimeDisplay::duration(int64_t ms)
{
    return durationText(ms);
}

} // namespace oplens::ui
