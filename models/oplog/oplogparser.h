// Reads oplog bytes pushed in pieces, in any container of docs/oplog.md section 1, into an EventStore.
// Bad events are reported and skipped (section 5); memory stays bounded by the longest accepted event.
#pragma once

#include "elementscan.h"
#include "eventstore.h"
#include "pagevector.h"
#include "readproblem.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace oplens {

enum class Container { Unknown, Lines, Array, Wrapper };

class OplogParser
{
public:
    static constexpr size_t kMaxEventBytes = size_t(16) << 20;
    static constexpr int kMaxParameterDepth = 64;
    static constexpr std::string_view kBom = "\xEF\xBB\xBF"; // skipped at the document's start

    // `firstLine` numbers the first line pushed: resuming a JSON Lines file at a byte offset continues its count.
    OplogParser(EventStore &store, uint16_t source, Container container = Container::Unknown, uint64_t firstLine = 1);
    ~OplogParser();
    OplogParser(const OplogParser &) = delete;
    OplogParser &operator=(const OplogParser &) = delete;

    // Room for at least `bytes` more input; write into it, then call pushed() with how many were written.
    char *reserve(size_t bytes);
    void pushed(size_t bytes);
    void push(const char *data, size_t bytes); // the same, copying

    // The input is complete: a last line without its line ending is read if it parses (a static file).
    void finish();

    // For a parser that reads one piece of a document cut where it can be (pieceread.cpp): the piece starts at a line
    // (numbered 1 here) or inside the list of events (element 0 here), not at the document's start.
    void startPiece(Container container);
    // The list of events goes on in a later piece: where this piece ends, it is not "cut short".
    void setListContinues(bool continues) { m_listContinues = continues; }

    Container container() const { return m_container; }
    // The container a document's first bytes (after any BOM) begin; Unknown while they cannot tell, unless `decideNow`.
    static Container containerOf(std::string_view text, bool decideNow);
    // Where the '[' that opens the list of events is in those bytes: npos while more are needed, or when they cannot
    // open one (`malformed`).
    static size_t listOpening(std::string_view text, Container container, bool &malformed);
    // Bytes of input consumed up to the end of the last complete line (JSON Lines): where to resume.
    uint64_t consumedBytes() const { return m_consumed; }
    // Bytes after consumedBytes() that are still waiting for their line ending.
    bool hasIncompleteTail() const;
    uint64_t nextLine() const { return m_line; }
    uint64_t eventsRead() const { return m_events; }
    uint64_t elementsRead() const { return m_element; } // array elements taken, empty ones too
    const ReadProblems &problems() const { return m_problems; }

private:
    struct Json;
    void process(bool atEnd);
    bool detectContainer(bool atEnd);
    void processLines(bool atEnd);
    void processElements(bool atEnd);
    // The array splitter's steps: the list opened (false while it is not, or never will be: reported); the end of the
    // element at `end` found (a ',' or the closing bracket, outside strings and nested values), or where the scan
    // stopped kept for the next push; the element handed to parseUnit().
    bool openList(bool atEnd);
    bool findElementEnd(size_t &end, bool &closing);
    void waitForElementEnd(size_t scanned, bool atEnd);
    void takeElement(size_t end, bool closing);
    // What follows the list: the rest of the wrapper up to its '}', then only whitespace; anything else is a bad tail.
    void checkTail(bool atEnd);
    void skipRestOfWrapper(bool atEnd);
    void startTail(size_t at, const char *what);
    void collectTail(bool atEnd);
    // One event, whole in the buffer (oplogparserfields.cpp): appended to the store, or reported.
    void parseUnit(const char *begin, size_t length, uint64_t position, bool element);
    void report(uint64_t position, bool element, QString reason);
    void reportTail(QString reason);
    void compact();
    void clearPadding();

    EventStore &m_store;
    uint16_t m_source;
    Container m_container;
    std::unique_ptr<Json> m_json;

    // Input not consumed yet, followed by simdjson's padding; all of its capacity is the buffer. Mapped, not from
    // malloc: a freed 8 MiB malloc block raises glibc's mmap threshold, and the heap then keeps what a read frees.
    PageVector<char> m_buffer;
    size_t m_size = 0;          // bytes of m_buffer holding input
    size_t m_scan = 0;          // bytes of m_buffer already consumed
    uint64_t m_consumed = 0;    // input bytes before m_buffer[m_scan]
    uint64_t m_line;
    uint64_t m_events = 0;
    bool m_atStart = true;
    bool m_skipping = false; // inside an event longer than kMaxEventBytes
    uint64_t m_skippedPosition = 0;
    ReadProblems m_problems;

    // The array splitter's state, kept across pushes.
    bool m_arrayOpen = false, m_arrayDone = false;
    ElementScan m_elementScan;
    size_t m_elementStart = 0; // offset in m_buffer, relative to m_scan
    uint64_t m_element = 0;
    bool m_listFromStart = true; // this parser saw the list open: "[]" is an empty list, not an empty element
    bool m_listContinues = false;

    // After the list: where the tail stands, and its first bytes, quoted when it is reported.
    enum class Tail { None, InWrapper, After, Collecting, Reported };
    Tail m_tail = Tail::None;
    const char *m_tailWhat = nullptr; // what the text is after: "the list of events" or "the wrapper object"
    uint64_t m_tailAt = 0;            // its byte offset in the input
    std::string m_tailText;
    bool m_wrapperKeys = false; // other keys follow the list in the wrapper
};

} // namespace oplens
