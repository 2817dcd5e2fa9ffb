// One row per event of a ViewQuery's result.
#pragma once

#include "resultmodel.h"

namespace oplens::ui {

class EventsModel : public ResultModel
{
    Q_OBJECT
public:
    explicit EventsModel(QObject *parent = nullptr);
    int rowOfOperation(uint32_t op) const override;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};

} // namespace oplens::ui
