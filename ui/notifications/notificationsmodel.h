// The operations that need the admin: Interrupted and neither restarted nor superseded (red), Stale (amber); newest
// first. Superseded ones (docs/oplog.md section 3) only on request. Each row reads as two lines: what and where, then
// since when and why.
#pragma once

#include "acknowledgements.h"
#include "dataset.h"

#include <QAbstractListModel>
#include <memory>

namespace oplens::ui {

class NotificationsModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { OperationRole = Qt::UserRole + 1, AcknowledgedRole, SupersededRole };

    explicit NotificationsModel(QObject *parent = nullptr);
    void refresh(std::shared_ptr<const Dataset> data, int64_t now);
    void setShowAcknowledged(bool show);
    bool showAcknowledged() const { return m_showAcknowledged; }
    void setShowSuperseded(bool show);
    bool showSuperseded() const { return m_showSuperseded; }
    // The superseded Interrupted operations, as many as the acknowledged setting lets through.
    int supersededCount() const { return m_superseded; }
    void setAcknowledged(int row, bool acknowledged);
    int unacknowledgedCount() const { return m_unacknowledged; }
    uint32_t operationAt(int row) const { return m_items.at(size_t(row)).op; }

    // One line per row, as the pane shows it: for printing where there is no display.
    QStringList lines() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    struct Item {
        uint32_t op;
        int64_t when;
        bool stale;
        bool acknowledged;
        bool superseded;
    };
    QString sourceOf(uint32_t op) const;
    QString why(const Item &item) const;   // "Interrupted 2025-11-23 01:08:25: service restarted at ..."
    void rebuild();

    std::shared_ptr<const Dataset> m_data;
    int64_t m_now = 0;
    std::vector<Item> m_all, m_items;
    Acknowledgements m_acks;
    bool m_showAcknowledged = false, m_showSuperseded = false;
    int m_unacknowledged = 0, m_superseded = 0;
};

} // namespace oplens::ui
