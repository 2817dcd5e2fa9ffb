// OplogParser, the end of an array or a wrapper: nothing may follow the list but the rest of the wrapper object
// (other keys, ignored) and whitespace. Text that does is reported once, with its byte offset and first bytes
// (docs/oplog.md section 5); it is never read as events.
#include "oplogparser.h"

namespace oplens {

namespace {
constexpr size_t kTailQuoted = 24; // bytes of a bad tail quoted in its reason
constexpr std::string_view kSpace = " \t\r\n";
} // namespace

void OplogParser::reportTail(QString reason)
{
    ReadProblem problem{m_tailAt, false, std::move(reason)};
    problem.tail = true;
    m_problems.add(std::move(problem));
    m_tail = Tail::Reported;
}

void OplogParser::checkTail(bool atEnd)
{
    if (m_tail == Tail::InWrapper)
        skipRestOfWrapper(atEnd);
    if (m_tail == Tail::After) {
        const std::string_view rest(m_buffer.data() + m_scan, m_size - m_scan);
        const size_t text = rest.find_first_not_of(kSpace);
        if (text != std::string_view::npos) {
            m_tailAt = m_consumed + text;
            m_scan += text;
            m_consumed += text;
            m_tail = Tail::Collecting;
        }
    }
    if (m_tail == Tail::Collecting)
        collectTail(atEnd);
    // The rest is not events: consumed.
    m_consumed += m_size - m_scan;
    m_scan = m_size;
}

void OplogParser::startTail(size_t at, const char *what)
{
    m_tailAt = m_consumed + (at - m_scan);
    m_consumed += at - m_scan;
    m_scan = at;
    m_tailWhat = what;
    m_tail = Tail::Collecting;
}

// Other keys of the wrapper after "operationList", up to its closing '}' (strings and nested values skipped whole).
void OplogParser::skipRestOfWrapper(bool atEnd)
{
    size_t end = m_scan;
    bool closing = false;
    for (;;) {
        const size_t from = end;
        const bool found = findElementEnd(end, closing);
        if (!m_wrapperKeys) { // right after the list, only ',' (more keys) or '}' may come
            const size_t first = std::string_view(m_buffer.data() + from, end - from).find_first_not_of(kSpace);
            if (first != std::string_view::npos)
                return startTail(from + first, "the list of events");
        }
        if (!found)
            break;
        if (!closing) { // a ',' before another key
            m_wrapperKeys = true;
            ++end;
            continue;
        }
        if (m_buffer[end] == ']') // a stray ']'
            return startTail(end, "the list of events");
        m_consumed += end + 1 - m_scan;
        m_scan = end + 1;
        m_tail = Tail::After;
        return;
    }
    m_consumed += end - m_scan;
    m_scan = end;
    if (atEnd) {
        m_tailAt = m_consumed;
        reportTail(QStringLiteral("the wrapper object is not closed: the document is cut short"));
    }
}

void OplogParser::collectTail(bool atEnd)
{
    const size_t take = std::min(kTailQuoted - m_tailText.size(), m_size - m_scan);
    m_tailText.append(m_buffer.data() + m_scan, take);
    if (m_tailText.size() < kTailQuoted && !atEnd)
        return;
    const bool cut = m_tailText.size() == kTailQuoted;
    QString quoted = QString::fromUtf8(m_tailText.data(), qsizetype(m_tailText.size()));
    for (QChar &c : quoted)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QChar(0xB7); // control bytes shown as a middle dot, so the reason stays one line
    reportTail(QStringLiteral("text after %1: \"%2%3\"")
                   .arg(QLatin1String(m_tailWhat), quoted, cut ? QStringLiteral("…") : QString()));
}

} // namespace oplens
