// A big file read on every core at once (docs/architecture.md, "Reading"): cut where a piece parses alone (after a
// line's end; after a ',' between the list's elements, found with the parser's own ElementScan), each piece parsed by
// its own OplogParser into its own store, the pieces appended to the store in file order with their lines or elements
// numbered on. The result is the one a single parser would give: the same events, places and problems.
#pragma once

#include "oplogreader.h"

#include <sys/types.h>
#include <vector>

namespace oplens {

// Where to cut the open file `fd` of `size` bytes, read from request.offset, into pieces of about `pieceBytes`: the
// offsets where pieces begin, the first being request.offset. Just that one when the document cannot be cut: too
// small, its container not known from its first bytes, or an array whose list does not open as the parser expects.
// `container` is set to what the pieces after the first continue (JSON Lines when resuming at an offset).
std::vector<uint64_t> findPieceStarts(int fd, const ReadRequest &request, uint64_t size, uint64_t pieceBytes,
                                      Container &container);

// Reads the pieces beginning at `starts` (the last one to the end of the file as it is then) on `threads` threads,
// the calling one among them, into `store` as events of `source`. `fileSize` is the size when the read began.
ReadResult readPieces(int fd, const ReadRequest &request, const std::vector<uint64_t> &starts, Container container,
                      uint64_t fileSize, EventStore &store, uint16_t source, int threads);

// Bytes of `fd` read at `at` until `bytes` or the end of the file (pread, again when interrupted); -1 on an error.
ssize_t readFileAt(int fd, char *into, size_t bytes, uint64_t at);

} // namespace oplens
