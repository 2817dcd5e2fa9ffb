// Which interruptions the admin has acknowledged, per source and operation, kept across launches.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

namespace oplens::ui {

class Acknowledgements
{
public:
    Acknowledgements(); // reads them from the settings
    bool contains(const QString &source, const QString &operationId) const;
    void set(const QString &source, const QString &operationId, bool acknowledged);
    bool isEmpty() const { return m_acknowledged.isEmpty(); } // nothing to hash and look up

private:
    static QString key(const QString &source, const QString &operationId);
    QHash<QString, QDateTime> m_acknowledged;
};

} // namespace oplens::ui
