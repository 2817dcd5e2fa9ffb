// Which interruptions the admin has acknowledged, per source and operation, when and with what comment, kept across
// launches.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

namespace oplens::ui {

class Acknowledgements
{
public:
    Acknowledgements(); // reads them from the settings
    bool contains(const QString &source, const QString &operationId) const;
    void set(const QString &source, const QString &operationId, bool acknowledged, const QString &comment = {});
    // The same for many (source, operation id) pairs, written to the settings once. Acknowledging keeps the time and
    // comment of those already acknowledged.
    void setMany(const QList<QPair<QString, QString>> &operations, bool acknowledged, const QString &comment = {});
    // "Acknowledged 2026-11-30 10:12: disk full, fixed" (empty when it is not acknowledged).
    QString describe(const QString &source, const QString &operationId) const;
    bool isEmpty() const { return m_acknowledged.isEmpty(); } // nothing to hash and look up

private:
    struct Entry {
        QDateTime at;
        QString comment;
    };
    static QString key(const QString &source, const QString &operationId);
    QHash<QString, Entry> m_acknowledged;
};

} // namespace oplens::ui
