#include "acknowledgements.h"

#include "timedisplay.h"

#include <QCryptographicHash>
#include <QSettings>
#include <QVariantMap>

namespace oplens::ui {

namespace {
const QString kGroup = QStringLiteral("acknowledged");

bool sameAcknowledgement(const Acknowledgement &a, const Acknowledgement &b)
{
    return a.operationId == b.operationId && a.by == b.by && a.at == b.at && a.comment == b.comment;
}
} // namespace

// Each value is {at, comment}; earlier versions kept only the time.
Acknowledgements::Acknowledgements()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    for (const QString &k : settings.childKeys()) {
        const QVariant value = settings.value(k);
        Acknowledgement entry;
        if (value.typeId() == QMetaType::QVariantMap) {
            const QVariantMap map = value.toMap();
            entry.at = map.value(QStringLiteral("at")).toDateTime().toMSecsSinceEpoch();
            entry.comment = map.value(QStringLiteral("comment")).toString();
        } else {
            entry.at = value.toDateTime().toMSecsSinceEpoch();
        }
        m_acknowledged.insert(k, entry);
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
    if (m_sharedSources.contains(source)) {
        const auto it = m_shared.constFind(source);
        return it != m_shared.constEnd() && it->contains(operationId);
    }
    return m_acknowledged.contains(key(source, operationId));
}

std::optional<Acknowledgement> Acknowledgements::find(const QString &source, const QString &operationId) const
{
    if (m_sharedSources.contains(source)) {
        const auto it = m_shared.constFind(source);
        if (it == m_shared.constEnd() || !it->contains(operationId))
            return std::nullopt;
        return it->value(operationId);
    }
    const auto it = m_acknowledged.constFind(key(source, operationId));
    if (it == m_acknowledged.constEnd())
        return std::nullopt;
    return *it;
}

void Acknowledgements::set(const QString &source, const QString &operationId, bool acknowledged, const QString &comment)
{
    setMany({{source, operationId}}, acknowledged, comment);
}

void Acknowledgements::setMany(const QList<QPair<QString, QString>> &operations, bool acknowledged, const QString &comment)
{
    QSettings settings; // one object: each QSettings writes its whole file when it goes
    settings.beginGroup(kGroup);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &[source, operationId] : operations) {
        if (m_sharedSources.contains(source))
            continue; // the agent's to change
        const QString k = key(source, operationId);
        if (acknowledged && !m_acknowledged.contains(k)) {
            m_acknowledged.insert(k, {operationId, {}, {}, now.toMSecsSinceEpoch(), comment.trimmed()});
            settings.setValue(k, QVariantMap{{QStringLiteral("at"), now}, {QStringLiteral("comment"), comment.trimmed()}});
        } else if (!acknowledged) {
            m_acknowledged.remove(k);
            settings.remove(k);
        }
    }
}

QString Acknowledgements::describe(const QString &source, const QString &operationId) const
{
    const std::optional<Acknowledgement> ack = find(source, operationId);
    if (!ack)
        return {};
    const QString when = TimeDisplay::instance().format(ack->at);
    const QString who = ack->by.isEmpty() ? when : QObject::tr("by %1 %2").arg(ack->by, when);
    return ack->comment.isEmpty() ? QObject::tr("Acknowledged %1").arg(who) : QObject::tr("Acknowledged %1: %2").arg(who, ack->comment);
}

QString Acknowledgements::agoText(const Acknowledgement &acknowledgement, int64_t now)
{
    // An agent that gave no time: said without one rather than "20,000 days ago".
    const QString ago = acknowledgement.at > 0 ? QLatin1Char(' ') + TimeDisplay::ago(now - acknowledgement.at) : QString();
    const QString who = acknowledgement.by.isEmpty() ? QObject::tr("acked here%1").arg(ago)
                                                     : QObject::tr("acked by %1%2").arg(acknowledgement.by, ago);
    return acknowledgement.comment.isEmpty() ? who : QStringLiteral("%1: %2").arg(who, acknowledgement.comment);
}

void Acknowledgements::setSharedSources(const QSet<QString> &sources)
{
    m_sharedSources = sources;
    for (auto it = m_shared.begin(); it != m_shared.end();)
        it = sources.contains(it.key()) ? std::next(it) : m_shared.erase(it); // a source closed: forgotten
}

bool Acknowledgements::setShared(const QString &source, const std::vector<Acknowledgement> &current)
{
    m_sharedSources.insert(source);
    QHash<QString, Acknowledgement> fresh;
    for (const Acknowledgement &a : current)
        fresh.insert(a.operationId, a);
    const QHash<QString, Acknowledgement> old = m_shared.value(source);
    bool same = old.size() == fresh.size();
    for (auto it = fresh.constBegin(); same && it != fresh.constEnd(); ++it)
        same = old.contains(it.key()) && sameAcknowledgement(old.value(it.key()), *it);
    m_shared.insert(source, fresh);
    return !same;
}

void Acknowledgements::putShared(const QString &source, const Acknowledgement &acknowledgement)
{
    m_sharedSources.insert(source);
    m_shared[source].insert(acknowledgement.operationId, acknowledgement);
}

void Acknowledgements::removeShared(const QString &source, const QString &operationId)
{
    m_shared[source].remove(operationId);
}

} // namespace oplens::ui
