// oplensctl export --format html|pdf run as a process: the report with its timeline, with no display, to a file, to
// standard output and to a pipe, and a timeline taller than two pages.
#include "oplensctlrun.h"
#include "reportsvg.h"
#include "testfiles.h"

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <utility>

using oplensctlrun::data;
using oplensctlrun::oplensctl;
using oplensctlrun::Run;
using reportsvg::svgOf;
using reportsvg::svgText;

namespace {

// No display at all, and a platform that would need one: a report must not use it.
void withoutDisplay(QProcessEnvironment &env)
{
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
}

} // namespace

class TestOplensctlReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // An HTML report with the view's timeline, written with no display (on the offscreen platform whatever
    // QT_QPA_PLATFORM says), to a file and to standard output alike.
    void exportHtmlReportNeedsNoDisplay()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.html"));
        const QStringList args{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("html"),
                               QStringLiteral("--view"), QStringLiteral("operations"), data("seed-example.jsonl"),
                               data("interrupted.jsonl")};
        const Run run = oplensctl(args + QStringList{QStringLiteral("-o"), path}, {}, withoutDisplay);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
        const QString html = QString::fromUtf8(testfiles::readAll(path));
        QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
        QVERIFY(html.contains(QStringLiteral("OpLens report: Operations view")));
        // One lane per source (no host named: its file name), and a shape per bar at least (9 operations).
        const QString svg = svgOf(html);
        QVERIFY(svg.contains(svgText(QStringLiteral("seed-example.jsonl"))));
        QVERIFY(svg.contains(svgText(QStringLiteral("interrupted.jsonl"))));
        QVERIFY(reportsvg::shapesIn(svg) > 9);
        // One file that stands alone.
        for (const char *outside : {"src=", "href=", "<script", "<?xml"})
            QVERIFY2(!html.contains(QLatin1String(outside)), outside);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("report.html")});

        const Run toOutput = oplensctl(args, {}, withoutDisplay);
        QCOMPARE(toOutput.exitCode, 0);
        QVERIFY2(toOutput.err.isEmpty(), qPrintable(toOutput.err));
        QVERIFY(svgOf(toOutput.out).contains(svgText(QStringLiteral("interrupted.jsonl"))));
        // The other subcommands start no GUI: the same environment does not stop them.
        const Run text = oplensctl({QStringLiteral("get-operation-log"), data("seed-example.jsonl")}, {}, withoutDisplay);
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.startsWith(QStringLiteral("operationList")));
    }

    // The PDF report to a pipe (not a terminal); its timeline's lane labels are text.
    void exportPdfReportToAPipe()
    {
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: scripts/setup.sh installs it");
        const Run run = oplensctl({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("pdf"),
                                   data("interrupted.jsonl")}, {}, withoutDisplay);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        QVERIFY(run.bytes.startsWith("%PDF-"));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(testfiles::writeFile(path, run.bytes));
        QProcess process;
        process.start(pdftotext, {path, QStringLiteral("-")});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const QString text = QString::fromUtf8(process.readAllStandardOutput());
        const qsizetype timeline = text.indexOf(QStringLiteral("Timeline\n"));
        QVERIFY2(timeline > 0 && text.indexOf(QStringLiteral("interrupted.jsonl\n"), timeline) > timeline, qPrintable(text));
    }

    // A timeline taller than two pages goes on over the next pages, each under an axis of its own, a lane never cut:
    // every server's label once, as text, in order, on more than one page.
    void exportPdfReportOfManyServers()
    {
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: scripts/setup.sh installs it");
        QTemporaryDir dir;
        QStringList args{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("pdf"), QStringLiteral("--view"),
                         QStringLiteral("operations"), QStringLiteral("-o"), dir.filePath(QStringLiteral("report.pdf"))};
        constexpr int kServers = 30, kConcurrent = 10;
        for (int server = 0; server < kServers; ++server) {
            QByteArray lines;
            for (int k = 0; k < kConcurrent; ++k) { // ten at once: ten sub-rows a lane
                const QByteArray start = QByteArray::number(1764500000000LL + k * 60000);
                const QByteArray end = QByteArray::number(1764503600000LL + k * 60000);
                const QByteArray id = QStringLiteral("%1-0000-4000-8000-%2").arg(server + 1, 8, 10, QLatin1Char('0'))
                                          .arg(k + 1, 12, 10, QLatin1Char('0')).toLatin1();
                const QByteArray host = QStringLiteral("mail%1.example.com").arg(server, 2, 10, QLatin1Char('0')).toLatin1();
                for (const auto &[time, type] : {std::pair{start, "Started"}, std::pair{end, "Finished"}})
                    lines += "{\"module\":\"ZxBackup\",\"name\":\"SmartScan\",\"operationId\":\"" + id
                        + "\",\"startTime\":" + time + ",\"host\":\"" + host + "\",\"type\":\"" + type + "\"}\n";
            }
            const QString path = dir.filePath(QStringLiteral("mail%1.jsonl").arg(server, 2, 10, QLatin1Char('0')));
            QVERIFY(testfiles::writeFile(path, lines));
            args << path;
        }
        const Run run = oplensctl(args, {}, withoutDisplay);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        QProcess process;
        process.start(pdftotext, {dir.filePath(QStringLiteral("report.pdf")), QStringLiteral("-")});
        QVERIFY(process.waitForFinished(30000));
        const QString text = QString::fromUtf8(process.readAllStandardOutput());
        const qsizetype timeline = text.indexOf(QStringLiteral("Timeline\n"));
        const qsizetype table = text.indexOf(QStringLiteral("Operation id"));
        QVERIFY(timeline > 0 && table > timeline);
        const QString figure = text.mid(timeline, table - timeline);
        qsizetype previous = 0;
        for (int server = 0; server < kServers; ++server) {
            const QString label = QStringLiteral("mail%1.example.com\n").arg(server, 2, 10, QLatin1Char('0'));
            QCOMPARE(figure.count(label), 1);
            QVERIFY(figure.indexOf(label) > previous);
            previous = figure.indexOf(label);
        }
        QVERIFY2(figure.count(QLatin1Char('\f')) >= 3, qPrintable(figure)); // over several pages
    }
};

QTEST_GUILESS_MAIN(TestOplensctlReport)
#include "tst_oplensctl_report.moc"
