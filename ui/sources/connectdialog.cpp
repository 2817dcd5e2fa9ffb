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

namespace oplens::ui {

namespace {
enum Kind { AgentKind, FileKind };
enum Auth { NoAuth, TokenAuth, BasicAuth };
} // namespace

ConnectDialog::ConnectDialog(QWidget *parent) : QDialog(parent), m_network(new QNetworkAccessManager(this))
{
    setWindowTitle(tr("Connect to a remote oplog"));
    m_kind = new QComboBox(this);
    m_kind->addItems({tr("OpLens agent (read and restart)"), tr("Oplog file on a web server (read only)")});
    m_url = new QLineEdit(this);
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
    auto *ca = new QHBoxLayout;
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

    auto *form = new QFormLayout(this);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("URL"), m_url);
    m_logLabel = new QLabel(tr("Oplog id"), this);
    form->addRow(m_logLabel, m_log);
    m_authLabel = new QLabel(tr("Authentication"), this);
    form->addRow(m_authLabel, m_auth);
    m_userLabel = new QLabel(tr("User"), this);
    form->addRow(m_userLabel, m_user);
    m_secretLabel = new QLabel(tr("Token"), this);
    form->addRow(m_secretLabel, m_secret);
    form->addRow(tr("CA file"), ca);
    form->addRow(QString(), m_remember);
    form->addRow(testRow);
    form->addRow(m_result);
    auto *note = new QLabel(tr("Certificates are always verified. Secrets are kept in memory, and in the keychain "
                               "only when asked."), this);
    note->setWordWrap(true);
    note->setEnabled(false);
    form->addRow(note);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(m_buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ConnectDialog::kindChanged);
    connect(m_auth, &QComboBox::currentIndexChanged, this, &ConnectDialog::authChanged);
    connect(m_test, &QPushButton::clicked, this, &ConnectDialog::test);
    connect(m_trust, &QPushButton::clicked, this, &ConnectDialog::trust);
    for (QLineEdit *edit : {m_url, m_log, m_user, m_secret, m_ca})
        connect(edit, &QLineEdit::textEdited, this, [this] { m_result->clear(); m_trust->hide(); });
    kindChanged();
    resize(560, sizeHint().height());
}

void ConnectDialog::kindChanged()
{
    const bool agent = m_kind->currentIndex() == AgentKind;
    m_url->setPlaceholderText(agent ? QStringLiteral("agent+https://mail1.example.com:8443")
                                    : QStringLiteral("https://mail1.example.com/oplogs/zextras.jsonl"));
    if (m_url->text().isEmpty() || m_url->text() == QLatin1String("agent+https://") || m_url->text() == QLatin1String("https://"))
        m_url->setText(agent ? QStringLiteral("agent+https://") : QStringLiteral("https://"));
    m_logLabel->setVisible(agent);
    m_log->setVisible(agent);
    m_authLabel->setVisible(!agent); // an agent always takes a bearer token
    m_auth->setVisible(!agent);
    if (agent)
        m_auth->setCurrentIndex(TokenAuth);
    authChanged();
}

void ConnectDialog::authChanged()
{
    const int auth = m_auth->currentIndex();
    m_userLabel->setVisible(auth == BasicAuth);
    m_user->setVisible(auth == BasicAuth);
    m_secretLabel->setVisible(auth != NoAuth);
    m_secret->setVisible(auth != NoAuth);
    m_remember->setVisible(auth != NoAuth);
    m_secretLabel->setText(auth == BasicAuth ? tr("Password") : tr("Token"));
}

void ConnectDialog::setSpec(const RemoteSpec &spec)
{
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
    const bool agent = m_kind->currentIndex() == AgentKind;
    QString url = m_url->text().trimmed();
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

void ConnectDialog::accept()
{
    QString error;
    if (!spec(&error)) {
        m_result->setText(error);
        m_result->setStyleSheet(QStringLiteral("color: #b00020;"));
        return;
    }
    QDialog::accept();
}

void ConnectDialog::test()
{
    QString error;
    const auto wanted = spec(&error);
    m_trust->hide();
    m_certificate = {};
    if (!wanted) {
        m_result->setText(error);
        m_result->setStyleSheet(QStringLiteral("color: #b00020;"));
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
        m_result->setText(text);
        m_result->setStyleSheet(r.ok ? QStringLiteral("color: #1b5e20;") : QStringLiteral("color: #b00020;"));
        m_trust->setVisible(!r.certificate.isNull());
        resize(width(), std::max(height(), sizeHint().height())); // room for the certificate's details
    });
}

void ConnectDialog::trust()
{
    if (confirmTrust(m_certificate, this))
        test();
}

} // namespace oplens::ui
