#include "connectdialog.h"

#include "trustprompt.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {
enum Kind { AgentKind, FileKind, SshKind };
enum Auth { NoAuth, TokenAuth, BasicAuth };

bool isSshUrl(const QString &text) { return text.trimmed().startsWith(QLatin1String("ssh://"), Qt::CaseInsensitive); }

// A row's widgets shown or hidden: a row of hidden widgets takes no room.
void showRow(QFormLayout *form, QWidget *field, bool on)
{
    if (QWidget *label = form->labelForField(field))
        label->setVisible(on);
    field->setVisible(on);
}
} // namespace

ConnectDialog::ConnectDialog(QWidget *parent) : QDialog(parent), m_network(new QNetworkAccessManager(this))
{
    setWindowTitle(tr("Connect to a remote oplog"));
    m_kind = new QComboBox(this);
    m_kind->addItems({tr("OpLens agent (read and restart)"), tr("Oplog file on a web server (read only)"),
                      tr("Oplog file over SSH (read only)")});
    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("url"));
    m_log = new QLineEdit(QStringLiteral("main"), this);
    m_auth = new QComboBox(this);
    m_auth->addItems({tr("None"), tr("Bearer token"), tr("User and password (HTTP Basic)")});
    m_user = new QLineEdit(this);
    m_secret = new QLineEdit(this);
    m_secret->setEchoMode(QLineEdit::Password);
    m_ca = new QLineEdit(this);
    m_ca->setPlaceholderText(tr("only for a private CA"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("CA certificate"), {}, tr("PEM (*.pem *.crt);;All files (*)"));
        if (!path.isEmpty())
            m_ca->setText(path);
    });
    m_caRow = new QWidget(this); // shown and hidden as one
    auto *ca = new QHBoxLayout(m_caRow);
    ca->setContentsMargins(0, 0, 0, 0);
    ca->addWidget(m_ca, 1);
    ca->addWidget(browse);
    m_remember = new QCheckBox(tr("Remember the secret in the desktop keychain"), this);
    m_remember->setChecked(true);
    m_remember->setToolTip(tr("Without a keychain nothing is stored: the console asks again next time."));
    m_test = new QPushButton(tr("&Test"), this);
    m_trust = new QPushButton(tr("Trust This Certificate…"), this);
    m_trust->hide();
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setObjectName(QStringLiteral("testResult"));
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_trust);
    testRow->addStretch(1);

    auto *form = m_form = new QFormLayout; // without the wrapped texts below: Qt 6.4 gave rows no height beside them
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("URL"), m_url);
    addSshRows(form);
    form->addRow(tr("Oplog id"), m_log);
    form->addRow(tr("Authentication"), m_auth);
    form->addRow(tr("User"), m_user);
    m_secretLabel = new QLabel(tr("Token"), this);
    form->addRow(m_secretLabel, m_secret);
    form->addRow(tr("CA file"), m_caRow);
    form->addRow(QString(), m_remember);
    layout->addLayout(testRow);
    layout->addWidget(m_result);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setEnabled(false);
    layout->addWidget(m_note);
    layout->addStretch(1); // a taller dialog keeps the rows together
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ConnectDialog::kindChanged);
    connect(m_auth, &QComboBox::currentIndexChanged, this, &ConnectDialog::authChanged);
    connect(m_test, &QPushButton::clicked, this, &ConnectDialog::test);
    connect(m_trust, &QPushButton::clicked, this, &ConnectDialog::trust);
    for (QLineEdit *edit : {m_url, m_log, m_user, m_secret, m_ca, m_host, m_sshUser, m_port, m_path, m_sshConfig})
        connect(edit, &QLineEdit::textEdited, this, [this] { m_result->clear(); m_trust->hide(); });
    connect(m_url, &QLineEdit::editingFinished, this, &ConnectDialog::takeSshUrl);
    kindChanged();
    resize(560, sizeHint().height());
}

void ConnectDialog::kindChanged()
{
    const bool agent = m_kind->currentIndex() == AgentKind, ssh = m_kind->currentIndex() == SshKind;
    m_url->setPlaceholderText(agent ? QStringLiteral("agent+https://mail1.example.com:8443")
                                    : QStringLiteral("https://mail1.example.com/oplogs/zextras.jsonl"));
    if (m_url->text().isEmpty() || m_url->text() == QLatin1String("agent+https://") || m_url->text() == QLatin1String("https://"))
        m_url->setText(agent ? QStringLiteral("agent+https://") : QStringLiteral("https://"));
    showRow(m_form, m_url, !ssh);
    showRow(m_form, m_caRow, !ssh);
    for (QLineEdit *row : {m_host, m_sshUser, m_port, m_path})
        showRow(m_form, row, ssh);
    showRow(m_form, m_sshConfigRow, ssh);
    showRow(m_form, m_log, agent);
    showRow(m_form, m_auth, !agent && !ssh); // an agent always takes a bearer token; ssh, its own keys
    if (agent)
        m_auth->setCurrentIndex(TokenAuth);
    m_note->setText(ssh ? tr("ssh logs in with its own keys (ssh-agent, IdentityFile) and checks the server's host key "
                             "in known_hosts: OpLens asks for no password and never adds a host key.")
                        : tr("Certificates are always verified. Secrets are kept in memory, and in the keychain only "
                             "when asked."));
    authChanged();
    fitHeight();
}

// Never shorter than the rows shown: a form squeezed below its size gives some of them no height at all.
void ConnectDialog::fitHeight()
{
    m_form->invalidate();
    const int wanted = std::max(sizeHint().height(), hasHeightForWidth() ? heightForWidth(width()) : 0);
    if (height() < wanted)
        resize(width(), wanted);
}

void ConnectDialog::authChanged()
{
    const int auth = m_kind->currentIndex() == SshKind ? NoAuth : m_auth->currentIndex();
    showRow(m_form, m_user, auth == BasicAuth);
    showRow(m_form, m_secret, auth != NoAuth);
    showRow(m_form, m_remember, auth != NoAuth);
    m_secretLabel->setText(auth == BasicAuth ? tr("Password") : tr("Token"));
}

void ConnectDialog::setSpec(const RemoteSpec &spec)
{
    if (spec.kind == RemoteSpec::Kind::Ssh) {
        setSshFields(spec);
        return;
    }
    m_kind->setCurrentIndex(spec.kind == RemoteSpec::Kind::Agent ? AgentKind : FileKind);
    m_url->setText(spec.kind == RemoteSpec::Kind::Agent ? QStringLiteral("agent+") + spec.url.toString() : spec.url.toString());
    m_log->setText(spec.log);
    m_auth->setCurrentIndex(spec.auth == RemoteSpec::Auth::Basic ? BasicAuth : spec.auth == RemoteSpec::Auth::Bearer ? TokenAuth : NoAuth);
    m_user->setText(spec.user);
    m_secret->setText(QString::fromUtf8(spec.secret));
    m_ca->setText(spec.caFile);
    if (spec.needsSecret() && spec.secret.isEmpty())
        m_secret->setFocus();
}

std::optional<RemoteSpec> ConnectDialog::spec(QString *error) const
{
    if (m_kind->currentIndex() == SshKind)
        return sshSpec(error);
    const bool agent = m_kind->currentIndex() == AgentKind;
    QString url = m_url->text().trimmed();
    if (isSshUrl(url)) { // Test and Connect switch a valid one to the SSH kind first (takeSshUrl): say what is wrong
        if (RemoteSpec::fromUrl(url, error))
            *error = tr("An ssh:// URL names a file over SSH: choose that kind.");
        return std::nullopt;
    }
    if (agent && !url.startsWith(QLatin1String("agent+")))
        url.prepend(QStringLiteral("agent+"));
    if (!agent && url.startsWith(QLatin1String("agent+"))) {
        *error = tr("An agent+ URL names an agent: choose the agent kind.");
        return std::nullopt;
    }
    if (agent && !m_log->text().trimmed().isEmpty())
        url = QUrl(url).adjusted(QUrl::RemoveFragment).toString() + QLatin1Char('#') + m_log->text().trimmed();
    auto spec = RemoteSpec::fromUrl(url, error);
    if (!spec)
        return std::nullopt;
    if (!agent) {
        const int auth = m_auth->currentIndex();
        spec->auth = auth == BasicAuth ? RemoteSpec::Auth::Basic : auth == TokenAuth ? RemoteSpec::Auth::Bearer : RemoteSpec::Auth::None;
        if (auth == BasicAuth) {
            spec->user = m_user->text().trimmed().isEmpty() ? spec->user : m_user->text().trimmed();
            if (spec->user.isEmpty()) {
                *error = tr("HTTP Basic needs a user.");
                return std::nullopt;
            }
        }
    }
    spec->secret = m_secret->text().trimmed().toUtf8();
    if (spec->needsSecret() && spec->secret.isEmpty()) {
        *error = spec->auth == RemoteSpec::Auth::Basic ? tr("Give the password.") : tr("Give the token.");
        return std::nullopt;
    }
    spec->caFile = m_ca->text().trimmed();
    if (const QString why = spec->checkTransport(); !why.isEmpty()) {
        *error = why;
        return std::nullopt;
    }
    return spec;
}

bool ConnectDialog::rememberSecret() const { return m_remember->isChecked() && !m_remember->isHidden(); } // isHidden: the dialog is closed by now

QString ConnectDialog::testResult() const { return m_result->text(); }

QPushButton *ConnectDialog::addActionButton(const QString &text)
{
    return m_buttons->addButton(text, QDialogButtonBox::ActionRole);
}

void ConnectDialog::showResult(const QString &text, bool ok)
{
    m_result->setText(text);
    m_result->setStyleSheet(ok ? QStringLiteral("color: #1b5e20;") : QStringLiteral("color: #b00020;"));
}

void ConnectDialog::accept()
{
    takeSshUrl();
    QString error;
    if (!spec(&error)) {
        showResult(error, false);
        return;
    }
    QDialog::accept();
}

void ConnectDialog::test()
{
    takeSshUrl();
    QString error;
    const auto wanted = spec(&error);
    m_trust->hide();
    m_certificate = {};
    if (!wanted) {
        showResult(error, false);
        return;
    }
    m_result->setStyleSheet({});
    m_result->setText(tr("Testing %1…").arg(wanted->name()));
    m_test->setEnabled(false);
    const int probe = ++m_probe;
    probeRemote(*wanted, m_network, this, [this, probe](const ProbeResult &r) {
        if (probe != m_probe)
            return;
        m_test->setEnabled(true);
        m_certificate = r.certificate;
        QString text = r.message;
        if (!r.certificate.isNull())
            text += QLatin1Char('\n') + r.certificate.details();
        showResult(text, r.ok);
        m_trust->setVisible(!r.certificate.isNull());
        fitHeight(); // room for the certificate's details or ssh's words
    });
}

void ConnectDialog::trust()
{
    if (confirmTrust(m_certificate, this))
        test();
}

} // namespace oplens::ui
