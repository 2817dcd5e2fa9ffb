// The Notifications pane: what was interrupted or runs too long, grouped by server and cause, why, and what to check
// before running it again. Several notifications or whole groups are acknowledged at once, with one comment.
#pragma once

#include "datasetsummary.h"

#include "notificationsmodel.h"
#include "sourcehealth.h"

#include <QSet>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QToolButton;
class QTreeView;

namespace oplens::ui {

class NotificationsPane : public QWidget
{
    Q_OBJECT
public:
    explicit NotificationsPane(QWidget *parent = nullptr);
    NotificationsModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    void refresh(std::shared_ptr<const DatasetSummary> summary);
    // The same, summarized here (for a dataset that is not the session's).
    void refresh(std::shared_ptr<const Dataset> data, int64_t now);
    // Acknowledges the selected notifications and groups (one at once; several with a comment asked for), or
    // unacknowledges them when all of them already are.
    void acknowledgeSelected();
    // Asks for a time and a comment, and acknowledges every shown notification that began before it.
    void acknowledgeOlder();
    // Selects `op`'s notification, or none when it has none: the pane follows the window's current operation.
    void selectOperation(uint32_t op);
    // The current notification's operation, or NotificationsModel::kNoOperation.
    uint32_t currentOperation() const;
    std::vector<uint32_t> selectedOperations() const;
    // The Restart… button is enabled where `restarter` allows it.
    void setRestartAllowed(class Restarter *restarter);
    // What could not be read is said first, in red; "nothing interrupted" only of the sources that were read.
    void setHealth(const SessionHealth &health);
    QLabel *troubleBanner() const { return m_trouble; }
    QLabel *allClearLabel() const { return m_allClear; }

Q_SIGNALS:
    void countChanged(int unacknowledged);
    void showInLog(uint32_t op);
    void restartRequested(uint32_t op);
    void restartSelectedRequested(); // Restart N… with several selected: their plan
    void operationSelected(uint32_t op); // the admin selected its notification
    // Notifications of agent sources to acknowledge (or not) on their agents: SharedAcknowledgements::send.
    void sharedAcknowledgementRequested(const QList<NotificationsModel::Key> &keys, bool acknowledged, const QString &comment);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *createButtons();
    void connectModel();
    void updateButtons();
    void updateBanners();
    void acknowledgeWithComment();
    // Asks for one comment for `ops`, then acknowledges them as they are after the dialog (the data may be read again
    // while it is open).
    void acknowledgeAfterDialog(const std::vector<uint32_t> &ops);
    // Local files' in the settings; agent sources' asked of their agents.
    void apply(const std::vector<uint32_t> &ops, bool acknowledged, const QString &comment = {});
    void rememberState();
    void restoreState();

    NotificationsModel *m_model;
    QTreeView *m_view;
    QCheckBox *m_showAcknowledged, *m_showSuperseded;
    QToolButton *m_acknowledge;
    QPushButton *m_show, *m_restart;
    class Restarter *m_restarter = nullptr;
    QLabel *m_trouble, *m_warning, *m_allClear;
    SessionHealth m_health;
    // Kept across a refresh: which groups the admin folded, what was selected and current.
    // By (source, id) and group key: a reload renumbers operations.
    QSet<QString> m_collapsed, m_keptGroups;
    QList<NotificationsModel::Key> m_keptSelection, m_keptCurrent;
};

} // namespace oplens::ui
