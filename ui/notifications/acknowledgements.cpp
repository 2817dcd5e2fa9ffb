#include "acknowledgements.h"

#include "timedisplay.h"

#include <QCryptographicHash>
#include <QSettings>
#include <QVariantMap>

namespace oplens::ui {

namespace {
const QString kGroup = QStringLiteral("acknowledged");
}

// Each value is {at, comment}; earlier versions kept only the time.
Acknowledgements::Acknowledgements()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    for (const QString &k : settings.childKeys()) {
        const QVariant value = settings.value(k);
        if (value.typeId() == QMetaType::QVariantMap) {
            const QVariantMap map = value.toMap();
            m_acknowledged.insert(k, {map.value(QStringLiteral("at")).toDateTime(), map.value(QStringLiteral("comment")).toString()});
        } else {
            m_acknowledged.insert(k, {value.toDateTime(), {}});
        }
    }
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

void Acknowledgements::set(const QString &source, const QString &operationId, bool acknowledged, const QString &comment)
{
    setMany({{source, operationId}}, acknowledged, comment);
}

void Acknowledgements::setMany(const QList<QPair<QString, QString>> &operations, bool acknowledged, const QString &comment)
{
    QSettings settings; // one object: each QSettings writes its whole file when it goes
    settings.beginGroup(kGroup);
    const Entry entry{QDateTime::currentDateTimeUtc(), comment.trimmed()};
    for (const auto &[source, operationId] : operations) {
        const QString k = key(source, operationId);
        if (acknowledged && !m_acknowledged.contains(k)) {
            m_acknowledged.insert(k, entry);
            settings.setValue(k, QVariantMap{{QStringLiteral("at"), entry.at}, {QStringLiteral("comment"), entry.comment}});
        } else if (!acknowledged) {
            m_acknowledged.remove(k);
            settings.remove(k);
        }
    }
}

QString Acknowledgements::describe(const QString &source, const QString &operationId) const
{
    const auto it = m_acknowledged.constFind(key(source, operationId));
    if (it == m_acknowledged.constEnd())
        return {};
    const QString when = TimeDisplay::instance().format(it->at.toMSecsSinceEpoch());
    return it->comment.isEmpty() ? QObject::tr("Acknowledged %1").arg(when)
                                 : QObject::tr("Acknowledged %1: %2").arg(when, it->comment);
}

} // namespace oplens::ui
