// File > Export… in the console (offscreen): the dialog's checks, exported rows equal to the view, JSON Lines read back,
// the HTML and PDF reports with the view's timeline (which operations it shows: tests/models/tst_report), a failure
// said and nothing written, Cancel, and a 2-million-event export that leaves the GUI thread free.
#include "consolefixture.h"
#include "csvreader.h"
#include "exportdialog.h"
#include "exportjob.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "oplogreader.h"
#include "reportsvg.h"
#include "reporttimeline.h"
#include "reportwriter.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QPainter>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

using namespace oplens;
using namespace oplens::ui;
using reportsvg::shapesIn;
using reportsvg::svgOf;
using reportsvg::svgText;
using testcsv::readCsv;

using consolefixture::GapMeter;
using consolefixture::openWindow;
using consolefixture::saveScreenshot;
using testfiles::filesIn;
using testfiles::readAll;
using testfiles::writeFile;

class TestExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_demo;

    // The console's own follow interval: nothing here is appended to.
    static std::unique_ptr<MainWindow> openWindow(const QStringList &files, int timeoutMs = 20000)
    {
        return consolefixture::openWindow(files, {.pollMs = 0, .loadTimeoutMs = timeoutMs});
    }

    static ExportJob *job(MainWindow &w) { return w.findChild<ExportJob *>(); }
    static QAction *exportAction(MainWindow &w) { return w.findChild<QAction *>(QStringLiteral("exportAction")); }

    // File > Export… with the dialog filled in by `fill`; true when it ran to its end.
    static bool exportThroughDialog(MainWindow &w, const std::function<void(ExportDialog &)> &fill,
                                    ExportResult *result = nullptr, int timeoutMs = 30000)
    {
        QSignalSpy finished(job(w), &ExportJob::finished);
        bool accepted = false;
        job(w)->setDialogDriver([&](ExportDialog &dialog) {
            fill(dialog);
            accepted = dialog.validate();
            return accepted;
        });
        exportAction(w)->trigger();
        if (!accepted)
            return false;
        if (!finished.wait(timeoutMs) && finished.isEmpty())
            return false;
        if (result)
            *result = finished.first().first().value<ExportResult>();
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        m_demo = consolefixture::writeDemo(m_dir.path());
        QCOMPARE(m_demo.size(), 2);
    }

    void cleanup() { QSettings().clear(); }

    void theActionIsInTheFileMenu()
    {
        MainWindow w;
        QAction *action = exportAction(w);
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));
        QVERIFY(action->text().contains(QStringLiteral("Export")));
        QVERIFY(job(w));
        // Ctrl+E with nothing open: nothing to export, and no dialog.
        bool asked = false;
        job(w)->setDialogDriver([&](ExportDialog &) { return asked = true; });
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Nothing to export")));
        QVERIFY(!asked);
    }

    void dialogChecksThePath()
    {
        QTemporaryDir dir;
        ExportDialog dialog(ViewKind::Operations, 125, 11, QStringLiteral("all events"));
        dialog.setPath(QString());
        QVERIFY(!dialog.validate());
        QVERIFY(dialog.problem().contains(QStringLiteral("Choose a file")));
        dialog.setPath(dir.filePath(QStringLiteral("missing/out.csv")));
        QVERIFY(!dialog.validate());
        QVERIFY2(dialog.problem().contains(QStringLiteral("does not exist")), qPrintable(dialog.problem()));
        dialog.setPath(dir.path());
        QVERIFY(!dialog.validate());
        QVERIFY2(dialog.problem().contains(QStringLiteral("is a folder")), qPrintable(dialog.problem()));

        // An existing file: asked first; declined, nothing changes.
        const QString existing = dir.filePath(QStringLiteral("old.csv"));
        QVERIFY(writeFile(existing, "keep me"));
        QStringList asked;
        bool answer = false;
        dialog.setConfirmOverwrite([&](const QString &path) {
            asked << path;
            return answer;
        });
        dialog.setPath(existing);
        QVERIFY(!dialog.validate());
        QCOMPARE(asked, QStringList{existing});
        QVERIFY(dialog.problem().isEmpty());
        answer = true;
        QVERIFY(dialog.validate());
        QCOMPARE(asked.size(), 2);
        dialog.setPath(dir.filePath(QStringLiteral("new.csv")));
        QVERIFY(dialog.validate());
        QCOMPARE(asked.size(), 2); // a new file asks nothing

        // The extension follows the format; the byte-order mark is for CSV only.
        dialog.setBom(true);
        QVERIFY(dialog.bom());
        dialog.setFormat(ExportDialog::Pdf);
        QVERIFY(dialog.path().endsWith(QStringLiteral("new.pdf")));
        QVERIFY(!dialog.bom());
        dialog.setFormat(ExportDialog::JsonLines);
        QVERIFY(dialog.path().endsWith(QStringLiteral("new.jsonl")));
    }

    void csvIsTheViewAsShown()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        TablePane *pane = w->operationsPane();
        // A filter, a sort, a hidden column and a moved one.
        QTest::keyClicks(w->filterBar()->searchField(), QStringLiteral("SmartScan"));
        QTRY_VERIFY(pane->shown() < pane->total() && w->isIdle());
        QHeaderView *header = pane->view()->horizontalHeader();
        header->setSortIndicator(int(OperationColumn::Module), Qt::AscendingOrder);
        QTRY_VERIFY(pane->query()->sortColumn() == int(OperationColumn::Module) && w->isIdle());
        header->hideSection(int(OperationColumn::Origin));
        header->moveSection(header->visualIndex(int(OperationColumn::OperationId)), 0);
        const QList<int> visible = pane->visibleColumns();
        QCOMPARE(visible.first(), int(OperationColumn::OperationId));
        QVERIFY(!visible.contains(int(OperationColumn::Origin)));

        const QString path = m_dir.filePath(QStringLiteral("view.csv"));
        ExportResult result;
        QVERIFY(exportThroughDialog(*w, [&](ExportDialog &d) {
            d.setFormat(ExportDialog::Csv);
            d.setAllFields(false);
            d.setPath(path);
            d.show();
            QVERIFY(saveScreenshot(&d, QStringLiteral("export-dialog")));
        }, &result));
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.rows, uint64_t(pane->shown()));
        QVERIFY(w->statusBar()->currentMessage().startsWith(QStringLiteral("Exported")));

        const auto csv = readCsv(readAll(path));
        QVERIFY2(csv.error.isEmpty(), qPrintable(csv.error));
        QList<QStringList> expected;
        QStringList titles;
        for (const int c : visible)
            titles << pane->model()->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        expected << titles;
        for (int row = 0; row < pane->model()->rowCount(); ++row) {
            QStringList cells;
            for (const int c : visible)
                cells << pane->model()->index(row, c).data().toString();
            expected << cells;
        }
        QCOMPARE(csv.records, expected);
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("export-window")));
    }

    void eventsViewAsJsonLinesReadsBack()
    {
        auto w = openWindow(m_demo);
        w->tabs()->setCurrentWidget(w->eventsPane());
        TablePane *pane = w->eventsPane();
        QTest::keyClicks(w->filterBar()->searchField(), QStringLiteral("mail1"));
        QTRY_VERIFY(w->isIdle() && pane->shown() > 0);
        const QString path = m_dir.filePath(QStringLiteral("events.jsonl"));
        ExportResult result;
        QVERIFY(exportThroughDialog(*w, [&](ExportDialog &d) {
            d.setFormat(ExportDialog::JsonLines);
            d.setPath(path);
        }, &result));
        QVERIFY2(result.ok(), qPrintable(result.error));
        Dataset back;
        const uint16_t source = back.addSource(path);
        ReadRequest request;
        request.path = path;
        const ReadResult read = readOplog(request, back.events(), source);
        QVERIFY(read.ok());
        QVERIFY(read.problems.empty());
        QCOMPARE(back.events().size(), pane->shown());
        QStringList expected;
        for (const uint32_t r : pane->resultRows()) {
            std::string json;
            appendEventJson(json, pane->resultData()->events(), r, {});
            expected << QString::fromStdString(json);
        }
        QCOMPARE(testoplog::dumpEvents(back.events()), expected);
    }

    void reports_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("events");
        QTest::newRow("HTML, operations") << int(ExportDialog::Html) << false;
        QTest::newRow("PDF, operations") << int(ExportDialog::Pdf) << false;
        QTest::newRow("HTML, events") << int(ExportDialog::Html) << true;
        QTest::newRow("PDF, events") << int(ExportDialog::Pdf) << true;
    }

    void reports()
    {
        QFETCH(int, format);
        QFETCH(bool, events);
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (format == ExportDialog::Pdf && pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: scripts/setup.sh installs it");
        auto w = openWindow(m_demo);
        TablePane *pane = events ? w->eventsPane() : w->operationsPane();
        w->tabs()->setCurrentWidget(pane);
        QVERIFY(pane->shown() > 10);
        const QString view = events ? QStringLiteral("events") : QStringLiteral("operations");
        const QString path = m_dir.filePath(QStringLiteral("report-%1.%2").arg(view, ExportDialog::extension(ExportDialog::Format(format))));
        ExportResult result;
        QVERIFY(exportThroughDialog(*w, [&](ExportDialog &d) {
            d.setFormat(ExportDialog::Format(format));
            d.setPath(path);
        }, &result, 60000));
        QVERIFY2(result.ok(), qPrintable(result.error));

        QString text;
        if (format == ExportDialog::Pdf) {
            QVERIFY(readAll(path).startsWith("%PDF-"));
            QProcess process;
            process.start(pdftotext, {QStringLiteral("-raw"), path, QStringLiteral("-")}); // each cell's lines together
            QVERIFY(process.waitForFinished(30000));
            QCOMPARE(process.exitCode(), 0); // it opens
            text = QString::fromUtf8(process.readAllStandardOutput());
            // The timeline after the front matter, before the table (on the first page when it fits there, else on
            // its own): its lane labels are text (vectors, no picture).
            const qsizetype timeline = text.indexOf(QStringLiteral("Timeline\n"));
            const qsizetype table = text.indexOf(columnTitle(events ? ViewKind::Events : ViewKind::Operations,
                                                             events ? int(EventColumn::OperationId) : int(OperationColumn::OperationId)));
            QVERIFY2(timeline > text.indexOf(QStringLiteral("By module")) && table > timeline, qPrintable(text.left(3000)));
            for (const QString &host : {QStringLiteral("mail1.example.com"), QStringLiteral("mail2.example.com")}) {
                const qsizetype label = text.indexOf(host + QLatin1Char('\n'), timeline);
                QVERIFY2(label > timeline && label < table, qPrintable(text.mid(timeline, 2000)));
            }
            const QString pdfimages = QStandardPaths::findExecutable(QStringLiteral("pdfimages"));
            if (!pdfimages.isEmpty()) {
                QProcess images;
                images.start(pdfimages, {QStringLiteral("-list"), path});
                QVERIFY(images.waitForFinished(30000));
                QCOMPARE(QString::fromUtf8(images.readAllStandardOutput()).trimmed().count(QLatin1Char('\n')), 1); // its header only
            }
            // A picture of the first page, for a person to look at.
            const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
            if (!pdftoppm.isEmpty())
                QProcess::execute(pdftoppm, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("60"),
                                             QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"), QStringLiteral("2"),
                                             path, consolefixture::screenshotPath(QStringLiteral("export-report-") + view, {})});
        } else {
            text = QString::fromUtf8(readAll(path));
            QVERIFY(text.startsWith(QStringLiteral("<!DOCTYPE html>")));
            QVERIFY(!text.contains(QStringLiteral("src=")) && !text.contains(QStringLiteral("href="))); // stands alone
            QVERIFY(text.contains(QStringLiteral("<td class=\"p\">") + QString::fromLatin1(QCryptographicHash::hash(readAll(m_demo[0]), QCryptographicHash::Sha256).toHex())));
            // The timeline of the view, inline between the counts and the table: a lane per server, a shape per bar.
            const QString svg = svgOf(text);
            QVERIFY(!svg.isEmpty());
            QVERIFY(text.indexOf(svg) > text.indexOf(QStringLiteral("By module")));
            QVERIFY(text.indexOf(svg) < text.indexOf(QStringLiteral("<table class=\"grid view\"")));
            QVERIFY(svg.contains(svgText(QStringLiteral("mail1.example.com"))));
            QVERIFY(svg.contains(svgText(QStringLiteral("mail2.example.com"))));
            const size_t operations = viewOperations(ExportJob::requestFor(pane)).size();
            QVERIFY(operations > 10);
            QVERIFY2(size_t(shapesIn(svg)) > operations, qPrintable(QString::number(shapesIn(svg))));
            QVERIFY(!svg.contains(QStringLiteral("<script")) && !svg.contains(QStringLiteral("<image")));
            // The picture itself, for a person to look at.
            QSvgRenderer renderer(svg.toUtf8());
            QVERIFY(renderer.isValid());
            QImage picture(renderer.viewBox().size(), QImage::Format_RGB32);
            picture.fill(Qt::white);
            QPainter painter(&picture);
            renderer.render(&painter);
            painter.end();
            QVERIFY(picture.save(consolefixture::screenshotPath(QStringLiteral("export-report-timeline-") + view)));
        }
        QVERIFY(text.contains(events ? QStringLiteral("OpLens report: Events view") : QStringLiteral("OpLens report: Operations view")));
        QVERIFY(text.contains(QStringLiteral("By status")));
        QVERIFY(text.contains(QStringLiteral("By module")));
        QVERIFY(text.contains(QStringLiteral("all events"))); // the filter
        QVERIFY(text.contains(QStringLiteral("Interrupted")));
        QVERIFY(text.contains(QStringLiteral(OPLENS_VERSION)));
        QVERIFY(text.contains(QFileInfo(m_demo[1]).fileName()));
        // The table's first rows, in view order.
        const QString flat = QString(text).remove(QRegularExpression(QStringLiteral("[\\s\\x{200B}]+")));
        int from = 0;
        const int idColumn = events ? int(EventColumn::OperationId) : int(OperationColumn::OperationId);
        for (int row = 0; row < 5; ++row) {
            const QString id = pane->model()->index(row, idColumn).data().toString();
            if (id.isEmpty()) // ServiceStarted
                continue;
            const int at = flat.indexOf(id, from);
            QVERIFY2(at >= 0, qPrintable(QStringLiteral("row %1: %2 is not in the report after the previous row").arg(row).arg(id)));
            from = at + int(id.size());
        }
    }

    void reportCancelOrFailureLeavesNothing_data() { reports_data(); }

    void reportCancelOrFailureLeavesNothing()
    {
        QFETCH(int, format);
        QFETCH(bool, events);
        auto w = openWindow(m_demo);
        const ExportRequest request = ExportJob::requestFor(events ? w->eventsPane() : w->operationsPane());
        const ReportFormat report = format == ExportDialog::Pdf ? ReportFormat::Pdf : ReportFormat::Html;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.out"));
        std::atomic_bool cancel{false};
        const ExportResult cancelled = writeReport(request, report, path, &cancel, [&](int percent) {
            if (percent >= 30)
                cancel = true;
        });
        QVERIFY(cancelled.cancelled);
        QVERIFY(filesIn(dir.path()).isEmpty());
        const ExportResult failed = writeReport(request, report, dir.filePath(QStringLiteral("missing/report.out")));
        QVERIFY2(failed.error.contains(QStringLiteral("does not exist")), qPrintable(failed.error));
        QVERIFY(filesIn(dir.path()).isEmpty());
        const ExportResult done = writeReport(request, report, path);
        QVERIFY2(done.ok(), qPrintable(done.error));
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("report.out")});
    }

    void failureIsSaidAndWritesNothing()
    {
        auto w = openWindow(m_demo);
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("not-a-folder")), {}));
        QSignalSpy finished(job(*w), &ExportJob::finished);
        // Past the dialog's checks (the folder went away meanwhile): the write itself fails.
        QVERIFY(job(*w)->start(ExportJob::requestFor(w->operationsPane()), ExportDialog::Csv,
                               dir.filePath(QStringLiteral("not-a-folder/out.csv"))));
        QVERIFY(finished.wait(10000));
        const auto result = finished.first().first().value<ExportResult>();
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(QStringLiteral("not a folder")), qPrintable(result.error));
        QVERIFY(w->statusBar()->currentMessage().startsWith(QStringLiteral("Export failed")));
        auto *box = w->findChild<QMessageBox *>(QStringLiteral("exportFailed"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral("not a folder")));
        box->close();
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("not-a-folder")});
    }

    void twoMillionEventsLeaveTheWindowFree()
    {
        // A generated oplog of 2,000,000 events: loading it is not measured, exporting it is.
        const int kEvents = 2000000;
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("big.jsonl"));
        {
            QFile file(log);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray chunk;
            const char *const modules[] = {"ZxBackup", "ZxPowerstore", "ZxAdmin"};
            for (int i = 0; i < kEvents; ++i) {
                chunk += testoplog::eventLine("op-" + QByteArray::number(i / 2), i % 2 ? "Finished" : "Started",
                                              1700000000000LL + i * 500LL,
                                              ",\"requestedBy\":\"zimbra\",\"parameters\":{\"origin\":\"Cron\"}",
                                              modules[(i / 2) % 3]);
                if (chunk.size() > (4 << 20)) {
                    QCOMPARE(file.write(chunk), chunk.size());
                    chunk.clear();
                }
            }
            QCOMPARE(file.write(chunk), chunk.size());
        }
        auto w = openWindow({log}, 240000);
        QVERIFY(w->isIdle());
        w->tabs()->setCurrentWidget(w->eventsPane());
        QTRY_VERIFY_WITH_TIMEOUT(w->isIdle(), 60000);
        QCOMPARE(w->eventsPane()->shown(), size_t(kEvents));
        const QString out = dir.filePath(QStringLiteral("big.csv"));

        // Cancel from the status bar: nothing is written.
        {
            QSignalSpy progress(job(*w), &ExportJob::progress);
            QSignalSpy finished(job(*w), &ExportJob::finished);
            job(*w)->setDialogDriver([&](ExportDialog &d) {
                d.setFormat(ExportDialog::Csv);
                d.setPath(out);
                return d.validate();
            });
            exportAction(*w)->trigger();
            QVERIFY(job(*w)->isRunning());
            QVERIFY(job(*w)->cancelButton()->isVisible());
            QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().first().toInt() >= 5, 60000);
            QVERIFY(saveScreenshot(w.get(), QStringLiteral("export-progress")));
            QTest::mouseClick(job(*w)->cancelButton(), Qt::LeftButton);
            QVERIFY(finished.wait(60000));
            QVERIFY(finished.first().first().value<ExportResult>().cancelled);
            QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("cancelled")));
            QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("big.jsonl")});
        }

        // The whole export, while a 10 ms timer on the GUI thread measures how long it waits.
        GapMeter meter;
        QElapsedTimer clock;
        clock.start();
        ExportResult result;
        QVERIFY(exportThroughDialog(*w, [&](ExportDialog &d) {
            d.setFormat(ExportDialog::Csv);
            d.setPath(out);
        }, &result, 240000));
        const double gap = meter.largestGapMs();
        qInfo("exported %llu rows (%llu MB) in %lld ms; largest gap between GUI ticks %.1f ms over %d ticks",
              qulonglong(result.rows), qulonglong(result.bytes >> 20), clock.elapsed(), gap, meter.ticks());
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.rows, uint64_t(kEvents));
        QVERIFY2(gap < 250, qPrintable(QStringLiteral("the GUI thread was blocked for %1 ms").arg(gap)));
        // Every row is there: the header and one line per event.
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        qint64 lines = 0;
        while (!file.atEnd())
            lines += file.read(8 << 20).count('\n');
        QCOMPARE(lines, qint64(kEvents) + 1);

        // A report of the same view: its table stops at kReportRowLimit rows and says so; the counts cover all.
        const QString pdf = dir.filePath(QStringLiteral("big.pdf"));
        GapMeter reportMeter;
        QVERIFY(exportThroughDialog(*w, [&](ExportDialog &d) {
            d.setFormat(ExportDialog::Pdf);
            d.setPath(pdf);
        }, &result, 240000));
        QVERIFY2(result.ok(), qPrintable(result.error));
        const double reportGap = reportMeter.largestGapMs();
        QVERIFY2(reportGap < 250, qPrintable(QStringLiteral("blocked for %1 ms").arg(reportGap)));
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (!pdftotext.isEmpty()) {
            QProcess process;
            process.start(pdftotext, {QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"), QStringLiteral("2"), pdf,
                                      QStringLiteral("-")});
            QVERIFY(process.waitForFinished(30000));
            const QString text = QString::fromUtf8(process.readAllStandardOutput()).replace(QChar(0x202F), QLatin1Char(' '));
            // (No ligatures: "first" is extracted as typed.)
            QVERIFY2(text.contains(QStringLiteral("The first 5 000 of 2 000 000 rows")), qPrintable(text.left(2000)));
            QVERIFY(text.contains(QStringLiteral("2 000 000 events of 1 000 000 operations")));
            QVERIFY(text.contains(QString::fromLatin1(QCryptographicHash::hash(readAll(log), QCryptographicHash::Sha256).toHex())));
        }
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
