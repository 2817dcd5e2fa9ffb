// The Connect dialog's SSH kind: host, user, port, path and an optional ssh_config, made into an ssh:// URL with QUrl
// (a path with spaces, # or ? stays the file's), and back from a spec or an ssh:// URL typed into the URL field.
#include "connectdialog.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace oplens::ui {

namespace {
constexpr int kSshKind = 2; // connectdialog.cpp's SshKind

// What the admin typed as the path: /abs/path as it is; ~/x and a relative x from the login directory (RemoteSpec's /~/x).
QString urlPath(const QString &typed)
{
    if (typed.startsWith(QLatin1Char('/')))
        return typed;
    return QStringLiteral("/~/") + (typed.startsWith(QLatin1String("~/")) ? typed.mid(2) : typed);
}
} // namespace

void ConnectDialog::addSshRows(QFormLayout *form)
{
    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("sshHost"));
    m_host->setPlaceholderText(tr("mail1.example.com, or a Host of your ssh configuration"));
    m_sshUser = new QLineEdit(this);
    m_sshUser->setObjectName(QStringLiteral("sshUser"));
    m_sshUser->setPlaceholderText(tr("as in your ssh configuration"));
    m_port = new QLineEdit(this);
    m_port->setObjectName(QStringLiteral("sshPort"));
    m_port->setValidator(new QIntValidator(1, 65535, m_port));
    m_port->setPlaceholderText(tr("as in your ssh configuration (22)"));
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("sshPath"));
    m_path->setPlaceholderText(tr("/opt/zextras/log/oplog.jsonl, or ~/oplog.jsonl"));
    m_sshConfig = new QLineEdit(this);
    m_sshConfig->setObjectName(QStringLiteral("sshConfig"));
    m_sshConfig->setPlaceholderText(tr("ssh's own (~/.ssh/config)"));
    m_sshConfig->setToolTip(tr("Given to ssh as -F: its hosts, users, keys and known_hosts instead of ~/.ssh/config"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("SSH configuration"), m_sshConfig->text());
        if (!path.isEmpty())
            m_sshConfig->setText(path);
    });
    m_sshConfigRow = new QWidget(this); // a widget, as the CA file's row
    auto *config = new QHBoxLayout(m_sshConfigRow);
    config->setContentsMargins(0, 0, 0, 0);
    config->addWidget(m_sshConfig, 1);
    config->addWidget(browse);
    form->addRow(tr("Host"), m_host);
    form->addRow(tr("User"), m_sshUser);
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("Path"), m_path);
    form->addRow(tr("SSH config"), m_sshConfigRow);
}

void ConnectDialog::setDefaultSshConfig(const QString &path)
{
    if (m_sshConfig->text().isEmpty())
        m_sshConfig->setText(path);
}

void ConnectDialog::setSshFields(const RemoteSpec &spec)
{
    m_kind->setCurrentIndex(kSshKind);
    m_host->setText(spec.url.host());
    m_sshUser->setText(spec.url.userName());
    m_port->setText(spec.url.port() > 0 ? QString::number(spec.url.port()) : QString());
    m_path->setText(spec.sshPath());
    if (!spec.sshConfig.isEmpty())
        m_sshConfig->setText(spec.sshConfig);
}

std::optional<RemoteSpec> ConnectDialog::sshSpec(QString *error) const
{
    QString host = m_host->text().trimmed(), user = m_sshUser->text().trimmed();
    if (const qsizetype at = host.lastIndexOf(QLatin1Char('@')); at >= 0 && user.isEmpty()) { // "admin@mail1" typed as the host
        user = host.left(at);
        host = host.mid(at + 1);
    }
    const QString path = m_path->text().trimmed();
    if (host.isEmpty() || path.isEmpty()) {
        *error = host.isEmpty() ? tr("Give the server's host.") : tr("Give the oplog's path on the server.");
        return std::nullopt;
    }
    QUrl url;
    url.setScheme(QStringLiteral("ssh"));
    url.setUserName(user);
    url.setHost(host);
    if (!m_port->text().trimmed().isEmpty())
        url.setPort(m_port->text().trimmed().toInt());
    url.setPath(urlPath(path), QUrl::DecodedMode);
    if (!url.isValid()) {
        *error = tr("\"%1\" is not a host name or address.").arg(host);
        return std::nullopt;
    }
    auto spec = RemoteSpec::fromUrl(url.toString(QUrl::FullyEncoded), error);
    if (spec)
        spec->sshConfig = m_sshConfig->text().trimmed();
    return spec;
}

bool ConnectDialog::takeSshUrl()
{
    const QString text = m_url->text().trimmed();
    if (m_kind->currentIndex() == kSshKind || !text.startsWith(QLatin1String("ssh://"), Qt::CaseInsensitive))
        return false;
    QString error;
    const auto spec = RemoteSpec::fromUrl(text, &error);
    if (!spec)
        return false; // spec() says why when it is asked for

    m_url->clear(); // the agent or web server kind, chosen again, starts from its own prefix
    setSshFields(*spec);
    m_host->setFocus();
    return true;
}

} // namespace oplens::ui
