#include "recentmenu.h"

#include <QFileInfo>
#include <QSettings>

namespace oplens::ui {

namespace {
constexpr int kMaxRecent = 10;
}

RecentMenu::RecentMenu(const QString &title, const QString &settingsKey, std::function<void(const QString &)> open,
                       QWidget *parent)
    : QMenu(title, parent), m_key(settingsKey), m_open(std::move(open))
{
    connect(this, &QMenu::aboutToShow, this, &RecentMenu::fill);
}

void RecentMenu::add(const QStringList &paths)
{
    QSettings settings;
    QStringList recent = settings.value(m_key).toStringList();
    for (const QString &p : paths) {
        const QString path = QFileInfo(p).absoluteFilePath();
        recent.removeAll(path);
        recent.prepend(path);
    }
    settings.setValue(m_key, recent.mid(0, kMaxRecent));
}

void RecentMenu::fill()
{
    clear();
    const QStringList recent = QSettings().value(m_key).toStringList();
    for (const QString &path : recent)
        addAction(path, this, [this, path] { m_open(path); });
    if (recent.isEmpty()) {
        addAction(tr("(none yet)"))->setEnabled(false);
        return;
    }
    addSeparator();
    addAction(tr("Clear the list"), this, [this] { QSettings().remove(m_key); });
}

} // namespace oplens::ui
