#include "statuscolor.h"

namespace oplens {

QColor statusColor(Status status, bool stale)
{
    if (stale)
        return QColor(0xE0, 0x8A, 0x00); // amber
    switch (status) {
    case Status::Queued: return QColor(0x75, 0x75, 0x75);
    case Status::Running: return QColor(0x1E, 0x6F, 0xD0);
    case Status::Finished: return QColor(0x2E, 0x8B, 0x3E);
    case Status::Failed: return QColor(0xA0, 0x2C, 0x2C);
    case Status::Aborted: return QColor(0x8A, 0x6D, 0x3B);
    case Status::Interrupted: return QColor(0xD3, 0x2F, 0x2F); // red
    case Status::Unknown: break;
    }
    return QColor(0x9E, 0x9E, 0x9E);
}

} // namespace oplens
