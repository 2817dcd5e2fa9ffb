#include "timedisplay.h"

#include "eventstore.h"

#include <QDateTime>
#include <QTimeZone>

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
    if (epochMs == kNoTime)
        return {};
    const QDateTime t = m_utc ? QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc())
                              : QDateTime::fromMSecsSinceEpoch(epochMs);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString TimeDisplay::duration(int64_t ms)
{
    if (ms == kNoTime || ms < 0)
        return {};
    const int64_t s = ms / 1000;
    if (s < 60)
        return ms < 1000 ? QStringLiteral("%1 ms").arg(ms) : QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

} // namespace oplens::ui
