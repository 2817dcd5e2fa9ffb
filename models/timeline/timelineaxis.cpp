#include "timelineaxis.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <array>

namespace oplens {

namespace {

enum class Unit { Second, Minute, Hour, Day, Month, Year };

struct Step {
    Unit unit;
    int count;
    int64_t approxMs;
};

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr int64_t kMonth = 2629746000LL, kYear = 31556952000LL; // averages

constexpr std::array<Step, 22> kSteps{{
    {Unit::Second, 1, kSecond},   {Unit::Second, 5, 5 * kSecond},   {Unit::Second, 15, 15 * kSecond},
    {Unit::Second, 30, 30 * kSecond}, {Unit::Minute, 1, kMinute},   {Unit::Minute, 5, 5 * kMinute},
    {Unit::Minute, 15, 15 * kMinute}, {Unit::Minute, 30, 30 * kMinute}, {Unit::Hour, 1, kHour},
    {Unit::Hour, 3, 3 * kHour},   {Unit::Hour, 6, 6 * kHour},       {Unit::Hour, 12, 12 * kHour},
    {Unit::Day, 1, kDay},         {Unit::Day, 2, 2 * kDay},         {Unit::Day, 7, 7 * kDay},
    {Unit::Month, 1, kMonth},     {Unit::Month, 3, 3 * kMonth},     {Unit::Month, 6, 6 * kMonth},
    {Unit::Year, 1, kYear},       {Unit::Year, 5, 5 * kYear},       {Unit::Year, 10, 10 * kYear},
    {Unit::Year, 100, 100 * kYear},
}};

QTimeZone zone(bool utc) { return utc ? QTimeZone::utc() : QTimeZone::systemTimeZone(); }

// The first round time of `step` at or before `from`.
QDateTime roundDown(const QDateTime &from, const Step &step)
{
    const QDate date = from.date();
    const QTime time = from.time();
    switch (step.unit) {
    case Unit::Second: return QDateTime(date, QTime(time.hour(), time.minute(), time.second() / step.count * step.count), from.timeZone());
    case Unit::Minute: return QDateTime(date, QTime(time.hour(), time.minute() / step.count * step.count), from.timeZone());
    case Unit::Hour: return QDateTime(date, QTime(time.hour() / step.count * step.count, 0), from.timeZone());
    case Unit::Day: return QDateTime(step.count == 7 ? date.addDays(1 - date.dayOfWeek()) : date, QTime(0, 0), from.timeZone());
    case Unit::Month: return QDateTime(QDate(date.year(), (date.month() - 1) / step.count * step.count + 1, 1), QTime(0, 0), from.timeZone());
    case Unit::Year: return QDateTime(QDate(date.year() / step.count * step.count, 1, 1), QTime(0, 0), from.timeZone());
    }
    return from;
}

QDateTime advance(const QDateTime &t, const Step &step)
{
    switch (step.unit) {
    case Unit::Second: return t.addSecs(step.count);
    case Unit::Minute: return t.addSecs(60LL * step.count);
    case Unit::Hour: return t.addSecs(3600LL * step.count);
    case Unit::Day: return t.addDays(step.count);
    case Unit::Month: return t.addMonths(step.count);
    case Unit::Year: return t.addYears(step.count);
    }
    return t.addYears(1);
}

// A tick's label: the time within the unit above, or that unit itself when the tick begins it (major).
TimelineTick tickAt(const QDateTime &t, const Step &step)
{
    const QDate date = t.date();
    const bool midnight = t.time() == QTime(0, 0);
    TimelineTick tick{t.toMSecsSinceEpoch(), {}, false};
    switch (step.unit) {
    case Unit::Second:
    case Unit::Minute:
    case Unit::Hour:
        tick.major = midnight;
        tick.label = midnight ? date.toString(QStringLiteral("ddd d MMM"))
                              : t.toString(step.unit == Unit::Second ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
        break;
    case Unit::Day:
        tick.major = date.day() == 1;
        tick.label = date.toString(tick.major ? QStringLiteral("MMM yyyy") : QStringLiteral("d MMM"));
        break;
    case Unit::Month:
        tick.major = date.month() == 1;
        tick.label = date.toString(tick.major ? QStringLiteral("yyyy") : QStringLiteral("MMM"));
        break;
    case Unit::Year:
        tick.major = true;
        tick.label = date.toString(QStringLiteral("yyyy"));
        break;
    }
    return tick;
}

} // namespace

TimelineAxis timelineAxis(int64_t from, int64_t to, double width, bool utc, double minSpacing)
{
    TimelineAxis axis;
    if (to <= from || width <= 0)
        return axis;
    const double msPerPixel = double(to - from) / width;
    const Step *step = &kSteps.back();
    for (const Step &s : kSteps)
        if (double(s.approxMs) / msPerPixel >= minSpacing) {
            step = &s;
            break;
        }
    axis.stepMs = step->approxMs;
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(from, zone(utc));
    axis.context = step->unit <= Unit::Hour ? start.date().toString(QStringLiteral("ddd d MMM yyyy"))
                   : step->unit <= Unit::Month ? start.date().toString(QStringLiteral("yyyy"))
                                               : QString();
    if (utc && !axis.context.isEmpty())
        axis.context += QStringLiteral(" (UTC)");
    QDateTime t = roundDown(start, *step);
    for (int guard = 0; guard < 2000 && t.isValid(); ++guard) {
        const int64_t ms = t.toMSecsSinceEpoch();
        if (ms > to)
            break;
        if (ms >= from)
            axis.ticks.push_back(tickAt(t, *step));
        const QDateTime next = advance(t, *step);
        if (next <= t) // a time zone's gap: never loop in place
            break;
        t = next;
    }
    return axis;
}

QString timelineTimeText(int64_t epochMs, bool utc)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochMs, zone(utc));
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + (utc ? QStringLiteral("Z") : QString());
}

} // namespace oplens
