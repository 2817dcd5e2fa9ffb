// libFuzzer target: any bytes as an oplog file (JSON Lines, an array or the wrapper, told from the bytes as always),
// read the way the console, oplensctl and the agent read a source (readSources: the reader, then the dataset's
// aggregate). Then the same bytes pushed to the parser in pieces must give the same events and problems: a difference
// is a finding too (a trap), like a crash or a sanitizer report.
#include "fuzzinput.h"

#include "sourcereading.h"

#include <QStringList>

namespace {

QStringList problemsText(const oplens::ReadProblems &problems)
{
    QStringList out;
    for (const oplens::ReadProblem &p : problems)
        out << p.place() + QStringLiteral(": ") + p.reason;
    out << problems.notDetailedSummary();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace oplens;
    const fuzzinput::MemoryFile file(data, size);
    std::vector<SourceRead> reads(1);
    reads[0].name = reads[0].path = file.path();
    Dataset dataset;
    if (!readSources(reads, dataset) || !reads[0].result.error.isEmpty())
        __builtin_trap(); // a file in memory always reads

    // Pieces of 1 to 64 bytes, their size taken from the input's last byte.
    EventStore store;
    OplogParser parser(store, 0);
    const size_t piece = size > 0 ? data[size - 1] % 64 + 1 : 1;
    for (size_t at = 0; at < size; at += piece)
        parser.push(reinterpret_cast<const char *>(data) + at, std::min(piece, size - at));
    parser.finish();
    const ReadResult &whole = reads[0].result;
    if (parser.eventsRead() != whole.events || store.size() != dataset.events().size()
        || parser.container() != whole.container || parser.consumedBytes() != whole.nextOffset
        || problemsText(parser.problems()) != problemsText(whole.problems))
        __builtin_trap();
    return 0;
}
