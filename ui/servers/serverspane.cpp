#include "serverspane.h"

#include <QHeaderView>
#include <QLocale>
#include <QLoggingCategory>
#include <QTreeView>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcServers, "oplens.servers")

namespace oplens::ui {

namespace {
// A count that is not zero can be clicked: it shows those operations.
bool clickable(const ServersModel *model, const QModelIndex &index)
{
    return model->filterFor(index).has_value() && index.data(ServersModel::CountRole).toUInt() > 0;
}
} // namespace

ServersPane::ServersPane(Session *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_model(new ServersModel(session, this))
{
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("serversView"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setMouseTracking(true); // the hand over a count says it can be clicked
    m_view->setTextElideMode(Qt::ElideMiddle);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setMinimumSectionSize(36);
    header->resizeSection(ServersModel::Server, 230);
    // A count column fits its header and six digits: a year of a busy server.
    const int digits = header->fontMetrics().horizontalAdvance(QLocale().toString(888888));
    for (int c = ServersModel::Interrupted; c <= ServersModel::Open; ++c)
        header->resizeSection(c, std::max(digits, header->fontMetrics().horizontalAdvance(m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString())) + 14);
    header->resizeSection(ServersModel::LastGood, header->fontMetrics().horizontalAdvance(tr("1000 days ago")) + 14);
    header->resizeSection(ServersModel::ServiceStart, 115);
    header->resizeSection(ServersModel::Lag, 50);
    header->resizeSection(ServersModel::State, 170);
    // What needs the admin first: the urgent counts, open notifications, last good runs and whether the server was
    // read; the calm counts after them, where a narrow dock scrolls.
    const int order[] = {ServersModel::Server, ServersModel::Interrupted, ServersModel::Failed, ServersModel::Stale,
                         ServersModel::Open, ServersModel::LastGood, ServersModel::State, ServersModel::Lag,
                         ServersModel::ServiceStart, ServersModel::Running, ServersModel::Queued, ServersModel::Aborted,
                         ServersModel::Finished};
    for (int i = 0; i < ServersModel::ColumnCount; ++i)
        header->moveSection(header->visualIndex(order[i]), i);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_view);

    connect(m_view, &QTreeView::clicked, this, &ServersPane::cellClicked);
    connect(m_view, &QTreeView::entered, this, [this](const QModelIndex &index) {
        m_view->viewport()->setCursor(clickable(m_model, index) ? Qt::PointingHandCursor : Qt::ArrowCursor);
    });
    // New servers start folded open: their module and name rows are the "last good" news.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        for (int r = 0; r < m_model->rowCount(); ++r)
            m_view->setExpanded(m_model->index(r, 0), m_model->rowCount(m_model->index(r, 0)) <= 12);
    });
    connect(m_session, &Session::sourcesChanged, this, &ServersPane::refreshIfShown);
    connect(m_session, &Session::dataReset, this, &ServersPane::refreshIfShown);
    connect(m_session, &Session::summaryChanged, this, &ServersPane::refreshIfShown); // one per change, coalesced
    connect(m_model, &ServersModel::countTaken, this, [this](double ms) {
        m_lastCountMs = ms;
        qCDebug(lcServers, "counted %d servers in %.1f ms (in a worker)", m_model->rowCount(), ms);
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, m_model, &ServersModel::tick);
    m_clock.start();
    refresh();
}

void ServersPane::refreshIfShown()
{
    if (!isVisible()) { // counted when it is shown: a scan of every operation is not for a hidden tab
        m_stale = true;
        return;
    }
    refresh();
}

void ServersPane::refresh()
{
    m_stale = false;
    m_model->refresh();
}

void ServersPane::cellClicked(const QModelIndex &index)
{
    if (!clickable(m_model, index))
        return;
    const QModelIndex server = index.parent().isValid() ? index.parent() : index;
    if (const auto filter = m_model->filterFor(index))
        Q_EMIT filterRequested(*filter, m_model->index(server.row(), ServersModel::Server).data().toString());
}

void ServersPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

} // namespace oplens::ui
