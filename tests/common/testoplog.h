// Helpers shared by the engine's unit tests: oplog lines built inline, and parsing them into a store or dataset.
#pragma once

#include "dataset.h"
#include "eventformat.h"
#include "oplogparser.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <string>

namespace testoplog {

// One JSON Lines event of ZxBackup/SmartScan (unless `module`/`name` say otherwise), line ending included.
// `extra` is added verbatim after the required fields: `,"host":"h1"`.
inline QByteArray eventLine(const QByteArray &id, const QByteArray &type, qint64 time, const QByteArray &extra = {},
                        const QByteArray &module = "ZxBackup", const QByteArray &name = "SmartScan")
{
    QByteArray line = "{\"module\":\"" + module + "\",\"name\":\"" + name + "\"";
    if (!id.isNull())
        line += ",\"operationId\":\"" + id + "\"";
    line += ",\"type\":\"" + type + "\",\"startTime\":" + QByteArray::number(time) + extra + "}\n";
    return line;
}

// A ServiceStarted marker of the ZxBackup service.
inline QByteArray serviceStarted(qint64 time, const QByteArray &extra = {})
{
    return eventLine(QByteArray(), "ServiceStarted", time, extra, "ZxBackup", "ServiceStarted");
}

// Parses `text` whole (pushed at once, then finished) as events of `source`; returns the problems.
inline std::vector<oplens::ReadProblem> parseInto(oplens::EventStore &store, uint16_t source, const QByteArray &text)
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

inline QList<quint64> positions(const oplens::EventStore &store)
{
    QList<quint64> out;
    for (oplens::EventStore::Row r = 0; r < store.size(); ++r)
        out << store.position(r);
    return out;
}

inline QStringList problemsText(const std::vector<oplens::ReadProblem> &problems)
{
    QStringList out;
    for (const auto &p : problems)
        out << p.place() + QStringLiteral(": ") + p.reason;
    return out;
}

} // namespace testoplog
