// Remote sources and workspaces in the console: File > Connect…, Open/Save Workspace, Recent Workspaces. Secrets come
// from the keychain, the command line, or the admin (asked again); they are never written anywhere but the keychain.
// A workspace's tokenFile and passwordFile are oplensctl's: a workspace someone sent must not make the console read
// a local file and send it to a server of theirs.
#pragma once

#include "credentials.h"
#include "session.h"
#include "workspace.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

class QMenu;
class QPushButton;
class QWidget;

namespace oplens::ui {

class ConnectDialog;
class FilterBar;
class TablePane;

class Workspaces : public QObject
{
    Q_OBJECT
public:
    Workspaces(Session *session, FilterBar *filterBar, TablePane *operations, TablePane *events, QWidget *window);

    void addActions(QMenu *file);        // Connect…, Open Workspace…, Recent Workspaces, Save Workspace As…
    void connectDialog();
    // Opens a remote source with `source`'s follow, pause and crash-snapshot settings. One that needs a secret not
    // given gets it from the command line (sources it named only), the keychain, or the admin when interactive; else
    // it fails and says why. An ssh:// source needs none: it gets the command line's --ssh-config when it names no
    // ssh_config of its own, wherever it comes from.
    void openRemote(const RemoteSpec &given, const WorkspaceSource &source = {});
    // Batch modes (--notifications, --screenshot): no dialog ever; a missing secret fails the source.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    // The command line's secrets, for the sources opened until endCommandLine(): its own and its --workspace's.
    // Which secret goes to which source is credentials.h's rule.
    void setCommandLineCredentials(const CommandLineCredentials &credentials);
    void endCommandLine() { m_fromCommandLine = false; }
    bool openWorkspace(const QString &path);  // replaces the open sources; false (and a message) when unreadable
    bool saveWorkspace(const QString &path);
    QString currentPath() const { return m_path; }

Q_SIGNALS:
    void message(const QString &text);

private:
    Workspace current() const;
    static void rememberChosenSshConfig(const QString &config);
    void supplySecret(const QString &source);
    QByteArray commandLineSecret(const RemoteSpec &spec) const;
    void askForSecret(const RemoteSpec &spec, const QString &why);
    void askNextSecret();
    void secretAnswered(ConnectDialog *dialog, const RemoteSpec &spec, bool accepted);
    void updateSkipAllButton();
    bool waitsForSecret(const RemoteSpec &spec) const;
    void noSecret(const RemoteSpec &spec, const QString &why);

    Session *m_session;
    FilterBar *m_filterBar;
    TablePane *m_operations, *m_events;
    QWidget *m_window;
    class RecentMenu *m_recentMenu = nullptr;
    QString m_path;
    bool m_interactive = true;
    bool m_fromCommandLine = false;
    CommandLineCredentials m_credentials;
    QSet<QString> m_commandLineSources; // the sources the command line named: they may have its secrets
    QHash<QString, WorkspaceSource> m_opened; // by source name: keeps a workspace's token and password files
    // Sources waiting for the admin to give their secret, asked one at a time: never a dialog over another.
    QList<RemoteSpec> m_secretQueue;
    QPointer<ConnectDialog> m_secretDialog; // the one asking now
    RemoteSpec m_askingFor;                  // whose secret it asks for
    QPointer<QPushButton> m_skipAllButton;   // in it: gives up on it and on the queue
    bool m_skipAll = false;
    QTimer m_askLater; // while another modal dialog is up
};

} // namespace oplens::ui
