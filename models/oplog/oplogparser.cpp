#include "oplogparser.h"

#include "jsontext.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace oplens {

using namespace simdjson;

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

// "1400011200049" as written by some writers.
bool parseDigits(std::string_view s, int64_t &value)
{
    if (s.empty() || s.size() > 18)
        return false;
    value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

// Nothing but whitespace after the value: simdjson 3.0 has no document::at_end() yet.
bool atEnd(ondemand::document &doc)
{
    const char *location = nullptr;
    return doc.current_location().get(location) != SUCCESS;
}

QString jsonError(error_code code) { return QString::fromLatin1(error_message(code)); }

// RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(std::string_view s)
{
    size_t i = 0;
    const auto digits = [&] {
        const size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        return i > start;
    };
    if (i < s.size() && s[i] == '-')
        ++i;
    if (i < s.size() && s[i] == '0')
        ++i;
    else if (!digits())
        return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits())
            return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (!digits())
            return false;
    }
    return i == s.size();
}

} // namespace

// The simdjson state, kept out of the header.
struct OplogParser::Json {
    ondemand::parser outer;
    ondemand::parser inner; // validates nested values found by the outer one
    dom::parser checker;    // explains why a line is not an object
    std::vector<std::pair<std::string, std::string>> others;
    std::string otherText, minifiedParameters, minifiedOther;
    std::string origin;
    bool hasOrigin = false;

    // Walks a nested value fully so that nothing invalid is stored; tracks the depth and `origin`.
    // `depth` counts the objects and arrays around `value`, itself included when it is one.
    error_code walk(ondemand::value value, int depth, bool topLevel)
    {
        ondemand::json_type type;
        SIMDJSON_TRY(value.type().get(type));
        if ((type == ondemand::json_type::object || type == ondemand::json_type::array) && depth > kMaxParameterDepth)
            return DEPTH_ERROR;
        switch (type) {
        case ondemand::json_type::object: {
            ondemand::object object;
            SIMDJSON_TRY(value.get_object().get(object));
            for (auto field : object) {
                std::string_view key;
                SIMDJSON_TRY(field.unescaped_key().get(key));
                ondemand::value child;
                SIMDJSON_TRY(field.value().get(child));
                if (topLevel && key == "origin") {
                    ondemand::json_type childType;
                    SIMDJSON_TRY(child.type().get(childType));
                    hasOrigin = childType == ondemand::json_type::string;
                    if (hasOrigin) {
                        std::string_view text;
                        SIMDJSON_TRY(child.get_string().get(text));
                        origin.assign(text); // the inner parser's buffer is reused by the next field
                        continue;
                    }
                }
                SIMDJSON_TRY(walk(child, depth + 1, false));
            }
            return SUCCESS;
        }
        case ondemand::json_type::array: {
            ondemand::array array;
            SIMDJSON_TRY(value.get_array().get(array));
            for (auto element : array) {
                ondemand::value child;
                SIMDJSON_TRY(element.get(child));
                SIMDJSON_TRY(walk(child, depth + 1, false));
            }
            return SUCCESS;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            return value.get_string().get(s);
        }
        case ondemand::json_type::number:
            // Only the text is kept: any JSON number is fine, beyond 64 bits (a 30-digit id, 1e400) too.
            return isJsonNumber(trimmed(value.raw_json_token())) ? SUCCESS : NUMBER_ERROR;
        case ondemand::json_type::boolean: {
            bool b;
            return value.get_bool().get(b);
        }
        case ondemand::json_type::null: {
            bool isNull = false;
            SIMDJSON_TRY(value.is_null().get(isNull));
            return isNull ? SUCCESS : INCORRECT_TYPE;
        }
        }
        return INCORRECT_TYPE;
    }

    // Validates an object or array that the outer parser returned as raw text (inside a padded buffer).
    error_code validate(std::string_view raw, size_t capacity, bool isParameters)
    {
        if (isParameters)
            hasOrigin = false;
        ondemand::document doc;
        SIMDJSON_TRY(inner.iterate(raw.data(), raw.size(), capacity).get(doc));
        ondemand::value value;
        SIMDJSON_TRY(doc.get_value().get(value));
        SIMDJSON_TRY(walk(value, 1, isParameters));
        return atEnd(doc) ? SUCCESS : TRAILING_CONTENT;
    }

    // Compact text for storage: pretty-printed input (arrays from exports) is stored without layout.
    static std::string_view compact(std::string_view raw, std::string &minified)
    {
        // One pass: layout whitespace follows a structural character, or is a line break or tab.
        bool laidOut = false;
        for (size_t i = 0; i < raw.size() && !laidOut; ++i) {
            const char c = raw[i];
            laidOut = c == '\n' || c == '\r' || c == '\t'
                || (c == ' ' && i > 0 && (raw[i - 1] == ':' || raw[i - 1] == ',' || raw[i - 1] == '{' || raw[i - 1] == '['));
        }
        if (!laidOut)
            return raw;
        minified.resize(raw.size());
        size_t length = 0;
        if (minify(raw.data(), raw.size(), minified.data(), length) != SUCCESS)
            return raw;
        return {minified.data(), length};
    }
};

OplogParser::OplogParser(EventStore &store, uint16_t source, Container container, uint64_t firstLine)
    : m_store(store), m_source(source), m_container(container), m_json(std::make_unique<Json>()), m_line(firstLine)
{
    m_atStart = firstLine == 1;
}

OplogParser::~OplogParser() = default;

char *OplogParser::reserve(size_t bytes)
{
    compact();
    const size_t needed = m_size + bytes + SIMDJSON_PADDING;
    if (m_buffer.size() < needed)
        m_buffer.resize(std::max(needed, m_buffer.size() * 3 / 2));
    return m_buffer.data() + m_size;
}

void OplogParser::pushed(size_t bytes)
{
    m_size += bytes;
    process(false);
}

void OplogParser::push(const char *data, size_t bytes)
{
    std::memcpy(reserve(bytes), data, bytes);
    pushed(bytes);
}

void OplogParser::finish()
{
    reserve(0);
    process(true);
}

bool OplogParser::hasIncompleteTail() const
{
    return !trimmed(std::string_view(m_buffer.data() + m_scan, m_size - m_scan)).empty();
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
    m_problems.push_back({position, element, std::move(reason)});
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
        if (available < 3 && !atEnd)
            return false;
        if (available >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
            m_scan += 3;
            m_consumed += 3;
        }
        m_atStart = false;
        return detectContainer(atEnd);
    }
    if (m_container != Container::Unknown)
        return true;
    // A document of nothing but whitespace is waited on only so far: past that it is read as lines.
    const bool decideNow = atEnd || available > kMaxEventBytes;
    const std::string_view text(data, available);
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        if (decideNow)
            m_container = Container::Lines;
        return decideNow;
    }
    if (text[first] == '[') {
        m_container = Container::Array;
        return true;
    }
    if (text[first] == '{') {
        const size_t key = text.find_first_not_of(" \t\r\n", first + 1);
        static constexpr std::string_view kWrapperKey = "\"operationList\"";
        if ((key == std::string_view::npos || text.size() - key < kWrapperKey.size()) && !decideNow)
            return false;
        const bool wrapper = key != std::string_view::npos && text.substr(key, kWrapperKey.size()) == kWrapperKey;
        m_container = wrapper ? Container::Wrapper : Container::Lines;
        return true;
    }
    m_container = Container::Lines;
    return true;
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
                if (!trimmed(std::string_view(start, length)).empty())
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
        else if (!trimmed(std::string_view(start, length)).empty())
            parseUnit(start, length, m_line, false);
        ++m_line;
        m_scan += lineLength + 1;
        m_consumed += lineLength + 1;
    }
}

void OplogParser::processElements(bool atEnd)
{
    static constexpr std::string_view kSpace = " \t\r\n";
    if (!m_arrayOpen) {
        // Up to the '[' that opens the list: `[` alone, or `{ "operationList" :` then `[`.
        const std::string_view text(m_buffer.data() + m_scan, m_size - m_scan);
        size_t at = text.find_first_not_of(kSpace);
        bool colonMissing = false;
        if (m_container == Container::Wrapper && at != std::string_view::npos) {
            at = text.find_first_not_of(kSpace, at + 1); // the key, checked by detectContainer()
            if (at != std::string_view::npos)
                at = text.find_first_not_of(kSpace, at + std::string_view("\"operationList\"").size());
            if (at != std::string_view::npos) {
                colonMissing = text[at] != ':';
                if (!colonMissing)
                    at = text.find_first_not_of(kSpace, at + 1);
            }
        }
        if (at == std::string_view::npos) {
            if (atEnd)
                report(0, true, QStringLiteral("the document ends before its list of events"));
            return;
        }
        if (colonMissing || text[at] != '[') {
            report(0, true, QStringLiteral("\"operationList\" is not an array"));
            m_arrayOpen = m_arrayDone = true;
            m_consumed += text.size();
            m_scan = m_size;
            return;
        }
        m_scan += at + 1;
        m_consumed += at + 1;
        m_arrayOpen = true;
        m_elementStart = 0;
    }
    while (!m_arrayDone) {
        const char *base = m_buffer.data();
        size_t i = m_scan + m_elementStart;
        bool ended = false, closing = false;
        for (; i < m_size; ++i) {
            const char c = base[i];
            if (m_inString) {
                if (m_escape)
                    m_escape = false;
                else if (c == '\\')
                    m_escape = true;
                else if (c == '"')
                    m_inString = false;
                continue;
            }
            if (c == '"') {
                m_inString = true;
            } else if (c == '{' || c == '[') {
                ++m_depth;
            } else if (c == '}' || c == ']') {
                if (m_depth == 0) {
                    ended = true;
                    closing = true;
                    break;
                }
                --m_depth;
            } else if (c == ',' && m_depth == 0) {
                ended = true;
                break;
            }
        }
        if (!ended) {
            m_elementStart = i - m_scan;
            if (m_elementStart > kMaxEventBytes && !atEnd) { // drop what is read of an oversized element
                if (!m_skipping)
                    m_skippedPosition = m_element;
                m_skipping = true;
                m_consumed += m_elementStart;
                m_scan += m_elementStart;
                m_elementStart = 0;
            }
            if (atEnd) {
                report(m_element, true, QStringLiteral("the list of events is not closed: the document is cut short"));
                m_arrayDone = true;
            }
            return;
        }
        const std::string_view unit = trimmed(std::string_view(base + m_scan, i - m_scan));
        if (m_skipping)
            report(m_skippedPosition, true, QStringLiteral("longer than 16 MiB"));
        else if (unit.size() > kMaxEventBytes) // arrived whole, in one push
            report(m_element, true, QStringLiteral("longer than 16 MiB"));
        else if (!unit.empty())
            parseUnit(unit.data(), unit.size(), m_element, true);
        else if (!(closing && m_element == 0))
            report(m_element, true, QStringLiteral("empty element"));
        if (!unit.empty() || !closing || m_skipping)
            ++m_element;
        m_skipping = false;
        if (closing && base[i] == '}')
            report(m_element, true, QStringLiteral("unbalanced '}' in the list of events"));
        m_consumed += i + 1 - m_scan;
        m_scan = i + 1;
        m_elementStart = 0;
        m_depth = 0;
        if (closing)
            m_arrayDone = true;
    }
    // Whatever follows the list (the wrapper's closing brace) is not events.
    m_consumed += m_size - m_scan;
    m_scan = m_size;
}

void OplogParser::parseUnit(const char *begin, size_t length, uint64_t position, bool element)
{
    if (std::memchr(begin, '\0', length)) {
        report(position, element, QStringLiteral("contains a NUL byte"));
        return;
    }
    Json &json = *m_json;
    const size_t capacity = size_t(m_buffer.data() + m_buffer.size() - begin);
    ondemand::document doc;
    if (const auto error = json.outer.iterate(begin, length, capacity).get(doc)) {
        report(position, element, QStringLiteral("not valid JSON: %1").arg(jsonError(error)));
        return;
    }
    ondemand::object object;
    if (doc.get_object().get(object) != SUCCESS) {
        // On Demand does not look further than the first token: the DOM parser tells bad JSON from a non-object.
        simdjson::dom::element whole;
        const auto error = json.checker.parse(begin, length, false).get(whole);
        report(position, element, error ? QStringLiteral("not valid JSON: %1").arg(jsonError(error)) : QStringLiteral("not a JSON object"));
        return;
    }

    ParsedEvent event;
    event.position = uint32_t(std::min<uint64_t>(position, UINT32_MAX));
    bool hasModule = false, hasName = false, hasType = false, hasStartTime = false;
    json.others.clear();
    json.hasOrigin = false;
    std::string origin;
    bool hasOrigin = false;
    QString problem;
    auto keepAsOther = [&](std::string_view key, std::string_view raw) {
        auto it = std::find_if(json.others.begin(), json.others.end(), [&](const auto &o) { return o.first == key; });
        if (it == json.others.end())
            json.others.emplace_back(std::string(key), std::string(raw));
        else
            it->second.assign(raw); // duplicate keys: the last one wins
    };
    auto dropOther = [&](std::string_view key) {
        json.others.erase(std::remove_if(json.others.begin(), json.others.end(),
                                         [&](const auto &o) { return o.first == key; }),
                          json.others.end());
    };

    for (auto field : object) {
        std::string_view key;
        ondemand::value value;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(value) != SUCCESS) {
            problem = QStringLiteral("not valid JSON");
            break;
        }
        ondemand::json_type type;
        if (const auto error = value.type().get(type)) {
            problem = QStringLiteral("not valid JSON: %1").arg(jsonError(error));
            break;
        }
        const auto wrongType = [&](const char *what) {
            problem = QStringLiteral("field \"%1\" is not %2").arg(QString::fromUtf8(key.data(), qsizetype(key.size())),
                                                                  QLatin1String(what));
        };
        auto readString = [&](std::string_view &out) {
            return type == ondemand::json_type::string && value.get_string().get(out) == SUCCESS;
        };
        auto readOptionalString = [&](std::optional<std::string_view> &out) -> bool {
            std::string_view s;
            if (type != ondemand::json_type::string)
                return false;
            if (value.get_string().get(s) != SUCCESS)
                return false;
            out = s;
            dropOther(key);
            return true;
        };

        if (key == "module") {
            if (!(hasModule = readString(event.module))) { wrongType("a string"); break; }
            continue;
        }
        if (key == "name") {
            if (!(hasName = readString(event.name))) { wrongType("a string"); break; }
            continue;
        }
        if (key == "type") {
            if (!(hasType = readString(event.type))) { wrongType("a string"); break; }
            continue;
        }
        if (key == "operationId") {
            std::string_view id;
            if (!readString(id)) { wrongType("a string"); break; }
            event.operationId = id;
            continue;
        }
        if (key == "startTime") {
            int64_t t = 0;
            std::string_view digits;
            if (type == ondemand::json_type::number && value.get_int64().get(t) == SUCCESS) {
                event.startTimeIsText = false;
            } else if (type == ondemand::json_type::string && value.get_string().get(digits) == SUCCESS
                       && parseDigits(digits, t)) {
                event.startTimeIsText = true;
            } else {
                wrongType("epoch milliseconds");
                break;
            }
            event.startTime = t;
            hasStartTime = true;
            continue;
        }
        if (key == "OpStartTime" && type == ondemand::json_type::number) {
            int64_t t = 0;
            if (value.get_int64().get(t) == SUCCESS) {
                event.opStartTime = t;
                dropOther(key);
                continue;
            }
        }
        if (key == "requestedBy" && readOptionalString(event.requestedBy))
            continue;
        if (key == "host" && readOptionalString(event.host))
            continue;
        if (key == "restartOf" && readOptionalString(event.restartOf))
            continue;

        // Everything else is kept verbatim (parameters too), after a full check of its value.
        std::string_view raw;
        error_code error = SUCCESS;
        if (type == ondemand::json_type::object) {
            ondemand::object nested;
            error = value.get_object().get(nested);
            if (!error)
                error = nested.raw_json().get(raw);
        } else if (type == ondemand::json_type::array) {
            ondemand::array nested;
            error = value.get_array().get(nested);
            if (!error)
                error = nested.raw_json().get(raw);
        } else {
            raw = value.raw_json_token();
            error = json.walk(value, 1, false); // a scalar: its getter checks it
        }
        raw = trimmed(raw);
        const bool isParameters = key == "parameters" && type == ondemand::json_type::object;
        const bool nested = type == ondemand::json_type::object || type == ondemand::json_type::array;
        if (!error && nested)
            error = json.validate(raw, size_t(m_buffer.data() + m_buffer.size() - raw.data()), isParameters);
        if (error == DEPTH_ERROR) {
            problem = QStringLiteral("field \"%1\" is nested deeper than %2 levels")
                          .arg(QString::fromUtf8(key.data(), qsizetype(key.size())))
                          .arg(kMaxParameterDepth);
            break;
        }
        if (error) {
            problem = QStringLiteral("not valid JSON: %1").arg(jsonError(error));
            break;
        }
        if (key == "OpStartTime")
            event.opStartTime = kNoTime;
        else if (key == "requestedBy")
            event.requestedBy.reset();
        else if (key == "host")
            event.host.reset();
        else if (key == "restartOf")
            event.restartOf.reset();
        if (isParameters) {
            event.parameters = raw;
            hasOrigin = json.hasOrigin;
            origin = json.origin;
            dropOther(key);
        } else {
            if (key == "parameters") { // not an object: kept as it is, with no origin
                event.parameters = {};
                hasOrigin = false;
            }
            keepAsOther(key, raw);
        }
    }
    if (problem.isEmpty() && !atEnd(doc))
        problem = QStringLiteral("not valid JSON: content after the object");
    if (problem.isEmpty()) {
        const char *missing = !hasModule ? "module" : !hasName ? "name" : !hasType ? "type" : !hasStartTime ? "startTime" : nullptr;
        if (missing)
            problem = QStringLiteral("required field \"%1\" is missing").arg(QLatin1String(missing));
    }
    if (problem.isEmpty()) {
        const bool serviceStarted = event.type == "ServiceStarted";
        if (!event.operationId && !serviceStarted)
            problem = QStringLiteral("required field \"operationId\" is missing");
        else if (event.operationId && event.operationId->empty() && !serviceStarted)
            problem = QStringLiteral("field \"operationId\" is empty");
        else if (serviceStarted && event.operationId) { // not an operation event: the id is only kept
            std::string raw;
            appendJsonString(raw, *event.operationId);
            keepAsOther("operationId", raw);
            event.operationId.reset();
        }
    }
    if (!problem.isEmpty()) {
        report(position, element, problem);
        return;
    }

    // The parameters' text lives in the outer buffer; it is compacted into `minified` when pretty-printed.
    event.parameters = Json::compact(event.parameters, json.minifiedParameters);
    if (hasOrigin)
        event.origin = origin;
    json.otherText.clear();
    for (const auto &[key, raw] : json.others) {
        if (!json.otherText.empty())
            json.otherText.push_back(',');
        appendJsonString(json.otherText, key);
        json.otherText.push_back(':');
        json.otherText.append(Json::compact(raw, json.minifiedOther));
    }
    if (json.otherText.size() > TextArena::kMaxLength) { // keys and ids are escaped again: `\b` grows to `\u0008`
        report(position, element, QStringLiteral("longer than 16 MiB once stored"));
        return;
    }
    event.otherFields = json.otherText;
    m_store.append(event, m_source);
    ++m_events;
}

} // namespace oplens
