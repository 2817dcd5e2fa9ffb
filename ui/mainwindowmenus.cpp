// The main window's menus and their actions: File, Edit, View, Operation, Help.
#include "mainwindow.h"

#include "actioncatalog.h"
#include "detailspane.h"
#include "exportjob.h"
#include "filterbar.h"
#include "notificationspane.h"
#include "recentmenu.h"
#include "restarter.h"
#include "tablepane.h"
#include "timelinepane.h"
#include "timedisplay.h"
#include "workspaces.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

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
    const QList<QPair<QWidget *, QString>> tabs{{m_operations, tr("&Operations")}, {m_events, tr("&Events")}, {m_timeline, tr("&Timeline")}};
    for (int i = 0; i < tabs.size(); ++i) {
        QAction *tab = view->addAction(tabs[i].second, this, [this, page = tabs[i].first] { m_tabs->setCurrentWidget(page); });
        tab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    for (QDockWidget *dock : {m_sourcesDock, m_serversDock, m_notificationsDock, m_detailsDock, m_restartsDock}) {
        view->addAction(dock->toggleViewAction());
        // Shown again as a tab behind another (Restarts behind Sources): brought to the front, or it seems not shown.
        connect(dock->toggleViewAction(), &QAction::triggered, dock, [dock](bool shown) {
            if (shown)
                dock->raise();
        });
    }
}

// Acknowledge, restart, and the catalog of actions this console restarts local files' operations with.
void MainWindow::createOperationMenu()
{
    QMenu *notifications = menuBar()->addMenu(tr("&Operation"));
    QAction *acknowledge = notifications->addAction(tr("&Acknowledge notification"), m_notifications,
                                                    &NotificationsPane::acknowledgeSelected);
    acknowledge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    notifications->addAction(tr("Acknowledge &Older Notifications…"), m_notifications, &NotificationsPane::acknowledgeOlder);
    m_restartAction = notifications->addAction(tr("&Restart…"), this, &MainWindow::restartSelected);
    m_restartAction->setObjectName(QStringLiteral("restartAction"));
    m_restartAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_restartAction->setEnabled(false);
    notifications->addAction(tr("Restart All &Interrupted in View…"), this, &MainWindow::restartAllInterrupted)
        ->setObjectName(QStringLiteral("restartAllInterruptedAction"));
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

namespace {

// Every action of `menu` and its submenus that has a shortcut, as "Menu > Action" and the keys.
void collectShortcuts(const QMenu *menu, const QString &path, QList<QPair<QString, QString>> &out)
{
    for (QAction *action : menu->actions()) {
        const QString name = path + QLatin1String(" > ") + QString(action->text()).remove(QLatin1Char('&'));
        if (action->menu())
            collectShortcuts(action->menu(), name, out);
        else if (!action->shortcut().isEmpty())
            out.append({name, action->shortcut().toString(QKeySequence::NativeText)});
    }
}

QDialog *textDialog(QWidget *parent, const QString &title, const QString &name, const QString &markdown)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(name);
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->resize(720, 560);
    auto *text = new QTextBrowser(dialog);
    text->setObjectName(QStringLiteral("helpText"));
    text->setMarkdown(markdown);
    text->setOpenExternalLinks(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    return dialog;
}

// The statuses as docs/oplog.md section 3 defines them, with where the evidence comes from.
QString statusLegend()
{
    return QCoreApplication::translate("Help",
        "### Statuses\n\n"
        "- **Queued**, **Running**, **Finished**, **Failed**, **Aborted**: set by the operation's latest event of that "
        "type in its oplog.\n"
        "- **Interrupted** (red): the log says so (an `Interrupted` event, its `error` is the evidence), or the operation "
        "was Queued or Running when the service restarted. The evidence, first found first: a later `ServiceStarted` "
        "event of the same source and host (\"service restarted at TIME (MODULE)\"); the agent's report "
        "`serviceStartedAt` (\"reported by the agent\"); *Crash snapshot* on the source (every unfinished operation of a "
        "log copied after a crash). Age alone never makes an operation Interrupted.\n"
        "- **Stale** (amber): Running longer than three times the 95th percentile of the Finished runs of the same module "
        "and name (with at least five of them), else longer than 24 hours. Check it; it may still be working.\n"
        "- **Restarted**: an Interrupted, Failed or Aborted operation that a later operation names in `restartOf`. It "
        "leaves Notifications; Details shows the chain both ways.\n"
        "- **Superseded**: an Interrupted, Failed or Aborted operation, not restarted, after which an operation of the same "
        "source with the same module, name and parameters Finished: running it again is not needed.\n"
        "- **Unfinished** (a filter): Queued, Running or Interrupted.\n\n"
        "The contract is docs/oplog.md, section 3.");
}

// README.md of the source tree this program was built from: above the program's folder, or where the CMake build
// folder above it says its source is.
QString findReadme()
{
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 5; ++up) {
        if (QFileInfo::exists(dir.filePath(QStringLiteral("README.md"))))
            return dir.filePath(QStringLiteral("README.md"));
        QFile cache(dir.filePath(QStringLiteral("CMakeCache.txt")));
        if (cache.open(QIODevice::ReadOnly)) {
            const QByteArray key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
            for (const QByteArray &line : cache.readAll().split('\n'))
                if (line.startsWith(key)) {
                    const QString path = QDir(QString::fromUtf8(line.mid(key.size()).trimmed())).filePath(QStringLiteral("README.md"));
                    return QFileInfo::exists(path) ? path : QString();
                }
        }
        if (!dir.cdUp())
            break;
    }
    return {};
}

// The README's section on the console, from its heading to the next one.
QString consoleSection(const QString &readme)
{
    QFile file(readme);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    const qsizetype start = text.indexOf(QLatin1String("## The console"));
    if (start < 0)
        return {};
    const qsizetype end = text.indexOf(QLatin1String("\n## "), start + 3);
    return text.mid(start, end < 0 ? -1 : end - start);
}

} // namespace

// Keyboard shortcuts, the status legend, the README's console section, Reset layout, About.
void MainWindow::createHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        QList<QPair<QString, QString>> shortcuts;
        for (QAction *action : menuBar()->actions())
            if (action->menu())
                collectShortcuts(action->menu(), QString(action->text()).remove(QLatin1Char('&')), shortcuts);
        shortcuts.append({tr("Filter field: clear it"), tr("Esc")});
        shortcuts.append({tr("Notifications, Operations: show in log, details"), tr("Enter")});
        shortcuts.append({tr("Timeline: zoom in, out (or the mouse wheel)"), tr("+, −")});
        shortcuts.append({tr("Timeline: earlier, later; lanes up, down"), tr("←, →; ↑, ↓, Page Up, Page Down")});
        shortcuts.append({tr("Timeline: fit everything"), tr("Home")});
        shortcuts.append({tr("Timeline: set the filter's time range"), tr("Shift+drag")});
        QString table = tr("| Action | Keys |\n|---|---|\n");
        for (const auto &[name, key] : shortcuts)
            table += QStringLiteral("| %1 | %2 |\n").arg(name, key);
        textDialog(this, tr("Keyboard shortcuts"), QStringLiteral("shortcutsDialog"), table)->show();
    });
    keys->setObjectName(QStringLiteral("shortcutsAction"));
    QAction *legend = help->addAction(tr("&Status Legend"), this, [this] {
        textDialog(this, tr("Status legend"), QStringLiteral("legendDialog"), statusLegend())->show();
    });
    legend->setObjectName(QStringLiteral("legendAction"));
    const QString readme = findReadme();
    const QString section = readme.isEmpty() ? QString() : consoleSection(readme);
    QAction *guide = help->addAction(tr("The &Console (README)"), this, [this, readme, section] {
        QDialog *dialog = textDialog(this, tr("The console"), QStringLiteral("readmeDialog"),
                                     section + tr("\n\n---\nFrom [%1](%2)").arg(readme, QUrl::fromLocalFile(readme).toString()));
        dialog->show();
    });
    guide->setObjectName(QStringLiteral("readmeAction"));
    guide->setEnabled(!section.isEmpty());
    guide->setToolTip(section.isEmpty() ? tr("README.md was not found beside this program's source tree") : readme);
    help->addSeparator();
    // The docks and columns as a first start has them (the settings keep whatever the admin changed since).
    const QByteArray docks = saveState(), operations = m_operations->headerState(), events = m_events->headerState();
    QAction *reset = help->addAction(tr("&Reset Layout"), this, [this, docks, operations, events] {
        restoreState(docks);
        for (QDockWidget *dock : {m_notificationsDock, m_sourcesDock, m_detailsDock})
            dock->show();
        m_operations->setHeaderState(operations);
        m_events->setHeaderState(events);
    });
    reset->setObjectName(QStringLiteral("resetLayoutAction"));
    help->addSeparator();
    help->addAction(tr("&About OpLens"), this, [this] {
        QMessageBox::about(this, tr("About OpLens"),
                           tr("<h3>OpLens %1</h3><p>Knows which background operations of a mail server were "
                              "interrupted.</p><p>An operation counts as <b>Interrupted</b> when its log says so, or "
                              "when the service restarted after its last event; <b>Stale</b> when it runs three "
                              "times longer than its usual 95th percentile.</p>")
                               .arg(QStringLiteral(OPLENS_VERSION)));
    });
    // Shortcuts in tooltips too (the restart action's tooltip says why it is disabled instead).
    for (QAction *menuAction : menuBar()->actions())
        for (QAction *action : menuAction->menu() ? menuAction->menu()->actions() : QList<QAction *>())
            if (!action->shortcut().isEmpty() && action != m_restartAction)
                action->setToolTip(QStringLiteral("%1 (%2)").arg(QString(action->text()).remove(QLatin1Char('&')),
                                                                 action->shortcut().toString(QKeySequence::NativeText)));
}

} // namespace oplens::ui
