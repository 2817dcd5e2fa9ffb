// The console's export: File > Export… asks with ExportDialog, then writes the current view in a worker, with its
// progress and a Cancel button in the status bar. The data is not changed while it is read (Session::beginRead).
#pragma once

#include "exportdialog.h"
#include "exporter.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QLabel;
class QProgressBar;
class QStatusBar;
class QToolButton;

namespace oplens::ui {

class TablePane;

class ExportJob : public QObject
{
    Q_OBJECT
public:
    ExportJob(Session *session, QStatusBar *statusBar, QWidget *window);
    ~ExportJob() override;

    // File > Export…: the dialog, then the export of what `pane` shows.
    void exportView(TablePane *pane);
    // What `pane` shows, as a request: its rows in view order, its visible columns, filter, sort and clock.
    static ExportRequest requestFor(const TablePane *pane);
    // Starts writing `request` to `path` (no questions asked); false when an export runs already.
    bool start(ExportRequest request, ExportDialog::Format format, const QString &path);
    bool isRunning() const { return m_watcher.isRunning() || m_running; }
    void cancel();
    QToolButton *cancelButton() const { return m_cancelButton; }

    // Tests: drives the dialog instead of exec(); returns true to export (as if Export were clicked and validated).
    void setDialogDriver(std::function<bool(ExportDialog &)> driver) { m_driver = std::move(driver); }

Q_SIGNALS:
    void started(const QString &path);
    void progress(int percent);
    void finished(const oplens::ExportResult &result, const QString &path);

private:
    void done();
    void message(const QString &text);

    QPointer<Session> m_session;
    QStatusBar *m_statusBar;
    QWidget *m_window;
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_cancelButton;
    QFutureWatcher<ExportResult> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::function<bool(ExportDialog &)> m_driver;
    QString m_path;
    bool m_running = false;
};

} // namespace oplens::ui
