// readPieces(): the pieces of one file parsed on several threads, appended to the store in file order.
#include "pieceread.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

namespace oplens {

namespace {

constexpr size_t kReadBytes = size_t(8) << 20;

struct Piece {
    uint64_t begin = 0, end = 0; // end: where the next piece begins; the last one reads to the end of the file
    bool last = false;
    EventStore batch;            // every piece after the first; the first is read into the store itself
    bool parsed = false;
    // What its parser found, its places counted from line 1 / element 0 / byte 0 of the piece (the first's: of the
    // read, as a single parser would count them):
    Container container = Container::Unknown;
    uint64_t events = 0, nextLine = 1, elements = 0, consumed = 0, bytesRead = 0;
    bool incompleteTail = false;
    ReadProblems problems;
    QString error;
};

class PieceReader
{
public:
    PieceReader(int fd, const ReadRequest &request, Container container, uint64_t fileSize, EventStore &store,
                uint16_t source)
        : m_fd(fd), m_request(request), m_container(container), m_fileSize(fileSize), m_store(store), m_source(source)
    {
    }

    ReadResult run(const std::vector<uint64_t> &starts, int threads);

private:
    void work(bool callingThread);
    void parse(Piece &piece, bool first, bool callingThread);
    bool readInto(OplogParser &parser, Piece &piece, bool callingThread);
    void markParsed(Piece &piece);
    void append(Piece &piece, bool first);
    bool stopped() const;
    void stop(Piece &piece, QString error);
    void reportProgress();

    const int m_fd;
    const ReadRequest &m_request;
    const Container m_container;
    const uint64_t m_fileSize;
    EventStore &m_store;
    const uint16_t m_source;

    std::vector<Piece> m_pieces;
    std::atomic<size_t> m_nextToParse{0};
    std::atomic<uint64_t> m_bytesRead{0};
    std::atomic_bool m_stop{false};

    std::mutex m_mutex; // guards what follows
    std::condition_variable m_changed;
    size_t m_appended = 0; // pieces in the store, in file order
    bool m_appending = false;
    // The numbering after the pieces appended so far, and what they found.
    uint64_t m_nextLine = 1, m_elements = 0;
    ReadResult m_result;
};

ReadResult PieceReader::run(const std::vector<uint64_t> &starts, int threads)
{
    m_pieces.resize(starts.size());
    for (size_t i = 0; i < starts.size(); ++i) {
        m_pieces[i].begin = starts[i];
        m_pieces[i].last = i + 1 == starts.size();
        m_pieces[i].end = m_pieces[i].last ? m_fileSize : starts[i + 1];
    }
    std::vector<std::thread> helpers;
    try {
        for (int i = 1; i < std::min<int>(threads, int(m_pieces.size())); ++i)
            helpers.emplace_back([this] { work(false); });
    } catch (const std::system_error &) { // no thread to be had: the ones there are read every piece
    }
    work(true);
    {
        // The calling thread reports progress while the others finish their pieces.
        std::unique_lock<std::mutex> lock(m_mutex);
        while (m_appended < m_pieces.size() && !stopped()) {
            m_changed.wait_for(lock, std::chrono::milliseconds(100));
            lock.unlock();
            reportProgress();
            lock.lock();
        }
    }
    for (std::thread &helper : helpers)
        helper.join();
    ReadResult result = std::move(m_result);
    const Piece &last = m_pieces.back();
    result.cancelled = m_request.cancel && m_request.cancel->load();
    for (const Piece &piece : m_pieces)
        if (result.error.isEmpty() && !piece.error.isEmpty())
            result.error = piece.error;
    result.container = m_pieces.front().container;
    result.nextLine = m_nextLine;
    result.nextOffset = last.begin + last.consumed;
    result.incompleteTail = last.incompleteTail;
    result.fileSize = std::max(m_fileSize, last.begin + last.bytesRead);
    return result;
}

bool PieceReader::stopped() const
{
    return m_stop.load(std::memory_order_relaxed)
        || (m_request.cancel && m_request.cancel->load(std::memory_order_relaxed));
}

void PieceReader::stop(Piece &piece, QString error)
{
    piece.error = std::move(error);
    m_stop = true;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_changed.notify_all();
}

void PieceReader::reportProgress()
{
    if (m_request.progress)
        m_request.progress(m_bytesRead.load(), m_fileSize - m_request.offset);
}

void PieceReader::work(bool callingThread)
{
    for (size_t i; (i = m_nextToParse++) < m_pieces.size() && !stopped();) {
        Piece &piece = m_pieces[i];
        try {
            parse(piece, i == 0, callingThread);
        } catch (const std::exception &e) { // out of memory, too many operations: the read fails, nothing crashes
            stop(piece, QString::fromLocal8Bit(e.what()));
        }
        if (!stopped())
            markParsed(piece);
    }
}

void PieceReader::parse(Piece &piece, bool first, bool callingThread)
{
    EventStore &into = first ? m_store : piece.batch;
    if (!first)
        piece.batch.reserve((piece.end - piece.begin) / 250 + 16);
    // The first piece is read as a single parser reads the file; the others start inside it, numbered from 1 / 0.
    const Container container = m_request.offset > 0 ? Container::Lines : Container::Unknown;
    OplogParser parser(into, first ? m_source : 0, first ? container : m_container, first ? m_request.firstLine : 1);
    if (!first)
        parser.startPiece(m_container);
    parser.setListContinues(!piece.last);
    if (!readInto(parser, piece, callingThread))
        return;
    if (!(piece.last && m_request.following))
        parser.finish();
    piece.container = parser.container();
    piece.events = parser.eventsRead();
    piece.nextLine = parser.nextLine();
    piece.elements = parser.elementsRead();
    piece.consumed = parser.consumedBytes();
    piece.incompleteTail = parser.hasIncompleteTail();
    piece.problems = parser.problems();
}

bool PieceReader::readInto(OplogParser &parser, Piece &piece, bool callingThread)
{
    const size_t step = m_request.readBytes ? m_request.readBytes : kReadBytes;
    for (uint64_t at = piece.begin;;) {
        if (stopped())
            return false;
        const size_t want = piece.last ? step : size_t(std::min<uint64_t>(step, piece.end - at));
        if (want == 0)
            return true;
        const ssize_t n = readFileAt(m_fd, parser.reserve(want), want, at);
        if (n < 0) {
            stop(piece, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        if (n == 0) {
            if (piece.last)
                return true;
            stop(piece, QStringLiteral("the file became shorter while it was read"));
            return false;
        }
        parser.pushed(size_t(n));
        at += uint64_t(n);
        piece.bytesRead += uint64_t(n);
        m_bytesRead += uint64_t(n);
        if (callingThread)
            reportProgress();
    }
}

// Appends every parsed piece that is next in file order; one thread at a time does, the others go on parsing.
void PieceReader::markParsed(Piece &piece)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    piece.parsed = true;
    if (m_appending)
        return;
    m_appending = true;
    while (m_appended < m_pieces.size() && m_pieces[m_appended].parsed && !stopped()) {
        Piece &next = m_pieces[m_appended];
        lock.unlock();
        append(next, &next == &m_pieces.front());
        lock.lock();
        ++m_appended;
    }
    m_appending = false;
    m_changed.notify_all();
}

// Called in file order, by one thread at a time: the piece's places numbered on from the pieces before it.
void PieceReader::append(Piece &piece, bool first)
{
    const uint64_t linesBefore = first ? 0 : m_nextLine - 1;
    const uint64_t elementsBefore = first ? 0 : m_elements;
    const uint64_t bytesBefore = first ? 0 : piece.begin;
    const bool isList = m_container == Container::Array || m_container == Container::Wrapper;
    piece.problems.shiftPlaces(isList ? elementsBefore : linesBefore, bytesBefore);
    m_result.problems.add(piece.problems);
    m_result.events += piece.events;
    m_nextLine = first ? piece.nextLine : m_nextLine + piece.nextLine - 1;
    m_elements += piece.elements;
    if (first)
        return;
    piece.batch.addToPositions(isList ? elementsBefore : linesBefore);
    m_store.appendBatch(std::move(piece.batch), m_source);
}

} // namespace

ReadResult readPieces(int fd, const ReadRequest &request, const std::vector<uint64_t> &starts, Container container,
                      uint64_t fileSize, EventStore &store, uint16_t source, int threads)
{
    PieceReader reader(fd, request, container, fileSize, store, source);
    return reader.run(starts, threads);
}

} // namespace oplens
