#include "acknowledgedialog.h"

#include "timedisplay.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace oplens::ui {

AcknowledgeDialog::AcknowledgeDialog(int count, QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("acknowledgeDialog"));
    const QString notifications = count == 1 ? tr("1 notification") : tr("%1 notifications").arg(count);
    setWindowTitle(tr("Acknowledge %1").arg(notifications));
    auto *top = new QVBoxLayout;
    m_count = new QLabel(tr("%1 will leave the list (kept across launches).").arg(notifications), this);
    top->addWidget(m_count);
    build(top);
}

AcknowledgeDialog::AcknowledgeDialog(std::function<int(int64_t)> countBefore, QWidget *parent)
    : QDialog(parent), m_countBefore(std::move(countBefore))
{
    setObjectName(QStringLiteral("acknowledgeOlderDialog"));
    setWindowTitle(tr("Acknowledge older notifications"));
    auto *form = new QFormLayout;
    auto *presets = new QComboBox(this);
    const QList<QPair<QString, int>> ages{{tr("1 day"), 1}, {tr("7 days"), 7}, {tr("30 days"), 30}, {tr("90 days"), 90}};
    for (const auto &[text, days] : ages)
        presets->addItem(text, days);
    presets->addItem(tr("the time below"), 0); // chosen by hand
    presets->setCurrentIndex(1);
    m_before = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-7), this);
    m_before->setObjectName(QStringLiteral("acknowledgeBefore"));
    m_before->setCalendarPopup(true);
    m_before->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    if (TimeDisplay::instance().utc())
        m_before->setTimeSpec(Qt::UTC);
    form->addRow(tr("Older than:"), presets);
    form->addRow(tr("Began before:"), m_before);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("acknowledgeCount"));
    auto *top = new QVBoxLayout;
    top->addLayout(form);
    top->addWidget(m_count);
    build(top);
    connect(presets, &QComboBox::activated, this, [this, presets] {
        if (const int days = presets->currentData().toInt(); days > 0) {
            const QSignalBlocker quiet(presets);
            m_before->setDateTime(QDateTime::currentDateTime().addDays(-days));
            presets->setCurrentIndex(presets->findData(days)); // the time's own change made it "the time below"
        }
    });
    connect(m_before, &QDateTimeEdit::dateTimeChanged, this, [this, presets] {
        if (!presets->signalsBlocked())
            presets->setCurrentIndex(presets->count() - 1); // a time of the admin's own
        updateCount();
    });
    updateCount();
}

void AcknowledgeDialog::build(QLayout *top)
{
    m_comment = new QLineEdit(this);
    m_comment->setObjectName(QStringLiteral("acknowledgeComment"));
    m_comment->setPlaceholderText(tr("Why, for whoever looks next (optional): \"disk full, fixed\""));
    m_comment->setMaxLength(500);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_buttons->addButton(tr("Acknowledge"), QDialogButtonBox::AcceptRole);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    m_shared = new QLabel(this);
    m_shared->setObjectName(QStringLiteral("acknowledgeShared"));
    m_shared->setWordWrap(true);
    m_shared->hide();
    layout->addWidget(m_shared);
    layout->addWidget(new QLabel(tr("Comment:"), this));
    layout->addWidget(m_comment);
    layout->addWidget(m_buttons);
    m_comment->setFocus();
    setMinimumWidth(420);
}

void AcknowledgeDialog::updateCount()
{
    const int count = m_countBefore ? m_countBefore(before()) : 0;
    m_count->setText(count == 0   ? tr("No unacknowledged notification began before that.")
                     : count == 1 ? tr("1 notification began before that and will leave the list.")
                                  : tr("%1 notifications began before that and will leave the list.").arg(count));
    for (QAbstractButton *b : m_buttons->buttons())
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(count > 0);
}

void AcknowledgeDialog::setShared(int count)
{
    m_shared->setText(count == 1 ? tr("It is an agent's: every console that follows that agent will see who acknowledged "
                                      "it, when, and the comment.")
                                 : tr("%1 of them are agents': every console that follows those agents will see who "
                                      "acknowledged them, when, and the comment.").arg(count));
    m_shared->setVisible(count > 0);
}

QString AcknowledgeDialog::comment() const
{
    return m_comment->text().trimmed();
}

int64_t AcknowledgeDialog::before() const
{
    return m_before ? m_before->dateTime().toMSecsSinceEpoch() : 0;
}

} // namespace oplens::ui
