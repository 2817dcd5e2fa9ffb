// OplogParser, the framing: input pushed in pieces, the container (docs/oplog.md section 1) told from its first bytes,
// then cut into lines or array elements, each handed to parseUnit() (oplogparserfields.cpp) whole.
#include "oplogparser.h"

#include "jsontext.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace oplens {

char *OplogParser::reserve(size_t bytes)
{
    compact();
    const size_t needed = m_size + bytes + simdjson::SIMDJSON_PADDING;
    if (m_buffer.capacity() < needed)
        m_buffer.reserve(std::max(needed, m_buffer.capacity() * 3 / 2));
    return m_buffer.data() + m_size;
}

void OplogParser::pushed(size_t bytes)
{
    m_size += bytes;
    clearPadding();
    process(false);
}

// simdjson reads the padding after a unit's last byte: stale bytes left there by earlier input must not change how
// a unit is judged (a unit read whole and the same unit pushed in pieces get the same answer).
void OplogParser::clearPadding()
{
    std::memset(m_buffer.data() + m_size, 0, simdjson::SIMDJSON_PADDING);
}

void OplogParser::push(const char *data, size_t bytes)
{
    std::memcpy(reserve(bytes), data, bytes);
    pushed(bytes);
}

void OplogParser::finish()
{
    reserve(0);
    clearPadding();
    process(true);
}

void OplogParser::startPiece(Container container)
{
    m_container = container;
    m_atStart = false;
    m_line = 1;
    m_element = 0;
    m_arrayOpen = container != Container::Lines;
    m_listFromStart = false;
}

bool OplogParser::hasIncompleteTail() const
{
    return !trimJsonSpace(std::string_view(m_buffer.data() + m_scan, m_size - m_scan)).empty();
}

void OplogParser::compact()
{
    if (m_scan == 0)
        return;
    std::memmove(m_buffer.data(), m_buffer.data() + m_scan, m_size - m_scan);
    m_size -= m_scan;
    m_scan = 0;
}

void OplogParser::report(uint64_t position, bool element, QString reason)
{
    m_problems.add({position, element, std::move(reason)});
}

void OplogParser::process(bool atEnd)
{
    if (!detectContainer(atEnd))
        return;
    if (m_container == Container::Lines)
        processLines(atEnd);
    else
        processElements(atEnd);
}

bool OplogParser::detectContainer(bool atEnd)
{
    const char *data = m_buffer.data() + m_scan;
    const size_t available = m_size - m_scan;
    if (m_atStart) {
        if (available < kBom.size() && !atEnd)
            return false;
        if (std::string_view(data, available).substr(0, kBom.size()) == kBom) {
            m_scan += kBom.size();
            m_consumed += kBom.size();
        }
        m_atStart = false;
        return detectContainer(atEnd);
    }
    if (m_container != Container::Unknown)
        return true;
    // A document of nothing but whitespace is waited on only so far: past that it is read as lines.
    m_container = containerOf(std::string_view(data, available), atEnd || available > kMaxEventBytes);
    return m_container != Container::Unknown;
}

Container OplogParser::containerOf(std::string_view text, bool decideNow)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return decideNow ? Container::Lines : Container::Unknown;
    if (text[first] == '[')
        return Container::Array;
    if (text[first] != '{')
        return Container::Lines;
    const size_t key = text.find_first_not_of(" \t\r\n", first + 1);
    static constexpr std::string_view kWrapperKey = "\"operationList\"";
    if ((key == std::string_view::npos || text.size() - key < kWrapperKey.size()) && !decideNow)
        return Container::Unknown;
    const bool wrapper = key != std::string_view::npos && text.substr(key, kWrapperKey.size()) == kWrapperKey;
    return wrapper ? Container::Wrapper : Container::Lines;
}

void OplogParser::processLines(bool atEnd)
{
    for (;;) {
        const char *start = m_buffer.data() + m_scan;
        const size_t available = m_size - m_scan;
        const auto *newline = static_cast<const char *>(std::memchr(start, '\n', available));
        if (m_skipping) {
            const size_t length = newline ? size_t(newline - start) + 1 : available;
            m_scan += length;
            m_consumed += length;
            if (!newline && !atEnd)
                return;
            report(m_skippedPosition, false, QStringLiteral("longer than 16 MiB"));
            m_skipping = false;
            ++m_line;
            if (!newline)
                return;
            continue;
        }
        if (!newline) {
            if (available > kMaxEventBytes) {
                m_skipping = true;
                m_skippedPosition = m_line;
                continue;
            }
            if (atEnd && available > 0) {
                size_t length = available;
                if (start[length - 1] == '\r')
                    --length;
                if (!trimJsonSpace(std::string_view(start, length)).empty())
                    parseUnit(start, length, m_line, false);
                m_scan += available;
                m_consumed += available;
                ++m_line;
            }
            return;
        }
        const size_t lineLength = size_t(newline - start);
        size_t length = lineLength;
        if (length > 0 && start[length - 1] == '\r')
            --length;
        if (length > kMaxEventBytes)
            report(m_line, false, QStringLiteral("longer than 16 MiB"));
        else if (!trimJsonSpace(std::string_view(start, length)).empty())
            parseUnit(start, length, m_line, false);
        ++m_line;
        m_scan += lineLength + 1;
        m_consumed += lineLength + 1;
    }
}

void OplogParser::processElements(bool atEnd)
{
    if (!m_arrayOpen && !openList(atEnd))
        return;
    while (!m_arrayDone) {
        size_t end = m_scan + m_elementStart;
        bool closing = false;
        if (!findElementEnd(end, closing)) {
            waitForElementEnd(end, atEnd);
            return;
        }
        takeElement(end, closing);
    }
    checkTail(atEnd);
}

size_t OplogParser::listOpening(std::string_view text, Container container, bool &malformed)
{
    static constexpr std::string_view kSpace = " \t\r\n";
    // Up to the '[' that opens the list: `[` alone, or `{ "operationList" :` then `[`.
    size_t at = text.find_first_not_of(kSpace);
    if (container == Container::Wrapper && at != std::string_view::npos) {
        at = text.find_first_not_of(kSpace, at + 1); // the key, checked by containerOf()
        if (at != std::string_view::npos)
            at = text.find_first_not_of(kSpace, at + std::string_view("\"operationList\"").size());
        if (at != std::string_view::npos) {
            if (text[at] != ':') {
                malformed = true;
                return std::string_view::npos;
            }
            at = text.find_first_not_of(kSpace, at + 1);
        }
    }
    malformed = at != std::string_view::npos && text[at] != '[';
    return malformed ? std::string_view::npos : at;
}

bool OplogParser::openList(bool atEnd)
{
    const std::string_view text(m_buffer.data() + m_scan, m_size - m_scan);
    bool malformed = false;
    const size_t at = listOpening(text, m_container, malformed);
    if (malformed) {
        report(0, true, QStringLiteral("\"operationList\" is not an array"));
        m_arrayOpen = m_arrayDone = true;
        m_consumed += text.size();
        m_scan = m_size;
        return false;
    }
    if (at == std::string_view::npos) {
        if (atEnd)
            report(0, true, QStringLiteral("the document ends before its list of events"));
        return false;
    }
    m_scan += at + 1;
    m_consumed += at + 1;
    m_arrayOpen = true;
    m_elementStart = 0;
    return true;
}

bool OplogParser::findElementEnd(size_t &end, bool &closing)
{
    end = m_elementScan.findEnd(m_buffer.data(), end, m_size, closing);
    return end < m_size;
}

void OplogParser::waitForElementEnd(size_t scanned, bool atEnd)
{
    m_elementStart = scanned - m_scan;
    if (m_elementStart > kMaxEventBytes && !atEnd) { // drop what is read of an oversized element
        if (!m_skipping)
            m_skippedPosition = m_element;
        m_skipping = true;
        m_consumed += m_elementStart;
        m_scan += m_elementStart;
        m_elementStart = 0;
    }
    if (atEnd) {
        if (!m_listContinues)
            report(m_element, true, QStringLiteral("the list of events is not closed: the document is cut short"));
        m_arrayDone = true;
    }
}

void OplogParser::takeElement(size_t end, bool closing)
{
    const char *base = m_buffer.data();
    const std::string_view unit = trimJsonSpace(std::string_view(base + m_scan, end - m_scan));
    if (m_skipping)
        report(m_skippedPosition, true, QStringLiteral("longer than 16 MiB"));
    else if (unit.size() > kMaxEventBytes) // arrived whole, in one push
        report(m_element, true, QStringLiteral("longer than 16 MiB"));
    else if (!unit.empty())
        parseUnit(unit.data(), unit.size(), m_element, true);
    else if (!(closing && m_element == 0 && m_listFromStart))
        report(m_element, true, QStringLiteral("empty element"));
    if (!unit.empty() || !closing || m_skipping)
        ++m_element;
    m_skipping = false;
    if (closing && base[end] == '}')
        report(m_element, true, QStringLiteral("unbalanced '}' in the list of events"));
    m_consumed += end + 1 - m_scan;
    m_scan = end + 1;
    m_elementStart = 0;
    m_elementScan = ElementScan();
    if (closing) {
        m_arrayDone = true;
        // An unbalanced '}' is taken to close the wrapper too: it is reported already.
        m_tail = m_container == Container::Wrapper && base[end] == ']' ? Tail::InWrapper : Tail::After;
        m_tailWhat = m_container == Container::Wrapper ? "the wrapper object" : "the list of events";
    }
}

} // namespace oplens
