// The operations that need the admin: Interrupted and neither restarted nor superseded (red), Stale (amber).
// Superseded ones (docs/oplog.md section 3) only on request. They are grouped by server and by what caused them
// ("mail6 · service restarted 2026-11-28 14:47 · 4 operations"), the newest group first; each notification reads as
// two lines: what and where, then since when and why.
#pragma once

#include "acknowledgements.h"
#include "datasetsummary.h"

#include <QAbstractItemModel>
#include <QSet>
#include <memory>

namespace oplens::ui {

class NotificationsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Role { OperationRole = Qt::UserRole + 1, AcknowledgedRole, SupersededRole, GroupKeyRole };
    static constexpr uint32_t kNoOperation = 0xFFFFFFFFu;

    explicit NotificationsModel(QObject *parent = nullptr);
    // The notifications of a summary (what needs attention was found in a worker): only those are looked at here.
    void refresh(std::shared_ptr<const DatasetSummary> summary);
    void setShowAcknowledged(bool show);
    bool showAcknowledged() const { return m_showAcknowledged; }
    void setShowSuperseded(bool show);
    bool showSuperseded() const { return m_showSuperseded; }
    // The superseded Interrupted operations, as many as the acknowledged setting lets through.
    int supersededCount() const { return m_superseded; }
    int unacknowledgedCount() const { return m_unacknowledged; }
    int acknowledgedCount() const { return m_acknowledgedCount; } // not superseded: what Show acknowledged adds
    // The notifications shown now, newest group first: what the tree lists under its groups.
    int notificationCount() const { return int(m_shown.size()); }
    std::vector<uint32_t> shownOperations() const;
    // The dataset the operations it gives are of (the summary's).
    std::shared_ptr<const Dataset> dataset() const { return m_data; }

    // A notification's operation; kNoOperation for a group's row.
    uint32_t operationAt(const QModelIndex &index) const;
    QModelIndex indexOf(uint32_t op) const;
    bool isGroup(const QModelIndex &index) const { return index.isValid() && index.internalId() == 0; }
    // The operations of these rows: a group's row stands for every notification in it.
    std::vector<uint32_t> operationsOf(const QModelIndexList &rows) const;
    // The shown notifications that began before `epochMs` and are not acknowledged yet.
    std::vector<uint32_t> unacknowledgedBefore(int64_t epochMs) const;
    bool isAcknowledged(uint32_t op) const;
    // Acknowledges (or not) the local files' operations among `ops`, in this console's settings. Those of agent
    // sources (sharedKeysOf) are left to the agent: SharedAcknowledgements sends them.
    void acknowledge(const std::vector<uint32_t> &ops, bool acknowledged, const QString &comment = {});
    const Acknowledgements &acknowledgements() const { return m_acks; }
    // "acked by ops@example.com 10 min ago: disk replaced" for an acknowledged operation; empty otherwise.
    QString acknowledgementText(uint32_t op, int64_t now) const;
    // Operations by (source, operation id): what stays true when the data is read again and indexes change (a dialog
    // open, a reload).
    using Key = QPair<QString, QString>;
    QList<Key> keysOf(const std::vector<uint32_t> &ops) const;
    std::vector<uint32_t> operationsOf(const QList<Key> &keys) const;
    // The keys of `ops` whose source is an agent's: their acknowledgements are the agent's.
    QList<Key> sharedKeysOf(const std::vector<uint32_t> &ops) const;

    // Agent sources (their acknowledgements are the agent's) and what their agents answered; the list shows the
    // change at once, and is built again only when something changed.
    void setSharedSources(const QSet<QString> &sources);
    void setSharedAcknowledgements(const QString &source, const std::vector<Acknowledgement> &current);
    void putSharedAcknowledgement(const QString &source, const Acknowledgement &acknowledgement);
    void removeSharedAcknowledgement(const QString &source, const QString &operationId);

    // One line per notification, as the pane shows it: for printing where there is no display.
    QStringList lines() const;
    // The same under their groups' headings, indented.
    QStringList groupedLines() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

Q_SIGNALS:
    // An acknowledgement was made, taken back or learnt from an agent (after the model was built again).
    void acknowledgementsChanged();

private:
    struct Item {
        uint32_t op;
        int64_t when;
        bool stale;
        bool acknowledged;
        bool superseded;
        QString group; // the key of its group: source, cause and the cause's time
    };
    struct Group {
        QString key, heading; // "mail6 · service restarted 2026-11-28 14:47"
        std::vector<size_t> items; // into m_shown
        Status status;
        bool stale;
    };
    QString sourceOf(uint32_t op) const;
    QString why(const Item &item) const; // "Interrupted 2025-11-23 01:08:25: service restarted at ..."
    QString ackedSuffix(const Item &item) const; // " — acked by …" for a line of lines()
    QString groupKey(uint32_t op, bool stale) const;
    QString makeGroupKey(uint32_t op, bool stale) const;
    struct CachedKey {
        QString key;
        int64_t endedAt;
        uint32_t evidenceRow;
        Evidence evidence;
        bool stale;
    };
    mutable QHash<uint32_t, CachedKey> m_keys; // groupKey()'s, for the dataset m_keysOf
    mutable const Dataset *m_keysOf = nullptr;
    QString groupHeading(const Item &item) const;
    QVariant itemData(const Item &item, int role) const;
    QVariant groupData(const Group &group, int role) const;
    void rebuild();
    void rebuildRows(); // inside a reset
    void reapplyAcknowledgements(bool force); // each notification's flag from m_acks; rebuilt when one changed

    std::shared_ptr<const Dataset> m_data;
    int64_t m_now = 0;
    std::vector<Item> m_all, m_shown;
    std::vector<Group> m_groups;
    QHash<uint32_t, QPair<int, int>> m_where; // shown operation -> (group, row)
    QHash<uint32_t, bool> m_acknowledged;     // every notification, shown or not -> acknowledged
    Acknowledgements m_acks;
    QSet<QString> m_sharedSources; // as last set: the agent sources
    bool m_showAcknowledged = false, m_showSuperseded = false;
    int m_unacknowledged = 0, m_superseded = 0, m_acknowledgedCount = 0;
};

} // namespace oplens::ui
