// The small things a demanding admin noticed (issue 11): help without a display, a small screen, the status filter,
// an invalid regular expression (issue 13), the Parameters column and cell menu, the Help menu, the Ended column of interrupted operations, restart words,
// and the demo writer's size options.
#include "consolefixture.h"
#include "filterbar.h"
#include "viewfilter.h"
#include "mainwindow.h"
#include "restartdialog.h"
#include "restarter.h"
#include "resultmodel.h"
#include "tablepane.h"
#include "testfiles.h"
#include "testoplog.h"

#include <QDateTime>
#include <QDialog>
#include <QJsonObject>
#include <QFont>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>

#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace oplens::ui;
using consolefixture::openWindow;
using consolefixture::saveScreenshot;

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

// `widget` is shown whole inside `window`: not clipped by its parents, not beyond the window's edge.
bool wholeIn(QWidget *widget, QWidget *window)
{
    const QRect rect(widget->mapTo(window, QPoint(0, 0)), widget->size());
    return widget->isVisible() && window->rect().contains(rect) && widget->visibleRegion().boundingRect() == widget->rect();
}

QAction *statusAction(QMenu *menu, const QString &name)
{
    for (QAction *action : menu->actions())
        if (action->data().toString() == name)
            return action;
    return nullptr;
}

// `program args` with no display at all: no DISPLAY, no Wayland, no QT_QPA_PLATFORM.
Run runWithoutDisplay(const QString &program, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QLatin1String(name));
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestConsoleDetails : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QStringList m_demo;

private Q_SLOTS:
    void initTestCase()
    {
        consolefixture::useTestSettings();
        QVERIFY(m_dir.isValid());
        m_demo = consolefixture::writeDemo(m_dir.path());
        QCOMPARE(m_demo.size(), 2);
    }

    void cleanup() { QSettings().clear(); }

    void helpAndVersionNeedNoDisplay()
    {
        const Run help = runWithoutDisplay(QStringLiteral(OPLENS), {QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        QVERIFY2(help.out.contains(QStringLiteral("--screenshot <FILE.png>")), qPrintable(help.out + help.err));
        QVERIFY(help.out.contains(QStringLiteral("--notifications")));
        const Run version = runWithoutDisplay(QStringLiteral(OPLENS), {QStringLiteral("--version")});
        QCOMPARE(version.code, 0);
        QCOMPARE(version.out.trimmed(), QStringLiteral("oplens " OPLENS_VERSION));
    }

    // 1024×700 keeps the filter field usable and the count whole; the tables scroll rather than squeeze. The
    // screenshots at three sizes are for a person to look at.
    void smallScreenKeepsFilterAndCount()
    {
        for (const QSize size : {QSize(1024, 700), QSize(1600, 1000), QSize(2560, 1440)}) {
            consolefixture::WindowOptions options;
            options.size = size;
            auto w = openWindow(m_demo, options);
            QVERIFY(w->isIdle());
            QTest::qWait(50); // the layout follows the counts' new text
            QVERIFY(saveScreenshot(w.get(), QStringLiteral("details-%1x%2").arg(size.width()).arg(size.height())));
            QCOMPARE(w->size(), size);
            QLineEdit *search = w->filterBar()->searchField();
            QVERIFY2(search->width() >= search->minimumWidth() && search->minimumWidth() >= 200,
                     qPrintable(QStringLiteral("%1 < %2").arg(search->width()).arg(search->minimumWidth())));
            QVERIFY(wholeIn(search, w.get()));
            QLabel *counts = w->counts();
            QVERIFY(!counts->text().isEmpty());
            QVERIFY2(counts->width() >= counts->fontMetrics().horizontalAdvance(counts->text()),
                     qPrintable(QStringLiteral("%1: %2 px").arg(counts->text()).arg(counts->width())));
            QVERIFY2(wholeIn(counts, w.get()), qPrintable(QStringLiteral("%1,%2 %3").arg(counts->mapTo(w.get(), QPoint()).x()).arg(counts->width()).arg(counts->visibleRegion().boundingRect().width())));
            // The columns keep their widths: the table scrolls sideways instead.
            QHeaderView *header = w->operationsPane()->view()->horizontalHeader();
            QCOMPARE(header->sectionResizeMode(0), QHeaderView::Interactive);
            if (size.width() == 1024)
                QVERIFY(header->length() > w->operationsPane()->view()->viewport()->width());
        }
    }

    // The status menu counts each status, has All and None, and stays open while several are ticked.
    void statusMenuCountsAndStaysOpen()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        FilterBar *bar = w->filterBar();
        QMenu *menu = bar->statusMenu();
        QAction *interrupted = statusAction(menu, QStringLiteral("Interrupted"));
        QAction *failed = statusAction(menu, QStringLiteral("Failed"));
        QVERIFY(interrupted && failed);
        QCOMPARE(interrupted->text(), QStringLiteral("Interrupted (2)")); // the demo's crash on mail1
        QVERIFY(failed->text().startsWith(QStringLiteral("Failed (")));
        menu->popup(w->mapToGlobal(QPoint(200, 200)));
        QVERIFY(QTest::qWaitForWindowExposed(menu));
        QSignalSpy changed(bar, &FilterBar::changed);
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(interrupted).center());
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(failed).center());
        QVERIFY(menu->isVisible());
        QVERIFY(interrupted->isChecked() && failed->isChecked());
        QCOMPARE(changed.size(), 2);
        QCOMPARE(bar->filter().statuses, uint32_t(StatusInterrupted | StatusFailed));
        QAction *all = menu->findChild<QAction *>(QStringLiteral("statusAll"));
        QAction *none = menu->findChild<QAction *>(QStringLiteral("statusNone"));
        QVERIFY(all && none);
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(all).center());
        QCOMPARE(bar->filter().statuses, uint32_t(0x3FF) & ~uint32_t(StatusUnknown));
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(none).center());
        QCOMPARE(bar->filter().statuses, 0u);
        QVERIFY(menu->isVisible());
        menu->close();
    }

    // Escape clears the search; a filter that hides everything says so in words, with a Clear filter button.
    void emptyResultSaysWhyAndClears()
    {
        auto w = openWindow(m_demo);
        QLineEdit *search = w->filterBar()->searchField();
        search->setFocus();
        QTest::keyClicks(search, QStringLiteral("nothing-like-this"));
        QTest::keyClick(search, Qt::Key_Return);
        QWidget *note = w->operationsPane()->findChild<QWidget *>(QStringLiteral("emptyResult"));
        QVERIFY(note);
        QTRY_VERIFY(note->isVisible());
        QCOMPARE(w->operationsPane()->shown(), size_t(0));
        const QString text = note->findChild<QLabel *>(QStringLiteral("emptyResultText"))->text();
        QVERIFY2(text.startsWith(QStringLiteral("No operation matches")) && text.contains(QStringLiteral("containing \"nothing-like-this\"")),
                 qPrintable(text));
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("details-empty-result")));
        note->findChild<QPushButton *>(QStringLiteral("clearFilter"))->click();
        QVERIFY(search->text().isEmpty());
        QTRY_VERIFY(!note->isVisible());
        QTRY_COMPARE(w->operationsPane()->shown(), w->operationsPane()->total());

        QTest::keyClicks(search, QStringLiteral("SmartScan"));
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY(w->operationsPane()->shown() < w->operationsPane()->total());
        QTest::keyClick(search, Qt::Key_Escape);
        QVERIFY(search->text().isEmpty());
        QTRY_COMPARE(w->operationsPane()->shown(), w->operationsPane()->total());
    }

    // An invalid regular expression is said under the bar, in red, and not applied: the table keeps the last valid
    // search instead of going empty. Turning regex mode off, or mending the pattern, takes the message away.
    void invalidRegexSaysSoAndKeepsTheTable()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        FilterBar *bar = w->filterBar();
        QLineEdit *search = bar->searchField();
        TablePane *operations = w->operationsPane();
        QLabel *error = bar->patternError();
        QVERIFY(error && !error->isVisible());
        bar->regexButton()->click();
        search->setFocus();
        QTest::keyClicks(search, QStringLiteral("smart.can"));
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY(w->isIdle() && operations->shown() > 0 && operations->shown() < operations->total());
        const size_t matching = operations->shown();
        QVERIFY(!error->isVisible());

        search->selectAll();
        QTest::keyClicks(search, QStringLiteral("smart(scan"));
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), QStringLiteral("Invalid regular expression: missing closing parenthesis at position 10"));
        QVERIFY(error->mapTo(bar, QPoint(0, 0)).y() >= search->mapTo(bar, QPoint(0, search->height())).y()); // under it
        const QColor red = error->palette().color(QPalette::WindowText);
        QVERIFY2(red.red() > 150 && red.green() < 80 && red.blue() < 80, qPrintable(red.name()));
        QVERIFY(search->styleSheet().contains(QStringLiteral("border")));
        QCOMPARE(search->toolTip(), error->text());
        // The last valid search stays in force: the same operations, no "No operation matches".
        QCOMPARE(operations->query()->filter().text, QStringLiteral("smart.can"));
        QCOMPARE(bar->filter().text, QStringLiteral("smart.can"));
        QTRY_VERIFY(w->isIdle());
        QCOMPARE(operations->shown(), matching);
        QVERIFY(!operations->findChild<QWidget *>(QStringLiteral("emptyResult"))->isVisible());
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("details-invalid-regex")));

        QTest::keyClicks(search, QStringLiteral(")")); // mended
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(!error->isVisible());
        QVERIFY(search->styleSheet().isEmpty());
        QCOMPARE(operations->query()->filter().text, QStringLiteral("smart(scan)"));
        QTRY_VERIFY(w->isIdle() && operations->shown() == matching);

        QTest::keyClick(search, Qt::Key_Backspace); // invalid again, then regex mode off: a plain substring search
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(error->isVisible());
        bar->regexButton()->click();
        QVERIFY(!error->isVisible());
        QCOMPARE(operations->query()->filter().text, QStringLiteral("smart(scan"));
        QVERIFY(!operations->query()->filter().regex);
        QTRY_VERIFY(w->isIdle() && operations->shown() == 0);

        // Settings or a workspace bring back a pattern that does not compile: said, and no text searched meanwhile.
        QJsonObject state = bar->state();
        state.insert(QStringLiteral("regex"), true);
        bar->setState(state);
        QVERIFY(error->isVisible());
        QVERIFY(bar->filter().text.isEmpty());
        QTRY_VERIFY(w->isIdle() && operations->shown() == operations->total());
    }

    // Searching for a value found only inside parameters shows the Parameters column; clearing the search hides it
    // again, unless the admin chose to show it.
    void parametersColumnFollowsTheSearch()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        QHeaderView *header = w->operationsPane()->view()->horizontalHeader();
        const int parameters = int(OperationColumn::Parameters);
        QLineEdit *search = w->filterBar()->searchField();
        search->setFocus();
        QTest::keyClicks(search, QStringLiteral("frank.restored"));
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY(w->isIdle() && w->operationsPane()->shown() > 0 && w->operationsPane()->shown() < w->operationsPane()->total());
        QTRY_VERIFY(!header->isSectionHidden(parameters));
        QVERIFY(saveScreenshot(w.get(), QStringLiteral("details-parameters-search")));
        QTest::keyClick(search, Qt::Key_Escape);
        QTRY_COMPARE(w->operationsPane()->shown(), w->operationsPane()->total());
        QTRY_VERIFY(header->isSectionHidden(parameters));
        QTest::keyClicks(search, QStringLiteral("SmartScan")); // found in names: the column stays as it is
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY(w->isIdle() && w->operationsPane()->shown() < w->operationsPane()->total());
        QVERIFY(header->isSectionHidden(parameters));
    }

    // A Parameters column, hidden at first; a cell's menu filters by its value and shows its operation's events.
    void parametersColumnAndCellMenu()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        TablePane *pane = w->operationsPane();
        const int parameters = int(OperationColumn::Parameters);
        QCOMPARE(pane->model()->headerData(parameters, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("Parameters"));
        QVERIFY(pane->view()->horizontalHeader()->isSectionHidden(parameters));
        const QModelIndex first = pane->model()->index(0, parameters);
        QVERIFY(pane->model()->data(first).toString().startsWith(QLatin1Char('{')));

        QModelIndex module;
        for (int row = 0; row < pane->model()->rowCount() && !module.isValid(); ++row)
            if (pane->model()->index(row, int(OperationColumn::Module)).data().toString() == QLatin1String("ZxPowerstore"))
                module = pane->model()->index(row, int(OperationColumn::Module));
        QVERIFY(module.isValid());
        {
            QMenu menu;
            pane->fillRowMenu(menu, module);
            menu.findChild<QAction *>(QStringLiteral("filterByValue"))->trigger();
        }
        QCOMPARE(w->filterBar()->filter().modules, QStringList{QStringLiteral("ZxPowerstore")});
        QTRY_VERIFY(w->isIdle() && pane->shown() < pane->total());
        for (int row = 0; row < pane->model()->rowCount(); ++row)
            QCOMPARE(pane->model()->index(row, int(OperationColumn::Module)).data().toString(), QStringLiteral("ZxPowerstore"));

        const QModelIndex cell = pane->model()->index(0, int(OperationColumn::Started));
        const QString id = cell.siblingAtColumn(int(OperationColumn::OperationId)).data().toString();
        const uint32_t op = cell.data(ResultModel::OperationRole).toUInt();
        {
            QMenu menu;
            pane->fillRowMenu(menu, cell);
            QVERIFY(!menu.findChild<QAction *>(QStringLiteral("filterByValue"))->isEnabled()); // a time is no filter
            menu.findChild<QAction *>(QStringLiteral("showEvents"))->trigger();
        }
        QCOMPARE(w->tabs()->currentWidget(), w->eventsPane());
        QCOMPARE(w->filterBar()->filter().text, id);
        TablePane *events = w->eventsPane();
        QTRY_VERIFY(w->isIdle() && events->shown() > 0);
        for (int row = 0; row < events->model()->rowCount(); ++row)
            QCOMPARE(events->model()->index(row, 0).data(ResultModel::OperationRole).toUInt(), op);
    }

    // oplens-demo --servers N --events N: N files of about N events in all; without them, the demo as it was.
    void demoWritesBigLogs()
    {
        QTemporaryDir dir;
        const QString now = QStringLiteral("1764550000000");
        const Run run = runWithoutDisplay(QStringLiteral(OPLENS_DEMO_PROGRAM),
                                          {QStringLiteral("--out"), dir.path(), QStringLiteral("--now"), now,
                                           QStringLiteral("--servers"), QStringLiteral("4"), QStringLiteral("--events"),
                                           QStringLiteral("20000")});
        QCOMPARE(run.code, 0);
        int lines = 0;
        for (int i = 1; i <= 4; ++i) {
            QFile file(dir.filePath(QStringLiteral("mail%1.example.com.jsonl").arg(i)));
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
            const QByteArray text = file.readAll();
            lines += int(text.count('\n'));
            QVERIFY(text.contains(QStringLiteral("\"host\":\"mail%1.example.com\"").arg(i).toUtf8()));
            if (i == 3) // every third server had a crash
                QVERIFY(text.contains("\"type\":\"ServiceStarted\""));
        }
        QVERIFY2(lines > 19000 && lines < 21000, qPrintable(QString::number(lines)));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("mail5.example.com.jsonl"))));
        const Run bad = runWithoutDisplay(QStringLiteral(OPLENS_DEMO_PROGRAM),
                                          {QStringLiteral("--out"), dir.path(), QStringLiteral("--servers"), QStringLiteral("0")});
        QCOMPARE(bad.code, 1);
    }

    // Help: every shortcut, the status legend, the README's console section, Reset layout.
    void helpMenu()
    {
        auto w = openWindow(m_demo);
        const auto dialogText = [&](const char *action, const char *dialog) {
            w->findChild<QAction *>(QLatin1String(action))->trigger();
            QDialog *d = w->findChild<QDialog *>(QLatin1String(dialog));
            const QString text = d ? d->findChild<QTextBrowser *>()->toPlainText() : QString();
            delete d;
            return text;
        };
        const QString keys = dialogText("shortcutsAction", "shortcutsDialog");
        for (const char *key : {"Ctrl+R", "Ctrl+K", "Ctrl+F", "Ctrl+O", "Ctrl+E", "F5", "Esc"})
            QVERIFY2(keys.contains(QLatin1String(key)), key);
        QVERIFY(keys.contains(QStringLiteral("Operation > Restart…")));
        const QString legend = dialogText("legendAction", "legendDialog");
        for (const char *word : {"Interrupted", "Stale", "Restarted", "Superseded", "ServiceStarted", "serviceStartedAt"})
            QVERIFY2(legend.contains(QLatin1String(word)), word);
        QAction *readme = w->findChild<QAction *>(QStringLiteral("readmeAction"));
        QVERIFY2(readme->isEnabled(), qPrintable(readme->toolTip()));
        QVERIFY(dialogText("readmeAction", "readmeDialog").contains(QStringLiteral("Notifications")));

        QHeaderView *header = w->operationsPane()->view()->horizontalHeader();
        header->hideSection(int(OperationColumn::Status));
        header->showSection(int(OperationColumn::Parameters));
        w->notificationsDock()->hide();
        w->findChild<QAction *>(QStringLiteral("resetLayoutAction"))->trigger();
        QVERIFY(!header->isSectionHidden(int(OperationColumn::Status)));
        QVERIFY(header->isSectionHidden(int(OperationColumn::Parameters)));
        QTRY_VERIFY(w->notificationsDock()->isVisible());
    }

    // The sort indicator's order is the rows' order, Type fits ServiceStarted, an Interrupted end reads as evidence.
    void sortTypeWidthAndInterruptedEnd()
    {
        auto w = openWindow(m_demo);
        QVERIFY(w->isIdle());
        TablePane *pane = w->operationsPane();
        QAbstractItemModel *model = pane->model();
        QHeaderView *header = pane->view()->horizontalHeader();
        const auto inOrder = [&](int column) {
            const bool descending = header->sortIndicatorOrder() == Qt::DescendingOrder;
            for (int row = 1; row < model->rowCount(); ++row) {
                const QString a = model->index(row - 1, column).data().toString(), b = model->index(row, column).data().toString();
                const int c = a.compare(b, Qt::CaseInsensitive);
                if (descending ? c < 0 : c > 0)
                    return false;
            }
            return true;
        };
        QCOMPARE(header->sortIndicatorSection(), int(OperationColumn::Started));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder); // newest first, and said so
        QVERIFY(inOrder(int(OperationColumn::Started)));
        for (int click = 0; click < 2; ++click) {
            const Qt::SortOrder before = header->sortIndicatorOrder();
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                              QPoint(header->sectionViewportPosition(int(OperationColumn::Module)) + 20, header->height() / 2));
            QCOMPARE(header->sortIndicatorSection(), int(OperationColumn::Module));
            QTRY_VERIFY(w->isIdle() && pane->query()->sortColumn() == int(OperationColumn::Module)
                        && pane->query()->sortDescending() == (header->sortIndicatorOrder() == Qt::DescendingOrder));
            QTRY_VERIFY(inOrder(int(OperationColumn::Module)));
            if (click == 1)
                QVERIFY(header->sortIndicatorOrder() != before);
        }

        QTableView *events = w->eventsPane()->view();
        QVERIFY(events->horizontalHeader()->sectionSize(int(EventColumn::Type))
                >= events->fontMetrics().horizontalAdvance(QStringLiteral("ServiceStarted")) + 12);

        bool sawInterrupted = false;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex ended = model->index(row, int(OperationColumn::Ended));
            const bool interrupted = model->index(row, int(OperationColumn::Status)).data().toString().startsWith(QStringLiteral("Interrupted"));
            QCOMPARE(ended.data(Qt::FontRole).value<QFont>().italic(), interrupted && !ended.data().toString().isEmpty());
            if (interrupted) {
                sawInterrupted = true;
                const QString tip = ended.data(Qt::ToolTipRole).toString();
                QVERIFY2(tip.startsWith(QStringLiteral("Interrupted: evidence at ") + ended.data().toString())
                             && tip.contains(QStringLiteral("service restarted")),
                         qPrintable(tip));
            }
        }
        QVERIFY(sawInterrupted);
    }

    // A running twin is refused before the restart dialog opens (restartRefusal); refusals and acceptance in words.
    void restartWords()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QJsonObject scan{{QStringLiteral("origin"), QStringLiteral("Cron")}, {QStringLiteral("dataPath"), QStringLiteral("/b/")}};
        const QJsonObject again{{QStringLiteral("dataPath"), QStringLiteral("/b/")}, {QStringLiteral("origin"), QStringLiteral("Restart")}};
        const QString path = m_dir.filePath(QStringLiteral("twin.jsonl"));
        const QJsonObject otherScan{{QStringLiteral("origin"), QStringLiteral("Cron")}, {QStringLiteral("dataPath"), QStringLiteral("/c/")}};
        QVERIFY(testfiles::writeFile(path, testoplog::Event(u"old", u"Started", now - 2 * 3600000).parameters(scan).line()
                                               + testoplog::Event(u"other", u"Started", now - 2 * 3600000).parameters(otherScan).line()
                                               + testoplog::Event(u"", u"ServiceStarted", now - 90 * 60000).module(u"ZxCore").name(u"ServiceStarted").line()
                                               + testoplog::Event(u"twin", u"Started", now - 10 * 60000 - 5000).parameters(again).line()));
        auto w = openWindow({path});
        auto data = w->session()->data();
        const uint32_t old = data->findOperation(0, "old"), twin = data->findOperation(0, "twin");
        QCOMPARE(data->operation(old).status, Status::Interrupted);
        QCOMPARE(activeDuplicate(*data, old), twin);
        RestartDialog dialog(*data, data->findOperation(0, "other"), QStringLiteral("this console"));
        QVERIFY(dialog.reason().isEmpty());

        const QString dup = duplicateText(*data, twin, now);
        QCOMPARE(Restarter::refusalText(409, QStringLiteral("409: ZxBackup SmartScan with the same parameters is already queued or running"), dup),
                 QStringLiteral("Refused: a SmartScan with the same parameters is running (started 10 min ago). Wait until the "
                                "running one ends, or check its status first."));
        const QString token = Restarter::refusalText(401, QStringLiteral("401: the agent does not know this token (x). Check the token."));
        QVERIFY2(token.startsWith(QStringLiteral("Refused: the agent does not know this token")), qPrintable(token));
        QCOMPARE(Restarter::acceptedText(QStringLiteral("n1")), QStringLiteral("Restart accepted: new operation n1"));

        // What will run, from the local catalog.
        const QString catalog = m_dir.filePath(QStringLiteral("actions.json"));
        QVERIFY(testfiles::writeFile(catalog, R"({"actions": [{"module": "ZxBackup", "name": "SmartScan", "timeoutSeconds": 600,
            "argv": ["/usr/bin/zxsuite", "backup", "doSmartScan", "{dataPath}"], "parameters": {"dataPath": "/.*"}}]})"));
        Restarter::setCatalogPath(catalog);
        Restarter restarter(w->session());
        // Refused before anything runs while its twin runs (restartRefusal): nothing would run.
        QCOMPARE(restarter.refusal(old), QStringLiteral("A SmartScan with the same parameters is already running (id twin)."));
        QCOMPARE(restarter.plan(old), QString());
        const QString plan = restarter.plan(data->findOperation(0, "other"));
        QCOMPARE(plan, QStringLiteral("/usr/bin/zxsuite backup doSmartScan /c/ (from %1, stopped after 600 s)").arg(catalog));
        dialog.setPlan(plan);
        QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("restartPlan"))->text(), plan);
    }
};

QTEST_MAIN(TestConsoleDetails)
#include "tst_console_details.moc"
