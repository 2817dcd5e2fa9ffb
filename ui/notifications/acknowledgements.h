// Which interruptions are acknowledged, per source and operation: who, when and with what comment. One model of an
// acknowledgement (agentclient.h's Acknowledgement) with two homes: a local file's are this console's, kept in its
// settings across launches; an agent source's are the agent's (docs/agent.md section 9), shared by every console that
// follows it, fetched with each poll (SharedAcknowledgements) and never written to the settings.
#pragma once

#include "agentclient.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>
#include <optional>
#include <vector>

namespace oplens::ui {

class Acknowledgements
{
public:
    Acknowledgements(); // reads the local ones from the settings
    bool contains(const QString &source, const QString &operationId) const;
    std::optional<Acknowledgement> find(const QString &source, const QString &operationId) const;
    // Local files only: a shared source's acknowledgements are changed on its agent (SharedAcknowledgements).
    void set(const QString &source, const QString &operationId, bool acknowledged, const QString &comment = {});
    // The same for many (source, operation id) pairs, written to the settings once. Acknowledging keeps the time and
    // comment of those already acknowledged. Pairs of shared sources are left alone.
    void setMany(const QList<QPair<QString, QString>> &operations, bool acknowledged, const QString &comment = {});
    // "Acknowledged 2026-11-30 10:12: disk full, fixed", "Acknowledged by ops@example.com 2026-11-30 10:12: …" (empty
    // when it is not acknowledged).
    QString describe(const QString &source, const QString &operationId) const;
    // "acked by ops@example.com 10 min ago: disk replaced, rerun tonight"; "acked here …" for a local one.
    static QString agoText(const Acknowledgement &acknowledgement, int64_t now);
    bool isEmpty() const { return m_acknowledged.isEmpty() && m_shared.isEmpty(); } // nothing to hash and look up

    // Agent sources: their acknowledgements are the agent's, whatever the settings hold.
    void setSharedSources(const QSet<QString> &sources);
    bool isShared(const QString &source) const { return m_sharedSources.contains(source); }
    // Replaces what is known of `source`'s (the agent's whole list); true when that changed anything.
    bool setShared(const QString &source, const std::vector<Acknowledgement> &current);
    // One made or taken back on the agent, known before the next list comes.
    void putShared(const QString &source, const Acknowledgement &acknowledgement);
    void removeShared(const QString &source, const QString &operationId);

private:
    static QString key(const QString &source, const QString &operationId);
    QHash<QString, Acknowledgement> m_acknowledged;              // local files', by key()
    QHash<QString, QHash<QString, Acknowledgement>> m_shared;    // source -> operation id -> the agent's
    QSet<QString> m_sharedSources;
};

} // namespace oplens::ui
