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
    std::function<void(uint64_t done, uint64_t total)> progress; // called every few MiB
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
