#include "oplogreader.h"

#include "pieceread.h"

#include <QFile>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace oplens {

namespace {
// Pieces of a quarter of a thread's share, so that a slower piece leaves the others work; none below 16 MiB or on
// one core, where cutting costs more than it gives.
uint64_t pieceBytesFor(uint64_t bytes, int threads)
{
    constexpr uint64_t kMin = uint64_t(8) << 20, kMax = uint64_t(64) << 20;
    if (threads < 2 || bytes < 2 * kMin)
        return 0;
    return std::clamp<uint64_t>(bytes / uint64_t(threads * 4), kMin, kMax);
}
} // namespace

ReadResult readOplog(const ReadRequest &request, EventStore &store, uint16_t source)
{
    ReadResult result;
    QFile file;
    const bool isStdin = request.path == QLatin1String("-");
    const bool opened = isStdin ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(request.path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        result.error = file.errorString();
        return result;
    }
    if (!isStdin) {
        result.fileSize = uint64_t(file.size());
        if (request.offset > result.fileSize) {
            result.error = QStringLiteral("the file is shorter than the offset to resume from");
            return result;
        }
        if (request.offset > 0 && !file.seek(qint64(request.offset))) {
            result.error = file.errorString();
            return result;
        }
    }
    // Columns sized from the file once, instead of doubling (and copying) while reading; ~250 bytes an event.
    if (result.fileSize > request.offset)
        store.reserve((result.fileSize - request.offset) / 250 + 16);
    if (!isStdin) {
        const int cores = int(std::thread::hardware_concurrency());
        const int threads = std::max(1, request.threads > 0 ? request.threads : std::min(cores, 8));
        const uint64_t pieceBytes = request.pieceBytes ? request.pieceBytes
                                                       : pieceBytesFor(result.fileSize - request.offset, threads);
        Container rest = Container::Lines;
        const std::vector<uint64_t> starts = findPieceStarts(file.handle(), request, result.fileSize, pieceBytes, rest);
        if (starts.size() > 1)
            return readPieces(file.handle(), request, starts, rest, result.fileSize, store, source, threads);
    }
    const Container container = request.offset > 0 ? Container::Lines : Container::Unknown;
    OplogParser parser(store, source, container, request.firstLine);
    constexpr qint64 kChunk = qint64(8) << 20, kSmallChunk = qint64(64) << 10;
    uint64_t done = 0;
    for (;;) {
        if (request.cancel && request.cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            break;
        }
        // A small file is read in a piece its size (and one byte more, to see its end), not in 8 MiB ones.
        const uint64_t known = result.fileSize > request.offset + done ? result.fileSize - request.offset - done : 0;
        const qint64 chunk = request.readBytes ? qint64(request.readBytes)
                           : isStdin         ? kChunk
                                             : std::clamp(qint64(known) + 1, kSmallChunk, kChunk);
        char *buffer = parser.reserve(size_t(chunk));
        const qint64 n = file.read(buffer, chunk);
        if (n < 0) {
            result.error = file.errorString();
            break;
        }
        if (n == 0)
            break;
        parser.pushed(size_t(n));
        done += uint64_t(n);
        if (request.progress)
            request.progress(done, result.fileSize > request.offset ? result.fileSize - request.offset : 0);
    }
    if (!request.following && result.ok())
        parser.finish();
    result.container = parser.container();
    result.nextOffset = request.offset + parser.consumedBytes();
    result.nextLine = parser.nextLine();
    result.incompleteTail = parser.hasIncompleteTail();
    result.events = parser.eventsRead();
    result.problems = parser.problems();
    if (!isStdin)
        result.fileSize = std::max<uint64_t>(result.fileSize, request.offset + done);
    return result;
}

} // namespace oplens
