// A File menu's list of recent paths (files, workspaces), kept in the settings under one key, newest first.
#pragma once

#include <QMenu>
#include <functional>

namespace oplens::ui {

class RecentMenu : public QMenu
{
    Q_OBJECT
public:
    // `open` runs when the admin picks a path.
    RecentMenu(const QString &title, const QString &settingsKey, std::function<void(const QString &)> open,
               QWidget *parent = nullptr);
    void add(const QStringList &paths);

private:
    void fill();

    QString m_key;
    std::function<void(const QString &)> m_open;
};

} // namespace oplens::ui
