// A table of operations or events: its model, its query (filter and sort in a worker) and its view.
#pragma once

#include "viewquery.h"

#include <QWidget>

class QAbstractTableModel;
class QLabel;
class QMenu;
class QModelIndex;
class QSettings;
class QTableView;

namespace oplens::ui {

class ResultModel;

class TablePane : public QWidget
{
    Q_OBJECT
public:
    TablePane(Session *session, ViewKind kind, QWidget *parent = nullptr);

    ViewQuery *query() const { return m_query; }
    QTableView *view() const { return m_view; }
    QAbstractTableModel *model() const;
    size_t shown() const;
    size_t total() const;
    uint32_t currentOperation() const; // kNone when nothing is selected (kept while a filter hides it)
    // The operations of the selected rows (of resultData()), each once; Details shows the current one.
    std::vector<uint32_t> selectedOperations() const;
    bool shows(uint32_t op) const;     // one of its rows is `op` (or an event of it)
    // The result shown, for export: its dataset, its rows in view order, its clock; the columns shown, in view order.
    std::shared_ptr<const Dataset> resultData() const;
    const std::vector<uint32_t> &resultRows() const;
    int64_t resultNow() const;
    QList<int> visibleColumns() const;
    QString sortText() const; // "Started, newest first"
    void selectOperation(uint32_t op);
    void setRestarter(class Restarter *restarter) { m_restarter = restarter; }
    void saveState(QSettings &settings) const;
    void restoreState(const QSettings &settings);
    QByteArray headerState() const; // columns: order, widths, hidden, sort
    // The context menu of the cell at `index`: copy, filter by its value, the operation's events, Restart….
    void fillRowMenu(QMenu &menu, const QModelIndex &index);
    void setHeaderState(const QByteArray &state);

Q_SIGNALS:
    void operationSelected(uint32_t op);
    void operationActivated(uint32_t op);
    void restartRequested(uint32_t op);
    void restartSelectedRequested(); // Restart N… on one of several selected rows
    void resultShown();
    void clearFilterRequested(); // the Clear filter button over an empty result
    // Filter by a cell's value: `field` is "module", "name", "status" or "text" (FilterBar::filterBy).
    void filterRequested(const QString &field, const QString &value);
    void eventsRequested(uint32_t op, const QString &operationId);

private:
    void setUpView(ViewKind kind);
    void setUpHeader(ViewKind kind);
    void showColumnMenu(const QPoint &pos);
    void showRowMenu(const QPoint &pos);
    void showResult(const ViewQuery::Result &result);
    void createEmptyNote();
    void updateEmptyNote();
    // Shows the Parameters column while the search text is found inside the shown rows' parameters.
    void revealMatchingParameters(const ViewQuery::Result &result);
    QString settingsKey() const;
    bool isOperations() const;

    Session *m_session;
    ViewQuery *m_query;
    QTableView *m_view;
    ResultModel *m_model;
    QWidget *m_empty = nullptr;     // over the table when the filter hides every row
    QLabel *m_emptyText = nullptr;
    void rememberSelection();
    // (source, operation id) of `op` in the data shown: what names it in a dataset read again. Empty id for none.
    std::pair<uint16_t, std::string> operationKey(uint32_t op) const;

    static constexpr uint32_t kNoSlot = 0xFFFFFFFFu;
    uint32_t m_selected = 0xFFFFFFFFu;
    // The same as (source, operation id): what still names it in a dataset read again.
    uint32_t m_selectedSlot = kNoSlot;
    std::string m_selectedId;
    bool m_applying = false; // a result is being taken: the view's own current-row moves are not the admin's
    bool m_parametersRevealed = false; // shown by the search, not by the admin: hidden again when it no longer matches
    class Restarter *m_restarter = nullptr;
};

} // namespace oplens::ui
