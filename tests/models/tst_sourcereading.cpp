// readSources' progress (issue 13): several sources weighed by the bytes each has to read, so that one big file and
// many small agents' copies move the console's load bar evenly with the events read; a source resumed from an offset
// weighs only what is left; a file that grows while it is read never takes the bar past 100 or back.
#include "testfiles.h"
#include "testoplog.h"

#include "sourcereading.h"

#include <QTemporaryDir>
#include <QTest>

using namespace oplens;
using namespace testfiles;

namespace {

// `count` events whose lines all have the same length, so that events read say bytes read.
QByteArray sameLengthLines(const QByteArray &prefix, int count)
{
    QByteArray text;
    for (int i = 0; i < count; ++i)
        text += testoplog::eventLine(prefix + QByteArray::number(i).rightJustified(8, '0'), "Started", 1700000000000 + i);
    return text;
}

struct Reported {
    int percent;
    uint64_t eventsRead;
};

} // namespace

class TestSourceReading : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        return writeFile(path, text) ? path : QString();
    }

private Q_SLOTS:
    // Five 1 MiB copies, a 20 MiB file resumed half-way, five more copies: each percentage is that of the events read
    // (equal lines), not of the sources done, nor of the big file's bytes before its resume point.
    void progressFollowsTheBytesRead()
    {
        const QByteArray line = testoplog::eventLine("s0-00000000", "Started", 1700000000000);
        const int smallLines = int((1 << 20) / line.size()), bigLines = int((20 << 20) / line.size());
        std::vector<SourceRead> sources;
        uint64_t expectedEvents = 0;
        for (int i = 0; i < 11; ++i) {
            SourceRead s;
            const QByteArray prefix = "s" + QByteArray::number(i % 10) + "-";
            s.path = s.name = write(QStringLiteral("source%1.jsonl").arg(i), sameLengthLines(prefix, i == 5 ? bigLines : smallLines));
            QVERIFY(!s.path.isEmpty());
            if (i == 5) { // read from its middle: what a follow-up read of a grown file does
                s.offset = uint64_t(bigLines / 2) * uint64_t(line.size());
                s.firstLine = uint64_t(bigLines / 2) + 1;
            }
            expectedEvents += uint64_t(i == 5 ? bigLines - bigLines / 2 : smallLines);
            sources.push_back(s);
        }
        Dataset data;
        std::vector<Reported> reported;
        QVERIFY(readSources(sources, data, nullptr, [&](int percent) { reported.push_back({percent, data.events().size()}); }));
        QCOMPARE(uint64_t(data.events().size()), expectedEvents);
        QVERIFY(reported.size() >= 11); // at least once a source, more within the big one
        QCOMPARE(reported.back().percent, 100);
        for (size_t k = 0; k < reported.size(); ++k) {
            const int byEvents = int(reported[k].eventsRead * 100 / expectedEvents);
            QVERIFY2(std::abs(reported[k].percent - byEvents) <= 1,
                     qPrintable(QStringLiteral("report %1: %2% with %3% of the events read").arg(k).arg(reported[k].percent).arg(byEvents)));
            QVERIFY(k == 0 || reported[k].percent > reported[k - 1].percent);
        }
        // The big file's half moved the bar by half of it: 10 MiB of 20 MiB in all.
        QVERIFY(std::any_of(reported.begin(), reported.end(), [](const Reported &r) { return r.percent > 30 && r.percent < 70; }));
    }

    // A followed file that grows while it is read (a mirror its RemoteSource appends to): read to its new end, and the
    // bar stops at 100 instead of passing it.
    void growingFileStopsAt100()
    {
        const QByteArray first = sameLengthLines("grow-", 20000);
        const QString path = write(QStringLiteral("growing.jsonl"), first);
        QVERIFY(!path.isEmpty());
        std::vector<SourceRead> sources(1);
        sources[0].path = sources[0].name = path;
        sources[0].following = true;
        Dataset data;
        std::vector<int> reported;
        bool grown = false;
        QVERIFY(readSources(sources, data, nullptr, [&](int percent) {
            reported.push_back(percent);
            if (!grown)
                grown = appendFile(path, sameLengthLines("more-", 60000)); // while the reader is between two reads
        }));
        QVERIFY(grown);
        QCOMPARE(data.events().size(), 80000u);
        QVERIFY(!reported.empty());
        QCOMPARE(reported.back(), 100);
        QVERIFY2(std::is_sorted(reported.begin(), reported.end()) && *std::max_element(reported.begin(), reported.end()) == 100,
                 qPrintable(QStringLiteral("%1").arg(reported.back())));
        QCOMPARE(std::adjacent_find(reported.begin(), reported.end()), reported.end()); // each percentage once
    }

    // Nothing to read (empty files, a remote source not copied yet): the bar still ends, at 100.
    void nothingToReadEndsAt100()
    {
        std::vector<SourceRead> sources(2);
        sources[0].path = sources[0].name = write(QStringLiteral("empty.jsonl"), {});
        sources[1].name = QStringLiteral("agent+http://127.0.0.1:1#main");
        sources[1].skip = true;
        Dataset data;
        std::vector<int> reported;
        QVERIFY(readSources(sources, data, nullptr, [&](int percent) { reported.push_back(percent); }));
        QCOMPARE(reported, std::vector<int>{100});
        QCOMPARE(data.events().sourceCount(), 2);
    }
};

QTEST_MAIN(TestSourceReading)
#include "tst_sourcereading.moc"
