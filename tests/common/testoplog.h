// The tests' one oplog-line builder, and helpers that parse lines into a store or dataset (header only).
//
//   testoplog::Event(id, "Started", time).name("RestoreOnNewAccount").parameters({{u"origin"_s, u"Cron"_s}})
//       .set(u"requestedBy", u"zimbra"_s).line()
//
// writes {"module":"ZxBackup","name":"RestoreOnNewAccount","operationId":"…","type":"Started","startTime":…,
// "parameters":{"origin":"Cron"},"requestedBy":"zimbra"} and its line ending: the fields every event has first, then
// the others in the order they were set. Lines that must break the format on purpose (the parser's tests) are written
// out literally instead.
#pragma once

#include "dataset.h"
#include "eventformat.h"
#include "oplogparser.h"
#include "testfiles.h"

#include <QAnyStringView>
#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <string>

namespace testoplog {

// `text` as a JSON string, quotes included.
inline QByteArray jsonString(QAnyStringView text)
{
    const QByteArray utf8 = text.toString().toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (uchar(c) < 0x20)
                out += "\\u00" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    return out + '"';
}

// Any JSON value as its compact text.
inline QByteArray jsonText(const QJsonValue &value)
{
    if (value.isString())
        return jsonString(value.toString());
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact); // [value]
    return array.mid(1, array.size() - 2);
}

// One oplog event, of ZxBackup SmartScan unless module() and name() say otherwise. An empty id leaves operationId
// out (ServiceStarted markers have none).
class Event
{
public:
    Event(QAnyStringView id, QAnyStringView type, qint64 time)
        : m_id(id.toString().toUtf8()), m_type(type.toString().toUtf8()), m_time(time)
    {
    }

    Event &module(QAnyStringView module)
    {
        m_module = module.toString().toUtf8();
        return *this;
    }
    Event &name(QAnyStringView name)
    {
        m_name = name.toString().toUtf8();
        return *this;
    }
    // One more field, after those already set.
    Event &set(QAnyStringView key, const QJsonValue &value)
    {
        m_rest += ',' + jsonString(key) + ':' + jsonText(value);
        return *this;
    }
    // Every field of `fields`, in its (sorted) order.
    Event &set(const QJsonObject &fields)
    {
        for (auto it = fields.begin(); it != fields.end(); ++it)
            set(it.key(), it.value());
        return *this;
    }
    Event &parameters(const QJsonObject &parameters) { return set(u"parameters", parameters); }
    // Fields written verbatim after those already set: `,"host":"h1"`.
    Event &raw(const QByteArray &fields)
    {
        m_rest += fields;
        return *this;
    }

    // The JSON object's text, without a line ending.
    QByteArray json() const
    {
        QByteArray out = "{\"module\":" + jsonString(m_module) + ",\"name\":" + jsonString(m_name);
        if (!m_id.isEmpty())
            out += ",\"operationId\":" + jsonString(m_id);
        return out + ",\"type\":" + jsonString(m_type) + ",\"startTime\":" + QByteArray::number(m_time) + m_rest + '}';
    }
    QByteArray line() const { return json() + '\n'; }
    operator QByteArray() const { return line(); }

private:
    QByteArray m_module = "ZxBackup", m_name = "SmartScan", m_id, m_type;
    qint64 m_time;
    QByteArray m_rest;
};

// One JSON Lines event of ZxBackup/SmartScan (unless `module`/`name` say otherwise), line ending included.
// `extra` is added verbatim after the required fields: `,"host":"h1"`. An empty `id` leaves operationId out.
inline QByteArray eventLine(const QByteArray &id, const QByteArray &type, qint64 time, const QByteArray &extra = {},
                            const QByteArray &module = "ZxBackup", const QByteArray &name = "SmartScan")
{
    return Event(id, type, time).module(module).name(name).raw(extra).line();
}

// A ServiceStarted marker of the ZxBackup service.
inline QByteArray serviceStarted(qint64 time, const QByteArray &extra = {})
{
    return eventLine(QByteArray(), "ServiceStarted", time, extra, "ZxBackup", "ServiceStarted");
}

// ---- reading an oplog back, as JSON -----------------------------------------------------------------------------

// Every line of the oplog at `path` that is not blank, as a JSON object (an empty one for a line that is not JSON).
inline QList<QJsonObject> jsonLines(const QString &path)
{
    QList<QJsonObject> lines;
    for (const QByteArray &text : testfiles::readAll(path).split('\n'))
        if (!text.trimmed().isEmpty())
            lines << QJsonDocument::fromJson(text).object();
    return lines;
}

// The events of operation `id`, in the file's order.
inline QList<QJsonObject> eventsOf(const QString &oplog, const QString &id)
{
    QList<QJsonObject> events;
    for (const QJsonObject &e : jsonLines(oplog))
        if (e.value(QStringLiteral("operationId")).toString() == id)
            events << e;
    return events;
}

// The types of the events of operation `id`, in the file's order: {"Queued", "Started", "Finished"}.
inline QStringList typesOf(const QString &oplog, const QString &id)
{
    QStringList types;
    for (const QJsonObject &e : eventsOf(oplog, id))
        types << e.value(QStringLiteral("type")).toString();
    return types;
}

// The operations launched as restarts of `old`: their ids, in the order of their Queued events.
inline QStringList restartsOf(const QString &oplog, const QString &old)
{
    QStringList ids;
    for (const QJsonObject &e : jsonLines(oplog))
        if (e.value(QStringLiteral("restartOf")).toString() == old && e.value(QStringLiteral("type")).toString() == u"Queued")
            ids << e.value(QStringLiteral("operationId")).toString();
    return ids;
}

// ---- parsing ---------------------------------------------------------------------------------------------------

// Parses `text` whole (pushed at once, then finished) as events of `source`; returns the problems.
inline oplens::ReadProblems parseInto(oplens::EventStore &store, uint16_t source, const QByteArray &text)
{
    oplens::OplogParser parser(store, source);
    parser.push(text.constData(), size_t(text.size()));
    parser.finish();
    return parser.problems();
}

// A dataset of one source ("test") holding `text`, aggregated.
inline void load(oplens::Dataset &data, const QByteArray &text)
{
    const uint16_t source = data.addSource(QStringLiteral("test"));
    parseInto(data.events(), source, text);
    data.aggregate();
}

// The operation `id` of `source`; fails the calling test when it does not exist.
inline uint32_t op(const oplens::Dataset &data, const char *id, uint16_t source = 0)
{
    return data.findOperation(source, id);
}

// Every event of a store as the JSON that export writes, one string a row: two stores hold the same events
// exactly when these lists are equal.
inline QStringList dumpEvents(const oplens::EventStore &store)
{
    QStringList out;
    for (oplens::EventStore::Row r = 0; r < store.size(); ++r) {
        std::string json;
        oplens::appendEventJson(json, store, r, {});
        out << QString::fromStdString(json);
    }
    return out;
}

// Every accessor of every row, every operation's id, source and run key, and the strings, as text: two stores hold
// the same exactly when these lists are equal (a store read in pieces against one read whole).
inline QStringList describeStore(const oplens::EventStore &store)
{
    QStringList out;
    for (oplens::EventStore::Row r = 0; r < store.size(); ++r) {
        out << QStringLiteral("%1 %2 op=%3 %4/%5/%6 kind=%7 %8 %9 %10 restartOf=%11 source=%12 pos=%13 text=%14 %15 %16")
                   .arg(store.time(r))
                   .arg(store.opStartTime(r))
                   .arg(store.operation(r))
                   .arg(store.module(r))
                   .arg(store.name(r))
                   .arg(store.type(r))
                   .arg(int(store.kind(r)))
                   .arg(store.requestedBy(r))
                   .arg(store.host(r))
                   .arg(store.origin(r))
                   .arg(store.restartOf(r))
                   .arg(store.source(r))
                   .arg(store.position(r))
                   .arg(store.startTimeIsText(r))
                   .arg(QString::fromStdString(std::string(store.parameters(r))),
                        QString::fromStdString(std::string(store.otherFields(r))));
    }
    const oplens::OperationIds &ids = store.ids();
    for (uint32_t op = 0; op < ids.size(); ++op)
        out << QStringLiteral("op %1 %2/%3 key=%4").arg(op).arg(ids.source(op)).arg(ids.qtext(op)).arg(store.runKey(op));
    for (uint32_t s = 0; s < store.strings().size(); ++s)
        out << QStringLiteral("string %1 %2").arg(s).arg(store.string(s));
    return out;
}

inline QList<quint64> positions(const oplens::EventStore &store)
{
    QList<quint64> out;
    for (oplens::EventStore::Row r = 0; r < store.size(); ++r)
        out << store.position(r);
    return out;
}

inline QStringList problemsText(const oplens::ReadProblems &problems)
{
    QStringList out;
    for (const auto &p : problems)
        out << p.place() + QStringLiteral(": ") + p.reason;
    return out;
}

} // namespace testoplog
