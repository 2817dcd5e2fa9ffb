#include "eventformat.h"

#include "jsontext.h"

#include <QDateTime>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace oplens {

namespace {

using ordered_json = nlohmann::ordered_json;

struct Line {
    int indent;
    std::string key;
    std::string value; // empty for a key whose value follows as indented lines
};

std::string scalarText(const ordered_json &value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// Objects become indented keys; anything else one value.
void addValue(std::vector<Line> &lines, int indent, const std::string &key, const ordered_json &value)
{
    if (value.is_object() && !value.empty()) {
        lines.push_back({indent, key, {}});
        for (const auto &[k, v] : value.items())
            addValue(lines, indent + 1, k, v);
    } else {
        lines.push_back({indent, key, scalarText(value)});
    }
}

ordered_json parseObject(std::string_view text, bool braces)
{
    if (text.empty())
        return ordered_json::object();
    std::string object = braces ? "{" + std::string(text) + "}" : std::string(text);
    auto parsed = ordered_json::parse(object, nullptr, false);
    return parsed.is_discarded() ? ordered_json::object() : parsed;
}

std::string utf8(const QString &s) { return s.toStdString(); }

} // namespace

QString humanTime(int64_t epochMs, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs, zone).toString(QStringLiteral("dd/MM/yyyy HH:mm:ss"));
}

void appendEventText(std::string &out, const EventStore &store, EventStore::Row row, const EventExtras &extras,
                     const QTimeZone &zone)
{
    std::vector<Line> lines;
    auto add = [&](const char *key, std::string value) { lines.push_back({0, key, std::move(value)}); };
    add("module", std::string(store.strings().view(store.module(row))));
    add("name", std::string(store.strings().view(store.name(row))));
    if (store.operation(row) != kNone)
        add("operationId", store.operationId(row));
    const ordered_json others = parseObject(store.otherFields(row), true);
    if (!store.parameters(row).empty())
        addValue(lines, 0, "parameters", parseObject(store.parameters(row), false));
    if (store.opStartTime(row) != kNoTime)
        add("OpStartTime", std::to_string(store.opStartTime(row)));
    add("startTime", std::to_string(store.time(row)));
    if (store.requestedBy(row) != kNone)
        add("requestedBy", std::string(store.strings().view(store.requestedBy(row))));
    const auto human = others.find("humanStartTime");
    add("humanStartTime", human != others.end() ? scalarText(*human) : utf8(humanTime(store.time(row), zone)));
    add("type", std::string(store.strings().view(store.type(row))));
    if (store.host(row) != kNone)
        add("host", std::string(store.strings().view(store.host(row))));
    if (store.restartOf(row) != kNone)
        add("restartOf", store.ids().text(store.restartOf(row)));
    for (const auto &[key, value] : others.items())
        if (key != "humanStartTime")
            addValue(lines, 0, key, value);
    if (!extras.source.isEmpty())
        add("source", utf8(extras.source));
    if (!extras.status.isEmpty())
        add("status", utf8(extras.status));

    constexpr int kIndent = 8;
    size_t column = 0;
    for (const Line &line : lines)
        column = std::max(column, size_t(line.indent * kIndent) + line.key.size());
    column += 4;
    for (const Line &line : lines) {
        const size_t start = out.size();
        out.append(size_t(kIndent + line.indent * kIndent), ' ').append(line.key);
        if (!line.value.empty())
            out.append(column + kIndent - (out.size() - start), ' ').append(line.value);
        out.push_back('\n');
    }
    out.push_back('\n');
}

void appendEventJson(std::string &out, const EventStore &store, EventStore::Row row, const EventExtras &extras)
{
    bool first = true;
    auto key = [&](const char *name) {
        if (!first)
            out.push_back(',');
        first = false;
        out.push_back('"');
        out.append(name).append("\":");
    };
    auto string = [&](const char *name, std::string_view value) {
        key(name);
        appendJsonString(out, value);
    };
    out.push_back('{');
    string("module", store.strings().view(store.module(row)));
    string("name", store.strings().view(store.name(row)));
    if (store.operation(row) != kNone)
        string("operationId", store.operationId(row));
    if (!store.parameters(row).empty()) {
        key("parameters");
        out.append(store.parameters(row));
    }
    if (store.opStartTime(row) != kNoTime) {
        key("OpStartTime");
        out.append(std::to_string(store.opStartTime(row)));
    }
    key("startTime");
    if (store.startTimeIsText(row))
        appendJsonString(out, std::to_string(store.time(row)));
    else
        out.append(std::to_string(store.time(row)));
    if (store.requestedBy(row) != kNone)
        string("requestedBy", store.strings().view(store.requestedBy(row)));
    string("type", store.strings().view(store.type(row)));
    if (store.host(row) != kNone)
        string("host", store.strings().view(store.host(row)));
    if (store.restartOf(row) != kNone)
        string("restartOf", store.ids().text(store.restartOf(row)));
    if (!store.otherFields(row).empty()) {
        out.push_back(',');
        out.append(store.otherFields(row));
    }
    if (!extras.source.isEmpty())
        string("source", utf8(extras.source));
    if (!extras.status.isEmpty())
        string("status", utf8(extras.status));
    out.push_back('}');
}

} // namespace oplens
