// Shared acknowledgements in the window: agent sources' acknowledgements are their agent's (docs/agent.md section 9).
// The Notifications pane asks, SharedAcknowledgements talks to the agents; the status bar says how it went, a failure
// is shown in a message box (nothing is dropped silently), and Details and the Servers view follow every change.
#include "mainwindow.h"

#include "detailspane.h"
#include "notificationspane.h"
#include "serverspane.h"
#include "sharedacknowledgements.h"

#include <QLabel>
#include <QMessageBox>

namespace oplens::ui {

void MainWindow::connectSharedAcknowledgements()
{
    NotificationsModel *model = m_notifications->model();
    m_sharedAcknowledgements = new SharedAcknowledgements(m_session, model, this);
    connect(m_notifications, &NotificationsPane::sharedAcknowledgementRequested, m_sharedAcknowledgements,
            &SharedAcknowledgements::send);
    connect(m_sharedAcknowledgements, &SharedAcknowledgements::progress, m_statusText, &QLabel::setText);
    connect(m_sharedAcknowledgements, &SharedAcknowledgements::sent, this, [this](const QString &message, const QStringList &failures) {
        m_statusText->setText(message);
        if (failures.isEmpty())
            return;
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Acknowledgement not recorded"), message, QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("acknowledgementFailed"));
        box->setInformativeText(failures.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    connect(m_sharedAcknowledgements, &SharedAcknowledgements::fetchProblem, this, [this](const QString &source, const QString &error) {
        if (!error.isEmpty())
            m_statusText->setText(tr("%1: could not read the agent's acknowledgements: %2").arg(source, error));
    });
    connect(m_sharedAcknowledgements, &SharedAcknowledgements::fetched, this, &MainWindow::checkIdle);
    connect(model, &NotificationsModel::acknowledgementsChanged, this, [this, model] {
        m_servers->model()->setAcknowledgements(model->acknowledgements());
        showOperation(m_details->operation());
    });
    m_details->setAcknowledgementText([model](uint32_t op, int64_t now) { return model->acknowledgementText(op, now); });
}

bool MainWindow::acknowledgementsSettled() const
{
    return !m_sharedAcknowledgements || m_sharedAcknowledgements->settled();
}

} // namespace oplens::ui
