// Restarts in the window: one operation through its dialog, several through the plan of a batch (issue 16) run in
// the Restarts dock, which follows the session's data (and the local runner) to say how each went.
#include "mainwindow.h"

#include "detailspane.h"
#include "notificationspane.h"
#include "restartdialog.h"
#include "restarter.h"
#include "restartplandialog.h"
#include "restartspane.h"
#include "tablepane.h"

#include <QAction>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>

namespace oplens::ui {

// Below the tables, a tab beside Sources and Servers: a table needs the width. Shown when a batch starts.
void MainWindow::createRestartsDock()
{
    m_restarts = new RestartsPane(this);
    m_restartsDock = new QDockWidget(tr("Restarts"), this);
    m_restartsDock->setObjectName(QStringLiteral("restartsDock"));
    m_restartsDock->setWidget(m_restarts);
    tabifyDockWidget(m_sourcesDock, m_restartsDock);
    m_restartsDock->hide();
}

void MainWindow::connectBatchRestarts()
{
    connect(m_restarter, &Restarter::localRestartEnded, m_restarts, &RestartsPane::noteEnded);
    connect(m_restarter, &Restarter::logOpened, m_restarts, &RestartsPane::noteOpened);
    const auto observe = [this] {
        if (const auto data = m_session->data())
            m_restarts->observe(*data);
    };
    connect(m_session, &Session::dataReset, m_restarts, observe);
    connect(m_session, &Session::dataAppended, m_restarts, observe);
    connect(m_restarts, &RestartsPane::lookAgain, m_restarts, observe); // its events may have been read before its answer
    connect(m_restarts, &RestartsPane::operationChosen, this, &MainWindow::showRestartEntry);
    // A message of its own for a while: "Ready" from the tables, which the new operations refresh, would hide it.
    connect(m_restarts, &RestartsPane::finished, this, [this](const QString &summary) {
        statusBar()->showMessage(tr("Restarts: %1").arg(summary), 30000);
    });
    // Ctrl+R acts on the pane the admin selected in last; the panes following the current operation do not count.
    connect(m_notifications->view()->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!m_selecting)
            m_restartFromTable = false;
        updateRestartAction();
    });
    connect(m_operations->view()->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!m_selecting)
            m_restartFromTable = true;
        updateRestartAction();
    });
    connect(m_notifications, &NotificationsPane::restartSelectedRequested, this, [this] {
        m_restartFromTable = false;
        restartSelected();
    });
    connect(m_operations, &TablePane::restartSelectedRequested, this, [this] {
        m_restartFromTable = true;
        restartSelected();
    });
}

std::pair<std::shared_ptr<const Dataset>, std::vector<uint32_t>> MainWindow::selectedForRestart() const
{
    if (m_restartFromTable)
        return {m_operations->resultData(), m_operations->selectedOperations()};
    return {m_notifications->model()->dataset(), m_notifications->selectedOperations()};
}

void MainWindow::updateRestartAction()
{
    if (const size_t selected = selectedForRestart().second.size(); selected > 1) {
        m_restartAction->setText(tr("&Restart %1…").arg(selected));
        m_restartAction->setEnabled(true);
        m_restartAction->setToolTip(tr("Plan their restart: each is checked, and you confirm, before anything runs"));
    } else {
        const QString why = m_restarter->refusal(m_details->operation());
        m_restartAction->setText(tr("&Restart…"));
        m_restartAction->setEnabled(why.isEmpty());
        m_restartAction->setToolTip(why);
    }
    m_notifications->setRestartAllowed(m_restarter);
}

void MainWindow::restartSelected()
{
    const auto [data, ops] = selectedForRestart();
    if (!data || ops.size() <= 1) {
        restartOperation(m_details->operation());
        return;
    }
    planRestarts(data, ops);
}

void MainWindow::restartAllInterrupted()
{
    const auto data = m_operations->resultData();
    const std::vector<uint32_t> ops = data ? interruptedToRestart(*data, m_operations->resultRows()) : std::vector<uint32_t>();
    if (ops.empty()) {
        m_statusText->setText(tr("No operation in view is Interrupted without having been restarted or superseded"));
        return;
    }
    planRestarts(data, ops);
}

void MainWindow::planRestarts(std::shared_ptr<const Dataset> data, const std::vector<uint32_t> &ops)
{
    if (refuseWhileLaunching(false))
        return;
    constexpr size_t kMostAtOnce = 1000; // a plan is read row by row before it runs: more is a selection by mistake
    if (ops.size() > kMostAtOnce) {
        m_statusText->setText(tr("%1 operations selected: restart at most %2 at once (filter by status Interrupted first)")
                                  .arg(ops.size()).arg(kMostAtOnce));
        return;
    }
    RestartPlanDialog dialog(std::move(data), ops, m_restarter, this);
    if (dialog.exec() != QDialog::Accepted || refuseWhileLaunching(true))
        return;
    Restarter *restarter = m_restarter;
    m_restarts->start(dialog.plan(), dialog.reason(), dialog.options(),
                      [restarter](const PlanItem &item, const QString &reason, const QString &key, QObject *context,
                                  std::function<void(const LaunchAnswer &)> done) {
        restarter->launch(item, reason, key, context, std::move(done));
    });
    m_restartsDock->show();
    m_restartsDock->raise();
    m_statusText->setText(tr("Restarts: %1").arg(m_restarts->batch()->summary()));
}

// One batch at a time: a second one waits until the last one has launched all of its restarts. Said in a box, as the
// status bar alone was easy to miss; `planned`: the admin had confirmed a plan meanwhile, which is not run.
bool MainWindow::refuseWhileLaunching(bool planned)
{
    if (!m_restarts->isLaunching())
        return false;
    m_restartsDock->show();
    m_restartsDock->raise();
    const int waiting = m_restarts->batch()->count(RestartProgress::Waiting);
    const QString last = tr("The last batch is still launching its restarts (%1 waiting).").arg(waiting);
    auto *box = new QMessageBox(QMessageBox::Information, tr("Restarts still being launched"),
                                planned ? tr("Nothing of this plan was started. %1").arg(last) : last, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("restartsBusy"));
    box->setInformativeText(tr("Wait until all of them are launched, or press Stop remaining in the Restarts pane, then "
                               "restart again. One operation alone can still be restarted (Restart… on it)."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    m_statusText->setText(last);
    return true;
}

// Quitting leaves a batch's waiting restarts never started: asked first. Those launched go on at their agents; this
// console's own runner (local files) ends its children with it.
bool MainWindow::mayQuitWithRestarts()
{
    BatchRestart *batch = m_restarts->batch();
    const int waiting = batch ? batch->count(RestartProgress::Waiting) : 0;
    if (waiting == 0)
        return true;
    int local = 0;
    for (const BatchEntry &entry : batch->entries()) {
        const bool active = entry.progress == RestartProgress::Queued || entry.progress == RestartProgress::Running;
        const int index = m_session->sourceIndex(entry.recordedIn.isEmpty() ? entry.item.source : entry.recordedIn);
        if (active && index >= 0 && !m_session->sources()[index].isAgent())
            ++local;
    }
    QMessageBox box(QMessageBox::Question, tr("Quit OpLens"),
                    waiting == 1 ? tr("1 restart has not started yet. Quit anyway?")
                                 : tr("%1 restarts have not started yet. Quit anyway?").arg(waiting),
                    QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("quitWithRestarts"));
    box.setInformativeText(local == 0 ? tr("Those launched go on; the others are not started.")
                                      : tr("Those launched on agents go on; the %1 running on this computer end with the "
                                           "console; the others are not started.").arg(local));
    QPushButton *quit = box.addButton(tr("Quit"), QMessageBox::DestructiveRole);
    quit->setObjectName(QStringLiteral("quitAnyway"));
    box.setDefaultButton(box.addButton(QMessageBox::Cancel));
    box.exec();
    if (box.clickedButton() != quit)
        return false;
    if (m_restarts->batch() == batch) // nothing more is sent while the window closes
        batch->stopRemaining(tr("not started: the console quit"));
    return true;
}

uint32_t MainWindow::operationNamed(const QString &source, const QString &id) const
{
    const auto data = m_session->data();
    const int slot = data && !id.isEmpty() ? int(data->events().sourceNames().indexOf(source)) : -1;
    return slot < 0 ? kNone : data->findOperation(uint16_t(slot), id.toStdString());
}

// The new operation of a row of the Restarts pane, or the old one while there is none (not launched, or not read yet).
void MainWindow::showRestartEntry(const QString &source, const QString &id, const QString &oldSource, const QString &oldId)
{
    uint32_t op = operationNamed(source, id);
    if (op == kNone)
        op = operationNamed(oldSource, oldId);
    if (op != kNone)
        selectEverywhere(op);
}

void MainWindow::restartOperation(uint32_t op)
{
    const auto data = m_session->data();
    if (const QString why = m_restarter->refusal(op); !why.isEmpty()) {
        m_statusText->setText(why);
        return;
    }
    // By path: the dataset's source indexes are the session's only once a rebuild after Remove has ended.
    const QString sourceName = data->events().sourceName(data->source(op));
    const SourceState &source = m_session->sources()[m_session->sourceIndex(sourceName)]; // refusal() found it
    const QString via = source.isAgent() ? tr("the agent at %1").arg(source.remote->spec().url.authority())
                                     : tr("this console, with the local action catalog %1").arg(Restarter::catalogPath());
    // exec() runs an event loop: the data may be read again meanwhile, and `op` then names another operation.
    const std::string id = data->events().ids().text(op);
    RestartDialog dialog(*data, op, via, this);
    dialog.setPlan(m_restarter->plan(op));
    if (m_restarter->askAgentPlan(op, &dialog, [&dialog](const QString &plan) { dialog.setPlan(plan); }))
        dialog.setPlan(tr("Asking the agent…"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto now = m_session->data();
    const int index = now ? int(now->events().sourceNames().indexOf(sourceName)) : -1;
    const uint32_t same = index >= 0 ? now->findOperation(uint16_t(index), id) : kNone;
    if (same == kNone) {
        m_statusText->setText(tr("Not restarted: the operation is no longer loaded"));
        return;
    }
    m_statusText->setText(tr("Restarting…"));
    m_restarter->restart(same, dialog.reason());
}

void MainWindow::restartFinished(bool launched, const QString &source, const QString &operationId, const QString &message,
                                 const QString &running)
{
    m_statusText->setText(message);
    if (launched) {
        m_pendingRestart = {source, operationId};
        selectPendingRestart();
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Restart refused"), message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("restartRefused"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    if (!running.isEmpty()) { // the one that is in the way
        QPushButton *show = box->addButton(tr("Show it"), QMessageBox::ActionRole);
        show->setObjectName(QStringLiteral("showRunning"));
        connect(show, &QPushButton::clicked, this, [this, source, running] {
            if (const uint32_t op = operationNamed(source, running); op != kNone)
                showInLog(op);
        });
    }
    box->open();
}

void MainWindow::selectPendingRestart()
{
    if (m_pendingRestart.second.isEmpty())
        return;
    const uint32_t op = operationNamed(m_pendingRestart.first, m_pendingRestart.second);
    if (op == kNone)
        return; // it appears with the next lines the source brings
    m_pendingRestart = {};
    showInLog(op);
}

} // namespace oplens::ui
