#include "dataset.h"

#include <QDateTime>
#include <QTimeZone>
#include <QFileInfo>

#include <algorithm>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace oplens {

uint16_t Dataset::addSource(const QString &name)
{
    const uint16_t source = m_events.addSource(name);
    m_evidence.resize(size_t(source) + 1);
    return source;
}

uint32_t Dataset::findOperation(uint16_t source, std::string_view id) const
{
    const uint32_t op = m_events.ids().find(source, id);
    return exists(op) ? op : kNone;
}

void Dataset::appendBatch(Dataset &&batch, uint16_t source)
{
    if (m_events.empty() && m_events.strings().size() == 0 && source == 0) {
        // The first load: take the batch (usually aggregated where it was parsed), keeping this dataset's sources.
        const QStringList names = m_events.sourceNames();
        std::vector<SourceEvidence> settings = std::move(m_evidence);
        *this = std::move(batch);
        m_events.setSourceNames(names);
        m_evidence.resize(std::max(settings.size(), m_evidence.size()));
        bool changed = false;
        for (size_t s = 0; s < settings.size(); ++s) {
            changed |= settings[s].startedAt != kNoTime || settings[s].assumeInterrupted;
            if (settings[s].startedAt != kNoTime) // else the batch's own, if it was given one
                m_evidence[s].startedAt = settings[s].startedAt;
            m_evidence[s].assumeInterrupted |= settings[s].assumeInterrupted;
        }
        batch = Dataset();
        aggregate(); // whatever the batch had not aggregated yet
        if (changed)
            deriveAll();
        m_change = Change{0, {}, true};
        return;
    }
    // Evidence the batch was given (an agent's serviceStartedAt, a crash snapshot) is its source's: the operations it
    // brings are all derived with it, the others of that source by aggregate() when it changed something.
    const SourceEvidence given = batch.m_evidence.empty() ? SourceEvidence() : batch.m_evidence[0];
    if (m_events.sourceCount() <= source || m_events.sourceName(source).isEmpty()) { // a source first read now
        QStringList names = m_events.sourceNames();
        while (names.size() <= source)
            names << QString();
        names[source] = batch.m_events.sourceName(0);
        m_events.setSourceNames(names);
    }
    m_events.appendBatch(std::move(batch.m_events), source);
    batch = Dataset();
    if (m_evidence.size() <= source)
        m_evidence.resize(size_t(source) + 1);
    const bool newEvidence = (given.startedAt != kNoTime && given.startedAt != m_evidence[source].startedAt)
        || (given.assumeInterrupted && !m_evidence[source].assumeInterrupted);
    if (given.startedAt != kNoTime)
        m_evidence[source].startedAt = given.startedAt;
    m_evidence[source].assumeInterrupted |= given.assumeInterrupted;
    aggregate(newEvidence ? std::optional<uint16_t>(source) : std::nullopt);
}

void Dataset::copySourcesExcept(const Dataset &from, uint16_t dropped)
{
    const int sources = from.m_events.sourceCount();
    std::vector<char> keep(size_t(sources), 1);
    if (dropped < keep.size())
        keep[dropped] = 0;
    m_events.copyRows(from.m_events, keep, -1);
    m_evidence.resize(std::max(m_evidence.size(), from.m_evidence.size()));
    for (size_t s = 0; s < from.m_evidence.size(); ++s) {
        if (s == dropped)
            continue;
        m_evidence[s].startedAt = from.m_evidence[s].startedAt; // the markers come back with their rows
        m_evidence[s].assumeInterrupted = from.m_evidence[s].assumeInterrupted;
    }
}

void Dataset::aggregate(std::optional<uint16_t> evidenceOf)
{
    const size_t end = m_events.size();
    // The first call derives every operation anyway: no list of the touched ones to build and sort (2M rows).
    const bool everything = m_aggregated == 0;
    if (m_ops.size() < m_events.ids().size())
        m_ops.resize(m_events.ids().size());
    std::vector<uint32_t> touched;
    bool restartsChanged = false;
    // Sources whose evidence changed: their operations known before this batch are derived again (the batch's own are
    // touched anyway, so a source read whole now costs nothing more).
    std::vector<uint16_t> evidenceChanged;
    if (evidenceOf)
        evidenceChanged.push_back(*evidenceOf);
    const std::vector<size_t> rowsBefore = m_rowsBySource;
    m_change = Change{m_aggregated, {}, everything};
    for (size_t r = m_aggregated; r < end; ++r) {
        const Row row = Row(r);
        const uint32_t op = m_events.operation(row);
        const EventShape &shape = m_events.shapes()[m_events.shapeOf(row)]; // its kind and source: one look
        const auto kind = EventKind(shape.kind);
        if (const uint16_t source = shape.source; source >= m_rowsBySource.size())
            m_rowsBySource.resize(size_t(source) + 1, 0);
        ++m_rowsBySource[shape.source];
        if (op == kNone) {
            if (kind == EventKind::ServiceStarted && addServiceStart(row)
                && std::find(evidenceChanged.begin(), evidenceChanged.end(), shape.source) == evidenceChanged.end())
                evidenceChanged.push_back(shape.source);
            continue;
        }
        Operation &o = m_ops[op];
        if (o.eventCount++ == 0)
            o.lowestRow = row;
        if (!everything && (touched.empty() || touched.back() != op))
            touched.push_back(op);
        if (o.firstRow == kNone || earlier(row, o.firstRow))
            o.firstRow = row;
        if (o.latestRow == kNone || earlier(o.latestRow, row))
            o.latestRow = row;
        if (statusForKind(kind) && (o.statusRow == kNone || earlier(o.statusRow, row)))
            o.statusRow = row;
        if (kind == EventKind::Started && (!o.startedByEvent || m_events.time(row) < o.startedAt)) {
            o.startedAt = m_events.time(row);
            o.startedByEvent = true;
        }
        if (const uint32_t target = m_events.restartOf(row); target != kNone && linkRestart(op, target)) {
            restartsChanged = true;
            touched.push_back(target); // now Restarted
        }
    }
    if (m_ops.size() < m_events.ids().size())
        m_ops.resize(m_events.ids().size());
    m_aggregated = end;
    // Stale limits and Superseded come from the Finished runs: recomputed when one became, or stopped being,
    // Finished; Superseded also when a run became or stopped being Failed, Aborted or Interrupted, or was restarted.
    const bool knownBefore = std::any_of(evidenceChanged.begin(), evidenceChanged.end(), [&](uint16_t source) {
        return source < rowsBefore.size() && rowsBefore[source] > 0;
    });
    if (knownBefore || everything) {
        deriveAll();
        if (everything)
            returnFreedMemory();
        return;
    }
    bool finishedChanged = restartsChanged;
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    std::vector<Status> before(touched.size());
    for (size_t k = 0; k < touched.size(); ++k) {
        const uint32_t op = touched[k];
        before[k] = m_ops[op].status;
        const bool wasSuperseded = m_ops[op].supersededBy != kNone;
        derive(op); // forgets Superseded: updateFromFinishedRuns() says it again
        const Status after = m_ops[op].status;
        finishedChanged |= before[k] == Status::Finished || after == Status::Finished || isRestartable(before[k])
            || isRestartable(after) || wasSuperseded;
    }
    m_change.ops = touched;
    if (finishedChanged && !updateFromFinishedRuns(touched, before))
        computeFromFinishedRuns();
}

// After a load: what reading freed (a parallel read's buffers, in each thread's heap) goes back to the system instead
// of staying with the process (10-15 bytes per event of a big file; about 1 ms).
void Dataset::returnFreedMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

// A runner's own ServiceStarted is a marker: recovery already recorded what that runner ran, and the service that owns
// the log did not restart (docs/agent.md section 5). True when `row` is evidence of a restart of its source's service.
bool Dataset::addServiceStart(Row row)
{
    if (isRecoveryMarker(row))
        return false;
    const uint16_t source = m_events.source(row);
    if (m_evidence.size() <= source)
        m_evidence.resize(size_t(source) + 1);
    auto &starts = m_evidence[source].starts;
    const ServiceStart start{m_events.time(row), row, m_events.host(row)};
    starts.insert(std::upper_bound(starts.begin(), starts.end(), start,
                                   [this](const ServiceStart &a, const ServiceStart &b) { return earlier(a.row, b.row); }),
                  start);
    return true;
}

// `op` restarts `target`: the latest restart is the one it is restarted as. True when that changed.
bool Dataset::linkRestart(uint32_t op, uint32_t target)
{
    m_ops[op].restartOf = target;
    if (m_ops.size() <= target)
        m_ops.resize(size_t(target) + 1);
    Operation &old = m_ops[target];
    const bool latest = old.restartedAs == kNone || old.restartedAs == op
        || earlier(m_ops[old.restartedAs].firstRow, m_ops[op].firstRow);
    if (!latest || old.restartedAs == op)
        return false;
    old.restartedAs = op;
    return true;
}

void Dataset::derive(uint32_t op)
{
    Operation &o = m_ops[op];
    o.supersededBy = kNone; // until computeFromFinishedRuns() says otherwise
    if (o.eventCount == 0)
        return;
    const Row first = o.firstRow;
    if (!o.startedByEvent)
        o.startedAt = m_events.time(first);
    o.evidence = Evidence::None;
    o.evidenceRow = kNone;
    o.endedAt = kNoTime;
    if (o.statusRow == kNone) {
        o.status = Status::Unknown;
        return;
    }
    o.status = *statusForKind(m_events.kind(o.statusRow));
    const int64_t lastTime = m_events.time(o.statusRow);
    if (isTerminal(o.status)) {
        o.endedAt = lastTime;
        if (o.status == Status::Interrupted) {
            o.evidence = Evidence::Event;
            o.evidenceRow = o.statusRow;
        }
        return;
    }
    // Queued or Running: interrupted by the first restart of its service after its last event.
    const uint16_t source = m_events.ids().source(op);
    if (source >= m_evidence.size())
        return;
    const SourceEvidence &evidence = m_evidence[source];
    const uint32_t opHost = m_events.host(first);
    for (const ServiceStart &start : evidence.starts) {
        if (!earlier(o.statusRow, start.row))
            continue;
        if (!serviceStartApplies(start.host, opHost))
            continue;
        o.status = Status::Interrupted;
        o.evidence = Evidence::ServiceStarted;
        o.evidenceRow = start.row;
        o.endedAt = start.time;
        return;
    }
    if (evidence.startedAt != kNoTime && evidence.startedAt > lastTime) {
        o.status = Status::Interrupted;
        o.evidence = Evidence::AgentReport;
        o.endedAt = evidence.startedAt;
    } else if (evidence.assumeInterrupted) {
        o.status = Status::Interrupted;
        o.evidence = Evidence::Assumed;
    }
}

// Candidates for Superseded: Interrupted, Failed or Aborted, not restarted, with a known end (a crash snapshot's have
// none). Called right after derive(op), while the operation is in the cache.
void Dataset::addCandidate(uint32_t op, std::vector<Candidate> &candidates) const
{
    const Operation &o = m_ops[op];
    if (o.eventCount == 0 || !isRestartable(o.status) || o.endedAt == kNoTime || isRestarted(op))
        return;
    const Row end = o.evidenceRow != kNone ? o.evidenceRow : o.evidence == Evidence::None ? o.statusRow : kNone;
    candidates.push_back({o.endedAt, m_events.runKey(op), end, op});
}

void Dataset::deriveAll()
{
    m_change.everything = true;
    std::vector<Candidate> candidates;
    for (uint32_t op = 0; op < m_ops.size(); ++op) {
        derive(op);
        addCandidate(op, candidates);
    }
    computeFromFinishedRuns(&candidates);
}

void Dataset::setServiceStartedAt(uint16_t source, int64_t epochMs)
{
    if (m_evidence.size() <= source)
        m_evidence.resize(size_t(source) + 1);
    if (m_evidence[source].startedAt == epochMs)
        return;
    m_evidence[source].startedAt = epochMs;
    deriveAll();
}

void Dataset::setAssumeInterrupted(uint16_t source, bool assume)
{
    if (m_evidence.size() <= source)
        m_evidence.resize(size_t(source) + 1);
    if (m_evidence[source].assumeInterrupted == assume)
        return;
    m_evidence[source].assumeInterrupted = assume;
    deriveAll();
}

int64_t Dataset::lastServiceStart(uint16_t source) const
{
    if (source >= m_evidence.size())
        return kNoTime;
    const SourceEvidence &e = m_evidence[source];
    return e.starts.empty() ? e.startedAt : std::max(e.startedAt, e.starts.back().time); // starts: in time order
}

int64_t Dataset::staleLimit(uint16_t sourceId, uint32_t moduleId, uint32_t nameId) const
{
    const auto it = m_staleLimits.find({moduleId, nameId, sourceId});
    return it == m_staleLimits.end() ? kDefaultStaleMs : it->second;
}

int64_t Dataset::duration(uint32_t op, int64_t now) const
{
    const Operation &o = m_ops[op];
    if (o.startedAt == kNoTime)
        return kNoTime;
    if (o.endedAt != kNoTime)
        return elapsedMs(o.startedAt, o.endedAt);
    return o.status == Status::Running || o.status == Status::Queued ? elapsedMs(o.startedAt, now)
                                                                      : kNoTime;
}

bool Dataset::isUnfinished(uint32_t op) const
{
    const Status s = m_ops[op].status;
    return s == Status::Queued || s == Status::Running || s == Status::Interrupted;
}

bool Dataset::isRestarted(uint32_t op) const
{
    const Operation &o = m_ops[op];
    return isRestartable(o.status) && o.restartedAs != kNone && exists(o.restartedAs);
}

bool Dataset::isStale(uint32_t op, int64_t now) const
{
    const Operation &o = m_ops[op];
    if (o.status != Status::Running)
        return false;
    return elapsedMs(m_events.time(o.statusRow), now) > staleLimit(m_events.source(o.firstRow), module(op), name(op));
}

bool Dataset::isFailedRestart(uint32_t op) const
{
    const Operation &o = m_ops[op];
    return (o.status == Status::Failed || o.status == Status::Aborted) && o.restartOf != kNone && !isRestarted(op)
        && !isSuperseded(op);
}

bool Dataset::needsAttention(uint32_t op, int64_t now) const
{
    return (m_ops[op].status == Status::Interrupted && !isRestarted(op) && !isSuperseded(op)) || isFailedRestart(op)
        || isStale(op, now);
}

QString Dataset::title(uint32_t op) const
{
    const uint32_t hostId = host(op);
    return QStringLiteral("%1 %2 on %3")
        .arg(m_events.string(module(op)), m_events.string(name(op)),
             hostId != kNone ? m_events.string(hostId) : QFileInfo(m_events.sourceName(source(op))).fileName());
}

QString Dataset::interruptionReason(uint32_t op, bool utc) const
{
    const Operation &o = m_ops[op];
    const auto when = [utc](int64_t ms) {
        return utc ? QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"))
                   : QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    };
    switch (o.evidence) {
    case Evidence::None:
        return {};
    case Evidence::Event: {
        const auto error = m_events.otherString(o.evidenceRow, "error");
        return error ? QString::fromStdString(*error) : QStringLiteral("an Interrupted event");
    }
    case Evidence::ServiceStarted: {
        const QString service = m_events.string(m_events.module(o.evidenceRow));
        return QStringLiteral("service restarted at %1 (%2)").arg(when(o.endedAt), service);
    }
    case Evidence::AgentReport:
        return QStringLiteral("service restarted at %1 (reported by the agent)").arg(when(o.endedAt));
    case Evidence::Assumed:
        return QStringLiteral("unfinished in a log read as taken after a crash");
    }
    return {};
}

std::vector<Dataset::Row> Dataset::rowsOf(uint32_t op) const
{
    std::vector<Row> rows;
    const size_t n = m_events.size();
    for (size_t r = m_ops[op].lowestRow; r < n && rows.size() < m_ops[op].eventCount; ++r)
        if (m_events.operation(Row(r)) == op)
            rows.push_back(Row(r));
    std::sort(rows.begin(), rows.end(), [this](Row a, Row b) { return earlier(a, b); });
    return rows;
}

} // namespace oplens
