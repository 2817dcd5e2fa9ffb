// Times in local time or UTC, as the admin chose (View > Times in UTC); every pane formats through here.
#pragma once

#include <QObject>
#include <QString>
#include <cstdint>

namespace oplens::ui {

class TimeDisplay : public QObject
{
    Q_OBJECT
public:
    static TimeDisplay &instance();
    bool utc() const { return m_utc; }
    void setUtc(bool utc);
    QString format(int64_t epochMs) const;            // "2025-11-23 01:00:03"
    static QString duration(int64_t ms);              // "1 h 05 min", "42 s"
    static QString ago(int64_t ms);                   // "12 min ago", "5 h ago", "2 days ago", "just now"

Q_SIGNALS:
    void changed();

private:
    bool m_utc = false;
};

} // namespace oplens::ui
