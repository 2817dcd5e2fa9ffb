// The main window's menus and their actions: File, Edit, View, Operation, Help.
#include "mainwindow.h"

#include "actioncatalog.h"
#include "detailspane.h"
#include "exportjob.h"
#include "filterbar.h"
#include "notificationspane.h"
#include "recentmenu.h"
#include "restarter.h"
#include "timedisplay.h"
#include "workspaces.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace oplens::ui {

void MainWindow::createActions()
{
    createFileMenu();
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(tr("&Filter…"), m_filterBar, &FilterBar::focusSearch);
    find->setShortcut(QKeySequence::Find);
    createViewMenu();
    createOperationMenu();
    createHelpMenu();
}

// Open, recent files, workspaces, reload, export, quit.
void MainWindow::createFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = new RecentMenu(tr("Open &Recent"), QStringLiteral("recent/files"),
                                  [this](const QString &path) { openFiles({path}); }, this);
    file->addMenu(m_recentMenu);
    m_workspaces = new Workspaces(m_session, m_filterBar, m_operations, m_events, this);
    connect(m_workspaces, &Workspaces::message, m_statusText, &QLabel::setText);
    m_workspaces->addActions(file);
    file->addSeparator();
    QAction *reload = file->addAction(tr("&Reload"), m_session, &Session::reload);
    reload->setShortcut(QKeySequence(Qt::Key_F5));
    auto *exportJob = new ExportJob(m_session, statusBar(), this); // the current view, with its filters and order
    QAction *exportView = file->addAction(tr("&Export…"), this, [this, exportJob] { exportJob->exportView(currentTable()); });
    exportView->setObjectName(QStringLiteral("exportAction"));
    exportView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

// Times in UTC, and the docks.
void MainWindow::createViewMenu()
{
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *utc = view->addAction(tr("Times in &UTC"));
    utc->setObjectName(QStringLiteral("utcAction"));
    utc->setCheckable(true);
    utc->setChecked(TimeDisplay::instance().utc());
    connect(utc, &QAction::toggled, &TimeDisplay::instance(), &TimeDisplay::setUtc);
    connect(&TimeDisplay::instance(), &TimeDisplay::changed, this, [this, utc] {
        utc->setChecked(TimeDisplay::instance().utc());
        showOperation(m_details->operation());
    });
    view->addSeparator();
    view->addAction(m_sourcesDock->toggleViewAction());
    view->addAction(m_notificationsDock->toggleViewAction());
    view->addAction(m_detailsDock->toggleViewAction());
}

// Acknowledge, restart, and the catalog of actions this console restarts local files' operations with.
void MainWindow::createOperationMenu()
{
    QMenu *notifications = menuBar()->addMenu(tr("&Operation"));
    QAction *acknowledge = notifications->addAction(tr("&Acknowledge notification"), m_notifications,
                                                    &NotificationsPane::acknowledgeSelected);
    acknowledge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_restartAction = notifications->addAction(tr("&Restart…"), this, [this] { restartOperation(m_details->operation()); });
    m_restartAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_restartAction->setEnabled(false);
    notifications->addSeparator();
    notifications->addAction(tr("&Local Action Catalog…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Local action catalog"), Restarter::catalogPath(),
                                                          tr("JSON (*.json);;All files (*)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!ActionCatalog::load(path, &error)) {
            QMessageBox::warning(this, tr("Local action catalog"), error);
            return;
        }
        Restarter::setCatalogPath(path);
        updateRestartAction();
    });
}

void MainWindow::createHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About OpLens"), this, [this] {
        QMessageBox::about(this, tr("About OpLens"),
                           tr("<h3>OpLens %1</h3><p>Knows which background operations of a mail server were "
                              "interrupted.</p><p>An operation counts as <b>Interrupted</b> when its log says so, or "
                              "when the service restarted after its last event; <b>Stale</b> when it runs three "
                              "times longer than its usual 95th percentile.</p>")
                               .arg(QStringLiteral(OPLENS_VERSION)));
    });
}

} // namespace oplens::ui
