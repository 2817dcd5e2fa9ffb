// Asks before a restart: what will run again, why it counts as interrupted, what to check first, and why now.
#pragma once

#include "dataset.h"

#include <QDialog>

class QFormLayout;
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
    // "Will run": the command a restart starts (Restarter::plan()); nothing shown when empty.
    void setPlan(const QString &plan);

private:
    QFormLayout *m_form;
    QLineEdit *m_reason;
    QPushButton *m_ok;
};

// "a SmartScan with the same parameters is running (started 10 min ago)".
QString duplicateText(const Dataset &data, uint32_t duplicate, int64_t now);

} // namespace oplens::ui
