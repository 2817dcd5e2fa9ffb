// The Sources pane: each open oplog (local file, web server, SSH, agent) with its events, operations, state (following,
// reading, retrying in N s, paused, the error), when it last brought news, how far behind it may be, and its skipped
// lines with their reasons; for an agent, whether it alerts (its channels and last delivery). Follow, crash snapshot,
// pause, retry, trust a certificate, remove.
#pragma once

#include "session.h"
#include "sourcehealth.h"

#include <QTimer>
#include <QWidget>

class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace oplens::ui {

class SourcesPane : public QWidget
{
    Q_OBJECT
public:
    enum Column { Name, Events, Operations, LastUpdate, Lag, State, ColumnCount };

    explicit SourcesPane(Session *session, QWidget *parent = nullptr);
    QTreeWidget *tree() const { return m_tree; }
    void refresh();
    // What the State column says of source `index` (for tests and tooltips).
    QString stateText(int index) const;
    // What the Alerts row of source `index` says: empty for a file, or an agent that says nothing about alerts.
    QString alertsText(int index) const;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    int currentSource() const;
    void updateButtons();
    void fitSourceColumn();
    void updateRow(QTreeWidgetItem *item, int index);
    void updateAlertsRow(QTreeWidgetItem *item, int index);
    QString structure() const; // what the tree's children depend on: rebuilt only when it changes
    void trustCertificate();

    std::vector<size_t> operationCounts() const; // per open source

    Session *m_session;
    class AgentAlerts *m_alerts;
    QTreeWidget *m_tree;
    QString m_structure;
    int m_fittedWidth = 0; // the Source column's width as fitSourceColumn() set it last
    QTimer m_refreshSoon; // refresh() at the next turn of the event loop
    QTimer m_clock; // "retrying in N s" and the lag count down
    QToolButton *m_follow, *m_assume, *m_pause, *m_retry, *m_trust, *m_remove;
};

} // namespace oplens::ui
