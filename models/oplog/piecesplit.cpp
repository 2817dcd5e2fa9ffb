// findPieceStarts(): where a document can be cut so that each piece parses alone.
#include "oplogparser.h"
#include "pieceread.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace oplens {

namespace {

constexpr size_t kWindow = size_t(64) << 10;

bool cancelled(const ReadRequest &request) { return request.cancel && request.cancel->load(std::memory_order_relaxed); }

// JSON Lines: a piece begins after the first line end at or after its nominal start (a long line carries it further).
std::vector<uint64_t> lineStarts(int fd, const ReadRequest &request, uint64_t size, uint64_t pieceBytes)
{
    std::vector<uint64_t> starts{request.offset};
    std::vector<char> window(kWindow);
    for (uint64_t nominal = request.offset + pieceBytes; nominal < size && !cancelled(request); nominal += pieceBytes) {
        if (nominal <= starts.back())
            continue;
        for (uint64_t at = nominal - 1;;) {
            const ssize_t n = readFileAt(fd, window.data(), window.size(), at);
            if (n <= 0) // the end, or an error the read itself will report
                return starts;
            if (const auto *end = static_cast<const char *>(std::memchr(window.data(), '\n', size_t(n)))) {
                const uint64_t start = at + uint64_t(end - window.data()) + 1;
                if (start < size)
                    starts.push_back(start);
                break;
            }
            at += uint64_t(n);
        }
    }
    return starts;
}

// An array or the wrapper: a piece begins after a ',' between elements, found by scanning the list from where it
// opens with the parser's ElementScan. Past the list's end nothing is cut: the rest is the last piece's. `head` is the
// document's first bytes after any BOM, which begins at `headAt`.
std::vector<uint64_t> elementStarts(int fd, const ReadRequest &request, uint64_t size, uint64_t pieceBytes,
                                    Container container, std::string_view head, uint64_t headAt)
{
    std::vector<uint64_t> starts{0};
    bool malformed = false;
    const size_t open = OplogParser::listOpening(head, container, malformed);
    if (open == std::string_view::npos)
        return starts;
    std::vector<char> block(size_t(4) << 20);
    ElementScan scan;
    uint64_t nextCut = pieceBytes;
    for (uint64_t at = headAt + open + 1; at < size && !cancelled(request);) {
        const ssize_t n = readFileAt(fd, block.data(), block.size(), at);
        if (n <= 0)
            break;
        for (size_t i = 0;; ++i) {
            bool closing = false;
            i = scan.findEnd(block.data(), i, size_t(n), closing);
            if (i == size_t(n))
                break;
            if (closing)
                return starts;
            const uint64_t start = at + i + 1;
            if (start >= nextCut && start < size) {
                starts.push_back(start);
                nextCut = start + pieceBytes;
            }
        }
        at += uint64_t(n);
    }
    return starts;
}

} // namespace

ssize_t readFileAt(int fd, char *into, size_t bytes, uint64_t at)
{
    size_t done = 0;
    while (done < bytes) {
        const ssize_t n = ::pread(fd, into + done, bytes - done, off_t(at + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += size_t(n);
    }
    return ssize_t(done);
}

std::vector<uint64_t> findPieceStarts(int fd, const ReadRequest &request, uint64_t size, uint64_t pieceBytes,
                                      Container &container)
{
    if (pieceBytes == 0 || size <= request.offset + pieceBytes)
        return {request.offset};
    if (request.offset > 0) {
        container = Container::Lines;
        return lineStarts(fd, request, size, pieceBytes);
    }
    std::vector<char> head(kWindow);
    const ssize_t n = readFileAt(fd, head.data(), head.size(), 0);
    if (n <= 0)
        return {0};
    std::string_view text(head.data(), size_t(n));
    const size_t bom = text.substr(0, OplogParser::kBom.size()) == OplogParser::kBom ? OplogParser::kBom.size() : 0;
    text.remove_prefix(bom);
    container = OplogParser::containerOf(text, uint64_t(n) == size);
    switch (container) {
    case Container::Lines:
        return lineStarts(fd, request, size, pieceBytes);
    case Container::Array:
    case Container::Wrapper:
        // A list is cut only when read whole: a followed one is read again from its start anyway.
        if (request.following)
            return {0};
        return elementStarts(fd, request, size, pieceBytes, container, text, bom);
    case Container::Unknown:
        break;
    }
    return {0};
}

} // namespace oplens
