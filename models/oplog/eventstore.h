// The events of every loaded source, stored by column (docs/architecture.md): rows are indices in file order.
#pragma once

#include "eventkinds.h"
#include "operationids.h"
#include "pagevector.h"
#include "stringpool.h"
#include "textarena.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// Rows cost ~36 bytes plus their other fields' text: the small values an event shares with others are one shape
// number (stringpool.h); the operation's start time a 32-bit difference from the event's; parameters a number in a
// table of distinct texts; restartOf, almost always absent, kept aside for the rows that have one.
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
    // Moves every event of `batch` (all of its source 0) to the end of this store as events of `source`: its text is
    // adopted, not copied, its interned values mapped once each. An operation of both is one operation, whose run
    // key and parameters for later appends are the batch's when it stored any.
    void appendBatch(EventStore &&batch, uint16_t source);
    // Copies the rows of `from` whose source `keepSource` allows (all when empty), in order, as events of `asSource`, or
    // of their own source when it is -1: a dataset without one source is made from memory, not read again.
    void copyRows(const EventStore &from, const std::vector<char> &keepSource, int asSource);

    size_t size() const { return m_time.size(); }
    bool empty() const { return m_time.empty(); }

    int64_t time(Row r) const { return m_time[r]; }
    int64_t opStartTime(Row r) const;
    uint32_t operation(Row r) const { return m_op[r]; } // kNone for ServiceStarted
    uint32_t module(Row r) const { return shape(r).module; }
    uint32_t name(Row r) const { return shape(r).name; }
    uint32_t type(Row r) const { return shape(r).type; }
    EventKind kind(Row r) const { return EventKind(shape(r).kind); }
    uint32_t requestedBy(Row r) const { return shape(r).requestedBy; }
    uint32_t host(Row r) const { return shape(r).host; }
    uint32_t origin(Row r) const { return shape(r).origin; }
    uint32_t restartOf(Row r) const;
    uint16_t source(Row r) const { return shape(r).source; }
    uint32_t position(Row r) const { return m_position[r]; }
    bool startTimeIsText(Row r) const { return shape(r).flags & EventShape::kStartTimeIsText; }
    std::string_view parameters(Row r) const { return m_text.view(m_parameterTexts.ref(m_parameters[r])); }
    std::string_view otherFields(Row r) const { return m_text.view(m_otherTexts[m_otherFields[r]]); }
    // A 64-bit hash of the operation's source, module, name and parameters (the last text stored for it) as
    // parametersHash() sees them, made once while appending: equal keys are the same operation run again
    // (docs/oplog.md section 3, Superseded). Never 0; 1 for an operation none of whose events was stored.
    uint64_t runKey(uint32_t op) const { return op < m_runKeys.size() && m_runKeys[op] != 0 ? m_runKeys[op] : 1; }

    // What rows share, numbered, for loops that decide once per distinct value instead of once per row: the row's
    // shape (its module, name, type, kind, requestedBy, host, origin, source: a few thousand in a big log), its
    // parameters (equal texts, equal numbers; 0 is none) and its other fields (a number shared by consecutive rows
    // with the same text).
    uint32_t shapeOf(Row r) const { return m_shape[r]; }
    const ShapeTable &shapes() const { return m_shapes; }
    uint32_t parametersOf(Row r) const { return m_parameters[r]; }
    std::string_view parametersText(uint32_t number) const { return m_text.view(m_parameterTexts.ref(number)); }
    size_t parametersCount() const { return m_parameterTexts.size(); }
    uint32_t otherFieldsOf(Row r) const { return m_otherFields[r]; }
    std::string_view otherFieldsText(uint32_t number) const { return m_text.view(m_otherTexts[number]); }
    size_t otherFieldsCount() const { return m_otherTexts.size(); }

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

    // What the store holds, in bytes: the sum of memoryParts() (used, not reserved: pages never written cost nothing).
    size_t approximateBytes() const;
    // What each part holds, in bytes: the bench's breakdown.
    std::vector<std::pair<const char *, size_t>> memoryParts() const;
    // Room for `rows` more events without growing the columns; pages not used yet cost no memory.
    void reserve(size_t rows);

private:
    static constexpr size_t kAdoptTextBytes = size_t(1) << 20; // appendBatch() copies less text than this
    // A row's opStartTime - time, or one of these.
    static constexpr int32_t kNoOpStart = std::numeric_limits<int32_t>::min(), kFarOpStart = kNoOpStart + 1;
    // Rows kept aside (restartOf, far opStartTimes): sorted by row, as rows are only appended.
    template <typename T>
    struct Sparse {
        std::vector<Row> rows;
        std::vector<T> values;
        T at(Row r) const;
        void add(Row r, T value) { rows.push_back(r), values.push_back(value); }
    };

    const EventShape &shape(Row r) const { return m_shapes[m_shape[r]]; }
    void pushRow(int64_t time, int64_t opStartTime, uint32_t op, const EventShape &shape, uint32_t restartOf,
                 uint32_t position, uint32_t parameters, uint32_t otherFields);
    uint32_t addParameters(uint32_t op, std::string_view parameters, const EventShape &shape);
    uint32_t addOtherFields(std::string_view text);
    void growOperations(uint32_t op);

    QStringList m_sources;
    StringPool m_strings;
    ShapeTable m_shapes;
    OperationIds m_ids;
    TextArena m_text;
    TextTable m_parameterTexts;

    PageVector<int64_t> m_time;
    PageVector<int32_t> m_opStartDelta;
    PageVector<uint32_t> m_op, m_shape, m_position, m_parameters, m_otherFields;
    PageVector<TextRef> m_otherTexts; // m_otherFields numbers them: a row's other fields, shared with the rows after it
                                      // that have the same
    Sparse<uint32_t> m_restartOf;
    Sparse<int64_t> m_farOpStart;
    // Per operation: its last parameters (its events mostly repeat them; kSetAgain: they were set more than once in
    // this store) and run key. reserve() makes room: no copies while loading.
    static constexpr uint32_t kSetAgain = 1u << 31, kTextNumber = kSetAgain - 1;
    PageVector<uint32_t> m_lastParameters;
    PageVector<uint64_t> m_runKeys;
};

} // namespace oplens
