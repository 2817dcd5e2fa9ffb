// Acknowledging many notifications at once, with one comment: a selection or group, or everything older than a time.
#pragma once

#include <QDialog>
#include <functional>

class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace oplens::ui {

class AcknowledgeDialog : public QDialog
{
    Q_OBJECT
public:
    // For a selection of `count` notifications.
    AcknowledgeDialog(int count, QWidget *parent);
    // For every notification that began before a time the admin picks; `countBefore` says how many that is.
    AcknowledgeDialog(std::function<int(int64_t)> countBefore, QWidget *parent);

    // `count` of them are agent sources': their acknowledgement is shared with every console of those agents.
    void setShared(int count);
    QString comment() const;
    int64_t before() const; // epoch ms; only for the second form
    QLineEdit *commentField() const { return m_comment; }
    QDateTimeEdit *beforeField() const { return m_before; }

private:
    void build(QLayout *top);
    void updateCount();

    std::function<int(int64_t)> m_countBefore;
    QLineEdit *m_comment = nullptr;
    QDateTimeEdit *m_before = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_shared = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace oplens::ui
