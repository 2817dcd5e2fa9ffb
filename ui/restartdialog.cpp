#include "restartdialog.h"

#include "runner.h"
#include "statusstyle.h"
#include "timedisplay.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>

namespace oplens::ui {

QString duplicateText(const Dataset &data, uint32_t duplicate, int64_t now)
{
    const Operation &o = data.operation(duplicate);
    return RestartDialog::tr("a %1 with the same parameters is %2 (started %3)")
        .arg(data.events().string(data.name(duplicate)),
             o.status == Status::Queued ? RestartDialog::tr("queued") : RestartDialog::tr("running"),
             TimeDisplay::ago(now - (o.startedAt == kNoTime ? o.endedAt : o.startedAt)));
}

RestartDialog::RestartDialog(const Dataset &data, uint32_t op, const QString &via, QWidget *parent) : QDialog(parent)
{
    const EventStore &s = data.events();
    const Operation &o = data.operation(op);
    setWindowTitle(tr("Restart %1 %2").arg(s.string(data.module(op)), s.string(data.name(op))));
    auto *form = m_form = new QFormLayout;
    auto *status = new QLabel(QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                                  .arg(statusColor(o.status).name(), statusName(o.status)));
    form->addRow(tr("Operation"), new QLabel(QStringLiteral("%1 %2").arg(s.string(data.module(op)), s.string(data.name(op)))));
    form->addRow(tr("Id"), new QLabel(s.ids().qtext(op)));
    if (data.host(op) != kNone)
        form->addRow(tr("Server"), new QLabel(s.string(data.host(op))));
    form->addRow(tr("Status"), status);
    form->addRow(tr("Started"), new QLabel(TimeDisplay::instance().format(o.startedAt)));
    if (o.status == Status::Interrupted)
        form->addRow(tr("Why interrupted"), new QLabel(data.interruptionReason(op, TimeDisplay::instance().utc())));
    else if (const auto error = s.otherString(o.statusRow, "error"))
        form->addRow(tr("Error"), new QLabel(QString::fromStdString(*error)));
    auto *parameters = new QPlainTextEdit;
    parameters->setReadOnly(true);
    const auto json = nlohmann::json::parse(s.parameters(o.latestRow).empty() ? std::string_view("{}") : s.parameters(o.latestRow), nullptr, false);
    parameters->setPlainText(QString::fromStdString(json.is_discarded() ? std::string(s.parameters(o.latestRow)) : json.dump(2)));
    parameters->setMaximumHeight(110);
    form->addRow(tr("Parameters"), parameters);
    form->addRow(tr("Runs through"), new QLabel(via));

    auto *warning = new QLabel(tr("<b>Check why the service restarted or crashed first</b> (its logs, disk space, memory). "
                                  "A new operation runs with the same module, name and parameters; this one stays as it is."));
    styleAsWarning(warning);
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("restartReason"));
    m_reason->setPlaceholderText(tr("Required: why it is safe to run again (recorded with the restart)"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Restart"));
    m_ok->setEnabled(false);
    connect(m_reason, &QLineEdit::textChanged, this, [this](const QString &text) { m_ok->setEnabled(!text.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(warning);
    layout->addWidget(new QLabel(tr("Reason")));
    layout->addWidget(m_reason);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
    m_reason->setFocus(); // the one thing the admin must type
}

void RestartDialog::setPlan(const QString &plan)
{
    if (plan.isEmpty())
        return;
    if (auto *shown = findChild<QLabel *>(QStringLiteral("restartPlan"))) { // the agent's answer after "Asking…"
        shown->setText(plan);
        return;
    }
    auto *label = new QLabel(plan);
    label->setObjectName(QStringLiteral("restartPlan"));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(tr("Will run"), label);
}

QString RestartDialog::reason() const
{
    return m_reason->text().trimmed();
}

} // namespace oplens::ui
