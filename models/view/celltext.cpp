#include "celltext.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTimeZone>

#include <array>

namespace oplens {

namespace {

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The local UTC offset (s) at `epochMs`. Offsets change at most a few times a year, on quarter hours: a small cache of
// 15-minute slots whose two ends have the same offset answers without asking the time zone database again.
int localOffset(int64_t epochMs)
{
    constexpr int64_t kSlot = 15 * 60 * 1000;
    struct Entry {
        int64_t slot = kNoTime;
        int offset = 0;
    };
    thread_local std::array<Entry, 256> cache;
    const int64_t slot = floorDiv(epochMs, kSlot);
    Entry &entry = cache[size_t(uint64_t(slot) % cache.size())];
    if (entry.slot == slot)
        return entry.offset;
    const int start = QDateTime::fromMSecsSinceEpoch(slot * kSlot).offsetFromUtc();
    const int end = QDateTime::fromMSecsSinceEpoch(slot * kSlot + kSlot - 1).offsetFromUtc();
    if (start != end) // a change inside the slot: ask each time
        return QDateTime::fromMSecsSinceEpoch(epochMs).offsetFromUtc();
    entry = {slot, start};
    return start;
}

void appendDigits(std::string &out, int64_t value, int width)
{
    char buffer[24];
    int n = 0;
    do {
        buffer[n++] = char('0' + value % 10);
        value /= 10;
    } while (value > 0 || n < width);
    while (n > 0)
        out.push_back(buffer[--n]);
}

} // namespace

void appendTimeText(std::string &out, int64_t epochMs, bool utc)
{
    if (epochMs == kNoTime)
        return;
    constexpr int64_t kYear1000 = -30610224000000LL, kYear10000 = 253402300800000LL;
    if (epochMs < kYear1000 || epochMs >= kYear10000) { // outside yyyy: as Qt writes it
        out.append(timeText(epochMs, utc).toStdString());
        return;
    }
    const int64_t seconds = floorDiv(epochMs, 1000) + (utc ? 0 : localOffset(epochMs));
    const int64_t days = floorDiv(seconds, 86400);
    const int64_t secondOfDay = seconds - days * 86400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    const int64_t z = days + 719468;
    const int64_t era = floorDiv(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    appendDigits(out, year, 4);
    out.push_back('-');
    appendDigits(out, month, 2);
    out.push_back('-');
    appendDigits(out, day, 2);
    out.push_back(' ');
    appendDigits(out, secondOfDay / 3600, 2);
    out.push_back(':');
    appendDigits(out, secondOfDay / 60 % 60, 2);
    out.push_back(':');
    appendDigits(out, secondOfDay % 60, 2);
}

QString timeText(int64_t epochMs, bool utc)
{
    if (epochMs == kNoTime)
        return {};
    constexpr int64_t kYear1000 = -30610224000000LL, kYear10000 = 253402300800000LL;
    if (epochMs >= kYear1000 && epochMs < kYear10000) {
        std::string out;
        appendTimeText(out, epochMs, utc);
        return QString::fromLatin1(out.data(), qsizetype(out.size()));
    }
    const QDateTime t = utc ? QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc())
                            : QDateTime::fromMSecsSinceEpoch(epochMs);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString durationText(int64_t ms)
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

QString statusText(Status status, bool stale, bool restarted)
{
    QString label = statusName(status);
    if (stale)
        label += QStringLiteral(" (stale)");
    if (restarted)
        label += QStringLiteral(" (restarted)");
    return label;
}

const char *columnTitle(EventColumn column)
{
    static const char *const names[] = {"Time", "Type", "Host", "Module", "Name",
                                        "Operation id", "Requested by", "Parameters", "Source"};
    return column >= EventColumn::Time && column < EventColumn::Count ? names[int(column)] : "";
}

const char *columnTitle(OperationColumn column)
{
    static const char *const names[] = {"Status", "Started", "Ended", "Duration", "Host", "Module",
                                        "Name", "Requested by", "Origin", "Operation id", "Source", "Events", "Parameters"};
    return column >= OperationColumn::Status && column < OperationColumn::Count ? names[int(column)] : "";
}

void appendEventCell(std::string &out, const Dataset &data, uint32_t r, EventColumn column, bool utc)
{
    const EventStore &s = data.events();
    switch (column) {
    case EventColumn::Time: appendTimeText(out, s.time(r), utc); return;
    case EventColumn::Type: out.append(s.strings().view(s.type(r))); return;
    case EventColumn::Host: out.append(s.strings().view(s.host(r))); return;
    case EventColumn::Module: out.append(s.strings().view(s.module(r))); return;
    case EventColumn::Name: out.append(s.strings().view(s.name(r))); return;
    case EventColumn::OperationId: out.append(s.operationId(r)); return;
    case EventColumn::RequestedBy: out.append(s.strings().view(s.requestedBy(r))); return;
    case EventColumn::Parameters: out.append(s.parameters(r)); return;
    case EventColumn::Source: out.append(QFileInfo(s.sourceName(s.source(r))).fileName().toStdString()); return;
    case EventColumn::Count: return;
    }
}

void appendOperationCell(std::string &out, const Dataset &d, uint32_t op, OperationColumn column, int64_t now, bool utc)
{
    const EventStore &s = d.events();
    const Operation &o = d.operation(op);
    switch (column) {
    case OperationColumn::Status:
        out.append(statusText(o.status, d.isStale(op, now), d.isRestarted(op)).toStdString());
        return;
    case OperationColumn::Started: appendTimeText(out, o.startedAt, utc); return;
    case OperationColumn::Ended: appendTimeText(out, o.endedAt, utc); return;
    case OperationColumn::Duration: out.append(durationText(d.duration(op, now)).toStdString()); return;
    case OperationColumn::Host: out.append(s.strings().view(d.host(op))); return;
    case OperationColumn::Module: out.append(s.strings().view(d.module(op))); return;
    case OperationColumn::Name: out.append(s.strings().view(d.name(op))); return;
    case OperationColumn::RequestedBy: out.append(s.strings().view(s.requestedBy(o.firstRow))); return;
    case OperationColumn::Origin: out.append(s.strings().view(s.origin(o.firstRow))); return;
    case OperationColumn::OperationId: out.append(s.ids().text(op)); return;
    case OperationColumn::Source: out.append(QFileInfo(s.sourceName(d.source(op))).fileName().toStdString()); return;
    case OperationColumn::Events: out.append(std::to_string(o.eventCount)); return;
    case OperationColumn::Parameters: out.append(s.parameters(o.firstRow)); return;
    case OperationColumn::Count: return;
    }
}

QString eventCell(const Dataset &data, uint32_t row, EventColumn column, bool utc)
{
    std::string out;
    appendEventCell(out, data, row, column, utc);
    return QString::fromStdString(out);
}

QString operationCell(const Dataset &data, uint32_t op, OperationColumn column, int64_t now, bool utc)
{
    std::string out;
    appendOperationCell(out, data, op, column, now, utc);
    return QString::fromStdString(out);
}

} // namespace oplens
