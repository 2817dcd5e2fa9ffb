#include "acknowledgements.h"

#include <QCryptographicHash>
#include <QSettings>

namespace oplens::ui {

namespace {
const QString kGroup = QStringLiteral("acknowledged");
}

Acknowledgements::Acknowledgements()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    for (const QString &k : settings.childKeys())
        m_acknowledged.insert(k, settings.value(k).toDateTime());
}

// A hash: settings keys cannot hold every character a path or an id may have.
QString Acknowledgements::key(const QString &source, const QString &operationId)
{
    const QByteArray text = (source + QLatin1Char('\n') + operationId).toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(40));
}

bool Acknowledgements::contains(const QString &source, const QString &operationId) const
{
    return m_acknowledged.contains(key(source, operationId));
}

void Acknowledgements::set(const QString &source, const QString &operationId, bool acknowledged)
{
    const QString k = key(source, operationId);
    QSettings settings;
    settings.beginGroup(kGroup);
    if (acknowledged) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        m_acknowledged.insert(k, now);
        settings.setValue(k, now);
    } else {
        m_acknowledged.remove(k);
        settings.remove(k);
    }
}

} // namespace oplens::ui
