// The main window's layout, tab, time display, columns and filter, kept across launches.
#include "mainwindow.h"

#include "filterbar.h"
#include "tablepane.h"
#include "timedisplay.h"

#include <QSettings>
#include <QTabWidget>

namespace oplens::ui {

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("display/utc"), TimeDisplay::instance().utc());
    m_operations->saveState(settings);
    m_events->saveState(settings);
    m_filterBar->saveState(settings);
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    TimeDisplay::instance().setUtc(settings.value(QStringLiteral("display/utc"), false).toBool());
    m_operations->restoreState(settings);
    m_events->restoreState(settings);
    m_filterBar->restoreState(settings);
    const ViewFilter filter = m_filterBar->filter();
    m_operations->query()->setFilter(filter);
    m_events->query()->setFilter(filter);
}

} // namespace oplens::ui
