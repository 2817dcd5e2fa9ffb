// A workspace: the set of sources an admin watches (local files, files on web servers or over SSH, agents), with the filter and
// the console's columns, saved as a JSON file. Never a secret: only where oplensctl may read one (tokenFile,
// passwordFile); the console keeps secrets in the desktop keychain or asks for them.
#pragma once

#include "remotespec.h"
#include "viewfilter.h"

#include <QJsonObject>
#include <QList>
#include <optional>

namespace oplens {

struct WorkspaceSource {
    QString location;   // an absolute path, or a URL (http(s)://, agent+http(s)://host:port#LOG, ssh://[user@]host/path)
    RemoteSpec::Auth auth = RemoteSpec::Auth::None;
    QString user;       // Basic
    QString caFile;
    QString tokenFile, passwordFile; // for oplensctl: where to read the secret
    QString sshConfig;  // ssh://: the ssh_config given to ssh (-F); empty: --ssh-config, else the user's own
    bool follow = true;
    bool paused = false;
    bool assumeInterrupted = false;

    bool isRemote() const { return RemoteSpec::isRemote(location); }
    // The remote spec without its secret; nullopt with `error` for a location that is not a valid URL.
    std::optional<RemoteSpec> remoteSpec(QString *error) const;
};

struct Workspace {
    QList<WorkspaceSource> sources;
    ViewFilter filter;
    QJsonObject console; // the console's own state (filter bar, table columns), kept as it wrote it
};

// Relative paths in the file are taken from the workspace's folder. Errors name the source and the key.
std::optional<Workspace> readWorkspace(const QString &path, QString *error);
bool writeWorkspace(const QString &path, const Workspace &workspace, QString *error);

} // namespace oplens
