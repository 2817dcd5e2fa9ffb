#include "restartplan.h"

#include "runner.h"

#include <QCoreApplication>
#include <QStringList>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

using namespace Qt::StringLiterals;

namespace oplens {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("RestartPlan", text);
}

QString text(std::string_view view)
{
    return QString::fromUtf8(view.data(), qsizetype(view.size()));
}

// "a SmartScan with the same parameters is running (id …)".
QString duplicateRefusal(const Dataset &data, uint32_t duplicate)
{
    const bool queued = data.operation(duplicate).status == Status::Queued;
    return tr("a %1 with the same parameters is already %2 (id %3)")
        .arg(data.events().string(data.name(duplicate)), queued ? tr("queued") : tr("running"),
             data.events().ids().qtext(duplicate));
}

QString sourceRefusal(const Dataset &data, uint32_t op, const RestartSource &source)
{
    switch (source.kind) {
    case RestartSource::Kind::Gone:
        return source.why.isEmpty() ? tr("its source is no longer open") : source.why;
    case RestartSource::Kind::ReadOnly:
        return source.why.isEmpty() ? tr("its source is read-only") : source.why;
    case RestartSource::Kind::Local:
        if (!source.why.isEmpty())
            return source.why;
        break;
    case RestartSource::Kind::Agent:
        break;
    }
    const QString module = data.events().string(data.module(op)), name = data.events().string(data.name(op));
    if (source.actionsKnown && !source.actions.count({module, name}))
        return tr("no action for %1 %2 on %3").arg(module, name, source.actionsFrom);
    return {};
}

QString evidenceOf(const Dataset &data, uint32_t op, bool utc)
{
    const Operation &o = data.operation(op);
    if (o.status == Status::Interrupted)
        return data.interruptionReason(op, utc);
    if (const auto error = data.events().otherString(o.statusRow, "error"))
        return QString::fromStdString(*error);
    return {};
}

// The Queued and Running operations by source, module, name and parameters: a plan of many looks its duplicates up
// here, each active operation's parameters parsed once, not once per operation of the plan (1,194 interrupted of 800k
// operations: 3.7 s when scanned for each).
class ActiveOperations
{
public:
    explicit ActiveOperations(const Dataset &data)
    {
        for (uint32_t op = 0; op < data.operationCount(); ++op)
            if (data.exists(op) && isActive(data.operation(op).status))
                m_byKey[keyOf(data, op)].push_back(op);
    }
    uint32_t duplicateOf(const Dataset &data, uint32_t op) const
    {
        if (m_byKey.empty())
            return kNone;
        const auto same = m_byKey.find(keyOf(data, op));
        if (same != m_byKey.end())
            for (const uint32_t other : same->second)
                if (other != op)
                    return other;
        return kNone;
    }

private:
    using Key = std::tuple<uint16_t, uint32_t, uint32_t, std::string>;
    static Key keyOf(const Dataset &data, uint32_t op)
    {
        return {data.source(op), data.module(op), data.name(op), comparableParameters(parametersRunWith(data, op))};
    }
    std::map<Key, std::vector<uint32_t>> m_byKey;
};

// restartRefusal(), with the duplicates looked up in `active`.
QString refusalOf(const Dataset &data, uint32_t op, const RestartSource &source, bool utc, const ActiveOperations &active)
{
    if (!data.exists(op))
        return tr("no such operation");
    const Operation &o = data.operation(op);
    if (!isRestartable(o.status))
        return tr("it is %1: only Interrupted, Failed or Aborted operations are restarted").arg(statusName(o.status));
    if (o.restartedAs != kNone) {
        const uint32_t again = o.restartedAs;
        return tr("already restarted as %1 (%2)").arg(data.events().ids().qtext(again), statusName(data.operation(again).status));
    }
    if (data.isSuperseded(op))
        return tr("finished since: %1").arg(data.supersededReason(op, utc));
    if (const QString why = sourceRefusal(data, op, source); !why.isEmpty())
        return why;
    if (const uint32_t twin = active.duplicateOf(data, op); twin != kNone)
        return duplicateRefusal(data, twin);
    return {};
}

} // namespace

uint32_t activeDuplicate(const Dataset &data, uint32_t op)
{
    return ActiveOperations(data).duplicateOf(data, op);
}

QString restartRefusal(const Dataset &data, uint32_t op, const RestartSource &source, bool utc)
{
    return refusalOf(data, op, source, utc, ActiveOperations(data));
}

std::vector<PlanItem> makeRestartPlan(const Dataset &data, const std::vector<uint32_t> &ops,
                                      const std::vector<RestartSource> &sources, bool utc)
{
    std::vector<uint32_t> order;
    for (const uint32_t op : ops)
        if (op < data.operationCount() && data.exists(op))
            order.push_back(op);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const int64_t ta = data.operation(a).startedAt, tb = data.operation(b).startedAt;
        return ta != tb ? ta < tb : a < b;
    });
    order.erase(std::unique(order.begin(), order.end()), order.end());

    const EventStore &s = data.events();
    const ActiveOperations active(data);
    const RestartSource gone;
    // Where "the same" is decided: an agent's duplicate guard spans all its oplogs, a local file is a service of its
    // own. By that scope, module, name and comparable parameters: the item restarted for them.
    std::map<std::tuple<QString, uint32_t, uint32_t, std::string>, QString> restarted;
    std::set<std::pair<QString, QString>> planned; // (scope, operation id): one operation read twice is planned once
    std::vector<PlanItem> plan;
    plan.reserve(order.size());
    for (const uint32_t op : order) {
        const uint16_t sourceIndex = data.source(op);
        const RestartSource &source = sourceIndex < sources.size() ? sources[sourceIndex] : gone;
        const QString scope = source.kind == RestartSource::Kind::Agent ? u"agent "_s + source.server
                                                                         : u"source "_s + s.sourceName(sourceIndex);
        if (!planned.emplace(scope, s.ids().qtext(op)).second)
            continue;
        PlanItem item;
        item.source = s.sourceName(sourceIndex);
        item.server = source.server;
        item.operationId = s.ids().qtext(op);
        item.module = s.string(data.module(op));
        item.name = s.string(data.name(op));
        item.host = data.host(op) == kNone ? QString() : s.string(data.host(op));
        const std::string_view ranWith = parametersRunWith(data, op);
        item.parameters = text(ranWith);
        item.status = data.operation(op).status;
        item.startedAt = data.operation(op).startedAt;
        item.evidence = evidenceOf(data, op, utc);
        item.refusal = refusalOf(data, op, source, utc, active);
        if (item.canRestart()) {
            const auto key = std::make_tuple(scope, data.module(op), data.name(op), comparableParameters(ranWith));
            if (const auto first = restarted.find(key); first != restarted.end())
                item.refusal = tr("a duplicate of %1 (same module, name and parameters), restarted in this batch").arg(first->second);
            else
                restarted.emplace(key, item.operationId);
        }
        plan.push_back(std::move(item));
    }
    return plan;
}

std::vector<uint32_t> interruptedToRestart(const Dataset &data, const std::vector<uint32_t> &ops)
{
    std::vector<uint32_t> chosen;
    for (const uint32_t op : ops)
        if (op < data.operationCount() && data.exists(op) && data.operation(op).status == Status::Interrupted
            && !data.isRestarted(op) && !data.isSuperseded(op))
            chosen.push_back(op);
    return chosen;
}

QString serverText(const PlanItem &item)
{
    if (item.host.isEmpty() || item.host == item.server)
        return item.server;
    return item.server.isEmpty() ? item.host : QStringLiteral("%1 (%2)").arg(item.host, item.server);
}

QString parametersText(const QString &parameters)
{
    const auto json = nlohmann::ordered_json::parse(parameters.toStdString(), nullptr, false);
    if (!json.is_object())
        return parameters;
    QStringList pairs;
    for (const auto &[key, value] : json.items()) {
        if (key == "origin")
            continue;
        const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        pairs << QStringLiteral("%1=%2").arg(QString::fromStdString(key), QString::fromStdString(text));
    }
    return pairs.join(QStringLiteral(", "));
}

QString planSummary(const std::vector<PlanItem> &plan)
{
    const auto refused = std::count_if(plan.begin(), plan.end(), [](const PlanItem &i) { return !i.canRestart(); });
    const qsizetype restarted = qsizetype(plan.size()) - qsizetype(refused);
    if (refused == 0)
        return tr("%1 to restart").arg(restarted);
    return tr("%1 to restart, %2 refused").arg(restarted).arg(refused);
}

} // namespace oplens
