#include "exportjob.h"

#include "reportwriter.h"
#include "tablepane.h"
#include "timedisplay.h"
#include "workerpool.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

namespace oplens::ui {

namespace {
const QString kFolderKey = QStringLiteral("export/folder");
const QString kFormatKey = QStringLiteral("export/format");
const QString kAllFieldsKey = QStringLiteral("export/allFields");
const QString kBomKey = QStringLiteral("export/bom");
constexpr int kMessageMs = 15000;
} // namespace

ExportJob::ExportJob(Session *session, QStatusBar *statusBar, QWidget *window)
    : QObject(window), m_session(session), m_statusBar(statusBar), m_window(window)
{
    setObjectName(QStringLiteral("exportJob"));
    m_label = new QLabel(statusBar);
    m_bar = new QProgressBar(statusBar);
    m_bar->setRange(0, 100);
    m_bar->setMaximumWidth(160);
    m_cancelButton = new QToolButton(statusBar);
    m_cancelButton->setObjectName(QStringLiteral("exportCancel"));
    m_cancelButton->setText(tr("Cancel export"));
    for (QWidget *w : {static_cast<QWidget *>(m_label), static_cast<QWidget *>(m_bar), static_cast<QWidget *>(m_cancelButton)}) {
        statusBar->addPermanentWidget(w);
        w->hide();
    }
    connect(m_cancelButton, &QToolButton::clicked, this, &ExportJob::cancel);
    connect(&m_watcher, &QFutureWatcher<ExportResult>::finished, this, &ExportJob::done);
    connect(this, &ExportJob::progress, m_bar, &QProgressBar::setValue);
}

ExportJob::~ExportJob()
{
    if (m_cancel)
        *m_cancel = true;
    m_watcher.waitForFinished();
    if (m_running && m_session)
        m_session->endRead();
}

ExportRequest ExportJob::requestFor(const TablePane *pane)
{
    ExportRequest request;
    request.data = pane->resultData();
    request.kind = pane->query()->kind();
    request.rows = pane->resultRows();
    request.columns = pane->visibleColumns();
    request.filter = pane->query()->filter();
    request.sort = pane->sortText();
    request.now = pane->resultNow();
    request.utc = TimeDisplay::instance().utc();
    return request;
}

void ExportJob::exportView(TablePane *pane)
{
    if (isRunning()) {
        message(tr("An export is running: wait for it, or cancel it"));
        return;
    }
    if (!pane->resultData()) {
        message(tr("Nothing to export: open an oplog first"));
        return;
    }
    if (pane->query()->isRunning()) {
        message(tr("The view is being filtered: export once it shows the result"));
        return;
    }
    const bool events = pane->query()->kind() == ViewKind::Events;
    ExportDialog dialog(pane->query()->kind(), pane->resultRows().size(), int(pane->visibleColumns().size()),
                        pane->query()->filter().describe(), m_window);
    QSettings settings;
    const auto format = ExportDialog::Format(settings.value(kFormatKey, int(ExportDialog::Csv)).toInt());
    dialog.setFormat(format);
    dialog.setAllFields(settings.value(kAllFieldsKey, false).toBool());
    dialog.setBom(settings.value(kBomKey, false).toBool());
    QString folder = settings.value(kFolderKey).toString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QDir::homePath();
    const QString name = QStringLiteral("oplens-%1-%2.%3")
                             .arg(events ? QStringLiteral("events") : QStringLiteral("operations"),
                                  QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")),
                                  ExportDialog::extension(dialog.format()));
    dialog.setPath(QDir(folder).filePath(name));
    const bool go = m_driver ? m_driver(dialog) : dialog.exec() == QDialog::Accepted;
    if (!go)
        return;
    settings.setValue(kFolderKey, QFileInfo(dialog.path()).absolutePath());
    settings.setValue(kFormatKey, int(dialog.format()));
    settings.setValue(kAllFieldsKey, dialog.allFields());
    settings.setValue(kBomKey, dialog.bom());

    ExportRequest request = requestFor(pane);
    request.allFields = dialog.allFields();
    request.bom = dialog.bom();
    start(std::move(request), dialog.format(), QFileInfo(dialog.path()).absoluteFilePath());
}

bool ExportJob::start(ExportRequest request, ExportDialog::Format format, const QString &path)
{
    if (isRunning() || !request.data)
        return false;
    switch (format) {
    case ExportDialog::Csv: request.format = ExportRequest::Format::Csv; break;
    case ExportDialog::JsonLines: request.format = ExportRequest::Format::JsonLines; break;
    case ExportDialog::Json: request.format = ExportRequest::Format::Json; break;
    case ExportDialog::Html:
    case ExportDialog::Pdf: break;
    }
    if (!request.exportedAt)
        request.exportedAt = QDateTime::currentMSecsSinceEpoch();
    m_path = path;
    m_running = true;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    if (m_session)
        m_session->beginRead(); // appends to the dataset wait until the export has read it
    m_label->setText(tr("Exporting to %1…").arg(QFileInfo(path).fileName()));
    m_bar->setValue(0);
    for (QWidget *w : {static_cast<QWidget *>(m_label), static_cast<QWidget *>(m_bar), static_cast<QWidget *>(m_cancelButton)})
        w->show();
    Q_EMIT started(path);

    const auto cancel = m_cancel;
    // Not the global pool, which the GUI thread's painting waits on (workerpool.h).
    m_watcher.setFuture(QtConcurrent::run(workerPool(), [this, request = std::move(request), format, path, cancel] {
        int last = -1;
        const ExportProgress progress = [this, &last](int percent) {
            if (percent == last)
                return;
            last = percent;
            QMetaObject::invokeMethod(this, [this, percent] { Q_EMIT this->progress(percent); }, Qt::QueuedConnection);
        };
        if (format == ExportDialog::Html || format == ExportDialog::Pdf)
            return writeReport(request, format == ExportDialog::Html ? ReportFormat::Html : ReportFormat::Pdf, path,
                               cancel.get(), progress);
        return exportTo(request, path, cancel.get(), progress);
    }));
    return true;
}

void ExportJob::cancel()
{
    if (m_cancel)
        *m_cancel = true;
    m_cancelButton->setEnabled(false);
    m_label->setText(tr("Cancelling the export…"));
}

void ExportJob::done()
{
    const ExportResult result = m_watcher.result();
    m_running = false;
    if (m_session)
        m_session->endRead();
    for (QWidget *w : {static_cast<QWidget *>(m_label), static_cast<QWidget *>(m_bar), static_cast<QWidget *>(m_cancelButton)})
        w->hide();
    m_cancelButton->setEnabled(true);
    const QString name = QFileInfo(m_path).fileName();
    if (result.cancelled) {
        message(tr("Export cancelled: %1 was not written").arg(name));
    } else if (!result.error.isEmpty()) {
        message(tr("Export failed: %1").arg(result.error));
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Export failed"),
                                    tr("Nothing was written.\n\n%1").arg(result.error), QMessageBox::Ok, m_window);
        box->setObjectName(QStringLiteral("exportFailed"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    } else {
        message(tr("Exported %1 rows to %2").arg(QLocale().toString(qulonglong(result.rows)), m_path));
    }
    Q_EMIT finished(result, m_path);
}

void ExportJob::message(const QString &text)
{
    m_statusBar->showMessage(text, kMessageMs);
}

} // namespace oplens::ui
