// Asks before a restart: what will run again, why it counts as interrupted, what to check first, and why now.
#pragma once

#include "dataset.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace oplens::ui {

class RestartDialog : public QDialog
{
    Q_OBJECT
public:
    RestartDialog(const Dataset &data, uint32_t op, const QString &via, QWidget *parent = nullptr);
    QString reason() const;
    QLineEdit *reasonField() const { return m_reason; }

private:
    QLineEdit *m_reason;
    QPushButton *m_ok;
};

} // namespace oplens::ui
