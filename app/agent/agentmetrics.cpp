// GET /metrics (docs/agent.md section 8): the engine's reading of each oplog as Prometheus gauges, and the agent's
// counters (restarts, alert deliveries, answered requests). Viewer tokens and the metricsToken may read it.
#include "agentserver.h"

#include "metricstext.h"
#include "oplogfollower.h"

#include <QDateTime>
#include <QHostInfo>
#include <map>
#include <tuple>

namespace oplens::agent {

namespace {

struct LogCounts {
    std::map<std::tuple<uint32_t, uint32_t, Status>, quint64> byStatus; // (module, name, status)
    quint64 unacknowledgedInterrupted = 0, stale = 0;
};

// Counted with the engine's rules: an interruption that was restarted or superseded no longer asks for attention.
std::vector<LogCounts> countOperations(const Dataset &data, const QList<OplogConfig> &logs,
                                       const AcknowledgementStore &acknowledgements, int64_t now)
{
    std::vector<LogCounts> counts(size_t(logs.size()));
    const EventStore &s = data.events();
    for (uint32_t op = 0; op < data.operationCount(); ++op) {
        if (!data.exists(op) || data.source(op) >= counts.size())
            continue;
        LogCounts &log = counts[data.source(op)];
        const Status status = data.operation(op).status;
        ++log.byStatus[{data.module(op), data.name(op), status}];
        if (data.isStale(op, now))
            ++log.stale;
        if (status == Status::Interrupted && !data.isRestarted(op) && !data.isSuperseded(op)
            && !acknowledgements.isAcknowledged(logs[data.source(op)].id, s.ids().qtext(op)))
            ++log.unacknowledgedInterrupted;
    }
    return counts;
}

} // namespace

void AgentServer::setAlertCounts(std::function<std::map<std::pair<QString, QString>, quint64>()> counts)
{
    m_alertCounts = std::move(counts);
}

void AgentServer::serveMetrics(const Call &call)
{
    m_parts.oplogs->refresh();
    const Dataset &data = m_parts.oplogs->data();
    const std::vector<LogCounts> counts = countOperations(data, m_config.oplogs, *m_parts.acknowledgements,
                                                          QDateTime::currentMSecsSinceEpoch());
    const EventStore &s = data.events();
    MetricsText m;
    m.family("oplens_agent_info", "gauge", "The agent's version and host (always 1).");
    m.sample("oplens_agent_info", {{"version", QStringLiteral(OPLENS_VERSION)}, {"host", QHostInfo::localHostName()}}, 1);
    m.family("oplens_operations", "gauge", "Operations by their current status (docs/oplog.md section 3).");
    for (size_t i = 0; i < counts.size(); ++i)
        for (const auto &[key, n] : counts[i].byStatus)
            m.sample("oplens_operations", {{"log", m_config.oplogs[int(i)].id},
                                           {"module", s.string(std::get<0>(key))},
                                           {"name", s.string(std::get<1>(key))},
                                           {"status", statusName(std::get<2>(key))}}, double(n));
    m.family("oplens_operations_unacknowledged_interrupted", "gauge",
             "Interrupted operations neither restarted, superseded nor acknowledged.");
    for (size_t i = 0; i < counts.size(); ++i)
        m.sample("oplens_operations_unacknowledged_interrupted", {{"log", m_config.oplogs[int(i)].id}},
                 double(counts[i].unacknowledgedInterrupted));
    m.family("oplens_operations_stale", "gauge", "Operations queued or running far longer than their usual runs.");
    for (size_t i = 0; i < counts.size(); ++i)
        m.sample("oplens_operations_stale", {{"log", m_config.oplogs[int(i)].id}}, double(counts[i].stale));
    serveMetricsOfAgent(call, m);
}

// The second half of /metrics: the files, the service, the agent's own counters.
void AgentServer::serveMetricsOfAgent(const Call &call, MetricsText &m)
{
    m.family("oplens_oplog_size_bytes", "gauge", "The oplog's size.");
    for (int i = 0; i < m_config.oplogs.size(); ++i) {
        refreshLog(i);
        m.sample("oplens_oplog_size_bytes", {{"log", m_config.oplogs[i].id}}, double(m_logs[size_t(i)].size));
    }
    m.family("oplens_oplog_skipped_lines", "gauge", "Lines of the oplog that could not be read (since its rotation).");
    for (int i = 0; i < m_config.oplogs.size(); ++i)
        m.sample("oplens_oplog_skipped_lines", {{"log", m_config.oplogs[i].id}}, double(m_parts.oplogs->skippedLines(i)));
    if (m_serviceStartedAt != kNoTime) {
        m.family("oplens_service_started_timestamp_seconds", "gauge", "When the watched service last started.");
        m.sample("oplens_service_started_timestamp_seconds", {}, double(m_serviceStartedAt) / 1000.0);
    }
    m.family("oplens_restarts_total", "counter", "Restarts asked of this agent, by result.");
    for (const char *result : {"accepted", "refused", "finished", "failed"})
        m.sample("oplens_restarts_total", {{"result", QString::fromLatin1(result)}},
                 double(m_restarts[QString::fromLatin1(result)]));
    m.family("oplens_alerts_total", "counter", "Alert deliveries, by channel and result.");
    if (m_alertCounts)
        for (const auto &[key, n] : m_alertCounts())
            m.sample("oplens_alerts_total", {{"channel", key.first}, {"result", key.second}}, double(n));
    m.family("oplens_http_requests_total", "counter", "Requests answered, by status code.");
    for (const auto &[code, n] : m_answered)
        m.sample("oplens_http_requests_total", {{"code", QString::number(code)}}, double(n));
    send(call.reply, 200, m.text(), {}, MetricsText::kContentType);
    audit(call.origin, 200);
}

} // namespace oplens::agent
