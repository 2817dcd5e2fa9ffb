#include "mainwindow.h"

#include "detailspane.h"
#include "filterbar.h"
#include "notificationspane.h"
#include "recentmenu.h"
#include "restarter.h"
#include "serverspane.h"
#include "sourcespane.h"
#include "tablepane.h"
#include "timedisplay.h"
#include "timelinepane.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {

QDockWidget *dock(const QString &title, const QString &name, QWidget *content, QMainWindow *window)
{
    auto *d = new QDockWidget(title, window);
    d->setObjectName(name);
    d->setWidget(content);
    return d;
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_session(new Session(this)), m_restarter(new Restarter(m_session, this))
{
    setWindowTitle(QStringLiteral("OpLens"));
    setAcceptDrops(true);
    resize(1600, 900);
    createCenter();
    createDocks();
    createStatusBar();
    createActions(); // mainwindowmenus.cpp
    connectSession();
    connectTimeline(); // before the tables: the timeline is busy by the time a table's result asks whether all is idle
    connectTables();
    connectNotificationsAndRestarts();
    // Stale depends on the clock: the notifications are looked at again every minute.
    m_minute.setInterval(60 * 1000);
    connect(&m_minute, &QTimer::timeout, m_session, &Session::summarizeNow);
    m_minute.start();
    createTrayIcon();
    restoreSettings();
}

// The tables under the filter bar, or a hint while no oplog is open.
void MainWindow::createCenter()
{
    m_filterBar = new FilterBar(this);
    m_operations = new TablePane(m_session, ViewKind::Operations, this);
    m_events = new TablePane(m_session, ViewKind::Events, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_operations, tr("Operations"));
    m_tabs->addTab(m_events, tr("Events"));
    m_timeline = new TimelinePane(this);
    m_tabs->addTab(m_timeline, tr("Timeline"));
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("counts"));
    m_counts->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_counts->setContentsMargins(8, 0, 8, 0);
    // "Showing X of Y" beside the tabs, where there is room to spare: the filter bar keeps its width for the search.
    m_tabs->setCornerWidget(m_counts, Qt::TopRightCorner);
    auto *hint = new QLabel(tr("<h3>No oplog open</h3><p>Open one with <b>File &gt; Open…</b> (Ctrl+O), "
                               "or drop files here.</p>"),
                            this);
    hint->setAlignment(Qt::AlignCenter);
    auto *tablesPage = new QWidget(this);
    auto *tablesLayout = new QVBoxLayout(tablesPage);
    tablesLayout->setContentsMargins(0, 0, 0, 0);
    tablesLayout->setSpacing(0);
    tablesLayout->addWidget(m_filterBar);
    tablesLayout->addWidget(m_tabs, 1);
    m_center = new QStackedWidget(this);
    m_center->addWidget(hint);
    m_center->addWidget(tablesPage);
    setCentralWidget(m_center);
}

void MainWindow::createDocks()
{
    m_notifications = new NotificationsPane(this);
    m_details = new DetailsPane(this);
    m_sources = new SourcesPane(m_session, this);
    m_sourcesDock = dock(tr("Sources"), QStringLiteral("sourcesDock"), m_sources, this);
    m_notificationsDock = dock(tr("Notifications"), QStringLiteral("notificationsDock"), m_notifications, this);
    m_detailsDock = dock(tr("Details"), QStringLiteral("detailsDock"), m_details, this);
    // Left: what needs the admin, over the sources; the tables get the rest, with details below them.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    // Notifications take the left column; Sources (with their state, lag and errors) sit beside Details below the
    // tables, wide enough for several servers.
    addDockWidget(Qt::LeftDockWidgetArea, m_notificationsDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_sourcesDock);
    splitDockWidget(m_sourcesDock, m_detailsDock, Qt::Horizontal);
    // The per-server summary shares the Sources dock's room: both are one row per source.
    m_servers = new ServersPane(m_session, this);
    m_serversDock = dock(tr("Servers"), QStringLiteral("serversDock"), m_servers, this);
    tabifyDockWidget(m_sourcesDock, m_serversDock);
    createRestartsDock(); // mainwindowrestarts.cpp
    resizeDocks({m_notificationsDock}, {420}, Qt::Horizontal);
    resizeDocks({m_sourcesDock, m_detailsDock}, {700, 480}, Qt::Horizontal);
    resizeDocks({m_sourcesDock}, {300}, Qt::Vertical);
}

// Messages on the left; a load's progress and its Cancel button on the right, shown while it runs.
void MainWindow::createStatusBar()
{
    m_statusText = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->hide();
    m_trouble = new QLabel(this);
    m_trouble->setObjectName(QStringLiteral("troubleLabel"));
    m_trouble->setStyleSheet(QStringLiteral("QLabel { color: #B71C1C; font-weight: bold; }"));
    m_trouble->hide();
    statusBar()->addWidget(m_statusText, 1);
    statusBar()->addPermanentWidget(m_trouble);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
}

// The filter drives both tables' queries; the session's loading shows in the status bar, its data in every pane.
void MainWindow::connectSession()
{
    connect(m_filterBar, &FilterBar::changed, this, [this](const ViewFilter &filter) {
        m_operations->query()->setFilter(filter);
        m_events->query()->setFilter(filter);
    });
    connect(m_session, &Session::loadStarted, this, [this](const QString &what) {
        m_statusText->setText(what + QStringLiteral("…"));
        m_progress->setValue(0);
        m_progress->show();
        m_cancel->show();
    });
    connect(m_session, &Session::loadProgress, m_progress, &QProgressBar::setValue);
    connect(m_cancel, &QToolButton::clicked, m_session, &Session::cancelLoading);
    connect(m_session, &Session::loadFinished, this, [this](bool cancelled) {
        m_progress->hide();
        m_cancel->hide();
        if (!cancelled)
            m_loadedOnce = true;
        m_statusText->setText(cancelled ? tr("Loading cancelled") : tr("Loaded"));
        checkIdle();
    });
    connect(m_session, &Session::dataReset, this, &MainWindow::dataReset);
    connect(m_session, &Session::dataAppended, this, &MainWindow::dataAppended);
    connect(m_session, &Session::summaryChanged, this, &MainWindow::summaryChanged);
    connect(m_servers->model(), &ServersModel::countTaken, this, &MainWindow::checkIdle);
    connect(m_session, &Session::sourcesChanged, this, [this] {
        m_center->setCurrentIndex(m_session->sources().isEmpty() ? 0 : 1);
    });
    connect(m_session, &Session::message, m_statusText, &QLabel::setText);
    connect(m_session, &Session::sourcesChanged, this, &MainWindow::updateHealth);
    connect(m_session, &Session::sourcesChanged, this, &MainWindow::checkIdle);
    connect(m_session, &Session::newInterruptions, this, &MainWindow::notifyInterruptions);
}

// The tables' progress and results in the status bar and the counts; their selection in Details.
void MainWindow::connectTables()
{
    for (TablePane *pane : {m_operations, m_events}) {
        connect(pane->query(), &ViewQuery::started, this, [this] {
            if (!m_session->isLoading())
                m_statusText->setText(tr("Filtering…"));
        });
        connect(pane->query(), &ViewQuery::progress, this, [this](int percent) {
            if (!m_session->isLoading())
                m_statusText->setText(tr("Filtering… %1%").arg(percent));
        });
        connect(pane, &TablePane::resultShown, this, [this, pane] {
            if (!m_session->isLoading())
                m_statusText->setText(tr("Ready"));
            updateCounts();
            if (m_pendingSelection != kNone && pane == m_operations) {
                m_operations->selectOperation(m_pendingSelection);
                m_pendingSelection = kNone;
            }
            if (pane == m_operations && m_details->operation() != kNone)
                m_details->setHiddenByFilter(!m_operations->shows(m_details->operation()));
            checkIdle();
        });
        connect(pane, &TablePane::operationSelected, this, &MainWindow::selectEverywhere);
        connect(pane, &TablePane::clearFilterRequested, m_filterBar, &FilterBar::clear);
        connect(pane, &TablePane::filterRequested, m_filterBar, &FilterBar::filterBy);
    }
    connect(m_operations, &TablePane::eventsRequested, this, [this](uint32_t op, const QString &id) {
        m_filterBar->filterBy(QStringLiteral("text"), id); // the operation's events (and those that name it)
        m_tabs->setCurrentWidget(m_events);
        selectEverywhere(op);
    });
    connect(m_operations, &TablePane::operationActivated, this, [this](uint32_t op) {
        showOperation(op);
        m_detailsDock->show();
        m_details->tree()->setFocus();
    });
    connect(m_events, &TablePane::operationActivated, this, &MainWindow::showInLog);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateCounts);
}

// What the side panes ask: show an operation in the log, restart one; the restarter's answer.
void MainWindow::connectNotificationsAndRestarts()
{
    connect(m_notifications, &NotificationsPane::countChanged, this, [this](int count) {
        m_notificationsDock->setWindowTitle(count > 0 ? tr("Notifications (%1)").arg(count) : tr("Notifications"));
    });
    connect(m_notifications, &NotificationsPane::showInLog, this, &MainWindow::showInLog);
    connect(m_notifications, &NotificationsPane::operationSelected, this, &MainWindow::selectEverywhere);
    connect(m_notifications, &NotificationsPane::restartRequested, this, &MainWindow::restartOperation);
    connect(m_restarter, &Restarter::finished, this, &MainWindow::restartFinished);
    m_operations->setRestarter(m_restarter);
    connect(m_operations, &TablePane::restartRequested, this, &MainWindow::restartOperation);
    connect(m_details, &DetailsPane::operationRequested, this, &MainWindow::showInLog);
    connect(m_servers, &ServersPane::filterRequested, this, [this](const ViewFilter &filter, const QString &server) {
        m_filterBar->setFilter(filter, server); // said in the filter bar, where the admin clears it
        m_tabs->setCurrentWidget(m_operations);
    });
    connectSharedAcknowledgements(); // mainwindowacks.cpp
    connectBatchRestarts();          // mainwindowrestarts.cpp
}

void MainWindow::createTrayIcon()
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(QStringLiteral("OpLens"));
        m_tray->show();
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::openFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    m_recentMenu->add(paths);
    m_session->openFiles(paths);
}

void MainWindow::openDialog()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open oplogs"), QString(),
                                                            tr("Oplogs (*.jsonl *.json *.log oplog*);;All files (*)"));
    openFiles(paths);
}

void MainWindow::updateHealth()
{
    const SessionHealth health = sessionHealth(m_session->sources());
    m_notifications->setHealth(health);
    QStringList names, banners;
    for (const SourceHealth &h : health.troubled) {
        names << h.name;
        banners << h.banner();
    }
    m_trouble->setText(names.size() == 1 ? tr("Not read well: %1").arg(names.first())
                                         : tr("%1 sources not read well: %2").arg(names.size()).arg(names.join(QLatin1String(", "))));
    m_trouble->setToolTip(banners.join(QLatin1Char('\n')));
    m_trouble->setVisible(!names.isEmpty());
    setWindowTitle(names.isEmpty() ? QStringLiteral("OpLens")
                   : names.size() == 1 ? tr("OpLens — %1 could not be read well").arg(names.first())
                                       : tr("OpLens — %1 sources could not be read well").arg(names.size()));
}

void MainWindow::updateCounts()
{
    TablePane *pane = currentTable();
    const QLocale locale;
    m_counts->setText(tr("Showing %1 of %2 %3")
                          .arg(locale.toString(qulonglong(pane->shown())), locale.toString(qulonglong(pane->total())),
                               pane == m_operations ? tr("operations") : tr("events")));
    m_counts->setMinimumWidth(m_counts->sizeHint().width()); // never cut off
}

TablePane *MainWindow::currentTable() const
{
    return m_tabs->currentWidget() == m_events ? m_events : m_operations;
}

void MainWindow::showOperation(uint32_t op)
{
    const auto data = m_session->data();
    m_details->show(data, op, QDateTime::currentMSecsSinceEpoch());
    m_detailsKey = data && data->exists(op) ? std::pair(data->source(op), data->events().ids().text(op))
                                            : std::pair<uint16_t, std::string>();
    updateRestartAction();
}

void MainWindow::selectEverywhere(uint32_t op)
{
    if (m_selecting || op == kNone)
        return;
    m_selecting = true;
    showOperation(op);
    for (TablePane *pane : {m_operations, m_events})
        if (pane->currentOperation() != op)
            pane->selectOperation(op);
    m_notifications->selectOperation(op);
    if (const auto data = m_session->data())
        m_timeline->selectOperation(*data, op);
    m_details->setHiddenByFilter(!m_operations->shows(op));
    m_selecting = false;
}

void MainWindow::showInLog(uint32_t op)
{
    const auto data = m_session->data();
    if (!data || !data->exists(op))
        return;
    m_tabs->setCurrentWidget(m_operations);
    showOperation(op);
    m_operations->selectOperation(op);
    if (m_operations->currentOperation() != op) { // hidden by the filter: show everything, then select it
        m_pendingSelection = op;
        m_filterBar->clear();
        m_statusText->setText(tr("The filter was cleared to show the operation"));
    }
    m_operations->view()->setFocus();
}

void MainWindow::notifyInterruptions(const QStringList &descriptions)
{
    const QString title = descriptions.size() == 1 ? tr("An operation was interrupted")
                                                   : tr("%1 operations were interrupted").arg(descriptions.size());
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, descriptions.join(QLatin1Char('\n')), QSystemTrayIcon::Warning);
    m_statusText->setText(QStringLiteral("%1: %2").arg(title, descriptions.first()));
    QApplication::alert(this);
}

bool MainWindow::isIdle() const
{
    const auto &sources = m_session->sources();
    // Remote sources that all failed never start a load: that is an answer too.
    const bool allRemote = !sources.isEmpty() && std::all_of(sources.begin(), sources.end(), [](const SourceState &s) { return bool(s.remote); });
    return (m_loadedOnce || allRemote) && !m_session->isLoading() && m_session->remotesSettled() && !m_operations->query()->isRunning()
        && !m_events->query()->isRunning() && acknowledgementsSettled() && !m_session->isSummarizing()
        && !m_servers->model()->isCounting() && !(m_tabs->currentWidget() == m_timeline && m_timeline->isBusy());
}

void MainWindow::checkIdle()
{
    if (isIdle())
        Q_EMIT idle();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!mayQuitWithRestarts()) {
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    openFiles(paths);
    event->acceptProposedAction();
}

} // namespace oplens::ui
