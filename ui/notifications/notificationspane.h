// The Notifications pane: what was interrupted or runs too long, why, and what to check before running it again.
#pragma once

#include "notificationsmodel.h"
#include "sourcehealth.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QListView;

namespace oplens::ui {

class NotificationsPane : public QWidget
{
    Q_OBJECT
public:
    explicit NotificationsPane(QWidget *parent = nullptr);
    NotificationsModel *model() const { return m_model; }
    QListView *view() const { return m_view; }
    void refresh(std::shared_ptr<const Dataset> data, int64_t now);
    void acknowledgeSelected();
    // Selects `op`'s notification, or none when it has none: the pane follows the window's current operation.
    void selectOperation(uint32_t op);
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
    void operationSelected(uint32_t op); // the admin selected its notification

private:
    void updateButtons();
    void updateBanners();
    int currentRow() const;

    NotificationsModel *m_model;
    QListView *m_view;
    QCheckBox *m_showAcknowledged, *m_showSuperseded;
    QPushButton *m_acknowledge, *m_show, *m_restart;
    class Restarter *m_restarter = nullptr;
    QLabel *m_trouble, *m_warning, *m_allClear;
    SessionHealth m_health;
};

} // namespace oplens::ui
