// Reads an oplog file (or standard input) into an EventStore, whole or from a byte offset.
#pragma once

#include "oplogparser.h"

#include <QString>
#include <atomic>
#include <functional>

namespace oplens {

struct ReadRequest {
    QString path;             // a file path, or "-" for standard input
    uint64_t offset = 0;      // resume here (JSON Lines only); 0 reads from the start
    uint64_t firstLine = 1;   // the line number at `offset`
    bool following = false;   // a growing file: a last line without its ending waits for it
    const std::atomic_bool *cancel = nullptr;
    std::function<void(uint64_t done, uint64_t total)> progress; // called every few MiB, on the calling thread
    // A big file is cut into pieces parsed on every core at once (pieceread.h). Tests set these to a few bytes and a
    // few threads to put every kind of line at a piece's edge; 0 picks them from the file's size and the machine.
    uint64_t pieceBytes = 0;
    int threads = 0;
    size_t readBytes = 0;     // bytes read and pushed to the parser at a time (0: up to 8 MiB)
};

struct ReadResult {
    QString error;            // set when the source could not be read at all
    bool cancelled = false;
    Container container = Container::Unknown;
    uint64_t nextOffset = 0;  // where a follow-up read resumes: after the last complete line
    uint64_t nextLine = 1;
    bool incompleteTail = false;
    uint64_t events = 0;
    uint64_t fileSize = 0;    // the size seen when reading ended
    ReadProblems problems;

    bool ok() const { return error.isEmpty() && !cancelled; }
};

ReadResult readOplog(const ReadRequest &request, EventStore &store, uint16_t source);

} // namespace oplens
