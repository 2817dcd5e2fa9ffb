#include "notificationspane.h"

#include "restarter.h"
#include "statusstyle.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QListView>
#include <QVBoxLayout>

namespace oplens::ui {

NotificationsPane::NotificationsPane(QWidget *parent)
    : QWidget(parent), m_model(new NotificationsModel(this)), m_view(new QListView(this))
{
    m_trouble = new QLabel(this);
    m_trouble->setObjectName(QStringLiteral("notificationsTrouble"));
    m_trouble->setTextInteractionFlags(Qt::TextSelectableByMouse);
    styleAsError(m_trouble);
    m_trouble->hide();
    m_warning = new QLabel(tr("Check why the service restarted or crashed (its logs, disk space, memory) before "
                              "running an interrupted operation again."),
                           this);
    m_warning->setObjectName(QStringLiteral("notificationsWarning"));
    styleAsWarning(m_warning);
    m_allClear = new QLabel(this);
    m_allClear->setObjectName(QStringLiteral("notificationsAllClear"));
    m_allClear->setWordWrap(true);
    m_allClear->setContentsMargins(6, 6, 6, 6);

    m_view->setModel(m_model);
    m_view->setObjectName(QStringLiteral("notificationsTable"));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setIconSize(QSize(20, 20));
    m_view->setSpacing(2);
    m_view->setWordWrap(true);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setUniformItemSizes(true);
    m_view->setAlternatingRowColors(true);

    m_showAcknowledged = new QCheckBox(tr("Show acknowledged"), this);
    m_showSuperseded = new QCheckBox(tr("Show superseded (0)"), this);
    m_showSuperseded->setObjectName(QStringLiteral("showSuperseded"));
    m_showSuperseded->setToolTip(tr("Interrupted operations after which a later run of the same operation, with the "
                                    "same parameters, finished"));
    m_acknowledge = new QPushButton(tr("Acknowledge"), this);
    m_acknowledge->setToolTip(tr("Mark as seen: it leaves this list (kept across launches)"));
    m_show = new QPushButton(tr("Show in log"), this);
    m_restart = new QPushButton(tr("Restart…"), this);
    m_restart->setObjectName(QStringLiteral("restartButton"));
    auto *toggles = new QHBoxLayout; // a row of their own: the pane stays narrow enough for 1024 pixels
    toggles->addWidget(m_showAcknowledged);
    toggles->addWidget(m_showSuperseded);
    toggles->addStretch(1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_acknowledge);
    buttons->addWidget(m_show);
    buttons->addWidget(m_restart);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_trouble);
    layout->addWidget(m_warning);
    layout->addWidget(m_allClear);
    layout->addWidget(m_view, 1);
    layout->addLayout(toggles);
    layout->addLayout(buttons);

    connect(m_showAcknowledged, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setShowAcknowledged(on);
        updateButtons();
    });
    connect(m_showSuperseded, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setShowSuperseded(on);
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_showSuperseded->setText(tr("Show superseded (%1)").arg(m_model->supersededCount()));
    });
    connect(m_acknowledge, &QPushButton::clicked, this, &NotificationsPane::acknowledgeSelected);
    connect(m_show, &QPushButton::clicked, this, [this] {
        if (currentRow() >= 0)
            Q_EMIT showInLog(m_model->operationAt(currentRow()));
    });
    connect(m_restart, &QPushButton::clicked, this, [this] {
        if (currentRow() >= 0)
            Q_EMIT restartRequested(m_model->operationAt(currentRow()));
    });
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT showInLog(m_model->operationAt(index.row()));
    });
    updateBanners();
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateBanners();
        updateButtons();
        Q_EMIT countChanged(m_model->unacknowledgedCount());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        updateButtons();
        if (current.isValid())
            Q_EMIT operationSelected(m_model->operationAt(current.row()));
    });
    updateButtons();
}

void NotificationsPane::refresh(std::shared_ptr<const Dataset> data, int64_t now)
{
    const int row = currentRow();
    const uint32_t keep = row >= 0 ? m_model->operationAt(row) : 0xFFFFFFFFu;
    m_model->refresh(std::move(data), now);
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (m_model->operationAt(r) == keep)
            m_view->setCurrentIndex(m_model->index(r));
}

void NotificationsPane::selectOperation(uint32_t op)
{
    const int row = currentRow();
    if (row >= 0 && m_model->operationAt(row) == op)
        return;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->operationAt(r) == op) {
            m_view->setCurrentIndex(m_model->index(r));
            return;
        }
    }
    m_view->selectionModel()->clearCurrentIndex(); // another operation is current: nothing here acts on a stale one
    m_view->clearSelection();
    updateButtons();
}

int NotificationsPane::currentRow() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void NotificationsPane::acknowledgeSelected()
{
    const int row = currentRow();
    if (row < 0)
        return;
    const bool acknowledged = m_model->index(row).data(NotificationsModel::AcknowledgedRole).toBool();
    m_model->setAcknowledged(row, !acknowledged);
    if (m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(std::min(row, m_model->rowCount() - 1)));
}

void NotificationsPane::setHealth(const SessionHealth &health)
{
    m_health = health;
    updateBanners();
}

// The advice where there is something to act on; an all-clear only of what was read, never above a red banner's
// sources without saying so.
void NotificationsPane::updateBanners()
{
    QStringList lines;
    for (const SourceHealth &h : std::as_const(m_health.troubled))
        lines << h.banner();
    m_trouble->setText(lines.join(QLatin1Char('\n')));
    m_trouble->setVisible(!lines.isEmpty());
    m_warning->setVisible(m_model->rowCount() > 0);
    m_allClear->setVisible(m_model->rowCount() == 0);
    m_allClear->setText(m_health.allClear());
}

void NotificationsPane::setRestartAllowed(Restarter *restarter)
{
    m_restarter = restarter;
    updateButtons();
}

void NotificationsPane::updateButtons()
{
    const int row = currentRow();
    m_show->setEnabled(row >= 0);
    const QString why = !m_restarter ? tr("Restart is not available") : row < 0 ? tr("Select a notification")
                                                                               : m_restarter->refusal(m_model->operationAt(row));
    m_restart->setEnabled(why.isEmpty());
    m_restart->setToolTip(why.isEmpty() ? tr("Run it again, after checking why it was interrupted") : why);
    m_acknowledge->setEnabled(row >= 0);
    const bool acknowledged = row >= 0 && m_model->index(row).data(NotificationsModel::AcknowledgedRole).toBool();
    m_acknowledge->setText(acknowledged ? tr("Unacknowledge") : tr("Acknowledge"));
}

} // namespace oplens::ui
