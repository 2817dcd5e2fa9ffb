// The console's window: places the panes and the actions; each pane does its own wiring.
#pragma once

#include "session.h"

#include <QMainWindow>
#include <QTimer>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QSystemTrayIcon;
class QTabWidget;
class QToolButton;

namespace oplens::ui {

class DetailsPane;
class FilterBar;
class NotificationsPane;
class RestartsPane;
class ServersPane;
class SourcesPane;
class TablePane;
class TimelinePane;
class Workspaces;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    Session *session() const { return m_session; }
    void openFiles(const QStringList &paths);
    // Asks for confirmation and a reason, then launches the restart of `op`.
    void restartOperation(uint32_t op);
    // Restart… (Ctrl+R): today's dialog for one operation; for several selected in Notifications or the Operations
    // table (the one selected in last), the plan of a batch (mainwindowrestarts.cpp).
    void restartSelected();
    // Shows the plan of restarting `ops` of `data`, and runs it in the Restarts pane once confirmed.
    void planRestarts(std::shared_ptr<const Dataset> data, const std::vector<uint32_t> &ops);
    // Restart All Interrupted in View…: the Operations view's Interrupted operations, neither restarted nor superseded.
    void restartAllInterrupted();
    // Nothing loading or filtering, and something was loaded: what a screenshot should wait for.
    bool isIdle() const;

    FilterBar *filterBar() const { return m_filterBar; }
    TablePane *operationsPane() const { return m_operations; }
    TablePane *eventsPane() const { return m_events; }
    TimelinePane *timelinePane() const { return m_timeline; }
    NotificationsPane *notificationsPane() const { return m_notifications; }
    DetailsPane *detailsPane() const { return m_details; }
    SourcesPane *sourcesPane() const { return m_sources; }
    ServersPane *serversPane() const { return m_servers; }
    QDockWidget *serversDock() const { return m_serversDock; }
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *counts() const { return m_counts; }
    QLabel *troubleLabel() const { return m_trouble; }
    QDockWidget *notificationsDock() const { return m_notificationsDock; }
    RestartsPane *restartsPane() const { return m_restarts; }
    QDockWidget *restartsDock() const { return m_restartsDock; }
    QAction *restartAction() const { return m_restartAction; }
    Workspaces *workspaces() const { return m_workspaces; }

Q_SIGNALS:
    void idle();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createCenter();
    void createDocks();
    void createStatusBar();
    void connectSession();
    void connectTables();
    void connectTimeline(); // the Timeline tab: the Operations tab's result, selection both ways, brushing (mainwindowtimeline.cpp)
    void connectNotificationsAndRestarts();
    void connectSharedAcknowledgements(); // agent sources' acknowledgements are their agent's (mainwindowacks.cpp)
    bool acknowledgementsSettled() const; // every agent source's acknowledgements were asked for once
    void createTrayIcon();
    // The menus (mainwindowmenus.cpp).
    void createActions();
    void createFileMenu();
    void createViewMenu();
    void createOperationMenu();
    void createHelpMenu();
    // The session's data (mainwindowdata.cpp): the tables update in place as it grows; a new dataset keeps the
    // operation in Details by (source, operation id); the summary feeds the pickers, counts and panes.
    void dataReset();
    void dataAppended(const Dataset::Change &change);
    void summaryChanged();
    void updateTables(const Dataset::Change *change);
    void updateHealth(); // the sources that could not be read: Notifications' banner, the title, the status bar
    void updateCounts();
    void showOperation(uint32_t op);
    // The one current operation: selecting it in any pane selects it in the others and shows it in Details;
    // Restart…, Acknowledge and Copy act on it.
    void selectEverywhere(uint32_t op);
    void showInLog(uint32_t op);
    void openDialog();
    void updateRestartAction();
    void restartFinished(bool launched, const QString &source, const QString &operationId, const QString &message,
                         const QString &running);
    void selectPendingRestart();
    // Batches of restarts (mainwindowrestarts.cpp): the Restarts dock, what it follows, the selection Ctrl+R acts on.
    void createRestartsDock();
    void connectBatchRestarts();
    std::pair<std::shared_ptr<const Dataset>, std::vector<uint32_t>> selectedForRestart() const;
    uint32_t operationNamed(const QString &source, const QString &id) const; // kNone when not loaded (yet)
    void showRestartEntry(const QString &source, const QString &id, const QString &oldSource, const QString &oldId);
    bool refuseWhileLaunching(bool planned); // true, and says why in a box, while the last batch still launches
    bool mayQuitWithRestarts();              // asks when a batch still has restarts waiting to be launched
    void checkIdle();
    void saveSettings() const;
    void restoreSettings();
    void notifyInterruptions(const QStringList &descriptions);
    TablePane *currentTable() const;

    Session *m_session;
    class Restarter *m_restarter;
    class SharedAcknowledgements *m_sharedAcknowledgements = nullptr;
    Workspaces *m_workspaces = nullptr;
    QAction *m_restartAction = nullptr;
    RestartsPane *m_restarts = nullptr;
    QDockWidget *m_restartsDock = nullptr;
    bool m_restartFromTable = false; // Ctrl+R acts on the Operations table's selection (else Notifications')
    QPair<QString, QString> m_pendingRestart; // a restart to select once its operation appears: source name, id
    FilterBar *m_filterBar;
    TablePane *m_operations, *m_events;
    TimelinePane *m_timeline;
    QTabWidget *m_tabs;
    QStackedWidget *m_center;
    NotificationsPane *m_notifications;
    DetailsPane *m_details;
    SourcesPane *m_sources;
    ServersPane *m_servers;
    QDockWidget *m_serversDock;
    QDockWidget *m_notificationsDock, *m_detailsDock, *m_sourcesDock;
    QLabel *m_statusText, *m_counts;
    QLabel *m_trouble; // the sources that could not be read, in the status bar
    bool m_selecting = false; // selectEverywhere() is moving the panes' selections
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    class RecentMenu *m_recentMenu = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QTimer m_minute; // Stale depends on the clock
    uint32_t m_pendingSelection = 0xFFFFFFFFu;
    std::pair<uint16_t, std::string> m_detailsKey; // the operation in Details as (source, operation id)
    bool m_loadedOnce = false;
};

} // namespace oplens::ui
