// File > Connect…: a remote source, either an OpLens agent, an oplog file on any web server (with its credentials and
// CA file) or an oplog file read over SSH (host, user, port, path and an optional ssh_config; keys stay with ssh). Test
// says what goes wrong before connecting; a certificate that does not verify can be trusted for that one server after
// its details are shown.
#pragma once

#include "remoteprobe.h"
#include "remotespec.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;

namespace oplens::ui {

class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    // Prefills the form, e.g. to ask again for the secret of a workspace's source.
    void setSpec(const RemoteSpec &spec);
    // The source asked for, with its secret, or nullopt with `error` set.
    std::optional<RemoteSpec> spec(QString *error) const;
    bool rememberSecret() const;
    // The ssh_config an SSH source uses when the admin names none (the command line's --ssh-config): shown in its field.
    void setDefaultSshConfig(const QString &path);
    QString testResult() const;

    // A button beside Connect and Cancel that only does what the caller connects it to (e.g. "Skip All" when
    // several sources wait for their secrets).
    QPushButton *addActionButton(const QString &text);

    QPushButton *testButton() const { return m_test; }
    QPushButton *trustButton() const { return m_trust; }

    void accept() override;

private:
    void kindChanged();
    void authChanged();
    void test();
    void trust();
    // connectdialogssh.cpp: the SSH kind's rows, filled from and read into a spec.
    void addSshRows(QFormLayout *form);
    void setSshFields(const RemoteSpec &spec);
    std::optional<RemoteSpec> sshSpec(QString *error) const;
    bool takeSshUrl(); // an ssh:// URL typed or pasted into the URL field: the SSH kind, its fields filled
    void showResult(const QString &text, bool ok);
    void fitHeight();

    QFormLayout *m_form;
    QComboBox *m_kind, *m_auth;
    QLineEdit *m_url, *m_log, *m_user, *m_secret, *m_ca;
    QLineEdit *m_host, *m_sshUser, *m_port, *m_path, *m_sshConfig;
    QLabel *m_secretLabel, *m_result, *m_note;
    QWidget *m_caRow, *m_sshConfigRow; // a line edit and its Browse… button
    QCheckBox *m_remember;
    QPushButton *m_test, *m_trust;
    QDialogButtonBox *m_buttons;
    QNetworkAccessManager *m_network;
    CertificateProblem m_certificate;
    int m_probe = 0; // the latest probe; older answers are dropped
};

} // namespace oplens::ui
