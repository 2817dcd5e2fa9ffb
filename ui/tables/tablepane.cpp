#include "tablepane.h"

#include "celltext.h"
#include "eventsmodel.h"
#include "operationsmodel.h"
#include "restarter.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QRegularExpression>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace oplens::ui {

TablePane::TablePane(Session *session, ViewKind kind, QWidget *parent)
    : QWidget(parent), m_session(session), m_query(new ViewQuery(session, kind, this)), m_view(new QTableView(this))
{
    if (kind == ViewKind::Operations)
        m_model = new OperationsModel(this);
    else
        m_model = new EventsModel(this);
    setUpView(kind);
    setUpHeader(kind);

    createEmptyNote();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_empty);
    layout->addWidget(m_view);

    QHeaderView *header = m_view->horizontalHeader();
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this](int column, Qt::SortOrder order) {
        m_query->setSort(column, order == Qt::DescendingOrder);
    });
    connect(header, &QHeaderView::customContextMenuRequested, this, &TablePane::showColumnMenu);
    connect(m_query, &ViewQuery::ready, this, &TablePane::showResult);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (m_applying)
            return; // rows moving under the selection: showResult() puts it back on the same operation
        m_selected = current.isValid() ? current.data(ResultModel::OperationRole).toUInt() : kNone;
        rememberSelection();
        Q_EMIT operationSelected(m_selected);
    });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT operationActivated(index.data(ResultModel::OperationRole).toUInt());
    });
    connect(m_view, &QTableView::customContextMenuRequested, this, &TablePane::showRowMenu);
}

// "No operation matches", the filter in words and a Clear filter button, over a table the filter emptied.
void TablePane::createEmptyNote()
{
    m_empty = new QWidget(this);
    m_empty->setObjectName(QStringLiteral("emptyResult"));
    m_emptyText = new QLabel(m_empty);
    m_emptyText->setObjectName(QStringLiteral("emptyResultText"));
    m_emptyText->setWordWrap(true);
    m_emptyText->setTextFormat(Qt::PlainText);
    auto *clear = new QPushButton(tr("Clear filter"), m_empty);
    clear->setObjectName(QStringLiteral("clearFilter"));
    connect(clear, &QPushButton::clicked, this, &TablePane::clearFilterRequested);
    auto *layout = new QHBoxLayout(m_empty);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_emptyText, 1);
    layout->addWidget(clear);
    m_empty->hide();
}

void TablePane::updateEmptyNote()
{
    const bool empty = m_model->rowCount() == 0 && m_model->total() > 0;
    if (empty)
        m_emptyText->setText(tr("%1 — filter: %2.")
                                 .arg(isOperations() ? tr("No operation matches") : tr("No event matches"),
                                      m_query->filter().describe()));
    m_empty->setVisible(empty);
}

void TablePane::setUpView(ViewKind kind)
{
    m_view->setModel(m_model);
    m_view->setObjectName(kind == ViewKind::Operations ? QStringLiteral("operationsTable") : QStringLiteral("eventsTable"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection); // several, to restart them at once
    m_view->setSortingEnabled(false); // sorting runs in the query's worker, started from the header
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // no per-row measuring on big views
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->verticalHeader()->hide();
}

// Movable columns with a menu to show or hide them, sorted from a click, with widths for their usual content.
void TablePane::setUpHeader(ViewKind kind)
{
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionsMovable(true);
    header->setSortIndicatorShown(true);
    header->setSectionsClickable(true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setStretchLastSection(true);
    // Qt's meaning: the indicator's order is the query's (QHeaderView draws descending as an upward arrow).
    header->setSortIndicator(m_query->sortColumn(), m_query->sortDescending() ? Qt::DescendingOrder : Qt::AscendingOrder);
    QList<int> widths = kind == ViewKind::Operations
        ? QList<int>{175, 140, 140, 90, 140, 110, 190, 140, 70, 270, 170, 60, 360}
        : QList<int>{140, 90, 140, 110, 190, 270, 140, 360, 170};
    if (kind == ViewKind::Events) // the longest type of docs/oplog.md, whole, in any font
        widths[int(EventColumn::Type)] = std::max(widths[int(EventColumn::Type)],
                                                  m_view->fontMetrics().horizontalAdvance(QStringLiteral("ServiceStarted")) + 24);
    for (int i = 0; i < widths.size(); ++i)
        header->resizeSection(i, widths[i]);
    if (kind == ViewKind::Operations) { // least needed at first: shown from the header's menu
        header->hideSection(int(OperationColumn::Events));
        header->hideSection(int(OperationColumn::Parameters));
    }
}

void TablePane::showColumnMenu(const QPoint &pos)
{
    QHeaderView *header = m_view->horizontalHeader();
    QMenu menu(this);
    for (int i = 0; i < header->count(); ++i) {
        QAction *action = menu.addAction(model()->headerData(i, Qt::Horizontal, Qt::DisplayRole).toString());
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(i));
        connect(action, &QAction::toggled, header, [this, header, i](bool on) {
            header->setSectionHidden(i, !on);
            m_parametersRevealed = false; // the admin's choice from now on
        });
    }
    menu.exec(header->mapToGlobal(pos));
}

namespace {
// Which filter a column's value can go to; empty: none (times, durations, hosts are not filtered by value).
QString filterField(bool operations, int column)
{
    if (operations) {
        switch (OperationColumn(column)) {
        case OperationColumn::Status: return QStringLiteral("status");
        case OperationColumn::Module: return QStringLiteral("module");
        case OperationColumn::Name: return QStringLiteral("name");
        case OperationColumn::RequestedBy:
        case OperationColumn::OperationId:
        case OperationColumn::Parameters: return QStringLiteral("text");
        default: return {};
        }
    }
    switch (EventColumn(column)) {
    case EventColumn::Module: return QStringLiteral("module");
    case EventColumn::Name: return QStringLiteral("name");
    case EventColumn::RequestedBy:
    case EventColumn::OperationId:
    case EventColumn::Parameters: return QStringLiteral("text");
    default: return {};
    }
}
} // namespace

void TablePane::showRowMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    QMenu menu(this);
    fillRowMenu(menu, index);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

// Everything is read now: exec() runs an event loop in which a new result (a followed file grew) resets the model.
void TablePane::fillRowMenu(QMenu &menu, const QModelIndex &index)
{
    const int idColumn = isOperations() ? int(OperationColumn::OperationId) : int(EventColumn::OperationId);
    const QString id = index.siblingAtColumn(idColumn).data().toString();
    const uint32_t op = index.data(ResultModel::OperationRole).toUInt();
    QStringList cells;
    for (int c = 0; c < model()->columnCount(); ++c)
        cells << index.siblingAtColumn(c).data().toString();
    menu.addAction(tr("Copy operation id"), this, [id] { QApplication::clipboard()->setText(id); });
    menu.addAction(tr("Copy row"), this, [cells] { QApplication::clipboard()->setText(cells.join(QLatin1Char('\t'))); });
    menu.addSeparator();
    const QString field = filterField(isOperations(), index.column());
    const Dataset *data = m_model->dataset();
    // The whole value (the table shows only the start of parameters); a status by its name, without "(stale)".
    QString value = isOperations() ? operationCell(*data, op, OperationColumn(index.column()), m_model->now(), false)
                                   : eventCell(*data, index.data(ResultModel::RowRole).toUInt(), EventColumn(index.column()), false);
    if (field == QLatin1String("status"))
        value = statusName(data->operation(op).status);
    QAction *filter = menu.addAction(tr("&Filter by this value"), this, [this, field, value] { Q_EMIT filterRequested(field, value); });
    filter->setObjectName(QStringLiteral("filterByValue"));
    filter->setEnabled(!field.isEmpty() && !value.isEmpty());
    if (isOperations()) {
        QAction *events = menu.addAction(tr("Show &events of this operation"), this, [this, op, id] { Q_EMIT eventsRequested(op, id); });
        events->setObjectName(QStringLiteral("showEvents"));
    }
    const std::vector<uint32_t> selected = selectedOperations();
    if (m_restarter && selected.size() > 1 && std::binary_search(selected.begin(), selected.end(), op)) {
        menu.addSeparator(); // each is checked in the plan, which says why not for those that cannot be
        menu.addAction(tr("Restart %1…").arg(selected.size()), this, &TablePane::restartSelectedRequested)
            ->setObjectName(QStringLiteral("restartSelected"));
    } else if (m_restarter) {
        const QString why = m_restarter->refusal(op);
        menu.addSeparator();
        QAction *restart = menu.addAction(tr("Restart…"), this, [this, op] { Q_EMIT restartRequested(op); });
        restart->setEnabled(why.isEmpty());
        restart->setToolTip(why);
        menu.setToolTipsVisible(true);
    }
}

QAbstractTableModel *TablePane::model() const
{
    return m_model;
}

bool TablePane::isOperations() const
{
    return m_query->kind() == ViewKind::Operations;
}

size_t TablePane::shown() const
{
    return size_t(model()->rowCount());
}

size_t TablePane::total() const
{
    return m_model->total();
}

uint32_t TablePane::currentOperation() const
{
    return m_selected;
}

std::vector<uint32_t> TablePane::selectedOperations() const
{
    std::vector<uint32_t> ops;
    for (const QModelIndex &row : m_view->selectionModel()->selectedRows())
        if (const uint32_t op = row.data(ResultModel::OperationRole).toUInt(); op != kNone)
            ops.push_back(op);
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    return ops;
}

bool TablePane::shows(uint32_t op) const
{
    return m_model->rowOfOperation(op) >= 0;
}

std::shared_ptr<const Dataset> TablePane::resultData() const
{
    return m_model->sharedDataset();
}

const std::vector<uint32_t> &TablePane::resultRows() const
{
    return m_model->rows();
}

int64_t TablePane::resultNow() const
{
    return m_model->now();
}

QList<int> TablePane::visibleColumns() const
{
    const QHeaderView *header = m_view->horizontalHeader();
    QList<int> columns;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns << logical;
    }
    return columns;
}

QString TablePane::sortText() const
{
    const QString column = model()->headerData(m_query->sortColumn(), Qt::Horizontal, Qt::DisplayRole).toString();
    return m_query->sortDescending() ? tr("%1, descending").arg(column) : tr("%1, ascending").arg(column);
}

void TablePane::selectOperation(uint32_t op)
{
    const int row = m_model->rowOfOperation(op);
    if (row < 0) { // not shown here: no row may stay highlighted as if it were the current operation
        const QSignalBlocker quiet(m_view->selectionModel());
        m_view->selectionModel()->clearCurrentIndex();
        m_view->clearSelection();
        m_selected = op;
        rememberSelection();
        return;
    }
    const QModelIndex index = model()->index(row, 0);
    // This one alone, whatever keys are held: the view's own setCurrentIndex() would add to the selection with Ctrl.
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

// The selection is an operation, kept by (source, operation id) across a new dataset; an update in place keeps the
// first row on screen where it was unless the view is at its top (where new rows are to be seen).
void TablePane::showResult(const ViewQuery::Result &result)
{
    const bool newData = result.data != m_model->sharedDataset();
    uint32_t keep = m_selected;
    if (newData && result.data && m_selectedSlot != kNoSlot)
        keep = result.data->findOperation(m_selectedSlot, m_selectedId);
    const QPersistentModelIndex top = m_view->verticalScrollBar()->value() > 0 ? m_view->indexAt(QPoint(0, 0)) : QModelIndex();
    const auto topKey = operationKey(top.isValid() ? top.data(ResultModel::OperationRole).toUInt() : kNone);
    m_applying = true;
    const bool inPlace = m_model->setResult(result);
    m_applying = false;
    m_selected = keep;
    updateEmptyNote();
    revealMatchingParameters(result);
    const QModelIndex current = m_view->currentIndex(); // after an update in place, usually still on it: no search
    const bool stillOn = keep != kNone && current.isValid() && current.data(ResultModel::OperationRole).toUInt() == keep;
    const int row = stillOn ? current.row() : keep != kNone ? m_model->rowOfOperation(keep) : -1;
    const QSignalBlocker block(m_view->selectionModel());
    if (row >= 0 && m_view->currentIndex().row() != row)
        m_view->selectionModel()->setCurrentIndex(model()->index(row, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (row < 0 && m_view->currentIndex().isValid()) { // not shown (filtered out, or gone): nothing highlighted
        m_view->clearSelection();
        m_view->selectionModel()->clearCurrentIndex();
    }
    if (inPlace && top.isValid()) // rows inserted above it move it down: the admin keeps reading the same rows
        m_view->scrollTo(top, QAbstractItemView::PositionAtTop);
    else if (!inPlace && !topKey.second.empty() && result.data) // read again: back to the same operation at the top
        if (const int at = m_model->rowOfOperation(result.data->findOperation(topKey.first, topKey.second)); at >= 0)
            m_view->scrollTo(model()->index(at, 0), QAbstractItemView::PositionAtTop);
    Q_EMIT resultShown();
}

std::pair<uint16_t, std::string> TablePane::operationKey(uint32_t op) const
{
    const Dataset *data = m_model->dataset();
    if (op == kNone || !data || !data->exists(op))
        return {};
    return {data->source(op), data->events().ids().text(op)};
}

void TablePane::rememberSelection()
{
    const Dataset *data = m_model->dataset();
    if (m_selected == kNone || !data || !data->exists(m_selected)) {
        m_selectedSlot = kNoSlot;
        m_selectedId.clear();
        return;
    }
    m_selectedSlot = data->source(m_selected);
    m_selectedId = data->events().ids().text(m_selected);
}

void TablePane::revealMatchingParameters(const ViewQuery::Result &result)
{
    if (!isOperations() || !result.data)
        return;
    QHeaderView *header = m_view->horizontalHeader();
    const int column = int(OperationColumn::Parameters);
    const ViewFilter &filter = m_query->filter();
    bool matches = false;
    if (!filter.text.isEmpty() && (m_parametersRevealed || header->isSectionHidden(column))) {
        const QRegularExpression pattern(filter.regex ? filter.text : QRegularExpression::escape(filter.text),
                                         QRegularExpression::CaseInsensitiveOption);
        const EventStore &s = result.data->events();
        const size_t looked = std::min<size_t>(result.rows.size(), 200); // the first screens are what the admin sees
        for (size_t i = 0; i < looked && !matches; ++i) {
            const std::string_view text = s.parameters(result.data->operation(result.rows[i]).firstRow); // as the column shows
            matches = pattern.match(QString::fromUtf8(text.data(), qsizetype(text.size()))).hasMatch();
        }
    }
    if (matches && header->isSectionHidden(column)) {
        header->showSection(column);
        m_parametersRevealed = true;
    } else if (!matches && m_parametersRevealed) {
        header->hideSection(column);
        m_parametersRevealed = false;
    }
}

QString TablePane::settingsKey() const
{
    return isOperations() ? QStringLiteral("operations/header") : QStringLiteral("events/header");
}

void TablePane::saveState(QSettings &settings) const
{
    settings.setValue(settingsKey(), m_view->horizontalHeader()->saveState());
}

void TablePane::restoreState(const QSettings &settings)
{
    setHeaderState(settings.value(settingsKey()).toByteArray());
}

QByteArray TablePane::headerState() const
{
    return m_view->horizontalHeader()->saveState();
}

void TablePane::setHeaderState(const QByteArray &state)
{
    if (!state.isEmpty() && m_view->horizontalHeader()->restoreState(state)) {
        const QHeaderView *header = m_view->horizontalHeader();
        m_query->setSort(header->sortIndicatorSection(), header->sortIndicatorOrder() == Qt::DescendingOrder);
    }
}

} // namespace oplens::ui
