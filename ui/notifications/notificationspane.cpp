#include "notificationspane.h"

#include "acknowledgedialog.h"
#include "restarter.h"
#include "statusstyle.h"

#include <QCheckBox>
#include <QEvent>
#include <QResizeEvent>
#include <QStyledItemDelegate>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {
// A notification's lines wrap in a narrow pane: its row is as high as its wrapped text (the tree view alone sizes rows
// for unwrapped lines and cuts the rest, such as who acknowledged it).
class WrappingDelegate : public QStyledItemDelegate
{
public:
    explicit WrappingDelegate(QTreeView *view) : QStyledItemDelegate(view), m_view(view) {}

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        int depth = 1; // the root's decoration
        for (QModelIndex at = index.parent(); at.isValid(); at = at.parent())
            ++depth;
        QStyleOptionViewItem wrapped = option;
        wrapped.rect = QRect(0, 0, std::max(80, m_view->viewport()->width() - depth * m_view->indentation()), 1);
        return QStyledItemDelegate::sizeHint(wrapped, index);
    }

private:
    QTreeView *m_view;
};
} // namespace

NotificationsPane::NotificationsPane(QWidget *parent)
    : QWidget(parent), m_model(new NotificationsModel(this)), m_view(new QTreeView(this))
{
    m_trouble = new QLabel(this);
    m_trouble->setObjectName(QStringLiteral("notificationsTrouble"));
    m_trouble->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_trouble->setWordWrap(true);
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
    m_view->setHeaderHidden(true);
    m_view->setIndentation(14); // the notifications' text needs the width more than the tree its lines
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setIconSize(QSize(20, 20));
    m_view->setWordWrap(true);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setItemDelegate(new WrappingDelegate(m_view));
    m_view->viewport()->installEventFilter(this); // rows are measured again when the width changes
    m_view->setAlternatingRowColors(true);
    m_view->setExpandsOnDoubleClick(false); // a notification's double-click shows it in the log
    m_view->setToolTip(tr("Ctrl+click or Shift+click to select several; select a group for all of its notifications"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_trouble);
    layout->addWidget(m_warning);
    layout->addWidget(m_allClear);
    layout->addWidget(m_view, 1);
    layout->addWidget(createButtons());
    connectModel();
    updateBanners();
    updateButtons();
}

// Two rows, so that the pane can be narrowed to about 300 pixels.
QWidget *NotificationsPane::createButtons()
{
    m_showAcknowledged = new QCheckBox(tr("Show acknowledged"), this);
    m_showSuperseded = new QCheckBox(tr("Show superseded (0)"), this);
    m_showSuperseded->setObjectName(QStringLiteral("showSuperseded"));
    m_showSuperseded->setToolTip(tr("Interrupted operations after which a later run of the same operation, with the "
                                    "same parameters, finished"));
    m_acknowledge = new QToolButton(this);
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeButton"));
    m_acknowledge->setPopupMode(QToolButton::MenuButtonPopup);
    m_acknowledge->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *more = new QMenu(m_acknowledge);
    more->addAction(tr("Acknowledge with a comment…"), this, &NotificationsPane::acknowledgeWithComment)
        ->setObjectName(QStringLiteral("acknowledgeWithComment"));
    more->addAction(tr("Acknowledge everything older than…"), this, &NotificationsPane::acknowledgeOlder)
        ->setObjectName(QStringLiteral("acknowledgeOlder"));
    m_acknowledge->setMenu(more);
    m_show = new QPushButton(tr("Show in log"), this);
    m_restart = new QPushButton(tr("Restart…"), this);
    m_restart->setObjectName(QStringLiteral("restartButton"));

    auto *box = new QWidget(this);
    auto *toggles = new QHBoxLayout;
    toggles->addWidget(m_showAcknowledged);
    toggles->addWidget(m_showSuperseded);
    toggles->addStretch(1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_acknowledge);
    buttons->addStretch(1);
    buttons->addWidget(m_show);
    buttons->addWidget(m_restart);
    auto *rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->addLayout(toggles);
    rows->addLayout(buttons);

    connect(m_showAcknowledged, &QCheckBox::toggled, m_model, &NotificationsModel::setShowAcknowledged);
    connect(m_showSuperseded, &QCheckBox::toggled, m_model, &NotificationsModel::setShowSuperseded);
    connect(m_acknowledge, &QToolButton::clicked, this, &NotificationsPane::acknowledgeSelected);
    connect(m_show, &QPushButton::clicked, this, [this] {
        if (currentOperation() != NotificationsModel::kNoOperation)
            Q_EMIT showInLog(currentOperation());
    });
    connect(m_restart, &QPushButton::clicked, this, [this] {
        if (selectedOperations().size() > 1)
            Q_EMIT restartSelectedRequested();
        else if (currentOperation() != NotificationsModel::kNoOperation)
            Q_EMIT restartRequested(currentOperation());
    });
    return box;
}

void NotificationsPane::connectModel()
{
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (const uint32_t op = m_model->operationAt(index); op != NotificationsModel::kNoOperation)
            Q_EMIT showInLog(op);
    });
    const auto trackFolding = [this](const QModelIndex &group, bool collapsed) {
        const QString key = group.data(NotificationsModel::GroupKeyRole).toString();
        collapsed ? (void)m_collapsed.insert(key) : (void)m_collapsed.remove(key);
    };
    connect(m_view, &QTreeView::collapsed, this, [trackFolding](const QModelIndex &i) { trackFolding(i, true); });
    connect(m_view, &QTreeView::expanded, this, [trackFolding](const QModelIndex &i) { trackFolding(i, false); });
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, &NotificationsPane::rememberState);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        restoreState();
        m_showSuperseded->setText(tr("Show superseded (%1)").arg(m_model->supersededCount()));
        updateBanners();
        updateButtons();
        Q_EMIT countChanged(m_model->unacknowledgedCount());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &NotificationsPane::updateButtons);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        updateButtons();
        if (const uint32_t op = m_model->operationAt(current); op != NotificationsModel::kNoOperation)
            Q_EMIT operationSelected(op);
    });
}

bool NotificationsPane::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize
        && static_cast<QResizeEvent *>(event)->oldSize().width() != m_view->viewport()->width())
        m_view->doItemsLayout();
    return QWidget::eventFilter(watched, event);
}

void NotificationsPane::rememberState()
{
    m_keptSelection = m_model->keysOf(selectedOperations());
    m_keptCurrent = m_model->keysOf({currentOperation()});
    m_keptGroups.clear();
    for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes())
        if (m_model->isGroup(index))
            m_keptGroups.insert(index.data(NotificationsModel::GroupKeyRole).toString());
}

// Groups open unless the admin folded them; the same notifications selected as before the model changed.
void NotificationsPane::restoreState()
{
    QItemSelectionModel *selection = m_view->selectionModel();
    const QSignalBlocker quiet(selection); // restoring is not the admin choosing another operation
    QItemSelection kept;
    for (int g = 0; g < m_model->rowCount(); ++g) {
        const QModelIndex group = m_model->index(g, 0);
        const QString key = group.data(NotificationsModel::GroupKeyRole).toString();
        m_view->setExpanded(group, !m_collapsed.contains(key));
        if (m_keptGroups.contains(key))
            kept.select(group, group);
    }
    for (uint32_t op : m_model->operationsOf(m_keptSelection))
        if (const QModelIndex index = m_model->indexOf(op); index.isValid())
            kept.select(index, index);
    selection->select(kept, QItemSelectionModel::Select);
    const std::vector<uint32_t> current = m_model->operationsOf(m_keptCurrent);
    if (const QModelIndex index = current.empty() ? QModelIndex() : m_model->indexOf(current.front()); index.isValid())
        selection->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    m_view->viewport()->update();
}

void NotificationsPane::refresh(std::shared_ptr<const DatasetSummary> summary)
{
    m_model->refresh(std::move(summary));
}

void NotificationsPane::refresh(std::shared_ptr<const Dataset> data, int64_t now)
{
    m_model->refresh(summarize(std::move(data), now, nullptr));
}

void NotificationsPane::selectOperation(uint32_t op)
{
    if (currentOperation() == op && op != NotificationsModel::kNoOperation)
        return;
    const QModelIndex index = m_model->indexOf(op);
    if (index.isValid()) {
        m_view->expand(index.parent());
        // This one alone, whatever keys are held (the view's setCurrentIndex() adds to the selection with Ctrl).
        m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index);
        return;
    }
    m_view->selectionModel()->clearCurrentIndex(); // another operation is current: nothing here acts on a stale one
    m_view->clearSelection();
    updateButtons();
}

uint32_t NotificationsPane::currentOperation() const
{
    return m_model->operationAt(m_view->currentIndex());
}

std::vector<uint32_t> NotificationsPane::selectedOperations() const
{
    return m_model->operationsOf(m_view->selectionModel()->selectedIndexes());
}

void NotificationsPane::acknowledgeSelected()
{
    std::vector<uint32_t> ops = selectedOperations();
    if (ops.empty() && currentOperation() != NotificationsModel::kNoOperation)
        ops = {currentOperation()};
    if (ops.empty()) { // nothing chosen: offer what needs no choice
        m_acknowledge->showMenu();
        return;
    }
    const bool allAcknowledged = std::all_of(ops.begin(), ops.end(), [this](uint32_t op) { return m_model->isAcknowledged(op); });
    if (allAcknowledged) {
        apply(ops, false);
        return;
    }
    // One click for one local notification (a comment is in the menu); an agent's is seen by every console: asked.
    if (ops.size() == 1 && m_model->sharedKeysOf(ops).isEmpty()) {
        apply(ops, true);
        return;
    }
    acknowledgeAfterDialog(ops);
}

void NotificationsPane::apply(const std::vector<uint32_t> &ops, bool acknowledged, const QString &comment)
{
    const QList<NotificationsModel::Key> shared = m_model->sharedKeysOf(ops);
    m_model->acknowledge(ops, acknowledged, comment);
    if (!shared.isEmpty())
        Q_EMIT sharedAcknowledgementRequested(shared, acknowledged, comment);
}

void NotificationsPane::acknowledgeWithComment()
{
    std::vector<uint32_t> ops = selectedOperations();
    if (ops.empty() && currentOperation() != NotificationsModel::kNoOperation)
        ops = {currentOperation()};
    if (!ops.empty())
        acknowledgeAfterDialog(ops);
}

void NotificationsPane::acknowledgeAfterDialog(const std::vector<uint32_t> &ops)
{
    const QList<NotificationsModel::Key> chosen = m_model->keysOf(ops);
    AcknowledgeDialog dialog(int(ops.size()), this);
    dialog.setShared(m_model->sharedKeysOf(ops).size());
    if (dialog.exec() == QDialog::Accepted)
        apply(m_model->operationsOf(chosen), true, dialog.comment());
}

// The time is what the admin chose; which notifications began before it is decided when they confirm.
void NotificationsPane::acknowledgeOlder()
{
    AcknowledgeDialog dialog([this](int64_t before) { return int(m_model->unacknowledgedBefore(before).size()); }, this);
    if (dialog.exec() == QDialog::Accepted)
        apply(m_model->unacknowledgedBefore(dialog.before()), true, dialog.comment());
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
    m_warning->setVisible(m_model->notificationCount() > 0);
    m_allClear->setVisible(m_model->notificationCount() == 0);
    m_allClear->setText(m_health.allClear());
}

void NotificationsPane::setRestartAllowed(Restarter *restarter)
{
    m_restarter = restarter;
    updateButtons();
}

void NotificationsPane::updateButtons()
{
    const uint32_t op = currentOperation();
    const bool current = op != NotificationsModel::kNoOperation;
    m_show->setEnabled(current);
    std::vector<uint32_t> ops = selectedOperations();
    if (ops.size() > 1) { // each is checked in the plan, which says why not for those that cannot be
        m_restart->setText(tr("Restart %1…").arg(ops.size()));
        m_restart->setEnabled(m_restarter != nullptr);
        m_restart->setToolTip(tr("Plan their restart: each is checked, and you confirm, before anything runs. Ctrl+R"));
    } else {
        const QString why = !m_restarter ? tr("Restart is not available") : !current ? tr("Select a notification")
                                                                                     : m_restarter->refusal(op);
        m_restart->setText(tr("Restart…"));
        m_restart->setEnabled(why.isEmpty());
        m_restart->setToolTip(why.isEmpty() ? tr("Run it again, after checking why it was interrupted") : why);
    }
    if (ops.empty() && current)
        ops = {op};
    const bool allAcknowledged = !ops.empty() && std::all_of(ops.begin(), ops.end(), [this](uint32_t o) {
        return m_model->isAcknowledged(o);
    });
    m_acknowledge->setEnabled(!ops.empty() || m_model->notificationCount() > 0);
    const bool shared = !m_model->sharedKeysOf(ops).isEmpty();
    m_acknowledge->setText(allAcknowledged ? tr("Unacknowledge") : ops.size() > 1 ? tr("Acknowledge %1…").arg(ops.size())
                                                       : shared ? tr("Acknowledge…") : tr("Acknowledge"));
    m_acknowledge->setToolTip(shared ? tr("Mark as seen on the agent: it leaves this list in every console that follows "
                                          "that agent, which shows who and when. Ctrl+K")
                                     : tr("Mark as seen: it leaves this list (kept across launches). Ctrl+K"));
}

} // namespace oplens::ui
