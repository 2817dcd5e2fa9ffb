// One row per event of a ViewQuery's result.
#pragma once

#include "viewquery.h"

#include <QAbstractTableModel>

namespace oplens::ui {

class EventsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { OperationRole = Qt::UserRole + 1, RowRole };

    explicit EventsModel(QObject *parent = nullptr);
    void setResult(const ViewQuery::Result &result);
    const Dataset *dataset() const { return m_data.get(); }
    std::shared_ptr<const Dataset> sharedDataset() const { return m_data; }
    const std::vector<uint32_t> &rows() const { return m_rows; } // event rows, in view order
    int64_t now() const { return m_now; }
    size_t total() const { return m_total; }
    int rowOfOperation(uint32_t op) const; // its latest event shown, or -1

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const Dataset> m_data;
    std::vector<uint32_t> m_rows;
    size_t m_total = 0;
    int64_t m_now = 0;
};

} // namespace oplens::ui
