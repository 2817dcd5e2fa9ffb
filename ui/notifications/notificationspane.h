// The Notifications pane: what was interrupted or runs too long, why, and what to check before running it again.
#pragma once

#include "notificationsmodel.h"

#include <QWidget>

class QCheckBox;
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
    // The Restart… button is enabled where `restarter` allows it.
    void setRestartAllowed(class Restarter *restarter);

Q_SIGNALS:
    void countChanged(int unacknowledged);
    void showInLog(uint32_t op);
    void restartRequested(uint32_t op);

private:
    void updateButtons();
    int currentRow() const;

    NotificationsModel *m_model;
    QListView *m_view;
    QCheckBox *m_showAcknowledged;
    QPushButton *m_acknowledge, *m_show, *m_restart;
    class Restarter *m_restarter = nullptr;
};

} // namespace oplens::ui
