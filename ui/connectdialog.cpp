#include "connectdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace oplens::ui {

ConnectDialog::ConnectDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Connect to an agent"));
    m_url = new QLineEdit(QStringLiteral("agent+https://"), this);
    m_url->setPlaceholderText(QStringLiteral("agent+https://mail1.example.com:8443"));
    m_log = new QLineEdit(QStringLiteral("main"), this);
    m_token = new QLineEdit(this);
    m_token->setEchoMode(QLineEdit::Password); // kept in memory for this session only
    m_ca = new QLineEdit(this);
    m_ca->setPlaceholderText(tr("only for a private CA"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("CA certificate"), {}, tr("PEM (*.pem *.crt);;All files (*)"));
        if (!path.isEmpty())
            m_ca->setText(path);
    });
    auto *ca = new QHBoxLayout;
    ca->addWidget(m_ca, 1);
    ca->addWidget(browse);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Agent URL"), m_url);
    form->addRow(tr("Oplog id"), m_log);
    form->addRow(tr("Token"), m_token);
    form->addRow(tr("CA file"), ca);
    auto *note = new QLabel(tr("The token is kept in memory only. Certificates are always verified."), this);
    note->setWordWrap(true);
    form->addRow(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    resize(520, sizeHint().height());
}

std::optional<AgentEndpoint> ConnectDialog::endpoint(QString *error) const
{
    auto agent = AgentEndpoint::fromUrl(m_url->text(), error);
    if (!agent)
        return std::nullopt;
    if (m_token->text().trimmed().isEmpty()) {
        *error = tr("The agent needs a token.");
        return std::nullopt;
    }
    agent->token = m_token->text().trimmed().toUtf8();
    agent->caFile = m_ca->text().trimmed();
    if (!m_log->text().trimmed().isEmpty())
        agent->log = m_log->text().trimmed();
    return agent;
}

} // namespace oplens::ui
