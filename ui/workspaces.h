// Remote sources and workspaces in the console: File > Connect…, Open/Save Workspace, Recent Workspaces. Secrets come
// from the keychain, a workspace's token or password file, or the admin (asked again); they are never written by us
// anywhere but the keychain.
#pragma once

#include "session.h"
#include "workspace.h"

#include <QObject>

class QMenu;
class QWidget;

namespace oplens::ui {

class FilterBar;
class TablePane;

class Workspaces : public QObject
{
    Q_OBJECT
public:
    Workspaces(Session *session, FilterBar *filterBar, TablePane *operations, TablePane *events, QWidget *window);

    void addActions(QMenu *file);        // Connect…, Open Workspace…, Recent Workspaces, Save Workspace As…
    void connectDialog();
    // Opens a remote source; one that needs a secret not given gets it from the keychain, `source`'s file, or the admin.
    void openRemote(RemoteSpec spec, const WorkspaceSource &source = {});
    bool openWorkspace(const QString &path);  // replaces the open sources; false (and a message) when unreadable
    bool saveWorkspace(const QString &path);
    QString currentPath() const { return m_path; }

Q_SIGNALS:
    void message(const QString &text);

private:
    Workspace current() const;
    void askForSecret(const RemoteSpec &spec, const QString &why);
    void remember(const QString &path);
    void fillRecentMenu();

    Session *m_session;
    FilterBar *m_filterBar;
    TablePane *m_operations, *m_events;
    QWidget *m_window;
    QMenu *m_recentMenu = nullptr;
    QString m_path;
    QHash<QString, WorkspaceSource> m_opened; // by source name: keeps a workspace's token and password files
};

} // namespace oplens::ui
