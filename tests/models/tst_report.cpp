// The report's timeline (models/report): which operations a view shows on it, one lane per server, said in one line
// when there is none; the HTML's inline SVG between the counts and the table.
#include "reporttimeline.h"
#include "reportsvg.h"
#include "reportwriter.h"
#include "statuscolor.h"
#include "testoplog.h"

#include <QTest>

using namespace oplens;
using reportsvg::svgOf;
using reportsvg::svgText;
using testoplog::eventLine;
using testoplog::parseInto;
using testoplog::serviceStarted;

namespace {

constexpr qint64 kT0 = 1764500000000;

// mail1: A finished, B cut by a service start; mail2: C finished.
std::shared_ptr<const Dataset> twoServers()
{
    auto data = std::make_shared<Dataset>();
    const QByteArray mail1 = ",\"host\":\"mail1.example.com\"", mail2 = ",\"host\":\"mail2.example.com\"";
    const uint16_t first = data->addSource(QStringLiteral("mail1.jsonl"));
    parseInto(data->events(), first,
              eventLine("aaaaaaaa-0000-4000-8000-000000000001", "Started", kT0, mail1)
                  + eventLine("aaaaaaaa-0000-4000-8000-000000000001", "Finished", kT0 + 60000, mail1)
                  + eventLine("bbbbbbbb-0000-4000-8000-000000000002", "Started", kT0 + 100000, mail1)
                  + eventLine("bbbbbbbb-0000-4000-8000-000000000002", "Running", kT0 + 150000, mail1)
                  + serviceStarted(kT0 + 200000, mail1));
    const uint16_t second = data->addSource(QStringLiteral("mail2.jsonl"));
    parseInto(data->events(), second,
              eventLine("cccccccc-0000-4000-8000-000000000003", "Started", kT0 + 10000, mail2)
                  + eventLine("cccccccc-0000-4000-8000-000000000003", "Finished", kT0 + 90000, mail2));
    data->aggregate();
    return data;
}

ExportRequest requestOf(const std::shared_ptr<const Dataset> &data, ViewKind kind, std::vector<uint32_t> rows)
{
    ExportRequest request;
    request.data = data;
    request.kind = kind;
    request.rows = std::move(rows);
    request.now = kT0 + 3600000;
    request.exportedAt = request.now;
    request.utc = true;
    return request;
}

// The rows of `op`'s events, in the store's order.
std::vector<uint32_t> rowsOf(const Dataset &data, uint32_t op)
{
    std::vector<uint32_t> rows;
    for (uint32_t row = 0; row < data.events().size(); ++row)
        if (data.events().operation(row) == op)
            rows.push_back(row);
    return rows;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // An Events view's timeline: the operations of its events, once each, in view order, and only their lanes.
    void eventsViewShowsTheOperationsOfItsEvents()
    {
        const auto data = twoServers();
        const uint32_t a = data->findOperation(0, "aaaaaaaa-0000-4000-8000-000000000001");
        const uint32_t b = data->findOperation(0, "bbbbbbbb-0000-4000-8000-000000000002");
        QVERIFY(a != kNone && b != kNone);
        QCOMPARE(data->operation(b).status, Status::Interrupted);
        const std::vector<uint32_t> aRows = rowsOf(*data, a), bRows = rowsOf(*data, b);
        uint32_t marker = kNone;
        for (uint32_t row = 0; row < data->events().size() && marker == kNone; ++row)
            if (data->events().operation(row) == kNone)
                marker = row;
        QVERIFY(aRows.size() == 2 && bRows.size() == 2 && marker != kNone);

        const ExportRequest both = requestOf(data, ViewKind::Events, {bRows[1], marker, aRows[1], bRows[0], aRows[0]});
        QCOMPARE(viewOperations(both), (std::vector<uint32_t>{b, a}));
        const QString bothSvg = svgOf(reportHtml(both, {}));
        QVERIFY(bothSvg.contains(svgText(QStringLiteral("mail1.example.com"))));
        QVERIFY(!bothSvg.contains(svgText(QStringLiteral("mail2.example.com"))));
        // The Interrupted one's bar is red: more of that red than in the picture without it (its legend alone).
        const QString aSvg = svgOf(reportHtml(requestOf(data, ViewKind::Events, aRows), {}));
        QVERIFY(aSvg.contains(svgText(QStringLiteral("mail1.example.com"))));
        const QString red = statusColor(Status::Interrupted).name();
        QCOMPARE(red, QStringLiteral("#d32f2f"));
        QVERIFY2(bothSvg.count(red) > aSvg.count(red), qPrintable(bothSvg));
    }

    // An Operations view's timeline: its rows, a lane per server, inline between the counts and the table.
    void operationsViewShowsItsRows()
    {
        const auto data = twoServers();
        const uint32_t a = data->findOperation(0, "aaaaaaaa-0000-4000-8000-000000000001");
        const uint32_t c = data->findOperation(1, "cccccccc-0000-4000-8000-000000000003");
        const ExportRequest request = requestOf(data, ViewKind::Operations, {c, a});
        QCOMPARE(viewOperations(request), (std::vector<uint32_t>{c, a}));
        const QString html = reportHtml(request, {});
        const QString svg = svgOf(html);
        QVERIFY(svg.contains(svgText(QStringLiteral("mail1.example.com"))));
        QVERIFY(svg.contains(svgText(QStringLiteral("mail2.example.com"))));
        QVERIFY(html.indexOf(QStringLiteral("<h2>Timeline</h2>")) > html.indexOf(QStringLiteral("By module")));
        QVERIFY(html.indexOf(svg) > html.indexOf(QStringLiteral("<h2>Timeline</h2>")));
        QVERIFY(html.indexOf(svg) < html.indexOf(QStringLiteral("<table class=\"grid view\"")));
        QVERIFY(!html.contains(QStringLiteral("<?xml"))); // inline, not a document of its own
    }

    // No operation in the view (no rows, or only service starts): one line, no picture.
    void noOperationIsSaidInOneLine()
    {
        const auto data = twoServers();
        uint32_t marker = kNone;
        for (uint32_t row = 0; row < data->events().size() && marker == kNone; ++row)
            if (data->events().operation(row) == kNone)
                marker = row;
        for (const ExportRequest &request : {requestOf(data, ViewKind::Events, {marker}),
                                             requestOf(data, ViewKind::Operations, {})}) {
            QVERIFY(viewOperations(request).empty());
            const QString html = reportHtml(request, {});
            QVERIFY(svgOf(html).isEmpty());
            QVERIFY(html.contains(QStringLiteral("<h2>Timeline</h2>")));
            QVERIFY(html.contains(noTimelineText()));
        }
    }
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
