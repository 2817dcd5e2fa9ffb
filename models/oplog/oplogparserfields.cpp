// OplogParser, one event: its fields read with simdjson (docs/oplog.md section 2), checked, and appended to the store.
// The framing (containers, lines, array elements) is in oplogparser.cpp.
#include "oplogparser.h"

#include "jsontext.h"
#include "otherfields.h"
#include "validatedtexts.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace oplens {

using namespace simdjson;

namespace {

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

} // namespace

// The simdjson state, kept out of the header, and the steps of reading one event. This is the hot path (millions of
// events a second): the steps run once an event or once a field, and are marked to be inlined into parseUnit() as
// the single function they were (GCC at -O2 keeps such member functions out of line).
#define OPLENS_STEP [[gnu::always_inline]]
struct OplogParser::Json {
    ondemand::parser outer;
    ondemand::parser inner; // validates nested values found by the outer one
    dom::parser checker;    // explains why a line is not an object
    OtherFields others;
    std::string otherText, minifiedParameters, minifiedOther;
    std::string origin;
    bool hasOrigin = false;
    ValidatedTexts validated;

    // One event as read so far; `problem`, once set, is why it is refused.
    struct Draft {
        ParsedEvent event;
        bool hasModule = false, hasName = false, hasType = false, hasStartTime = false;
        // The parameters' origin, copied from Json's: a later "parameters" that is not an object clears it.
        std::string origin;
        bool hasOrigin = false;
        QString problem;
    };

    // A field of the event: its key, its value and the value's JSON type.
    struct Field {
        std::string_view key;
        ondemand::value value;
        ondemand::json_type type;
    };

    enum class Read { NotThisField, Taken, Refused };

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
            return isJsonNumber(trimJsonSpace(value.raw_json_token())) ? SUCCESS : NUMBER_ERROR;
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

    error_code validateParameters(std::string_view raw, size_t capacity)
    {
        if (const ValidatedTexts::Entry *known = validated.find(raw)) {
            hasOrigin = known->hasOrigin;
            origin = known->origin;
            return SUCCESS;
        }
        const error_code error = validate(raw, capacity, true);
        if (!error)
            validated.add(raw, hasOrigin, origin);
        return error;
    }

    // Compact text for storage: pretty-printed input (arrays from exports) is stored without layout.
    static std::string_view compact(std::string_view raw, std::string &minified)
    {
        if (raw.empty() || (raw.front() != '{' && raw.front() != '[') || !isLaidOut(raw))
            return raw; // a scalar has no layout: a string holds no raw line break, and its spaces are its own
        minified.resize(raw.size());
        size_t length = 0;
        if (minify(raw.data(), raw.size(), minified.data(), length) != SUCCESS)
            return raw;
        return {minified.data(), length};
    }

    // Layout whitespace is a line break or tab, or a space after a structural character; memchr's passes, as most
    // texts have none (a byte loop here was a tenth of the parse).
    static bool isLaidOut(std::string_view raw)
    {
        const char *begin = raw.data(), *end = begin + raw.size();
        for (const char c : {'\n', '\r', '\t'})
            if (std::memchr(begin, c, raw.size()))
                return true;
        for (const char *s = begin; (s = static_cast<const char *>(std::memchr(s, ' ', size_t(end - s)))); ++s)
            if (s > begin && (s[-1] == ':' || s[-1] == ',' || s[-1] == '{' || s[-1] == '['))
                return true;
        return false;
    }

    // Starts reading `length` bytes at `begin` (in a padded buffer of `capacity`) as one object: why it is not one,
    // or empty. The DOM parser is asked only on failure, to tell bad JSON from a non-object.
    OPLENS_STEP QString open(const char *begin, size_t length, size_t capacity, ondemand::document &doc,
                             ondemand::object &object)
    {
        if (std::memchr(begin, '\0', length))
            return QStringLiteral("contains a NUL byte");
        if (const auto error = outer.iterate(begin, length, capacity).get(doc))
            return QStringLiteral("not valid JSON: %1").arg(jsonError(error));
        if (doc.get_object().get(object) != SUCCESS) {
            // On Demand does not look further than the first token.
            simdjson::dom::element whole;
            const auto error = checker.parse(begin, length, false).get(whole);
            return error ? QStringLiteral("not valid JSON: %1").arg(jsonError(error)) : QStringLiteral("not a JSON object");
        }
        return {};
    }

    // Reads one field into `draft`; false when it refuses the event (`draft.problem` says why).
    OPLENS_STEP bool readField(simdjson_result<ondemand::field> &field, Draft &draft, const char *bufferEnd)
    {
        Field f;
        if (field.unescaped_key().get(f.key) != SUCCESS || field.value().get(f.value) != SUCCESS) {
            draft.problem = QStringLiteral("not valid JSON");
            return false;
        }
        if (const auto error = f.value.type().get(f.type)) {
            draft.problem = QStringLiteral("not valid JSON: %1").arg(jsonError(error));
            return false;
        }
        switch (readRequiredField(f, draft)) {
        case Read::Taken: return true;
        case Read::Refused: return false;
        case Read::NotThisField: break;
        }
        if (readOptionalField(f, draft.event))
            return true;
        return keepVerbatim(f, draft, bufferEnd);
    }

    // module, name, type, operationId and startTime: their own columns; a value of another type refuses the event.
    OPLENS_STEP static Read readRequiredField(Field &f, Draft &draft)
    {
        const auto readString = [&](std::string_view &out) {
            return f.type == ondemand::json_type::string && f.value.get_string().get(out) == SUCCESS;
        };
        ParsedEvent &event = draft.event;
        if (f.key == "module")
            return (draft.hasModule = readString(event.module)) ? Read::Taken : refuse(draft, f.key, "a string");
        if (f.key == "name")
            return (draft.hasName = readString(event.name)) ? Read::Taken : refuse(draft, f.key, "a string");
        if (f.key == "type")
            return (draft.hasType = readString(event.type)) ? Read::Taken : refuse(draft, f.key, "a string");
        if (f.key == "operationId") {
            std::string_view id;
            if (!readString(id))
                return refuse(draft, f.key, "a string");
            event.operationId = id;
            return Read::Taken;
        }
        if (f.key == "startTime") {
            int64_t t = 0;
            std::string_view digits;
            if (f.type == ondemand::json_type::number && f.value.get_int64().get(t) == SUCCESS)
                event.startTimeIsText = false;
            else if (f.type == ondemand::json_type::string && f.value.get_string().get(digits) == SUCCESS
                     && parseDigits(digits, t))
                event.startTimeIsText = true;
            else
                return refuse(draft, f.key, "epoch milliseconds");
            event.startTime = t;
            draft.hasStartTime = true;
            return Read::Taken;
        }
        return Read::NotThisField;
    }

    // Out of line and given the key alone, so that the field being read stays in registers: parsing is 10 % faster.
    [[gnu::cold]] static Read refuse(Draft &draft, std::string_view key, const char *what)
    {
        draft.problem = QStringLiteral("field \"%1\" is not %2")
                            .arg(QString::fromUtf8(key.data(), qsizetype(key.size())), QLatin1String(what));
        return Read::Refused;
    }

    // OpStartTime (a whole number), requestedBy, host and restartOf (strings) get their own columns; of another type
    // they are kept verbatim like any other field, so false is no refusal.
    OPLENS_STEP bool readOptionalField(Field &f, ParsedEvent &event)
    {
        if (f.key == "OpStartTime" && f.type == ondemand::json_type::number) {
            int64_t t = 0;
            if (f.value.get_int64().get(t) == SUCCESS) {
                event.opStartTime = t;
                others.drop(f.key);
                return true;
            }
        }
        if (f.key == "requestedBy")
            return readOptionalString(f, event.requestedBy);
        if (f.key == "host")
            return readOptionalString(f, event.host);
        if (f.key == "restartOf")
            return readOptionalString(f, event.restartOf);
        return false;
    }

    bool readOptionalString(Field &f, std::optional<std::string_view> &out)
    {
        std::string_view s;
        if (f.type != ondemand::json_type::string)
            return false;
        if (f.value.get_string().get(s) != SUCCESS)
            return false;
        out = s;
        others.drop(f.key);
        return true;
    }

    // Everything else is kept verbatim (parameters too), after a full check of its value; false refuses the event.
    OPLENS_STEP bool keepVerbatim(Field &f, Draft &draft, const char *bufferEnd)
    {
        std::string_view raw;
        error_code error = rawValue(f, raw);
        raw = trimJsonSpace(raw);
        const bool isParameters = f.key == "parameters" && f.type == ondemand::json_type::object;
        const bool nested = f.type == ondemand::json_type::object || f.type == ondemand::json_type::array;
        if (!error && nested)
            error = isParameters ? validateParameters(raw, size_t(bufferEnd - raw.data()))
                                 : validate(raw, size_t(bufferEnd - raw.data()), false);
        if (error == DEPTH_ERROR) {
            draft.problem = QStringLiteral("field \"%1\" is nested deeper than %2 levels")
                                .arg(QString::fromUtf8(f.key.data(), qsizetype(f.key.size())))
                                .arg(kMaxParameterDepth);
            return false;
        }
        if (error) {
            draft.problem = QStringLiteral("not valid JSON: %1").arg(jsonError(error));
            return false;
        }
        forgetOptionalField(f.key, draft.event); // the last of duplicate keys wins, and it is not of the column's type
        if (isParameters) {
            draft.event.parameters = raw;
            draft.hasOrigin = hasOrigin;
            draft.origin = origin;
            others.drop(f.key);
        } else {
            if (f.key == "parameters") { // not an object: kept as it is, with no origin
                draft.event.parameters = {};
                draft.hasOrigin = false;
            }
            others.keep(f.key, raw);
        }
        return true;
    }

    // The value's text: an object or array whole (checked by validate() next), a scalar checked by its getter.
    OPLENS_STEP error_code rawValue(Field &f, std::string_view &raw)
    {
        error_code error = SUCCESS;
        if (f.type == ondemand::json_type::object) {
            ondemand::object nested;
            error = f.value.get_object().get(nested);
            if (!error)
                error = nested.raw_json().get(raw);
        } else if (f.type == ondemand::json_type::array) {
            ondemand::array nested;
            error = f.value.get_array().get(nested);
            if (!error)
                error = nested.raw_json().get(raw);
        } else {
            raw = f.value.raw_json_token();
            error = walk(f.value, 1, false); // a scalar: its getter checks it
        }
        return error;
    }

    OPLENS_STEP static void forgetOptionalField(std::string_view key, ParsedEvent &event)
    {
        if (key == "OpStartTime")
            event.opStartTime = kNoTime;
        else if (key == "requestedBy")
            event.requestedBy.reset();
        else if (key == "host")
            event.host.reset();
        else if (key == "restartOf")
            event.restartOf.reset();
    }

    // After the last field: nothing may follow the object, and the required fields must all be there.
    OPLENS_STEP void checkComplete(ondemand::document &doc, Draft &draft)
    {
        if (draft.problem.isEmpty() && !atEnd(doc))
            draft.problem = QStringLiteral("not valid JSON: content after the object");
        if (draft.problem.isEmpty()) {
            const char *missing = !draft.hasModule ? "module" : !draft.hasName ? "name" : !draft.hasType ? "type"
                                : !draft.hasStartTime                            ? "startTime"
                                                                                 : nullptr;
            if (missing)
                draft.problem = QStringLiteral("required field \"%1\" is missing").arg(QLatin1String(missing));
        }
        if (draft.problem.isEmpty())
            checkOperationId(draft);
    }

    // Every event of an operation names it; a ServiceStarted marker belongs to none, so its id is only kept.
    OPLENS_STEP void checkOperationId(Draft &draft)
    {
        ParsedEvent &event = draft.event;
        const bool serviceStarted = event.type == "ServiceStarted";
        if (!event.operationId && !serviceStarted)
            draft.problem = QStringLiteral("required field \"operationId\" is missing");
        else if (event.operationId && event.operationId->empty() && !serviceStarted)
            draft.problem = QStringLiteral("field \"operationId\" is empty");
        else if (serviceStarted && event.operationId) {
            std::string raw;
            appendJsonString(raw, *event.operationId);
            others.keep("operationId", raw);
            event.operationId.reset();
        }
    }

    // The event's text as it is stored: parameters compacted, the other fields joined as `"key":value,...`.
    // False when that is too long for the store.
    OPLENS_STEP bool prepareText(Draft &draft)
    {
        // The parameters' text lives in the outer buffer; it is compacted into `minified` when pretty-printed.
        draft.event.parameters = compact(draft.event.parameters, minifiedParameters);
        if (draft.hasOrigin)
            draft.event.origin = draft.origin;
        otherText.clear();
        others.forEach([&](std::string_view key, std::string_view raw) {
            if (!otherText.empty())
                otherText.push_back(',');
            appendJsonString(otherText, key);
            otherText.push_back(':');
            otherText.append(compact(raw, minifiedOther));
        });
        if (otherText.size() > TextArena::kMaxLength) // keys and ids are escaped again: `\b` grows to `\u0008`
            return false;
        draft.event.otherFields = otherText;
        return true;
    }
};
#undef OPLENS_STEP

// Here, where Json is complete.
OplogParser::OplogParser(EventStore &store, uint16_t source, Container container, uint64_t firstLine)
    : m_store(store), m_source(source), m_container(container), m_json(std::make_unique<Json>()), m_line(firstLine)
{
    m_atStart = firstLine == 1;
}

OplogParser::~OplogParser() = default;

void OplogParser::parseUnit(const char *begin, size_t length, uint64_t position, bool element)
{
    Json &json = *m_json;
    const char *bufferEnd = m_buffer.data() + m_buffer.capacity(); // simdjson reads the padding after any text in it
    ondemand::document doc;
    ondemand::object object;
    if (QString why = json.open(begin, length, size_t(bufferEnd - begin), doc, object); !why.isEmpty()) {
        report(position, element, std::move(why));
        return;
    }
    Json::Draft draft;
    draft.event.position = uint32_t(std::min<uint64_t>(position, UINT32_MAX));
    json.others.clear();
    json.hasOrigin = false;
    for (auto field : object)
        if (!json.readField(field, draft, bufferEnd))
            break;
    json.checkComplete(doc, draft);
    if (!draft.problem.isEmpty()) {
        report(position, element, draft.problem);
        return;
    }
    if (!json.prepareText(draft)) {
        report(position, element, QStringLiteral("longer than 16 MiB once stored"));
        return;
    }
    m_store.append(draft.event, m_source);
    ++m_events;
    if (const size_t dropped = json.others.droppedKeys())
        report(position, element, QStringLiteral("more than %1 unknown fields; the other %2 were dropped")
                                      .arg(OtherFields::kMaxKept).arg(dropped));
}

} // namespace oplens
