#include "statusstyle.h"

#include "celltext.h"

#include <QHash>
#include <QLabel>
#include <QPainter>
#include <QPixmap>

namespace oplens::ui {

QIcon statusIcon(Status status, bool stale)
{
    static QHash<int, QIcon> cache;
    const int key = int(status) * 2 + (stale ? 1 : 0);
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QColor color = statusColor(status, stale);
        painter.setPen(QPen(color.darker(130), size / 16.0));
        painter.setBrush(color);
        const qreal m = size * 0.15;
        painter.drawEllipse(QRectF(m, m, size - 2 * m, size - 2 * m));
        if (status == Status::Interrupted || stale) { // an exclamation mark: these need the admin
            painter.setPen(QPen(Qt::white, size / 8.0, Qt::SolidLine, Qt::RoundCap));
            painter.drawLine(QPointF(size / 2.0, size * 0.3), QPointF(size / 2.0, size * 0.56));
            painter.drawPoint(QPointF(size / 2.0, size * 0.72));
        }
        icon.addPixmap(pixmap);
    }
    cache.insert(key, icon);
    return icon;
}

void styleAsWarning(QLabel *label)
{
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("QLabel { background: #FFF4E5; color: #5F3B00; border: 1px solid #F0C27B;"
                                        " border-radius: 3px; padding: 4px 6px; }"));
}

void styleAsError(QLabel *label)
{
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("QLabel { background: #FDECEA; color: #7F1D1D; border: 1px solid #E57373;"
                                        " border-radius: 3px; padding: 4px 6px; font-weight: bold; }"));
}

QString statusLabel(Status status, bool stale, bool restarted)
{
    return statusText(status, stale, restarted);
}

} // namespace oplens::ui
