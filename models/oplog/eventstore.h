// The events of every loaded source, stored by column (docs/architecture.md): rows are indices in file order.
#pragma once

#include "eventkinds.h"
#include "operationids.h"
#include "stringpool.h"
#include "textarena.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oplens {

// One event as the parser sees it; the views point into the parser's buffer and live only during append().
struct ParsedEvent {
    std::string_view module, name, type;
    std::optional<std::string_view> operationId, requestedBy, host, origin, restartOf;
    int64_t startTime = 0;
    bool startTimeIsText = false; // "startTime": "1400..." is kept as a string on output
    int64_t opStartTime = kNoTime;
    std::string_view parameters;  // the raw JSON object, empty when absent
    std::string_view otherFields; // raw `"key":value,...` of every other field, in file order
    uint32_t position = 0;        // 1-based line, or 0-based element index for arrays
};

class EventStore
{
public:
    using Row = uint32_t;

    uint16_t addSource(const QString &name);
    QString sourceName(uint16_t source) const { return m_sources.value(source); }
    int sourceCount() const { return int(m_sources.size()); }
    QStringList sourceNames() const { return m_sources; }
    void setSourceNames(const QStringList &names) { m_sources = names; }

    void append(const ParsedEvent &event, uint16_t source);
    // Moves every event of `batch` (all of its source 0) to the end of this store as events of `source`.
    void appendBatch(EventStore &&batch, uint16_t source);
    // Copies the rows of `from` whose source `keepSource` allows (all when empty), in order, as events of `asSource`, or
    // of their own source when it is -1: a dataset without one source is made from memory, not read again.
    void copyRows(const EventStore &from, const std::vector<char> &keepSource, int asSource);

    size_t size() const { return m_time.size(); }
    bool empty() const { return m_time.empty(); }

    int64_t time(Row r) const { return m_time[r]; }
    int64_t opStartTime(Row r) const { return m_opStartTime[r]; }
    uint32_t operation(Row r) const { return m_op[r]; } // kNone for ServiceStarted
    uint32_t module(Row r) const { return m_module[r]; }
    uint32_t name(Row r) const { return m_name[r]; }
    uint32_t type(Row r) const { return m_type[r]; }
    EventKind kind(Row r) const { return EventKind(m_kind[r]); }
    uint32_t requestedBy(Row r) const { return m_requestedBy[r]; }
    uint32_t host(Row r) const { return m_host[r]; }
    uint32_t origin(Row r) const { return m_origin[r]; }
    uint32_t restartOf(Row r) const { return m_restartOf[r]; }
    uint16_t source(Row r) const { return m_source[r]; }
    uint32_t position(Row r) const { return m_position[r]; }
    bool startTimeIsText(Row r) const { return m_startTimeIsText[r]; }
    std::string_view parameters(Row r) const { return m_text.view(m_parameters[r]); }
    std::string_view otherFields(Row r) const { return m_text.view(m_otherFields[r]); }
    // A 64-bit hash of the operation's source, module, name and parameters (the last text stored for it) as
    // parametersHash() sees them, made once while appending: equal keys are the same operation run again
    // (docs/oplog.md section 3, Superseded). Never 0; 1 for an operation none of whose events was stored.
    uint64_t runKey(uint32_t op) const { return op < m_runKeys.size() && m_runKeys[op] != 0 ? m_runKeys[op] : 1; }

    // One of the other fields (`error`, `humanStartTime`, ...) as compact JSON, empty when absent.
    std::string otherField(Row r, std::string_view key) const;
    // The same, as text when it is a JSON string.
    std::optional<std::string> otherString(Row r, std::string_view key) const;

    const StringPool &strings() const { return m_strings; }
    const OperationIds &ids() const { return m_ids; }
    QString string(uint32_t id) const { return m_strings.text(id); }
    std::string operationId(Row r) const { return m_ids.text(m_op[r]); }

    // Numbers every row's place `by` later: a piece of a file read in parallel (pieceread.cpp) counts from its start.
    void addToPositions(uint64_t by);

    size_t approximateBytes() const;
    // Room for `rows` more events without growing the columns; pages not used yet cost no memory.
    void reserve(size_t rows);

private:
    uint32_t internOptional(const std::optional<std::string_view> &text);
    TextRef addParameters(uint32_t op, std::string_view parameters, uint16_t source, uint32_t module, uint32_t name);

    QStringList m_sources;
    StringPool m_strings;
    OperationIds m_ids;
    TextArena m_text;

    std::vector<int64_t> m_time, m_opStartTime;
    std::vector<uint32_t> m_op, m_module, m_name, m_type, m_requestedBy, m_host, m_origin, m_restartOf, m_position;
    std::vector<TextRef> m_parameters, m_otherFields;
    std::vector<uint16_t> m_source;
    std::vector<uint8_t> m_kind;
    std::vector<bool> m_startTimeIsText;
    std::vector<TextRef> m_lastParameters; // per operation: its events mostly repeat the same parameters
    std::vector<uint64_t> m_runKeys; // per operation; reserve() makes room: no copies while loading
};

} // namespace oplens
