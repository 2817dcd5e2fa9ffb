// What the Operations and Events tables share: one ViewQuery result (dataset, rows in view order, total, clock).
#pragma once

#include "viewquery.h"

#include <QAbstractTableModel>

namespace oplens::ui {

class ResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { OperationRole = Qt::UserRole + 1, RowRole };

    explicit ResultModel(QObject *parent = nullptr);
    // Takes a query's result: an update of the rows shown is applied as row removals, insertions and changes (the
    // view keeps its selection and scroll position); anything else resets. True when it was applied in place.
    bool setResult(const ViewQuery::Result &result);
    const Dataset *dataset() const { return m_data.get(); }
    std::shared_ptr<const Dataset> sharedDataset() const { return m_data; }
    const std::vector<uint32_t> &rows() const { return m_rows; } // operations or event rows, in view order
    int64_t now() const { return m_now; }
    size_t total() const { return m_total; }
    // The first row that shows operation `op`, or -1.
    virtual int rowOfOperation(uint32_t op) const = 0;

    int rowCount(const QModelIndex &parent = {}) const override;

protected:
    std::shared_ptr<const Dataset> m_data;
    std::vector<uint32_t> m_rows;
    size_t m_total = 0;
    int64_t m_now = 0;
};

} // namespace oplens::ui
