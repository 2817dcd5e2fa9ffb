// The Servers view: per server (open source) its operations counted by status, open notifications, last service
// start, the last good run of each module and name, lag and state. Clicking a count asks for the tables to show
// those operations.
#pragma once

#include "serversmodel.h"

#include <QTimer>
#include <QWidget>

class QTreeView;

namespace oplens::ui {

class ServersPane : public QWidget
{
    Q_OBJECT
public:
    explicit ServersPane(Session *session, QWidget *parent = nullptr);
    ServersModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    // Counts again (in a worker) if the data or the sources changed; keeps how long it took.
    void refresh();
    double lastCountMs() const { return m_lastCountMs; } // the last refresh that counted, in ms

Q_SIGNALS:
    // The admin clicked a count: the tables should show exactly those operations (of the server named `server`).
    void filterRequested(const oplens::ViewFilter &filter, const QString &server);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void cellClicked(const QModelIndex &index);
    void refreshIfShown();

    Session *m_session;
    ServersModel *m_model;
    QTreeView *m_view;
    QTimer m_clock; // lag, "retrying in N s", "2 days ago"; Stale every minute
    double m_lastCountMs = 0;
    bool m_stale = false; // the data changed while hidden
};

} // namespace oplens::ui
